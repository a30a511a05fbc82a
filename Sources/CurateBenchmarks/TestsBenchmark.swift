import CurateCore
import CurateStore
import Foundation

/// How a set of per-task mutation scores is spread: quartiles, mean and a histogram.
public struct ScoreDistribution: Sendable, Hashable, Codable {
    public var tasks: Int
    public var mean: Double
    public var p10: Double
    public var p25: Double
    public var median: Double
    public var p75: Double
    public var p90: Double
    /// Tasks per tenth: [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0), and exactly 1.0 last.
    public var histogram: [Int]

    init(_ scores: [Double]) {
        let sorted = scores.sorted()
        func quantile(_ q: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
        }
        tasks = sorted.count
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p10 = quantile(0.1)
        p25 = quantile(0.25)
        median = quantile(0.5)
        p75 = quantile(0.75)
        p90 = quantile(0.9)
        var buckets = [Int](repeating: 0, count: 11)
        for score in sorted { buckets[score >= 1 ? 10 : min(9, Int(score * 10))] += 1 }
        histogram = buckets
    }
}

/// `curate bench tests`: mutation analysis of every task of a file, its speed, and the EvalPlus observation in our
/// figures (how many tasks' original tests miss mutants that generated tests kill).
public struct TestsBenchmarkReport: Sendable, Hashable, Codable {
    public var input: String
    public var pythonVersion: String
    public var jobs: Int
    public var tasks: Int
    /// `curate tests generate` on every task first (nil when the benchmark ran without it): wall seconds, sandbox
    /// executions.
    public var generationSeconds: Double?
    public var generationExecutions: Int?
    /// Generated tests stored for the tasks when the analysis ran.
    public var generatedTests: Int
    public var tasksWithGeneratedTests: Int
    public var mutationSeconds: Double
    /// Tasks analysed (a reference that passes its tests and mutants that compile).
    public var analysed: Int
    public var mutants: Int
    /// Sandbox executions: one per analysed reference and one per mutant.
    public var executions: Int
    public var executionsPerSecond: Double
    public var killedByOriginal: Int
    public var killedOnlyByGenerated: Int
    public var likelyEquivalent: Int
    /// Mutants killed by running out of their time limit.
    public var timeouts: Int
    /// Analysed tasks whose original tests miss at least one mutant a generated test kills, and their share.
    public var tasksMissingKills: Int
    public var shareMissingKills: Double
    public var weakFlags: Int
    /// Mutants per operator, and how many of them the original tests killed.
    public var operators: [String: [Int]]
    /// Per-task scores over all mutants, of the original tests and of original + generated.
    public var originalScores: ScoreDistribution
    public var combinedScores: ScoreDistribution
    /// Analysed tasks with generated tests only: the same two distributions.
    public var originalScoresWithGenerated: ScoreDistribution
    public var combinedScoresWithGenerated: ScoreDistribution
}

/// Runs the mutation analysis of a task file in a scratch store (nothing is written elsewhere).
public enum TestsBenchmark {
    /// Ingests `input` into `store` when it is empty, generates plus tests for every task (with `generation`
    /// options, when given), then analyses every task with the generated tests stored.
    public static func run(
        input: String, store: TaskStore, pool: ExecutionPool, options: TestsMutateStageOptions,
        generation: TestsGenerateStageOptions?, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> TestsBenchmarkReport {
        if try store.datasets().isEmpty {
            let ingest = Ingestor(store: store).ingest(paths: [input], options: IngestOptions())
            if ingest.files.contains(where: \.fileRejected) || ingest.files.allSatisfy({ $0.accepted == 0 }) {
                throw BenchmarkError.unreadable(
                    path: input, reason: ingest.diagnostics.first?.description ?? "no tasks")
            }
        }
        var generated: TestGenerationReport?
        if let generation {
            generated = try await PlusTestGenerator(store: store, pool: pool).generate(
                TestGenerationScope(), options: generation.generation, progress: progress)
        }
        let heads = try store.heads().compactMap(\.revision.id)
        let plus = try PlusTest.stored(in: store, revisionIDs: heads)
        let report = try await WeakTestsFilter.run(
            store: store, datasets: [], pool: pool, options: options,
            plusTests: { ids in try PlusTest.stored(in: store, revisionIDs: ids) }, progress: progress)
        let analysed = report.analysed
        let withGenerated = analysed.filter { $0.generatedTests > 0 }
        var operators: [String: [Int]] = [:]
        for result in analysed.flatMap(\.mutants) {
            var counts = operators[result.mutant.mutationOperator] ?? [0, 0]
            counts[0] += 1
            if result.outcome == .killedByOriginal { counts[1] += 1 }
            operators[result.mutant.mutationOperator] = counts
        }
        return TestsBenchmarkReport(
            input: input, pythonVersion: pool.pythonVersion, jobs: pool.configuration.jobs, tasks: report.tasks.count,
            generationSeconds: generated?.wallSeconds, generationExecutions: generated?.executions,
            generatedTests: plus.values.map(\.count).reduce(0, +), tasksWithGeneratedTests: plus.count,
            mutationSeconds: report.seconds, analysed: analysed.count, mutants: report.mutants,
            executions: report.mutants + analysed.count, executionsPerSecond: report.executionsPerSecond,
            killedByOriginal: report.killedByOriginal, killedOnlyByGenerated: report.killedOnlyByGenerated,
            likelyEquivalent: report.likelyEquivalent,
            timeouts: analysed.flatMap(\.mutants).filter { $0.detail.hasSuffix(": timeout") }.count,
            tasksMissingKills: report.tasksMissingKills,
            shareMissingKills: analysed.isEmpty ? 0 : Double(report.tasksMissingKills) / Double(analysed.count),
            weakFlags: report.summary.dropsByReason[FilterReason.weakTests.code] ?? 0, operators: operators,
            originalScores: ScoreDistribution(analysed.compactMap(\.originalScore)),
            combinedScores: ScoreDistribution(analysed.compactMap(\.combinedScore)),
            originalScoresWithGenerated: ScoreDistribution(withGenerated.compactMap(\.originalScore)),
            combinedScoresWithGenerated: ScoreDistribution(withGenerated.compactMap(\.combinedScore)))
    }
}
