import Foundation
import GRDB

/// Store facade for the filter stages: sample evaluations and single flags for editor overrides.
extension TaskStore {
    /// Saves sample evaluations in one transaction.
    public func saveSampleEvaluations(_ records: [SampleEvaluationRecord]) throws {
        try write { db in
            for var record in records { try record.insert(db) }
        }
    }

    /// The newest sample evaluation of each given revision, keyed by revision id.
    public func latestSampleEvaluations(revisionIDs: [Int64]) throws -> [Int64: SampleEvaluationRecord] {
        try read { db in
            var result: [Int64: SampleEvaluationRecord] = [:]
            for chunk in stride(from: 0, to: revisionIDs.count, by: 500) {
                let ids = Array(revisionIDs[chunk..<min(chunk + 500, revisionIDs.count)])
                for record in try SampleEvaluationRecord.filter(ids.contains(Column("revisionID"))).order(Column("id")).fetchAll(db) {
                    result[record.revisionID] = record
                }
            }
            return result
        }
    }

    /// One flag by id, or nil.
    public func flag(id: Int64) throws -> FlagRecord? {
        try read { db in try FlagRecord.fetchOne(db, key: id) }
    }
}
