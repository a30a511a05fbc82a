import ArgumentParser
import CurateCore

struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract:
            "Write curated/DATASET/VERSION/: a JSONL per split, manifest.json and a dataset card. Existing versions are never rewritten."
    )

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Dataset name.") var dataset: String
    @Option(help: "Release version, e.g. 1.0.0.") var version: String
    @Option(help: "Folder that holds releases.") var output = ReleaseStageOptions().output
    @Option(help: "Record layout: mbpp, mbpp-sanitized, humaneval, mathqa-python or canonical (default: by dataset).")
    var layout: String?
    @Option(help: "Ship only tasks whose current content an editor approved (value: approved); others are excluded.")
    var requireReview: String?
    @Option(help: "Folder of the edit logs; DATASET.jsonl there, if present, is hashed into the manifest's inputs.")
    var edits = "edits"
    @OptionGroup var split: SplitOptions
    @Flag(help: "Release tasks whose newest revision was never validated (refused by default).") var allowUnvalidated =
        ReleaseStageOptions().allowUnvalidated
    @Flag(help: "Print JSON.") var json = false

    /// The release stage's options these flags set.
    var options: ReleaseStageOptions {
        var options = split.releaseOptions()
        options.version = version
        options.output = output
        options.layout = layout
        options.requireReview = requireReview
        options.allowUnvalidated = allowUnvalidated
        return options
    }

    func validate() throws {
        if let problem = ReleaseNames.datasetProblem(dataset) { throw ValidationError("DATASET: \(problem)") }
        try options.checkFlagsForCLI(renamed: ReleaseStageOptions.flags)
    }

    func run() throws {
        var config = try split.configuration(dataset: dataset, release: options)
        config.editLog = EditLog.path(directory: edits, dataset: dataset)
        let outcome = try ReleaseBuilder(store: try storeOptions.open()).release(config)
        if json {
            print(CanonicalJSON.string(outcome, pretty: true))
            return
        }
        print(
            outcome.status == .written
                ? "wrote \(outcome.path)" : "\(outcome.path) already exists and is byte-identical")
        print(Terminal.table(["split", "tasks"], outcome.splits.map { [$0, "\(outcome.counts[$0] ?? 0)"] }))
        if !outcome.exclusions.isEmpty { print("excluded \(outcome.exclusions.count) task(s); see manifest.json") }
    }
}
