import Foundation
import GRDB

/// A row of `ingestedFile`: one ingest of one input file, with its hash and what was accepted.
public struct IngestedFileRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ingestedFile"

    /// The columns of `ingestedFile` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let path = Column(CodingKeys.path)
        public static let sha256 = Column(CodingKeys.sha256)
        public static let format = Column(CodingKeys.format)
        public static let dataset = Column(CodingKeys.dataset)
        public static let accepted = Column(CodingKeys.accepted)
        public static let rejected = Column(CodingKeys.rejected)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: Int64?
    public var path: String
    public var sha256: String
    public var format: String
    public var dataset: String
    public var accepted: Int
    public var rejected: Int
    public var createdAt: Date

    public init(
        id: Int64? = nil, path: String, sha256: String, format: String, dataset: String, accepted: Int,
        rejected: Int, createdAt: Date
    ) {
        self.id = id
        self.path = path
        self.sha256 = sha256
        self.format = format
        self.dataset = dataset
        self.accepted = accepted
        self.rejected = rejected
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
