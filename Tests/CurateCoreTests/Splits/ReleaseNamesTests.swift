import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// Dataset names and release versions become path components: only safe ones are accepted.
struct ReleaseNamesTests {
    @Test(arguments: ["1.0.0", "0.0.1", "10.20.30", "2.1.0-rc.1", "1.0.0+build.5", "1.0.0-alpha-2"])
    func semverLikeVersionsAreAccepted(version: String) {
        #expect(ReleaseNames.versionProblem(version) == nil)
    }

    @Test(arguments: ["../../etc", "1.0", "1.0.0/..", "v1.0.0", "1.0.0-", "1.0.0-..", "", "1.0.0-a/b", "1..0"])
    func otherVersionsAreRefused(version: String) {
        #expect(
            ReleaseNames.versionProblem(version)?.hasPrefix("release version '\(version)' must be semver-like") == true)
    }

    @Test(arguments: [
        ("mbpp", true), ("mbpp-sanitized", true), ("mathqa-python", true), ("a_b.c", true),
        ("../x", false), (".hidden", false), ("a/b", false), ("", false), ("név", false),
        (String(repeating: "a", count: 65), false),
    ])
    func datasetNames(name: String, valid: Bool) {
        #expect((ReleaseNames.datasetProblem(name) == nil) == valid)
    }

    @Test func releaseRefusesAVersionThatLeavesTheReleasesFolder() throws {
        let store = try TaskStore()
        _ = Ingestor(store: store).ingest(paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        let directory = try TemporaryDirectory()
        let root = directory.url
        let output = directory.appendingPathComponent("curated")
        let config = ReleaseConfiguration(
            dataset: "mbpp", version: "../../escaped",
            policy: .hash(salt: "s", ratios: [SplitRatio(split: "train", weight: 1)], stratifyBy: nil),
            outputRoot: output.path)
        #expect(throws: ReleaseError.self) { try ReleaseBuilder(store: store).release(config) }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("escaped").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("curated").path))
    }

    @Test func pipelineRefusesABadVersionAtItsLine() throws {
        let text =
            "pipeline: p\ndataset: mbpp\nstages:\n  - stage: split\n    policy: hash\n    ratios: {train: 1}\n  - stage: release\n    version: ../../etc\n"
        #expect {
            try PipelineFile.parse(text, path: "p.yaml", sha256: "", catalog: .standard)
        } throws: { error in
            (error as? LocalizedError)?.errorDescription?.hasPrefix("p.yaml:8:") == true
                && (error as? LocalizedError)?.errorDescription?.contains("parameter 'version' must be semver-like")
                    == true
        }
    }

    @Test func pipelineRefusesABadDatasetName() throws {
        let text = "pipeline: p\ndataset: ../up\nstages:\n  - stage: lint\n"
        #expect {
            try PipelineFile.parse(text, path: "p.yaml", sha256: "", catalog: .standard)
        } throws: { error in
            (error as? LocalizedError)?.errorDescription?.contains("dataset name '../up'") == true
        }
    }
}
