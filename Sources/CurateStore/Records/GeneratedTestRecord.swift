import Foundation
import GRDB

/// A row of `generatedTest`: one generated ("plus") test of a task revision, kept apart from the task's own tests.
///
/// The statement is a standalone Python assert whose expected value the reference solution computed; `seed` and
/// `generator` (a digest of the generator's code) say how it was made, so a rerun with both equal makes the same test.
public struct GeneratedTestRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "generatedTest"

    /// The columns of `generatedTest` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let revisionID = Column(CodingKeys.revisionID)
        public static let ordinal = Column(CodingKeys.ordinal)
        public static let statement = Column(CodingKeys.statement)
        public static let inputRepr = Column(CodingKeys.inputRepr)
        public static let expectedRepr = Column(CodingKeys.expectedRepr)
        public static let seed = Column(CodingKeys.seed)
        public static let generator = Column(CodingKeys.generator)
        public static let reduced = Column(CodingKeys.reduced)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: Int64?
    public var revisionID: Int64
    /// Position of the test in its revision's list, from 0.
    public var ordinal: Int
    /// The Python assert statement, runnable after the solution and the task's setup code.
    public var statement: String
    /// `repr()` of the argument tuple the entry point was called with.
    public var inputRepr: String
    /// `repr()` of the reference solution's result on that input.
    public var expectedRepr: String
    /// The seed the inputs were mutated with.
    public var seed: Int64
    /// Content digest of the generator's code.
    public var generator: String
    /// Member of the reduced subset (set by mutation analysis: the fewest tests that keep every mutant kill).
    public var reduced: Bool
    public var createdAt: Date

    public init(
        id: Int64? = nil, revisionID: Int64, ordinal: Int, statement: String, inputRepr: String, expectedRepr: String,
        seed: Int64, generator: String, reduced: Bool = false, createdAt: Date
    ) {
        self.id = id
        self.revisionID = revisionID
        self.ordinal = ordinal
        self.statement = statement
        self.inputRepr = inputRepr
        self.expectedRepr = expectedRepr
        self.seed = seed
        self.generator = generator
        self.reduced = reduced
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
