import Foundation
import GRDB

/// Generated ("plus") tests per task revision (table `generatedTest`, migration `v4-generated-tests`).
extension TaskStore {
    /// The generated tests of one revision, in ordinal order (empty when none were generated).
    public func generatedTests(revisionID: Int64) throws -> [GeneratedTestRecord] {
        try read { db in
            try GeneratedTestRecord.filter(GeneratedTestRecord.Columns.revisionID == revisionID).order(
                GeneratedTestRecord.Columns.ordinal
            ).fetchAll(db)
        }
    }

    /// The generated tests of each of these revisions that has any, in ordinal order.
    public func generatedTests(revisionIDs: [Int64]) throws -> [Int64: [GeneratedTestRecord]] {
        try read { db in
            var result: [Int64: [GeneratedTestRecord]] = [:]
            for part in StoreSQL.chunks(revisionIDs) {
                for record in try GeneratedTestRecord.filter(part.contains(GeneratedTestRecord.Columns.revisionID))
                    .order(GeneratedTestRecord.Columns.revisionID, GeneratedTestRecord.Columns.ordinal).fetchAll(db)
                {
                    result[record.revisionID, default: []].append(record)
                }
            }
            return result
        }
    }

    /// Replaces one revision's generated tests with `tests` (stored under `revisionID`), in one transaction.
    public func replaceGeneratedTests(revisionID: Int64, with tests: [GeneratedTestRecord]) throws {
        try replaceGeneratedTests([revisionID: tests])
    }

    /// Replaces the generated tests of every revision in `testsByRevision` (an empty list clears it), in one transaction.
    public func replaceGeneratedTests(_ testsByRevision: [Int64: [GeneratedTestRecord]]) throws {
        try write { db in
            for (revisionID, tests) in testsByRevision {
                guard try TaskRevisionRecord.exists(db, key: revisionID) else {
                    throw StoreError.unknownRevision(revisionID)
                }
                try GeneratedTestRecord.filter(GeneratedTestRecord.Columns.revisionID == revisionID).deleteAll(db)
                for var test in tests {
                    test.id = nil
                    test.revisionID = revisionID
                    try test.insert(db)
                }
            }
        }
    }

    /// Marks exactly the tests of `revisionID` whose ordinals are listed as the reduced subset, in one transaction.
    public func setReducedGeneratedTests(revisionID: Int64, ordinals: Set<Int>) throws {
        try write { db in
            let stored = Set(
                try Int.fetchAll(
                    db,
                    GeneratedTestRecord.filter(GeneratedTestRecord.Columns.revisionID == revisionID).select(
                        GeneratedTestRecord.Columns.ordinal)))
            let unknown = ordinals.subtracting(stored)
            guard unknown.isEmpty else {
                throw StoreError.unknownGeneratedTests(revisionID: revisionID, ordinals: unknown.sorted())
            }
            try GeneratedTestRecord.filter(GeneratedTestRecord.Columns.revisionID == revisionID).updateAll(
                db, GeneratedTestRecord.Columns.reduced.set(to: false))
            try GeneratedTestRecord.filter(
                GeneratedTestRecord.Columns.revisionID == revisionID
                    && ordinals.contains(GeneratedTestRecord.Columns.ordinal)
            ).updateAll(db, GeneratedTestRecord.Columns.reduced.set(to: true))
        }
    }
}
