import Foundation
import GRDB

/// A row of `mutant`: one mutant of a mutation run, where it changes the reference and which tests killed it.
public struct MutantRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "mutant"

    /// The columns of `mutant` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let runID = Column(CodingKeys.runID)
        public static let revisionID = Column(CodingKeys.revisionID)
        public static let ordinal = Column(CodingKeys.ordinal)
        public static let mutationOperator = Column(CodingKeys.mutationOperator)
        public static let line = Column(CodingKeys.line)
        public static let column = Column(CodingKeys.column)
        public static let endLine = Column(CodingKeys.endLine)
        public static let endColumn = Column(CodingKeys.endColumn)
        public static let original = Column(CodingKeys.original)
        public static let replacement = Column(CodingKeys.replacement)
        public static let diff = Column(CodingKeys.diff)
        public static let outcome = Column(CodingKeys.outcome)
        public static let detail = Column(CodingKeys.detail)
        public static let killingTests = Column(CodingKeys.killingTests)
    }

    /// Which tests told the mutant apart from the reference.
    public enum Outcome: String, Codable, Sendable, Hashable, CaseIterable, DatabaseValueConvertible {
        case killedByOriginal = "killed-by-original"
        case killedByGenerated = "killed-by-generated"
        case survived
    }

    public var id: Int64?
    public var runID: Int64
    public var revisionID: Int64
    /// Position in the run's mutant list (0-based).
    public var ordinal: Int
    /// `arithmetic`, `comparison`, `boundary`, `constant`, `remove-statement`, ...
    public var mutationOperator: String
    /// 1-based line and 0-based UTF-8 column span of the replaced node in the reference.
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    /// The reference's text of that span and what replaced it.
    public var original: String
    public var replacement: String
    /// Unified diff of reference against mutant.
    public var diff: String
    public var outcome: Outcome
    /// How the killing run ended: the first failing test's outcome, a timeout, a crash; empty for survivors.
    public var detail: String
    /// JSON array of the generated tests' ordinals that failed on the mutant.
    public var killingTests: String

    public init(
        id: Int64? = nil, runID: Int64, revisionID: Int64, ordinal: Int, mutationOperator: String, line: Int,
        column: Int, endLine: Int, endColumn: Int, original: String, replacement: String, diff: String,
        outcome: Outcome, detail: String, killingTests: String
    ) {
        self.id = id
        self.runID = runID
        self.revisionID = revisionID
        self.ordinal = ordinal
        self.mutationOperator = mutationOperator
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.original = original
        self.replacement = replacement
        self.diff = diff
        self.outcome = outcome
        self.detail = detail
        self.killingTests = killingTests
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
