import Foundation
import GRDB

/// The writes and reads an editor action needs, inside one store transaction (see `TaskStore.reviewTransaction`).
///
/// It is only valid inside the closure it is passed to: the review pass checks a task's newest revision, appends its
/// edit log line and writes its rows without another writer in between.
public struct ReviewTransaction {
    let db: Database

    /// The task, or nil.
    public func task(_ id: String) throws -> TaskRecord? { try TaskRecord.fetchOne(db, key: id) }

    /// The task's newest revision, or nil for an unknown task.
    public func head(_ taskID: String) throws -> TaskRevisionRecord? {
        try TaskRevisionRecord.filter(TaskRevisionRecord.Columns.taskID == taskID).order(
            TaskRevisionRecord.Columns.number.desc
        ).fetchOne(db)
    }

    /// The task's revision with this number.
    public func revision(_ taskID: String, number: Int) throws -> TaskRevisionRecord? {
        try TaskRevisionRecord.filter(
            TaskRevisionRecord.Columns.taskID == taskID && TaskRevisionRecord.Columns.number == number
        ).fetchOne(db)
    }

    /// The task's newest revision with this content hash.
    public func revision(_ taskID: String, contentHash: String) throws -> TaskRevisionRecord? {
        try TaskRevisionRecord.filter(
            TaskRevisionRecord.Columns.taskID == taskID && TaskRevisionRecord.Columns.contentHash == contentHash
        )
        .order(TaskRevisionRecord.Columns.number.desc).fetchOne(db)
    }

    /// Appends a revision as the task's newest.
    public func appendRevision(
        taskID: String, contentHash: String, content: String, origin: TaskRevisionRecord.Origin, author: String,
        note: String?,
        createdAt: Date
    ) throws -> TaskRevisionRecord {
        let number =
            (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM taskRevision WHERE taskID = ?", arguments: [taskID])
                ?? 0) + 1
        var revision = TaskRevisionRecord(
            taskID: taskID, number: number, contentHash: contentHash, content: content, origin: origin, author: author,
            note: note,
            createdAt: createdAt)
        try revision.insert(db)
        return revision
    }

    /// Inserts a review action and returns it with its id.
    public func insert(_ action: ReviewActionRecord) throws -> ReviewActionRecord {
        var row = action
        try row.insert(db)
        return row
    }

    /// Keys of the dataset's review actions.
    public func actionKeys(dataset: String) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db,
                ReviewActionRecord.filter(ReviewActionRecord.Columns.dataset == dataset).select(
                    ReviewActionRecord.Columns.key)))
    }

    /// How many of the dataset's actions mirror an edit log line, and the key of the newest of them.
    public func loggedActions(dataset: String) throws -> (count: Int, lastKey: String?) {
        let count =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM reviewAction WHERE dataset = ? AND line IS NOT NULL",
                arguments: [dataset]) ?? 0
        let last = try String.fetchOne(
            db, sql: "SELECT key FROM reviewAction WHERE dataset = ? AND line IS NOT NULL ORDER BY id DESC LIMIT 1",
            arguments: [dataset])
        return (count, last)
    }

    /// The task's review actions, oldest first.
    public func actions(taskID: String) throws -> [ReviewActionRecord] {
        try ReviewActionRecord.filter(ReviewActionRecord.Columns.taskID == taskID).order(ReviewActionRecord.Columns.id)
            .fetchAll(db)
    }

    /// Ids of the dataset's tasks that have edit actions.
    public func editedTaskIDs(dataset: String) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT DISTINCT taskID FROM reviewAction WHERE dataset = ? AND kind = 'edit' ORDER BY taskID",
            arguments: [dataset])
    }

    /// Attaches a flag to a revision.
    public func insertFlag(revisionID: Int64, taskID: String, flag: NewFlag, createdAt: Date) throws -> FlagRecord {
        var record = FlagRecord(
            revisionID: revisionID, taskID: taskID, stage: flag.stage, code: flag.code, severity: flag.severity,
            message: flag.message,
            evidence: flag.evidence, createdAt: createdAt)
        try record.insert(db)
        return record
    }

    /// One flag by id.
    public func flag(id: Int64) throws -> FlagRecord? { try FlagRecord.fetchOne(db, key: id) }

    /// Records an override row for a flag (the legacy audit of `curate override`, kept alongside the review action).
    public func overrideFlag(
        id: Int64, editor: String, action: FlagOverrideRecord.Action, reason: String, createdAt: Date
    ) throws {
        var record = FlagOverrideRecord(
            flagID: id, editor: editor, action: action, reason: reason, createdAt: createdAt)
        try record.insert(db)
    }

    /// Stores a sandbox verdict, replacing one with the same revision and key.
    public func recordExecution(_ record: ExecutionRecord) throws {
        try record.replace(db)
    }
}

/// The review pass's tables (`reviewAction`, migration `v3-review-actions`).
extension TaskStore {
    /// Runs `body` in one write transaction: it happens whole or not at all.
    public func reviewTransaction<T: Sendable>(_ body: @Sendable (ReviewTransaction) throws -> T) throws -> T {
        try write { db in try body(ReviewTransaction(db: db)) }
    }

    /// Review actions of a dataset (all when nil), optionally of one task, oldest first.
    public func reviewActions(dataset: String? = nil, taskID: String? = nil) throws -> [ReviewActionRecord] {
        try read { db in
            var request = ReviewActionRecord.all()
            if let dataset { request = request.filter(ReviewActionRecord.Columns.dataset == dataset) }
            if let taskID { request = request.filter(ReviewActionRecord.Columns.taskID == taskID) }
            return try request.order(ReviewActionRecord.Columns.id).fetchAll(db)
        }
    }

    /// The dataset's review action keys in order, one per line (empty when none): part of what a release reads.
    public func reviewFingerprint(dataset: String) throws -> String {
        let keys = try read { db in
            try String.fetchAll(
                db, sql: "SELECT key FROM reviewAction WHERE dataset = ? ORDER BY id", arguments: [dataset])
        }
        return keys.isEmpty ? "" : keys.joined(separator: "\n")
    }
}

/// The review pass's part of the store's shared SQL (`StoreSQL`).
enum ReviewSQL {
    /// The kind (`dismiss` or `reinstate`) of the latest review decision on the flag row `flag`'s stage and code for
    /// the content of the flag's revision (NULL when none).
    static func latestDecision(ofFlag flag: String) -> String {
        """
        (SELECT a.kind FROM reviewAction a WHERE a.taskID = \(flag).taskID AND a.stage = \(flag).stage AND a.code = \(flag).code
          AND a.kind IN ('dismiss', 'reinstate') AND a.baseHash = (SELECT contentHash FROM taskRevision WHERE id = \(flag).revisionID)
          ORDER BY a.id DESC LIMIT 1)
        """
    }
}
