import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// `curate run` releases only revisions every earlier stage saw, even when another process ingests meanwhile.
struct RunIsolationTests {
    /// Ingests a file into the pipeline's store as soon as the named stage finishes: a concurrent `curate ingest`
    /// landing between two stages.
    struct IngestAfterStage: PipelineObserver {
        let stage: String
        let store: TaskStore
        let path: String

        func stageStarted(_ index: Int, of total: Int, name: String) {}
        func stageProgress(_ name: String, done: Int, total: Int) {}
        func stageFinished(_ outcome: StageOutcome) {
            guard outcome.stage == stage else { return }
            _ = Ingestor(store: store).ingest(paths: [path], options: IngestOptions(dataset: "mbpp"))
        }
    }

    func pipeline(output: URL) throws -> PipelineFile {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: ingest
                files: [\(Fixtures.path("ingest/mbpp-small.jsonl"))]
                format: mbpp
              - stage: validate
                timeout: 5
                jobs: 2
              - stage: split
                policy: hash
                ratios: {train: 1}
              - stage: release
                version: 1.0.0
                output: \(output.path)
                exclude_flags: [validate/]
            """
        let path = output.deletingLastPathComponent().appendingPathComponent("p.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try PipelineFile.load(path: path.path)
    }

    @Test func revisionIngestedAfterValidateIsNotReleased() async throws {
        let directory = try TemporaryDirectory()
        let output = directory.appendingPathComponent("curated")
        let store = try TaskStore()
        let observer = IngestAfterStage(
            stage: "validate", store: store, path: Fixtures.path("ingest/mbpp-small-edited.jsonl"))
        await #expect {
            _ = try await PipelineRunner(store: store).run(try pipeline(output: output), observer: observer)
        } throws: { error in
            guard case PipelineError.stageFailed(let stage, let reason) = error else { return false }
            return stage == "release"
                && reason.contains("changed while the pipeline ran (new revisions of 1 task(s) (mbpp/2))")
        }
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("mbpp/1.0.0").path))

        let rerun = try await PipelineRunner(store: store).run(try pipeline(output: output))
        #expect(
            rerun.map(\.status) == [.skipped, .ran, .skipped, .ran],
            "a second run validates the new revision, then releases it")
        let manifest = try JSONDecoder().decode(
            ReleaseManifest.self, from: Data(contentsOf: output.appendingPathComponent("mbpp/1.0.0/manifest.json")))
        #expect(manifest.tasks["mbpp/2"]?.revision == 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("p.yaml").path))
    }
}
