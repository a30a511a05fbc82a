/// Options of the `stability` stage and `curate stability`.
public struct StabilityStageOptions: SandboxedOptions {
    /// Runs per task (2 or more); run 0 is unperturbed.
    public var runs = 5
    /// Flag timing-sensitive when a run reaches this fraction of the time limit.
    public var timingFraction = 0.5
    public var timeout = ExecutionLimits.default.timeoutSeconds
    public var memory = ExecutionLimits.default.memoryMB
    public var jobs: Int?
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case runs
        case timingFraction = "timing_fraction"
        case timeout, memory, jobs, python
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        [
            OptionCheck.atLeast("runs", runs, 2),
            OptionCheck.within("timing_fraction", timingFraction, 0...1, excludingLower: true),
        ].compactMap { $0 }
            + sandboxProblems
    }

    /// The analysis settings these options set.
    public var analysis: StabilityOptions {
        StabilityOptions(runs: runs, limits: limits, timingFraction: timingFraction)
    }
}
