import ArgumentParser
import CurateCore

/// Split policy options shared by `curate split` and `curate release`.
struct SplitOptions: ParsableArguments {
    @Option(
        help:
            "Split policy: ranges, hash or field (default: ranges with MBPP's published ranges for mbpp datasets, field 'split' for mathqa-python datasets, else hash 80/10/10)."
    )
    var policy: String?
    @Option(name: .customLong("range"), help: "For ranges: SPLIT=LOW-HIGH, repeatable (e.g. test=11-510).")
    var ranges: [String] = []
    @Option(name: .customLong("ratio"), help: "For hash: SPLIT=WEIGHT, repeatable (e.g. train=0.8).")
    var ratios: [String] = []
    @Option(help: "For hash: the salt (default: the dataset name).") var salt: String?
    @Option(help: "For hash: stratify by this metadata key.") var stratifyBy: String?
    @Option(help: "For field: the metadata key whose value is the split.") var field = SplitStageOptions().field
    @Option(
        name: .customLong("splits"),
        help:
            "For field: the allowed values in release order, comma-separated (default for mathqa-python: train,dev,test,challenge_test; a listed value no task has is left out)."
    )
    var fieldSplits: String?
    @Option(help: "Few-shot split name.") var fewShotSplit = SplitStageOptions().fewShotSplit
    @Option(name: .customLong("few-shot-ids"), help: "Fixed few-shot task ids (source ids), comma-separated.")
    var fewShotIDs: String?
    @Option(help: "Pick this many validated, unflagged few-shot tasks…") var fewShotCount: Int?
    @Option(help: "…from this split.") var fewShotPool: String?
    @Option(
        name: .customLong("exclude-flag"),
        help:
            "Flag code (or prefix ending in / or *) that excludes a task; repeatable; replaces the default exclusions (\(ReleaseConfiguration.defaultExcludeFlags.joined(separator: ", ")))."
    )
    var excludeFlags: [String] = []
    @Flag(help: "Start from no exclusions instead of the default ones (only --exclude-flag codes exclude).")
    var noDefaultExclusions = false

    /// The split stage's options these flags set; a malformed --range or --ratio is a usage error naming it.
    func stageOptions() throws -> SplitStageOptions {
        var options = SplitStageOptions()
        options.policy = policy
        options.ranges = OrderedSplitRanges(
            try ranges.map { spec in
                guard let range = SplitRange(parsing: spec) else {
                    throw ValidationError("--range '\(spec)' \(SplitRange.expected)")
                }
                return range
            })
        options.ratios = OrderedSplitRatios(
            try ratios.map { spec in
                let parts = spec.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let weight = Double(parts[1]) else {
                    throw ValidationError("--ratio '\(spec)' is not SPLIT=WEIGHT (e.g. train=0.8)")
                }
                return SplitRatio(split: String(parts[0]), weight: weight)
            })
        options.salt = salt
        options.stratifyBy = stratifyBy
        options.field = field
        options.splits = fieldSplits?.split(separator: ",").map(String.init)
        options.fewShotSplit = fewShotSplit
        options.fewShotIDs = fewShotIDs?.split(separator: ",").map(String.init)
        options.fewShotCount = fewShotCount
        options.fewShotPool = fewShotPool
        return options
    }

    func validate() throws {
        try stageOptions().checkFlagsForCLI(renamed: SplitStageOptions.flags)
    }

    /// The release options the exclusion flags set (`release` adds its own flags on top).
    func releaseOptions() -> ReleaseStageOptions {
        var options = ReleaseStageOptions()
        options.excludeFlags = excludeFlags.isEmpty ? nil : excludeFlags
        options.noDefaultExclusions = noDefaultExclusions
        return options
    }

    /// The release `release` describes under these split flags; a split problem is a usage error naming its flag.
    func configuration(dataset: String, release: ReleaseStageOptions) throws -> ReleaseConfiguration {
        do {
            return release.configuration(
                dataset: dataset, split: try SplitStageConfiguration(try stageOptions(), dataset: dataset))
        } catch let error as OptionProblem {
            throw ValidationError(
                OptionFlagError(problem: error, flag: SplitStageOptions.flags[error.key]).errorDescription ?? "\(error)"
            )
        }
    }
}
