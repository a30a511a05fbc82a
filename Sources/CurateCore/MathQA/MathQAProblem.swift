import Foundation

/// One MathQA record as published (Amini et al. 2019): problem text, rationale, options and the operation program.
public struct MathQAProblem: Codable, Sendable, Hashable {
    /// `Problem`: the word problem, tokenized with spaces.
    public var problem: String
    /// `Rationale`: the worked solution in words.
    public var rationale: String
    /// `options`: `a ) 24 , b ) 120 , …`.
    public var options: String
    /// `correct`: the letter of the correct option.
    public var correct: String
    /// `annotated_formula`: the program as one nested expression.
    public var annotatedFormula: String
    /// `linear_formula`: the program as `op(args)|op(args)|…`.
    public var linearFormula: String
    /// `category`: general, gain, physics, geometry, probability or other.
    public var category: String

    enum CodingKeys: String, CodingKey {
        case problem = "Problem"
        case rationale = "Rationale"
        case options, correct
        case annotatedFormula = "annotated_formula"
        case linearFormula = "linear_formula"
        case category
    }

    public init(
        problem: String, rationale: String = "", options: String, correct: String, annotatedFormula: String = "",
        linearFormula: String, category: String = "general"
    ) {
        self.problem = problem
        self.rationale = rationale
        self.options = options
        self.correct = correct
        self.annotatedFormula = annotatedFormula
        self.linearFormula = linearFormula
        self.category = category
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        problem = try c.decode(String.self, forKey: .problem)
        rationale = try c.decodeIfPresent(String.self, forKey: .rationale) ?? ""
        options = try c.decode(String.self, forKey: .options)
        correct = try c.decode(String.self, forKey: .correct)
        annotatedFormula = try c.decodeIfPresent(String.self, forKey: .annotatedFormula) ?? ""
        linearFormula = try c.decode(String.self, forKey: .linearFormula)
        category = try c.decodeIfPresent(String.self, forKey: .category) ?? ""
    }

    /// sha256 of the record's canonical JSON, the provenance hash of a converted task.
    public var rawSHA256: String { SHA256.hex(CanonicalJSON.encode(self)) }
}

/// A MathQA file read from disk: its split (from the file name) and records in file order.
public struct MathQAFile: Sendable {
    /// MathQA's splits in release order (reports and the `field` split policy list them this way).
    public static let splits = ["train", "dev", "test", "challenge_test"]

    public var path: String
    /// `train`, `dev`, `test`, `challenge_test`, or the file's base name for other names.
    public var split: String
    public var problems: [MathQAProblem]
    /// sha256 of the file's bytes as read (nil for files built in memory).
    public var sha256: String?

    public init(path: String, split: String, problems: [MathQAProblem], sha256: String? = nil) {
        self.path = path
        self.split = split
        self.problems = problems
        self.sha256 = sha256
    }

    /// Reads a MathQA JSON array (`train.json`, `dev.json`, `test.json`, `challenge_test.json`).
    public static func read(path: String) throws -> MathQAFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MathQAError.cannotRead(path: path, reason: error.localizedDescription)
        }
        do {
            let problems = try JSONDecoder().decode([MathQAProblem].self, from: data)
            return MathQAFile(path: path, split: splitName(path: path), problems: problems, sha256: SHA256.hex(data))
        } catch let DecodingError.keyNotFound(key, context) {
            let index = context.codingPath.first?.intValue.map { "record \($0)" } ?? "a record"
            throw MathQAError.badRecord(path: path, reason: "\(index) has no \"\(key.stringValue)\" field")
        } catch {
            throw MathQAError.badRecord(path: path, reason: "not a JSON array of MathQA records (\(error))")
        }
    }

    /// The split a file holds, from its base name (`dev.json` → `dev`).
    public static func splitName(path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
}

/// Fatal errors of the MathQA stage.
public enum MathQAError: LocalizedError, Equatable {
    case cannotRead(path: String, reason: String)
    case badRecord(path: String, reason: String)
    case verificationFailed(reason: String)

    public var errorDescription: String? {
        switch self {
        case .cannotRead(let path, let reason):
            return "cannot read MathQA file \"\(path)\": \(reason); check the path (e.g. raw/mathqa/dev.json)"
        case .badRecord(let path, let reason):
            return "\"\(path)\" is not a MathQA file: \(reason); pass MathQA's original dev/test/train JSON"
        case .verificationFailed(let reason):
            return "could not execute the generated Python: \(reason); check that python3 runs (/usr/bin/python3)"
        }
    }
}
