import ArgumentParser
import CurateCore
import Foundation

extension IngestFormat: ExpressibleByArgument {}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read task files into the store as new revisions (re-ingesting unchanged records is a no-op).",
        discussion: "Formats: \(IngestFormat.allCases.map(\.rawValue).joined(separator: ", ")). Malformed records are reported with file and line; valid ones are stored and the exit status is 1.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Files to ingest.") var files: [String]
    @Option(help: "Dataset name (default: by format, e.g. mbpp, mbpp-sanitized, humaneval, crowd).") var dataset: String?
    @Option(help: "Input format.") var format: IngestFormat = .auto
    @Flag(help: "Reject a whole file if any record in it is malformed.") var strict = false
    @Option(help: "Largest unpacked size of one .gz input in MiB (a decompression-bomb guard).")
    var maxUnpackedMb: Int = Gzip.defaultUnpackedLimit >> 20
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard maxUnpackedMb >= 1 else { throw ValidationError("--max-unpacked-mb must be at least 1") }
        if let dataset, let problem = ReleaseNames.datasetProblem(dataset) { throw ValidationError("--dataset: \(problem)") }
    }

    func run() throws {
        let report = Ingestor(store: try storeOptions.openOrCreate()).ingest(
            paths: files, options: IngestOptions(dataset: dataset, format: format, strict: strict, maxUnpackedBytes: maxUnpackedMb << 20))
        if json {
            print(CanonicalJSON.string(report, pretty: true))
        } else {
            for diagnostic in report.diagnostics { Terminal.error(diagnostic.description) }
            print(Terminal.table(
                ["file", "format", "dataset", "records", "accepted", "rejected", "new tasks", "new revisions", "unchanged", "lint flags"],
                report.files.map { f in
                    [f.path, f.format, f.dataset, "\(f.records)", f.fileRejected ? "0 (file rejected)" : "\(f.accepted)", "\(f.rejected)",
                     "\(f.newTasks)", "\(f.newRevisions)", "\(f.unchanged)", "\(f.lintFlags)"]
                }))
        }
        if let summary = report.failureSummary {
            Terminal.error("error: \(summary); see the messages above.")
            throw ExitCode(1)
        }
    }
}
