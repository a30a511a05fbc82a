import ArgumentParser
import CurateCore
import CurateWeb
import Foundation

/// `curate bench review`: save-to-verdict latency of the review workbench over HTTP (target: p95 under 300 ms).
struct BenchReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract:
            "Time save-to-verdict of the review workbench: one HTTP save per MBPP task, revalidated in a warm pool.",
        discussion: """
            Ingests --mbpp into a scratch store, serves it on a loopback port and saves a changed solution of each \
            task (in id order) through POST /api/tasks/…/revisions, timing each round trip until the verdict \
            arrives. Reports p50/p95/p99; the target is p95 under 300 ms. Build with -c release to measure.
            """)

    @Option(help: "MBPP jsonl.") var mbpp = "raw/mbpp/mbpp.jsonl"
    @Option(help: "Tasks to time (0: all).") var tasks = 0
    @Option(help: "Saves before the timed ones, not counted.") var warmup = 5
    @Option(help: "Sandbox workers kept warm.") var jobs = 2
    @Option(help: "Python interpreter (default /usr/bin/python3).") var python: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard tasks >= 0, warmup >= 0, jobs >= 1 else {
            throw ValidationError("--tasks and --warmup must be 0 or more, --jobs at least 1")
        }
    }

    func run() async throws {
        let benchmark = ReviewBenchmark(mbppPath: mbpp, tasks: tasks, warmup: warmup, jobs: jobs, python: python)
        let report = try await ProgressBar.showing("bench review") { bar in
            try await benchmark.run { done, total in bar.update(done, of: total, suffix: "saves") }
        }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(
            String(
                format: "%d saves timed (after %d warm-up), Python %@, %d sandbox workers; %d passed, %d failed",
                report.tasks, report.warmup, report.pythonVersion, report.jobs, report.passed, report.failed))
        print(
            Terminal.table(
                ["save to verdict", "ms"],
                [
                    ["p50", String(format: "%.1f", report.p50)], ["p95", String(format: "%.1f", report.p95)],
                    ["p99", String(format: "%.1f", report.p99)], ["max", String(format: "%.1f", report.max)],
                    ["mean", String(format: "%.1f", report.mean)],
                ]))
        print(
            "slowest: "
                + report.slowest.map {
                    String(format: "%@ %.0f ms%@", $0.task, $0.milliseconds, $0.passed ? "" : " (failing)")
                }.joined(separator: ", "))
        print(
            String(
                format: "target p95 < %.0f ms: %@", report.targetP95, report.p95 < report.targetP95 ? "met" : "NOT met")
        )
    }
}
