import CurateStore
import Foundation

/// The review pass as a library: the queue, a task's page, saving editor revisions (revalidated in a warm sandbox
/// pool) and review actions. Every action is one store transaction that also appends the dataset's edit log line,
/// so the committed log and the store agree; the web workbench and `curate edit`/`curate review` both use it.
public final class ReviewDesk: Sendable {
    public let store: TaskStore
    /// The long-lived sandbox pool a save revalidates in; nil for a desk that only reads and sets statuses.
    public let pool: ExecutionPool?
    /// Folder of the edit logs (`edits`), one `DATASET.jsonl` per dataset.
    public let editsDirectory: String
    /// Limits of a save's revalidation (the validate stage's defaults, so its verdict is reused there).
    public let limits: ExecutionLimits

    /// Opens the desk and brings the store up to date with the edit logs (lines a crash left out of the store).
    public init(
        store: TaskStore, pool: ExecutionPool? = nil, editsDirectory: String = "edits",
        limits: ExecutionLimits = .default
    ) throws {
        self.store = store
        self.pool = pool
        self.editsDirectory = editsDirectory
        self.limits = limits
        try recover()
    }

    /// The edit log of `dataset`.
    public func logPath(_ dataset: String) -> String { EditLog.path(directory: editsDirectory, dataset: dataset) }

    /// Applies log lines the store lacks and re-establishes editor revisions under re-ingested raw records.
    @discardableResult
    public func recover(dataset: String? = nil) throws -> ReplayReport {
        var report = ReplayReport()
        for dataset in try dataset.map({ [$0] }) ?? store.datasets() {
            let path = logPath(dataset)
            report.add(
                try store.reviewTransaction { tx in
                    var report = try EditReplay.applyMissing(path: path, dataset: dataset, in: tx)
                    report.add(try EditReplay.reconcile(dataset: dataset, in: tx))
                    return report
                })
        }
        return report
    }

    // MARK: Reading

    /// The review queue: flagged or conflicted tasks first, then by id, with reviewed/remaining counts.
    public func queue(_ filter: ReviewQueueFilter = ReviewQueueFilter()) throws -> ReviewQueue {
        let heads = try store.heads(dataset: filter.dataset)
        let flags = try store.effectiveFlags(revisionIDs: heads.compactMap(\.revision.id))
        let state = try ReviewState(store: store, dataset: filter.dataset)
        var items = try heads.map { head -> ReviewQueueItem in
            let content = try TaskContent.decode(head.revision.content)
            let codes = Set((flags[head.revision.id!] ?? []).map(\.code)).sorted()
            return ReviewQueueItem(
                id: head.task.id, dataset: head.task.dataset, revision: head.revision.number,
                contentHash: head.revision.contentHash,
                title: (TaskDocument.lines(content.description).first { !$0.isEmpty } ?? "").trimmingCharacters(
                    in: .whitespaces),
                status: state.status(head.task.id, contentHash: head.revision.contentHash), flags: codes,
                conflict: state.conflict(head.task.id) != nil, editors: state.editors(head.task.id))
        }
        if let flag = filter.flag { items = items.filter { $0.flags.contains { $0 == flag || $0.hasPrefix(flag) } } }
        if let editor = filter.editor { items = items.filter { $0.editors.contains(editor) } }
        let reviewed = items.filter { $0.status != .unreviewed }.count
        let total = items.count
        if let status = filter.status { items = items.filter { $0.status == status } }
        items.sort { a, b in
            let fa = a.conflict || !a.flags.isEmpty, fb = b.conflict || !b.flags.isEmpty
            return fa != fb ? fa : TaskID.naturalLess(a.id, b.id)
        }
        return ReviewQueue(items: items, total: total, reviewed: reviewed, remaining: total - reviewed)
    }

    /// Everything about one task: every revision, the current verdict per assert, flags with evidence, status,
    /// an open conflict with both versions, and its audit trail.
    public func task(_ id: String) throws -> ReviewTask {
        guard let task = try store.task(id) else { throw ReviewError.unknownTask(id) }
        let revisions = try store.revisions(of: id)
        guard let head = revisions.last else { throw ReviewError.unknownTask(id) }
        let content = try TaskContent.decode(head.content)
        let dismissed = try store.dismissedFlagIDs()
        let state = try ReviewState(store: store, dataset: task.dataset)
        // A revision that repeats earlier content (kept over a re-ingest) shares that content's verdict.
        var verdict: RevisionVerdict?
        for revision in revisions.reversed() where revision.contentHash == head.contentHash {
            if let stored = try Validator.latestVerdict(store: store, revisionID: revision.id!) {
                verdict = RevisionVerdict(stored.verdict, tests: content.tests + content.challengeTests)
                break
            }
        }
        let flags = try store.flags(revisionID: head.id!).map { flag in
            ReviewFlag(
                id: flag.id!, revisionID: flag.revisionID, stage: flag.stage, code: flag.code,
                severity: flag.severity.rawValue,
                message: flag.message, evidence: flag.evidence.map { JSONValue(parsing: $0) ?? .string($0) },
                dismissed: dismissed.contains(flag.id!))
        }
        return ReviewTask(
            id: id, dataset: task.dataset, currentHash: head.contentHash, revisions: try revisions.map(Self.revision),
            verdict: verdict, flags: flags, status: Self.statusInfo(state, id, head.contentHash),
            conflict: try state.conflict(id).map { try conflictView($0, taskID: id) },
            audit: (state.actions[id] ?? []).map(ReviewAuditEntry.init))
    }

