import ArgumentParser
import CurateCore
import Foundation

/// Options shared by `curate validate` and `curate bench validate`: the sandbox pool and the reference-run limits.
struct SandboxOptions: ParsableArguments {
    @Option(help: "Executions at once, one warm Python worker each; defaults to the number of cores.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Wall-clock limit of a reference run in seconds; later stages get a limit calibrated from it.")
    var timeout: Double = ExecutionLimits.default.timeoutSeconds
    @Option(help: "Address-space limit per execution in MiB.")
    var memory: Int = ExecutionLimits.default.memoryMB
    @Option(help: "Python interpreter (default: /usr/bin/python3, else python3 on PATH resolved past shims).")
    var python: String?

    var limits: ExecutionLimits {
        var limits = ExecutionLimits.default
        limits.timeoutSeconds = timeout
        limits.memoryMB = memory
        return limits
    }

    func validate() throws {
        if let problem = SandboxChecks.problems(timeout: timeout, memory: memory, jobs: jobs).first {
            throw ValidationError(OptionFlagError(problem: problem).errorDescription ?? problem.message)
        }
    }

    /// Sets the sandbox fields of a stage's options from these flags.
    func apply<Options: SandboxedOptions>(to options: inout Options) {
        options.timeout = timeout
        options.memory = memory
        options.jobs = jobs
        options.python = python
    }

    /// Runs `body` with a started pool (saying once what isolation is missing) and a progress bar labelled `label`
    /// (with executions per second when `rate`), shutting both down however it ends.
    func withPool<T: Sendable>(
        label: String, rate: Bool = false,
        _ body: (ExecutionPool, @escaping @Sendable (Int, Int) -> Void) async throws -> T
    ) async throws -> T {
        try await ExecutionPool.withPool(.init(python: python, jobs: jobs)) { pool in
            for warning in pool.isolation.warnings { Terminal.error("warning: \(warning)") }
            let bar = ProgressBar(label)
            defer { bar.finish() }
            let started = Date()
            let progress: @Sendable (Int, Int) -> Void = { done, total in
                let suffix =
                    rate ? String(format: "%.0f/s", Double(done) / max(Date().timeIntervalSince(started), 1e-3)) : ""
                bar.update(done, of: total, suffix: suffix)
            }
            return try await body(pool, progress)
        }
    }
}

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Run each task's reference solution against its tests in the sandbox and store the verdicts.",
        discussion: """
            Each task runs in its own child of a warm Python worker: own session, rlimits (address space, CPU, \
            processes, file size, open files), an unprivileged uid, a fresh scratch directory, no network. Verdicts \
            are stored against the revision, keyed by a hash of code, tests, limits and Python version, so an \
            unchanged task is not run again. Failing tasks get an error flag (validate/failed, validate/timeout, …).
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var sandbox: SandboxOptions
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(parsing: .upToNextOption, help: "Only these task ids (space or comma separated).") var ids: [String] = []
    @Flag(help: "Also run the challenge tests.") var challenge = false
    @Flag(help: "Run again even when a verdict with the same key is stored.") var force = false
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Exit 0 even when tasks fail or time out (they are still flagged).") var allowFailures = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var stageOptions: ValidateStageOptions {
        var options = ValidateStageOptions()
        options.challenge = challenge
        sandbox.apply(to: &options)
        return options
    }

    func run() async throws {
        let store = try storeOptions.open()
        let stage = stageOptions
        let options = ValidationOptions(
            dataset: dataset, ids: ids.flatMap { $0.split(separator: ",").map(String.init) }, limits: stage.limits,
            includeChallengeTests: stage.challenge, force: force)
        let report = try await sandbox.withPool(label: "validate", rate: true) { pool, progress in
            try await Validator(store: store, pool: pool).validate(options: options, progress: progress)
        }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
        } else {
            Terminal.print(ValidationText.render(report))
        }
        if !allowFailures, let summary = report.failureSummary {
            Terminal.error("error: \(summary); pass --allow-failures to exit 0 anyway.")
            throw ExitCode(1)
        }
    }
}

/// The human summary of a validation run.
enum ValidationText {
    static func render(_ report: ValidationReport) -> String {
        let ran =
            report.executed == 0
            ? "0 run" : String(format: "%d run (%.0f executions/s)", report.executed, report.executionsPerSecond)
        var lines = [
            String(
                format: "validated %d task(s) with Python %@ (%d jobs) in %.2f s: %@, %d reused from the store",
                report.tasks, report.pythonVersion, report.jobs, report.wallSeconds, ran, report.reused)
        ]
        if report.retriedTimeouts > 0 {
            lines.append(
                "\(report.retriedTimeouts) timeout(s) re-run alone, \(report.recoveredTimeouts) of them finished in time"
            )
        }
        lines.append("")
        let rows = VerdictCategory.allCases.compactMap { category -> [String]? in
            guard let count = report.counts[category], count > 0 else { return nil }
            return [category.rawValue, "\(count)"]
        }
        lines.append(Terminal.table(["verdict", "tasks"], rows))
        if !report.failures.isEmpty {
            lines.append("")
            lines.append(
                Terminal.table(
                    ["task", "verdict", "first failure", "outcome"],
                    report.failures.map { failure in
                        [
                            failure.taskID, failure.category.rawValue, oneLine(failure.statement, 70),
                            oneLine(failure.outcome, 90),
                        ]
                    }))
        }
        return lines.joined(separator: "\n")
    }

    private static func oneLine(_ text: String, _ limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(
            separator: " ⏎ ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}
