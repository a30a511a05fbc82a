/// How plus tests are generated: the mutation seed, how many inputs to try and tests to keep, the oracle's runs and
/// tolerances, and the sandbox limits of each run.
public struct TestGenerationOptions: Sendable, Hashable {
    public var seed = 1
    public var perTask = 30
    public var candidates = 120
    public var runs = 3
    public var inputTimeout = 1.0
    public var floatTolerance = 1e-6
    public var limits = ExecutionLimits.default

    public init() {}
}
