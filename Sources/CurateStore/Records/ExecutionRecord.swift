import Foundation
import GRDB

/// A row of `execution`: the verdict of running one task revision in the sandbox, keyed by a hash of everything
/// that decides it (code, setup, tests, limits, seeds, Python and harness version), so unchanged work is reused.
public struct ExecutionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "execution"

    /// The columns of `execution` rows, for typed queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let revisionID = Column(CodingKeys.revisionID)
        public static let key = Column(CodingKeys.key)
        public static let status = Column(CodingKeys.status)
        public static let passed = Column(CodingKeys.passed)
        public static let verdict = Column(CodingKeys.verdict)
        public static let cpuSeconds = Column(CodingKeys.cpuSeconds)
        public static let wallSeconds = Column(CodingKeys.wallSeconds)
        public static let peakMemoryKB = Column(CodingKeys.peakMemoryKB)
        public static let pythonVersion = Column(CodingKeys.pythonVersion)
        public static let timeoutSeconds = Column(CodingKeys.timeoutSeconds)
        public static let calibratedTimeoutSeconds = Column(CodingKeys.calibratedTimeoutSeconds)
        public static let createdAt = Column(CodingKeys.createdAt)
    }

    public var id: Int64?
    public var revisionID: Int64
    /// `ExecutionRequest.key`.
    public var key: String
    /// `RunStatus` raw value: ok, timeout, memoryLimit, crashed, killedBySignal, outputLimit.
    public var status: String
    /// Status ok and every test passed.
    public var passed: Bool
    /// The whole `ExecutionVerdict` as JSON (per-test outcomes, capped output, detail).
    public var verdict: String
    public var cpuSeconds: Double
    public var wallSeconds: Double
    public var peakMemoryKB: Int
    public var pythonVersion: String
    /// The wall-clock limit the run had.
    public var timeoutSeconds: Double
    /// The limit later stages should use for this revision, derived from this reference run (see `TimeLimitPolicy`).
    public var calibratedTimeoutSeconds: Double?
    public var createdAt: Date

    public init(
        id: Int64? = nil, revisionID: Int64, key: String, status: String, passed: Bool, verdict: String,
        cpuSeconds: Double,
        wallSeconds: Double, peakMemoryKB: Int, pythonVersion: String, timeoutSeconds: Double,
        calibratedTimeoutSeconds: Double? = nil, createdAt: Date
    ) {
        self.id = id
        self.revisionID = revisionID
        self.key = key
        self.status = status
        self.passed = passed
        self.verdict = verdict
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.peakMemoryKB = peakMemoryKB
        self.pythonVersion = pythonVersion
        self.timeoutSeconds = timeoutSeconds
        self.calibratedTimeoutSeconds = calibratedTimeoutSeconds
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Inserts this verdict as a new row, replacing one stored with the same revision and key.
    func replace(_ db: Database) throws {
        try Self.filter(Columns.revisionID == revisionID && Columns.key == key).deleteAll(db)
        var row = self
        row.id = nil
        try row.insert(db)
    }
}
