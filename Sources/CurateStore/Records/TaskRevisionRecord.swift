import Foundation
import GRDB

/// A row of `taskRevision`: one immutable version of a task's content, who made it and from where.
public struct TaskRevisionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "taskRevision"

    /// The columns of `taskRevision` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let taskID = Column(CodingKeys.taskID)
        public static let number = Column(CodingKeys.number)
        public static let contentHash = Column(CodingKeys.contentHash)
        public static let content = Column(CodingKeys.content)
        public static let origin = Column(CodingKeys.origin)
        public static let author = Column(CodingKeys.author)
        public static let note = Column(CodingKeys.note)
        public static let sourcePath = Column(CodingKeys.sourcePath)
        public static let sourceLocation = Column(CodingKeys.sourceLocation)
        public static let rawSHA256 = Column(CodingKeys.rawSHA256)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    /// What kind of actor made a revision.
    public enum Origin: String, Codable, Sendable, DatabaseValueConvertible {
        case ingest, conversion, editor
    }

    public var id: Int64?
    public var taskID: String
    /// 1 for the first revision of a task, then 2, 3, …
    public var number: Int
    public var contentHash: String
    /// Canonical JSON of the task content.
    public var content: String
    public var origin: Origin
    public var author: String
    public var note: String?
    public var sourcePath: String?
    public var sourceLocation: String?
    public var rawSHA256: String?
    public var createdAt: Date

    public init(
        id: Int64? = nil, taskID: String, number: Int, contentHash: String, content: String, origin: Origin,
        author: String, note: String? = nil, sourcePath: String? = nil, sourceLocation: String? = nil,
        rawSHA256: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.taskID = taskID
        self.number = number
        self.contentHash = contentHash
        self.content = content
        self.origin = origin
        self.author = author
        self.note = note
        self.sourcePath = sourcePath
        self.sourceLocation = sourceLocation
        self.rawSHA256 = rawSHA256
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
