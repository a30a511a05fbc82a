import Foundation
import GRDB

/// A row of `sampleEvaluation`: how many model samples of one task revision passed its tests, and pass@k.
public struct SampleEvaluationRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "sampleEvaluation"

    /// The columns of `sampleEvaluation` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let revisionID = Column(CodingKeys.revisionID)
        public static let taskID = Column(CodingKeys.taskID)
        public static let samplesPath = Column(CodingKeys.samplesPath)
        public static let samplesSHA256 = Column(CodingKeys.samplesSHA256)
        public static let n = Column(CodingKeys.n)
        public static let c = Column(CodingKeys.c)
        public static let passAt1 = Column(CodingKeys.passAt1)
        public static let passAt10 = Column(CodingKeys.passAt10)
        public static let passAt100 = Column(CodingKeys.passAt100)
        public static let passedSamples = Column(CodingKeys.passedSamples)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: Int64?
    public var revisionID: Int64
    public var taskID: String
    /// The samples file evaluated, and its sha256 (so a re-run on another file is told apart).
    public var samplesPath: String
    public var samplesSHA256: String
    /// Samples run.
    public var n: Int
    /// Samples that passed every test.
    public var c: Int
    /// pass@k, nil where undefined (k > n).
    public var passAt1: Double?
    public var passAt10: Double?
    public var passAt100: Double?
    /// JSON array of the samples that passed: their line (or array position) in the samples file.
    public var passedSamples: String
    public var createdAt: Date

    public init(
        id: Int64? = nil, revisionID: Int64, taskID: String, samplesPath: String, samplesSHA256: String, n: Int, c: Int,
        passAt1: Double?, passAt10: Double?, passAt100: Double?, passedSamples: String, createdAt: Date
    ) {
        self.id = id
        self.revisionID = revisionID
        self.taskID = taskID
        self.samplesPath = samplesPath
        self.samplesSHA256 = samplesSHA256
        self.n = n
        self.c = c
        self.passAt1 = passAt1
        self.passAt10 = passAt10
        self.passAt100 = passAt100
        self.passedSamples = passedSamples
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
