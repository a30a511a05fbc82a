import Foundation
import GRDB

/// A row of `stageRun`: one run of a pipeline stage, keyed by a fingerprint of its inputs and parameters.
public struct StageRunRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "stageRun"

    /// The columns of `stageRun` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let pipeline = Column(CodingKeys.pipeline)
        public static let stage = Column(CodingKeys.stage)
        public static let fingerprint = Column(CodingKeys.fingerprint)
        public static let status = Column(CodingKeys.status)
        public static let summary = Column(CodingKeys.summary)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let finishedAt = Column(CodingKeys.finishedAt)
    }

    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        case running, succeeded, failed
        /// Left `running` by a process that ended without finishing it (a crash, `kill -9`); see `markAbandonedRuns`.
        case abandoned
    }

    public var id: Int64?
    public var pipeline: String
    public var stage: String
    /// sha256 over the stage's inputs (store state it reads, files) and parameters.
    public var fingerprint: String
    public var status: Status
    /// JSON summary (counts per reason, timings).
    public var summary: String?
    public var startedAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64? = nil, pipeline: String, stage: String, fingerprint: String, status: Status,
        summary: String? = nil, startedAt: Date, finishedAt: Date? = nil
    ) {
        self.id = id
        self.pipeline = pipeline
        self.stage = stage
        self.fingerprint = fingerprint
        self.status = status
        self.summary = summary
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
