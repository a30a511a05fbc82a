import CurateStore
import Foundation

/// A generated ("plus") test of a task revision as mutation analysis uses it: the assert statement and, for people,
/// the input and expected output it checks.
public struct PlusTest: Sendable, Hashable, Codable {
    public var ordinal: Int
    public var statement: String
    public var input: String
    public var expected: String

    public init(ordinal: Int, statement: String, input: String, expected: String) {
        self.ordinal = ordinal
        self.statement = statement
        self.input = input
        self.expected = expected
    }
}

/// One mutant's result: which tests told it apart from the reference.
public struct MutantResult: Sendable, Hashable, Codable {
    public var ordinal: Int
    public var mutant: Mutant
    /// Unified diff of the reference against the mutant.
    public var diff: String
    public var outcome: MutantRecord.Outcome
    /// How the killing run ended (first failing test, timeout, crash); empty for survivors.
    public var detail: String
    /// Ordinals of the generated tests that failed on the mutant (the one it hung or crashed in included).
    public var killingTests: [Int]
}

/// Mutation analysis of one task revision's tests.
public struct TaskMutationAnalysis: Sendable, Hashable, Codable {
    public var taskID: String
    public var revisionID: Int64
    /// Generated tests the mutants ran against (those the reference passes).
    public var generatedTests: Int
    /// Generated tests left out because the reference itself failed them.
    public var excludedGeneratedTests: [Int]
    public var referenceSeconds: Double
    public var mutantTimeoutSeconds: Double
    public var mutants: [MutantResult]
    /// Why the task was not analysed (no reference that passes its tests, source that does not parse), or nil.
    public var skipped: String?
    /// The reduced generated tests: a greedy set cover of every kill the generated tests made.
    public var reduced: [Int]

    public var killedByOriginal: Int { mutants.filter { $0.outcome == .killedByOriginal }.count }
    public var killedOnlyByGenerated: Int { mutants.filter { $0.outcome == .killedByGenerated }.count }
    public var survived: Int { mutants.filter { $0.outcome == .survived }.count }
    /// Survivors of every test when generated tests exist: no generated input tells them from the reference.
    public var likelyEquivalent: Int { generatedTests > 0 ? survived : 0 }
    /// Killed by the original tests, over all mutants (likely equivalents count as survivors, as in EvalPlus).
    public var originalScore: Double? { mutants.isEmpty ? nil : Double(killedByOriginal) / Double(mutants.count) }
    /// Killed by original or generated tests, over all mutants.
    public var combinedScore: Double? {
        mutants.isEmpty ? nil : Double(killedByOriginal + killedOnlyByGenerated) / Double(mutants.count)
    }
}