    /// The audit trail of a dataset (all when nil) or one task, newest first, at most `limit` entries.
    public func auditLog(dataset: String? = nil, taskID: String? = nil, limit: Int? = nil) throws -> [ReviewAuditEntry]
    {
        let entries = try store.reviewActions(dataset: dataset, taskID: taskID).reversed().map(ReviewAuditEntry.init)
        return limit.map { Array(entries.prefix($0)) } ?? entries
    }

    // MARK: Saving

    /// Saves `content` as a new editor revision of `id` on top of `baseHash` (the content the editor started from):
    /// revalidates it in the sandbox, refuses a failing one unless `allowFailing`, then appends the edit log line and
    /// writes the revision, its verdict and audit entry in one transaction. Throws `ReviewError.staleBase` with the
    /// current hash when `baseHash` is no longer the newest content (checked again inside the transaction). While the
    /// task is in conflict, saving its current content unchanged is allowed: it resolves the conflict keeping it.
    public func save(
        _ id: String, baseHash: String, content: TaskContent, editor: String, reason: String, allowFailing: Bool = false
    ) async throws -> ReviewSaveResult {
        let editor = try Self.checkedEditor(editor), reason = try Self.checkedReason(reason)
        guard let task = try store.task(id), let head = try store.revisions(of: id).last else {
            throw ReviewError.unknownTask(id)
        }
        guard head.contentHash == baseHash else {
            throw ReviewError.staleBase(task: id, base: baseHash, current: head.contentHash)
        }
        let json = content.canonicalJSON()
        let hash = SHA256.hex(json)
        let conflicted = ReviewState(actions: try store.reviewActions(taskID: id)).conflict(id) != nil
        guard hash != baseHash || conflicted else { throw ReviewError.noChanges(task: id) }
        guard let pool else { throw ReviewError.noSandbox }
        let options = ValidationOptions(limits: limits)
        let request = Validator.request(for: content, options: options, pythonVersion: pool.pythonVersion)
        let verdict = try await pool.run(request)
        let checked = RevisionVerdict(verdict, tests: request.tests)
        guard verdict.passed || allowFailing else { throw ReviewError.failingRevision(task: id, verdict: checked) }
        let calibrated =
            verdict.passed
            ? options.timePolicy.limit(referenceWallSeconds: verdict.wallSeconds, ceiling: limits.timeoutSeconds) : nil
        let python = pool.pythonVersion, timeout = limits.timeoutSeconds
        let (revision, line) = try commit(taskID: id, dataset: task.dataset) { tx, head, state in
            guard head.contentHash == baseHash else {
                throw ReviewError.staleBase(task: id, base: baseHash, current: head.contentHash)
            }
            // While the task is in conflict, the edit is logged on top of the raw record, so a replay resolves it too.
            let base = try state.conflict(id).flatMap { try tx.revision(id, contentHash: $0.baseHash ?? "") } ?? head
            let fields = TaskFieldChanges(from: try TaskContent.decode(base.content), to: content)
            return EditLogEntry(
                kind: .edit, task: id, base: base.contentHash, result: hash, fields: fields, editor: editor,
                reason: reason, time: Date())
        } write: { tx, head, entry, action in
            var action = action
            let revision = try tx.appendRevision(
                taskID: id, contentHash: hash, content: String(decoding: json, as: UTF8.self), origin: .editor,
                author: editor, note: reason,
                createdAt: entry.date)
            action.outcome = .applied
            action.revisionID = revision.id
            action.fields = CanonicalJSON.string(entry.fields ?? TaskFieldChanges())
            _ = try tx.insert(action)
            try tx.recordExecution(
                ExecutionRecord(
                    revisionID: revision.id!, key: request.key, status: verdict.status.rawValue, passed: verdict.passed,
                    verdict: CanonicalJSON.string(verdict), cpuSeconds: verdict.cpuSeconds,
                    wallSeconds: verdict.wallSeconds,
                    peakMemoryKB: verdict.peakMemoryKB, pythonVersion: python, timeoutSeconds: timeout,
                    calibratedTimeoutSeconds: calibrated,
                    createdAt: entry.date))
            if !verdict.passed, let code = VerdictCategory(verdict).flagCode {
                _ = try tx.insertFlag(
                    revisionID: revision.id!, taskID: id,
                    flag: NewFlag(
                        stage: "validate", code: code, severity: .error, message: "editor revision \(checked.summary)"),
                    createdAt: entry.date)
            }
            return (revision, entry.line)
        }
        FaultInjection.checkpoint("edit-committed")
        return ReviewSaveResult(revision: try Self.revision(revision), verdict: checked, logLine: line)
    }

