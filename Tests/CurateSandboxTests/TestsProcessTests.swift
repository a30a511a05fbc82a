import CurateSandbox
import Foundation
import Testing

/// What tests see of a solution that runs in another process: plain values, objects by reference, exceptions by
/// type and message, arguments changed in place.
struct TestsProcessTests {
    func run(_ solution: String, _ tests: [String], setup: String = "", entryPoint: String? = nil) async throws
        -> ExecutionVerdict
    {
        let pool = try await SharedPool.get()
        return try await pool.run(
            ExecutionRequest(solution: solution, testSetup: setup, tests: tests, entryPoint: entryPoint))
    }

    @Test(arguments: [
        "None", "True", "-7", "2 ** 20000", "float('inf')", "-0.0", "3 + 4j", "'h\\u00e9'", "b'\\x00\\xff'",
        "bytearray(b'ab')",
        "(1, [2, {3: 'x'}], {4, 5}, frozenset({6}))", "{(1, 2): [None]}", "collections.OrderedDict([(2, 1), (1, 2)])",
        "collections.Counter('abca')", "collections.deque([1, 2])", "collections.namedtuple('P', 'x y')(1, 2)",
    ])
    func plainValuesCrossIntact(_ expression: String) async throws {
        let verdict = try await run(
            "import collections\ndef f():\n    return \(expression)",
            [
                "import collections\nexpected = \(expression)\nassert f() == expected and type(f()) is type(expected) or type(expected).__name__ == 'P'"
            ])
        #expect(verdict.passed, "\(expression): \(verdict.tests)")
    }

    @Test func objectsStayInTheSolutionAndCompareByIdentity() async throws {
        let verdict = try await run(
            """
            class Box:
                def __init__(self, value):
                    self.value = value
                def get(self):
                    return self.value
                def __len__(self):
                    return 3
            def make(value):
                return Box(value)
            def unwrap(box):
                return box.value
            """,
            [
                "b = make(5)\nassert b.get() == 5 and b.value == 5 and len(b) == 3",
                "b = Box(1)\nb.value = 9\nassert unwrap(b) == 9",
                "assert make(1) != make(1)",
                "assert make(1) == 1",
            ])
        #expect(verdict.tests == [.passed, .passed, .passed, .assertionFailed(message: "")])
    }

    @Test func argumentsChangedInPlaceComeBack() async throws {
        let verdict = try await run(
            "def fill(xs, d, s):\n    xs.sort()\n    d['k'] = 1\n    s.add(2)",
            ["a, d, s = [3, 1, 2], {}, set()\nfill(a, d, s)\nassert a == [1, 2, 3] and d == {'k': 1} and s == {2}"])
        #expect(verdict.passed, "\(verdict.tests)")
    }

    @Test func exceptionsAreRaisedAgainByTypeAndMessage() async throws {
        let verdict = try await run(
            """
            class Invalid(Exception):
                pass
            def check(x):
                if x < 0:
                    raise ValueError('negative: %d' % x)
                if x == 0:
                    raise Invalid('zero')
                return x
            """,
            [
                "try:\n    check(-1)\n    assert False\nexcept ValueError as error:\n    assert str(error) == 'negative: -1'",
                "check(0)",
                "check(-2)",
            ])
        #expect(
            verdict.tests == [
                .passed, .error(type: "Invalid", message: "zero"), .error(type: "ValueError", message: "negative: -2"),
            ])
    }

    @Test func humanEvalStyleChecksAndSetupWork() async throws {
        let verdict = try await run(
            "def double(x):\n    print('doubling', x)\n    return 2 * x",
            ["check(double)"],
            setup:
                "import math\ndef check(candidate):\n    assert candidate(2) == 4\n    assert math.isclose(candidate(0.5), 1.0)"
        )
        #expect(verdict.passed, "\(verdict.tests)")
        #expect(verdict.stdout == "doubling 2\ndoubling 0.5\n")
    }

    @Test func theEntryPointMayShadowABuiltin() async throws {
        let solution = "def sum(a, b):\n    return a - b"
        let shadowing = try await run(solution, ["assert sum(10, 4) == 6"], entryPoint: "sum")
        #expect(shadowing.passed)
        let refused = try await run(solution, ["assert sum([1, 2]) == 3"], entryPoint: "other")
        #expect(refused.passed)
    }
}
