import ArgumentParser
import CurateCore

/// Split policy options shared by `curate split` and `curate release`.
struct SplitOptions: ParsableArguments {
    @Option(help: "Split policy: ranges, hash or field (default: ranges with MBPP's published ranges for mbpp datasets, field 'split' for mathqa-python datasets, else hash 80/10/10).")
    var policy: String?
    @Option(name: .customLong("range"), help: "For ranges: SPLIT=LOW-HIGH, repeatable (e.g. test=11-510).")
    var ranges: [String] = []
    @Option(name: .customLong("ratio"), help: "For hash: SPLIT=WEIGHT, repeatable (e.g. train=0.8).")
    var ratios: [String] = []
    @Option(help: "For hash: the salt (default: the dataset name).") var salt: String?
    @Option(help: "For hash: stratify by this metadata key.") var stratifyBy: String?
    @Option(help: "For field: the metadata key whose value is the split (default split).") var field = "split"
    @Option(name: .customLong("splits"), help: "For field: the allowed values in release order, comma-separated (default for mathqa-python: train,dev,test,challenge_test; a listed value no task has is left out).")
    var fieldSplits: String?
    @Option(help: "Few-shot split name.") var fewShotSplit = "prompt"
    @Option(name: .customLong("few-shot-ids"), help: "Fixed few-shot task ids (source ids), comma-separated.") var fewShotIDs: String?
    @Option(help: "Pick this many validated, unflagged few-shot tasks…") var fewShotCount: Int?
    @Option(help: "…from this split.") var fewShotPool: String?
    @Option(name: .customLong("exclude-flag"), help: "Flag code (or prefix ending in / or *) that excludes a task; repeatable; replaces the default exclusions (\(ReleaseConfiguration.defaultExcludeFlags.joined(separator: ", "))).")
    var excludeFlags: [String] = []
    @Flag(help: "Start from no exclusions instead of the default ones (only --exclude-flag codes exclude).")
    var noDefaultExclusions = false

    func configuration(dataset: String, version: String, pipelineFile: String? = nil) throws -> ReleaseConfiguration {
        let isMathQA = NativeLayout.forDataset(dataset) == .mathqaPython
        let chosen: String
        if let policy {
            chosen = policy
        } else if !ranges.isEmpty {
            chosen = "ranges"
        } else if !ratios.isEmpty {
            chosen = "hash"
        } else if fieldSplits != nil {
            chosen = "field"
        } else if dataset.hasPrefix("mbpp") {
            chosen = "ranges"
        } else if isMathQA {
            chosen = "field"
        } else {
            chosen = "hash"
        }
        let splitPolicy: SplitPolicy
        switch chosen {
        case "ranges":
            let parsed = try ranges.map { spec -> SplitRange in
                guard let range = SplitRange(parsing: spec) else { throw ValidationError("--range '\(spec)' \(SplitRange.expected)") }
                return range
            }
            splitPolicy = .ranges(parsed.isEmpty ? SplitRange.mbpp : parsed)
        case "hash":
            let parsed = try ratios.map { spec -> SplitRatio in
                let parts = spec.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let weight = Double(parts[1]) else { throw ValidationError("--ratio '\(spec)' is not SPLIT=WEIGHT (e.g. train=0.8)") }
                return SplitRatio(split: String(parts[0]), weight: weight)
            }
            let defaults = [SplitRatio(split: "train", weight: 0.8), SplitRatio(split: "validation", weight: 0.1), SplitRatio(split: "test", weight: 0.1)]
            splitPolicy = .hash(salt: salt ?? dataset, ratios: parsed.isEmpty ? defaults : parsed, stratifyBy: stratifyBy)
        case "field":
            let mathqa = isMathQA ? MathQAFile.splits : []
            let listed = fieldSplits?.split(separator: ",").map(String.init) ?? mathqa
            guard !listed.isEmpty else { throw ValidationError("--policy field needs --splits NAME,NAME,… (the field's values, in release order)") }
            splitPolicy = .field(key: field, splits: listed)
        default:
            throw ValidationError("--policy must be ranges, hash or field, not '\(chosen)'")
        }
        let fewShot: FewShotSelection
        if let ids = fewShotIDs {
            fewShot = .fixed(split: fewShotSplit, sourceIDs: ids.split(separator: ",").map(String.init))
        } else if let count = fewShotCount {
            guard let pool = fewShotPool else { throw ValidationError("--few-shot-count needs --few-shot-pool") }
            fewShot = .pick(split: fewShotSplit, count: count, pool: pool, salt: salt ?? dataset)
        } else {
            fewShot = .none
        }
        return ReleaseConfiguration(
            dataset: dataset, version: version, policy: splitPolicy, fewShot: fewShot,
            excludeFlags: excludeFlags.isEmpty && !noDefaultExclusions ? ReleaseConfiguration.defaultExcludeFlags : excludeFlags,
            pipelineFile: pipelineFile, pythonVersion: PythonVersion.current)
    }
}
