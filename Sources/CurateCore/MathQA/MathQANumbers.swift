import Foundation

/// Number scanning the way the MathQA-Python conversion does it: signed decimals with `,ddd` thousands groups and
/// exponents, matched left to right (the pattern `[-+]?[.]?\d+(?:,\d\d\d)*[.]?\d*(?:[eE][-+]?\d+)?`).
public enum MathQANumbers {
    /// One number found in a text: the matched characters and their value (thousands separators removed).
    public struct Match: Sendable, Hashable {
        public var text: String
        public var value: Double
        /// Offset of the first character, in Unicode scalars.
        public var offset: Int
    }

    /// Every number in `text`, in order of appearance.
    public static func scan(_ text: String) -> [Match] {
        let scalars = Array(text.unicodeScalars)
        var matches: [Match] = []
        var i = 0
        while let range = nextMatch(scalars, from: i) {
            let raw = String(String.UnicodeScalarView(scalars[range]))
            if let value = Double(withoutSeparators(raw)) {
                matches.append(Match(text: raw, value: value, offset: range.lowerBound))
            }
            i = range.upperBound
        }
        return matches
    }

    /// Values of every number in `text`.
    public static func values(_ text: String) -> [Double] { scan(text).map(\.value) }

    /// Like `values`, but a `-`/`+` glued to the previous word or number (`10-15`, `x-3`) is a hyphen, not a sign.
    public static func unsignedValues(_ text: String) -> [Double] { unsignedValues(scan(text), in: text) }

    /// `unsignedValues` of `text` from its `scan` matches.
    static func unsignedValues(_ matches: [Match], in text: String) -> [Double] {
        let scalars = Array(text.unicodeScalars)
        return matches.map { match in
            guard match.text.first == "-" || match.text.first == "+", match.offset > 0, scalars[match.offset - 1] != " "
            else {
                return match.value
            }
            return match.value.magnitude
        }
    }

    /// The first number at or after scalar offset `from`.
    static func first(in scalars: [Unicode.Scalar], from: Int) -> Double? {
        nextMatch(scalars, from: from).flatMap {
            Double(withoutSeparators(String(String.UnicodeScalarView(scalars[$0]))))
        }
    }

    /// The scalars of the first number match starting at or after `from`.
    private static func nextMatch(_ scalars: [Unicode.Scalar], from: Int) -> Range<Int>? {
        var i = max(0, from)
        while i < scalars.count {
            if let end = matchEnd(scalars, at: i) { return i..<end }
            i += 1
        }
        return nil
    }

    /// A matched number's text without its thousands separators, as `Double` parses it.
    static func withoutSeparators(_ text: String) -> String { text.replacingOccurrences(of: ",", with: "") }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

    /// End of a number match starting exactly at `start`, or nil.
    static func matchEnd(_ s: [Unicode.Scalar], at start: Int) -> Int? {
        var i = start
        let n = s.count
        if i < n, s[i] == "-" || s[i] == "+" { i += 1 }
        if i < n, s[i] == "." { i += 1 }
        guard i < n, isDigit(s[i]) else { return nil }
        while i < n, isDigit(s[i]) { i += 1 }
        while i + 3 < n, s[i] == ",", isDigit(s[i + 1]), isDigit(s[i + 2]), isDigit(s[i + 3]) { i += 4 }
        if i < n, s[i] == "." { i += 1 }
        while i < n, isDigit(s[i]) { i += 1 }
        if i < n, s[i] == "e" || s[i] == "E" {
            var j = i + 1
            if j < n, s[j] == "-" || s[j] == "+" { j += 1 }
            if j < n, isDigit(s[j]) {
                while j < n, isDigit(s[j]) { j += 1 }
                i = j
            }
        }
        return i
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, fixed notation for exponents -4…15, else scientific.
public enum PythonFloat {
    /// The text `repr(x)` prints in CPython 3.
    public static func repr(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, exponent) = decompose(x)
        let sign = negative ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Sign, significant digits (no leading/trailing zeros) and decimal exponent of the first digit, from Swift's
    /// shortest round-trip description.
    static func decompose(_ x: Double) -> (Bool, String, Int) {
        var text = x.magnitude.description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var all = intPart + fracPart
        var pointPosition = intPart.count
        while all.first == "0" {
            all.removeFirst()
            pointPosition -= 1
        }
        while all.last == "0" { all.removeLast() }
        if all.isEmpty { all = "0" }
        return (x < 0, all, exponent + pointPosition - 1)
    }
}
