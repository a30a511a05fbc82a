import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

@Suite(.serialized) struct MutationAnalysisTests {
    /// `clip` caps at 10; its original tests check one value above the cap and one below it.
    static let clip = TaskContent(
        description: "Cap x at 10.", solution: "def clip(x):\n    if x > 10:\n        return 10\n    return x\n",
        tests: ["assert clip(15) == 10", "assert clip(3) == 3"], entryPoint: "clip")
    /// Generated tests as `curate tests generate` stores them: the reference's outputs on new inputs.
    static let plus = [
        PlusTest(ordinal: 0, statement: "assert clip(11) == 10", input: "(11,)", expected: "10"),
        PlusTest(ordinal: 1, statement: "assert clip(-5) == -5", input: "(-5,)", expected: "-5"),
        PlusTest(ordinal: 2, statement: "assert clip(10) == 10", input: "(10,)", expected: "10"),
    ]
    /// A loop whose counter a mutant can stop from advancing.
    static let total = TaskContent(
        description: "Sum of 0..n-1.",
        solution:
            "def total(n):\n    s = 0\n    i = 0\n    while i < n:\n        s += i\n        i += 1\n    return s\n",
        tests: ["assert total(4) == 6"], entryPoint: "total")

    static func analyse(_ content: TaskContent, plus: [PlusTest]) async throws -> TaskMutationAnalysis {
        let task = FilterTask(taskID: "demo/1", revisionID: 1, content: content)
        let pool = try await SharedPool.get()
        return try await MutationAnalyzer.analyze(
            [task], plusTests: [1: plus], pool: pool, options: TestsMutateStageOptions())[0]
    }

    static func result(_ analysis: TaskMutationAnalysis, _ line: String) throws -> MutantResult {
        try #require(analysis.mutants.first { $0.mutant.source.contains(line) }, "no mutant with \(line)")
    }

