import CurateStore
import Foundation

/// `tests-generate`: generated ("plus") tests per task from mutated captured inputs, the reference as the oracle.
struct TestsGenerateStage: PipelineStage {
    static let spec = StageSpec(
        name: "tests-generate", summary: "generate plus tests by mutating the inputs the tests pass",
        options: TestsGenerateStageOptions.self,
        implementation: ["TestGeneration", "@CurateSandbox"],
        make: { TestsGenerateStage() })

    func inputFingerprint(_ context: StageContext) throws -> String { try StagePool.fingerprint(context) }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try TestsGenerateStageOptions.decode(context.parameters.values)
        let report = try await ExecutionPool.withPool(options.pool) { pool in
            try await PlusTestGenerator(store: context.store, pool: pool).generate(
                TestGenerationScope(dataset: context.dataset), options: options, progress: context.progress)
        }
        if report.generatedNothing {
            throw PipelineError.stageFailed(
                stage: "tests-generate", reason: "no generated test for any of \(report.tasks) task(s)")
        }
        var flagged: [String: Int] = [:]
        for task in report.tasksWithout { flagged[task.reason, default: 0] += 1 }
        return StageReport(
            tasksIn: report.tasks, kept: report.tasksWithTests, flagged: flagged,
            notes: [report.summaryLine] + report.isolationWarnings)
    }
}

extension TestGenerationReport {
    /// One line: inputs captured, candidates, tests kept and the discards by reason.
    public var summaryLine: String {
        let reasons = discarded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return
            "\(capturedInputs) inputs captured, \(candidates) candidates, \(kept) tests kept (seed \(seed)); discarded: \(reasons.isEmpty ? "none" : reasons)"
    }
}
