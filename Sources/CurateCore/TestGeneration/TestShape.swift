import Foundation

/// How an original test checks the entry point's result, so a generated test on a new input checks it the same way
/// (a correct alternative solution that passes the original tests should pass the generated ones too).
///
/// Read from the test's text with a small Python tokenizer: `assert X == Y` where one side calls the entry point once
/// (`set(f(a)) == set(b)` compares sets, so its generated tests do too), `assert math.isclose(f(a), b, rel_tol=…)`,
/// `assert f(a)` and `assert not f(a)`.
public struct TestShape: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `assert <call side> == <expected>` (either order).
        case equality
        /// An `isclose(<call side>, <expected>, …)` call.
        case isclose
        /// `assert <call side>` or `assert not <call side>`.
        case truth
    }

    public var kind: Kind
    /// The expression around the call with the call replaced by `_curate_result`: evaluated on a probe's result, its
    /// `repr()` is the expected value (for `truth`, wrapped in `bool(…)`).
    public var view: String
    /// The assert expression split around the call's arguments and the expected value (`truth`: no expected).
    private var beforeArguments: String
    private var betweenArgumentsAndExpected: String
    private var afterExpected: String
    private var expectedFirst: Bool
    /// The call side alone, around the call's arguments (`assert X`, `assert not X`, or `isclose(X, …)` for floats).
    private var callSideBefore: String
    private var callSideAfter: String

    /// The shape of `test` for calls to `entryPoint`, or nil when the test is not one of the shapes above.
    public static func of(test: String, entryPoint: String) -> TestShape? {
        let text = test.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let tokens = PythonTokens.scan(text), tokens.first?.text == "assert",
            !tokens.contains(where: { $0.text == ";" || $0.isNewline })
        else { return nil }
        let body = Array(tokens.dropFirst())
        let expression = Array(body.prefix(while: { !($0.text == "," && $0.depth == 0) }))
        guard !expression.isEmpty else { return nil }
        let calls = expression.indices.filter { index in
            expression[index].text == entryPoint && expression[index].isName
                && index + 1 < expression.count && expression[index + 1].text == "("
                && (index == 0 || expression[index - 1].text != ".")
        }
        guard calls.count == 1, let nameIndex = calls.first,
            let close = PythonTokens.matching(expression, open: nameIndex + 1)
        else { return nil }
        let call = (name: expression[nameIndex], open: expression[nameIndex + 1], close: expression[close])
        let bytes = Array(text.utf8)
        func slice(_ from: Int, _ to: Int) -> String {
            from < to ? String(decoding: bytes[from..<to], as: UTF8.self) : ""
        }
        let end = expression.last!.end
        let start = expression.first!.start
        /// The shape whose call side spans `side` and whose expected value spans `expected` (token index ranges).
        func make(_ kind: Kind, side: Range<Int>, expected: Range<Int>?) -> TestShape? {
            guard side.contains(nameIndex), side.contains(close) else { return nil }
            let sideStart = expression[side.lowerBound].start, sideEnd = expression[side.upperBound - 1].end
            let view = slice(sideStart, call.name.start) + "_curate_result" + slice(call.close.end, sideEnd)
            let before = slice(sideStart, call.open.end), after = slice(call.close.start, sideEnd)
            guard let expected else {
                return TestShape(
                    kind: kind, view: "bool(\(view))", beforeArguments: "", betweenArgumentsAndExpected: "",
                    afterExpected: "", expectedFirst: false, callSideBefore: before, callSideAfter: after)
            }
            let expectedStart = expression[expected.lowerBound].start
            let expectedEnd = expression[expected.upperBound - 1].end
            if expectedStart > sideEnd {
                return TestShape(
                    kind: kind, view: view, beforeArguments: slice(start, call.open.end),
                    betweenArgumentsAndExpected: slice(call.close.start, expectedStart),
                    afterExpected: slice(expectedEnd, end), expectedFirst: false, callSideBefore: before,
                    callSideAfter: after)
            }
            return TestShape(
                kind: kind, view: view, beforeArguments: slice(start, expectedStart),
                betweenArgumentsAndExpected: slice(expectedEnd, call.open.end),
                afterExpected: slice(call.close.start, end), expectedFirst: true, callSideBefore: before,
                callSideAfter: after)
        }
        let comparisons = expression.indices.filter { expression[$0].depth == 0 && expression[$0].isComparison }
        if !comparisons.isEmpty,
            expression.contains(where: { $0.depth == 0 && ($0.isBooleanOperator || $0.text == "not") })
        {
            return nil
        }
        if comparisons.count == 1, let operatorIndex = comparisons.first, expression[operatorIndex].text == "==" {
            let left = 0..<operatorIndex, right = (operatorIndex + 1)..<expression.count
            guard !left.isEmpty, !right.isEmpty else { return nil }
            return left.contains(nameIndex)
                ? make(.equality, side: left, expected: right) : make(.equality, side: right, expected: left)
        }
        guard comparisons.isEmpty else { return nil }
        if let shape = isclose(expression, make: make) { return shape }
        let negated = expression[0].text == "not"
        let side = (negated ? 1 : 0)..<expression.count
        guard !side.isEmpty, !expression[side].contains(where: { $0.depth == 0 && $0.isBooleanOperator }) else {
            return nil
        }
        return make(.truth, side: side, expected: nil)
    }

    /// `[module.]isclose(<call side>, <expected>, …)` spanning the whole expression.
    private static func isclose(
        _ expression: [PythonTokens.Token], make: (Kind, Range<Int>, Range<Int>?) -> TestShape?
    ) -> TestShape? {
        guard let open = expression.firstIndex(where: { $0.text == "(" }), open > 0,
            expression[open - 1].text == "isclose",
            expression[0..<open].allSatisfy({ $0.isName || $0.text == "." }),
            PythonTokens.matching(expression, open: open) == expression.count - 1
        else { return nil }
        let commas = (open + 1..<expression.count - 1).filter {
            expression[$0].text == "," && expression[$0].depth == expression[open].depth + 1
        }
        guard let first = commas.first else { return nil }
        let second = commas.count > 1 ? commas[1] : expression.count - 1
        return make(.isclose, (open + 1)..<first, (first + 1)..<second)
    }

    /// The call side for a new input (e.g. `set(f(1, 2))`).
    public func callSide(arguments: String) -> String { callSideBefore + arguments + callSideAfter }

    /// The generated test for a new input: `arguments` is the text between the call's parentheses, `expected` the
    /// repr of the view's value (for `truth`: `True` or `False`).
    public func statement(arguments: String, expected: String) -> String {
        switch kind {
        case .truth:
            return (expected == "True" ? "assert " : "assert not ") + callSideBefore + arguments + callSideAfter
        case .equality, .isclose:
            if expectedFirst {
                return "assert " + beforeArguments + expected + betweenArgumentsAndExpected + arguments + afterExpected
            }
            return "assert " + beforeArguments + arguments + betweenArgumentsAndExpected + expected + afterExpected
        }
    }
}