    @Test func mutantsAreKilledByOriginalOrGeneratedTestsOrSurviveAsLikelyEquivalent() async throws {
        let analysis = try await Self.analyse(Self.clip, plus: Self.plus)
        #expect(analysis.skipped == nil && analysis.generatedTests == 3)
        let flipped = try Self.result(analysis, "if x <= 10:")
        #expect(flipped.outcome == .killedByOriginal)
        #expect(flipped.detail == "original test 1: AssertionError")
        let shifted = try Self.result(analysis, "if x > 11:")
        #expect(shifted.outcome == .killedByGenerated && shifted.killingTests == [0])
        #expect(shifted.detail == "generated test 0: AssertionError")
        let boundary = try Self.result(analysis, "if x >= 10:")
        #expect(boundary.outcome == .survived && boundary.killingTests.isEmpty)
        #expect(analysis.likelyEquivalent == analysis.survived && analysis.survived >= 1)
        #expect(
            analysis.killedByOriginal + analysis.killedOnlyByGenerated + analysis.survived == analysis.mutants.count)
        let original = try #require(analysis.originalScore)
        let combined = try #require(analysis.combinedScore)
        #expect(original < combined && combined < 1)
        #expect(analysis.mutantTimeoutSeconds >= 0.25 && analysis.referenceSeconds > 0)
    }

    @Test func withoutGeneratedTestsSurvivorsAreNotCalledEquivalent() async throws {
        let analysis = try await Self.analyse(Self.clip, plus: [])
        #expect(analysis.generatedTests == 0 && analysis.killedOnlyByGenerated == 0)
        #expect(analysis.survived > 0 && analysis.likelyEquivalent == 0)
        #expect(try Self.result(analysis, "if x > 11:").outcome == .survived)
    }

    @Test func aMutantThatHangsIsKilledByItsTimeout() async throws {
        let analysis = try await Self.analyse(Self.total, plus: [])
        let hang = try #require(
            analysis.mutants.first {
                $0.mutant.mutationOperator == "remove-statement" && $0.mutant.original == "i += 1"
            })
        #expect(hang.outcome == .killedByOriginal)
        #expect(hang.detail == "original test 1: timeout")
    }

    @Test func aGeneratedTestTheReferenceFailsIsLeftOut() async throws {
        let wrong = PlusTest(ordinal: 7, statement: "assert clip(12) == 12", input: "(12,)", expected: "12")
        let analysis = try await Self.analyse(Self.clip, plus: Self.plus + [wrong])
        #expect(analysis.generatedTests == 3 && analysis.excludedGeneratedTests == [7])
        #expect(!analysis.mutants.contains { $0.killingTests.contains(7) })
    }

    @Test func aReferenceThatFailsItsTestsIsSkipped() async throws {
        var broken = Self.clip
        broken.tests = ["assert clip(15) == 15"]
        let analysis = try await Self.analyse(broken, plus: Self.plus)
        #expect(analysis.mutants.isEmpty)
        #expect(analysis.skipped == "the reference solution fails its own tests (ok, test 1: AssertionError)")
    }

    @Test func reductionKeepsEveryKillOfTheGeneratedTests() async throws {
        let analysis = try await Self.analyse(Self.clip, plus: Self.plus)
        let killed = analysis.mutants.filter { !$0.killingTests.isEmpty }
        #expect(!killed.isEmpty)
        #expect(killed.allSatisfy { !Set($0.killingTests).isDisjoint(with: analysis.reduced) })
        #expect(analysis.reduced.count < Self.plus.count)
    }

    @Test func weakFlagCarriesTheSurvivingMutantAndAKillingTest() async throws {
        let store = try SeededStore.withTasks([("demo/clip", Self.clip)])
        let revision = try #require(try store.heads(dataset: "demo").first?.revision.id)
        try store.replaceGeneratedTests(
            revisionID: revision,
            with: Self.plus.map { test in
                GeneratedTestRecord(
                    revisionID: revision, ordinal: test.ordinal, statement: test.statement, inputRepr: test.input,
                    expectedRepr: test.expected, seed: 1, generator: "hand-written", createdAt: Date())
            })
        let pool = try await SharedPool.get()
        let plus = Self.plus
        let report = try await WeakTestsFilter.run(
            store: store, datasets: ["demo"], pool: pool, options: TestsMutateStageOptions(),
            plusTests: { ids in try PlusTest.stored(in: store, revisionIDs: ids) })
        let finding = try #require(report.findings.first)
        #expect(report.findings.count == 1 && finding.code == "tests/weak" && finding.taskID == "demo/clip")
        let evidence = try JSONDecoder().decode(WeakTestsEvidence.self, from: Data(finding.evidence.utf8))
        let example = try #require(evidence.examples.first { $0.diff.contains("+    if x > 11:") })
        #expect(example.diff.contains("-    if x > 10:"))
        #expect(example.killingTest == plus[0])
        #expect(evidence.killedOnlyByGenerated == report.tasks[0].killedOnlyByGenerated)
        let flags = try store.flags(revisionID: finding.revisionID)
        #expect(
            flags.map(\.code) == ["tests/weak"] && flags.allSatisfy { $0.stage == "tests" }
                && flags[0].severity == .warning)
        let stored = try #require(try store.mutationRun(revisionID: finding.revisionID))
        #expect(stored.run.mutants == report.tasks[0].mutants.count && stored.mutants.count == stored.run.mutants)
        #expect(stored.run.generatorDigest == MutantGenerator.digest)
        #expect(stored.mutants.map(\.outcome) == report.tasks[0].mutants.map(\.outcome))
        let reduced = try store.generatedTests(revisionID: revision).filter(\.reduced).map(\.ordinal)
        #expect(reduced == report.tasks[0].reduced && !reduced.isEmpty)
    }

    @Test func strongTestsAreKeptAndThresholdsApply() async throws {
        var strong = Self.clip
        strong.tests += ["assert clip(11) == 10", "assert clip(10) == 10", "assert clip(9) == 9"]
        let pool = try await SharedPool.get()
        let plus = Self.plus
        let provider: @Sendable ([Int64]) throws -> [Int64: [PlusTest]] = { ids in
            Dictionary(uniqueKeysWithValues: ids.map { ($0, plus) })
        }
        let tasks = [
            FilterTask(taskID: "demo/strong", revisionID: 1, content: strong),
            FilterTask(taskID: "demo/clip", revisionID: 2, content: Self.clip),
        ]
        let run = try await FilterRunner.judge(
            WeakTestsFilter(pool: pool, options: TestsMutateStageOptions(), plusTests: provider), tasks: tasks)
        #expect(run.outcomes.map(\.kept) == [true, false])
        var strict = TestsMutateStageOptions()
        strict.weakMinShare = 0.9
        let lenient = try await FilterRunner.judge(
            WeakTestsFilter(pool: pool, options: strict, plusTests: provider), tasks: tasks)
        #expect(lenient.outcomes.map(\.kept) == [true, true])
        let unjudged = try await FilterRunner.judge(
            WeakTestsFilter(pool: pool, options: strict, plusTests: { _ in [:] }), tasks: tasks)
        #expect(unjudged.outcomes.isEmpty)
    }
}

@Suite struct TestReductionTests {
    @Test(arguments: [
        ([[0, 1], [1, 2], [2]], [1, 2]),
        ([[3], [3, 4], [4]], [3, 4]),
        ([[], [5]], [5]),
        ([[0, 1, 2], [0, 1, 2]], [0]),
        ([[Int]](), [Int]()),
    ])
    func greedyCoverKeepsEveryKill(killers: [[Int]], expected: [Int]) {
        let reduced = TestReduction.cover(killers)
        #expect(reduced == expected)
        #expect(killers.allSatisfy { $0.isEmpty || !Set($0).isDisjoint(with: reduced) })
    }
}
