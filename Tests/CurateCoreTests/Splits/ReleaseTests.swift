import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

struct ReleaseTests {
    static let ranges = SplitPolicy.ranges([
        SplitRange(split: "prompt", lower: 1, upper: 1), SplitRange(split: "test", lower: 2, upper: 3),
        SplitRange(split: "train", lower: 4, upper: 5),
    ])

    func storeWithMBPP() throws -> TaskStore {
        try SeededStore.ingested(["ingest/mbpp-small.jsonl"])
    }

    @Test func writesSplitsManifestAndCard() throws {
        let directory = try TemporaryDirectory(), root = directory.path
        let outcome = try ReleaseBuilder(store: try storeWithMBPP()).release(
            ReleaseConfiguration(dataset: "mbpp", version: "1.0.0", policy: Self.ranges, outputRoot: root))
        #expect(outcome.status == .written)
        #expect(outcome.counts == ["prompt": 1, "test": 2, "train": 2])
        let folder = URL(fileURLWithPath: root).appendingPathComponent("mbpp/1.0.0")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["README.md", "manifest.json", "prompt.jsonl", "report.html", "test.jsonl", "train.jsonl"])
        let original = try String(contentsOfFile: Fixtures.path("ingest/mbpp-small.jsonl"), encoding: .utf8).split(
            separator: "\n")
        let test = try String(contentsOf: folder.appendingPathComponent("test.jsonl"), encoding: .utf8).split(
            separator: "\n")
        #expect(test == Array(original[1...2]), "MBPP records are written byte-for-byte as published")
        let manifest = try JSONDecoder().decode(
            ReleaseManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        #expect(manifest.files.count == 3)
        #expect(
            manifest.files.first { $0.path == "test.jsonl" }?.sha256
                == SHA256.hex(try Data(contentsOf: folder.appendingPathComponent("test.jsonl"))))
        #expect(manifest.inputs.map(\.sha256) == [SHA256.hex(try Fixtures.data("ingest/mbpp-small.jsonl"))])
        let card = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(card.hasPrefix("---\npretty_name: mbpp 1.0.0\nlicense: cc-by-4.0\n"))
        #expect(card.contains("  - split: test\n    path: test.jsonl\n"))
        let manifestText = String(
            decoding: try Data(contentsOf: folder.appendingPathComponent("manifest.json")), as: UTF8.self)
        #expect(!card.contains(root) && !manifestText.contains(root))
    }

    @Test func anExistingVersionIsNeverRewritten() throws {
        let directory = try TemporaryDirectory(), root = directory.path
        let store = try storeWithMBPP()
        let config = ReleaseConfiguration(dataset: "mbpp", version: "1.0.0", policy: Self.ranges, outputRoot: root)
        _ = try ReleaseBuilder(store: store).release(config)
        #expect(try ReleaseBuilder(store: store).release(config).status == .upToDate)
        _ = Ingestor(store: store).ingest(
            paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
        #expect(throws: ReleaseError.self) { try ReleaseBuilder(store: store).release(config) }
        let test = try String(contentsOfFile: root + "/mbpp/1.0.0/test.jsonl", encoding: .utf8)
        #expect(!test.contains("Edited by a reviewer"))
        var next = config
        next.version = "1.1.0"
        #expect(try ReleaseBuilder(store: store).release(next).status == .written)
    }

    @Test func sameInputsGiveByteIdenticalReleases() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        let one = first.path, two = second.path
        for root in [one, two] {
            _ = try ReleaseBuilder(store: try storeWithMBPP()).release(
                ReleaseConfiguration(dataset: "mbpp", version: "1.0.0", policy: Self.ranges, outputRoot: root))
        }
        for name in ["README.md", "report.html", "manifest.json", "prompt.jsonl", "test.jsonl", "train.jsonl"] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: "\(one)/mbpp/1.0.0/\(name)"))
                    == Data(contentsOf: URL(fileURLWithPath: "\(two)/mbpp/1.0.0/\(name)")))
        }
    }

    @Test func excludedTasksAreListedWithReasonsAndDiffExplainsChanges() throws {
        let directory = try TemporaryDirectory(), root = directory.path
        let store = try storeWithMBPP()
        _ = try ReleaseBuilder(store: store).release(
            ReleaseConfiguration(dataset: "mbpp", version: "1.0.0", policy: Self.ranges, outputRoot: root))
        let head = try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/4" })
        try store.recordFlags(
            stage: "stability", revisionIDs: [head.revision.id!],
            flags: [
                (
                    head.revision.id!, "mbpp/4",
                    NewFlag(
                        stage: "stability", code: "nondeterministic", severity: .error,
                        message: "outcome differs between runs")
                )
            ])
        _ = Ingestor(store: store).ingest(
            paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
        let outcome = try ReleaseBuilder(store: store).release(
            ReleaseConfiguration(
                dataset: "mbpp", version: "1.1.0", policy: Self.ranges, excludeFlags: ["nondeterministic"],
                outputRoot: root))
        #expect(outcome.exclusions.map(\.id) == ["mbpp/4"])
        #expect(outcome.exclusions[0].reasons == ["nondeterministic: outcome differs between runs"])
        let diff = try ReleaseDiff.compare("mbpp@1.0.0", "mbpp@1.1.0", root: root)
        #expect(diff.removed.map(\.id) == ["mbpp/4"])
        #expect(diff.removed[0].reason.contains("nondeterministic"))
        #expect(diff.changed.map(\.id) == ["mbpp/2"])
        #expect(diff.changed[0].fields == ["text"])
        #expect(diff.added.isEmpty && diff.moved.isEmpty)
    }
}