    /// `save` with only the changed fields, applied to the content whose hash is `baseHash`.
    public func save(
        _ id: String, baseHash: String, changes: TaskFieldChanges, editor: String, reason: String,
        allowFailing: Bool = false
    ) async throws -> ReviewSaveResult {
        guard let head = try store.revisions(of: id).last else { throw ReviewError.unknownTask(id) }
        guard head.contentHash == baseHash else {
            throw ReviewError.staleBase(task: id, base: baseHash, current: head.contentHash)
        }
        let content = changes.applied(to: try TaskContent.decode(head.content))
        return try await save(
            id, baseHash: baseHash, content: content, editor: editor, reason: reason, allowFailing: allowFailing)
    }

    /// Runs `content`'s tests in the sandbox without recording anything (a preview before saving).
    public func revalidate(_ content: TaskContent) async throws -> RevisionVerdict {
        guard let pool else { throw ReviewError.noSandbox }
        let request = Validator.request(
            for: content, options: ValidationOptions(limits: limits), pythonVersion: pool.pythonVersion)
        return RevisionVerdict(try await pool.run(request), tests: request.tests)
    }

    // MARK: Review actions

    /// Sets the task's review status (`excluded` keeps it out of releases; `approved` is for its current content).
    @discardableResult
    public func setStatus(_ id: String, _ status: ReviewStatus, editor: String, reason: String) throws
        -> ReviewAuditEntry
    {
        let editor = try Self.checkedEditor(editor), reason = try Self.checkedReason(reason)
        return try record(id) { head in
            EditLogEntry(
                kind: .status, task: id, base: head.contentHash, status: status, editor: editor, reason: reason,
                time: Date())
        }
    }

    /// Raises a manual flag (code `editor/…`) on the task's newest revision.
    @discardableResult
    public func raiseFlag(
        _ id: String, code: String, message: String, severity: FlagRecord.Severity = .warning, editor: String,
        reason: String
    ) throws -> ReviewAuditEntry {
        let editor = try Self.checkedEditor(editor), reason = try Self.checkedReason(reason)
        guard code.hasPrefix("editor/"), code.count > "editor/".count, !code.contains(where: \.isWhitespace) else {
            throw ReviewError.badFlagCode(code)
        }
        return try record(id) { head in
            EditLogEntry(
                kind: .flag, task: id, base: head.contentHash, code: code, severity: severity.rawValue,
                message: message, editor: editor,
                reason: reason, time: Date())
        } write: { tx, head, entry, action in
            _ = try tx.insertFlag(
                revisionID: head.id!, taskID: id,
                flag: NewFlag(
                    stage: "editor", code: code, severity: severity, message: message,
                    evidence: CanonicalJSON.string(["editor": entry.editor, "reason": entry.reason])),
                createdAt: entry.date)
        }
    }

    /// Dismisses a flag: it no longer counts (in releases, the queue) for its revision's content, also when a stage
    /// raises it again.
    @discardableResult
    public func dismissFlag(_ flagID: Int64, editor: String, reason: String) throws -> ReviewAuditEntry {
        try decide(flagID, .dismiss, editor: editor, reason: reason)
    }

    /// Reinstates a dismissed flag.
    @discardableResult
    public func reinstateFlag(_ flagID: Int64, editor: String, reason: String) throws -> ReviewAuditEntry {
        try decide(flagID, .reinstate, editor: editor, reason: reason)
    }

    private func decide(_ flagID: Int64, _ kind: EditLogEntry.Kind, editor: String, reason: String) throws
        -> ReviewAuditEntry
    {
        let editor = try Self.checkedEditor(editor), reason = try Self.checkedReason(reason)
        guard let flag = try store.flag(id: flagID), let revision = try store.revision(id: flag.revisionID) else {
            throw ReviewError.unknownFlag(flagID)
        }
        return try record(flag.taskID) { _ in
            EditLogEntry(
                kind: kind, task: flag.taskID, base: revision.contentHash, stage: flag.stage, code: flag.code,
                editor: editor, reason: reason,
                time: Date())
        } write: { tx, _, entry, _ in
            try tx.overrideFlag(
                id: flagID, editor: editor, action: kind == .dismiss ? .dismiss : .reinstate, reason: reason,
                createdAt: entry.date)
        }
    }

