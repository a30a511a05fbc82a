import CurateStore
import Foundation

/// One direction of a behaviour check: one task's solution, under the other's entry point, against the other's tests.
public struct BehaviourRun: Sendable, Hashable, Codable {
    public var solutionOf: String
    public var testsOf: String
    public var passed: Int
    /// Tests run: the task's own and, after them, its generated tests.
    public var total: Int
    /// How many of `total` are generated tests (nil when the task has none).
    public var generated: Int? = nil
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
/// solution with B's entry point bound to A's (`b_name = a_name`) against B's setup, tests and generated tests, and
/// the reverse.
public struct BehaviourChecker: Sendable {
    public var pool: ExecutionPool
    public var limits: ExecutionLimits
    /// The generated tests of revisions (by revision id; a revision without any may be absent).
    public var generatedTests: @Sendable ([Int64]) throws -> [Int64: [String]]

    public init(
        pool: ExecutionPool, limits: ExecutionLimits,
        generatedTests: @escaping @Sendable ([Int64]) throws -> [Int64: [String]] = { _ in [:] }
    ) {
        self.pool = pool
        self.limits = limits
        self.generatedTests = generatedTests
    }

    /// A checker that also runs the generated tests `store` holds.
    public init(pool: ExecutionPool, limits: ExecutionLimits, store: TaskStore) {
        self.init(pool: pool, limits: limits) { revisionIDs in
            try store.generatedTests(revisionIDs: revisionIDs).mapValues { $0.map(\.statement) }
        }
    }

    /// The pairs with `behaviour` set and `kind` behavioural when confirmed both ways; exact pairs are left as they
    /// are (identical code and tests behave alike). All programs go to the pool in one batch.
    public func check(
        _ pairs: [DuplicatePair], tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [DuplicatePair] {
        let byID = Dictionary(tasks.map { ($0.taskID, $0) }, uniquingKeysWith: { first, _ in first })
        let generated = try generatedTests(
            Array(Set(pairs.filter { $0.kind != .exact }.flatMap { [$0.earlierRevisionID, $0.laterRevisionID] }))
                .sorted())
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
                requests.append(
                    Self.request(
                        solutionOf: solution, testsOf: tests, generated: generated[tests.revisionID] ?? [],
                        limits: limits, pool: pool))
                slots.append((index, forward))
            }
        }
        let verdicts = try await pool.runAll(requests) { done, total in progress?(done, total) }
        for (slot, verdict) in zip(slots, verdicts) {
            let pair = checked[slot.pair]
            let (solution, tests) = slot.forward ? (pair.earlier, pair.later) : (pair.later, pair.earlier)
            let task = byID[tests]!
            let run = Self.run(
                verdict, solutionOf: solution, testsOf: tests, statements: task.content.tests,
                generated: generated[task.revisionID] ?? [])
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
    /// setup, tests and then `generated` tests.
    public static func request(
        solutionOf a: FilterTask, testsOf b: FilterTask, generated: [String] = [], limits: ExecutionLimits,
        pool: ExecutionPool
    ) -> ExecutionRequest {
        let aName = a.content.entryPoint ?? "", bName = b.content.entryPoint ?? ""
        let alias = aName == bName ? "" : "\n\n\(bName) = \(aName)\n"
        return ExecutionRequest(
            solution: a.content.solution + alias, testSetup: b.content.testSetup, tests: b.content.tests + generated,
            limits: limits, pythonVersion: pool.pythonVersion, entryPoint: bName)
    }

    /// One direction's outcome: tests passed, and the first failing statement with what happened.
    static func run(
        _ verdict: ExecutionVerdict, solutionOf: String, testsOf: String, statements original: [String],
        generated: [String]
    ) -> BehaviourRun {
        let statements = original + generated
        let passed = verdict.tests.filter { $0 == .passed }.count
        var failure: String?
        if let error = verdict.programError {
            failure = "\(error.phase): \(error.type): \(error.message)"
        } else if verdict.status != .ok {
            failure = "run: \(verdict.status.rawValue) \(verdict.detail)".trimmingCharacters(in: .whitespaces)
        } else if let first = verdict.firstFailure {
            let statement = first.index < statements.count ? statements[first.index] : ""
            let which =
                first.index < original.count
                ? "test \(first.index + 1)" : "generated test \(first.index - original.count + 1)"
            failure = "\(which) `\(statement)`: \(first.outcome.summary)"
        }
        return BehaviourRun(
            solutionOf: solutionOf, testsOf: testsOf, passed: passed, total: statements.count,
            generated: generated.isEmpty ? nil : generated.count, firstFailure: failure)
    }
}
