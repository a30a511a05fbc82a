import CurateStore
import Foundation

/// A task revision to judge, with its decoded content.
public struct FilterSubject: Sendable, Hashable {
    public var taskID: String
    public var revisionID: Int64
    public var content: TaskContent

    public init(taskID: String, revisionID: Int64, content: TaskContent) {
        self.taskID = taskID
        self.revisionID = revisionID
        self.content = content
    }

    /// The newest revision of every task of `datasets` (all datasets when empty), in natural id order.
    public static func heads(of store: TaskStore, datasets: [String]) throws -> [FilterSubject] {
        try sortedHeads(of: store, datasets: datasets).map { head in
            FilterSubject(taskID: head.task.id, revisionID: head.revision.id!, content: try TaskContent.decode(head.revision.content))
        }
    }

    /// The heads of `datasets` (all datasets when empty), dataset by dataset, each in natural id order; throws
    /// `noTasks` for a dataset without tasks or when there are none at all.
    static func sortedHeads(of store: TaskStore, datasets: [String]) throws -> [TaskHead] {
        let names = datasets.isEmpty ? try store.datasets() : datasets
        var all: [TaskHead] = []
        for name in names {
            let heads = try store.heads(dataset: name)
            if heads.isEmpty { throw FilterError.noTasks(dataset: name) }
            all += heads.sorted { TaskID.naturalLess($0.task.id, $1.task.id) }
        }
        if all.isEmpty { throw FilterError.noTasks(dataset: nil) }
        return all
    }
}

/// A flagged task in a filter report.
public struct FilterFinding: Sendable, Hashable, Codable {
    public var taskID: String
    public var revisionID: Int64
    public var code: String
    public var message: String
    /// The flag's evidence JSON.
    public var evidence: String
}

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
public enum StabilityStage {
    /// Judges `subjects` with `pool`; every request of every task goes to the pool in one batch, grouped by hash
    /// seed so workers are restarted as rarely as possible. `stored` returns verdicts already known for request
    /// keys (validation's, for run 0); those requests are not run again.
    public static func evaluate(
        _ subjects: [FilterSubject], pool: ExecutionPool, options: StabilityOptions,
        stored: ([String]) throws -> [String: ExecutionVerdict] = { _ in [:] },
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> (outcomes: [FilterOutcome], executions: Int, reused: Int) {
        guard options.runs >= 2 else { throw FilterError.badRuns(options.runs) }
        struct Slot { var subject: Int; var run: Int; var program: Int }
        var requests: [ExecutionRequest] = []
        var slots: [Slot] = []
        var plansBySubject: [[StabilityRunPlan]] = []
        for (index, subject) in subjects.enumerated() {
            let plans = subject.content.tests.isEmpty ? [] : StabilityPlanner.plans(runs: options.runs, testCount: subject.content.tests.count)
            plansBySubject.append(plans)
            for plan in plans {
                let built = StabilityPlanner.requests(for: subject.content, plan: plan, limits: options.limits, pythonVersion: pool.pythonVersion)
                for (program, request) in built.enumerated() {
                    requests.append(request)
                    slots.append(Slot(subject: index, run: plan.run, program: program))
                }
            }
        }
        let baselineKeys = requests.indices.map { slots[$0].run == 0 ? requests[$0].key : nil }
        let known = try stored(baselineKeys.compactMap { $0 })
        var unsorted = [ExecutionVerdict?](repeating: nil, count: requests.count)
        var pending: [Int] = []
        for index in requests.indices {
            if let key = baselineKeys[index], let verdict = known[key] { unsorted[index] = verdict } else { pending.append(index) }
        }
        let order = pending.sorted { (requests[$0].hashSeed ?? 0, $0) < (requests[$1].hashSeed ?? 0, $1) }
        let sortedVerdicts = try await pool.runAll(order.map { requests[$0] }, progress: progress)
        var verdicts: [[[ExecutionVerdict]]] = plansBySubject.map { Array(repeating: [], count: $0.count) }
        for (position, index) in order.enumerated() { unsorted[index] = sortedVerdicts[position] }
        for (index, slot) in slots.enumerated() { verdicts[slot.subject][slot.run].append(unsorted[index]!) }
        let outcomes = subjects.enumerated().map { index, subject in
            FilterOutcome(
                taskID: subject.taskID, revisionID: subject.revisionID,
                decisions: plansBySubject[index].isEmpty ? [.keep] : StabilityAnalyzer.decisions(
                    content: subject.content, plans: plansBySubject[index], verdicts: verdicts[index], options: options))
        }
        return (outcomes, order.count, requests.count - order.count)
    }

    /// Judges the newest revisions of `datasets` and (unless `record` is false) records the flags.
    public static func run(
        store: TaskStore, datasets: [String], pool: ExecutionPool, options: StabilityOptions, record: Bool = true,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> StabilityReport {
        let subjects = try FilterSubject.heads(of: store, datasets: datasets)
        let started = Date()
        let (outcomes, executions, reused) = try await evaluate(
            subjects, pool: pool, options: options,
            stored: { keys in try storedVerdicts(store, keys: keys) }, progress: progress)
        let seconds = Date().timeIntervalSince(started)
        let stage = FilterReason.nondeterministic.stage
        let summary = record
            ? try FilterRecorder.record(stage: stage, outcomes: outcomes, in: store)
            : FilterSummary(stage: stage, outcomes: outcomes)
        return StabilityReport(
            options: options, summary: summary, findings: findings(outcomes), executions: executions, reusedVerdicts: reused, seconds: seconds)
    }

    /// Validation verdicts stored under these request keys.
    public static func storedVerdicts(_ store: TaskStore, keys: [String]) throws -> [String: ExecutionVerdict] {
        try store.executions(keys: keys).compactMapValues { record in
            try? ExecutionVerdict(stored: record)
        }
    }

    /// The drops of `outcomes`, as report rows.
    public static func findings(_ outcomes: [FilterOutcome]) -> [FilterFinding] {
        outcomes.flatMap { outcome in
            outcome.decisions.compactMap { decision -> FilterFinding? in
                guard case .drop(let reason, let message, let evidence) = decision else { return nil }
                return FilterFinding(taskID: outcome.taskID, revisionID: outcome.revisionID, code: reason.code, message: message, evidence: evidence)
            }
        }
    }
}