    // MARK: Transactions

    /// A non-edit action: its log line and audit row, plus `write`'s extra rows, in one transaction.
    private func record(
        _ id: String, entry make: @escaping @Sendable (TaskRevisionRecord) throws -> EditLogEntry,
        write extra:
            @escaping @Sendable (ReviewTransaction, TaskRevisionRecord, EditLogEntry, ReviewActionRecord) throws -> Void =
            { _, _, _, _ in }
    ) throws -> ReviewAuditEntry {
        guard let task = try store.task(id) else { throw ReviewError.unknownTask(id) }
        return try commit(taskID: id, dataset: task.dataset) { _, head, _ in
            try make(head)
        } write: { tx, head, entry, action in
            var action = action
            action.revisionID = entry.kind == .flag ? head.id : nil
            try extra(tx, head, entry, action)
            return ReviewAuditEntry(try tx.insert(action))
        }
    }

    /// One review transaction: catches the store up with the log, builds the entry from the task's newest revision,
    /// appends and fsyncs the log line (checkpoint `edit-log-appended`), then writes the rows. A failure after the
    /// append cuts the line off again; a crash after it leaves a line that the next replay applies (idempotently).
    private func commit<T: Sendable>(
        taskID: String, dataset: String,
        entry make: @escaping @Sendable (ReviewTransaction, TaskRevisionRecord, ReviewState) throws -> EditLogEntry,
        write: @escaping @Sendable (ReviewTransaction, TaskRevisionRecord, EditLogEntry, ReviewActionRecord) throws -> T
    ) throws -> T {
        let path = logPath(dataset)
        let appended = LockedValue<off_t?>(nil)
        do {
            return try store.reviewTransaction { tx in
                _ = try EditReplay.applyMissing(path: path, dataset: dataset, in: tx)
                guard let head = try tx.head(taskID) else { throw ReviewError.unknownTask(taskID) }
                let entry = try make(tx, head, ReviewState(actions: try tx.actions(taskID: taskID)))
                let line = entry.line
                appended.set(try EditLog.append(line, to: path))
                FaultInjection.checkpoint("edit-log-appended")
                return try write(tx, head, entry, ReviewActionRecord(entry, line: line, dataset: dataset))
            }
        } catch {
            if let size = appended.get() { EditLog.truncate(path, to: size) }
            throw error
        }
    }

    // MARK: Helpers

    static func revision(_ record: TaskRevisionRecord) throws -> ReviewRevision {
        ReviewRevision(
            id: record.id!, number: record.number, contentHash: record.contentHash, origin: record.origin.rawValue,
            editor: record.author,
            reason: record.note, createdAt: record.createdAt, content: try TaskContent.decode(record.content))
    }

    static func statusInfo(_ state: ReviewState, _ id: String, _ hash: String) -> ReviewStatusInfo {
        guard let action = state.statusAction(id) else { return ReviewStatusInfo(status: .unreviewed, current: true) }
        let status = state.status(id, contentHash: hash)
        return ReviewStatusInfo(
            status: status, editor: action.editor, reason: action.reason, at: action.createdAt,
            current: status.rawValue == action.status)
    }

    private func conflictView(_ conflict: ReviewActionRecord, taskID: String) throws -> ReviewConflict {
        let raw = try store.revisions(of: taskID).last { $0.contentHash == conflict.baseHash }
        let rawFields = raw.flatMap { JSONValue(parsing: $0.content) } ?? .object([:])
        let editorFields = JSONValue(parsing: conflict.fields ?? "{}") ?? .object([:])
        guard case .object(let editorValues) = editorFields, case .object(let rawValues) = rawFields else {
            return ReviewConflict(rawHash: conflict.baseHash ?? "", at: conflict.createdAt, fields: [])
        }
        return ReviewConflict(
            rawHash: conflict.baseHash ?? "", at: conflict.createdAt,
            fields: editorValues.keys.sorted().map {
                .init(field: $0, raw: rawValues[$0] ?? .null, editor: editorValues[$0]!)
            })
    }

    static func checkedEditor(_ editor: String) throws -> String {
        let name = editor.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, !name.contains(where: \.isNewline) else { throw ReviewError.missingEditor }
        return name
    }

    static func checkedReason(_ reason: String) throws -> String {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ReviewError.missingReason }
        return text
    }
}
