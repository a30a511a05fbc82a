import ArgumentParser
import CurateCore
import Foundation

/// `curate dedup`: flags exact, behavioural and near-duplicate tasks within and across datasets and splits.
struct DedupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract:
            "Flag duplicate tasks (shingles, paraphrased descriptions, identical code), confirmed or refuted by execution, reporting cross-split leaks.",
        discussion: """
            Candidates: pooled shingles at Jaccard ≥ --threshold, descriptions at weighted cosine ≥ \
            --description-threshold (boilerplate and stopwords removed), identical normalized code. Each candidate \
            runs both ways in the sandbox (A's solution against B's tests under B's entry point, and the reverse): \
            duplicate/behavioural when both pass, duplicate/near when not; exact copies stay `duplicate`.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var pool: SandboxOptions

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

    @Option(help: "Minimum weighted cosine of normalized descriptions for a candidate pair [0–1]; 0 turns it off.")
    var descriptionThreshold: Double = DedupStageOptions().descriptionThreshold

    @Flag(inversion: .prefixedNo, help: "Pair tasks whose normalized code is identical, whatever their descriptions.")
    var identicalCode = DedupStageOptions().identicalCode

    @Flag(inversion: .prefixedNo, help: "Confirm or refute each candidate pair by execution in the sandbox.")
    var execute = DedupStageOptions().execute

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
        options.descriptionThreshold = descriptionThreshold
        options.identicalCode = identicalCode
        options.execute = execute
        pool.apply(to: &options)
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
        let store = try storeOptions.open()
        let options = options
        let find = { @Sendable (checker: BehaviourChecker?, progress: @escaping @Sendable (Int, Int) -> Void) in
            try await DedupFilter.run(
                store: store, datasets: datasets, options: options.comparison, splits: splits, checker: checker,
                record: !dryRun, progress: progress)
        }
        let report =
            options.execute
            ? try await pool.withPool(label: "dedup") { executionPool, progress in
                try await find(BehaviourChecker(pool: executionPool, limits: options.limits, store: store), progress)
            }
            : try await ProgressBar.showing("dedup") { bar in try await find(nil) { bar.update($0, of: $1) } }
        if json {
            print(CanonicalJSON.string(report, pretty: true))
            return
        }
        print(
            "Compared \(report.summary.judged) tasks of \(report.datasets.joined(separator: ", ")) at Jaccard ≥ \(threshold)"
                + (descriptionThreshold > 0 ? ", description ≥ \(descriptionThreshold)" : "")
                + (identicalCode ? ", identical code" : "") + ": \(report.exactPairs) exact, "
                + "\(report.behaviouralPairs) behavioural and \(report.nearPairs) near-duplicate pairs"
                + (execute ? "" : " (not checked by execution)") + (dryRun ? " (dry run, nothing recorded)" : "") + "."
        )
        if !report.pairs.isEmpty {
            print("")
            print(
                Terminal.table(
                    ["earlier", "later", "kind", "jaccard", "description", "per field", "splits", "execution"],
                    report.pairs.map { pair in
                        [
                            pair.earlier, pair.later, pair.kind.rawValue, String(format: "%.3f", pair.similarity),
                            pair.descriptionSimilarity.map { String(format: "%.3f", $0) } ?? "-",
                            pair.fieldSimilarity.sorted { $0.key < $1.key }.map {
                                "\($0.key.prefix(4)) \(String(format: "%.2f", $0.value))"
                            }.joined(separator: " "),
                            "\(pair.earlierSplit ?? "-")→\(pair.laterSplit ?? "-")",
                            pair.behaviour.map(Self.execution) ?? "-",
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

extension DedupCommand {
    /// Tests passed each way (`3/3 ⇄ 2/3`), or why the pair did not run.
    static func execution(_ check: BehaviourCheck) -> String {
        if let notRun = check.notRun { return "not run: \(notRun)" }
        let side = { (run: BehaviourRun?) in run.map { "\($0.passed)/\($0.total)" } ?? "-" }
        return "\(side(check.forward)) ⇄ \(side(check.backward))"
    }
}

/// The summary table shared by the filter commands: revisions judged, kept, and drops per reason.
enum FilterSummaryTable {
    static func render(_ summary: FilterSummary) -> String {
        var rows = summary.dropsByReason.sorted { $0.key < $1.key }.map {
            [$0.key.hasPrefix("\(summary.stage)/") ? $0.key : "\(summary.stage)/\($0.key)", "\($0.value)"]
        }
        rows.append(["kept", "\(summary.kept)"])
        rows.append(["judged", "\(summary.judged)"])
        return Terminal.table(["flags by reason", "tasks"], rows)
    }
}
