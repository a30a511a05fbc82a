import CurateStore
import Foundation

extension FilterReason {
    /// The original tests let a mutant survive that a generated test kills.
    public static let weakTests = FilterReason(stage: "tests", code: "tests/weak", severity: .warning)
}

/// What a `tests/weak` flag carries: the counts, and the surviving mutants with a generated test that kills each.
public struct WeakTestsEvidence: Sendable, Hashable, Codable {
    /// A mutant the original tests miss, and a generated test that kills it.
    public struct Example: Sendable, Hashable, Codable {
        public var mutant: Int
        public var mutationOperator: String
        public var line: Int
        public var diff: String
        public var killingTest: PlusTest?

        enum CodingKeys: String, CodingKey {
            case mutant
            case mutationOperator = "operator"
            case line, diff
            case killingTest = "killing_test"
        }
    }

    public var mutants: Int
    public var killedByOriginal: Int
    public var killedOnlyByGenerated: Int
    public var likelyEquivalent: Int
    public var generatedTests: Int
    public var examples: [Example]

    enum CodingKeys: String, CodingKey {
        case mutants
        case killedByOriginal = "killed_by_original"
        case killedOnlyByGenerated = "killed_only_by_generated"
        case likelyEquivalent = "likely_equivalent"
        case generatedTests = "generated_tests"
        case examples
    }
}

/// What `curate tests mutate` did.
public struct MutationReport: Sendable, Hashable, Codable {
    public var options: TestsMutateStageOptions
    public var generatorDigest: String
    public var summary: FilterSummary
    public var findings: [FilterFinding]
    public var tasks: [TaskMutationAnalysis]
    public var seconds: Double

    /// Tasks analysed (not skipped).
    public var analysed: [TaskMutationAnalysis] { tasks.filter { $0.skipped == nil } }
    public var mutants: Int { analysed.map(\.mutants.count).reduce(0, +) }
    public var killedByOriginal: Int { analysed.map(\.killedByOriginal).reduce(0, +) }
    public var killedOnlyByGenerated: Int { analysed.map(\.killedOnlyByGenerated).reduce(0, +) }
    public var likelyEquivalent: Int { analysed.map(\.likelyEquivalent).reduce(0, +) }
    /// Survivors of tasks without generated tests: not classified.
    public var unclassified: Int { analysed.filter { $0.generatedTests == 0 }.map(\.survived).reduce(0, +) }
    /// Tasks whose original tests miss a mutant a generated test kills.
    public var tasksMissingKills: Int { analysed.filter { $0.killedOnlyByGenerated > 0 }.count }
    public var executionsPerSecond: Double { seconds > 0 ? Double(mutants + analysed.count) / seconds : 0 }
}

/// The `tests/weak` filter: mutation analysis of each task's tests; flags a task whose original tests let at least
/// `weak_min_mutants` mutants (and `weak_min_share` of all) survive that a generated test kills. A task without
/// generated tests, or not analysed, is left unjudged.
public struct WeakTestsFilter: TaskFilter {
    public static let stage = FilterReason.weakTests.stage
    public var pool: ExecutionPool
    public var options: TestsMutateStageOptions
    /// The generated tests of the given revisions.
    public var plusTests: @Sendable ([Int64]) throws -> [Int64: [PlusTest]]

    public init(
        pool: ExecutionPool, options: TestsMutateStageOptions,
        plusTests: @escaping @Sendable ([Int64]) throws -> [Int64: [PlusTest]]
    ) {
        self.pool = pool
        self.options = options
        self.plusTests = plusTests
    }

    public func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws
        -> FilterDecisions<[TaskMutationAnalysis]>
    {
        let plus = try plusTests(tasks.map(\.revisionID))
        let analyses = try await MutationAnalyzer.analyze(
            tasks, plusTests: plus, pool: pool, options: options, progress: progress)
        let decisions = analyses.map { analysis -> [FilterDecision]? in
            guard analysis.skipped == nil, analysis.generatedTests > 0 else { return nil }
            return [decision(analysis, plus: plus[analysis.revisionID] ?? [])]
        }
        return FilterDecisions(decisions, details: analyses)
    }

