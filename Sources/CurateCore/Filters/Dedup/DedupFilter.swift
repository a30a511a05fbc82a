import CurateStore
import Foundation

/// Tells which split a task is in; a stand-in for the split policies until they are wired in.
public struct SplitAssignment: Sendable {
    public let splitOf: @Sendable (_ dataset: String, _ sourceID: String) -> String?

    public init(_ splitOf: @escaping @Sendable (_ dataset: String, _ sourceID: String) -> String?) {
        self.splitOf = splitOf
    }

    /// No task has a known split.
    public static let none = SplitAssignment { _, _ in nil }

    /// Splits from a dictionary keyed by full task id (`mbpp/11`).
    public static func dictionary(_ splits: [String: String]) -> SplitAssignment {
        SplitAssignment { dataset, sourceID in splits[TaskID.make(dataset: dataset, sourceID: sourceID)] }
    }

    /// The splits a split policy gives `tasks` (as `curate split` assigns them), keyed by full task id.
    public static func policy(_ policy: SplitPolicy, tasks: [SplitCandidate]) throws -> SplitAssignment {
        dictionary(try Splitter.assign(tasks, policy: policy))
    }

    /// `ranges` for datasets whose name starts with `prefix` (e.g. MBPP's ranges for `mbpp*`), none for others.
    public static func ranges(_ ranges: SplitRanges, forDatasetsWithPrefix prefix: String) -> SplitAssignment {
        SplitAssignment { dataset, sourceID in
            dataset.lowercased().hasPrefix(prefix) ? ranges.split(sourceID: sourceID) : nil
        }
    }
}

/// What `curate dedup` found and recorded.
public struct DedupReport: Sendable, Hashable, Codable {
    public var datasets: [String]
    public var options: DedupOptions
    public var summary: FilterSummary
    public var pairs: [DuplicatePair]
    /// Pairs whose tasks land in different splits (train/test leakage); always reported.
    public var crossSplitPairs: [DuplicatePair]
    public var exactPairs: Int
    public var nearPairs: Int
    /// Pairs execution confirmed (each solution passes the other's tests).
    public var behaviouralPairs: Int
}

/// The dedup filter: decides per pair of tasks (the later of a duplicate pair is dropped), so it judges the batch;
/// with a `checker`, each candidate pair is confirmed or refuted by execution.
public struct DedupFilter: TaskFilter {
    public static let stage = FilterReason.duplicate.stage
    public var finder: DuplicateFinder
    public var splits: SplitAssignment
    public var checker: BehaviourChecker?

    public init(options: DedupOptions, splits: SplitAssignment = .none, checker: BehaviourChecker? = nil) throws {
        finder = try DuplicateFinder(options: options)
        self.splits = splits
        self.checker = checker
    }

    /// The duplicate pairs found, earlier task first.
    public typealias Details = [DuplicatePair]

    public func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws
        -> FilterDecisions<[DuplicatePair]>
    {
        var pairs = finder.pairs(tasks, splits: splits, progress: progress)
        if let checker { pairs = try await checker.check(pairs, tasks: tasks, progress: progress) }
        return FilterDecisions(finder.decisions(tasks, pairs: pairs), details: pairs)
    }

    /// Compares the tasks of `datasets` (all datasets, in name order, when empty); earlier datasets in the list
    /// and lower ids win. With `checker`, candidates are checked by execution. With `record` false nothing is
    /// written (dry run).
    public static func run(
        store: TaskStore, datasets: [String], options: DedupOptions, splits: SplitAssignment,
        checker: BehaviourChecker? = nil, record: Bool = true, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> DedupReport {
        let names = datasets.isEmpty ? try store.datasets() : datasets
        let run = try await FilterRunner.run(
            try DedupFilter(options: options, splits: splits, checker: checker), store: store, datasets: names,
            record: record, progress: progress)
        let pairs = run.details
        return DedupReport(
            datasets: names, options: options, summary: run.summary, pairs: pairs,
            crossSplitPairs: pairs.filter(\.crossSplit), exactPairs: pairs.filter { $0.kind == .exact }.count,
            nearPairs: pairs.filter { $0.kind == .near }.count,
            behaviouralPairs: pairs.filter { $0.kind == .behavioural }.count)
    }
}
