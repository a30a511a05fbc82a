import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// The dedup, split and release stages of a pipeline on duplicates: YAML options, leak refusal and keep-together.
struct DuplicatePipelineTests {
    func pipeline(_ directory: TemporaryDirectory, split: String, release: String = "") throws -> PipelineFile {
        let yaml = """
            pipeline: p
            dataset: mbpp
            edition: 2
            stages:
              - stage: ingest
                files: [\(Fixtures.path("duplicates/mbpp-pairs.jsonl"))]
                format: mbpp
              - stage: validate
                jobs: 2
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
            \(release)
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

        let published = try TemporaryDirectory()
        let allowed = try await PipelineRunner(store: try TaskStore()).run(
            try pipeline(published, split: "", release: "    allow_leaks: true"))
        let releaseNotes = try #require(allowed.last?.report.notes)
        #expect(releaseNotes.contains { $0.hasPrefix("6 duplicate pair(s) cross into an evaluation split: mbpp/625") })
        let shipped = try LoadedRelease(spec: "mbpp@1.0.0", root: published.appendingPathComponent("curated").path)
            .manifest
        #expect(shipped.tasks["mbpp/704"]?.split == "train" && shipped.duplicatesKeptTogether == nil)
    }
}
