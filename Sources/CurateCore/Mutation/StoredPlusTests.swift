import CurateStore
import Foundation

extension PlusTest {
    /// A stored generated test as mutation analysis runs it.
    public init(_ record: GeneratedTestRecord) {
        self.init(
            ordinal: record.ordinal, statement: record.statement, input: record.inputRepr,
            expected: record.expectedRepr)
    }

    /// The stored generated tests of the given revisions, in ordinal order.
    public static func stored(in store: TaskStore, revisionIDs: [Int64]) throws -> [Int64: [PlusTest]] {
        try store.generatedTests(revisionIDs: revisionIDs).mapValues { $0.map(PlusTest.init) }
    }

    /// sha256 of the stored generated tests of the given revisions (ids, ordinals, statements): what mutation
    /// analysis reads of them, for the stage's fingerprint.
    public static func fingerprint(in store: TaskStore, revisionIDs: [Int64]) throws -> String {
        let stored = try self.stored(in: store, revisionIDs: revisionIDs)
        return SHA256.hex(
            CanonicalJSON.encode(
                revisionIDs.sorted().map { id in
                    [String(id)] + (stored[id] ?? []).map { "\($0.ordinal)\t\($0.statement)" }
                }))
    }
}
