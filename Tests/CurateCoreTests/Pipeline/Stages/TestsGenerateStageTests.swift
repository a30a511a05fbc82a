import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// The `tests-generate` stage of YAML pipelines.
struct TestsGenerateStageTests {
    func pipeline(_ fixture: String, options: String = "") throws -> PipelineFile {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: ingest
                files: [\(Fixtures.path(fixture))]
                format: mbpp
              - stage: tests-generate
                per_task: 5
                jobs: 2\(options)
            """
        return try PipelineFile.parse(yaml, path: "p.yaml", sha256: SHA256.hex(yaml), catalog: .standard)
    }

    @Test func generatesThenSkipsWhenNothingChanged() async throws {
        let store = try TaskStore()
        let runner = PipelineRunner(store: store)
        let file = try pipeline("testgen/mbpp-plus.jsonl")
        let first = try await runner.run(file)
        let stage = try #require(first.last)
        #expect(stage.stage == "tests-generate" && stage.status == .ran)
        #expect(stage.report.tasksIn == 4 && stage.report.kept == 3)
        #expect(stage.report.flagged == ["arguments-not-plain": 1])
        #expect(stage.report.notes.first?.contains("15 tests kept (seed 1)") == true, "\(stage.report.notes)")
        let heads = try store.heads(dataset: "mbpp")
        #expect(
            try store.generatedTests(revisionIDs: heads.compactMap(\.revision.id)).values.map(\.count) == [5, 5, 5])
        let second = try await runner.run(file)
        #expect(second.last?.status == .skipped)
        let reseeded = try await runner.run(try pipeline("testgen/mbpp-plus.jsonl", options: "\n    seed: 2"))
        #expect(reseeded.last?.status == .ran, "other options run the stage again")
    }

    @Test func aStageThatGeneratesNothingFails() async throws {
        let runner = PipelineRunner(store: try TaskStore())
        await #expect(throws: PipelineError.self) {
            try await runner.run(
                try pipeline("testgen/mbpp-plus.jsonl", options: "\n    candidates: 1\n    input_timeout: 0.000001"))
        }
    }

    @Test(arguments: [
        ("per_task: 0", "p.yaml:9: stage 'tests-generate' parameter 'per_task' must be at least 1 (got 0)."),
        ("runs: 1", "p.yaml:9: stage 'tests-generate' parameter 'runs' must be at least 2 (got 1)."),
        (
            "float_tolerance: 2",
            "p.yaml:9: stage 'tests-generate' parameter 'float_tolerance' must be in (0.0, 0.5] (got 2.0)."
        ),
    ])
    func outOfRangeOptionsNameTheLine(_ option: String, _ message: String) throws {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: ingest
                files: [x.jsonl]
                format: mbpp
              - stage: tests-generate
                jobs: 2
                \(option)
            """
        #expect(throws: PipelineError.self) {
            try PipelineFile.parse(yaml, path: "p.yaml", sha256: SHA256.hex(yaml), catalog: .standard)
        }
        do {
            _ = try PipelineFile.parse(yaml, path: "p.yaml", sha256: SHA256.hex(yaml), catalog: .standard)
        } catch {
            #expect(error.localizedDescription == message)
        }
    }
}
