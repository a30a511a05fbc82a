import ArgumentParser
import CurateCore
import Foundation

extension IngestFormat: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read task files into the store as new revisions (re-ingesting unchanged records is a no-op).",
        discussion:
            "Formats: \(IngestFormat.allCases.map(\.rawValue).joined(separator: ", ")). Malformed records are reported with file and line; valid ones are stored and the exit status is 1."
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Files to ingest.") var files: [String]
    @Option(help: "Dataset name (default: by format, e.g. mbpp, mbpp-sanitized, humaneval, crowd).") var dataset:
        String?
    @Option(help: "Input format.") var format: IngestFormat = .auto
    @Flag(help: "Reject a whole file if any record in it is malformed.") var strict = false
    @Option(help: "Largest unpacked size of one .gz input in MiB (a decompression-bomb guard).")
    var maxUnpackedMb: Int = IngestStageOptions().maxUnpackedMB
    @Flag(help: "Print the report as JSON.") var json = false

    /// The stage's options: defaults from the type, overridden by the flags.
    var options: IngestStageOptions {
        var options = IngestStageOptions()
        options.files = files
        options.format = format.rawValue
        options.strict = strict
        options.maxUnpackedMB = maxUnpackedMb
        return options
    }

    func validate() throws {
        try options.checkFlagsForCLI()
        if let dataset, let problem = ReleaseNames.datasetProblem(dataset) {
            throw ValidationError("--dataset: \(problem)")
        }
    }

    func run() throws {
        let stage = options
        let report = Ingestor(store: try storeOptions.openOrCreate()).ingest(
            paths: stage.files, options: stage.ingest(dataset: dataset))
        if json {
            print(CanonicalJSON.string(report, pretty: true))
        } else {
            for diagnostic in report.diagnostics { Terminal.error(diagnostic.description) }
            print(
                Terminal.table(
                    [
                        "file", "format", "dataset", "records", "accepted", "rejected", "new tasks", "new revisions",
                        "unchanged", "lint flags",
                    ],
                    report.files.map { f in
                        [
                            f.path, f.format, f.dataset, "\(f.records)",
                            f.fileRejected ? "0 (file rejected)" : "\(f.accepted)", "\(f.rejected)",
                            "\(f.newTasks)", "\(f.newRevisions)", "\(f.unchanged)", "\(f.lintFlags)",
                        ]
                    }))
        }
        if let summary = report.failureSummary {
            Terminal.error("error: \(summary); see the messages above.")
            throw ExitCode(1)
        }
    }
}
