import CurateCore
import Foundation
import Testing

@Suite struct MutantGeneratorTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var source: String
        var mutationOperator: String
        var mutant: String
        var testDescription: String { "\(mutationOperator): \(mutant.split(separator: "\n").dropFirst().first ?? "")" }
    }

    /// One real mutant per operator: the reference, the operator, and the whole expected mutant text.
    static let examples: [Example] = [
        Example(
            source: "def f(a, b):\n    return a + b\n", mutationOperator: "arithmetic",
            mutant: "def f(a, b):\n    return a - b\n"),
        Example(
            source: "def f(a, b, c):\n    return c - a * b\n", mutationOperator: "arithmetic",
            mutant: "def f(a, b, c):\n    return c - (a + b)\n"),
        Example(
            source: "def f(a, b):\n    return a & b\n", mutationOperator: "bitwise",
            mutant: "def f(a, b):\n    return a | b\n"),
        Example(
            source: "def f(n):\n    while n > 1:\n        n //= 2\n    return n\n", mutationOperator: "augmented",
            mutant: "def f(n):\n    while n > 1:\n        n *= 2\n    return n\n"),
        Example(
            source: "def f(a, b):\n    return a < b\n", mutationOperator: "comparison",
            mutant: "def f(a, b):\n    return a >= b\n"),
        Example(
            source: "def f(a, b):\n    return a < b\n", mutationOperator: "boundary",
            mutant: "def f(a, b):\n    return a <= b\n"),
        Example(
            source: "def f(x):\n    if x > 0 and x < 10:\n        return 1\n    return 0\n",
            mutationOperator: "logical",
            mutant: "def f(x):\n    if x > 0 or x < 10:\n        return 1\n    return 0\n"),
        Example(
            source: "def f(x):\n    return not x\n", mutationOperator: "logical", mutant: "def f(x):\n    return x\n"),
        Example(
            source: "def f(x):\n    if x > 0 and x < 10:\n        return 1\n    return 0\n",
            mutationOperator: "constant",
            mutant: "def f(x):\n    if x > 0 and x < 11:\n        return 1\n    return 0\n"),
        Example(
            source: "def f(s):\n    return s == 'x'\n", mutationOperator: "constant",
            mutant: "def f(s):\n    return s == ''\n"),
        Example(
            source: "def f():\n    return True\n", mutationOperator: "constant", mutant: "def f():\n    return False\n"),
        Example(
            source: "def f(n):\n    while n > 1:\n        n //= 2\n    return n\n",
            mutationOperator: "negate-condition",
            mutant: "def f(n):\n    while not (n > 1):\n        n //= 2\n    return n\n"),
        Example(
            source: "def f(x):\n    return 'a' if x else 'b'\n", mutationOperator: "negate-condition",
            mutant: "def f(x):\n    return 'a' if not (x) else 'b'\n"),
        Example(
            source: "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n",
            mutationOperator: "remove-statement",
            mutant: "def f(xs):\n    total = 0\n    for x in xs:\n        pass\n    return total\n"),
        Example(
            source: "def f(a, b):\n    return a + b\n", mutationOperator: "return-value",
            mutant: "def f(a, b):\n    return None\n"),
        Example(
            source: "def f(a, b):\n    return (a, b)\n", mutationOperator: "return-value",
            mutant: "def f(a, b):\n    return (b, a)\n"),
        Example(
            source: "def f(a, b):\n    return a - b\n", mutationOperator: "swap-operands",
            mutant: "def f(a, b):\n    return b - a\n"),
        Example(
            source: "def f(s, k):\n    return s[k:]\n", mutationOperator: "slice",
            mutant: "def f(s, k):\n    return s[k - 1:]\n"),
        Example(
            source: "def f(xs, i):\n    return xs[i]\n", mutationOperator: "index",
            mutant: "def f(xs, i):\n    return xs[i + 1]\n"),
        Example(
            source: "def f(n):\n    return [i for i in range(n)]\n", mutationOperator: "range-bound",
            mutant: "def f(n):\n    return [i for i in range(n + 1)]\n"),
    ]

    static func mutants(_ source: String, max: Int = 40) async throws -> [Mutant] {
        let output = try await MutantGenerator.mutants(of: [(id: "t", source: source)], maxMutants: max, python: nil)
        guard case .mutants(let mutants)? = output["t"] else {
            Issue.record("no mutants for \(source): \(String(describing: output["t"]))")
            return []
        }
        return mutants
    }

    /// `source` with the mutant's span (1-based lines, UTF-8 columns) replaced by its replacement text.
    static func splice(_ source: String, _ mutant: Mutant) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        func offset(_ line: Int, _ column: Int) -> Int {
            lines[..<(line - 1)].map { $0.count + 1 }.reduce(0, +) + column
        }
        let bytes = Array(source.utf8)
        let start = offset(mutant.line, mutant.column), end = offset(mutant.endLine, mutant.endColumn)
        #expect(String(decoding: bytes[start..<end], as: UTF8.self) == mutant.original)
        return String(decoding: bytes[..<start] + Array(mutant.replacement.utf8) + bytes[end...], as: UTF8.self)
    }

    @Test(arguments: examples) func operatorMakesTheExpectedMutant(_ example: Example) async throws {
        let mutants = try await Self.mutants(example.source)
        let match = try #require(mutants.first { $0.source == example.mutant })
        #expect(match.mutationOperator == example.mutationOperator)
        #expect(Self.splice(example.source, match) == example.mutant)
        #expect(Set(mutants.map(\.source)).count == mutants.count)
        #expect(!mutants.contains { $0.source == example.source })
    }

    @Test func diffShowsOnlyTheChangedLine() async throws {
        let source = "def f(a, b):\n    c = a\n    return a + b\n"
        let mutant = try #require(try await Self.mutants(source).first { $0.mutationOperator == "arithmetic" })
        #expect(
            mutant.diff(from: source)
                == "--- reference\n+++ mutant\n@@ -2,3 +2,3 @@\n     c = a\n-    return a + b\n+    return a - b\n ")
        #expect(mutant.line == 3 && mutant.column == 11 && mutant.endLine == 3 && mutant.endColumn == 16)
    }

    @Test func outputIsDeterministicAndTheCapSpreadsOverOperators() async throws {
        let source = "def f(x):\n    if x > 0 and x < 10:\n        return 1\n    return 0\n"
        let first = try await Self.mutants(source)
        #expect(try await Self.mutants(source) == first)
        #expect(first.count == 18)
        let capped = try await Self.mutants(source, max: 3)
        #expect(capped.map(\.mutationOperator) == ["boundary", "comparison", "constant"])
        #expect(capped.allSatisfy { first.contains($0) })
    }

    @Test func sourceThatDoesNotParseIsReportedNotMutated() async throws {
        let output = try await MutantGenerator.mutants(
            of: [(id: "bad", source: "def f(:\n"), (id: "good", source: "def f():\n    return 1\n")], maxMutants: 5,
            python: nil, processes: 2)
        guard case .unparsable(let message)? = output["bad"] else {
            Issue.record("expected unparsable, got \(String(describing: output["bad"]))")
            return
        }
        #expect(message.hasPrefix("SyntaxError"))
        guard case .mutants(let mutants)? = output["good"] else {
            Issue.record("expected mutants")
            return
        }
        #expect(
            mutants.map(\.source) == [
                "def f():\n    return None\n", "def f():\n    return 2\n", "def f():\n    return 0\n",
            ])
    }
}
