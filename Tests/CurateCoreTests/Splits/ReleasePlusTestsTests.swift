import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// Releases carry generated tests as `plus_test_list` only when the released tasks have some.
struct ReleasePlusTestsTests {
    func release(_ store: TaskStore, root: String, plus: PlusTestSelection = .all) throws -> [String: String] {
        var config = ReleaseConfiguration(
            dataset: "mbpp", version: "1.0.0", policy: ReleaseTests.ranges, outputRoot: root)
        config.plusTests = plus
        _ = try ReleaseBuilder(store: store).release(config)
        let folder = URL(fileURLWithPath: root).appendingPathComponent("mbpp/1.0.0")
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    func storeWithGeneratedTests() throws -> TaskStore {
        let store = try SeededStore.ingested(["ingest/mbpp-small.jsonl"])
        let head = try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/2" })
        try store.replaceGeneratedTests(
            revisionID: head.revision.id!,
            with: ["assert similar_elements((1,), (1,)) == (1,)", "assert similar_elements((), (2,)) == ()"]
                .enumerated()
                .map { ordinal, statement in
                    GeneratedTestRecord(
                        revisionID: head.revision.id!, ordinal: ordinal, statement: statement, inputRepr: "",
                        expectedRepr: "", seed: 3, generator: "g1", createdAt: Date(timeIntervalSince1970: 0))
                })
        try store.setReducedGeneratedTests(revisionID: head.revision.id!, ordinals: [1])
        return store
    }

    @Test func recordsCardAndManifestCarryTheGeneratedTests() throws {
        let directory = try TemporaryDirectory()
        let files = try release(try storeWithGeneratedTests(), root: directory.path)
        let test = try #require(files["test.jsonl"]).split(separator: "\n")
        #expect(
            test[0].hasSuffix(
                ", \"plus_test_list\": [\"assert similar_elements((1,), (1,)) == (1,)\", \"assert similar_elements((), (2,)) == ()\"]}"
            ))
        #expect(test[1].hasSuffix(", \"plus_test_list\": []}"), "every record has the field, so the schema is one")
        let card = try #require(files["README.md"])
        #expect(card.contains("  - name: plus_test_list\n    sequence: string\n"))
        #expect(card.contains("| `plus_test_list` | list of string |"))
        #expect(card.contains("### Generated tests"))
        #expect(card.contains("holds 2 generated assert statement(s) for 1 task(s)"))
        let manifest = try JSONDecoder().decode(
            ReleaseManifest.self, from: Data(try #require(files["manifest.json"]).utf8))
        #expect(
            manifest.plusTests
                == .init(field: "plus_test_list", selection: "all", tests: 2, tasks: 1, generators: ["g1"], seeds: [3]))
        #expect(try #require(files["report.html"]).contains("<b>2</b>generated tests"))
    }

    @Test func theReducedSelectionCarriesOnlyTheReducedTests() throws {
        let directory = try TemporaryDirectory()
        let files = try release(try storeWithGeneratedTests(), root: directory.path, plus: .reduced)
        let test = try #require(files["test.jsonl"]).split(separator: "\n")
        #expect(test[0].hasSuffix(", \"plus_test_list\": [\"assert similar_elements((), (2,)) == ()\"]}"))
        #expect(
            try #require(files["README.md"]).contains("the reduced subset (every mutant kill kept) of the 1 generated"))
    }

    @Test func withoutGeneratedTestsOrWithNoneTheReleaseIsUnchanged() throws {
        let plain = try TemporaryDirectory(), none = try TemporaryDirectory()
        let without = try release(try SeededStore.ingested(["ingest/mbpp-small.jsonl"]), root: plain.path)
        let declined = try release(try storeWithGeneratedTests(), root: none.path, plus: .none)
        #expect(without.keys.sorted() == declined.keys.sorted())
        for name in without.keys.sorted() {
            #expect(without[name] == declined[name], "\(name) is byte-identical")
        }
        #expect(!(without["README.md"] ?? "").contains("plus_test_list"))
        #expect(!(without["manifest.json"] ?? "").contains("plus"))
    }
}
