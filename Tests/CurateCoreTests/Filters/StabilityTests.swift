import CurateCore
import Foundation
import Testing

@Suite struct StabilityPlannerTests {
    @Test func runZeroIsUnperturbedAndLaterRunsChangeEverything() {
        let plans = StabilityPlanner.plans(runs: 5, testCount: 3)
        #expect(plans.count == 5)
        #expect(
            plans[0].order == [0, 1, 2] && plans[0].hashSeed == nil && plans[0].clockOffsetSeconds == nil
                && !plans[0].separatePrograms)
        #expect(Set(plans.map { $0.hashSeed ?? 0 }).count == 5)
        #expect(Set(plans.map(\.randomSeed)).count == 5)
        #expect(Set(plans.compactMap(\.clockOffsetSeconds)).count == 4)
        #expect(plans.map(\.separatePrograms) == [false, false, false, false, true])
        let firstInSomeProgram = Set(plans.filter { !$0.separatePrograms }.compactMap(\.order.first))
        #expect(firstInSomeProgram == [0, 1, 2])
        #expect(plans.allSatisfy { Set($0.order) == [0, 1, 2] })
    }

    @Test func requestsAreOnePerRunOrOnePerTest() {
        let content = TaskContent(
            description: "d", solution: "def f(): return 1", tests: ["assert f() == 1", "assert f() + 1 == 2"])
        let plans = StabilityPlanner.plans(runs: 3, testCount: 2)
        let one = StabilityPlanner.requests(for: content, plan: plans[1], limits: .default, pythonVersion: nil)
        #expect(one.count == 1 && one[0].tests == ["assert f() + 1 == 2", "assert f() == 1"])
        #expect(one[0].solution.hasSuffix(content.solution) && one[0].solution.contains("curate-stability-run-1/cwd"))
        var future = content
        future.solution = "from __future__ import annotations\n" + content.solution
        let late = StabilityPlanner.requests(for: future, plan: plans[1], limits: .default, pythonVersion: nil)
        #expect(late[0].solution == future.solution && late[0].testSetup.contains("curate-stability-run-1/cwd"))
        let separate = StabilityPlanner.requests(for: content, plan: plans[2], limits: .default, pythonVersion: nil)
        #expect(separate.map(\.tests) == [["assert f() + 1 == 2"], ["assert f() == 1"]])
        let runZero = StabilityPlanner.requests(for: content, plan: plans[0], limits: .default, pythonVersion: nil)[0]
        #expect(runZero.testSetup == "" && runZero.solution == content.solution)
    }
}

@Suite struct StabilityAnalyzerTests {
    static let content = TaskContent(description: "d", solution: "s", tests: ["assert a()", "assert b()"])
    static let plans = StabilityPlanner.plans(runs: 3, testCount: 2)

    static func verdict(_ tests: [TestOutcome], status: RunStatus = .ok, wall: Double = 0.01) -> ExecutionVerdict {
        ExecutionVerdict(
            status: status, tests: tests, cpuSeconds: wall, wallSeconds: wall, peakMemoryKB: 1000, stdout: "",
            stderr: "")
    }

    /// Verdicts in each run's own order: run 1 is [b, a], run 2 is separate programs [b], [a].
    static func runs(_ a: [TestOutcome], _ b: [TestOutcome]) -> [[ExecutionVerdict]] {
        [[verdict([a[0], b[0]])], [verdict([b[1], a[1]])], [verdict([b[2]]), verdict([a[2]])]]
    }

