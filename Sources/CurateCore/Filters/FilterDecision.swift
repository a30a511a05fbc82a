import CurateStore
import Foundation

/// Why a filter drops a revision: the stage and machine code recorded on the flag, and how severe it is.
public struct FilterReason: Sendable, Hashable, Codable, Comparable {
    public var stage: String
    public var code: String
    public var severity: FlagRecord.Severity

    public init(stage: String, code: String, severity: FlagRecord.Severity) {
        self.stage = stage
        self.code = code
        self.severity = severity
    }

    /// Per-test outcomes differ between runs of the reference solution under perturbation.
    public static let nondeterministic = FilterReason(stage: "stability", code: "nondeterministic", severity: .error)
    /// The reference solution comes near its time limit in some runs.
    public static let timingSensitive = FilterReason(stage: "stability", code: "timing-sensitive", severity: .warning)
    /// None of at least `min-samples` model samples passes the tests.
    public static let ambiguousOrTooHard = FilterReason(
        stage: "ambiguity", code: "ambiguous-or-too-hard", severity: .error)
    /// The task is an exact or near copy of an earlier task.
    public static let duplicate = FilterReason(stage: "dedup", code: "duplicate", severity: .error)
    /// Each task's solution passes the other's tests: the same behaviour on every shared input.
    public static let behaviouralDuplicate = FilterReason(
        stage: "dedup", code: "duplicate/behavioural", severity: .error)
    /// Similar text, different behaviour under execution: for an editor to look at.
    public static let nearDuplicate = FilterReason(stage: "dedup", code: "duplicate/near", severity: .warning)

    public static func < (a: FilterReason, b: FilterReason) -> Bool { (a.stage, a.code) < (b.stage, b.code) }
}

/// A filter's verdict on one task revision (datatrove style): keep it, or drop it with a reason and evidence.
public enum FilterDecision: Sendable, Hashable {
    case keep
    /// `message` is one line for tables; `evidence` is JSON a reviewer can read.
    case drop(reason: FilterReason, message: String, evidence: String)
}

/// The decisions a filter stage made on one task revision (a revision may be dropped for several reasons).
public struct FilterOutcome: Sendable, Hashable {
    public var taskID: String
    public var revisionID: Int64
    public var decisions: [FilterDecision]

    public init(taskID: String, revisionID: Int64, decisions: [FilterDecision]) {
        self.taskID = taskID
        self.revisionID = revisionID
        self.decisions = decisions
    }

    /// True when no decision drops the revision.
    public var kept: Bool { !decisions.contains { if case .drop = $0 { true } else { false } } }
}

/// Counts of a filter run: how many revisions were judged, kept and dropped, and drops per reason code.
public struct FilterSummary: Sendable, Hashable, Codable {
    public var stage: String
    public var judged: Int
    public var kept: Int
    public var dropped: Int
    /// Drops per flag code (a revision dropped for two reasons counts under both).
    public var dropsByReason: [String: Int]

    public init(stage: String, outcomes: [FilterOutcome]) {
        self.stage = stage
        judged = outcomes.count
        kept = outcomes.filter(\.kept).count
        dropped = judged - kept
        var counts: [String: Int] = [:]
        for outcome in outcomes {
            for case .drop(let reason, _, _) in outcome.decisions { counts[reason.code, default: 0] += 1 }
        }
        dropsByReason = counts
    }
}

/// Writes a filter stage's outcomes to the store: every drop becomes a flag, earlier flags of the stage are superseded.
public enum FilterRecorder {
    /// Records `outcomes` as the stage's current verdict on exactly those revisions and returns the counts.
    @discardableResult
    public static func record(stage: String, outcomes: [FilterOutcome], in store: TaskStore, now: Date = Date()) throws
        -> FilterSummary
    {
        var flags: [(revisionID: Int64, taskID: String, flag: NewFlag)] = []
        for outcome in outcomes {
            for case .drop(let reason, let message, let evidence) in outcome.decisions {
                flags.append(
                    (
                        outcome.revisionID, outcome.taskID,
                        NewFlag(
                            stage: stage, code: reason.code, severity: reason.severity, message: message,
                            evidence: evidence)
                    ))
            }
        }
        try store.recordFlags(stage: stage, revisionIDs: outcomes.map(\.revisionID), flags: flags, now: now)
        return FilterSummary(stage: stage, outcomes: outcomes)
    }
}
