import Foundation
import GRDB

/// A revision to store: the content (already canonical JSON and hashed by the caller) plus where it came from.
public struct IncomingRevision: Sendable, Hashable {
    public var taskID: String
    public var dataset: String
    public var sourceID: String
    public var contentHash: String
    public var content: String
    public var origin: TaskRevisionRecord.Origin
    public var author: String
    public var note: String?
    public var sourcePath: String?
    public var sourceLocation: String?
    public var rawSHA256: String?
    /// Findings to attach to the revision if it is new (e.g. lint at ingest).
    public var flags: [NewFlag]

    public init(
        taskID: String, dataset: String, sourceID: String, contentHash: String, content: String,
        origin: TaskRevisionRecord.Origin, author: String, note: String? = nil, sourcePath: String? = nil,
        sourceLocation: String? = nil, rawSHA256: String? = nil, flags: [NewFlag] = []
    ) {
        self.taskID = taskID
        self.dataset = dataset
        self.sourceID = sourceID
        self.contentHash = contentHash
        self.content = content
        self.origin = origin
        self.author = author
        self.note = note
        self.sourcePath = sourcePath
        self.sourceLocation = sourceLocation
        self.rawSHA256 = rawSHA256
        self.flags = flags
    }
}

/// A flag to attach, before it has a row id.
public struct NewFlag: Sendable, Hashable, Codable {
    public var stage: String
    public var code: String
    public var severity: FlagRecord.Severity
    public var message: String
    public var evidence: String?

    public init(stage: String, code: String, severity: FlagRecord.Severity, message: String, evidence: String? = nil) {
        self.stage = stage
        self.code = code
        self.severity = severity
        self.message = message
        self.evidence = evidence
    }
}

/// What one `store(_:)` transaction did.
public struct StoreOutcome: Sendable, Hashable, Codable {
    public var newTasks = 0
    public var newRevisions = 0
    public var unchanged = 0
    /// Flags attached to the new revisions.
    public var flagsInserted = 0
    /// Ids of the revisions written, in input order.
    public var revisionIDs: [Int64] = []
    public init() {}
}

/// A task with its newest revision.
public struct TaskHead: Sendable, Hashable {
    public var task: TaskRecord
    public var revision: TaskRevisionRecord
}

/// Counts per dataset for `curate stats`.
public struct DatasetStats: Sendable, Hashable, Codable {
    public var dataset: String
    public var tasks: Int
    public var revisions: Int
    /// Effective flags (active, not dismissed) on the newest revisions, by code.
    public var flags: [String: Int]
}

