import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// End-to-end runs of `curate tests mutate` on three real MBPP tasks with hand-written generated tests stored through
/// the store API.
@Suite struct TestsMutateCLITests {
    struct StoredPlus: Decodable {
        var statement: String
        var input: String
        var expected: String
    }

    /// A store with MBPP tasks 2, 3 and 17 ingested and the generated tests of `mutation/plus-tests.json` stored.
    static func makeStore() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-mutate-\(UUID().uuidString)/store.sqlite"
        ).path
        let ingest = try CLIRunner().run([
            "ingest", Fixtures.path("mutation/mbpp-three-tasks.jsonl"), "--store", path,
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let store = try TaskStore(path: path)
        let plus = try JSONDecoder().decode(
            [String: [StoredPlus]].self, from: Fixtures.data("mutation/plus-tests.json"))
        for head in try store.heads(dataset: "mbpp") {
            let revision = head.revision.id!
            try store.replaceGeneratedTests(
                revisionID: revision,
                with: (plus[head.task.id] ?? []).enumerated().map { ordinal, test in
                    GeneratedTestRecord(
                        revisionID: revision, ordinal: ordinal, statement: test.statement, inputRepr: test.input,
                        expectedRepr: test.expected, seed: 0, generator: "hand-written", createdAt: Date())
                })
        }
        return path
    }

    @Test func flagsTheTaskWhoseTestsMissMutantsAndStoresTheRun() throws {
        let path = try Self.makeStore()
        let json = try CLIRunner().run(["tests", "mutate", "--store", path, "--dataset", "mbpp", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["tasks"] as? Int == 3 && object["analysed"] as? Int == 3)
        #expect(object["tasksMissingKills"] as? Int == 1)
        let rows = try #require(object["rows"] as? [[String: Any]])
        let only = Dictionary(
            uniqueKeysWithValues: rows.map { ($0["task"] as! String, $0["killedOnlyByGenerated"] as! Int) })
        #expect(only == ["mbpp/2": 0, "mbpp/3": 3, "mbpp/17": 0])
        let store = try TaskStore(path: path)
        let head = try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/3" })
        let flag = try #require(try store.flags(revisionID: head.revision.id!).first)
        #expect(flag.stage == "tests" && flag.code == "tests/weak")
        let evidence = try JSONDecoder().decode(WeakTestsEvidence.self, from: Data((flag.evidence ?? "").utf8))
        #expect(evidence.killedOnlyByGenerated == 3 && evidence.examples.count == 3)
        #expect(evidence.examples.allSatisfy { $0.diff.contains("n % i") && $0.killingTest != nil })
        let run = try #require(try store.mutationRun(revisionID: head.revision.id!))
        #expect(run.run.mutants == 21 && run.run.killedOnlyByGenerated == 3 && run.run.survived == 0)
        #expect(!(try store.generatedTests(revisionID: head.revision.id!).filter(\.reduced).isEmpty))

        let show = try CLIRunner().run(["show", "mbpp/3", "--store", path])
        #expect(
            show.stdout.contains("mutation analysis: 21 mutants, 18 killed by the tests, 3 only by generated tests"))
        #expect(show.stdout.contains("line 5 comparison: n % i == 0 → n % i != 0  (killed by generated test(s) [0,2])"))

        let text = try CLIRunner().run(["tests", "mutate", "--store", path, "--dry-run"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("3 of 3 tasks analysed"))
        let flagRow = text.stdout.split(separator: "\n").first { $0.hasPrefix("tests/weak") }
        #expect(flagRow?.split(separator: " ").last == "1")
        #expect(text.stdout.contains("mbpp/3"))
    }

    @Test func badOptionsNameTheFlag() throws {
        let result = try CLIRunner().run(["tests", "mutate", "--store", "/nonexistent/s.sqlite", "--max-mutants", "0"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--max-mutants must be at least 1 (got 0)"))
    }
}
