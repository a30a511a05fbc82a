import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

@Suite(.serialized) struct AmbiguityTests {
    static let pool = Task { try await ExecutionPool(configuration: .init(jobs: 2)) }
    static let samplesPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/filters/samples.jsonl").path

    static let tasks: [(id: String, content: TaskContent)] = [
        (
            "mbpp/2",
            TaskContent(
                description: "Write a function to find the similar elements from the given two tuple lists.",
                solution:
                    "def similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & set(test_tup2))\r\n  return (res) ",
                tests: [
                    "assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
                    "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
                    "assert similar_elements((11, 12, 14, 13),(17, 15, 14, 13)) == (13, 14)",
                ])
        ),
        (
            "mbpp/3",
            TaskContent(
                description: "Write a python function to identify non-prime numbers.",
                solution:
                    "import math\r\ndef is_not_prime(n):\r\n    result = False\r\n    for i in range(2,int(math.sqrt(n)) + 1):\r\n        if n % i == 0:\r\n            result = True\r\n    return result",
                tests: [
                    "assert is_not_prime(2) == False", "assert is_not_prime(10) == True",
                    "assert is_not_prime(35) == True",
                ])
        ),
        (
            "mbpp/4",
            TaskContent(
                description:
                    "Write a function to find the largest integers from a given list of numbers using heap queue algorithm.",
                solution:
                    "import heapq as hq\r\ndef heap_queue_largest(nums,n):\r\n  largest_nums = hq.nlargest(n, nums)\r\n  return largest_nums",
                tests: [
                    "assert heap_queue_largest( [25, 35, 22, 85, 14, 65, 75, 22, 58],3)==[85, 75, 65] ",
                    "assert heap_queue_largest( [25, 35, 22, 85, 14, 65, 75, 22, 58],2)==[85, 75] ",
                    "assert heap_queue_largest( [25, 35, 22, 85, 14, 65, 75, 22, 58],5)==[85, 75, 65, 58, 35]",
                ])
        ),
        (
            "humaneval/HumanEval/0",
            TaskContent(
                description:
                    "Check if in given list of numbers, are any two numbers closer to each other than given threshold.",
                solution:
                    "from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    \"\"\" Closer than threshold? \"\"\"\n    for i, a in enumerate(numbers):\n        for b in numbers[i + 1:]:\n            if abs(a - b) < threshold:\n                return True\n    return False\n",
                testSetup:
                    "def check(candidate):\n    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True\n    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False\n    assert candidate([1.0, 2.0, 5.9, 4.0, 5.0], 0.95) == True\n",
                tests: ["check(has_close_elements)"], entryPoint: "has_close_elements",
                metadata: [
                    "prompt":
                        "from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    \"\"\" Closer than threshold? \"\"\"\n"
                ])
        ),
    ]

    static func store() throws -> TaskStore {
        try SeededStore.withTasks(tasks)
    }

