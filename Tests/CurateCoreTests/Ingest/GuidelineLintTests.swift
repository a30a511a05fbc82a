import CurateCore
import Testing

/// Each guideline rule with examples that trigger it and examples that do not.
struct GuidelineLintTests {
    static func task(
        _ description: String = "Write a function to add two numbers.",
        code: String = "def add(a, b):\n    return a + b",
        tests: [String] = ["assert add(1, 2) == 3", "assert add(0, 0) == 0", "assert add(-1, 1) == 0"],
        setup: String = ""
    ) -> TaskContent {
        TaskContent(
            description: description, solution: code, testSetup: setup, tests: tests,
            entryPoint: PythonSource.inferEntryPoint(solution: code, tests: tests))
    }

    static let triggering: [(String, TaskContent)] = [
        ("lint/one-problem", task("Write a function to add two numbers. Write a function to sort a list.")),
        ("lint/one-problem", task("What is the sum? What is the product?")),
        ("lint/defines-function", task(code: "x = 1 + 2")),
        ("lint/no-print", task(code: "def add(a, b):\n    print(a + b)\n    return a + b")),
        ("lint/no-input", task(code: "def add(a, b):\n    c = input()\n    return a + b")),
        ("lint/min-tests", task(tests: ["assert add(1, 2) == 3", "assert add(0, 0) == 0"])),
        (
            "lint/tests-call-entry-point",
            task(tests: ["assert add(1, 2) == 3", "assert add(0, 0) == 0", "assert 1 + 1 == 2"])
        ),
        (
            "lint/imports-inside-code",
            task(
                code: "def root(x):\n    return math.sqrt(x)",
                tests: ["assert root(4) == 2", "assert root(9) == 3", "assert root(0) == 0"], setup: "import math")
        ),
        ("lint/no-global-state", task(code: "seen = []\ndef add(a, b):\n    seen.append(a)\n    return a + b")),
        (
            "lint/no-global-state",
            task(code: "count = 0\ndef add(a, b):\n    global count\n    count += 1\n    return a + b")
        ),
        (
            "lint/function-name-style",
            task(
                code: "def addNumbers(a, b):\n    return a + b",
                tests: ["assert addNumbers(1, 2) == 3", "assert addNumbers(0, 0) == 0", "assert addNumbers(2, 2) == 4"])
        ),
    ]

    static let clean: [(String, TaskContent)] = [
        ("lint/one-problem", task("Write a function to find the maximum of three numbers.")),
        ("lint/defines-function", task()),
        ("lint/no-print", task(code: "def add(a, b):\n    # print(a)\n    return 'print(' and a + b")),
        ("lint/no-input", task(code: "def add(a, b):\n    input_value = a\n    return input_value + b")),
        ("lint/min-tests", task()),
        ("lint/tests-call-entry-point", task()),
        (
            "lint/imports-inside-code",
            task(
                code: "import math\ndef root(x):\n    return math.sqrt(x)",
                tests: ["assert root(4) == 2", "assert root(9) == 3", "assert root(0) == 0"], setup: "import math")
        ),
        ("lint/no-global-state", task(code: "LIMIT = 256\ndef add(a, b):\n    return (a + b) % LIMIT")),
        (
            "lint/function-name-style",
            task(
                code: "def add_two(a, b):\n    return a + b",
                tests: ["assert add_two(1, 2) == 3", "assert add_two(0, 0) == 0", "assert add_two(2, 2) == 4"])
        ),
    ]

    @Test(arguments: triggering)
    func ruleTriggers(rule: String, task: TaskContent) {
        #expect(GuidelineLint.findings(for: task).map(\.rule.id).contains(rule))
    }

    @Test(arguments: clean)
    func ruleStaysQuiet(rule: String, task: TaskContent) {
        #expect(!GuidelineLint.findings(for: task).map(\.rule.id).contains(rule))
    }

    @Test func everyRuleHasExamplesBothWays() {
        let ids = Set(GuidelineLint.rules.map(\.id))
        #expect(Set(Self.triggering.map(\.0)) == ids)
        #expect(Set(Self.clean.map(\.0)) == ids)
    }
}

struct PythonSourceTests {
    @Test(arguments: [
        ("def f(x):\n    return g(x)\ndef g(y):\n    return y", ["assert g(1) == 1", "assert f(2) == 2"], "g"),
        ("R = 3\r\ndef min_cost(cost, m, n):\r\n\treturn 0", ["assert min_cost([[1]], 0, 0) == 0"], "min_cost"),
        (
            "class Pair(object):\n    pass\ndef max_chain_length(arr, n):\n    return 1",
            ["assert max_chain_length([Pair(5, 24)], 1) == 1"], "max_chain_length"
        ),
        ("def helper():\n    pass\ndef main_fn():\n    pass", ["assert True"], "main_fn"),
        // A builtin the solution shadows is the entry point only when the tests call nothing else it defines.
        (
            "def add(a, b):\n    return a + b + 1\ndef int(value):\n    return value - 1\n",
            ["assert int(add(1, 2)) == 3"], "add"
        ),
        ("def sum(a, b):\n    return a % b\n", ["assert sum(10, 4) == 2"], "sum"),
    ])
    func entryPointInference(code: String, tests: [String], expected: String) {
        #expect(PythonSource.inferEntryPoint(solution: code, tests: tests) == expected)
    }

    @Test func importedNames() {
        let names = PythonSource.importedNames(
            "import re, heapq as hq\nfrom collections import Counter, defaultdict as dd\n  import math")
        #expect(names == ["re", "hq", "Counter", "dd", "math"])
    }
}
