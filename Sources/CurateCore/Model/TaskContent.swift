import CurateStore
import Foundation

/// The canonical, source-independent content of one task revision; everything a later stage needs to run or release it.
public struct TaskContent: Codable, Sendable, Hashable {
    /// Natural-language description shown to a model.
    public var description: String
    /// Reference solution, verbatim as received (line endings included).
    public var solution: String
    /// Code run before the tests (imports, fixtures); may be empty.
    public var testSetup: String
    /// Test statements, each one assert (or a call that asserts), run in order.
    public var tests: [String]
    /// Extra, harder tests when the source has them.
    public var challengeTests: [String]
    /// The function under test, from the source or inferred from code and tests.
    public var entryPoint: String?
    /// Import statements the solution or tests rely on.
    public var imports: [String]
    /// Free metadata: category, worker id, license and source-native fields needed to write the native layout.
    public var metadata: [String: String]

    public init(
        description: String, solution: String, testSetup: String = "", tests: [String],
        challengeTests: [String] = [], entryPoint: String? = nil, imports: [String] = [],
        metadata: [String: String] = [:]
    ) {
        self.description = description
        self.solution = solution
        self.testSetup = testSetup
        self.tests = tests
        self.challengeTests = challengeTests
        self.entryPoint = entryPoint
        self.imports = imports
        self.metadata = metadata
    }

    /// Canonical JSON bytes (sorted keys), the input of `contentHash`.
    public func canonicalJSON() -> Data {
        CanonicalJSON.encode(self)
    }

    /// sha256 of the canonical JSON: the identity of this content across stores and machines.
    public var contentHash: String {
        SHA256.hex(canonicalJSON())
    }

    /// Decodes content stored by `canonicalJSON()`.
    public static func decode(_ json: String) throws -> TaskContent {
        try JSONDecoder().decode(TaskContent.self, from: Data(json.utf8))
    }
}

/// Where a task revision came from: the file, the record inside it and the raw bytes' hash.
public struct Provenance: Codable, Sendable, Hashable {
    public var sourcePath: String
    /// Human-readable location: "line 17", "record 3", "cell 12".
    public var location: String
    public var rawSHA256: String

    public init(sourcePath: String, location: String, rawSHA256: String) {
        self.sourcePath = sourcePath
        self.location = location
        self.rawSHA256 = rawSHA256
    }
}

/// One task as read from a source, before it is stored: its dataset-scoped id, content and provenance.
public struct IngestedTask: Sendable, Hashable {
    public var dataset: String
    /// The id inside the source (`11`, `HumanEval/0`).
    public var sourceID: String
    public var content: TaskContent
    public var provenance: Provenance

    /// Dataset-scoped id, e.g. `mbpp/11`, `humaneval/HumanEval/0`.
    public var id: String { TaskID.make(dataset: dataset, sourceID: sourceID) }

    public init(dataset: String, sourceID: String, content: TaskContent, provenance: Provenance) {
        self.dataset = dataset
        self.sourceID = sourceID
        self.content = content
        self.provenance = provenance
    }
}

/// Helpers for dataset-scoped task ids (`dataset/sourceID`).
public enum TaskID {
    public static func make(dataset: String, sourceID: String) -> String { "\(dataset)/\(sourceID)" }

    /// Splits `mbpp/11` into (`mbpp`, `11`); the dataset is everything before the first slash.
    public static func split(_ id: String) -> (dataset: String, sourceID: String)? {
        guard let slash = id.firstIndex(of: "/") else { return nil }
        return (String(id[..<slash]), String(id[id.index(after: slash)...]))
    }

    /// Orders ids naturally: numeric source ids by value (`mbpp/2` before `mbpp/10`), others lexically.
    public static func naturalLess(_ a: String, _ b: String) -> Bool {
        let pa = split(a), pb = split(b)
        if let pa, let pb, pa.dataset == pb.dataset {
            return naturalLessComponent(pa.sourceID, pb.sourceID)
        }
        return a < b
    }

    static func naturalLessComponent(_ a: String, _ b: String) -> Bool {
        let na = trailingNumber(a), nb = trailingNumber(b)
        if na.prefix == nb.prefix, let x = na.number, let y = nb.number, x != y { return x < y }
        return a < b
    }

    private static func trailingNumber(_ s: String) -> (prefix: Substring, number: Int?) {
        let digits = s.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 18 else { return (Substring(s), nil) }
        let prefix = s.dropLast(digits.count)
        return (prefix, Int(String(digits.reversed())))
    }
}

extension IncomingRevision {
    /// A revision of `content`, its stored JSON and `contentHash` taken from one canonical encoding.
    public init(
        taskID: String, dataset: String, sourceID: String, content: TaskContent, origin: TaskRevisionRecord.Origin,
        author: String,
        note: String? = nil, sourcePath: String? = nil, sourceLocation: String? = nil, rawSHA256: String? = nil,
        flags: [NewFlag] = []
    ) {
        let json = content.canonicalJSON()
        self.init(
            taskID: taskID, dataset: dataset, sourceID: sourceID, contentHash: SHA256.hex(json),
            content: String(decoding: json, as: UTF8.self),
            origin: origin, author: author, note: note, sourcePath: sourcePath, sourceLocation: sourceLocation,
            rawSHA256: rawSHA256,
            flags: flags)
    }
}