/// A small Python tokenizer for one test statement: names, numbers, strings (any prefix, any quotes), operators and
/// brackets, each with its byte range and bracket depth.
enum PythonTokens {
    struct Token: Sendable, Hashable {
        var text: String
        var start: Int
        var end: Int
        var depth: Int
        var isName: Bool
        var isNewline: Bool

        var isComparison: Bool { ["==", "!=", "<", ">", "<=", ">=", "in", "is"].contains(text) }
        var isBooleanOperator: Bool { text == "and" || text == "or" || text == "if" || text == "lambda" }
    }

    /// The tokens of `text`, or nil when a string or bracket is left open.
    static func scan(_ text: String) -> [Token]? {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var index = 0
        var depth = 0
        func isNameByte(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || byte >= 0x80
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            }
            let start = index
            if byte == UInt8(ascii: "\n") {
                index += 1
                if depth == 0 {
                    tokens.append(Token(text: "\n", start: start, end: index, depth: 0, isName: false, isNewline: true))
                }
                continue
            }
            if isNameByte(byte) {
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                if index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\""),
                    word.count <= 3, word.lowercased().allSatisfy({ "rbuf".contains($0) })
                {
                    guard let stringEnd = skipString(bytes, from: index) else { return nil }
                    index = stringEnd
                    tokens.append(token(bytes, start, index, depth, name: false))
                    continue
                }
                let isNumber = byte >= 0x30 && byte <= 0x39
                if isNumber {
                    while index < bytes.count,
                        isNameByte(bytes[index]) || bytes[index] == UInt8(ascii: ".")
                            || ((bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"))
                                && (bytes[index - 1] | 0x20) == UInt8(ascii: "e"))
                    {
                        index += 1
                    }
                }
                tokens.append(token(bytes, start, index, depth, name: !isNumber))
                continue
            }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                guard let stringEnd = skipString(bytes, from: index) else { return nil }
                index = stringEnd
                tokens.append(token(bytes, start, index, depth, name: false))
                continue
            }
            if "([{".utf8.contains(byte) {
                index += 1
                tokens.append(token(bytes, start, index, depth, name: false))
                depth += 1
                continue
            }
            if ")]}".utf8.contains(byte) {
                depth -= 1
                guard depth >= 0 else { return nil }
                index += 1
                tokens.append(token(bytes, start, index, depth, name: false))
                continue
            }
            let pair = index + 1 < bytes.count ? String(decoding: bytes[index...index + 1], as: UTF8.self) : ""
            let operators = ["==", "!=", "<=", ">=", "**", "//", "->", ":=", "<<", ">>"]
            if byte == UInt8(ascii: "."), index + 1 < bytes.count, bytes[index + 1] >= 0x30, bytes[index + 1] <= 0x39 {
                index += 1
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            } else {
                index += operators.contains(pair) ? 2 : 1
            }
            tokens.append(token(bytes, start, index, depth, name: false))
        }
        return depth == 0 ? tokens : nil
    }

    /// The index of the bracket closing the one at `open`.
    static func matching(_ tokens: [Token], open: Int) -> Int? {
        guard open < tokens.count, "([{".contains(tokens[open].text) else { return nil }
        let depth = tokens[open].depth
        return tokens[(open + 1)...].firstIndex { $0.depth == depth && ")]}".contains($0.text) }
    }

    private static func token(_ bytes: [UInt8], _ start: Int, _ end: Int, _ depth: Int, name: Bool) -> Token {
        Token(
            text: String(decoding: bytes[start..<end], as: UTF8.self), start: start, end: end, depth: depth,
            isName: name, isNewline: false)
    }

    /// The end of the string literal whose opening quote is at `from`, or nil when it does not close.
    private static func skipString(_ bytes: [UInt8], from: Int) -> Int? {
        let quote = bytes[from]
        let triple = from + 2 < bytes.count && bytes[from + 1] == quote && bytes[from + 2] == quote
        var index = from + (triple ? 3 : 1)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == quote {
                if !triple { return index + 1 }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote { return index + 3 }
            } else if byte == UInt8(ascii: "\n") && !triple {
                return nil
            }
            index += 1
        }
        return nil
    }
}
