import Foundation

/// One direction of a behaviour check: one task's solution, under the other's entry point, against the other's tests.
public struct BehaviourRun: Sendable, Hashable, Codable {
    public var solutionOf: String
    public var testsOf: String
    public var passed: Int
    public var total: Int
    /// The first test that did not pass and what happened (or how the run ended); nil when every test passed.
    public var firstFailure: String?

    public var allPassed: Bool { firstFailure == nil }
}

/// What running each solution against the other's tests showed about a candidate pair.
public struct BehaviourCheck: Sendable, Hashable, Codable {
    /// The earlier task's solution against the later task's tests.
    public var forward: BehaviourRun?
    /// The later task's solution against the earlier task's tests.
    public var backward: BehaviourRun?
    /// Why the pair could not be run (a task without an entry point or tests); nil when it ran.
    public var notRun: String?

    /// Same behaviour on every shared input: both directions ran and passed every test.
    public var confirmed: Bool { notRun == nil && forward?.allPassed == true && backward?.allPassed == true }

    /// The first difference found, for the flag's message.
    var firstDifference: String {
        if let notRun { return "not run (\(notRun))" }
        for run in [forward, backward].compactMap({ $0 }) where !run.allPassed {
            return "\(run.solutionOf)'s solution fails \(run.testsOf)'s \(run.firstFailure ?? "")"
        }
        return "none"
    }
}

/// Confirms or refutes candidate duplicate pairs by execution in the sandbox, as validation runs programs: A's
/// solution with B's entry point bound to A's (`b_name = a_name`) against B's setup and tests, and the reverse.
public struct BehaviourChecker: Sendable {
    public var pool: ExecutionPool
    public var limits: ExecutionLimits

    public init(pool: ExecutionPool, limits: ExecutionLimits) {
        self.pool = pool
        self.limits = limits
    }

    /// The pairs with `behaviour` set and `kind` behavioural when confirmed both ways; exact pairs are left as they
    /// are (identical code and tests behave alike). All programs go to the pool in one batch.
    public func check(
        _ pairs: [DuplicatePair], tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [DuplicatePair] {
        let byID = Dictionary(tasks.map { ($0.taskID, $0) }, uniquingKeysWith: { first, _ in first })
        var requests: [ExecutionRequest] = []
        var slots: [(pair: Int, forward: Bool)] = []
        var checked = pairs
        for (index, pair) in pairs.enumerated() where pair.kind != .exact {
            guard let a = byID[pair.earlier], let b = byID[pair.later] else { continue }
            if let problem = Self.problem(a) ?? Self.problem(b) {
                checked[index].behaviour = BehaviourCheck(notRun: problem)
                checked[index].kind = .near
                continue
            }
            for (forward, solution, tests) in [(true, a, b), (false, b, a)] {
                requests.append(Self.request(solutionOf: solution, testsOf: tests, limits: limits, pool: pool))
                slots.append((index, forward))
            }
        }
        let verdicts = try await pool.runAll(requests) { done, total in progress?(done, total) }
        for (slot, verdict) in zip(slots, verdicts) {
            let pair = checked[slot.pair]
            let (solution, tests) = slot.forward ? (pair.earlier, pair.later) : (pair.later, pair.earlier)
            let run = Self.run(verdict, solutionOf: solution, testsOf: tests, statements: byID[tests]!.content.tests)
            var behaviour = checked[slot.pair].behaviour ?? BehaviourCheck()
            if slot.forward { behaviour.forward = run } else { behaviour.backward = run }
            checked[slot.pair].behaviour = behaviour
        }
        for index in checked.indices where checked[index].kind != .exact && checked[index].behaviour != nil {
            checked[index].kind = checked[index].behaviour!.confirmed ? .behavioural : .near
        }
        return checked
    }

    /// Why a task cannot take part in a behaviour check, or nil.
    static func problem(_ task: FilterTask) -> String? {
        if task.content.entryPoint?.isEmpty ?? true { return "\(task.taskID) has no entry point" }
        if task.content.tests.isEmpty { return "\(task.taskID) has no tests" }
        return nil
    }

    /// `solutionOf`'s solution, its entry point also bound to `testsOf`'s entry point name, run against `testsOf`'s
    /// setup and tests.
    public static func request(
        solutionOf a: FilterTask, testsOf b: FilterTask, limits: ExecutionLimits, pool: ExecutionPool
    )
        -> ExecutionRequest
    {
        let aName = a.content.entryPoint ?? "", bName = b.content.entryPoint ?? ""
        let alias = aName == bName ? "" : "\n\n\(bName) = \(aName)\n"
        return ExecutionRequest(
            solution: a.content.solution + alias, testSetup: b.content.testSetup, tests: b.content.tests,
            limits: limits, pythonVersion: pool.pythonVersion, entryPoint: bName)
    }

    /// One direction's outcome: tests passed, and the first failing statement with what happened.
    static func run(_ verdict: ExecutionVerdict, solutionOf: String, testsOf: String, statements: [String])
        -> BehaviourRun
    {
        let passed = verdict.tests.filter { $0 == .passed }.count
        var failure: String?
        if let error = verdict.programError {
            failure = "\(error.phase): \(error.type): \(error.message)"
        } else if verdict.status != .ok {
            failure = "run: \(verdict.status.rawValue) \(verdict.detail)".trimmingCharacters(in: .whitespaces)
        } else if let first = verdict.firstFailure {
            let statement = first.index < statements.count ? statements[first.index] : "test \(first.index + 1)"
            failure = "test \(first.index + 1) `\(statement)`: \(first.outcome.summary)"
        }
        return BehaviourRun(
            solutionOf: solutionOf, testsOf: testsOf, passed: passed, total: statements.count, firstFailure: failure)
    }
}