/// Runs mutants of each task's reference solution against its original and generated tests in the sandbox, and
/// classifies them (killed by the original tests, killed only by generated ones, surviving every test).
public enum MutationAnalyzer {
    /// Analyses `tasks` with their generated tests (keyed by revision id): references first (their time sets the
    /// mutants' timeout), then every mutant, all through `pool`; `progress(done, total)` counts executions.
    public static func analyze(
        _ tasks: [FilterTask], plusTests: [Int64: [PlusTest]], pool: ExecutionPool, options: TestsMutateStageOptions,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [TaskMutationAnalysis] {
        let generated = try await MutantGenerator.mutants(
            of: tasks.map { (id: String($0.revisionID), source: $0.content.solution) }, maxMutants: options.maxMutants,
            python: options.python, processes: pool.configuration.jobs)
        var results = tasks.map { task in
            TaskMutationAnalysis(
                taskID: task.taskID, revisionID: task.revisionID, generatedTests: 0, excludedGeneratedTests: [],
                referenceSeconds: 0, mutantTimeoutSeconds: 0, mutants: [], skipped: nil, reduced: [])
        }
        var mutantsByTask: [[Mutant]] = []
        for (index, task) in tasks.enumerated() {
            switch generated[String(task.revisionID)] {
            case .mutants(let mutants)?:
                mutantsByTask.append(mutants)
                if task.content.tests.isEmpty { results[index].skipped = "the task has no tests" }
                if mutants.isEmpty { results[index].skipped = "no mutant of the reference solution compiles" }
            case .unparsable(let message)?:
                mutantsByTask.append([])
                results[index].skipped = "the reference solution does not parse: \(message)"
            case nil:
                mutantsByTask.append([])
                results[index].skipped = "the mutant generator returned nothing for this task"
            }
        }
        let analysed = tasks.indices.filter { results[$0].skipped == nil }
        let mutantTotal = analysed.map { mutantsByTask[$0].count }.reduce(0, +)
        let total = analysed.count + mutantTotal
        let references = analysed.map { index in
            request(
                tasks[index], solution: tasks[index].content.solution, plus: plusTests[tasks[index].revisionID] ?? [],
                timeout: options.timeout, options: options, pool: pool)
        }
        let referenceVerdicts = try await pool.runAll(
            references, progress: shifted(progress, by: 0, total: total))
        var runnable: [(task: Int, plus: [PlusTest])] = []
        for (position, index) in analysed.enumerated() {
            let verdict = referenceVerdicts[position]
            let original = tasks[index].content.tests.count
            let originalPassed = verdict.tests.prefix(original).allSatisfy { $0 == .passed }
            guard verdict.status == .ok, verdict.programError == nil, verdict.tests.count >= original, originalPassed
            else {
                results[index].skipped =
                    "the reference solution fails its own tests (\(verdict.status.rawValue)\(verdict.firstFailure.map { ", test \($0.index + 1): \($0.outcome.summary)" } ?? ""))"
                continue
            }
            let plus = plusTests[tasks[index].revisionID] ?? []
            let kept = plus.indices.filter {
                original + $0 < verdict.tests.count && verdict.tests[original + $0] == .passed
            }
            results[index].excludedGeneratedTests = plus.indices.filter { !kept.contains($0) }.map { plus[$0].ordinal }
            results[index].generatedTests = kept.count
            results[index].referenceSeconds = verdict.wallSeconds
            results[index].mutantTimeoutSeconds = options.mutantTimeout(referenceSeconds: verdict.wallSeconds)
            runnable.append((index, kept.map { plus[$0] }))
        }
        var requests: [ExecutionRequest] = []
        var owners: [(task: Int, plus: Int, mutant: Int)] = []
        for (entry, item) in runnable.enumerated() {
            for (ordinal, mutant) in mutantsByTask[item.task].enumerated() {
                requests.append(
                    request(
                        tasks[item.task], solution: mutant.source, plus: item.plus,
                        timeout: results[item.task].mutantTimeoutSeconds, options: options, pool: pool))
                owners.append((item.task, entry, ordinal))
            }
        }
        let done = references.count
        let verdicts = try await pool.runAll(requests, progress: shifted(progress, by: done, total: total))
        for (position, owner) in owners.enumerated() {
            let task = tasks[owner.task]
            let mutant = mutantsByTask[owner.task][owner.mutant]
            let (outcome, detail, killers) = classify(
                verdicts[position], originalTests: task.content.tests.count, plus: runnable[owner.plus].plus)
            results[owner.task].mutants.append(
                MutantResult(
                    ordinal: owner.mutant, mutant: mutant, diff: mutant.diff(from: task.content.solution),
                    outcome: outcome, detail: detail, killingTests: killers))
        }
        for index in results.indices where results[index].skipped == nil {
            results[index].reduced = TestReduction.cover(results[index].mutants.map(\.killingTests))
        }
        return results
    }

    /// `progress` for one phase of `total` executions, of which `offset` ran before it.
    private static func shifted(_ progress: (@Sendable (Int, Int) -> Void)?, by offset: Int, total: Int)
        -> (@Sendable (Int, Int) -> Void)?
    {
        guard let progress else { return nil }
        return { done, _ in progress(offset + done, total) }
    }

    /// The program the sandbox runs for `solution`: the task's setup, its original tests, then the generated tests.
    static func request(
        _ task: FilterTask, solution: String, plus: [PlusTest], timeout: Double, options: TestsMutateStageOptions,
        pool: ExecutionPool
    ) -> ExecutionRequest {
        var limits = options.limits
        limits.timeoutSeconds = timeout
        return ExecutionRequest(
            solution: solution, testSetup: task.content.testSetup, tests: task.content.tests + plus.map(\.statement),
            limits: limits, pythonVersion: pool.pythonVersion, entryPoint: task.content.entryPoint)
    }

    /// Which tests killed a mutant, from its verdict: an original test that did not pass (or a run that ended
    /// abnormally while they ran) kills it by the original tests; otherwise a generated test that failed, or the one
    /// it hung or crashed in, kills it by the generated tests. The generated tests that failed are listed either way.
    static func classify(_ verdict: ExecutionVerdict, originalTests: Int, plus: [PlusTest])
        -> (MutantRecord.Outcome, String, [Int])
    {
        let outcomes =
            verdict.tests
            + [TestOutcome](
                repeating: .notReached, count: max(0, originalTests + plus.count - verdict.tests.count))
        let abnormal = verdict.status != .ok || verdict.programError != nil
        let runEnd =
            verdict.programError.map { "\($0.phase) raised \($0.type): \($0.message)" }
            ?? (verdict.harnessFailure == true ? "the sandbox worker failed" : verdict.status.rawValue)
        var killers: [Int] = []
        for (index, test) in plus.enumerated() {
            switch outcomes[originalTests + index] {
            case .passed: continue
            case .assertionFailed, .error: killers.append(test.ordinal)
            case .notReached:
                let reachedEarlier = outcomes[..<(originalTests + index)].allSatisfy { $0 != .notReached }
                if abnormal, reachedEarlier { killers.append(test.ordinal) }
            }
        }
        if let failed = outcomes.prefix(originalTests).enumerated().first(where: { $0.element != .passed }) {
            let how = failed.element == .notReached ? runEnd : failed.element.summary
            return (.killedByOriginal, "original test \(failed.offset + 1): \(how)", killers)
        }
        if !killers.isEmpty {
            let first = plus.firstIndex { $0.ordinal == killers[0] }!
            let outcome = outcomes[originalTests + first]
            return (
                .killedByGenerated,
                "generated test \(killers[0]): \(outcome == .notReached ? runEnd : outcome.summary)", killers
            )
        }
        if abnormal { return (.killedByOriginal, "run ended: \(runEnd)", killers) }
        return (.survived, "", [])
    }
}

/// EvalPlus-style test reduction: a small subset of the generated tests that keeps every mutant kill.
public enum TestReduction {
    /// Greedy set cover over the mutants' killing-test sets: repeatedly the test that kills the most mutants not yet
    /// killed (the lowest ordinal on ties), until every mutant some test kills is killed; sorted.
    public static func cover(_ killers: [[Int]]) -> [Int] {
        var uncovered = killers.map(Set.init).filter { !$0.isEmpty }
        var chosen: [Int] = []
        while !uncovered.isEmpty {
            var counts: [Int: Int] = [:]
            for set in uncovered { for test in set { counts[test, default: 0] += 1 } }
            let best = counts.min { ($1.value, $0.key) < ($0.value, $1.key) }!.key
            chosen.append(best)
            uncovered.removeAll { $0.contains(best) }
        }
        return chosen.sorted()
    }
}
