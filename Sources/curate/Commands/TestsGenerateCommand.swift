import ArgumentParser
import CurateCore
import Foundation

/// `curate tests generate`: generated ("plus") tests per task, stored apart from the task's own tests.
struct TestsGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract:
            "Generate plus tests: mutate the inputs each task's tests pass to its entry point, the reference as oracle.",
        discussion: """
            The tests run against the reference in the sandbox while the arguments of every call to the entry point \
            are recorded. Those inputs are mutated by type (numbers, strings, containers), deterministically for \
            --seed. The reference runs on each new input --runs times, each under its own hash and random seed; an input on \
            which it raises, times out, returns something that is not plain data or answers differently is \
            discarded. Each survivor becomes an assert in the shape of the original test that made the call \
            (set(...) ==, math.isclose, ==), is run against the reference, and is kept if it passes. The kept tests \
            replace the revision's stored generated tests; the task's own tests are never changed.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var sandbox: SandboxOptions
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(parsing: .upToNextOption, help: "Only these task ids (space or comma separated).") var ids: [String] = []
    @Option(help: "Seed of the input mutation (the same seed gives the same inputs).")
    var seed: Int = TestsGenerateStageOptions().seed
    @Option(name: .customLong("per-task"), help: "Generated tests kept per task (more only to cover every call shape).")
    var perTask: Int = TestsGenerateStageOptions().perTask
    @Option(help: "Mutated inputs tried per task.") var candidates: Int = TestsGenerateStageOptions().candidates
    @Option(help: "Runs of the reference per input, each under its own hash and random seed (2 or more).")
    var runs: Int = TestsGenerateStageOptions().runs
    @Option(name: .customLong("input-timeout"), help: "Longest a reference call on one input may take, in seconds.")
    var inputTimeout: Double = TestsGenerateStageOptions().inputTimeout
    @Option(name: .customLong("float-tolerance"), help: "Relative tolerance of float comparisons.")
    var floatTolerance: Double = TestsGenerateStageOptions().floatTolerance
    @Flag(help: "Print the report as JSON.") var json = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var options: TestsGenerateStageOptions {
        var options = TestsGenerateStageOptions()
        options.seed = seed
        options.perTask = perTask
        options.candidates = candidates
        options.runs = runs
        options.inputTimeout = inputTimeout
        options.floatTolerance = floatTolerance
        sandbox.apply(to: &options)
        return options
    }

    func validate() throws {
        try options.checkFlagsForCLI()
    }

    func run() async throws {
        let store = try storeOptions.open()
        let scope = TestGenerationScope(
            dataset: dataset, ids: ids.flatMap { $0.split(separator: ",").map(String.init) })
        let options = options
        let report = try await sandbox.withPool(label: "tests generate", rate: true) { pool, progress in
            try await PlusTestGenerator(store: store, pool: pool).generate(scope, options: options, progress: progress)
        }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
        } else {
            Terminal.print(TestGenerationText.render(report))
        }
        if report.generatedNothing {
            Terminal.error("error: no generated test for any of \(report.tasks) task(s); see the reasons above.")
            throw ExitCode(1)
        }
    }
}

/// The human summary of a generation run.
enum TestGenerationText {
    static func render(_ report: TestGenerationReport) -> String {
        var lines = [
            String(
                format: "generated tests for %d of %d task(s) with Python %@ in %.1f s (%d executions), seed %d",
                report.tasksWithTests, report.tasks, report.pythonVersion, report.wallSeconds, report.executions,
                report.seed)
        ]
        if let spread = report.perTask {
            lines.append(
                String(format: "tests per task: median %g, min %d, max %d", spread.median, spread.min, spread.max))
        }
        lines.append("")
        lines.append(
            Terminal.table(
                ["", "count"],
                [
                    ["inputs captured", "\(report.capturedInputs)"], ["candidates", "\(report.candidates)"],
                    ["kept", "\(report.kept)"], ["over the per-task cap", "\(report.overCap)"],
                ] + report.discarded.sorted { $0.key < $1.key }.map { ["discarded: \($0.key)", "\($0.value)"] }))
        if !report.tasksWithout.isEmpty {
            lines.append("")
            lines.append(
                Terminal.table(
                    ["task", "no tests because", "detail"],
                    report.tasksWithout.map { [$0.taskID, $0.reason, String($0.detail.prefix(100))] }))
        }
        return lines.joined(separator: "\n")
    }
}
