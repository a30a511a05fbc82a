import CurateStore
import Foundation

/// A review status of a task.
public enum ReviewStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case unreviewed, approved
    case needsWork = "needs-work"
    case excluded
}

/// One line of a dataset's edit log (`edits/DATASET.jsonl`): an editor action, replayable on any store.
public struct EditLogEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case edit, status, flag, dismiss, reinstate
    }

    public var kind: Kind
    public var task: String
    /// Content hash the action was made on: an edit's base, the revision a status, flag or decision is for.
    public var base: String?
    /// An edit's resulting content hash.
    public var result: String?
    /// An edit's changed fields with their new values.
    public var fields: TaskFieldChanges?
    public var status: ReviewStatus?
    /// A flag's stage (dismiss, reinstate) and code (flag, dismiss, reinstate).
    public var stage: String?
    public var code: String?
    public var severity: String?
    public var message: String?
    public var editor: String
    public var reason: String
    /// ISO 8601 UTC time with milliseconds.
    public var time: String

    public init(
        kind: Kind, task: String, base: String? = nil, result: String? = nil, fields: TaskFieldChanges? = nil,
        status: ReviewStatus? = nil,
        stage: String? = nil, code: String? = nil, severity: String? = nil, message: String? = nil, editor: String,
        reason: String, time: Date
    ) {
        self.kind = kind
        self.task = task
        self.base = base
        self.result = result
        self.fields = fields
        self.status = status
        self.stage = stage
        self.code = code
        self.severity = severity
        self.message = message
        self.editor = editor
        self.reason = reason
        self.time = EditLog.timeString(time)
    }

    /// The line as written: canonical JSON (sorted keys), no trailing newline.
    public var line: String { CanonicalJSON.string(self) }

    /// The dataset part of the task id.
    public var dataset: String { TaskID.split(task)?.dataset ?? task }

    /// The time as a date (the store's `createdAt`, so a replay writes the same times).
    public var date: Date { EditLog.date(time) ?? Date(timeIntervalSince1970: 0) }
}

/// An entry read back from a log, with where it is and its key (sha256 of its line).
public struct EditLogLine: Sendable, Hashable {
    public var entry: EditLogEntry
    public var line: String
    public var number: Int
    public var key: String { SHA256.hex(line) }
}

/// Problems with the review pass: unknown tasks, stale bases, failing revisions, unreadable logs.
public enum ReviewError: LocalizedError, Equatable {
    case unknownTask(String)
    case unknownFlag(Int64)
    /// The base the editor started from is no longer the task's newest content (someone saved in between).
    case staleBase(task: String, base: String, current: String)
    case noChanges(task: String)
    case failingRevision(task: String, verdict: RevisionVerdict)
    case missingEditor
    case missingReason
    case badFlagCode(String)
    case noSandbox
    case unreadableLog(path: String, line: Int, reason: String)
    case logWrite(path: String, reason: String)
    case resultMismatch(path: String, line: Int, task: String)
    case unresolvedConflicts(dataset: String, tasks: [String])