    @Test func agreeingRunsAreKeptEvenWhenMessagesDiffer() {
        let a: [TestOutcome] = [.passed, .passed, .passed]
        let b: [TestOutcome] = [
            .error(type: "KeyError", message: "<obj at 0x1>"), .error(type: "KeyError", message: "<obj at 0x2>"),
            .error(type: "KeyError", message: "x"),
        ]
        #expect(
            StabilityAnalyzer.decisions(
                content: Self.content, plans: Self.plans, verdicts: Self.runs(a, b), options: .init(runs: 3)) == [.keep]
        )
    }

    @Test func differingOutcomeIsNondeterministicWithTheRunsAsEvidence() throws {
        let a: [TestOutcome] = [.passed, .passed, .passed]
        let b: [TestOutcome] = [
            .passed, .assertionFailed(message: ""), .error(type: "FileNotFoundError", message: "state.txt"),
        ]
        let decisions = StabilityAnalyzer.decisions(
            content: Self.content, plans: Self.plans, verdicts: Self.runs(a, b), options: .init(runs: 3))
        guard case .drop(let reason, let message, let evidence) = try #require(decisions.first) else {
            Issue.record("expected a drop")
            return
        }
        #expect(decisions.count == 1)
        #expect(reason == .nondeterministic)
        #expect(
            message
                == "1 of 2 tests change outcome between runs; test 2: AssertionError in run 1; FileNotFoundError in run 2; passed in run 0"
        )
        let decoded = try JSONDecoder().decode(NondeterminismEvidence.self, from: Data(evidence.utf8))
        #expect(decoded.disagreements.map(\.test) == [1])
        let run2 = try #require(decoded.disagreements[0].observations.first { $0.run == 2 })
        #expect(run2.separateProgram && run2.hashSeed == 2 && run2.detail == "FileNotFoundError: state.txt")
        #expect(decoded.disagreements[0].observations.first { $0.run == 1 }?.position == 0)
    }

    @Test func testsNotReachedAfterAFailureAreNotCompared() {
        let plans = StabilityPlanner.plans(runs: 2, testCount: 2)
        let verdicts = [
            [Self.verdict([.passed, .passed])],
            [Self.verdict([.passed]), Self.verdict([.passed])],
        ]
        #expect(
            StabilityAnalyzer.decisions(
                content: Self.content, plans: plans, verdicts: verdicts, options: .init(runs: 2)) == [.keep])
        let crashed = [
            [Self.verdict([.passed, .notReached], status: .crashed)],
            [Self.verdict([.notReached], status: .crashed), Self.verdict([.passed])],
        ]
        #expect(
            StabilityAnalyzer.decisions(content: Self.content, plans: plans, verdicts: crashed, options: .init(runs: 2))
                == [.keep])
    }

    @Test func timeoutInSomeRunsOnlyOrNearTheLimitIsTimingSensitive() throws {
        let limits = ExecutionLimits(timeoutSeconds: 2)
        let plans = StabilityPlanner.plans(runs: 2, testCount: 2)
        let sometimes = [
            [Self.verdict([.passed, .passed], wall: 0.3)],
            [Self.verdict([.passed], wall: 0.2), Self.verdict([.notReached], status: .timeout, wall: 2.0)],
        ]
        let decisions = StabilityAnalyzer.decisions(
            content: Self.content, plans: plans, verdicts: sometimes, options: .init(runs: 2, limits: limits))
        guard case .drop(let reason, let message, _) = try #require(decisions.first) else {
            Issue.record("expected a drop")
            return
        }
        #expect(decisions.count == 1 && reason == .timingSensitive)
        #expect(message.hasPrefix("times out in some runs only; reaches 2.00 s of its 2 s limit"))
        let slow = [
            [Self.verdict([.passed, .passed], wall: 1.1)],
            [Self.verdict([.passed], wall: 0.2), Self.verdict([.passed], wall: 0.2)],
        ]
        let slowDecisions = StabilityAnalyzer.decisions(
            content: Self.content, plans: plans, verdicts: slow, options: .init(runs: 2, limits: limits))
        #expect(slowDecisions.count == 1)
        let slowDecision = try #require(slowDecisions.first)
        guard case .drop(let slowReason, let slowMessage, _) = slowDecision else {
            Issue.record("expected a timing-sensitive drop, got \(slowDecision)")
            return
        }
        #expect(slowReason == .timingSensitive)
        #expect(slowMessage == "reaches 1.10 s of its 2 s limit (1 of 3 programs at or over 1 s)")
    }
}

/// Runs the committed fixture tasks through the real execution pool.
@Suite(.serialized) struct StabilityFixtureTests {
    static let pool = Task { try await ExecutionPool(configuration: .init(jobs: 2)) }

    struct Fixture: Decodable {
        var id: String
        var expect: String
        var description: String
        var solution: String
        var testSetup: String?
        var tests: [String]
    }

    static func fixtures() throws -> [Fixture] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/filters/stability-tasks.json")
        return try JSONDecoder().decode([Fixture].self, from: Data(contentsOf: url))
    }

    @Test func deterministicFixturesAreKeptAndNondeterministicOnesCaught() async throws {
        let fixtures = try Self.fixtures()
        let tasks = fixtures.enumerated().map { index, fixture in
            FilterTask(
                taskID: fixture.id, revisionID: Int64(index),
                content: TaskContent(
                    description: fixture.description, solution: fixture.solution, testSetup: fixture.testSetup ?? "",
                    tests: fixture.tests))
        }
        let pool = try await Self.pool.value
        let run = try await FilterRunner.judge(StabilityFilter(pool: pool, options: StabilityOptions()), tasks: tasks)
        #expect(run.details.executions == fixtures.reduce(0) { $0 + 4 + $1.tests.count })
        #expect(run.details.reused == 0)
        #expect(run.outcomes.count == fixtures.count)
        for (fixture, outcome) in zip(fixtures, run.outcomes) {
            let codes = outcome.decisions.compactMap { decision -> String? in
                if case .drop(let reason, _, _) = decision { return reason.code }
                return nil
            }
            #expect(codes == (fixture.expect == "keep" ? [] : [fixture.expect]), "\(fixture.id): \(outcome.decisions)")
        }
    }

    @Test func runZeroIsValidationsRequestAndItsStoredVerdictIsReused() async throws {
        let fixture = try Self.fixtures()[0]
        let content = TaskContent(description: fixture.description, solution: fixture.solution, tests: fixture.tests)
        let pool = try await Self.pool.value
        let validation = Validator.request(
            for: content, options: ValidationOptions(), pythonVersion: pool.pythonVersion)
        let plans = StabilityPlanner.plans(runs: 5, testCount: content.tests.count)
        let runZero = StabilityPlanner.requests(
            for: content, plan: plans[0], limits: .default, pythonVersion: pool.pythonVersion)
        #expect(runZero == [validation])
        let verdict = try await pool.run(validation)
        let task = FilterTask(taskID: "mbpp/2", revisionID: 1, content: content)
        let filter = StabilityFilter(
            pool: pool, options: StabilityOptions(),
            stored: { keys in keys.contains(validation.key) ? [validation.key: verdict] : [:] })
        let run = try await FilterRunner.judge(filter, tasks: [task])
        #expect((run.details.executions, run.details.reused) == (3 + content.tests.count, 1))
        #expect(run.outcomes.map(\.kept) == [true])
    }
}
