import CurateStore
import Foundation
import Testing

@testable import CurateCore

/// Stage fingerprints follow the content-derived implementation version.
struct ImplementationVersionTests {
    @Test func changedImplementationReRunsTheStage() async throws {
        let yaml = """
            pipeline: p
            dataset: mbpp
            stages:
              - stage: ingest
                files: [\(ValidatorTests.fixture)]
                format: mbpp
              - stage: lint
            """
        let file = try PipelineFile.parse(yaml, path: "p.yaml", sha256: SHA256.hex(yaml), catalog: .standard)
        let store = try TaskStore()
        #expect(try await PipelineRunner(store: store).run(file).map(\.status) == [.ran, .ran])
        let skipped = try await PipelineRunner(store: store).run(file)
        #expect(skipped.map(\.status) == [.skipped, .skipped])
        #expect(
            skipped.first?.report.notes.first?.hasPrefix("earlier run (") == true
                && skipped.first?.report.notes.count == 1)
        var changed = StageCatalog.standard
        let lint = try #require(changed.specs.firstIndex { $0.name == "lint" })
        changed.specs[lint].implementationVersion = "changed-" + changed.specs[lint].implementationVersion
        #expect(try await PipelineRunner(store: store, catalog: changed).run(file).map(\.status) == [.skipped, .ran])
        #expect(
            try await PipelineRunner(store: store, catalog: changed).run(file).map(\.status) == [.skipped, .skipped])
    }

    @Test func versionsAreContentDigestsThatDifferByImplementation() throws {
        let versions = Dictionary(
            uniqueKeysWithValues: StageCatalog.standard.specs.map { ($0.name, $0.implementationVersion) })
        for (name, version) in versions {
            #expect(version.count == 16 && version.allSatisfy(\.isHexDigit), "\(name): \(version)")
        }
        #expect(versions["contamination"] != versions["dedup"])
        #expect(versions["split"] == versions["release"])
        #expect(ContentDigest.folders["@CurateStore"] != nil && ContentDigest.folders["@CScanKernels"] != nil)
    }

    @Test func aFolderDigestCoversItsFiles() throws {
        let pipeline = ContentDigest.files.keys.filter { $0.hasPrefix("Pipeline/") }
        #expect(pipeline.contains("Pipeline/PipelineRunner.swift"))
        #expect(ContentDigest.of(["Pipeline"]) != ContentDigest.of(["Pipeline/PipelineRunner.swift"]))
        #expect(ContentDigest.of(["Pipeline", "Model"]) == ContentDigest.of(["Model", "Pipeline"]))
    }
}
