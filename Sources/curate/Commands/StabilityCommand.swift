import ArgumentParser
import CurateCore
import Foundation

/// `curate stability`: runs reference solutions K times under perturbations and flags order/state/seed dependence.
struct StabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stability",
        abstract:
            "Flag nondeterministic and timing-sensitive tasks by re-running their reference solutions under perturbations.",
        discussion: """
            Run 0 is the task as validation runs it. Every later run changes PYTHONHASHSEED, the random seed, the clock \
            and the working directory, and runs the tests in another order in one program; the last run runs each test \
            as a program of its own. A test whose outcome differs between runs makes the task nondeterministic.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var pool: SandboxOptions

    @Option(name: .customLong("dataset"), help: "Dataset to check (repeatable); all datasets when omitted.")
    var datasets: [String] = []

    @Option(help: "Runs per task (2 or more).")
    var runs: Int = StabilityStageOptions().runs

    @Option(
        name: .customLong("timing-fraction"),
        help: "Flag timing-sensitive when a run reaches this fraction of the time limit.")
    var timingFraction: Double = StabilityStageOptions().timingFraction

    @Flag(name: .customLong("dry-run"), help: "Report without recording flags.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var options: StabilityStageOptions {
        var options = StabilityStageOptions()
        options.runs = runs
        options.timingFraction = timingFraction
        pool.apply(to: &options)
        return options
    }

    func validate() throws {
        try options.checkFlagsForCLI()
    }

    func run() async throws {
        let store = try storeOptions.open()
        let analysis = options.analysis
        let report = try await pool.withPool(label: "stability") { executionPool, progress in
            try await StabilityFilter.run(
                store: store, datasets: datasets, pool: executionPool, options: analysis, record: !dryRun,
                progress: progress)
        }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        let reused = report.reusedVerdicts > 0 ? ", run 0 of \(report.reusedVerdicts) tasks taken from validation" : ""
        print(
            "Ran \(report.summary.judged) tasks × \(runs) runs (\(report.executions) programs\(reused)) in \(String(format: "%.1f", report.seconds)) s\(dryRun ? " (dry run, nothing recorded)" : "")."
        )
        FilterFindingsTable.print(report.findings)
        print(FilterSummaryTable.render(report.summary))
    }
}

/// Flagged tasks as a table: task, code and one-line message.
enum FilterFindingsTable {
    static func print(_ findings: [FilterFinding]) {
        guard !findings.isEmpty else { return }
        Swift.print("")
        Swift.print(Terminal.table(["task", "flag", "why"], findings.map { [$0.taskID, $0.code, $0.message] }))
        Swift.print("")
    }
}
