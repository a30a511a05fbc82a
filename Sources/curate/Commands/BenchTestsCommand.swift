import ArgumentParser
import CurateBenchmarks
import CurateCore
import CurateStore
import Foundation

/// `curate bench tests`: plus-test generation and mutation analysis of every MBPP task in a scratch store, timed (goal:
/// both under 5 minutes).
struct BenchTestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tests",
        abstract:
            "Time plus-test generation and mutation analysis of all MBPP tasks; report the original vs generated tests' scores."
    )

    @OptionGroup var pool: SandboxOptions

    @Option(help: "Tasks file to ingest into a scratch store.")
    var input: String = "raw/mbpp/mbpp.jsonl"

    @Option(name: .customLong("max-mutants"), help: "Mutants per task at most.")
    var maxMutants = TestsMutateStageOptions().maxMutants

    @Flag(name: .customLong("no-generate"), help: "Analyse without generating plus tests first.")
    var noGenerate = false

    @Flag(help: "Print the measurements as JSON.")
    var json = false

    func run() async throws {
        var options = TestsMutateStageOptions()
        options.maxMutants = maxMutants
        pool.apply(to: &options)
        var generation = TestsGenerateStageOptions()
        pool.apply(to: &generation)
        let generationOptions = noGenerate ? nil : generation
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-bench-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let store = try TaskStore(path: scratch.appendingPathComponent("store.sqlite").path)
        let report = try await pool.withPool(label: "bench tests", rate: true) { executionPool, progress in
            try await TestsBenchmark.run(
                input: input, store: store, pool: executionPool, options: options, generation: generationOptions,
                progress: progress)
        }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(Terminal.table(["measure", "value"], BenchTestsText.rows(report)))
    }
}

/// The benchmark's figures as table rows.
enum BenchTestsText {
    static func rows(_ report: TestsBenchmarkReport) -> [[String]] {
        let distribution = { (d: ScoreDistribution) in
            String(
                format: "mean %.3f, p10 %.2f, p25 %.2f, median %.2f, p75 %.2f, p90 %.2f", d.mean, d.p10, d.p25,
                d.median, d.p75, d.p90)
        }
        return [
            ["input", report.input],
            ["python, jobs", "\(report.pythonVersion), \(report.jobs)"],
            ["tasks (analysed)", "\(report.tasks) (\(report.analysed))"],
            [
                "tests generate",
                report.generationSeconds.map {
                    String(format: "%.1f s, %d executions", $0, report.generationExecutions ?? 0)
                } ?? "not run",
            ],
            ["generated tests", "\(report.generatedTests) for \(report.tasksWithGeneratedTests) tasks"],
            [
                "mutation analysis",
                String(
                    format: "%.1f s, %d executions (%d mutants), %.0f executions/s", report.mutationSeconds,
                    report.executions, report.mutants, report.executionsPerSecond),
            ],
            [
                "mutants killed",
                "\(report.killedByOriginal) by original tests, \(report.killedOnlyByGenerated) only by generated (\(report.timeouts) by timeout)",
            ],
            ["likely equivalent", "\(report.likelyEquivalent)"],
            [
                "tasks whose tests miss kills",
                String(
                    format: "%d of %d (%.1f%%); tests/weak flags: %d", report.tasksMissingKills, report.analysed,
                    report.shareMissingKills * 100, report.weakFlags),
            ],
            ["original score", distribution(report.originalScores)],
            ["original + generated score", distribution(report.combinedScores)],
            [
                "histogram (tenths, last = 1.0)",
                report.originalScores.histogram.map(String.init).joined(separator: " "),
            ],
            [
                "  with generated", report.combinedScores.histogram.map(String.init).joined(separator: " "),
            ],
        ]
    }
}
