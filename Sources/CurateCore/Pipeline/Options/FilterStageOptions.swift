/// Options of the `dedup` stage and `curate dedup`.
public struct DedupStageOptions: SandboxedOptions {
    /// Minimum Jaccard similarity of the pooled shingles for a near duplicate, in (0, 1].
    public var threshold = DedupOptions().threshold
    /// Tokens per shingle.
    public var shingle = DedupOptions().shingleSize
    /// Fields compared: description, code, tests.
    public var fields = DedupField.allCases.map(\.rawValue)
    /// Minimum weighted cosine of normalized description words for a candidate pair, in [0, 1]; 0 turns it off.
    public var descriptionThreshold = DedupOptions().descriptionThreshold
    /// Pair tasks whose normalized code is identical, whatever their descriptions say.
    public var identicalCode = DedupOptions().identicalCode
    /// Confirm or refute each candidate pair by running each solution against the other's tests.
    public var execute = true
    public var timeout = ExecutionLimits.default.timeoutSeconds
    public var memory = ExecutionLimits.default.memoryMB
    public var jobs: Int?
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case threshold, shingle, fields
        case descriptionThreshold = "description_threshold"
        case identicalCode = "identical_code"
        case execute, timeout, memory, jobs, python
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Edition 1 compares shingles only: no description or identical-code candidates, no execution.
    public static func defaults(edition: PipelineEdition) -> DedupStageOptions {
        var options = DedupStageOptions()
        if edition == .first {
            options.descriptionThreshold = 0
            options.identicalCode = false
            options.execute = false
        }
        return options
    }

    public func problems() -> [OptionProblem] {
        let names = DedupField.allCases.map(\.rawValue)
        return [
            OptionCheck.within("threshold", threshold, 0...1, excludingLower: true),
            OptionCheck.within("description_threshold", descriptionThreshold, 0...1),
            OptionCheck.atLeast("shingle", shingle, 1),
            fields.isEmpty ? OptionProblem("fields", "needs at least one of \(names.joined(separator: ", "))") : nil,
            fields.first { DedupField(rawValue: $0) == nil }.map {
                OptionProblem("fields", "must be among \(names.joined(separator: ", ")) (got '\($0)')")
            },
        ].compactMap { $0 } + sandboxProblems
    }

    /// The comparison settings these options set.
    public var comparison: DedupOptions {
        DedupOptions(
            threshold: threshold, fields: fields.compactMap(DedupField.init(rawValue:)), shingleSize: shingle,
            descriptionThreshold: descriptionThreshold, identicalCode: identicalCode)
    }
}

/// Options of the `ambiguity` stage and `curate ambiguity`.
public struct AmbiguityStageOptions: SandboxedOptions {
    /// Samples file: human-eval task_id/completion, or MBPP-style whole functions.
    public var samples = ""
    /// Judge only tasks with at least this many samples.
    public var minSamples = AmbiguityOptions().minSamples
    public var timeout = ExecutionLimits.default.timeoutSeconds
    public var memory = ExecutionLimits.default.memoryMB
    public var jobs: Int?
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case samples
        case minSamples = "min_samples"
        case timeout, memory, jobs, python
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        [
            samples.isEmpty ? OptionProblem("samples", "must name the samples file") : nil,
            OptionCheck.atLeast("min_samples", minSamples, 1),
        ]
        .compactMap { $0 } + sandboxProblems
    }

    /// The judging settings these options set.
    public var judging: AmbiguityOptions { AmbiguityOptions(minSamples: minSamples, limits: limits) }
}

/// Options of the `validate` stage and `curate validate`.
public struct ValidateStageOptions: SandboxedOptions {
    /// Also run the challenge tests.
    public var challenge = false
    public var timeout = ExecutionLimits.default.timeoutSeconds
    public var memory = ExecutionLimits.default.memoryMB
    public var jobs: Int?
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case challenge, timeout, memory, jobs, python }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] { sandboxProblems }
}
