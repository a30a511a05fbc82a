import ArgumentParser
import CurateCore
import CurateStore
import Foundation

/// `curate bench stability`: times stability at K runs against one validation pass over the same tasks and pool.
struct BenchStabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stability",
        abstract: "Time `curate stability` on MBPP against a single validation pass (target: at most about 5×).")

    @OptionGroup var pool: SandboxOptions

    @Option(help: "Tasks file to ingest into a scratch store.")
    var input: String = "raw/mbpp/mbpp.jsonl"

    @Option(help: "Stability runs per task.")
    var runs: Int = 5

    @Flag(help: "Print the measurements as JSON.")
    var json = false

    @Flag(name: .customLong("no-reuse"), help: "Also time stability without reusing validation's verdicts for run 0.")
    var alsoWithoutReuse = false

    struct Measurement: Codable {
        var tasks: Int
        var runs: Int
        var jobs: Int
        var validationPrograms: Int
        var validationSeconds: Double
        var stabilityPrograms: Int
        var reusedVerdicts: Int
        var stabilitySeconds: Double
        var ratio: Double
        var withoutReuseSeconds: Double?
        var withoutReuseRatio: Double?
        var flags: [String: Int]
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-bench-stability-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try TaskStore(path: scratch.appendingPathComponent("store.sqlite").path)
        let ingest = Ingestor(store: store).ingest(paths: [input], options: IngestOptions())
        if ingest.files.contains(where: \.fileRejected) || ingest.files.allSatisfy({ $0.accepted == 0 }) {
            throw ValidationError("could not ingest '\(input)': \(ingest.diagnostics.first?.description ?? "no tasks")")
        }
        let options = StabilityOptions(runs: runs, limits: pool.limits)
        let measurement = try await pool.withPool(label: "bench") { executionPool, progress in
            let validation = try await Validator(store: store, pool: executionPool).validate(
                options: ValidationOptions(limits: pool.limits), progress: progress)
            let report = try await StabilityFilter.run(
                store: store, datasets: [], pool: executionPool, options: options, progress: progress)
            var withoutReuse: Double?
            if alsoWithoutReuse {
                let started = Date()
                _ = try await FilterRunner.judge(
                    StabilityFilter(pool: executionPool, options: options),
                    tasks: try FilterTask.heads(of: store, datasets: []), progress: progress)
                withoutReuse = Date().timeIntervalSince(started)
            }
            return Measurement(
                tasks: validation.tasks, runs: runs, jobs: pool.jobs, validationPrograms: validation.executed,
                validationSeconds: validation.wallSeconds, stabilityPrograms: report.executions,
                reusedVerdicts: report.reusedVerdicts,
                stabilitySeconds: report.seconds, ratio: report.seconds / validation.wallSeconds,
                withoutReuseSeconds: withoutReuse, withoutReuseRatio: withoutReuse.map { $0 / validation.wallSeconds },
                flags: report.summary.dropsByReason)
        }
        if json {
            print(CanonicalJSON.string(measurement, pretty: true))
            return
        }
        var rows = [
            ["tasks", "\(measurement.tasks)"],
            ["jobs", "\(measurement.jobs)"],
            [
                "validation (1 run)",
                String(format: "%.2f s, %d programs", measurement.validationSeconds, measurement.validationPrograms),
            ],
            [
                "stability (\(runs) runs)",
                String(
                    format: "%.2f s, %d programs, %d run-0 verdicts reused", measurement.stabilitySeconds,
                    measurement.stabilityPrograms, measurement.reusedVerdicts),
            ],
            ["ratio", String(format: "%.2f× (target ≤ 5×)", measurement.ratio)],
        ]
        if let seconds = measurement.withoutReuseSeconds, let ratio = measurement.withoutReuseRatio {
            rows.append(["stability, no reuse", String(format: "%.2f s (%.2f×)", seconds, ratio)])
        }
        rows.append([
            "flags",
            measurement.flags.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
        ])
        print(Terminal.table(["measure", "value"], rows))
    }
}
