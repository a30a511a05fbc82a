import ArgumentParser
import CurateCore
import CurateStore
import Foundation

/// `curate bench contamination`: corpus throughput (MB/s per core), peak memory and scaling over job counts.
struct BenchContaminationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contamination",
        abstract: "Measure contamination-scan throughput and peak memory on a real corpus (build with -c release)."
    )

    @Option(name: .long, help: "MBPP JSONL to index when the store has no tasks for --dataset.")
    var mbpp = "raw/mbpp/mbpp.jsonl"

    @Option(name: .long, help: "Store to take the benchmark from, if it holds --dataset.")
    var store: String?

    @Option(name: .long, help: "Dataset in the store.")
    var dataset = "mbpp"

    @Argument(help: "Corpus files or directories.")
    var corpus: [String]

    @Option(name: .long, help: "Corpus format.")
    var format: CorpusFormat = .auto

    @Option(name: .long, help: "Only files matching this glob (repeatable).")
    var include: [String] = []

    @Option(name: .long, help: "Skip files matching this glob (repeatable).")
    var exclude: [String] = []

    @Option(name: .long, help: "Comparison to run (repeatable); default: all three.")
    var metric: [GramKind] = []

    @Option(name: .long, help: "Job counts to measure (repeatable).")
    var jobs: [Int] = [1, 2]

    @Option(name: .long, help: "Write the last run's JSONL report here.")
    var report: String?

    func run() async throws {
        let tasks: [ReferenceTask]
        if let store, let stored = try? ContaminationAudit.tasks(store: try TaskStore(path: store), dataset: dataset) {
            tasks = stored
        } else {
            tasks = try MBPPReferenceTasks.load(path: mbpp)
        }
        var options = ContaminationOptions()
        options.format = format
        options.include = include
        options.exclude = exclude
        if !metric.isEmpty { options.metrics = metric }
        var rows: [[String]] = []
        var last: ContaminationResult?
        for job in jobs {
            options.jobs = job
            PeakMemory.reset()
            let started = Date()
            let scan = try await ContaminationAudit.scan(tasks: tasks, corpus: corpus, options: options)
            let seconds = Date().timeIntervalSince(started)
            // A scan run in this process always carries its CPU times (only a merge of partials has none).
            let cpu = scan.cpu!
            let result = scan.result()
            let mb = Double(result.stats.textBytes) / 1e6
            let readMB = Double(result.stats.fileBytes) / 1e6
            rows.append([
                "\(job)", "\(result.stats.files)", String(format: "%.1f", readMB), String(format: "%.1f", mb),
                String(format: "%.2f", seconds), String(format: "%.2f", cpu.total),
                String(format: "%.0f", mb / seconds),
                String(format: "%.0f", mb / seconds / Double(job)), String(format: "%.0f", mb / max(cpu.total, 0.001)),
                String(format: "%.2f + %.2f", cpu.index, cpu.listing),
                String(format: "%.0f", mb / max(cpu.scan, 0.001)),
                String(format: "%.0f", Double(PeakMemory.kilobytes()) / 1024),
            ])
            last = result
        }
        print("benchmark: \(tasks.count) tasks; corpus: \(corpus.joined(separator: " "))")
        print(
            Terminal.table(
                [
                    "jobs", "files", "read MB", "text MB", "wall s", "CPU s", "MB/s", "MB/s/job", "MB/CPU-s",
                    "index+listing CPU s", "scan MB/CPU-s", "peak RSS MB",
                ], rows))
        if let last {
            print("")
            print(ContaminationRendering.render(last, seconds: nil, top: 15))
            if let report { try ContaminationAudit.writeReport(last, to: report) }
        }
    }
}

/// Peak resident memory of this process from /proc (Linux), resettable between runs.
enum PeakMemory {
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func kilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
