import CurateStore
import Foundation

/// Fatal ingest problems (a bad record is a diagnostic instead).
public enum IngestError: LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case missing(path: String)
    case unknownFormat(path: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason). Check that the file exists and is readable."
        case .missing(let path):
            return "'\(path)' does not exist. Check the path (it is relative to the working directory)."
        case .unknownFormat(let path):
            return
                "cannot tell the format of '\(path)'. Pass --format with one of: \(IngestFormat.allCases.filter { $0 != .auto }.map(\.rawValue).joined(separator: ", "))."
        }
    }
}

/// Options of one `curate ingest` call.
public struct IngestOptions: Sendable {
    public var dataset: String?
    public var format: IngestFormat
    /// Reject a whole file when any record in it is malformed.
    public var strict: Bool
    public var author: String
    /// Largest unpacked size of one gzip input, in bytes (a decompression-bomb guard).
    public var maxUnpackedBytes: Int

    public init(
        dataset: String? = nil, format: IngestFormat = .auto, strict: Bool = false, author: String = "ingest",
        maxUnpackedBytes: Int = Gzip.defaultUnpackedLimit
    ) {
        self.dataset = dataset
        self.format = format
        self.strict = strict
        self.author = author
        self.maxUnpackedBytes = maxUnpackedBytes
    }
}

/// What ingesting one file did.
public struct IngestFileReport: Sendable, Codable, Hashable {
    public var path: String
    public var format: String
    public var dataset: String
    public var records: Int
    public var accepted: Int
    public var rejected: Int
    public var newTasks: Int
    public var newRevisions: Int
    public var unchanged: Int
    public var lintFlags: Int
    /// True when `--strict` rejected the whole file, or it could not be read.
    public var fileRejected: Bool
    /// Why the file could not be read at all (missing, a directory, corrupt gzip), if so.
    public var unreadable: String?
    public var diagnostics: [Diagnostic]
}

/// What one ingest call did, file by file.
public struct IngestReport: Sendable, Codable, Hashable {
    public var files: [IngestFileReport]
    public var diagnostics: [Diagnostic] { files.flatMap(\.diagnostics) }
    public var hasRejections: Bool { files.contains { $0.rejected > 0 || $0.fileRejected } }
    /// Records not stored: rejected ones, or all of a rejected file's (none counted for a file that could not be read).
    public var rejectedRecords: Int { files.reduce(0) { $0 + ($1.fileRejected ? $1.records : $1.rejected) } }

    /// One line saying what was not stored and why, or nil when everything was.
    public var failureSummary: String? {
        guard hasRejections else { return nil }
        var parts = files.compactMap { file -> String? in
            if let reason = file.unreadable { return "'\(file.path)' \(reason)" }
            return file.fileRejected && file.records == 0 ? "nothing in '\(file.path)' could be read as tasks" : nil
        }
        if rejectedRecords > 0 { parts.append("\(rejectedRecords) record(s) not stored") }
        return parts.joined(separator: "; ")
    }
}

/// Reads task sources, lints each task and stores new revisions; one file is one transaction.
public struct Ingestor: Sendable {
    public let store: TaskStore

    public init(store: TaskStore) { self.store = store }

    /// Ingests the files in order; a file that cannot be read is reported and the others still go in.
    public func ingest(paths: [String], options: IngestOptions) -> IngestReport {
        IngestReport(files: paths.map { ingest(path: $0, options: options) })
    }

    func ingest(path: String, options: IngestOptions) -> IngestFileReport {
        var report = IngestFileReport(
            path: path, format: options.format.rawValue, dataset: options.dataset ?? "", records: 0, accepted: 0,
            rejected: 0, newTasks: 0, newRevisions: 0, unchanged: 0, lintFlags: 0, fileRejected: false, diagnostics: [])
        let bytes: Data
        do {
            bytes = try Self.readBytes(path, limit: options.maxUnpackedBytes)
        } catch {
            report.fileRejected = true
            report.unreadable = Self.unreadableReason(error)
            report.diagnostics.append(
                Diagnostic(.error, file: path, (error as? LocalizedError)?.errorDescription ?? "\(error)"))
            return report
        }
        do {
            let format =
                options.format == .auto ? IngestFormat.detect(path: path, head: bytes.prefix(8192)) : options.format
            guard let format, format != .auto else { throw IngestError.unknownFormat(path: path) }
            let dataset = options.dataset ?? format.defaultDataset
            report.format = format.rawValue
            report.dataset = dataset
            let read = format.reader.read(bytes, path: path, dataset: dataset)
            report.records = read.records
            report.rejected = read.records - read.tasks.count
            report.diagnostics = read.diagnostics
            let hasErrors = read.diagnostics.contains { $0.severity == .error }
            if read.records == 0, hasErrors {
                report.fileRejected = true
                return report
            }
            if options.strict, hasErrors {
                report.fileRejected = true
                report.diagnostics.append(
                    Diagnostic(.error, file: path, "--strict: the whole file was rejected; nothing from it was stored"))
                return report
            }
            let incoming = read.tasks.map { task -> IncomingRevision in
                let flags = GuidelineLint.findings(for: task.content).map {
                    NewFlag(stage: "lint", code: $0.rule.id, severity: .warning, message: $0.message)
                }
                return IncomingRevision(
                    taskID: task.id, dataset: task.dataset, sourceID: task.sourceID, content: task.content,
                    origin: .ingest,
                    author: options.author, sourcePath: task.provenance.sourcePath,
                    sourceLocation: task.provenance.location,
                    rawSHA256: task.provenance.rawSHA256, flags: flags)
            }
            let file = IngestedFileRecord(
                path: path, sha256: SHA256.hex(bytes), format: format.rawValue, dataset: dataset,
                accepted: read.tasks.count, rejected: report.rejected, createdAt: Date())
            let outcome = try store.store(incoming, file: file)
            report.diagnostics += try EditReplay.afterIngest(
                store: store, dataset: dataset, taskIDs: incoming.map(\.taskID), path: path)
            report.accepted = read.tasks.count
            report.newTasks = outcome.newTasks
            report.newRevisions = outcome.newRevisions
            report.unchanged = outcome.unchanged
            report.lintFlags = outcome.flagsInserted
        } catch {
            report.fileRejected = true
            report.diagnostics.append(
                Diagnostic(.error, file: path, (error as? LocalizedError)?.errorDescription ?? "\(error)"))
        }
        return report
    }

    /// The file's bytes; a gzip file (by its magic) is unpacked as it is read, up to `limit` unpacked bytes.
    static func readBytes(_ path: String, limit: Int = Gzip.defaultUnpackedLimit) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw IngestError.missing(path: path)
        }
        if isDirectory.boolValue { throw IngestError.unreadable(path: path, reason: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError.unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            if Gzip.isGzip(try handle.read(upToCount: 2) ?? Data()) {
                return try Gzip.decompress(path: path, limit: limit)
            }
            try handle.seek(toOffset: 0)
            return try handle.readToEnd() ?? Data()
        } catch let error as GzipError {
            throw error
        } catch {
            throw IngestError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The short reason an unreadable file gives in the summary line.
    static func unreadableReason(_ error: Error) -> String {
        switch error {
        case IngestError.missing: return "does not exist"
        case IngestError.unreadable(_, let reason): return "cannot be read (\(reason))"
        case GzipError.tooLarge: return "unpacks beyond the size limit"
        case is GzipError: return "is not valid gzip data"
        default: return "cannot be read"
        }
    }
}
