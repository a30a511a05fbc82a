import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

struct PipelineFileTests {
    static let header = "pipeline: p\ndataset: mbpp\nstages:\n"

    @Test(arguments: [
        (
            header + "  - stage: validat\n",
            "p.yaml:4: unknown stage 'validat'; valid stages: ingest, edits, mathqa, lint, validate, stability, ambiguity, tests-generate, tests-mutate, dedup, contamination, split, release."
        ),
        (
            header + "  - stage: ingest\n    files: [a]\n    formt: csv\n",
            "p.yaml:6: stage 'ingest' has no parameter 'formt'; valid: files, format, strict, max_unpacked_mb."
        ),
        (
            header + "  - stage: ingest\n    files: 3\n",
            "p.yaml:5: stage 'ingest' parameter 'files' must be a list of strings, got an integer."
        ),
        (
            header + "  - stage: ingest\n    files: [a, [b]]\n",
            "p.yaml:5: stage 'ingest' parameter 'files' entries must be a string."
        ),
        (
            header + "  - stage: ingest\n    files: [a]\n    format: yaml\n",
            "p.yaml:6: stage 'ingest' parameter 'format' must be one of auto, mbpp, sanitized-mbpp, humaneval, notebook, csv, mturk-xml (got 'yaml')."
        ),
        (
            header + "  - stage: ingest\n",
            "p.yaml:4: stage 'ingest' parameter 'files' must list at least one input file."
        ),
        (
            header + "  - stage: ingest\n    files: [a\n  - stage: lint\n",
            "p.yaml:6:10: invalid YAML: did not find expected ',' or ']'."
        ),
        (
            "pipeline: p\ndataset: d\nstages:\n  - stage: split\n    policy: ranges\n",
            "p.yaml:4: stage 'split' parameter 'ranges' must be set for policy 'ranges' on dataset 'd' (split: [lower, upper], …; MBPP's are the default only for mbpp datasets)."
        ),
        (
            header + "  - stage: split\n    policy: bogus\n",
            "p.yaml:5: stage 'split' parameter 'policy' must be ranges, hash or field (got 'bogus')."
        ),
        (
            header + "  - stage: split\n    policy: hash\n    ratios: {train: x}\n",
            "p.yaml:6: stage 'split' parameter 'ratios' must be a mapping of split: weight, got a mapping."
        ),
        (
            header + "  - stage: split\n    few_shot_count: 3\n",
            "p.yaml:5: stage 'split' parameter 'few_shot_count' needs a pool to pick from: few_shot_pool (--few-shot-pool)."
        ),
        (
            header + "  - stage: split\n    policy: ranges\n    ranges: {a: [1, x]}\n",
            "p.yaml:6: stage 'split' parameter 'ranges' must be a mapping of split: [lower, upper] with integer bounds, got a mapping."
        ),
        (
            header + "  - stage: release\n    version: 1.0.0\n",
            "p.yaml:4: stage 'release' needs a 'split' stage before it."
        ),
        ("pipeline: p\nstages: []\n", "p.yaml:1: missing 'dataset: NAME'."),
        (
            "pipeline: p\ndataset: d\nstage: []\n",
            "p.yaml:3: unknown key 'stage'; valid keys: pipeline, dataset, edition, stages."
        ),
        (
            "pipeline: p\ndataset: d\nedition: 3\nstages: []\n",
            "p.yaml:3: 'edition' must be one of 1, 2 (the newest is 2)."
        ),
    ])
    func errorsAreLocatedWithValidChoices(yaml: String, message: String) {
        #expect(throws: (any Error).self) {
            try PipelineFile.parse(yaml, path: "p.yaml", sha256: "", catalog: .standard)
        }
        do {
            _ = try PipelineFile.parse(yaml, path: "p.yaml", sha256: "", catalog: .standard)
        } catch {
            #expect((error as? LocalizedError)?.errorDescription == message)
        }
    }

    @Test func anchorsAreRejectedBeforeAnyExpansion() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            yaml +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        do {
            _ = try PipelineFile.parse(yaml, path: "bomb.yaml", sha256: "", catalog: .standard)
            Issue.record("an alias bomb was accepted")
        } catch {
            #expect(
                (error as? LocalizedError)?.errorDescription?.hasPrefix(
                    "bomb.yaml:1: YAML anchors and aliases (&name, *name) are not allowed") == true, "\(error)")
        }
    }

    @Test(arguments: [
        (
            header + "  - stage: split\n    policy: ranges\n    ranges: {test: [11, 10]}\n",
            "p.yaml:6: stage 'split' parameter 'ranges' 'test' must be [lower, upper] with integer bounds, lower <= upper."
        )
    ])
    func splitRangesAreCheckedByTheOneParser(yaml: String, message: String) {
        do {
            _ = try PipelineFile.parse(yaml, path: "p.yaml", sha256: "", catalog: .standard)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect((error as? LocalizedError)?.errorDescription == message)
        }
    }

    @Test func bundledPipelinesAreValid() throws {
        let root = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("pipelines").path)
        where name.hasSuffix(".yaml") {
            let file = try PipelineFile.load(path: root.appendingPathComponent("pipelines/\(name)").path)
            #expect(file.stages.last?.name == "release", "\(name)")
        }
    }
}
