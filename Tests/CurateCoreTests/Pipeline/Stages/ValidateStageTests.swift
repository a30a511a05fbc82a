import CurateStore
import Foundation
import Testing

@testable import CurateCore

/// The `validate` stage of YAML pipelines.
struct ValidateStageTests {
    @Test func validatesThenSkipsWhenNothingChanged() async throws {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: ingest
                files: [\(ValidatorTests.fixture)]
                format: mbpp
              - stage: validate
                timeout: 1
                jobs: 2
            """
        let file = try PipelineFile.parse(yaml, path: "p.yaml", sha256: SHA256.hex(yaml), catalog: .standard)
        let runner = PipelineRunner(store: try TaskStore())
        let first = try await runner.run(file)
        let validate = try #require(first.last)
        #expect(validate.stage == "validate" && validate.status == .ran)
        #expect(validate.report.tasksIn == 5)
        #expect(validate.report.kept == 3)
        #expect(validate.report.flagged == ["validate/failed": 1, "validate/timeout": 1])
        let second = try await runner.run(file)
        #expect(second.last?.status == .skipped)
    }
}
