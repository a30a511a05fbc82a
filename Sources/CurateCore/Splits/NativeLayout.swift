import Foundation

/// A JSON value with ordered object keys, written the way Python's `json.dumps` writes it (ASCII escapes, ", " and ": ").
public indirect enum OrderedJSON: Sendable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.serialized == b.serialized }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialized) }

    /// One line of JSON, byte-compatible with Python's `json.dumps(value)` for strings, ints, lists and dicts.
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .string(let s): Self.writeString(s, into: &out)
        case .int(let i): out += String(i)
        case .double(let d): out += Self.pythonRepr(d)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += ", " }
                Self.writeString(pair.0, into: &out)
                out += ": "
                pair.1.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for unit in s.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default: out += String(format: "\\u%04x", unit)
            }
        }
        out += "\""
    }

    /// Python's float repr: shortest round-trip digits, `.0` on integral values, exponent past 1e16.
    static func pythonRepr(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        var text = "\(d)"
        if text.contains("e") {
            let parts = text.split(separator: "e")
            var exponent = String(parts[1])
            if !exponent.hasPrefix("-") && !exponent.hasPrefix("+") { exponent = "+" + exponent }
            let sign = exponent.first!
            var digits = String(exponent.dropFirst())
            if digits.count < 2 { digits = "0" + digits }
            var mantissa = String(parts[0])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            text = "\(mantissa)e\(sign)\(digits)"
        }
        return text
    }
}

/// The record layout a dataset is released in: its source's own fields, in its own key order.
public enum NativeLayout: String, Sendable, Codable, CaseIterable {
    case mbpp
    case sanitizedMBPP = "mbpp-sanitized"
    case humaneval
    case mathqaPython = "mathqa-python"
    /// curate's canonical fields, for datasets with no native layout (crowd submissions).
    case canonical

    /// The layout for a dataset name when the pipeline does not say.
    public static func forDataset(_ dataset: String) -> NativeLayout {
        if dataset == "mbpp" { return .mbpp }
        if dataset.hasPrefix("mbpp-sanitized") { return .sanitizedMBPP }
        if dataset.hasPrefix("humaneval") { return .humaneval }
        if dataset.hasPrefix("mathqa-python") { return .mathqaPython }
        return .canonical
    }

    /// Column names and Hugging Face feature types, in record order, declared in the dataset card so every split
    /// loads with one schema (an empty list would otherwise infer as `list<null>`).
    public var features: [(name: String, type: String)] {
        switch self {
        case .mbpp:
            return [
                ("text", "string"), ("code", "string"), ("task_id", "int64"), ("test_setup_code", "string"),
                ("test_list", "[string]"), ("challenge_test_list", "[string]"),
            ]
        case .sanitizedMBPP:
            return [
                ("source_file", "string"), ("task_id", "int64"), ("prompt", "string"), ("code", "string"),
                ("test_imports", "[string]"), ("test_list", "[string]"),
            ]
        case .humaneval:
            return [
                ("task_id", "string"), ("prompt", "string"), ("entry_point", "string"),
                ("canonical_solution", "string"), ("test", "string"),
            ]
        case .mathqaPython:
            return [
                ("text", "string"), ("code", "string"), ("dsl_code", "string"), ("reasoning", "string"),
                ("answer", "float64"), ("task_id", "int64"),
            ]
        case .canonical:
            return [
                ("task_id", "string"), ("description", "string"), ("code", "string"), ("test_setup_code", "string"),
                ("test_list", "[string]"), ("challenge_test_list", "[string]"), ("entry_point", "string"),
                ("metadata", "string"),
            ]
        }
    }

    /// One released record.
    public func record(sourceID: String, content c: TaskContent) -> OrderedJSON {
        let numericID: OrderedJSON = Int(sourceID).map { .int($0) } ?? .string(sourceID)
        let strings = { (list: [String]) in OrderedJSON.array(list.map { .string($0) }) }
        switch self {
        case .mbpp:
            return .object([
                ("text", .string(c.description)), ("code", .string(c.solution)), ("task_id", numericID),
                ("test_setup_code", .string(c.testSetup)), ("test_list", strings(c.tests)),
                ("challenge_test_list", strings(c.challengeTests)),
            ])
        case .sanitizedMBPP:
            let imports = c.testSetup.isEmpty ? [] : c.testSetup.components(separatedBy: "\n")
            return .object([
                ("source_file", .string(c.metadata["source_file"] ?? "")), ("task_id", numericID),
                ("prompt", .string(c.description)), ("code", .string(c.solution)),
                ("test_imports", strings(imports)), ("test_list", strings(c.tests)),
            ])
        case .humaneval:
            let prompt = c.metadata["prompt"] ?? ""
            let body = c.solution.hasPrefix(prompt) ? String(c.solution.dropFirst(prompt.count)) : c.solution
            return .object([
                ("task_id", .string(sourceID)), ("prompt", .string(prompt)),
                ("entry_point", .string(c.entryPoint ?? "")),
                ("canonical_solution", .string(body)), ("test", .string(c.testSetup)),
            ])
        case .mathqaPython:
            let answer: OrderedJSON = c.metadata["answer"].flatMap(Double.init).map { .double($0) } ?? .null
            // MathQA-Python's task_id is the record's index in its MathQA file (source ids are `<split>/<index>`).
            let index = sourceID.split(separator: "/").last.flatMap { Int($0) }.map { OrderedJSON.int($0) } ?? numericID
            return .object([
                ("text", .string(c.metadata["text"] ?? c.description)), ("code", .string(c.solution)),
                ("dsl_code", .string(c.metadata["dsl_code"] ?? "")),
                ("reasoning", .string(c.metadata["reasoning"] ?? "")),
                ("answer", answer), ("task_id", index),
            ])
        case .canonical:
            return .object([
                ("task_id", .string(sourceID)), ("description", .string(c.description)), ("code", .string(c.solution)),
                ("test_setup_code", .string(c.testSetup)), ("test_list", strings(c.tests)),
                ("challenge_test_list", strings(c.challengeTests)),
                ("entry_point", c.entryPoint.map { .string($0) } ?? .null),
                (
                    "metadata",
                    .string(
                        OrderedJSON.object(c.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                            .serialized)
                ),
            ])
        }
    }
}
