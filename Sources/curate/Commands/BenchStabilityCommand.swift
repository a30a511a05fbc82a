import ArgumentParser
import CurateCore
import CurateStore
import Foundation

/// `curate bench stability`: times stability at K runs against one validation pass over the same tasks and pool.
struct BenchStabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stability",
        abstract: "Time `curate stability` on MBPP against a single validation pass (target: at most about 5×).")

    @OptionGroup var pool: FilterPoolOptions

    @Option(help: "Tasks file to ingest into a scratch store.")
    var input: String = "raw/mbpp/mbpp.jsonl"

    @Option(help: "Stability runs per task.")
    var runs: Int = 5

    @Flag(help: "Print the measurements as JSON.")
    var json = false

    struct Measurement: Codable {
        var tasks: Int
        var runs: Int
        var jobs: Int
        var validationPrograms: Int
        var validationSeconds: Double
        var stabilityPrograms: Int
        var stabilitySeconds: Double
        var ratio: Double
        var flags: [String: Int]
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("curate-bench-stability-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try TaskStore(path: scratch.appendingPathComponent("store.sqlite").path)
        let ingest = Ingestor(store: store).ingest(paths: [input], options: IngestOptions())
        if ingest.files.contains(where: \.fileRejected) || ingest.files.allSatisfy({ $0.accepted == 0 }) {
            throw ValidationError("could not ingest '\(input)': \(ingest.diagnostics.first?.description ?? "no tasks")")
        }
        let subjects = try FilterSubject.heads(of: store, datasets: [])
        let executionPool = try await pool.start()
        let requests = subjects.map { subject in
            ExecutionRequest(
                solution: subject.content.solution, testSetup: subject.content.testSetup, tests: subject.content.tests,
                limits: pool.limits, pythonVersion: executionPool.pythonVersion)
        }
        let bar = ProgressBar("validation")
        var started = Date()
        _ = try await executionPool.runAll(requests, progress: { bar.update($0, of: $1) })
        let validationSeconds = Date().timeIntervalSince(started)
        bar.finish()
        let stabilityBar = ProgressBar("stability")
        started = Date()
        let (outcomes, executions) = try await StabilityStage.evaluate(
            subjects, pool: executionPool, options: StabilityOptions(runs: runs, limits: pool.limits),
            progress: { stabilityBar.update($0, of: $1) })
        let stabilitySeconds = Date().timeIntervalSince(started)
        stabilityBar.finish()
        await executionPool.shutdown()
        let summary = FilterSummary(stage: "stability", outcomes: outcomes)
        let measurement = Measurement(
            tasks: subjects.count, runs: runs, jobs: pool.jobs, validationPrograms: requests.count, validationSeconds: validationSeconds,
            stabilityPrograms: executions, stabilitySeconds: stabilitySeconds, ratio: stabilitySeconds / validationSeconds,
            flags: summary.dropsByReason)
        if json {
            print(CanonicalJSON.string(measurement, pretty: true))
            return
        }
        print(Terminal.table(["measure", "value"], [
            ["tasks", "\(measurement.tasks)"],
            ["jobs", "\(measurement.jobs)"],
            ["validation (1 run)", String(format: "%.2f s, %d programs", validationSeconds, requests.count)],
            ["stability (\(runs) runs)", String(format: "%.2f s, %d programs", stabilitySeconds, executions)],
            ["ratio", String(format: "%.2f× (target ≤ 5×)", measurement.ratio)],
            ["flags", summary.dropsByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")],
        ]))
    }
}
