import Foundation
import GRDB

/// A row of `flag`: a finding a stage attached to one task revision (lint rule, filter drop, contamination hit).
///
/// Flags are never deleted; when a stage re-evaluates a revision its earlier flags get `supersededAt`.
public struct FlagRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "flag"

    /// The columns of `flag` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let revisionID = Column(CodingKeys.revisionID)
        public static let taskID = Column(CodingKeys.taskID)
        public static let stage = Column(CodingKeys.stage)
        public static let code = Column(CodingKeys.code)
        public static let severity = Column(CodingKeys.severity)
        public static let message = Column(CodingKeys.message)
        public static let evidence = Column(CodingKeys.evidence)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let supersededAt = Column(CodingKeys.supersededAt)
    }

    public enum Severity: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
        /// A measurement or remark that never excludes a task.
        case info
        /// A finding an editor should look at.
        case warning
        /// A finding that drops the task from releases unless overridden.
        case error
    }

    public var id: Int64?
    public var revisionID: Int64
    public var taskID: String
    /// The stage that raised it: `lint`, `validate`, `stability`, `ambiguity`, `dedup`, `contamination`, …
    public var stage: String
    /// Stable machine code, e.g. `lint/no-print`, `nondeterministic`, `contaminated:ngram`.
    public var code: String
    public var severity: Severity
    public var message: String
    /// JSON evidence a reviewer can read.
    public var evidence: String?
    public var createdAt: Date
    public var supersededAt: Date?

    public init(
        id: Int64? = nil, revisionID: Int64, taskID: String, stage: String, code: String, severity: Severity,
        message: String, evidence: String? = nil, createdAt: Date, supersededAt: Date? = nil
    ) {
        self.id = id
        self.revisionID = revisionID
        self.taskID = taskID
        self.stage = stage
        self.code = code
        self.severity = severity
        self.message = message
        self.evidence = evidence
        self.createdAt = createdAt
        self.supersededAt = supersededAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `flagOverride`: an editor's audited decision to dismiss or reinstate a flag.
public struct FlagOverrideRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "flagOverride"

    /// The columns of `flagOverride` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let flagID = Column(CodingKeys.flagID)
        public static let editor = Column(CodingKeys.editor)
        public static let action = Column(CodingKeys.action)
        public static let reason = Column(CodingKeys.reason)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public enum Action: String, Codable, Sendable, DatabaseValueConvertible {
        case dismiss, reinstate
    }

    public var id: Int64?
    public var flagID: Int64
    public var editor: String
    public var action: Action
    public var reason: String
    public var createdAt: Date

    public init(id: Int64? = nil, flagID: Int64, editor: String, action: Action, reason: String, createdAt: Date) {
        self.id = id
        self.flagID = flagID
        self.editor = editor
        self.action = action
        self.reason = reason
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
