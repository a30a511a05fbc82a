import ArgumentParser
import CurateCore
import Foundation

/// `curate tests mutate`: mutation analysis of every task's original and generated tests; flags `tests/weak`.
struct TestsMutateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate",
        abstract: "Mutate each reference solution and see which mutants the original and generated tests kill.",
        discussion: """
            Mutants come from the reference's Python AST (operators, comparisons, boundaries, constants, negated \
            conditions, removed statements, return values, slices, indices, range bounds), at most --max-mutants per \
            task. Each runs in the sandbox against the task's tests, then its generated tests (`curate tests \
            generate`), with a timeout derived from the reference's own time; a timeout or crash kills it. A mutant \
            no test kills is likely equivalent. A task whose original tests miss mutants a generated test kills is \
            flagged tests/weak, with the mutant's diff and the killing test as evidence. The reduced generated tests \
            (the fewest that keep every kill) are marked in the store.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var pool: SandboxOptions

    @Option(name: .customLong("dataset"), help: "Dataset to analyse (repeatable); all datasets when omitted.")
    var datasets: [String] = []

    @Option(name: .customLong("max-mutants"), help: "Mutants per task at most, spread over the operators.")
    var maxMutants = TestsMutateStageOptions().maxMutants

    @Option(
        name: .customLong("timeout-factor"), help: "A mutant's time limit in multiples of the reference's own time.")
    var timeoutFactor = TestsMutateStageOptions().timeoutFactor

    @Option(name: .customLong("min-mutant-timeout"), help: "A mutant's time limit is at least this many seconds.")
    var minimumMutantTimeout = TestsMutateStageOptions().minimumMutantTimeout

    @Option(
        name: .customLong("weak-min-mutants"),
        help: "Flag tests/weak when at least this many mutants survive the original tests but not a generated one.")
    var weakMinMutants = TestsMutateStageOptions().weakMinMutants

    @Option(name: .customLong("weak-min-share"), help: "... and they are at least this share of the task's mutants.")
    var weakMinShare = TestsMutateStageOptions().weakMinShare

    @Flag(name: .customLong("dry-run"), help: "Report without recording flags, mutants or the reduction.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var options: TestsMutateStageOptions {
        var options = TestsMutateStageOptions()
        options.maxMutants = maxMutants
        options.timeoutFactor = timeoutFactor
        options.minimumMutantTimeout = minimumMutantTimeout
        options.weakMinMutants = weakMinMutants
        options.weakMinShare = weakMinShare
        pool.apply(to: &options)
        return options
    }

    func validate() throws {
        try options.checkFlagsForCLI(renamed: ["min_mutant_timeout": "--min-mutant-timeout"])
    }

    func run() async throws {
        let store = try storeOptions.open()
        let options = options
        let report = try await pool.withPool(label: "mutants", rate: true) { executionPool, progress in
            try await WeakTestsFilter.run(
                store: store, datasets: datasets, pool: executionPool, options: options,
                plusTests: { ids in try PlusTest.stored(in: store, revisionIDs: ids) }, record: !dryRun,
                progress: progress)
        }
        if json {
            print(CanonicalJSON.string(MutationTable.summary(report), pretty: true))
            return
        }
        print(
            String(
                format: "Mutation analysis in %.1f s (%.0f executions/s)%@.", report.seconds,
                report.executionsPerSecond, dryRun ? " (dry run, nothing recorded)" : ""))
        print(MutationSummaryText.line(report))
        print(MutationTable.render(report))
        FilterFindingsTable.print(report.findings)
        print(FilterSummaryTable.render(report.summary))
    }
}

/// The per-task table and JSON of a mutation report.
enum MutationTable {
    /// Per-task rows of the tasks analysed, and the skipped tasks with why.
    struct Summary: Codable {
        struct Row: Codable {
            var task: String
            var mutants: Int
            var killedByOriginal: Int
            var killedOnlyByGenerated: Int
            var likelyEquivalent: Int
            var survived: Int
            var generatedTests: Int
            var reduced: [Int]
            var originalScore: Double?
            var combinedScore: Double?
        }
        var seconds: Double
        var executionsPerSecond: Double
        var generatorDigest: String
        var options: TestsMutateStageOptions
        var tasks: Int
        var analysed: Int
        var mutants: Int
        var killedByOriginal: Int
        var killedOnlyByGenerated: Int
        var likelyEquivalent: Int
        var tasksMissingKills: Int
        var summary: FilterSummary
        var findings: [FilterFinding]
        var skipped: [String: String]
        var rows: [Row]
    }

    static func summary(_ report: MutationReport) -> Summary {
        Summary(
            seconds: report.seconds, executionsPerSecond: report.executionsPerSecond,
            generatorDigest: report.generatorDigest, options: report.options, tasks: report.tasks.count,
            analysed: report.analysed.count, mutants: report.mutants, killedByOriginal: report.killedByOriginal,
            killedOnlyByGenerated: report.killedOnlyByGenerated, likelyEquivalent: report.likelyEquivalent,
            tasksMissingKills: report.tasksMissingKills, summary: report.summary, findings: report.findings,
            skipped: Dictionary(
                report.tasks.compactMap { task in task.skipped.map { (task.taskID, $0) } },
                uniquingKeysWith: { first, _ in first }),
            rows: report.analysed.map { task in
                Summary.Row(
                    task: task.taskID, mutants: task.mutants.count, killedByOriginal: task.killedByOriginal,
                    killedOnlyByGenerated: task.killedOnlyByGenerated, likelyEquivalent: task.likelyEquivalent,
                    survived: task.survived, generatedTests: task.generatedTests, reduced: task.reduced,
                    originalScore: task.originalScore, combinedScore: task.combinedScore)
            })
    }

    /// Tasks with their counts and scores (the 20 weakest when there are more), then skipped tasks.
    static func render(_ report: MutationReport) -> String {
        let score = { (value: Double?) in value.map { String(format: "%.2f", $0) } ?? "-" }
        let weakest = report.analysed.sorted {
            ($0.killedOnlyByGenerated, $1.taskID) > ($1.killedOnlyByGenerated, $0.taskID)
        }
        let shown = weakest.count > 20 ? Array(weakest.prefix(20)) : weakest
        var lines = [
            Terminal.table(
                [
                    "task", "mutants", "killed: original", "only generated", "likely equivalent", "score",
                    "with generated",
                ],
                shown.map { task in
                    [
                        task.taskID, "\(task.mutants.count)", "\(task.killedByOriginal)",
                        "\(task.killedOnlyByGenerated)",
                        task.generatedTests > 0 ? "\(task.likelyEquivalent)" : "- (\(task.survived) survive)",
                        score(task.originalScore), score(task.combinedScore),
                    ]
                })
        ]
        if shown.count < weakest.count {
            lines.append("(the \(shown.count) tasks with most mutants only generated tests kill, of \(weakest.count))")
        }
        for task in report.tasks { if let why = task.skipped { lines.append("skipped \(task.taskID): \(why)") } }
        return lines.joined(separator: "\n")
    }
}