/// The SQLite task store. Every write method is one transaction: it happens whole or not at all.
public final class TaskStore: Sendable {
    public let path: String
    private let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        do {
            try Self.createPrivately(url)
            var config = Configuration()
            config.busyMode = .timeout(30)
            let pool = try DatabasePool(path: path, configuration: config)
            try StoreMigrations.migrator.migrate(pool)
            writer = pool
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        } catch {
            throw StoreError.cannotOpen(path: path, reason: error.localizedDescription)
        }
    }

    /// Creates the store's directory (0700) and file (0600) when they are missing, so other users of the machine
    /// cannot read the tasks; SQLite gives its `-wal` and `-shm` files the database file's mode.
    private static func createPrivately(_ url: URL) throws {
        let directory = url.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard chmod(directory.path, 0o700) == 0 else {
                throw StoreError.cannotOpen(
                    path: url.path,
                    reason: "cannot restrict '\(directory.path)' to its owner: \(String(cString: strerror(errno)))")
            }
        }
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
        } else if errno != EEXIST {
            throw StoreError.cannotOpen(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    /// An empty in-memory store, for tests and dry runs.
    public init(inMemory: Void = ()) throws {
        path = ":memory:"
        let queue = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(queue)
        writer = queue
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }

    // MARK: Revisions

    /// Stores a batch of revisions in one transaction, skipping any whose content equals the latest revision
    /// of the same origin (so re-ingest is a no-op and never reverts an editor's change).
    /// `file` records the ingested input file alongside, in the same transaction.
    @discardableResult
    public func store(_ batch: [IncomingRevision], file: IngestedFileRecord? = nil, now: Date = Date()) throws
        -> StoreOutcome
    {
        try writer.write { db in
            var outcome = StoreOutcome()
            for incoming in batch {
                if try TaskRecord.fetchOne(db, key: incoming.taskID) == nil {
                    try TaskRecord(
                        id: incoming.taskID, dataset: incoming.dataset, sourceID: incoming.sourceID, createdAt: now
                    ).insert(db)
                    outcome.newTasks += 1
                }
                let latestSameOrigin =
                    try TaskRevisionRecord
                    .filter(
                        TaskRevisionRecord.Columns.taskID == incoming.taskID
                            && TaskRevisionRecord.Columns.origin == incoming.origin.rawValue
                    )
                    .order(TaskRevisionRecord.Columns.number.desc)
                    .fetchOne(db)
                if let latestSameOrigin, latestSameOrigin.contentHash == incoming.contentHash {
                    outcome.unchanged += 1
                    outcome.revisionIDs.append(latestSameOrigin.id!)
                    continue
                }
                let number =
                    (try Int.fetchOne(
                        db, sql: "SELECT MAX(number) FROM taskRevision WHERE taskID = ?", arguments: [incoming.taskID])
                        ?? 0) + 1
                var revision = TaskRevisionRecord(
                    taskID: incoming.taskID, number: number, contentHash: incoming.contentHash,
                    content: incoming.content,
                    origin: incoming.origin, author: incoming.author, note: incoming.note,
                    sourcePath: incoming.sourcePath,
                    sourceLocation: incoming.sourceLocation, rawSHA256: incoming.rawSHA256, createdAt: now)
                try revision.insert(db)
                for flag in incoming.flags {
                    var record = FlagRecord(
                        revisionID: revision.id!, taskID: incoming.taskID, stage: flag.stage, code: flag.code,
                        severity: flag.severity, message: flag.message, evidence: flag.evidence, createdAt: now)
                    try record.insert(db)
                }
                outcome.flagsInserted += incoming.flags.count
                outcome.newRevisions += 1
                outcome.revisionIDs.append(revision.id!)
            }
            if var file {
                try file.insert(db)
            }
            return outcome
        }
    }

    public func task(_ id: String) throws -> TaskRecord? {
        try writer.read { db in try TaskRecord.fetchOne(db, key: id) }
    }

    /// Every revision of a task, oldest first.
    public func revisions(of taskID: String) throws -> [TaskRevisionRecord] {
        try writer.read { db in
            try TaskRevisionRecord.filter(TaskRevisionRecord.Columns.taskID == taskID).order(
                TaskRevisionRecord.Columns.number
            ).fetchAll(db)
        }
    }

    public func revision(id: Int64) throws -> TaskRevisionRecord? {
        try writer.read { db in try TaskRevisionRecord.fetchOne(db, key: id) }
    }

    /// Each task of `dataset` (all datasets when nil) with its newest revision, ordered by task id.
    public func heads(dataset: String? = nil) throws -> [TaskHead] {
        try writer.read { db in
            var sql = """
                SELECT t.id AS t_id, t.dataset AS t_dataset, t.sourceID AS t_sourceID, t.createdAt AS t_createdAt, r.*
                FROM task t JOIN taskRevision r ON r.taskID = t.id
                WHERE r.id = \(StoreSQL.newestRevisionID(ofTask: "t.id"))
                """
            var arguments: StatementArguments = []
            if let dataset {
                sql += " AND t.dataset = ?"
                arguments = [dataset]
            }
            sql += " ORDER BY t.id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                TaskHead(
                    task: TaskRecord(
                        id: row["t_id"], dataset: row["t_dataset"], sourceID: row["t_sourceID"],
                        createdAt: row["t_createdAt"]),
                    revision: try TaskRevisionRecord(row: row))
            }
        }
    }

    /// Names of the datasets in the store.
    public func datasets() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT dataset FROM task ORDER BY dataset") }
    }

    // MARK: Flags

    /// Flags of one revision; `activeOnly` leaves out superseded ones.
    public func flags(revisionID: Int64, activeOnly: Bool = true) throws -> [FlagRecord] {
        try writer.read { db in
            var request = FlagRecord.filter(FlagRecord.Columns.revisionID == revisionID)
            if activeOnly { request = request.filter(FlagRecord.Columns.supersededAt == nil) }
            return try request.order(FlagRecord.Columns.id).fetchAll(db)
        }
    }

    /// Active (not superseded) flags on the given revisions, grouped by revision id, dismissed ones included.
    public func activeFlags(revisionIDs: [Int64]) throws -> [Int64: [FlagRecord]] {
        try flags(revisionIDs: revisionIDs, condition: StoreSQL.isActiveFlag("flag"))
    }

    /// Effective flags on the given revisions (active and not dismissed by an editor), grouped by revision id:
    /// the flags that `list`, `stats` and releases count.
    public func effectiveFlags(revisionIDs: [Int64]) throws -> [Int64: [FlagRecord]] {
        try flags(revisionIDs: revisionIDs, condition: StoreSQL.isEffectiveFlag("flag"))
    }

    private func flags(revisionIDs: [Int64], condition: String) throws -> [Int64: [FlagRecord]] {
        try writer.read { db in
            var result: [Int64: [FlagRecord]] = [:]
            for ids in StoreSQL.chunks(revisionIDs) {
                let flags = try FlagRecord.filter(ids.contains(FlagRecord.Columns.revisionID)).filter(sql: condition)
                    .order(FlagRecord.Columns.id).fetchAll(db)
                for flag in flags { result[flag.revisionID, default: []].append(flag) }
            }
            return result
        }
    }

    /// Replaces a stage's verdict on some revisions in one transaction: their active flags from `stage` are
    /// superseded (kept, marked) and `flags` are inserted.
    public func recordFlags(
        stage: String, revisionIDs: [Int64], flags: [(revisionID: Int64, taskID: String, flag: NewFlag)],
        now: Date = Date()
    ) throws {
        try writer.write { db in
            for ids in StoreSQL.chunks(revisionIDs) {
                try FlagRecord.filter(
                    ids.contains(FlagRecord.Columns.revisionID) && FlagRecord.Columns.stage == stage
                        && FlagRecord.Columns.supersededAt == nil
                )
                .updateAll(db, FlagRecord.Columns.supersededAt.set(to: now))
            }
            for item in flags {
                var record = FlagRecord(
                    revisionID: item.revisionID, taskID: item.taskID, stage: stage, code: item.flag.code,
                    severity: item.flag.severity, message: item.flag.message, evidence: item.flag.evidence,
                    createdAt: now)
                try record.insert(db)
            }
        }
    }

    /// Records an editor's override of a flag; the flag itself is untouched.
    @discardableResult
    public func overrideFlag(
        id: Int64, editor: String, action: FlagOverrideRecord.Action, reason: String, now: Date = Date()
    ) throws -> FlagOverrideRecord {
        try writer.write { db in
            guard try FlagRecord.fetchOne(db, key: id) != nil else { throw StoreError.unknownFlag(id) }
            var record = FlagOverrideRecord(flagID: id, editor: editor, action: action, reason: reason, createdAt: now)
            try record.insert(db)
            return record
        }
    }

    /// Every override of the given flags, oldest first.
    public func overrides(flagIDs: [Int64]) throws -> [Int64: [FlagOverrideRecord]] {
        try writer.read { db in
            let records = try FlagOverrideRecord.filter(flagIDs.contains(FlagOverrideRecord.Columns.flagID)).order(
                FlagOverrideRecord.Columns.id
            ).fetchAll(db)
            return Dictionary(grouping: records, by: \.flagID)
        }
    }

    /// Ids of flags whose latest override dismisses them.
    public func dismissedFlagIDs() throws -> Set<Int64> {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT f.id FROM flag f WHERE \(StoreSQL.latestOverrideAction(ofFlag: "f")) = 'dismiss'
                    """)
            return Set(rows.map { $0[0] as Int64 })
        }
    }

    // MARK: Stats and files

    public func stats() throws -> [DatasetStats] {
        try writer.read { db in
            let datasets = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.dataset AS dataset, COUNT(DISTINCT t.id) AS tasks, COUNT(r.id) AS revisions
                    FROM task t JOIN taskRevision r ON r.taskID = t.id GROUP BY t.dataset ORDER BY t.dataset
                    """)
            return try datasets.map { row in
                let dataset: String = row["dataset"]
                let flagRows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT f.code AS code, COUNT(*) AS n FROM flag f JOIN task t ON t.id = f.taskID
                        WHERE t.dataset = ? AND \(StoreSQL.isEffectiveFlag("f"))
                          AND f.revisionID = \(StoreSQL.newestRevisionID(ofTask: "f.taskID"))
                        GROUP BY f.code
                        """, arguments: [dataset])
                var flags: [String: Int] = [:]
                for flagRow in flagRows { flags[flagRow["code"]] = flagRow["n"] }
                return DatasetStats(dataset: dataset, tasks: row["tasks"], revisions: row["revisions"], flags: flags)
            }
        }
    }

    public func ingestedFiles() throws -> [IngestedFileRecord] {
        try writer.read { db in try IngestedFileRecord.order(IngestedFileRecord.Columns.id).fetchAll(db) }
    }

    // MARK: Stage runs

    /// The latest successful run of a pipeline stage with this fingerprint, if any.
    public func succeededRun(pipeline: String, stage: String, fingerprint: String) throws -> StageRunRecord? {
        try writer.read { db in
            try StageRunRecord.filter(
                StageRunRecord.Columns.pipeline == pipeline && StageRunRecord.Columns.stage == stage
                    && StageRunRecord.Columns.fingerprint == fingerprint
                    && StageRunRecord.Columns.status == StageRunRecord.Status.succeeded.rawValue
            ).order(StageRunRecord.Columns.id.desc).fetchOne(db)
        }
    }

    /// Marks the start of a stage run and returns it.
    public func beginRun(pipeline: String, stage: String, fingerprint: String, now: Date = Date()) throws
        -> StageRunRecord
    {
        try writer.write { db in
            var run = StageRunRecord(
                pipeline: pipeline, stage: stage, fingerprint: fingerprint, status: .running, startedAt: now)
            try run.insert(db)
            return run
        }
    }

    /// Marks a stage run as finished with its summary.
    public func finishRun(id: Int64, status: StageRunRecord.Status, summary: String?, now: Date = Date()) throws {
        _ = try writer.write { db in
            try StageRunRecord.filter(key: id).updateAll(
                db, StageRunRecord.Columns.status.set(to: status.rawValue),
                StageRunRecord.Columns.summary.set(to: summary),
                StageRunRecord.Columns.finishedAt.set(to: now))
        }
    }

    /// Runs reads for the store's own methods; callers outside the store use the specific methods.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try writer.read(body)
    }

    /// Runs writes in one transaction for the store's own methods.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try writer.write(body)
    }
}
