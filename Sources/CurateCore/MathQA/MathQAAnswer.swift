import Foundation

/// Reading the correct option's value from MathQA's `options` string.
public enum MathQAAnswer {
    /// The published conversion's reading: the first number after `"<correct> )"`, divided by the next number when
    /// a `/` sits where a fraction's slash would be after that number's Python text. nil when no number follows.
    public static func compat(options: String, correct: String) -> Double? {
        let scalars = Array(options.unicodeScalars)
        let index = scalars.firstRange(of: Array("\(correct) )".unicodeScalars))?.lowerBound ?? -1
        let start = index >= 0 ? index : scalars.count - 1
        guard var value = MathQANumbers.first(in: scalars, from: start) else { return nil }
        let slash = index + PythonFloat.repr(value).unicodeScalars.count + 3
        if slash >= 0, slash < scalars.count, scalars[slash] == "/" {
            guard let denominator = MathQANumbers.first(in: scalars, from: slash), denominator != 0 else { return nil }
            value /= denominator
        }
        return value
    }

    /// A fuller reading of the correct option: ratios `4 : 5`, mixed numbers `2 1 / 2`, fractions of decimals
    /// `1.5 / 2`, thousands separators and currency prefixes. nil when the option holds no number.
    public static func extended(options: String, correct: String) -> (value: Double, format: String)? {
        guard let text = optionText(options: options, correct: correct) else { return nil }
        let tokens = text.split(separator: " ").map(String.init).filter { !$0.isEmpty }
        var numbers: [(Double, Int)] = []
        for (i, token) in tokens.enumerated() {
            let cleaned = isThousandsGrouped(token) ? MathQANumbers.withoutSeparators(token) : token
            if let value = Double(cleaned), cleaned.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true {
                numbers.append((value, i))
            }
        }
        guard let first = numbers.first else { return nil }
        func token(_ i: Int) -> String? { i < tokens.count ? tokens[i] : nil }
        if numbers.count >= 3, numbers[1].1 == first.1 + 1, token(first.1 + 2) == "/", numbers[2].1 == first.1 + 3,
            numbers[2].0 != 0
        {
            let sign: Double = first.0 < 0 ? -1 : 1
            return (first.0 + sign * numbers[1].0 / numbers[2].0, "mixed-number")
        }
        if numbers.count >= 2, numbers[1].1 == first.1 + 2, numbers[1].0 != 0 {
            if token(first.1 + 1) == "/" { return (first.0 / numbers[1].0, "fraction") }
            if token(first.1 + 1) == ":" { return (first.0 / numbers[1].0, "ratio") }
        }
        return (first.0, "number")
    }

    /// `1,234` or `-12,345.5`: commas only between groups of three digits (so `40,0` stays a pair, not 400).
    static func isThousandsGrouped(_ token: String) -> Bool {
        guard token.contains(",") else { return false }
        let body = token.hasPrefix("-") ? token.dropFirst() : Substring(token)
        let integer = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let groups = integer.split(separator: ",", omittingEmptySubsequences: false)
        guard let head = groups.first, (1...3).contains(head.count) else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isNumber) } && groups.dropFirst().allSatisfy { $0.count == 3 }
    }

    /// The text of one option (`c ) 4 : 5` → `4 : 5`).
    static func optionText(options: String, correct: String) -> String? {
        let marker = "\(correct) )"
        var searchStart = options.startIndex
        while let range = options.range(of: marker, range: searchStart..<options.endIndex) {
            let before = options[options.startIndex..<range.lowerBound]
            if before.isEmpty || before.hasSuffix(", ") || before.hasSuffix(",") || before.hasSuffix("[")
                || before.hasSuffix("'")
            {
                var rest = options[range.upperBound...]
                for letter in ["a", "b", "c", "d", "e"] where letter != correct {
                    if let next = rest.range(of: ", \(letter) )") { rest = rest[rest.startIndex..<next.lowerBound] }
                }
                return rest.trimmingCharacters(in: .whitespaces)
            }
            searchStart = range.upperBound
        }
        return nil
    }

    /// `math.isclose(a, b, rel_tol:)` with no absolute tolerance.
    public static func isClose(_ a: Double, _ b: Double, relativeTolerance: Double = 0.01) -> Bool {
        if a == b { return true }
        if a.isInfinite || b.isInfinite || a.isNaN || b.isNaN { return false }
        let difference = (a - b).magnitude
        return difference <= relativeTolerance * Swift.max(a.magnitude, b.magnitude)
    }
}
