import ArgumentParser
import CurateCore
import CurateStore
import Foundation

/// `curate contamination …`: audit tasks for n-gram and line overlap with a pretraining corpus.
struct ContaminationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contamination",
        abstract: "Audit tasks for overlap with a pretraining corpus (GPT-3 n-grams, MBPP §4.8 lines).",
        discussion:
            "Without a subcommand, `run` runs. Options of `run` (curate contamination [run] <corpus> ... [<options>]):\n"
            + ContaminationRunCommand.optionsHelp,
        subcommands: [ContaminationRunCommand.self, ContaminationMergeCommand.self],
        defaultSubcommand: ContaminationRunCommand.self
    )
}

/// Options shared by the audit's output: report file, JSON, and whether flags are recorded.
struct ContaminationOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Write the per-task JSONL report (counts, flags, evidence) to this path.")
    var report: String?

    @Flag(name: .long, help: "Print the result as JSON instead of tables.")
    var json = false

    @Flag(name: .long, help: "Do not record flags in the store.")
    var noRecord = false

    @Option(name: .long, help: "Rows in the table of most contaminated tasks.")
    var top = 10
}

/// `curate contamination [run] CORPUS…`.
struct ContaminationRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Scan a corpus (directories, JSONL, .gz/.zst, Posts.xml, Wikipedia XML) for the store's tasks."
    )

    /// The OPTIONS section of this command's help, shown by `curate contamination --help` too.
    static var optionsHelp: String {
        let help = helpMessage(columns: 1000)
        return help.range(of: "OPTIONS:").map { String(help[$0.upperBound...]) } ?? help
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: ContaminationOutputOptions

    @Argument(help: "Corpus files or directories.")
    var corpus: [String]

    @Option(name: .long, help: "Dataset to audit (default: every dataset in the store).")
    var dataset: String?

    @Option(name: .long, help: "Corpus format: auto, text, jsonl, posts, wiki.")
    var format: CorpusFormat = .auto

    @Option(name: .long, help: "JSON field with the text of a JSONL record.")
    var textField = ContaminationStageOptions().textField

    @Option(name: .long, help: "Only files matching this glob (repeatable; matched against relative path and name).")
    var include: [String] = []

    @Option(name: .long, help: "Skip files matching this glob (repeatable).")
    var exclude: [String] = []

    @Option(name: .long, help: "Comparison to run (repeatable); default: all three.")
    var metric: [GramKind] = []

    @Option(name: .long, help: "N-gram size, 8–13.")
    var ngram = ContaminationStageOptions().ngram

    @Option(name: .long, help: "Ignore n-grams found in more than this many corpus documents (boilerplate).")
    var maxDocFrequency = ContaminationStageOptions().maxDocFrequency

    @Option(name: .long, help: "Evidence items kept per task.")
    var evidence = ContaminationStageOptions().evidence

    @Option(name: .long, help: "Flag contaminated:ngram when the fraction of text n-grams found exceeds this.")
    var ngramThreshold = ContaminationStageOptions().ngramThreshold

    @Option(name: .long, help: "Flag contaminated:ngram when at least this fraction of code-token n-grams is found.")
    var codeThreshold = ContaminationStageOptions().codeThreshold

    @Option(name: .long, help: "…and when at least this many code-token n-grams are found.")
    var codeMinFound = ContaminationStageOptions().codeMinFound

    @Option(name: .long, help: "Flag contaminated:lines when more than this fraction of solution lines is found.")
    var lineThreshold = ContaminationStageOptions().lineThreshold

    @Option(name: .long, help: "Worker threads over corpus files.")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "This process's shard: corpus files [rank::world-size].")
    var rank = 0

    @Option(name: .long, help: "Number of shards; with more than one, a partial result is written to --partial-dir.")
    var worldSize = 1

    @Option(name: .long, help: "Directory for partial results of a sharded run.")
    var partialDir: String?

    /// The audit's options: defaults from the type, overridden by the flags.
    var stageOptions: ContaminationStageOptions {
        var options = ContaminationStageOptions()
        options.corpus = corpus
        options.ngram = ngram
        if !metric.isEmpty { options.metrics = metric.map { "\($0)" } }
        options.format = format.rawValue
        options.textField = textField
        options.include = include
        options.exclude = exclude
        options.maxDocFrequency = maxDocFrequency
        options.evidence = evidence
        options.ngramThreshold = ngramThreshold
        options.codeThreshold = codeThreshold
        options.codeMinFound = codeMinFound
        options.lineThreshold = lineThreshold
        options.report = output.report
        options.jobs = jobs
        return options
    }

    func validate() throws {
        try stageOptions.checkFlagsForCLI(renamed: ["metrics": "--metric"])
        if worldSize > 1 && partialDir == nil {
            throw ValidationError("--world-size \(worldSize) needs --partial-dir DIR for the partial result.")
        }
    }

    func run() async throws {
        let options = stageOptions.scan
        let store = try storeOptions.open()
        let tasks = try ContaminationAudit.tasks(store: store, dataset: dataset)
        let started = Date()
        let scan = try await ProgressBar.showing("scanning") { bar in
            try await ContaminationAudit.scan(
                tasks: tasks, corpus: corpus, options: options, rank: rank, worldSize: worldSize,
                progress: { p in
                    let seconds = max(Date().timeIntervalSince(started), 0.001)
                    bar.update(
                        p.filesDone, of: p.filesTotal,
                        suffix: String(
                            format: "files  %d MB  %.0f MB/s", p.bytesDone >> 20, Double(p.bytesDone) / 1e6 / seconds))
                })
        }
        let seconds = Date().timeIntervalSince(started)
        if let partialDir {
            let path = try ContaminationAudit.writePartial(scan, dataset: dataset, directory: partialDir)
            print(
                "rank \(rank) of \(worldSize): \(scan.tally.stats.files) files, \(scan.tally.stats.textBytes) bytes scanned; partial written to \(path)"
            )
            print("merge with: curate contamination merge \(partialDir) --store \(storeOptions.store)")
            return
        }
        try ContaminationRendering.finish(scan.result(), store: store, output: output, seconds: seconds)
    }
}

