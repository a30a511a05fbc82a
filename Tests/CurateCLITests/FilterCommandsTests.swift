import CurateCore
import CurateStore
import Foundation
import Testing

/// End-to-end runs of the built `curate` binary for the filter commands.
@Suite struct FilterCommandsTests {
    static func curate(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner().run(arguments)
    }

    /// A store with MBPP tasks 2 (prompt split) and 700 (train split, a re-typed copy of 2) and 3.
    static func makeStore() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("curate-filters-\(UUID().uuidString)/store.sqlite").path
        let store = try TaskStore(path: path)
        let original = TaskContent(
            description: "Write a function to find the similar elements from the given two tuple lists.",
            solution: "def similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & set(test_tup2))\r\n  return (res) ",
            tests: ["assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)", "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)"])
        var copy = original
        copy.solution = original.solution.replacingOccurrences(of: "\r\n", with: "\n")
        let other = TaskContent(
            description: "Write a python function to identify non-prime numbers.",
            solution: "def is_not_prime(n):\n    return any(n % i == 0 for i in range(2, n))", tests: ["assert is_not_prime(10) == True"])
        _ = try store.store([("2", original), ("3", other), ("700", copy)].map { id, content in
            IncomingRevision(
                taskID: "mbpp/\(id)", dataset: "mbpp", sourceID: id, contentHash: content.contentHash,
                content: String(decoding: content.canonicalJSON(), as: UTF8.self), origin: .ingest, author: "test")
        })
        return path
    }

    @Test func dedupFlagsTheLaterCopyAndReportsTheLeak() throws {
        let store = try Self.makeStore()
        let text = try Self.curate(["dedup", "--store", store])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("mbpp/2 [prompt] ≈ mbpp/700 [train]"))
        #expect(text.stdout.contains("dedup/duplicate  1"))
        let json = try Self.curate(["dedup", "--store", store, "--json", "--threshold", "0.9"])
        let report = try JSONDecoder().decode(DedupReport.self, from: Data(json.stdout.utf8))
        #expect(report.pairs.map(\.later) == ["mbpp/700"])
        #expect(report.crossSplitPairs.count == 1)
        let bad = try Self.curate(["dedup", "--store", store, "--split-ranges", "train=9-x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("cannot read split ranges 'train=9-x'"))
    }

    @Test func overrideDismissesAndReinstatesWithAnAuditTrail() throws {
        let path = try Self.makeStore()
        _ = try Self.curate(["dedup", "--store", path])
        let store = try TaskStore(path: path)
        let head = try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/700" })
        let flag = try #require(try store.flags(revisionID: head.revision.id!).first)
        let dismissed = try Self.curate(["override", "\(flag.id!)", "--store", path, "--editor", "ana", "--reason", "different constraints"])
        #expect(dismissed.status == 0, "\(dismissed.stderr)")
        #expect(dismissed.stdout.contains("dedup/duplicate on mbpp/700"))
        #expect(try store.dismissedFlagIDs() == [flag.id!])
        _ = try Self.curate(["override", "\(flag.id!)", "--store", path, "--editor", "bo", "--reason", "same task", "--reinstate"])
        #expect(try store.dismissedFlagIDs().isEmpty)
        #expect(try store.overrides(flagIDs: [flag.id!])[flag.id!]?.map(\.editor) == ["ana", "bo"])
        let missing = try Self.curate(["override", "99999", "--store", path, "--editor", "ana", "--reason", "x"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no flag #99999"))
    }
}