    /// Expected values worked out by hand from the fixture (see the comments in the assertions).
    @Test func fixtureSamplesGiveHandComputedPassAtK() async throws {
        let store = try Self.store()
        let report = try await AmbiguityFilter.run(
            store: store, samplesPath: Self.samplesPath, datasets: [], pool: try await Self.pool.value,
            options: AmbiguityOptions(minSamples: 3))
        let byID = Dictionary(uniqueKeysWithValues: report.results.map { ($0.taskID, $0) })
        // mbpp/2: lines 1 (sorted intersection), 3 (the reference) and 4 (hard-coded answers) pass, 2 (union) fails.
        let two = try #require(byID["mbpp/2"])
        #expect((two.n, two.c, two.passAt1, two.passAt10, two.passAt100) == (4, 3, 0.75, nil, nil))
        #expect(two.passedSamples == [1, 3, 4])
        #expect(two.suspectedSpecialCasing == [4])
        // mbpp/3: an even test, a constant and a syntax error all fail: c = 0 of n = 3 ≥ --min-samples 3.
        let three = try #require(byID["mbpp/3"])
        #expect((three.n, three.c, three.passAt1, three.flagged) == (3, 0, 0.0, true))
        // mbpp/4: one sample, correct.
        #expect(byID["mbpp/4"].map { ($0.n, $0.c, $0.passAt1) } ?? (0, 0, nil) == (1, 1, 1.0))
        // HumanEval/0: bodies completed onto the prompt; one right, one `return False`.
        let humaneval = try #require(byID["humaneval/HumanEval/0"])
        #expect((humaneval.n, humaneval.c, humaneval.passAt1, humaneval.passedSamples) == (2, 1, 0.5, [8]))
        #expect(report.summary.dropsByReason == ["ambiguous-or-too-hard": 1])
        #expect(report.executions == 10)
        #expect(report.diagnostics.isEmpty)

        let heads = Dictionary(uniqueKeysWithValues: try store.heads().map { ($0.task.id, $0.revision.id!) })
        let flags = try store.activeFlags(revisionIDs: Array(heads.values))
        #expect(flags[heads["mbpp/3"]!]?.map(\.code) == ["ambiguous-or-too-hard"])
        #expect(flags[heads["mbpp/2"]!] == nil)
        let saved = try store.latestSampleEvaluations(revisionIDs: Array(heads.values))
        #expect(saved[heads["mbpp/2"]!]?.passedSamples == "[1,3,4]")
        #expect(saved.count == 4)
    }

    @Test func tooFewSamplesAreMeasuredButNotFlagged() async throws {
        let report = try await AmbiguityFilter.run(
            store: try Self.store(), samplesPath: Self.samplesPath, datasets: ["mbpp"], pool: try await Self.pool.value,
            options: AmbiguityOptions(), record: false)
        #expect(report.results.count == 3)
        #expect(report.summary.dropped == 0)
        #expect(report.diagnostics.map(\.location) == ["line 8", "line 9"])
    }

    @Test func ambiguousShortIDsAreReportedNotGuessed() {
        let subjects = [
            FilterTask(taskID: "mbpp/2", revisionID: 1, content: Self.tasks[0].content),
            FilterTask(taskID: "mbpp-sanitized/2", revisionID: 2, content: Self.tasks[0].content),
        ]
        let samples = [
            ModelSample(taskID: "2", completion: "x", line: 1),
            ModelSample(taskID: "mbpp-sanitized/2", completion: "y", line: 2),
        ]
        let (byTask, diagnostics) = AmbiguityFilter.assign(samples, to: subjects, path: "s.jsonl")
        #expect(byTask[1]?.map(\.line) == [2])
        #expect(byTask[0] == nil)
        #expect(diagnostics.first?.message.contains("is in 2 datasets") == true)
    }

    @Test func specialCasingNeedsArgumentsAndExpectedValuesSpelledOut() {
        let cases = SpecialCasing.assertedCases([
            "assert f((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)", "assert f((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
            "assert g(1) == True",
        ])
        #expect(
            cases.map(\.arguments) == [
                ["(3,4,5,6),(5,7,4,10)", "(3,4,5,6)", "(5,7,4,10)"], ["(1,2,3,4),(5,4,3,7)", "(1,2,3,4)", "(5,4,3,7)"],
            ])
        #expect(cases.map(\.expected) == ["(4,5)", "(3,4)"])
        #expect(
            SpecialCasing.spellsOut(
                cases, in: "if a == (3, 4, 5, 6):\n    return (4, 5)\nif a == (1, 2, 3, 4):\n    return (3, 4)"))
        #expect(
            !SpecialCasing.spellsOut(
                cases, in: "if a == (3, 4, 5, 6):\n    return (4, 5)\nreturn tuple(set(a) & set(b))"))
        let labels = SpecialCasing.assertedCases([
            "assert check_Equality(\"abcda\") == \"Equal\"", "assert check_Equality(\"ab\") == \"Not Equal\"",
        ])
        #expect(
            !SpecialCasing.spellsOut(
                labels, in: "def check_Equality(s):\n    return \"Equal\" if s[0] == s[-1] else \"Not Equal\""))
    }
}
