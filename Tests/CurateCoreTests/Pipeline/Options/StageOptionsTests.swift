import Foundation
import Testing

@testable import CurateCore

/// Stage options decoded from YAML: defaults from the type, unknown keys and out-of-range values located.
struct StageOptionsTests {
    static let header = "pipeline: p\ndataset: mbpp\nstages:\n  - stage: stability\n"

    @Test(arguments: [
        ("    runs: 1\n", "p.yaml:5: stage 'stability' parameter 'runs' must be at least 2 (got 1)."),
        ("    timeout: .inf\n", "p.yaml:5: stage 'stability' parameter 'timeout' must be a finite number."),
        (
            "    timeout: 0\n",
            "p.yaml:5: stage 'stability' parameter 'timeout' must be a finite number greater than 0 (got 0.0)."
        ),
        ("    jobs: 0\n", "p.yaml:5: stage 'stability' parameter 'jobs' must be at least 1 (got 0)."),
        ("    runs: 3\n    memory: 8\n", "p.yaml:6: stage 'stability' parameter 'memory' must be at least 32 (got 8)."),
        (
            "    timing_fraction: 1.5\n",
            "p.yaml:5: stage 'stability' parameter 'timing_fraction' must be in (0.0, 1.0] (got 1.5)."
        ),
        ("    runs: many\n", "p.yaml:5: stage 'stability' parameter 'runs' must be an integer, got a string."),
        (
            "    rusn: 3\n",
            "p.yaml:5: stage 'stability' has no parameter 'rusn'; valid: runs, timing_fraction, timeout, memory, jobs, python."
        ),
    ])
    func yamlProblemsNameTheKeyAndLine(body: String, message: String) {
        #expect(throws: PipelineError.self) {
            try PipelineFile.parse(Self.header + body, path: "p.yaml", sha256: "", catalog: .standard)
        }
        do {
            _ = try PipelineFile.parse(Self.header + body, path: "p.yaml", sha256: "", catalog: .standard)
        } catch {
            #expect((error as? LocalizedError)?.errorDescription == message)
        }
    }

    @Test(arguments: [
        (
            "contamination", "    code_threshold: 1.5\n",
            "p.yaml:5: stage 'contamination' parameter 'code_threshold' must be in [0.0, 1.0] (got 1.5)."
        ),
        (
            "contamination", "    format: yaml\n",
            "p.yaml:5: stage 'contamination' parameter 'format' must be one of auto, text, jsonl, posts, wiki (got 'yaml')."
        ),
        (
            "contamination", "    metrics: [text, lines]\n",
            "p.yaml:5: stage 'contamination' parameter 'metrics' must be among text, code, line (got 'lines')."
        ),
        (
            "contamination", "    corpus: [c]\n    ngram: 20\n",
            "p.yaml:6: stage 'contamination' parameter 'ngram' must be between 8 and 13 (got 20)."
        ),
        (
            "dedup", "    description_threshold: 1.5\n",
            "p.yaml:5: stage 'dedup' parameter 'description_threshold' must be in [0.0, 1.0] (got 1.5)."
        ),
        (
            "dedup", "    execute: maybe\n",
            "p.yaml:5: stage 'dedup' parameter 'execute' must be true or false, got a string."
        ),
        (
            "split", "    keep_duplicates_together: 1\n",
            "p.yaml:5: stage 'split' parameter 'keep_duplicates_together' must be true or false, got an integer."
        ),
    ])
    func problemsNameTheKey(stage: String, body: String, message: String) {
        let yaml = "pipeline: p\ndataset: mbpp\nstages:\n  - stage: \(stage)\n" + body
        do {
            _ = try PipelineFile.parse(yaml, path: "p.yaml", sha256: "", catalog: .standard)
            Issue.record("accepted: \(body)")
        } catch {
            #expect((error as? LocalizedError)?.errorDescription == message)
        }
    }

    @Test func contaminationSettingsOnlyTheCLIHadAreSettableFromYAML() throws {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: contamination
                corpus:
                code_threshold: 0.25
                code_min_found: 3
                evidence: 2
                format: jsonl
                ngram_threshold: 0.1
            """
        let file = try PipelineFile.parse(yaml, path: "p.yaml", sha256: "", catalog: .standard)
        let options = try ContaminationStageOptions.decode(try #require(file.stages.first).parameters)
        let scan = options.scan
        #expect(options.corpus.isEmpty)
        #expect(
            scan.codeThreshold == 0.25 && scan.codeMinimumFound == 3 && scan.evidencePerTask == 2
                && scan.format == .jsonl && scan.ngramThreshold == 0.1)
        #expect(scan.n == ContaminationOptions().n && scan.metrics == GramKind.allCases)
    }

    @Test func unsetKeysTakeTheTypesDefaults() throws {
        let options = try StabilityStageOptions.decode(["runs": .int(3), "timeout": .int(2)])
        var expected = StabilityStageOptions()
        expected.runs = 3
        expected.timeout = 2
        #expect(options == expected)
        #expect(
            options.analysis.timingFraction == 0.5 && options.analysis.limits.timeoutSeconds == 2 && options.jobs == nil
        )
    }

    @Test func keysAreTheCodingKeys() throws {
        let encoded =
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(StabilityStageOptions())) as? [String: Any]
        #expect(Set(encoded?.keys.map { $0 } ?? []) == ["runs", "timing_fraction", "timeout", "memory"])
        #expect(StabilityStageOptions.keys == ["runs", "timing_fraction", "timeout", "memory", "jobs", "python"])
        #expect(OptionProblem("timing_fraction", "x").flag == "--timing-fraction")
    }
}
