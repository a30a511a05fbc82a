import CurateStore
import Foundation

/// What replaying an edit log (or reconciling after an ingest) did.
public struct ReplayReport: Sendable, Hashable, Codable {
    /// Lines in the log.
    public var lines = 0
    /// Log lines already in the store.
    public var known = 0
    /// Edits that wrote a new editor revision.
    public var applied = 0
    /// Edits whose result the task already had.
    public var already = 0
    /// Status, flag and flag-decision lines recorded.
    public var actions = 0
    /// Tasks with a conflict found now (an edit whose base is not the task's content).
    public var conflicts: [String] = []
    /// Tasks whose editor revision was re-established after a re-ingest wrote a raw revision on top.
    public var kept: [String] = []

    public init() {}

    mutating func add(_ other: ReplayReport) {
        lines += other.lines
        known += other.known
        applied += other.applied
        already += other.already
        actions += other.actions
        conflicts += other.conflicts
        kept += other.kept
    }
}

/// Applies edit log lines to the store and keeps editor revisions on top of re-ingested raw records.
///
/// Every function runs inside one `ReviewTransaction`, so a replay is whole or not at all, and a line already in
/// the store (by key) is never applied twice: replay is idempotent, which is what makes "log line first, then the
/// store transaction" safe against a crash in between.
enum EditReplay {
    /// Applies, in order, the lines of the log at `path` whose key the store does not have yet. The log is append
    /// only and the store mirrors it in order, so when both hold as many lines and end with the same one, nothing is
    /// missing and no line is decoded (a save checks this every time).
    static func applyMissing(path: String, dataset: String, in tx: ReviewTransaction) throws -> ReplayReport {
        var report = ReplayReport()
        let lines = try EditLog.rawLines(path)
        let logged = try tx.loggedActions(dataset: dataset)
        report.lines = lines.count
        if lines.count == logged.count, lines.last.map({ SHA256.hex($0.text) }) == logged.lastKey {
            report.known = lines.count
            return report
        }
        let known = try tx.actionKeys(dataset: dataset)
        for raw in lines {
            if known.contains(SHA256.hex(raw.text)) {
                report.known += 1
                continue
            }
            report.add(
                try apply(
                    try EditLog.decode(raw.text, number: raw.number, path: path), path: path, dataset: dataset, in: tx))
        }
        return report
    }

    /// Applies one log line that is not in the store yet.
    static func apply(_ line: EditLogLine, path: String, dataset: String, in tx: ReviewTransaction) throws
        -> ReplayReport
    {
        let entry = line.entry
        var report = ReplayReport()
        guard try tx.task(entry.task) != nil, let head = try tx.head(entry.task) else {
            throw ReviewError.unreadableLog(
                path: path, line: line.number,
                reason: "task '\(entry.task)' is not in the store; ingest its dataset before the log is replayed")
        }
        var action = ReviewActionRecord(entry, line: line.line, dataset: dataset)
        switch entry.kind {
        case .edit:
            let fields = entry.fields ?? TaskFieldChanges()
            action.fields = CanonicalJSON.string(fields)
            if head.contentHash == entry.base {
                let content = fields.applied(to: try TaskContent.decode(head.content))
                let json = content.canonicalJSON()
                guard SHA256.hex(json) == entry.result else {
                    throw ReviewError.resultMismatch(path: path, line: line.number, task: entry.task)
                }
                let revision = try tx.appendRevision(
                    taskID: entry.task, contentHash: SHA256.hex(json), content: String(decoding: json, as: UTF8.self),
                    origin: .editor,
                    author: entry.editor, note: entry.reason, createdAt: entry.date)
                action.outcome = .applied
                action.revisionID = revision.id
                report.applied += 1
            } else if head.contentHash == entry.result {
                action.outcome = .already
                action.revisionID = head.id
                report.already += 1
            } else {
                action.outcome = .conflict
                let inserted = try tx.insert(action)
                try recordConflict(
                    task: entry.task, dataset: dataset, raw: head, intended: entry.result ?? "", fields: fields,
                    cause: inserted.key,
                    revisionID: nil, at: entry.date, in: tx)
                report.conflicts.append(entry.task)
                return report
            }
        case .flag:
            let flag = NewFlag(
                stage: "editor", code: entry.code ?? "editor/flag",
                severity: FlagRecord.Severity(rawValue: entry.severity ?? "") ?? .warning,
                message: entry.message ?? "",
                evidence: CanonicalJSON.string(["editor": entry.editor, "reason": entry.reason]))
            _ = try tx.insertFlag(revisionID: head.id!, taskID: entry.task, flag: flag, createdAt: entry.date)
            action.revisionID = head.id
            report.actions += 1
        case .status, .dismiss, .reinstate:
            report.actions += 1
        }
        _ = try tx.insert(action)
        return report
    }

