import Foundation
import GRDB

/// A row of `mutationRun`: one mutation analysis of a task revision's tests (the newest replaces earlier ones).
public struct MutationRunRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "mutationRun"

    /// The columns of `mutationRun` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let revisionID = Column(CodingKeys.revisionID)
        public static let taskID = Column(CodingKeys.taskID)
        public static let generatorDigest = Column(CodingKeys.generatorDigest)
        public static let options = Column(CodingKeys.options)
        public static let generatedTests = Column(CodingKeys.generatedTests)
        public static let mutants = Column(CodingKeys.mutants)
        public static let killedByOriginal = Column(CodingKeys.killedByOriginal)
        public static let killedOnlyByGenerated = Column(CodingKeys.killedOnlyByGenerated)
        public static let survived = Column(CodingKeys.survived)
        public static let referenceSeconds = Column(CodingKeys.referenceSeconds)
        public static let mutantTimeoutSeconds = Column(CodingKeys.mutantTimeoutSeconds)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: Int64?
    public var revisionID: Int64
    public var taskID: String
    /// Content digest of the mutant generator that wrote the mutants.
    public var generatorDigest: String
    /// The analysis options, as canonical JSON.
    public var options: String
    /// Generated tests the mutants ran against.
    public var generatedTests: Int
    public var mutants: Int
    public var killedByOriginal: Int
    /// Survived the original tests, killed by a generated one.
    public var killedOnlyByGenerated: Int
    /// Survived every test: likely equivalent when the task has generated tests.
    public var survived: Int
    /// Wall seconds of the reference solution against the same tests (what the mutants' timeout derives from).
    public var referenceSeconds: Double
    public var mutantTimeoutSeconds: Double
    public var createdAt: Date

    public init(
        id: Int64? = nil, revisionID: Int64, taskID: String, generatorDigest: String, options: String,
        generatedTests: Int, mutants: Int, killedByOriginal: Int, killedOnlyByGenerated: Int, survived: Int,
        referenceSeconds: Double, mutantTimeoutSeconds: Double, createdAt: Date
    ) {
        self.id = id
        self.revisionID = revisionID
        self.taskID = taskID
        self.generatorDigest = generatorDigest
        self.options = options
        self.generatedTests = generatedTests
        self.mutants = mutants
        self.killedByOriginal = killedByOriginal
        self.killedOnlyByGenerated = killedOnlyByGenerated
        self.survived = survived
        self.referenceSeconds = referenceSeconds
        self.mutantTimeoutSeconds = mutantTimeoutSeconds
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
