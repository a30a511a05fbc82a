/// Options of the `tests-mutate` stage and `curate tests mutate`.
public struct TestsMutateStageOptions: SandboxedOptions {
    /// Mutants per task at most, spread over the mutation operators.
    public var maxMutants = 40
    /// A mutant's wall-clock limit is this many times the reference's own time on the same tests ...
    public var timeoutFactor = 5.0
    /// ... but at least this many seconds (and at most `timeout`).
    public var minimumMutantTimeout = 0.25
    /// Flag `tests/weak` when at least this many mutants survive the original tests and a generated test kills them
    public var weakMinMutants = 1
    /// ... and they are at least this share of the task's mutants.
    public var weakMinShare = 0.0
    /// The reference's wall-clock limit in seconds (and the mutants' upper bound).
    public var timeout = ExecutionLimits.default.timeoutSeconds
    public var memory = ExecutionLimits.default.memoryMB
    public var jobs: Int?
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxMutants = "max_mutants"
        case timeoutFactor = "timeout_factor"
        case minimumMutantTimeout = "min_mutant_timeout"
        case weakMinMutants = "weak_min_mutants"
        case weakMinShare = "weak_min_share"
        case timeout, memory, jobs, python
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        [
            OptionCheck.atLeast("max_mutants", maxMutants, 1),
            OptionCheck.positive("timeout_factor", timeoutFactor),
            OptionCheck.positive("min_mutant_timeout", minimumMutantTimeout),
            OptionCheck.atLeast("weak_min_mutants", weakMinMutants, 1),
            OptionCheck.within("weak_min_share", weakMinShare, 0...1),
        ].compactMap { $0 } + sandboxProblems
    }

    /// A mutant's wall-clock limit for a reference that took `referenceSeconds`.
    public func mutantTimeout(referenceSeconds: Double) -> Double {
        min(timeout, max(minimumMutantTimeout, timeoutFactor * referenceSeconds))
    }
}
