import Foundation

/// How one stability run perturbs a task: interpreter hash seed, `random` seed, clock, working directory, and the
/// order of the tests, run in one program or as one program per test.
public struct StabilityRunPlan: Sendable, Hashable, Codable {
    public var run: Int
    /// PYTHONHASHSEED (nil = the pool default, 0: string hashing unrandomized).
    public var hashSeed: Int?
    /// `random.seed` (nil: seeded by the OS).
    public var randomSeed: Int?
    public var clockOffsetSeconds: Double?
    /// Test indices in the order they run (indices into the task's tests).
    public var order: [Int]
    /// True when each test runs in its own program (with setup and solution), false for one program.
    public var separatePrograms: Bool
    /// Subdirectory of the sandbox scratch directory the program runs in, nil for the scratch directory itself.
    public var workingDirectory: String?
}

/// Builds the runs of `curate stability`: run 0 is the task exactly as validation runs it (same request key, so a
/// stored validation verdict stands in for it); later runs each change every
/// perturbation at once, rotate or reverse the test order in one program, and the last run has one program per test.
public enum StabilityPlanner {
    /// Run i > 0 seeds `random` with `baseRandomSeed + i`; run 0 leaves it to the OS, as validation does.
    public static let baseRandomSeed = 20_240_601
    /// Clock shift per run: 3 days 7 h 13 min 17.25 s, so weekday, hour, minute and second all move.
    public static let clockStepSeconds = 285_197.25

    /// The plans of `runs` runs over a task with `testCount` tests.
    public static func plans(runs: Int, testCount: Int) -> [StabilityRunPlan] {
        let identity = Array(0..<testCount)
        return (0..<runs).map { run in
            if run == 0 {
                return StabilityRunPlan(
                    run: 0, hashSeed: nil, randomSeed: nil, clockOffsetSeconds: nil, order: identity,
                    separatePrograms: false, workingDirectory: nil)
            }
            let separate = run == runs - 1
            return StabilityRunPlan(
                run: run, hashSeed: run, randomSeed: baseRandomSeed + run,
                clockOffsetSeconds: Double(run) * clockStepSeconds,
                order: separate ? identity.reversed() : order(run: run, testCount: testCount),
                separatePrograms: separate, workingDirectory: "curate-stability-run-\(run)/cwd")
        }
    }

    /// One-program orders: rotations first (so every test runs first, with no earlier test's state, in some run),
    /// then the reversed order, then seeded shuffles.
    static func order(run: Int, testCount: Int) -> [Int] {
        let identity = Array(0..<testCount)
        guard testCount > 1 else { return identity }
        if run < testCount { return Array(identity[run...] + identity[..<run]) }
        if run == testCount { return identity.reversed() }
        var state = UInt64(run) &* 0x9E37_79B9_7F4A_7C15
        var shuffled = identity
        for i in stride(from: testCount - 1, to: 0, by: -1) {
            let j = Int(MinHasher.splitmix(&state) % UInt64(i + 1))
            shuffled.swapAt(i, j)
        }
        return shuffled == identity ? identity.reversed() : shuffled
    }

    /// The requests of one run: one program, or one per test in `plan.order`. The move into the run's working
    /// directory comes before the solution, so solution and tests share it (after the tests' setup when the
    /// solution has a `from __future__` import, which must come first).
    public static func requests(
        for content: TaskContent, plan: StabilityRunPlan, limits: ExecutionLimits, pythonVersion: String?
    ) -> [ExecutionRequest] {
        let move = prelude(plan)
        let beforeSolution = !content.solution.contains("from __future__")
        let solution = beforeSolution ? move + content.solution : content.solution
        let setup = beforeSolution ? content.testSetup : move + content.testSetup
        let programs: [[Int]] = plan.separatePrograms ? plan.order.map { [$0] } : [plan.order]
        return programs.map { indices in
            ExecutionRequest(
                solution: solution, testSetup: setup, tests: indices.map { content.tests[$0] }, limits: limits,
                hashSeed: plan.hashSeed, randomSeed: plan.randomSeed, clockOffsetSeconds: plan.clockOffsetSeconds,
                pythonVersion: pythonVersion, entryPoint: content.entryPoint)
        }
    }

    /// Setup code that moves the program into the run's working directory (empty for run 0).
    static func prelude(_ plan: StabilityRunPlan) -> String {
        guard let directory = plan.workingDirectory else { return "" }
        return """
            import os as _curate_os
            _curate_os.makedirs(\(CanonicalJSON.string(directory)), exist_ok=True)
            _curate_os.chdir(\(CanonicalJSON.string(directory)))
            del _curate_os

            """
    }
}
