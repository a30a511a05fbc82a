/// Options of the `tests-generate` stage and `curate tests generate`.
public struct TestsGenerateStageOptions: SandboxedOptions {
    /// Seed of the input mutation: the same seed gives the same inputs on every machine.
    public var seed = 1
    /// Generated tests kept per task (more only to cover every distinct captured call shape).
    public var perTask = 30
    /// Mutated inputs tried per task.
    public var candidates = 120
    /// Runs of the reference on each input, each under its own hash and random seed; an input whose results differ
    /// is discarded as nondeterministic.
    public var runs = 3
    /// Longest a reference call on one generated input may take, in seconds; a slower input is discarded.
    public var inputTimeout = 1.0
    /// Relative tolerance of float comparisons (between the reference's runs, and in generated tests).
    public var floatTolerance = 1e-6
    public var timeout = ExecutionLimits.default.timeoutSeconds
    public var memory = ExecutionLimits.default.memoryMB
    public var jobs: Int?
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed
        case perTask = "per_task"
        case candidates, runs
        case inputTimeout = "input_timeout"
        case floatTolerance = "float_tolerance"
        case timeout, memory, jobs, python
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        [
            OptionCheck.atLeast("seed", seed, 0), OptionCheck.atLeast("per_task", perTask, 1),
            OptionCheck.atLeast("candidates", candidates, 1), OptionCheck.atLeast("runs", runs, 2),
            OptionCheck.positive("input_timeout", inputTimeout),
            OptionCheck.within("float_tolerance", floatTolerance, 0...0.5, excludingLower: true),
        ].compactMap { $0 } + sandboxProblems
    }
}
