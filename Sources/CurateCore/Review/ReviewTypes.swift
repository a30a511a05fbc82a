import CurateStore
import Foundation

/// Which tasks the review queue lists.
public struct ReviewQueueFilter: Sendable, Hashable, Codable {
    public var dataset: String?
    /// A flag code or code prefix the task's newest revision carries (active, not dismissed).
    public var flag: String?
    public var status: ReviewStatus?
    /// Only tasks this editor acted on.
    public var editor: String?

    public init(dataset: String? = nil, flag: String? = nil, status: ReviewStatus? = nil, editor: String? = nil) {
        self.dataset = dataset
        self.flag = flag
        self.status = status
        self.editor = editor
    }
}

/// One task in the review queue.
public struct ReviewQueueItem: Sendable, Hashable, Codable {
    public var id: String
    public var dataset: String
    public var revision: Int
    public var contentHash: String
    /// The description's first line.
    public var title: String
    public var status: ReviewStatus
    /// Active, not dismissed flag codes of the newest revision.
    public var flags: [String]
    public var conflict: Bool
    public var editors: [String]
}

/// The review queue: flagged (or conflicted) tasks first, then by id; counts over the filtered tasks.
public struct ReviewQueue: Sendable, Hashable, Codable {
    public var items: [ReviewQueueItem]
    public var total: Int
    /// Tasks with a status other than unreviewed.
    public var reviewed: Int
    public var remaining: Int
}

/// The outcome of one test statement of a revision.
public struct AssertVerdict: Sendable, Hashable, Codable {
    public var index: Int
    public var statement: String
    public var passed: Bool
    /// `passed`, `AssertionError`, `NameError: …`, `not reached`.
    public var outcome: String
}

/// A revision's sandbox verdict, per assert.
public struct RevisionVerdict: Sendable, Hashable, Codable {
    public var passed: Bool
    /// `passed`, `failed`, `error`, `timeout`, … (`VerdictCategory`).
    public var category: String
    public var detail: String
    /// The setup or solution exception that kept the tests from running.
    public var programError: String?
    public var wallSeconds: Double
    public var asserts: [AssertVerdict]

    init(_ verdict: ExecutionVerdict, tests: [String]) {
        passed = verdict.passed
        category = VerdictCategory(verdict).rawValue
        detail = verdict.detail
        programError = verdict.programError.map { "\($0.phase): \($0.type): \($0.message)" }
        wallSeconds = verdict.wallSeconds
        asserts = verdict.tests.enumerated().map { index, outcome in
            AssertVerdict(
                index: index, statement: index < tests.count ? tests[index] : "test \(index + 1)",
                passed: outcome == .passed, outcome: outcome.summary)
        }
    }

    /// One line: `passed (3/3 asserts)` or `failed (1/3 asserts): assert … → AssertionError`.
    public var summary: String {
        let passing = asserts.filter(\.passed).count
        var text = "\(category) (\(passing)/\(asserts.count) asserts)"
        if let programError {
            text += ": \(programError)"
        } else if let first = asserts.first(where: { !$0.passed }) {
            text += ": \(first.statement) → \(first.outcome)"
        }
        return text
    }
}

/// One revision on the task page.
public struct ReviewRevision: Sendable, Hashable, Codable {
    public var id: Int64
    public var number: Int
    public var contentHash: String
    /// `ingest`, `conversion` or `editor`.
    public var origin: String
    /// Who made it: the editor's name for editor revisions.
    public var editor: String
    /// Why: the editor's reason.
    public var reason: String?
    public var createdAt: Date
    public var content: TaskContent
}

/// A flag on the task page, with its evidence as JSON.
public struct ReviewFlag: Sendable, Hashable, Codable {
    public var id: Int64
    public var revisionID: Int64
    public var stage: String
    public var code: String
    public var severity: String
    public var message: String
    public var evidence: JSONValue?
    public var dismissed: Bool
}

/// A task's review status with who set it and why.
public struct ReviewStatusInfo: Sendable, Hashable, Codable {
    public var status: ReviewStatus
    public var editor: String?
    public var reason: String?
    public var at: Date?
    /// False when the latest status was an approval of earlier content (the task then counts as unreviewed).
    public var current: Bool
}

/// An open conflict: the raw record changed under an editor's revision. Both versions of each changed field.
public struct ReviewConflict: Sendable, Hashable, Codable {
    public struct Field: Sendable, Hashable, Codable {
        public var field: String
        public var raw: JSONValue
        public var editor: JSONValue
    }
    /// Content hash of the raw record now; a resolving save is logged on top of it.
    public var rawHash: String
    public var at: Date
    public var fields: [Field]
}

/// One entry of the audit trail.
public struct ReviewAuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var task: String
    /// `edit`, `status`, `flag`, `dismiss`, `reinstate`, `conflict`.
    public var kind: String
    public var editor: String
    public var reason: String
    public var at: Date
    /// One line for people: "approved", "edited description, tests", "dismissed dedup/duplicate".
    public var summary: String

    init(_ action: ReviewActionRecord) {
        id = action.id ?? 0
        task = action.taskID
        kind = action.kind.rawValue
        editor = action.editor
        reason = action.reason
        at = action.createdAt
        switch action.kind {
        case .edit:
            let fields =
                action.fields.flatMap { try? JSONDecoder().decode(TaskFieldChanges.self, from: Data($0.utf8)) }?.names
                ?? []
            let outcome = action.outcome == .conflict ? " (conflict: not applied)" : ""
            summary = "edited \(fields.joined(separator: ", "))\(outcome)"
        case .status: summary = action.status ?? "status"
        case .flag: summary = "flagged \(action.code ?? "")\(action.message.map { ": \($0)" } ?? "")"
        case .dismiss: summary = "dismissed \(action.code ?? "")"
        case .reinstate: summary = "reinstated \(action.code ?? "")"
        case .conflict:
            summary =
                action.outcome == .already
                ? "conflict resolved: the raw record is again the base of the editor's revisions"
                : "conflict: the raw record changed under an editor's revision"
        }
    }
}

/// Everything the task page shows.
public struct ReviewTask: Sendable, Hashable, Codable {
    public var id: String
    public var dataset: String
    /// The newest revision's content hash: the base of the next save.
    public var currentHash: String
    /// Every revision, oldest first.
    public var revisions: [ReviewRevision]
    /// The newest revision's latest sandbox verdict, if it was validated.
    public var verdict: RevisionVerdict?
    /// Flags of the newest revision (active ones), with evidence.
    public var flags: [ReviewFlag]
    public var status: ReviewStatusInfo
    public var conflict: ReviewConflict?
    /// The task's audit trail, oldest first.
    public var audit: [ReviewAuditEntry]
}

/// What a save recorded.
public struct ReviewSaveResult: Sendable, Hashable, Codable {
    public var revision: ReviewRevision
    public var verdict: RevisionVerdict
    /// The edit log line appended.
    public var logLine: String
}
