import CurateStore
import Foundation

/// What `curate stability` did.
public struct StabilityReport: Sendable, Hashable, Codable {
    public var options: StabilityOptions
    public var summary: FilterSummary
    public var findings: [FilterFinding]
    /// Programs executed (one-program runs count 1, per-test runs count one per test).
    public var executions: Int
    /// Run-0 programs not executed because validation's verdict for the same request key was stored.
    public var reusedVerdicts: Int
    public var seconds: Double
}

/// The stability filter: runs each reference solution K times under perturbations and flags disagreement.
public struct StabilityFilter: TaskFilter {
    public static let stage = FilterReason.nondeterministic.stage
    public var pool: ExecutionPool
    public var options: StabilityOptions
    /// Verdicts already known for request keys (validation's, for run 0); those requests are not run again.
    public var stored: @Sendable ([String]) throws -> [String: ExecutionVerdict]

    public init(
        pool: ExecutionPool, options: StabilityOptions,
        stored: @escaping @Sendable ([String]) throws -> [String: ExecutionVerdict] = { _ in [:] }
    ) {
        self.pool = pool
        self.options = options
        self.stored = stored
    }

    /// Programs executed, and run-0 programs whose stored verdict was reused.
    public struct Details: Sendable, Hashable {
        public var executions: Int
        public var reused: Int
    }

    /// Every request of every task goes to the pool in one batch, grouped by hash seed so workers are restarted as
    /// rarely as possible; a task without tests is kept.
    public func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws
        -> FilterDecisions<Details>
    {
        guard options.runs >= 2 else { throw FilterError.badRuns(options.runs) }
        struct Slot { var task: Int; var run: Int; var program: Int }
        var requests: [ExecutionRequest] = []
        var slots: [Slot] = []
        var plansByTask: [[StabilityRunPlan]] = []
        for (index, task) in tasks.enumerated() {
            let plans =
                task.content.tests.isEmpty
                ? [] : StabilityPlanner.plans(runs: options.runs, testCount: task.content.tests.count)
            plansByTask.append(plans)
            for plan in plans {
                let built = StabilityPlanner.requests(
                    for: task.content, plan: plan, limits: options.limits, pythonVersion: pool.pythonVersion)
                for (program, request) in built.enumerated() {
                    requests.append(request)
                    slots.append(Slot(task: index, run: plan.run, program: program))
                }
            }
        }
        let baselineKeys = requests.indices.map { slots[$0].run == 0 ? requests[$0].key : nil }
        let known = try stored(baselineKeys.compactMap { $0 })
        var unsorted = [ExecutionVerdict?](repeating: nil, count: requests.count)
        var pending: [Int] = []
        for index in requests.indices {
            if let key = baselineKeys[index], let verdict = known[key] {
                unsorted[index] = verdict
            } else {
                pending.append(index)
            }
        }
        let order = pending.sorted { (requests[$0].hashSeed ?? 0, $0) < (requests[$1].hashSeed ?? 0, $1) }
        let sortedVerdicts = try await pool.runAll(order.map { requests[$0] }, progress: progress)
        var verdicts: [[[ExecutionVerdict]]] = plansByTask.map { Array(repeating: [], count: $0.count) }
        for (position, index) in order.enumerated() { unsorted[index] = sortedVerdicts[position] }
        for (index, slot) in slots.enumerated() { verdicts[slot.task][slot.run].append(unsorted[index]!) }
        let decisions: [[FilterDecision]?] = tasks.indices.map { index in
            plansByTask[index].isEmpty
                ? [.keep]
                : StabilityAnalyzer.decisions(
                    content: tasks[index].content, plans: plansByTask[index], verdicts: verdicts[index],
                    options: options)
        }
        return FilterDecisions(
            decisions, details: Details(executions: order.count, reused: requests.count - order.count))
    }

    /// Judges the newest revisions of `datasets`, reusing validation's stored verdicts, and (unless `record` is
    /// false) records the flags.
    public static func run(
        store: TaskStore, datasets: [String], pool: ExecutionPool, options: StabilityOptions, record: Bool = true,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> StabilityReport {
        let filter = StabilityFilter(
            pool: pool, options: options, stored: { keys in try storedVerdicts(store, keys: keys) })
        let run = try await FilterRunner.run(
            filter, store: store, datasets: datasets, record: record, progress: progress)
        return StabilityReport(
            options: options, summary: run.summary, findings: run.findings, executions: run.details.executions,
            reusedVerdicts: run.details.reused, seconds: run.seconds)
    }

    /// Validation verdicts stored under these request keys.
    public static func storedVerdicts(_ store: TaskStore, keys: [String]) throws -> [String: ExecutionVerdict] {
        try store.executions(keys: keys).compactMapValues { record in
            try? ExecutionVerdict(stored: record)
        }
    }
}
