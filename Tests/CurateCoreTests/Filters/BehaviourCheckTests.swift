import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// Candidate pairs confirmed or refuted by running real programs in the sandbox.
@Suite(.serialized) struct BehaviourCheckTests {
    static let pool = Task { try await ExecutionPool(configuration: .init(jobs: 2)) }

    /// MBPP 591 and 625: a paraphrase with the same code under another layout and other tests.
    static let swapA = TaskContent(
        description: "Write a python function to interchange the first and last elements in a list.",
        solution:
            "def swap_List(newList): \r\n    size = len(newList) \r\n    temp = newList[0] \r\n    newList[0] = newList[size - 1] \r\n    newList[size - 1] = temp  \r\n    return newList ",
        tests: [
            "assert swap_List([12, 35, 9, 56, 24]) == [24, 35, 9, 56, 12]", "assert swap_List([1, 2, 3]) == [3, 2, 1]",
        ], entryPoint: "swap_List")
    /// The same behaviour under another name and another implementation.
    static let swapB = TaskContent(
        description: "Write a python function to interchange first and last elements in a given list.",
        solution: "def swap_ends(items):\n    return items[-1:] + items[1:-1] + items[:1]\n",
        tests: ["assert swap_ends([1,2,3,4,4]) == [4,2,3,4,1]", "assert swap_ends([4,5,6]) == [6,5,4]"],
        entryPoint: "swap_ends")
    /// The same words, different behaviour: swaps only when the list is longer than three.
    static let swapLong = TaskContent(
        description: "Write a python function to interchange the first and last elements in a list.",
        solution:
            "def swap_long(items):\n    if len(items) <= 3:\n        return items\n    return items[-1:] + items[1:-1] + items[:1]\n",
        tests: ["assert swap_long([1, 2, 3]) == [1, 2, 3]", "assert swap_long([1, 2, 3, 4]) == [4, 2, 3, 1]"],
        entryPoint: "swap_long")
    /// No entry point: it cannot be run under another task's name.
    static let swapUnnamed = TaskContent(
        description: "Write a python function to interchange first and last elements in a list.",
        solution: "def f(x):\n    return x[-1:] + x[1:-1] + x[:1]\n", tests: ["assert f([1, 2]) == [2, 1]"])

    static func tasks(_ contents: [TaskContent]) -> [FilterTask] {
        contents.enumerated().map { index, content in
            FilterTask(taskID: "mbpp/\(index + 1)", revisionID: Int64(index + 1), content: content)
        }
    }

    @Test func bindsTheOtherEntryPointToTheSolution() async throws {
        let pool = try await Self.pool.value
        let a = Self.tasks([Self.swapA, Self.swapB])
        let request = BehaviourChecker.request(solutionOf: a[0], testsOf: a[1], limits: .default, pool: pool)
        #expect(request.solution.hasSuffix("\n\nswap_ends = swap_List\n"))
        #expect(request.tests == Self.swapB.tests)
        #expect(request.entryPoint == "swap_ends")
        let same = BehaviourChecker.request(solutionOf: a[0], testsOf: a[0], limits: .default, pool: pool)
        #expect(same.solution == Self.swapA.solution)
    }