    /// Keep, or `tests/weak` with up to three surviving mutants and a generated test that kills each.
    func decision(_ analysis: TaskMutationAnalysis, plus: [PlusTest]) -> FilterDecision {
        let missed = analysis.mutants.filter { $0.outcome == .killedByGenerated }
        let share = Double(missed.count) / Double(max(1, analysis.mutants.count))
        guard missed.count >= options.weakMinMutants, share >= options.weakMinShare else { return .keep }
        let byOrdinal = Dictionary(plus.map { ($0.ordinal, $0) }, uniquingKeysWith: { first, _ in first })
        let examples = missed.prefix(3).map { result in
            WeakTestsEvidence.Example(
                mutant: result.ordinal, mutationOperator: result.mutant.mutationOperator, line: result.mutant.line,
                diff: result.diff, killingTest: result.killingTests.first.flatMap { byOrdinal[$0] })
        }
        let evidence = WeakTestsEvidence(
            mutants: analysis.mutants.count, killedByOriginal: analysis.killedByOriginal,
            killedOnlyByGenerated: missed.count, likelyEquivalent: analysis.likelyEquivalent,
            generatedTests: analysis.generatedTests, examples: examples)
        let message = String(
            format: "original tests miss %d of %d mutants that generated tests kill (score %.2f, with generated %.2f)",
            missed.count, analysis.mutants.count, analysis.originalScore ?? 0, analysis.combinedScore ?? 0)
        return .drop(reason: .weakTests, message: message, evidence: CanonicalJSON.string(evidence))
    }

    /// Stores every analysed task's mutation run and mutants (one transaction), then marks each task's reduced
    /// generated tests.
    public func record(_ details: [TaskMutationAnalysis], in store: TaskStore) throws {
        try store.replaceMutationRuns(Self.runs(details, options: options))
        for analysis in details where analysis.skipped == nil && analysis.generatedTests > 0 {
            try store.setReducedGeneratedTests(revisionID: analysis.revisionID, ordinals: Set(analysis.reduced))
        }
    }

    /// The store rows of the analysed tasks.
    static func runs(_ analyses: [TaskMutationAnalysis], options: TestsMutateStageOptions, now: Date = Date())
        -> [NewMutationRun]
    {
        let optionsJSON = CanonicalJSON.string(options)
        return analyses.filter { $0.skipped == nil }.map { analysis in
            NewMutationRun(
                run: MutationRunRecord(
                    revisionID: analysis.revisionID, taskID: analysis.taskID, generatorDigest: MutantGenerator.digest,
                    options: optionsJSON, generatedTests: analysis.generatedTests, mutants: analysis.mutants.count,
                    killedByOriginal: analysis.killedByOriginal, killedOnlyByGenerated: analysis.killedOnlyByGenerated,
                    survived: analysis.survived, referenceSeconds: analysis.referenceSeconds,
                    mutantTimeoutSeconds: analysis.mutantTimeoutSeconds, createdAt: now),
                mutants: analysis.mutants.map { result in
                    MutantRecord(
                        runID: 0, revisionID: analysis.revisionID, ordinal: result.ordinal,
                        mutationOperator: result.mutant.mutationOperator, line: result.mutant.line,
                        column: result.mutant.column, endLine: result.mutant.endLine,
                        endColumn: result.mutant.endColumn, original: result.mutant.original,
                        replacement: result.mutant.replacement, diff: result.diff, outcome: result.outcome,
                        detail: result.detail, killingTests: CanonicalJSON.string(result.killingTests))
                })
        }
    }

    /// Analyses the newest revisions of `datasets` and (unless `record` is false) records flags, runs and mutants.
    public static func run(
        store: TaskStore, datasets: [String], pool: ExecutionPool, options: TestsMutateStageOptions,
        plusTests: @escaping @Sendable ([Int64]) throws -> [Int64: [PlusTest]], record: Bool = true,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> MutationReport {
        let filter = WeakTestsFilter(pool: pool, options: options, plusTests: plusTests)
        let run = try await FilterRunner.run(
            filter, store: store, datasets: datasets, record: record, progress: progress)
        return MutationReport(
            options: options, generatorDigest: MutantGenerator.digest, summary: run.summary, findings: run.findings,
            tasks: run.details, seconds: run.seconds)
    }
}
