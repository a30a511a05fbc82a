import Foundation

/// One argument of a MathQA DSL step.
public enum MathQAArgument: Sendable, Hashable {
    /// `n<i>`: the i-th number of the problem text.
    case number(Int)
    /// `#<k>`: the result of step k.
    case step(Int)
    /// `const_*`: a named constant with its value.
    case constant(name: String, value: Double)
}

/// One step `op(arg,…)` of a MathQA program, with where it starts in the `linear_formula`.
public struct MathQAStep: Sendable, Hashable {
    public var operation: String
    public var arguments: [MathQAArgument]
    /// Character offset of the step in the formula.
    public var offset: Int
}

/// A problem with a MathQA program, located for the report: which step, at which character, and what is wrong.
public struct MathQAProgramError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case malformed, unknownOperation, wrongArity, missingNumber, futureStep
    }

    public var kind: Kind
    /// 0-based step index, nil when the program as a whole is wrong (e.g. empty).
    public var step: Int?
    /// Character offset in the formula.
    public var offset: Int
    public var message: String

    /// "step 2 (char 17)".
    public var location: String {
        step.map { "step \($0) (char \(offset))" } ?? "char \(offset)"
    }

    public var description: String { "\(location): \(message)" }
}

/// A parsed MathQA `linear_formula`: steps separated by `|`, a trailing `|` allowed.
public struct MathQAProgram: Sendable, Hashable {
    public var steps: [MathQAStep]

    /// Parses a formula, checking syntax and that `#k` refers to an earlier step; operations and arity are
    /// checked by `validate(numberCount:operations:)`.
    public static func parse(_ formula: String) throws(MathQAProgramError) -> MathQAProgram {
        let chars = Array(formula)
        var pieces: [(text: [Character], offset: Int)] = []
        var start = 0
        for (i, c) in chars.enumerated() where c == "|" {
            pieces.append((Array(chars[start..<i]), start))
            start = i + 1
        }
        pieces.append((Array(chars[start...]), start))
        if let last = pieces.last, last.text.isEmpty, pieces.count > 1 { pieces.removeLast() }
        var steps: [MathQAStep] = []
        for (index, piece) in pieces.enumerated() {
            steps.append(try parseStep(piece.text, offset: piece.offset, index: index))
        }
        if steps.isEmpty {
            throw MathQAProgramError(kind: .malformed, step: nil, offset: 0, message: "empty program")
        }
        return MathQAProgram(steps: steps)
    }

    private static func parseStep(_ text: [Character], offset: Int, index: Int) throws(MathQAProgramError) -> MathQAStep
    {
        func fail(_ kind: MathQAProgramError.Kind, _ at: Int, _ message: String) -> MathQAProgramError {
            MathQAProgramError(kind: kind, step: index, offset: offset + at, message: message)
        }
        guard !text.isEmpty else { throw fail(.malformed, 0, "empty step") }
        guard let open = text.firstIndex(of: "(") else {
            throw fail(.malformed, 0, "expected \"op(args)\", found \"\(String(text))\"")
        }
        let name = String(text[..<open])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) else {
            throw fail(.malformed, 0, "bad operation name \"\(name)\"")
        }
        guard text.last == ")" else { throw fail(.malformed, text.count, "missing \")\" at the end of the step") }
        let inner = Array(text[(open + 1)..<(text.count - 1)])
        if let bad = inner.firstIndex(where: { $0 == "(" || $0 == ")" }) {
            throw fail(.malformed, open + 1 + bad, "unexpected \"\(inner[bad])\" inside the arguments")
        }
        var arguments: [MathQAArgument] = []
        var argStart = 0
        for i in 0...inner.count where i == inner.count || inner[i] == "," {
            let token = String(inner[argStart..<i])
            let at = open + 1 + argStart
            guard let argument = parseArgument(token) else {
                throw fail(.malformed, at, token.isEmpty ? "empty argument" : "bad argument \"\(token)\"")
            }
            if case .step(let k) = argument, k >= index {
                throw fail(.futureStep, at, "\"\(token)\" refers to step \(k), which is not before step \(index)")
            }
            arguments.append(argument)
            argStart = i + 1
        }
        return MathQAStep(operation: name, arguments: arguments, offset: offset)
    }

    static func parseArgument(_ token: String) -> MathQAArgument? {
        if token.hasPrefix("n"), let i = Int(token.dropFirst()), token.dropFirst().allSatisfy(\.isASCII) {
            return .number(i)
        }
        if token.hasPrefix("#"), let k = Int(token.dropFirst()), token.dropFirst().allSatisfy(\.isASCII) {
            return .step(k)
        }
        if token.hasPrefix("const_"), let value = constantValue(token) { return .constant(name: token, value: value) }
        return nil
    }

    /// Value of a `const_*` name: `const_pi`, `const_deg_to_rad` (π/180), `const_100`, `const_3_6` = 3.6,
    /// `const_0_2778` = 0.2778, `const_2.0` = 2.
    public static func constantValue(_ name: String) -> Double? {
        if name == "const_pi" { return Double.pi }
        if name == "const_deg_to_rad" { return Double.pi / 180 }
        let body = Array(name.dropFirst("const_".count).unicodeScalars)
        var numbers: [String] = []
        var i = 0
        while i < body.count {
            if let end = MathQANumbers.matchEnd(body, at: i) {
                numbers.append(MathQANumbers.withoutSeparators(String(String.UnicodeScalarView(body[i..<end]))))
                i = end
            } else {
                guard body[i] == "_" else { return nil }
                i += 1
            }
        }
        switch numbers.count {
        case 1: return Double(numbers[0])
        case 2:
            guard let whole = Double(numbers[0]), let fraction = Double("0." + numbers[1]) else { return nil }
            return whole + fraction
        default: return nil
        }
    }

    /// Checks each step against the operation table and the problem's numbers; returns the first problem found.
    public func validate(numberCount: Int, operations: [String: MathQAOperation]) -> MathQAProgramError? {
        for (index, step) in steps.enumerated() {
            guard let operation = operations[step.operation] else {
                return MathQAProgramError(
                    kind: .unknownOperation, step: index, offset: step.offset,
                    message: "unknown operation \"\(step.operation)\"")
            }
            if step.arguments.count != operation.arity {
                return MathQAProgramError(
                    kind: .wrongArity, step: index, offset: step.offset,
                    message:
                        "\(step.operation) takes \(operation.arity) argument\(operation.arity == 1 ? "" : "s"), got \(step.arguments.count)"
                )
            }
            for argument in step.arguments {
                if case .number(let i) = argument, i >= numberCount {
                    return MathQAProgramError(
                        kind: .missingNumber, step: index, offset: step.offset,
                        message:
                            "n\(i) does not exist: the problem text has \(numberCount) number\(numberCount == 1 ? "" : "s")"
                    )
                }
            }
        }
        return nil
    }
}
