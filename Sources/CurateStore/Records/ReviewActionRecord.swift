import Foundation
import GRDB

/// A row of `reviewAction`: one editor action (an edit, a review status, a manual flag, a flag dismissal or
/// reinstatement) mirrored from the committed edit log, or a conflict found when a raw record changed under an edit.
public struct ReviewActionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "reviewAction"

    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
        case edit, status, flag, dismiss, reinstate, conflict
    }

    /// What replaying an edit did.
    public enum Outcome: String, Codable, Sendable, DatabaseValueConvertible {
        /// A new editor revision was written.
        case applied
        /// The task's content already had the edit's result.
        case already
        /// The task's content was not the edit's base: nothing was applied.
        case conflict
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let key = Column(CodingKeys.key)
        public static let dataset = Column(CodingKeys.dataset)
        public static let taskID = Column(CodingKeys.taskID)
        public static let kind = Column(CodingKeys.kind)
        public static let line = Column(CodingKeys.line)
    }

    public var id: Int64?
    /// sha256 of the edit log line (or of the conflict's identity for derived rows); unique, so replay is idempotent.
    public var key: String
    public var dataset: String
    public var taskID: String
    public var kind: Kind
    public var outcome: Outcome?
    /// Content hash the action was made on (an edit's base, the revision a status or flag decision applies to;
    /// for a conflict, the raw revision's hash).
    public var baseHash: String?
    /// Content hash after an edit (for a conflict, the editor's intended content).
    public var resultHash: String?
    /// The revision written (edit, conflict) or flagged (flag).
    public var revisionID: Int64?
    /// JSON of the changed fields' new values (edit, conflict).
    public var fields: String?
    /// `unreviewed`, `approved`, `needs-work`, `excluded` (status).
    public var status: String?
    public var stage: String?
    public var code: String?
    public var severity: String?
    public var message: String?
    public var editor: String
    public var reason: String
    public var createdAt: Date
    /// The edit log line this row mirrors; nil for conflicts, which the log does not hold.
    public var line: String?

    public init(
        id: Int64? = nil, key: String, dataset: String, taskID: String, kind: Kind, outcome: Outcome? = nil,
        baseHash: String? = nil,
        resultHash: String? = nil, revisionID: Int64? = nil, fields: String? = nil, status: String? = nil,
        stage: String? = nil,
        code: String? = nil, severity: String? = nil, message: String? = nil, editor: String, reason: String,
        createdAt: Date,
        line: String? = nil
    ) {
        self.id = id
        self.key = key
        self.dataset = dataset
        self.taskID = taskID
        self.kind = kind
        self.outcome = outcome
        self.baseHash = baseHash
        self.resultHash = resultHash
        self.revisionID = revisionID
        self.fields = fields
        self.status = status
        self.stage = stage
        self.code = code
        self.severity = severity
        self.message = message
        self.editor = editor
        self.reason = reason
        self.createdAt = createdAt
        self.line = line
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
