import Foundation

/// Reads and writes the sandbox's tagged JSON (see `PythonValue`) exactly: ints of any size stay digits, floats keep
/// Python's `NaN`/`Infinity` spellings and round-trip bit for bit (a lone surrogate in a string becomes U+FFFD).
public enum TaggedJSON {
    /// Why a text is not tagged JSON.
    public struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        public var offset: Int
        public var expected: String
        public var description: String { "tagged JSON: expected \(expected) at byte \(offset)" }
    }

    /// The value `text` encodes.
    public static func value(_ text: String) throws -> PythonValue {
        var parser = Parser(bytes: Array(text.utf8))
        let node = try parser.document()
        return try node.value()
    }

    /// The argument list `text` encodes (a JSON array of tagged values).
    public static func arguments(_ text: String) throws -> [PythonValue] {
        var parser = Parser(bytes: Array(text.utf8))
        guard case .array(let items) = try parser.document() else {
            throw Malformed(offset: 0, expected: "an array of arguments")
        }
        return try items.map { try $0.value() }
    }

    /// Tagged JSON text of `value`.
    public static func text(_ value: PythonValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    /// Tagged JSON text of an argument list.
    public static func text(arguments: [PythonValue]) -> String {
        var out = "["
        for (index, value) in arguments.enumerated() {
            if index > 0 { out += "," }
            write(value, to: &out)
        }
        return out + "]"
    }

    private static func write(_ value: PythonValue, to out: inout String) {
        switch value {
        case .none: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .bigInt(let digits):
            if digits.hasPrefix("0x") || digits.hasPrefix("-0x") {
                out += "[\"x\","
                writeString(digits, to: &out)
                out += "]"
            } else {
                out += digits
            }
        case .float(let number): out += floatText(number)
        case .complex(let real, let imaginary): out += "[\"c\",\(floatText(real)),\(floatText(imaginary))]"
        case .str(let string): writeString(string, to: &out)
        case .bytes(let data, let mutable):
            out += mutable ? "[\"Y\"," : "[\"y\","
            writeString(Data(data).base64EncodedString(), to: &out)
            out += "]"
        case .sequence(let kind, let items):
            out += "[\"\(kind.rawValue)\""
            for item in items {
                out += ","
                write(item, to: &out)
            }
            out += "]"
        case .mapping(let kind, let keys, let values):
            out += "[\"\(kind.rawValue)\""
            for (key, item) in zip(keys, values) {
                out += ","
                write(key, to: &out)
                out += ","
                write(item, to: &out)
            }
            out += "]"
        case .opaque(let text): out += text
        }
    }

    /// A float as Python's `json` reads it back: always with a `.` or exponent, `NaN`, `Infinity`, `-Infinity`.
    static func floatText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        let text = "\(number)"
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
    }

    private static func writeString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// A JSON tree with numbers kept as their text.
    indirect enum Node {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([Node])

        func value() throws -> PythonValue {
            switch self {
            case .null: return .none
            case .bool(let flag): return .bool(flag)
            case .string(let string): return .str(string)
            case .number(let text): return Self.number(text)
            case .array(let items):
                guard case .string(let tag)? = items.first else { return .opaque(text) }
                let rest = Array(items.dropFirst())
                if let kind = PythonValue.SequenceKind(rawValue: tag) {
                    return .sequence(kind, try rest.map { try $0.value() })
                }
                if let kind = PythonValue.MappingKind(rawValue: tag), rest.count % 2 == 0 {
                    let pairs = stride(from: 0, to: rest.count, by: 2).map { (rest[$0], rest[$0 + 1]) }
                    return .mapping(kind, try pairs.map { try $0.0.value() }, try pairs.map { try $0.1.value() })
                }
                switch (tag, rest.count) {
                case ("y", 1), ("Y", 1):
                    guard case .string(let base64) = rest[0], let data = Data(base64Encoded: base64) else {
                        return .opaque(text)
                    }
                    return .bytes([UInt8](data), mutable: tag == "Y")
                case ("c", 2):
                    guard case .number(let real) = rest[0], case .number(let imaginary) = rest[1],
                        let re = Double(pythonFloat: real), let im = Double(pythonFloat: imaginary)
                    else { return .opaque(text) }
                    return .complex(re, im)
                case ("x", 1):
                    guard case .string(let hex) = rest[0] else { return .opaque(text) }
                    return .bigInt(hex)
                default:
                    return .opaque(text)
                }
            }
        }

        private static func number(_ text: String) -> PythonValue {
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" || $0 == "N" || $0 == "I" }) {
                return .float(Double(pythonFloat: text) ?? .nan)
            }
            if let value = Int(text) { return .int(value) }
            return .bigInt(text)
        }

        /// Compact JSON text of the node (how an opaque node is kept).
        var text: String {
            switch self {
            case .null: return "null"
            case .bool(let flag): return flag ? "true" : "false"
            case .number(let number): return number
            case .string(let string):
                var out = ""
                TaggedJSON.writeString(string, to: &out)
                return out
            case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
            }
        }
    }

    /// A JSON parser that keeps number text and accepts Python's `NaN`, `Infinity` and `-Infinity`.
    struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> Node {
            let node = try value(depth: 0)
            skipSpace()
            guard position == bytes.count else { throw Malformed(offset: position, expected: "the end of the text") }
            return node
        }

        private mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        private mutating func literal(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard bytes.count - position >= utf8.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
                return false
            }
            position += utf8.count
            return true
        }

        private mutating func value(depth: Int) throws -> Node {
            skipSpace()
            guard position < bytes.count, depth < 200 else { throw Malformed(offset: position, expected: "a value") }
            switch bytes[position] {
            case UInt8(ascii: "["):
                position += 1
                var items: [Node] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard position < bytes.count else { throw Malformed(offset: position, expected: "',' or ']'") }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "]") {
                        position += 1
                        return .array(items)
                    } else {
                        throw Malformed(offset: position, expected: "',' or ']'")
                    }
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            default:
                if literal("null") { return .null }
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                if literal("NaN") { return .number("NaN") }
                if literal("Infinity") { return .number("Infinity") }
                if literal("-Infinity") { return .number("-Infinity") }
                let start = position
                while position < bytes.count, Self.numberBytes.contains(bytes[position]) { position += 1 }
                guard position > start else { throw Malformed(offset: position, expected: "a value") }
                return .number(String(decoding: bytes[start..<position], as: UTF8.self))
            }
        }

        private static let numberBytes = Set("0123456789+-.eE".utf8)

        private mutating func string() throws -> String {
            position += 1
            var units: [UInt16] = []
            var chunkStart = position
            func flush() {
                units.append(contentsOf: String(decoding: bytes[chunkStart..<position], as: UTF8.self).utf16)
            }
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    flush()
                    position += 1
                    return Self.decodeUTF16(units)
                }
                guard byte == UInt8(ascii: "\\") else {
                    position += 1
                    continue
                }
                flush()
                guard position + 1 < bytes.count else { break }
                let escape = bytes[position + 1]
                position += 2
                switch escape {
                case UInt8(ascii: "n"): units.append(0x0A)
                case UInt8(ascii: "t"): units.append(0x09)
                case UInt8(ascii: "r"): units.append(0x0D)
                case UInt8(ascii: "b"): units.append(0x08)
                case UInt8(ascii: "f"): units.append(0x0C)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                        let unit = UInt16(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                    else { throw Malformed(offset: position, expected: "four hex digits") }
                    units.append(unit)
                    position += 4
                default: units.append(UInt16(escape))
                }
                chunkStart = position
            }
            throw Malformed(offset: position, expected: "the end of a string")
        }

        /// UTF-16 units as a String; a lone surrogate (which Python strings may hold) becomes U+FFFD.
        private static func decodeUTF16(_ units: [UInt16]) -> String {
            String(decoding: units, as: UTF16.self)
        }
    }
}

extension Double {
    /// A float as Python's `json` writes it (`NaN`, `Infinity`, `-Infinity` included).
    init?(pythonFloat text: String) {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { return nil }
            self = value
        }
    }
}