    public var errorDescription: String? {
        switch self {
        case .unknownTask(let id): return "no task '\(id)' in the store. Run `curate list` to see the ids."
        case .unknownFlag(let id): return "no flag #\(id) in the store. Run `curate show TASK` to see the flag ids."
        case .staleBase(let task, let base, let current):
            return
                "'\(task)' changed since you opened it (your base \(base.prefix(12)), now \(current.prefix(12))). Reload the task and apply your change again."
        case .noChanges(let task): return "nothing changed in '\(task)'; no revision recorded."
        case .failingRevision(let task, let verdict):
            return
                "the new revision of '\(task)' does not pass its tests (\(verdict.summary)); not recorded. Fix it, or pass --allow-failing to record it anyway."
        case .missingEditor: return "an editor name is needed: pass --editor NAME (or set CURATE_EDITOR_NAME)."
        case .missingReason:
            return "a reason is needed: pass --reason WHY; it is kept in the edit log and the release card."
        case .badFlagCode(let code):
            return "flag code '\(code)' must start with 'editor/' (e.g. editor/ambiguous-description)."
        case .noSandbox: return "this review desk has no execution pool, so it cannot revalidate a revision."
        case .unreadableLog(let path, let line, let reason):
            return "\(path):\(line): \(reason). Fix the line (the edit log is one JSON object per line) and run again."
        case .logWrite(let path, let reason):
            return "cannot append to the edit log '\(path)': \(reason). Check the folder exists and is writable."
        case .resultMismatch(let path, let line, let task):
            return
                "\(path):\(line): replaying the edit of '\(task)' does not give its recorded result hash; the line was changed by hand. Restore it from git."
        case .unresolvedConflicts(let dataset, let tasks):
            return
                "dataset '\(dataset)' has unresolved edit conflicts (\(tasks.prefix(10).joined(separator: ", "))): a raw record changed under an editor's revision. Resolve each with `curate edit ID` (`curate review status ID` shows both versions) before releasing."
        }
    }
}

/// The committed edit log of a dataset: reading it, and appending one durable line.
public enum EditLog {
    /// `DIRECTORY/DATASET.jsonl`.
    public static func path(directory: String, dataset: String) -> String {
        directory.isEmpty ? "\(dataset).jsonl" : "\(directory)/\(dataset).jsonl"
    }

    /// Every entry of the log at `path` in order; an absent file is an empty log.
    public static func read(_ path: String) throws -> [EditLogLine] {
        try rawLines(path).map { try decode($0.text, number: $0.number, path: path) }
    }

    /// The log's non-blank lines with their line numbers, undecoded.
    static func rawLines(_ path: String) throws -> [(number: Int, text: String)] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReviewError.unreadableLog(path: path, line: 0, reason: error.localizedDescription)
        }
        return TaskDocument.lines(String(decoding: data, as: UTF8.self)).enumerated()
            .filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty }.map { ($0.offset + 1, $0.element) }
    }

    /// One line as an entry, or an error naming the file and line.
    static func decode(_ text: String, number: Int, path: String) throws -> EditLogLine {
        do {
            let entry = try JSONDecoder().decode(EditLogEntry.self, from: Data(text.utf8))
            guard date(entry.time) != nil else {
                throw ReviewError.unreadableLog(
                    path: path, line: number, reason: "time '\(entry.time)' is not ISO 8601 UTC")
            }
            return EditLogLine(entry: entry, line: text, number: number)
        } catch let error as ReviewError {
            throw error
        } catch {
            throw ReviewError.unreadableLog(
                path: path, line: number, reason: "not an edit log entry (\(describe(error)))")
        }
    }

    /// Appends `line` and a newline, then fsyncs the file (and its folder when the file is new). Returns the
    /// file's previous size, to truncate back to if the store transaction then fails.
    public static func append(_ line: String, to path: String) throws -> off_t {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let isNew = !FileManager.default.fileExists(atPath: path)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ReviewError.logWrite(path: path, reason: error.localizedDescription)
        }
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw ReviewError.logWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        let previous = info.st_size
        var bytes = Data()
        if previous > 0, !endsWithNewline(fd: fd, size: previous) { bytes.append(0x0A) }
        bytes.append(contentsOf: Array(line.utf8))
        bytes.append(0x0A)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = ftruncate(fd, previous)
            throw ReviewError.logWrite(path: path, reason: reason)
        }
        if isNew {
            let dir = open(folder, O_RDONLY)
            if dir >= 0 {
                fsync(dir)
                close(dir)
            }
        }
        return previous
    }

    /// Cuts the log back to `size` bytes (undoing an append whose store transaction failed) and fsyncs it.
    public static func truncate(_ path: String, to size: off_t) {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return }
        _ = ftruncate(fd, size)
        fsync(fd)
        close(fd)
    }

    private static func endsWithNewline(fd: Int32, size: off_t) -> Bool {
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, size - 1) == 1 && byte == 0x0A
    }

    static func timeString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "'\(path)': \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
