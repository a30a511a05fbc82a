import Foundation

/// Reads one task source format: its name, the dataset it fills by default, a sniff, and the decoding.
/// Adding a format is one file with a reader, one line in `IngestFormat.readers`, and a test.
protocol TaskSourceReader: SendableMetatype {
    /// The name `--format` and a pipeline's `format:` take.
    static var name: String { get }
    /// The dataset used when none is given.
    static var defaultDataset: String { get }
    /// How well a file matches this format, from its lowercased file name without `.gz` and its first (decompressed)
    /// bytes as trimmed text; nil when it does not match.
    static func sniff(name: String, head: String) -> SniffMatch?
    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult
}

/// How strongly a sniff matched; the strongest wins, ties go to the earlier reader in `IngestFormat.readers`.
enum SniffMatch: Int, Comparable {
    /// Only the content's general shape fits (e.g. a JSON object per line).
    case fallback
    /// The content has the format's telltale fields.
    case content
    /// The file name names the format.
    case name
    /// The file extension is the format's.
    case fileExtension

    static func < (a: SniffMatch, b: SniffMatch) -> Bool { a.rawValue < b.rawValue }
}

/// A task source format: the name `--format` and a pipeline's `format:` take; `auto` detects it from the file.
public struct IngestFormat: RawRepresentable, Hashable, Codable, Sendable {
    public let rawValue: String

    public init?(rawValue: String) {
        guard rawValue == "auto" || Self.readers.contains(where: { $0.name == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    init(_ reader: any TaskSourceReader.Type) { rawValue = reader.name }

    /// Every reader, in listing order (also the tie-break of detection).
    static let readers: [any TaskSourceReader.Type] = [
        MBPPReader.self, SanitizedMBPPReader.self, HumanEvalReader.self, NotebookReader.self, CSVReader.self,
        MTurkXMLReader.self,
    ]

    /// Detect the format from the file.
    public static let auto = IngestFormat(rawValue: "auto")!
    /// `auto` and every reader's format.
    public static var allCases: [IngestFormat] { [.auto] + readers.map(IngestFormat.init) }

    /// The reader of this format (MBPP's for `auto`).
    var reader: any TaskSourceReader.Type { Self.readers.first { $0.name == rawValue } ?? MBPPReader.self }

    /// The dataset name used when `--dataset` is not given.
    public var defaultDataset: String { reader.defaultDataset }

    /// Picks a format from the file name and its first bytes (already decompressed).
    public static func detect(path: String, head: Data) -> IngestFormat? {
        var name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let text = String(decoding: head.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var best: (reader: any TaskSourceReader.Type, match: SniffMatch)?
        for reader in readers {
            guard let match = reader.sniff(name: name, head: text) else { continue }
            if let best, match <= best.match { continue }
            best = (reader, match)
        }
        return best.map { IngestFormat($0.reader) }
    }
}

/// What reading one source file produced: the valid tasks and the problems found.
public struct SourceReadResult: Sendable {
    public var tasks: [IngestedTask] = []
    public var diagnostics: [Diagnostic] = []
    /// Records seen, valid or not.
    public var records = 0
    public init() {}

    mutating func reject(_ file: String, _ location: String, _ message: String) {
        diagnostics.append(Diagnostic(.error, file: file, location: location, message))
    }

    /// Decodes one record: its task is kept, or its problem becomes an error at `location`.
    mutating func record(_ file: String, _ location: String, prefix: String = "", _ decode: () throws -> IngestedTask) {
        do {
            tasks.append(try decode())
        } catch let problem as RecordProblem {
            reject(file, location, prefix + problem.message)
        } catch {
            reject(file, location, prefix + error.localizedDescription)
        }
    }
}

/// A problem with one record, raised while decoding it and reported with the record's location.
struct RecordProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Typed access to a decoded JSON object's fields, with messages that name the field and the expected type.
struct JSONFields {
    let object: [String: Any]

    init(_ value: Any) throws {
        guard let object = value as? [String: Any] else { throw RecordProblem("expected a JSON object") }
        self.object = object
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key] else { throw RecordProblem("missing field '\(key)' (expected a string)") }
        guard let string = value as? String else { throw RecordProblem("field '\(key)' must be a string") }
        return string
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let string = value as? String else { throw RecordProblem("field '\(key)' must be a string") }
        return string
    }

    func strings(_ key: String, required: Bool = true) throws -> [String] {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw RecordProblem("missing field '\(key)' (expected an array of strings)") }
            return []
        }
        guard let array = value as? [Any], let strings = array as? [String], strings.count == array.count else {
            throw RecordProblem("field '\(key)' must be an array of strings")
        }
        return strings
    }

    /// An id given as an integer or a string.
    func identifier(_ key: String) throws -> String {
        guard let value = object[key] else { throw RecordProblem("missing field '\(key)' (expected an id)") }
        if let string = value as? String, !string.isEmpty { return string }
        if !(value is String), let int = value as? Int { return String(int) }
        throw RecordProblem("field '\(key)' must be an integer or a non-empty string")
    }
}
