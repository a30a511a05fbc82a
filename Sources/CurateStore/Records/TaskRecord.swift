import Foundation
import GRDB

/// A row of `task`: one task's identity; its content lives in its revisions.
public struct TaskRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "task"

    /// The columns of `task` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let dataset = Column(CodingKeys.dataset)
        public static let sourceID = Column(CodingKeys.sourceID)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: String
    public var dataset: String
    public var sourceID: String
    public var createdAt: Date

    public init(id: String, dataset: String, sourceID: String, createdAt: Date) {
        self.id = id
        self.dataset = dataset
        self.sourceID = sourceID
        self.createdAt = createdAt
    }
}
