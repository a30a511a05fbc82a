import Foundation

/// The task source formats `curate ingest` reads.
public enum IngestFormat: String, CaseIterable, Codable, Sendable {
    case auto
    /// MBPP `mbpp.jsonl`: task_id, text, code, test_list, test_setup_code, challenge_test_list.
    case mbpp
    /// Sanitized MBPP `sanitized-mbpp.json`: a JSON array of prompt, code, test_imports, test_list, source_file.
    case sanitizedMBPP = "sanitized-mbpp"
    /// HumanEval jsonl (plain or .gz): task_id, prompt, canonical_solution, test, entry_point.
    case humaneval
    /// A crowdworker's Jupyter notebook of (description, code, tests) cell triples.
    case notebook
    /// A CSV export with description, code and tests columns.
    case csv
    /// An MTurk-style XML answer export (`QuestionFormAnswers`).
    case mturkXML = "mturk-xml"

    /// The dataset name used when `--dataset` is not given.
    public var defaultDataset: String {
        switch self {
        case .auto, .mbpp: return "mbpp"
        case .sanitizedMBPP: return "mbpp-sanitized"
        case .humaneval: return "humaneval"
        case .notebook, .csv, .mturkXML: return "crowd"
        }
    }

    /// Picks a format from the file name and its first bytes.
    public static func detect(path: String, head: Data) -> IngestFormat? {
        let name = (path as NSString).lastPathComponent.lowercased()
        var stem = name
        if stem.hasSuffix(".gz") { stem.removeLast(3) }
        if stem.hasSuffix(".ipynb") { return .notebook }
        if stem.hasSuffix(".csv") { return .csv }
        if stem.hasSuffix(".xml") { return .mturkXML }
        if name.hasSuffix(".gz") || stem.contains("humaneval") { return .humaneval }
        let text = String(decoding: head.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if stem.hasSuffix(".json"), text.hasPrefix("[") { return .sanitizedMBPP }
        if text.hasPrefix("{") {
            if text.contains("\"canonical_solution\"") || text.contains("\"entry_point\"") { return .humaneval }
            if text.contains("\"cells\"") { return .notebook }
            return .mbpp
        }
        if text.hasPrefix("<") { return .mturkXML }
        return nil
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

/// Splits bytes into lines with 1-based line numbers, keeping each line's exact bytes (for provenance hashes).
enum LineSplitter {
    static func lines(_ data: Data) -> [(number: Int, bytes: Data)] {
        var result: [(Int, Data)] = []
        var start = data.startIndex
        var number = 1
        for index in data.indices where data[index] == 0x0A {
            result.append((number, data[start..<index]))
            start = data.index(after: index)
            number += 1
        }
        if start < data.endIndex { result.append((number, data[start..<data.endIndex])) }
        return result
    }
}
