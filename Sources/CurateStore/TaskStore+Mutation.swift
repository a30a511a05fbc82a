import Foundation
import GRDB

/// A mutation run to store with its mutants (their `runID` is set when the run is inserted).
public struct NewMutationRun: Sendable, Hashable {
    public var run: MutationRunRecord
    public var mutants: [MutantRecord]

    public init(run: MutationRunRecord, mutants: [MutantRecord]) {
        self.run = run
        self.mutants = mutants
    }
}

/// Store facade for mutation analysis: one run per task revision, with its mutants.
extension TaskStore {
    /// Replaces the mutation runs (and their mutants) of the given runs' revisions, in one transaction.
    public func replaceMutationRuns(_ runs: [NewMutationRun]) throws {
        try write { db in
            for ids in StoreSQL.chunks(runs.map(\.run.revisionID)) {
                try MutationRunRecord.filter(ids.contains(MutationRunRecord.Columns.revisionID)).deleteAll(db)
            }
            for entry in runs {
                var run = entry.run
                try run.insert(db)
                for var mutant in entry.mutants {
                    mutant.runID = run.id!
                    try mutant.insert(db)
                }
            }
        }
    }

    /// The mutation run of each given revision that has one, keyed by revision id.
    public func mutationRuns(revisionIDs: [Int64]) throws -> [Int64: MutationRunRecord] {
        try read { db in
            var result: [Int64: MutationRunRecord] = [:]
            for ids in StoreSQL.chunks(revisionIDs) {
                for record in try MutationRunRecord.filter(ids.contains(MutationRunRecord.Columns.revisionID))
                    .order(MutationRunRecord.Columns.id).fetchAll(db)
                {
                    result[record.revisionID] = record
                }
            }
            return result
        }
    }

    /// A revision's mutation run and its mutants in ordinal order, or nil when it has none.
    public func mutationRun(revisionID: Int64) throws -> (run: MutationRunRecord, mutants: [MutantRecord])? {
        try read { db in
            guard
                let run = try MutationRunRecord.filter(MutationRunRecord.Columns.revisionID == revisionID)
                    .order(MutationRunRecord.Columns.id.desc).fetchOne(db)
            else { return nil }
            let mutants = try MutantRecord.filter(MutantRecord.Columns.runID == run.id!)
                .order(MutantRecord.Columns.ordinal).fetchAll(db)
            return (run, mutants)
        }
    }
}
