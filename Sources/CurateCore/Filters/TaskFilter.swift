import CurateStore
import Foundation

/// A task revision under a filter, with its decoded content.
public struct FilterTask: Sendable, Hashable {
    public var taskID: String
    public var revisionID: Int64
    public var dataset: String
    public var sourceID: String
    public var content: TaskContent

    /// `dataset` and `sourceID` default to the parts of `taskID` (`mbpp/11`).
    public init(
        taskID: String, revisionID: Int64, dataset: String? = nil, sourceID: String? = nil, content: TaskContent
    ) {
        let parts = TaskID.split(taskID)
        self.taskID = taskID
        self.revisionID = revisionID
        self.dataset = dataset ?? parts?.dataset ?? ""
        self.sourceID = sourceID ?? parts?.sourceID ?? taskID
        self.content = content
    }

    /// The newest revision of every task of `datasets` (all datasets, in name order, when empty), dataset by dataset,
    /// each in natural id order; throws `noTasks` for a dataset without tasks or when there are none at all.
    public static func heads(of store: TaskStore, datasets: [String]) throws -> [FilterTask] {
        let names = datasets.isEmpty ? try store.datasets() : datasets
        var all: [FilterTask] = []
        for name in names {
            let heads = try store.heads(dataset: name)
            if heads.isEmpty { throw FilterError.noTasks(dataset: name) }
            all += try heads.sorted { TaskID.naturalLess($0.task.id, $1.task.id) }.map { head in
                FilterTask(
                    taskID: head.task.id, revisionID: head.revision.id!, dataset: head.task.dataset,
                    sourceID: head.task.sourceID,
                    content: try TaskContent.decode(head.revision.content))
            }
        }
        if all.isEmpty { throw FilterError.noTasks(dataset: nil) }
        return all
    }
}

/// A filter: decides which task revisions to keep and which to drop, with a reason and evidence; `FilterRunner`
/// loads the tasks, records the drops and counts (as datatrove's `BaseFilter`). The decision sees the whole batch, so
/// a filter that compares tasks (dedup) or runs them in one pool batch (stability) fits as well as a per-task one.
public protocol TaskFilter: Sendable {
    /// What the filter learned besides its decisions (programs run, pairs found), for its report.
    associatedtype Details: Sendable = Void
    /// The stage whose flags this filter's drops supersede (`dedup`).
    static var stage: String { get }
    /// The decisions on `tasks`, one entry per task in order; nil for a task left unjudged (its earlier flags stay).
    func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws -> FilterDecisions<
        Details
    >
    /// Stores what the filter keeps besides flags (ambiguity's measurements) when the run records; default nothing.
    func record(_ details: Details, in store: TaskStore) throws
}

extension TaskFilter {
    public func record(_ details: Details, in store: TaskStore) throws {}
}

/// A filter that judges each task on its own: it implements only `decision(for:)`.
public protocol PerTaskFilter: TaskFilter where Details == Void {
    /// Keep, or drop with reason, message and evidence.
    func decision(for task: FilterTask) throws -> FilterDecision
}

extension PerTaskFilter {
    public func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws
        -> FilterDecisions<Void>
    {
        var decisions: [[FilterDecision]?] = []
        for (index, task) in tasks.enumerated() {
            decisions.append([try decision(for: task)])
            progress?(index + 1, tasks.count)
        }
        return FilterDecisions(decisions, details: ())
    }
}

/// A filter's decisions on a batch (one entry per task, nil where unjudged) and what else it learned.
public struct FilterDecisions<Details: Sendable>: Sendable {
    public var decisions: [[FilterDecision]?]
    public var details: Details

    public init(_ decisions: [[FilterDecision]?], details: Details) {
        self.decisions = decisions
        self.details = details
    }
}

/// One filter run: the judged revisions' outcomes, their counts, and the filter's details.
public struct FilterRun<Details: Sendable>: Sendable {
    public var tasks: [FilterTask]
    public var outcomes: [FilterOutcome]
    public var summary: FilterSummary
    public var details: Details
    /// Wall-clock seconds of the decision.
    public var seconds: Double

    /// The drops, as report rows.
    public var findings: [FilterFinding] {
        outcomes.flatMap { outcome in
            outcome.decisions.compactMap { decision -> FilterFinding? in
                guard case .drop(let reason, let message, let evidence) = decision else { return nil }
                return FilterFinding(
                    taskID: outcome.taskID, revisionID: outcome.revisionID, code: reason.code, message: message,
                    evidence: evidence)
            }
        }
    }
}

/// Runs any filter: loads the newest revisions, asks the filter, records every drop as a flag (superseding the
/// stage's earlier flags on the judged revisions), stores the filter's extras, and counts.
public enum FilterRunner {
    /// Judges the newest revisions of `datasets` (all datasets when empty); with `record` false nothing is written.
    public static func run<Filter: TaskFilter>(
        _ filter: Filter, store: TaskStore, datasets: [String], record: Bool = true,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> FilterRun<Filter.Details> {
        let run = try await judge(
            filter, tasks: try FilterTask.heads(of: store, datasets: datasets), progress: progress)
        if record {
            try FilterRecorder.record(stage: Filter.stage, outcomes: run.outcomes, in: store)
            try filter.record(run.details, in: store)
        }
        return run
    }

    /// Asks `filter` about `tasks` and counts, without writing anything.
    public static func judge<Filter: TaskFilter>(
        _ filter: Filter, tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> FilterRun<Filter.Details> {
        let started = Date()
        let decided = try await filter.decide(tasks, progress: progress)
        let seconds = Date().timeIntervalSince(started)
        precondition(
            decided.decisions.count == tasks.count,
            "\(Filter.self) returned \(decided.decisions.count) decisions for \(tasks.count) tasks")
        let outcomes = zip(tasks, decided.decisions).compactMap { task, decisions in
            decisions.map { FilterOutcome(taskID: task.taskID, revisionID: task.revisionID, decisions: $0) }
        }
        return FilterRun(
            tasks: tasks, outcomes: outcomes, summary: FilterSummary(stage: Filter.stage, outcomes: outcomes),
            details: decided.details,
            seconds: seconds)
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
