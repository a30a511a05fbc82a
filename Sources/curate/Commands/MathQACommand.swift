import ArgumentParser
import CurateCore
import Foundation

/// `curate mathqa …`: MathQA's operation programs → MathQA-Python, verified by execution.
struct MathQACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mathqa",
        abstract: "Convert MathQA (DSL programs) to MathQA-Python and report what was kept and dropped.",
        subcommands: [MathQAConvertCommand.self, MathQAReportCommand.self])
}

extension MathQAMode: EnumerableFlag {
    public static func help(for value: MathQAMode) -> ArgumentHelp? {
        switch value {
        case .compat: return "Reproduce the published MathQA-Python conversion exactly (dataset mathqa-python)."
        case .extended:
            return "Also keep problems the published conversion loses, each verified (dataset mathqa-python-extended)."
        }
    }
}

struct MathQAConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Convert MathQA JSON files (train/dev/test/challenge_test.json) into tasks, keeping a problem only when its Python reproduces the correct option within 1%."
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "MathQA JSON files; the split is the file name (dev.json → dev).") var files: [String]
    @Flag var mode: MathQAMode = .compat
    @Option(help: "Parallel executions (default: number of CPUs).") var jobs: Int = ProcessInfo.processInfo
        .activeProcessorCount
    @Option(help: "Python interpreter (default: /usr/bin/python3, else python3 on PATH resolved past shims).")
    var python: String?
    @Flag(help: "Print the report as JSON.") var json = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var options: MathQAStageOptions {
        var options = MathQAStageOptions()
        options.files = files
        options.mode = mode.rawValue
        options.jobs = jobs
        options.python = python
        return options
    }

    func validate() throws { try options.checkFlagsForCLI() }

    func run() async throws {
        let stage = options
        let report = try await ProgressBar.showing("verifying") { bar in
            try await MathQAJob.run(
                paths: stage.files, mode: stage.conversion, store: try storeOptions.openOrCreate(), jobs: jobs,
                python: stage.python,
                progress: { bar.update($0, of: $1) })
        }
        for warning in report.isolationWarnings { Terminal.error("warning: \(warning)") }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(MathQARender.splits(report.splits))
        print(
            "\n\(report.dataset): \(report.newTasks) new tasks, \(report.newRevisions) new revisions, \(report.unchanged) unchanged"
        )
        print(
            String(
                format: "converted and verified %d problems in %.2f s (read %.2f s, store %.2f s)",
                report.problems, report.convertSeconds, report.readSeconds, report.storeSeconds))
    }
}

struct MathQAReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Count kept, recovered and dropped MathQA problems per split; --list shows each drop with its reason."
    )

    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Report the extended conversion (dataset mathqa-python-extended).") var extended = false
    @Flag(help: "List every drop (or only those of --reason).") var list = false
    @Option(help: ArgumentHelp("Only this drop reason when listing (\(MathQAReportCommand.reasons))."))
    var reason: String?
    @Flag(help: "Print the report as JSON (per-split counts, and the drops when --list or --reason is given).")
    var json = false

    /// The drop reasons, the most frequent (mismatch) first.
    static let reasons = ([MathQADropReason.mismatch] + MathQADropReason.allCases.filter { $0 != .mismatch })
        .map(\.rawValue).joined(separator: ", ")

    func run() throws {
        let dataset = (extended ? MathQAMode.extended : .compat).dataset
        let report = try MathQAReport.make(store: try storeOptions.open(), dataset: dataset, reason: reason)
        guard !report.splits.isEmpty else {
            Terminal.error(
                "no \(dataset) conversion in the store; run `curate mathqa convert\(extended ? " --extended" : "") raw/mathqa/*.json` first"
            )
            throw ExitCode(1)
        }
        if json {
            var shown = report
            if !list && reason == nil { shown.drops = [] }
            print(CanonicalJSON.string(shown, pretty: true))
            return
        }
        print("\(dataset)\n")
        print(MathQARender.splits(report.splits))
        if list || reason != nil {
            print("")
            print(
                Terminal.table(
                    ["split", "record", "reason", "where", "message", "linear_formula"],
                    report.drops.map { d in
                        [d.split, "\(d.recordIndex)", d.reason, d.location ?? "", d.message, d.linearFormula]
                    }))
        }
    }
}

/// Tables shared by `convert` and `report`.
enum MathQARender {
    static func splits(_ splits: [MathQASplitSummary]) -> String {
        let reasons = Array(Set(splits.flatMap(\.dropped.keys))).sorted()
        var out = Terminal.table(
            ["split", "records", "kept", "recovered", "dropped"] + reasons,
            splits.map { s in
                [
                    s.split, "\(s.total)", "\(s.kept)", "\(s.recovered.values.reduce(0, +))",
                    "\(s.dropped.values.reduce(0, +))",
                ]
                    + reasons.map { "\(s.dropped[$0] ?? 0)" }
            })
        let recovered = splits.filter { !$0.recovered.isEmpty }
        if !recovered.isEmpty {
            out += "\n\nrecovered (kept only by --extended, each verified by execution):\n"
            out += Terminal.table(
                ["split", "class", "problems"],
                recovered.flatMap { s in
                    s.recovered.sorted { $0.key < $1.key }.map { [s.split, $0.key, "\($0.value)"] }
                })
        }
        return out
    }
}
