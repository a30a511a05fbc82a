import CurateStore
import Foundation

/// `validate` pipeline stage: runs the dataset's reference solutions in the sandbox (flags stage `validate`).
struct ValidateStage: PipelineStage {
    static let spec = StageSpec(
        name: "validate", summary: "run reference solutions against their tests in the sandbox",
        options: ValidateStageOptions.self,
        implementation: ["Execution", "@CurateSandbox"],
        make: { ValidateStage() })

    func inputFingerprint(_ context: StageContext) throws -> String { try StagePool.fingerprint(context) }

    func run(_ context: StageContext) async throws -> StageReport {
        let stageOptions = try ValidateStageOptions.decode(context.parameters.values)
        let options = ValidationOptions(
            dataset: context.dataset, limits: stageOptions.limits, includeChallengeTests: stageOptions.challenge)
        let report = try await ExecutionPool.withPool(stageOptions.pool) { pool in
            try await Validator(store: context.store, pool: pool).validate(options: options, progress: context.progress)
        }
        var flagged: [String: Int] = [:]
        for (category, count) in report.counts {
            if let code = category.flagCode { flagged[code] = count }
        }
        let notes =
            [String(format: "%d run, %d reused, Python %@", report.executed, report.reused, report.pythonVersion)]
            + report.isolationWarnings
        return StageReport(tasksIn: report.tasks, kept: report.counts[.passed] ?? 0, flagged: flagged, notes: notes)
    }
}
