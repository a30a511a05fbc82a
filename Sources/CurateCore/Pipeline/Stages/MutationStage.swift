import CurateStore
import Foundation

/// `tests-mutate`: mutation analysis of each task's original and generated tests; flags `tests/weak` and stores the
/// mutants and the reduced generated tests.
struct TestsMutatePipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "tests-mutate", summary: "mutation analysis of the tests; flag tasks whose tests miss killable mutants",
        options: TestsMutateStageOptions.self,
        implementation: ["Mutation", "Filters", "@CurateSandbox"],
        make: { TestsMutatePipelineStage() })

    /// The dataset's content and interpreter, the generated tests of its newest revisions and the mutant generator.
    func inputFingerprint(_ context: StageContext) throws -> String {
        let heads = try context.store.heads(dataset: context.dataset).compactMap(\.revision.id)
        return SHA256.hex(
            try StagePool.fingerprint(context) + "\n"
                + (try PlusTest.fingerprint(in: context.store, revisionIDs: heads))
                + "\n" + MutantGenerator.digest)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try TestsMutateStageOptions.decode(context.parameters.values)
        let store = context.store
        let report = try await ExecutionPool.withPool(options.pool) { pool in
            try await WeakTestsFilter.run(
                store: store, datasets: [context.dataset], pool: pool, options: options,
                plusTests: { ids in try PlusTest.stored(in: store, revisionIDs: ids) }, progress: context.progress)
        }
        return StageReport(report.summary, notes: [MutationSummaryText.line(report)])
    }
}

/// One line of a mutation report's totals, for stage notes and the CLI.
public enum MutationSummaryText {
    public static func line(_ report: MutationReport) -> String {
        let analysed = report.analysed.count
        return
            "\(analysed) of \(report.tasks.count) tasks analysed, \(report.mutants) mutants: \(report.killedByOriginal) killed by the original tests, \(report.killedOnlyByGenerated) only by generated tests, \(report.likelyEquivalent) likely equivalent"
            + (report.unclassified > 0 ? ", \(report.unclassified) surviving without generated tests" : "")
    }
}