    @Test(
        arguments: [
            (swapB, "behavioural", "duplicate/behavioural", "2/2 2/2", nil),
            (
                swapLong, "near", "duplicate/near", "1/2 1/2",
                "mbpp/1's solution fails mbpp/2's test 1 `assert swap_long([1, 2, 3]) == [1, 2, 3]`: AssertionError"
            ),
            (swapUnnamed, "near", "duplicate/near", "", "not run (mbpp/2 has no entry point)"),
        ] as [(TaskContent, String, String, String, String?)])
    func executionConfirmsOrRefutes(
        other: TaskContent, kind: String, code: String, passed: String, difference: String?
    ) async throws {
        let pool = try await Self.pool.value
        let tasks = Self.tasks([Self.swapA, other])
        let filter = try DedupFilter(
            options: DedupOptions(), checker: BehaviourChecker(pool: pool, limits: .default))
        let run = try await FilterRunner.judge(filter, tasks: tasks)
        let pair = try #require(run.details.first)
        #expect(run.details.count == 1)
        #expect(pair.kind.rawValue == kind)
        #expect(pair.foundBy?.contains(.description) == true)
        let check = try #require(pair.behaviour)
        #expect(
            [check.forward, check.backward].compactMap { $0.map { "\($0.passed)/\($0.total)" } }.joined(separator: " ")
                == passed)
        guard case .drop(let reason, let message, let evidence) = try #require(run.outcomes.last?.decisions.first)
        else {
            Issue.record("mbpp/2 should be flagged")
            return
        }
        #expect(reason.code == code)
        if let difference { #expect(message.contains(difference), "\(message)") }
        let decoded = try JSONDecoder().decode(DuplicateEvidence.self, from: Data(evidence.utf8))
        #expect(decoded.matches.first?.behaviour == check)
        #expect(decoded.matches.first?.descriptionSimilarity == pair.descriptionSimilarity)
    }

    @Test func identicalCodePairsWhateverTheDescriptionsSay() async throws {
        var reworded = Self.swapA
        reworded.description = "Return the list with its ends exchanged."
        reworded.tests = ["assert swap_List([7, 8]) == [8, 7]"]
        let pool = try await Self.pool.value
        for identicalCode in [true, false] {
            let filter = try DedupFilter(
                options: DedupOptions(identicalCode: identicalCode),
                checker: BehaviourChecker(pool: pool, limits: .default))
            let pairs = try await FilterRunner.judge(filter, tasks: Self.tasks([Self.swapA, reworded])).details
            #expect(pairs.map(\.kind) == (identicalCode ? [.behavioural] : []), "identical_code \(identicalCode)")
            #expect(pairs.first?.foundBy == (identicalCode ? [.code] : nil))
        }
    }

    /// Generated tests from the store join the original ones: they tell apart two solutions the original tests do not.
    @Test func generatedTestsFromTheStoreRunAfterTheOriginalOnes() async throws {
        let shortLists = TaskContent(
            description: "Write a python function to interchange the first and last elements in a list.",
            solution:
                "def swap_short(items):\n    if len(items) < 3:\n        return items\n    return items[-1:] + items[1:-1] + items[:1]\n",
            tests: ["assert swap_short([4, 5, 6]) == [6, 5, 4]"], entryPoint: "swap_short")
        let store = try SeededStore.withTasks([("mbpp/1", Self.swapA), ("mbpp/2", shortLists)])
        let pool = try await Self.pool.value
        let checker = BehaviourChecker(pool: pool, limits: .default, store: store)
        let before = try await DedupFilter.run(
            store: store, datasets: ["mbpp"], options: DedupOptions(), splits: .none, checker: checker, record: false)
        #expect(before.pairs.map(\.kind) == [.behavioural])
        let revision = try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/2" }?.revision.id)
        try store.replaceGeneratedTests(
            revisionID: revision,
            with: [
                GeneratedTestRecord(
                    revisionID: revision, ordinal: 0, statement: "assert swap_short([1, 2]) == [1, 2]",
                    inputRepr: "([1, 2],)", expectedRepr: "[1, 2]", seed: 1, generator: "test", createdAt: Date())
            ])
        let after = try await DedupFilter.run(
            store: store, datasets: ["mbpp"], options: DedupOptions(), splits: .none, checker: checker)
        let pair = try #require(after.pairs.first)
        #expect(pair.kind == .near)
        #expect(pair.behaviour?.forward?.generated == 1 && pair.behaviour?.forward?.total == 2)
        #expect(
            pair.behaviour?.forward?.firstFailure
                == "generated test 1 `assert swap_short([1, 2]) == [1, 2]`: AssertionError")
        #expect(pair.behaviour?.backward?.allPassed == true)
        #expect(after.summary.dropsByReason == ["duplicate/near": 1])
    }
}
