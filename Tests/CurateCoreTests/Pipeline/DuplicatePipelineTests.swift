import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// The dedup, split and release stages of a pipeline on duplicates: YAML options, leak refusal and keep-together.
struct DuplicatePipelineTests {
    func pipeline(_ directory: TemporaryDirectory, split: String) throws -> PipelineFile {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: ingest
                files: [\(Fixtures.path("duplicates/mbpp-pairs.jsonl"))]
                format: mbpp
              - stage: dedup
                description_threshold: 0.8
                identical_code: true
                jobs: 2
              - stage: split
                policy: ranges
            \(split)
              - stage: release
                version: 1.0.0
                output: \(directory.appendingPathComponent("curated").path)
            """
        let path = directory.appendingPathComponent("p.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try PipelineFile.load(path: path.path)
    }

    @Test func releaseStageRefusesLeaksAndKeepsDuplicatesTogetherWhenAsked() async throws {
        let directory = try TemporaryDirectory()
        await #expect {
            _ = try await PipelineRunner(store: try TaskStore()).run(try pipeline(directory, split: ""))
        } throws: { error in
            guard case PipelineError.stageFailed(let stage, let reason) = error else { return false }
            return stage == "release" && reason.contains("refused: 6 duplicate pair(s)")
                && reason.contains("mbpp/704 [train] duplicates mbpp/248 [test] (duplicate/behavioural")
        }
        let outcomes = try await PipelineRunner(store: try TaskStore()).run(
            try pipeline(directory, split: "    keep_duplicates_together: true"))
        let notes = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.stage, $0.report.notes) })
        #expect(notes["dedup"]?.first == "0 exact, 5 behavioural, 4 near pairs")
        #expect(
            notes["split"]?.contains { $0.hasPrefix("kept duplicates together: mbpp/625 train→validation") } == true)
        #expect(notes["release"]?.contains { $0.contains("mbpp/704 train→test (with mbpp/248)") } == true)
        let manifest = try LoadedRelease(spec: "mbpp@1.0.0", root: directory.appendingPathComponent("curated").path)
            .manifest
        #expect(manifest.tasks["mbpp/625"]?.split == "validation")
        #expect(manifest.duplicatesKeptTogether?.map(\.task) == ["mbpp/625", "mbpp/704", "mbpp/933", "mbpp/965"])
    }

    @Test(arguments: [
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
    func yamlProblemsNameTheKeyAndLine(stage: String, body: String, message: String) {
        let yaml = "pipeline: p\ndataset: mbpp\nstages:\n  - stage: \(stage)\n" + body
        do {
            _ = try PipelineFile.parse(yaml, path: "p.yaml", sha256: "", catalog: .standard)
            Issue.record("expected an error for \(body)")
        } catch {
            #expect((error as? LocalizedError)?.errorDescription == message)
        }
    }
}
