import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// Generation through the real sandbox: capture, mutation, the reference as oracle, shapes, validation, storage.
@Suite(.serialized) struct PlusTestGeneratorTests {
    static let store = Task { try SeededStore.ingested(["testgen/oracle-tasks.jsonl"]) }

    func generate(_ ids: [String], seed: Int = 1, store: TaskStore? = nil) async throws -> (
        TestGenerationReport, [String: [GeneratedTestRecord]]
    ) {
        let shared = try await Self.store.value
        let store = store ?? shared
        var options = TestsGenerateStageOptions()
        options.seed = seed
        options.candidates = 60
        let report = try await PlusTestGenerator(store: store, pool: try await SharedPool.get()).generate(
            TestGenerationScope(ids: ids), options: options)
        var tests: [String: [GeneratedTestRecord]] = [:]
        for head in try store.heads() where ids.contains(head.task.id) {
            tests[head.task.id] = try store.generatedTests(revisionID: head.revision.id!)
        }
        return (report, tests)
    }

    @Test func inputsOnWhichTheReferenceRaisesAreDiscarded() async throws {
        let (report, tests) = try await generate(["mbpp/9103"])
        #expect(report.discarded["raises", default: 0] > 0, "\(report.discarded)")
        let kept = try #require(tests["mbpp/9103"])
        #expect(!kept.isEmpty && kept.count <= 30)
        #expect(kept.allSatisfy { !$0.inputRepr.hasSuffix(", 0") }, "no test divides by zero")
        #expect(kept.allSatisfy { $0.statement.hasPrefix("assert divide(") && $0.seed == 1 && !$0.reduced })
        #expect(kept.map(\.ordinal) == Array(0..<kept.count))
        #expect(kept.allSatisfy { $0.generator == PlusTestGenerator.generatorVersion })
    }

    @Test(arguments: ["mbpp/9101", "mbpp/9102"])
    func inputsOnWhichTheReferenceIsNondeterministicAreDiscarded(_ id: String) async throws {
        let (report, _) = try await generate([id])
        #expect(report.discarded["nondeterministic", default: 0] > 0, "\(report.discarded)")
        #expect(report.tasksWithTests == 1, "inputs the reference answers alike (short or repeated lists) remain")
    }

    @Test func testsKeepTheShapeOfTheOriginalTest() async throws {
        let (report, tests) = try await generate(["mbpp/9104", "mbpp/9105", "mbpp/9106", "mbpp/9107"])
        #expect(report.tasksWithTests == 4, "\(report.tasksWithout)")
        let common = try #require(tests["mbpp/9104"])
        #expect(common.allSatisfy { $0.statement.hasPrefix("assert set(common(") && $0.statement.contains(")) == ") })
        let area = try #require(tests["mbpp/9105"])
        #expect(
            area.allSatisfy {
                $0.statement.hasPrefix("assert math.isclose(area(") && $0.statement.hasSuffix(", rel_tol=0.001)")
            })
        let even = try #require(tests["mbpp/9106"])
        #expect(
            even.allSatisfy {
                $0.statement.hasPrefix("assert is_even(") || $0.statement.hasPrefix("assert not is_even(")
            })
        #expect(Set(even.map { $0.statement.hasPrefix("assert not") }) == [true, false])
        let half = try #require(tests["mbpp/9107"])
        #expect(half.allSatisfy { $0.statement.hasPrefix("assert __import__(\"math\").isclose(half(") })
    }

    @Test func aCorrectAlternativeSolutionPassesTheSetShapedTests() async throws {
        let (_, tests) = try await generate(["mbpp/9104"])
        let statements = try #require(tests["mbpp/9104"]).map(\.statement)
        let alternative = "def common(a, b):\n    return sorted(set(b) & set(a), reverse=True)"
        let verdict = try await SharedPool.get().run(ExecutionRequest(solution: alternative, tests: statements))
        #expect(verdict.passed, "\(verdict.firstFailure.map { statements[$0.index] } ?? "")")
        let wrong = "def common(a, b):\n    return list(set(a) | set(b))"
        let rejected = try await SharedPool.get().run(ExecutionRequest(solution: wrong, tests: statements))
        #expect(!rejected.passed)
    }

    @Test func tasksThatCannotBeCapturedAreReported() async throws {
        let store = try SeededStore.withTasks([
            ("mbpp/1", TaskContent(description: "no entry", solution: "x = 1", tests: ["assert x == 1"])),
            (
                "mbpp/2",
                TaskContent(
                    description: "wrong", solution: "def f(x):\n    return x", tests: ["assert f(1) == 2"],
                    entryPoint: "f")
            ),
            (
                "mbpp/3",
                TaskContent(
                    description: "uncalled", solution: "def f(x):\n    return x", tests: ["assert f is not None"],
                    entryPoint: "f")
            ),
        ])
        let (report, tests) = try await generate(["mbpp/1", "mbpp/2", "mbpp/3"], store: store)
        #expect(report.tasksWithout.map(\.reason) == ["no-entry-point", "reference-fails", "no-calls"])
        #expect(report.tasksWithout[1].detail == "test 1: AssertionError")
        #expect(report.generatedNothing)
        #expect(tests.values.allSatisfy { $0.isEmpty })
    }

    @Test func theSameSeedGeneratesTheSameTests() async throws {
        let (_, first) = try await generate(["mbpp/9103"], seed: 4)
        let (_, again) = try await generate(["mbpp/9103"], seed: 4)
        let (_, other) = try await generate(["mbpp/9103"], seed: 5)
        #expect(first["mbpp/9103"]?.map(\.statement) == again["mbpp/9103"]?.map(\.statement))
        #expect(first["mbpp/9103"]?.map(\.statement) != other["mbpp/9103"]?.map(\.statement))
        #expect(other["mbpp/9103"]?.allSatisfy { $0.seed == 5 } == true)
    }
}
