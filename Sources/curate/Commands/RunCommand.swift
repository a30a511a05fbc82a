import ArgumentParser
import CurateCore
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Run a pipeline file; stages whose inputs and parameters are unchanged are skipped, and an interrupted run resumes."
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Pipeline file, e.g. pipelines/mbpp.yaml.") var pipeline: String
    @Flag(help: "Run every stage even if unchanged.") var force = false
    @Flag(help: "Print the stage table as JSON.") var json = false

    func run() async throws {
        let file = try PipelineFile.load(path: pipeline)
        let outcomes = try await PipelineRunner(store: try storeOptions.openOrCreate()).run(
            file, force: force, observer: json ? nil : ConsoleObserver())
        if json {
            print(CanonicalJSON.string(outcomes, pretty: true))
            return
        }
        print(
            Terminal.table(
                ["stage", "status", "tasks in", "kept", "flagged/dropped", "time", "notes"],
                outcomes.map { o in
                    let flagged = o.report.flagged.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                        separator: ", ")
                    return [
                        o.stage, o.status.rawValue, "\(o.report.tasksIn)", "\(o.report.kept)",
                        flagged.isEmpty ? "-" : flagged,
                        String(format: "%.2fs", o.seconds), o.report.notes.joined(separator: "; "),
                    ]
                }))
    }
}

/// Prints stage starts and a progress bar per stage to stderr.
final class ConsoleObserver: PipelineObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var bar: ProgressBar?

    func stageStarted(_ index: Int, of total: Int, name: String) {
        lock.lock()
        defer { lock.unlock() }
        Terminal.error("[\(index)/\(total)] \(name)")
        bar = ProgressBar("  \(name)")
    }

    func stageProgress(_ name: String, done: Int, total: Int) {
        lock.lock()
        let bar = self.bar
        lock.unlock()
        bar?.update(done, of: total)
    }

    func stageFinished(_ outcome: StageOutcome) {
        lock.lock()
        defer { lock.unlock() }
        bar?.finish()
        bar = nil
        if outcome.status == .skipped { Terminal.error("  skipped: unchanged since its last successful run") }
    }

    func abandonedRunsMarked(_ stages: [String]) {
        Terminal.error(
            "Found \(stages.count) stage run\(stages.count == 1 ? "" : "s") left running by an interrupted run (\(stages.joined(separator: ", "))); marked abandoned."
        )
    }
}
