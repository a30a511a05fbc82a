import CurateStore
import Foundation

/// `validate` pipeline stage: runs the dataset's reference solutions in the sandbox (flags stage `validate`).
struct ValidateStage: PipelineStage {
    static let spec = StageSpec(
        name: "validate", summary: "run reference solutions against their tests in the sandbox",
        parameters: [
            ParameterSpec("timeout", .number, "wall-clock ceiling of a reference run in seconds (default 10)"),
            ParameterSpec("memory", .int, "address-space limit per run in MiB (default 1024)"),
            ParameterSpec("jobs", .int, "executions at once (default: the number of cores)"),
            ParameterSpec("challenge", .bool, "also run the challenge tests"),
            ParameterSpec("python", .string, "Python interpreter (default /usr/bin/python3)"),
        ],
        make: { ValidateStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        let python = try PythonLocator.resolve(context.parameters.string("python"))
        return SHA256.hex(try DatasetState.contentFingerprint(context.store, dataset: context.dataset) + "\n" + python)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let parameters = context.parameters
        var limits = ExecutionLimits.default
        limits.timeoutSeconds = parameters.number("timeout") ?? limits.timeoutSeconds
        limits.memoryMB = parameters.int("memory") ?? limits.memoryMB
        let pool = try await ExecutionPool(configuration: .init(
            python: parameters.string("python"), jobs: parameters.int("jobs") ?? ProcessInfo.processInfo.activeProcessorCount))
        let options = ValidationOptions(dataset: context.dataset, limits: limits, includeChallengeTests: parameters.bool("challenge") ?? false)
        let report: ValidationReport
        do {
            report = try await Validator(store: context.store, pool: pool).validate(options: options, progress: context.progress)
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
        var flagged: [String: Int] = [:]
        for (category, count) in report.counts {
            if let code = category.flagCode { flagged[code] = count }
        }
        let notes = [String(format: "%d run, %d reused, Python %@", report.executed, report.reused, report.pythonVersion)] + report.isolationWarnings
        return StageReport(tasksIn: report.tasks, kept: report.counts[.passed] ?? 0, flagged: flagged, notes: notes)
    }
}
