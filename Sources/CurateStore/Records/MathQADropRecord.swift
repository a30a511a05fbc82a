import Foundation
import GRDB

/// A row of `mathqaDrop`: one MathQA record the MathQA-Python conversion did not keep, and why.
///
/// A new conversion of the same file into the same dataset replaces that file's rows (`replace(dataset:sourcePath:with:)`).
public struct MathQADropRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "mathqaDrop"

    /// The columns of `mathQADrop` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let dataset = Column(CodingKeys.dataset)
        public static let split = Column(CodingKeys.split)
        public static let sourcePath = Column(CodingKeys.sourcePath)
        public static let recordIndex = Column(CodingKeys.recordIndex)
        public static let reason = Column(CodingKeys.reason)
        public static let message = Column(CodingKeys.message)
        public static let location = Column(CodingKeys.location)
        public static let linearFormula = Column(CodingKeys.linearFormula)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: Int64?
    /// `mathqa-python` or `mathqa-python-extended`.
    public var dataset: String
    public var split: String
    public var sourcePath: String
    /// Index of the record in its MathQA file.
    public var recordIndex: Int
    /// Drop reason code (`mismatch`, `unparsable-option`, `unknown-op`, …).
    public var reason: String
    public var message: String
    /// Where in the `linear_formula` the problem is, for program errors ("step 2 (char 17)").
    public var location: String?
    public var linearFormula: String
    public var createdAt: Date

    public init(
        id: Int64? = nil, dataset: String, split: String, sourcePath: String, recordIndex: Int, reason: String,
        message: String, location: String?, linearFormula: String, createdAt: Date
    ) {
        self.id = id
        self.dataset = dataset
        self.split = split
        self.sourcePath = sourcePath
        self.recordIndex = recordIndex
        self.reason = reason
        self.message = message
        self.location = location
        self.linearFormula = linearFormula
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Replaces the drops of each listed source file in `dataset` with `records`, in one transaction.
    public static func replace(
        in store: TaskStore, dataset: String, sourcePaths: [String], with records: [MathQADropRecord]
    ) throws {
        try store.write { db in
            try MathQADropRecord.filter(
                MathQADropRecord.Columns.dataset == dataset && sourcePaths.contains(MathQADropRecord.Columns.sourcePath)
            ).deleteAll(db)
            for var record in records { try record.insert(db) }
        }
    }

    /// Drops of `dataset`, optionally one reason only, in split then record order.
    public static func fetch(in store: TaskStore, dataset: String, reason: String? = nil) throws -> [MathQADropRecord] {
        try store.read { db in
            var request = MathQADropRecord.filter(MathQADropRecord.Columns.dataset == dataset)
            if let reason { request = request.filter(MathQADropRecord.Columns.reason == reason) }
            return try request.order(MathQADropRecord.Columns.split, MathQADropRecord.Columns.recordIndex).fetchAll(db)
        }
    }
}