    /// Keeps editor revisions on top of raw records ingested after them: when the raw record is still an edit's base
    /// the edits are re-established; when it changed, the task keeps its last consistent revision and a conflict is
    /// recorded with both versions. Tasks whose newest revision is not an ingest after an applied edit are untouched.
    static func reconcile(dataset: String, taskIDs: [String]? = nil, at now: Date = Date(), in tx: ReviewTransaction)
        throws -> ReplayReport
    {
        var report = ReplayReport()
        for taskID in try taskIDs ?? tx.editedTaskIDs(dataset: dataset) {
            guard let head = try tx.head(taskID), head.origin == .ingest else { continue }
            let edits = try tx.actions(taskID: taskID).filter { $0.kind == .edit }
            guard edits.contains(where: { $0.outcome == .applied && ($0.revisionID ?? .max) < head.id! }) else {
                continue
            }
            var state = head.contentHash
            var conflicting = false
            for edit in edits {
                if edit.baseHash == state, let result = edit.resultHash {
                    state = result
                    conflicting = false
                } else if edit.resultHash != state {
                    conflicting = true
                }
            }
            if !conflicting {
                if ReviewState(actions: try tx.actions(taskID: taskID)).conflict(taskID) != nil {
                    _ = try tx.insert(
                        ReviewActionRecord(
                            key: SHA256.hex("resolved\n\(taskID)\n\(head.id!)"), dataset: dataset, taskID: taskID,
                            kind: .conflict, outcome: .already,
                            baseHash: head.contentHash, resultHash: state, editor: "curate",
                            reason: "the raw record is again the base of the editor's revisions", createdAt: now))
                }
                guard state != head.contentHash, let target = try tx.revision(taskID, contentHash: state) else {
                    continue
                }
                _ = try tx.appendRevision(
                    taskID: taskID, contentHash: target.contentHash, content: target.content, origin: .editor,
                    author: target.author,
                    note: target.note, createdAt: now)
                report.kept.append(taskID)
                continue
            }
            guard let kept = try tx.revision(taskID, number: head.number - 1), kept.contentHash != head.contentHash
            else { continue }
            let restored = try tx.appendRevision(
                taskID: taskID, contentHash: kept.contentHash, content: kept.content, origin: .editor,
                author: kept.author, note: kept.note,
                createdAt: now)
            let fields = TaskFieldChanges(
                from: try TaskContent.decode(head.content), to: try TaskContent.decode(kept.content))
            try recordConflict(
                task: taskID, dataset: dataset, raw: head, intended: kept.contentHash, fields: fields,
                cause: "reingest", revisionID: restored.id,
                at: now, in: tx)
            report.conflicts.append(taskID)
            report.kept.append(taskID)
        }
        return report
    }

    /// After an ingest of `taskIDs`: keeps editor revisions on top (see `reconcile`), as warnings on `path`.
    static func afterIngest(store: TaskStore, dataset: String, taskIDs: [String], path: String) throws -> [Diagnostic] {
        let report = try store.reviewTransaction { tx in
            let edited = Set(try tx.editedTaskIDs(dataset: dataset))
            return try reconcile(dataset: dataset, taskIDs: taskIDs.filter(edited.contains), in: tx)
        }
        let conflicts = Set(report.conflicts)
        return report.kept.map { id in
            Diagnostic(
                .warning, file: path,
                conflicts.contains(id)
                    ? "\(id): the raw record changed under an editor's revision; the editor's revision is kept and the conflict is recorded (resolve it with `curate edit \(id)`)"
                    : "\(id): re-ingested under an editor's revision; the editor's revision is kept")
        }
    }

    /// Records that `raw` is not the base of the editor's `intended` content (a derived row; the log does not hold it).
    private static func recordConflict(
        task: String, dataset: String, raw: TaskRevisionRecord, intended: String, fields: TaskFieldChanges,
        cause: String, revisionID: Int64?,
        at: Date, in tx: ReviewTransaction
    ) throws {
        let key = SHA256.hex("conflict\n\(task)\n\(raw.contentHash)\n\(intended)\n\(cause)")
        guard !(try tx.actionKeys(dataset: dataset).contains(key)) else { return }
        _ = try tx.insert(
            ReviewActionRecord(
                key: key, dataset: dataset, taskID: task, kind: .conflict, baseHash: raw.contentHash,
                resultHash: intended, revisionID: revisionID,
                fields: CanonicalJSON.string(fields), editor: "curate",
                reason: "the raw record changed under an editor's revision", createdAt: at))
    }
}

extension ReviewActionRecord {
    /// The audit row mirroring an edit log line (outcome, revision and fields are filled in by whoever applies it).
    init(_ entry: EditLogEntry, line: String, dataset: String) {
        self.init(
            key: SHA256.hex(line), dataset: dataset, taskID: entry.task, kind: Kind(rawValue: entry.kind.rawValue)!,
            baseHash: entry.base,
            resultHash: entry.result, status: entry.status?.rawValue, stage: entry.stage, code: entry.code,
            severity: entry.severity,
            message: entry.message, editor: entry.editor, reason: entry.reason, createdAt: entry.date, line: line)
    }
}
