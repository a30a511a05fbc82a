import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// End-to-end runs of the built `curate` binary for the filter commands.
@Suite struct FilterCommandsTests {
    static func curate(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner().run(arguments)
    }

    /// A store with MBPP tasks 2 (prompt split) and 700 (train split, a re-typed copy of 2) and 3.
    static func makeStore() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-filters-\(UUID().uuidString)/store.sqlite"
        ).path
        let store = try TaskStore(path: path)
        let original = TaskContent(
            description: "Write a function to find the similar elements from the given two tuple lists.",
            solution:
                "def similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & set(test_tup2))\r\n  return (res) ",
            tests: [
                "assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
                "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
            ])
        var copy = original
        copy.solution = original.solution.replacingOccurrences(of: "\r\n", with: "\n")
        let other = TaskContent(
            description: "Write a python function to identify non-prime numbers.",
            solution: "def is_not_prime(n):\n    return any(n % i == 0 for i in range(2, n))",
            tests: ["assert is_not_prime(2) == False", "assert is_not_prime(10) == True"])
        _ = try store.store(
            [("2", original), ("3", other), ("700", copy)].map { id, content in
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
        let dismissed = try Self.curate([
            "override", "\(flag.id!)", "--store", path, "--editor", "ana", "--reason", "different constraints",
        ])
        #expect(dismissed.status == 0, "\(dismissed.stderr)")
        #expect(dismissed.stdout.contains("dedup/duplicate on mbpp/700"))
        #expect(try store.dismissedFlagIDs() == [flag.id!])
        _ = try Self.curate([
            "override", "\(flag.id!)", "--store", path, "--editor", "bo", "--reason", "same task", "--reinstate",
        ])
        #expect(try store.dismissedFlagIDs().isEmpty)
        #expect(try store.overrides(flagIDs: [flag.id!])[flag.id!]?.map(\.editor) == ["ana", "bo"])
        let missing = try Self.curate(["override", "99999", "--store", path, "--editor", "ana", "--reason", "x"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no flag #99999"))
    }

    @Test func stabilityFlagsStateCarriedBetweenTestsAndKeepsTheRest() throws {
        let path = try Self.makeStore()
        let store = try TaskStore(path: path)
        let stateful = TaskContent(
            description: "Count calls.", solution: "seen = []\ndef add(x):\n    seen.append(x)\n    return len(seen)\n",
            tests: ["assert add(5) == 1", "assert add(6) == 2"])
        _ = try store.store([
            IncomingRevision(
                taskID: "mbpp/900", dataset: "mbpp", sourceID: "900", contentHash: stateful.contentHash,
                content: String(decoding: stateful.canonicalJSON(), as: UTF8.self), origin: .ingest, author: "test")
        ])
        let json = try Self.curate(["stability", "--store", path, "--jobs", "2", "--runs", "3", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONDecoder().decode(StabilityReport.self, from: Data(json.stdout.utf8))
        #expect(report.findings.map { "\($0.taskID) \($0.code)" } == ["mbpp/900 nondeterministic"])
        #expect(report.summary.judged == 4)
        let text = try Self.curate(["stability", "--store", path, "--jobs", "2", "--dry-run"])
        #expect(text.stdout.contains("stability/nondeterministic  1"))
        #expect(text.stdout.contains("mbpp/900  nondeterministic"))
        let bad = try Self.curate(["stability", "--store", path, "--runs", "1"])
        #expect(bad.status != 0 && bad.stderr.contains("--runs must be at least 2 (got 1)"))
    }

    @Test func ambiguityPrintsPassAtKAndSaysWhenItIsUndefined() throws {
        let path = try Self.makeStore()
        let result = try Self.curate([
            "ambiguity", "--store", path, "--jobs", "2", "--samples", CLIRunner.fixture("filters/samples.jsonl"),
            "--min-samples", "3",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("mbpp/2 ") })
        #expect(row.contains("0.750") && row.contains("undefined") && row.contains("1,3,4"))
        let three = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("mbpp/3 ") })
        #expect(three.contains("ambiguous-or-too-hard"))
        #expect(result.stderr.contains("no task 'mbpp/4'") || result.stderr.contains("no task '4'"))
    }
}
