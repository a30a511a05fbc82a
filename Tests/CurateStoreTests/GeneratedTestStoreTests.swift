import CurateStore
import Foundation
import Testing

@Suite struct GeneratedTestStoreTests {
    /// A store with two revisions of different tasks; returns their ids.
    func seeded() throws -> (TaskStore, [Int64]) {
        let store = try TaskStore()
        let outcome = try store.store(
            ["2", "3"].map {
                IncomingRevision(
                    taskID: "mbpp/\($0)", dataset: "mbpp", sourceID: $0, contentHash: "h\($0)", content: "{}",
                    origin: .ingest, author: "t")
            })
        return (store, outcome.revisionIDs)
    }

    func test(_ ordinal: Int, revision: Int64 = 0) -> GeneratedTestRecord {
        GeneratedTestRecord(
            revisionID: revision, ordinal: ordinal, statement: "assert f(\(ordinal)) == \(ordinal * 2)",
            inputRepr: "(\(ordinal),)", expectedRepr: "\(ordinal * 2)", seed: 7, generator: "abc",
            createdAt: Date(timeIntervalSince1970: 1))
    }

    @Test func replacesAndReadsPerRevisionInOrdinalOrder() throws {
        let (store, ids) = try seeded()
        #expect(try store.appliedMigrations().contains("v4-generated-tests"))
        try store.replaceGeneratedTests(revisionID: ids[0], with: [test(1), test(0), test(2)])
        try store.replaceGeneratedTests(revisionID: ids[1], with: [test(0)])
        let first = try store.generatedTests(revisionID: ids[0])
        #expect(first.map(\.ordinal) == [0, 1, 2])
        #expect(first.allSatisfy { $0.revisionID == ids[0] && !$0.reduced && $0.seed == 7 && $0.generator == "abc" })
        #expect(
            first[1].statement == "assert f(1) == 2" && first[1].inputRepr == "(1,)" && first[1].expectedRepr == "2")
        try store.replaceGeneratedTests(revisionID: ids[0], with: [test(5)])
        #expect(try store.generatedTests(revisionID: ids[0]).map(\.ordinal) == [5])
        let batch = try store.generatedTests(revisionIDs: ids + [999])
        #expect(batch.keys.sorted() == ids.sorted())
        #expect(batch[ids[1]]?.map(\.statement) == ["assert f(0) == 0"])
    }

    @Test func batchReplaceIsOneTransaction() throws {
        let (store, ids) = try seeded()
        try store.replaceGeneratedTests([ids[0]: [test(0)], ids[1]: [test(0), test(1)]])
        #expect(try store.generatedTests(revisionIDs: ids).mapValues(\.count) == [ids[0]: 1, ids[1]: 2])
        #expect(throws: StoreError.unknownRevision(999)) {
            try store.replaceGeneratedTests([ids[0]: [], 999: [test(0)]])
        }
        #expect(try store.generatedTests(revisionID: ids[0]).count == 1)
        try store.replaceGeneratedTests([ids[1]: []])
        #expect(try store.generatedTests(revisionID: ids[1]).isEmpty)
    }

    @Test func reducedSubsetIsSetExactlyAndUnknownOrdinalsAreRefused() throws {
        let (store, ids) = try seeded()
        try store.replaceGeneratedTests(revisionID: ids[0], with: (0..<4).map { test($0) })
        try store.setReducedGeneratedTests(revisionID: ids[0], ordinals: [1, 3])
        #expect(try store.generatedTests(revisionID: ids[0]).filter(\.reduced).map(\.ordinal) == [1, 3])
        try store.setReducedGeneratedTests(revisionID: ids[0], ordinals: [0])
        #expect(try store.generatedTests(revisionID: ids[0]).filter(\.reduced).map(\.ordinal) == [0])
        #expect(throws: StoreError.unknownGeneratedTests(revisionID: ids[0], ordinals: [9])) {
            try store.setReducedGeneratedTests(revisionID: ids[0], ordinals: [2, 9])
        }
        #expect(try store.generatedTests(revisionID: ids[0]).filter(\.reduced).map(\.ordinal) == [0])
        try store.replaceGeneratedTests(revisionID: ids[0], with: [test(0)])
        #expect(try store.generatedTests(revisionID: ids[0]).filter(\.reduced).isEmpty)
    }
}
