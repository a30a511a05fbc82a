import ArgumentParser
import CurateCore
import Foundation

/// `curate dedup`: flags exact and near-duplicate tasks within and across datasets and splits.
struct DedupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract:
            "Flag exact and near-duplicate tasks (MinHash/Jaccard over normalized shingles), reporting cross-split leaks."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        name: .customLong("dataset"),
        help: "Dataset to compare (repeatable, earlier ones win); all datasets when omitted.")
    var datasets: [String] = []

    @Option(help: "Minimum Jaccard similarity of the pooled shingles for a duplicate (0–1].")
    var threshold: Double = DedupStageOptions().threshold

    @Option(help: "Fields compared, comma-separated: description,code,tests.")
    var fields: String = DedupStageOptions().fields.joined(separator: ",")

    @Option(name: .customLong("shingle"), help: "Tokens per shingle.")
    var shingleSize: Int = DedupStageOptions().shingle

    @Option(
        name: .customLong("split-ranges"),
        help:
            "Split by numeric id, e.g. 'train=601-974,test=11-510', for every dataset. Default: MBPP's published split for datasets named mbpp*."
    )
    var splitRanges: String?

    @Flag(name: .customLong("dry-run"), help: "Report without recording flags.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// The comparison's options: defaults from the type, overridden by the flags.
    var options: DedupStageOptions {
        var options = DedupStageOptions()
        options.threshold = threshold
        options.fields = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        options.shingle = shingleSize
        return options
    }

    func validate() throws {
        try options.checkFlagsForCLI()
    }

    func run() async throws {
        let splits =
            try splitRanges.map { text in
                SplitAssignment.ranges(try SplitRanges(parsing: text), forDatasetsWithPrefix: "")
            }
            ?? .ranges(.mbpp, forDatasetsWithPrefix: "mbpp")
        let report = try await ProgressBar.showing("dedup") { bar in
            try await DedupFilter.run(
                store: storeOptions.open(), datasets: datasets,
                options: options.comparison,
                splits: splits, record: !dryRun, progress: { bar.update($0, of: $1) })
        }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(
            "Compared \(report.summary.judged) tasks of \(report.datasets.joined(separator: ", ")) at Jaccard ≥ \(threshold): "
                + "\(report.exactPairs) exact and \(report.nearPairs) near-duplicate pairs\(dryRun ? " (dry run, nothing recorded)" : "")."
        )
        if !report.pairs.isEmpty {
            print("")
            print(
                Terminal.table(
                    ["earlier", "later", "kind", "jaccard", "per field", "splits"],
                    report.pairs.map { pair in
                        [
                            pair.earlier, pair.later, pair.kind.rawValue, String(format: "%.3f", pair.similarity),
                            pair.fieldSimilarity.sorted { $0.key < $1.key }.map {
                                "\($0.key.prefix(4)) \(String(format: "%.2f", $0.value))"
                            }.joined(separator: " "),
                            "\(pair.earlierSplit ?? "-")→\(pair.laterSplit ?? "-")",
                        ]
                    }))
        }
        print("")
        if report.crossSplitPairs.isEmpty {
            print("Cross-split pairs (train/test leakage): none.")
        } else {
            print("Cross-split pairs (train/test leakage): \(report.crossSplitPairs.count)")
            for pair in report.crossSplitPairs {
                print(
                    "  \(pair.earlier) [\(pair.earlierSplit!)] ≈ \(pair.later) [\(pair.laterSplit!)]  jaccard \(String(format: "%.3f", pair.similarity))"
                )
            }
        }
        print("")
        print(FilterSummaryTable.render(report.summary))
    }
}

/// The summary table shared by the filter commands: revisions judged, kept, and drops per reason.
enum FilterSummaryTable {
    static func render(_ summary: FilterSummary) -> String {
        var rows = summary.dropsByReason.sorted { $0.key < $1.key }.map {
            ["\(summary.stage)/\($0.key)", "\($0.value)"]
        }
        rows.append(["kept", "\(summary.kept)"])
        rows.append(["judged", "\(summary.judged)"])
        return Terminal.table(["flags by reason", "tasks"], rows)
    }
}
