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
            for ids in StoreSQL.chunks(revisionIDs) {
                for record in try SampleEvaluationRecord.filter(ids.contains(SampleEvaluationRecord.Columns.revisionID))
                    .order(SampleEvaluationRecord.Columns.id).fetchAll(db)
                {
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
