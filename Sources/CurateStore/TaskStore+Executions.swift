import Foundation
import GRDB

/// Sandbox verdicts per task revision (table `execution`, migration `v2-executions`).
extension TaskStore {
    /// Stores verdicts in one transaction; a verdict for the same revision and key replaces the earlier one.
    public func recordExecutions(_ records: [ExecutionRecord]) throws {
        try write { db in
            for record in records { try record.replace(db) }
        }
    }

    /// Stored verdicts for these keys, whichever revision they were recorded for (equal keys give equal results).
    public func executions(keys: [String]) throws -> [String: ExecutionRecord] {
        try read { db in
            var result: [String: ExecutionRecord] = [:]
            for part in StoreSQL.chunks(keys) {
                for record in try ExecutionRecord.filter(part.contains(ExecutionRecord.Columns.key)).order(
                    ExecutionRecord.Columns.id
                ).fetchAll(db) {
                    result[record.key] = record
                }
            }
            return result
        }
    }

    /// The newest verdict of one revision (what `curate show` displays), if it was ever validated.
    public func latestExecution(revisionID: Int64) throws -> ExecutionRecord? {
        try read { db in
            try ExecutionRecord.filter(ExecutionRecord.Columns.revisionID == revisionID).order(
                ExecutionRecord.Columns.id.desc
            ).fetchOne(db)
        }
    }

    /// The newest verdict of each of these revisions.
    public func latestExecutions(revisionIDs: [Int64]) throws -> [Int64: ExecutionRecord] {
        try read { db in
            var result: [Int64: ExecutionRecord] = [:]
            for part in StoreSQL.chunks(revisionIDs) {
                for record in try ExecutionRecord.filter(part.contains(ExecutionRecord.Columns.revisionID)).order(
                    ExecutionRecord.Columns.id
                ).fetchAll(db) {
                    result[record.revisionID] = record
                }
            }
            return result
        }
    }
}