/// `curate contamination merge DIR`: combine the partials of a sharded run into the single-run result.
struct ContaminationMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partial results of every rank into exactly the result of a single run, and record it."
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var output: ContaminationOutputOptions

    @Argument(help: "Directory holding contamination-rank-R-of-N.json partials and their .done markers.")
    var directory: String

    func run() async throws {
        let store = try storeOptions.open()
        let scan = try ContaminationAudit.mergePartials(directory: directory) { dataset in
            try ContaminationAudit.tasks(store: store, dataset: dataset)
        }
        try ContaminationRendering.finish(scan.result(), store: store, output: output, seconds: nil)
    }
}

/// Shared rendering of a finished audit: record, report, JSON or tables.
enum ContaminationRendering {
    static func finish(
        _ result: ContaminationResult, store: TaskStore, output: ContaminationOutputOptions, seconds: Double?
    ) throws {
        try result.requireScannedText()
        if !output.noRecord { try ContaminationAudit.record(result, store: store) }
        if let report = output.report { try ContaminationAudit.writeReport(result, to: report) }
        if output.json {
            print(CanonicalJSON.string(result, pretty: true))
            return
        }
        print(render(result, seconds: seconds, top: output.top))
        for diagnostic in result.diagnostics.prefix(20) { Terminal.error(diagnostic.description) }
        if result.diagnostics.count > 20 {
            Terminal.error("… \(result.diagnostics.count - 20) more diagnostics (see --json)")
        }
    }

    static func render(_ result: ContaminationResult, seconds: Double?, top: Int) -> String {
        let s = result.summary, st = result.stats
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var rows: [[String]] = [
            ["tasks audited", "\(s.tasks)"],
            ["contaminated:ngram", "\(s.contaminatedNgram)"],
            ["contaminated:lines", "\(s.contaminatedLines)"],
            ["contaminated (any)", "\(s.contaminatedAny)"],
            ["tasks with any text \(result.options.n)-gram found", "\(s.anyTextNgram)"],
            ["lines: tasks with > half found", "\(pct(s.shareMoreThanHalfLines)) of \(s.tasksWithLines)"],
            ["lines: tasks with 1–2 found", pct(s.shareOneOrTwoLines)],
            ["lines: tasks with none found", pct(s.shareNoLines)],
            [
                "boilerplate n-grams ignored (> \(result.options.maxDocumentFrequency) docs)",
                "text \(s.ignoredNgrams["text"] ?? 0), code \(s.ignoredNgrams["code"] ?? 0)",
            ],
            ["corpus files / documents", "\(st.files) / \(st.documents)"],
            [
                "skipped: binary / with errors / unopened directories",
                "\(st.binaryFilesSkipped) / \(st.filesWithErrors) / \(st.directoriesSkipped)",
            ],
            ["bytes read / text scanned", "\(st.fileBytes) / \(st.textBytes)"],
        ]
        if let seconds {
            rows.append([
                "time",
                String(format: "%.2f s (%.0f MB/s of text)", seconds, Double(st.textBytes) / 1e6 / max(seconds, 0.001)),
            ])
        }
        var out = Terminal.table(["contamination", "value"], rows)
        let ranked = result.tasks.filter { !$0.flags.isEmpty }
            .sorted {
                ($0.lines.fraction + $0.text.fraction + $0.code.fraction)
                    > ($1.lines.fraction + $1.text.fraction + $1.code.fraction)
            }
        if !ranked.isEmpty && top > 0 {
            let taskRows = ranked.prefix(top).map { t -> [String] in
                let where_ =
                    t.evidence.first.map { e in
                        ([e.location.file] + (e.location.document.map { [$0] } ?? [])).joined(separator: " ")
                    } ?? ""
                return [
                    "\(t.taskID)", "\(t.text.found)/\(t.text.total)", "\(t.code.found)/\(t.code.total)",
                    "\(t.lines.found)/\(t.lines.total)", t.flags.joined(separator: ","), where_,
                ]
            }
            out += "\n\n" + Terminal.table(["task", "text", "code", "lines", "flags", "first evidence"], taskRows)
        }
        return out
    }
}

extension CorpusFormat: ExpressibleByArgument {}

extension GramKind: ExpressibleByArgument {
    /// The names help shows (the raw values are storage integers, not what users type): the case names.
    public static var allValueStrings: [String] { allCases.map { "\($0)" } }

    public static var allValueDescriptions: [String: String] {
        [
            "text": "GPT-3 janitor n-grams of the description, solution and tests",
            "code": "code-token n-grams of the solution and tests, identifiers abstracted",
            "line": "MBPP §4.8 whitespace-normalized solution lines",
        ]
    }

    public var defaultValueDescription: String { "\(self)" }

    public init?(argument: String) {
        guard let kind = Self.allCases.first(where: { "\($0)" == argument }) ?? (argument == "lines" ? .line : nil)
        else { return nil }
        self = kind
    }
}
