import CurateStore
import Foundation

/// What `curate tests generate` should generate tests for.
public struct TestGenerationScope: Sendable, Hashable {
    /// Only this dataset (nil = every dataset in the store).
    public var dataset: String?
    /// Only these task ids (empty = all).
    public var ids: [String]

    public init(dataset: String? = nil, ids: [String] = []) {
        self.dataset = dataset
        self.ids = ids
    }
}

/// What one generation run did, for people and `--json`.
public struct TestGenerationReport: Sendable, Hashable, Codable {
    /// Why a task got no generated tests.
    public struct TaskWithout: Sendable, Hashable, Codable {
        public var taskID: String
        /// `no-entry-point`, `reference-fails`, `no-calls`, `arguments-not-plain`, `no-new-inputs`, `none-survived`.
        public var reason: String
        public var detail: String
    }

    /// Generated tests per task, over the tasks that got any.
    public struct Spread: Sendable, Hashable, Codable {
        public var median: Double
        public var min: Int
        public var max: Int
    }

    public var seed: Int
    /// Content digest of the generator's code (stored with every test).
    public var generator: String
    public var pythonVersion: String
    public var tasks: Int
    public var tasksWithTests: Int
    /// Distinct replayable argument lists the original tests passed to the entry points.
    public var capturedInputs: Int
    /// Mutated inputs run on the reference.
    public var candidates: Int
    /// Generated tests stored.
    public var kept: Int
    /// Candidates the reference judged outside the task's contract, or whose test did not hold, by reason.
    public var discarded: [String: Int]
    /// Valid tests left out by the per-task cap.
    public var overCap: Int
    public var perTask: Spread?
    public var tasksWithout: [TaskWithout]
    public var executions: Int
    public var wallSeconds: Double
    public var isolationWarnings: [String]

    /// Nothing was generated for any task: a run that should not pass for a success.
    public var generatedNothing: Bool { kept == 0 }
}

/// Generates "plus" tests: captures the inputs each task's tests pass to its entry point, mutates them by type, runs
/// the reference on the mutants (twice, under different hash and random seeds) as the oracle, writes each surviving
/// input as an assert in the shape of the original test that made the call, keeps the asserts the reference passes,
/// and stores them per revision with their seed and the generator's digest.
public struct PlusTestGenerator: Sendable {
    public let store: TaskStore
    public let pool: ExecutionPool

    public init(store: TaskStore, pool: ExecutionPool) {
        self.store = store
        self.pool = pool
    }

    /// Digest of the generator's code and of the sandbox it runs in: the `generator` of every stored test.
    public static var generatorVersion: String { ContentDigest.of(["TestGeneration", "@CurateSandbox"]) }

    /// Runs generation for the selected tasks and replaces their stored generated tests, in one transaction.
    public func generate(
        _ scope: TestGenerationScope, options: TestsGenerateStageOptions,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> TestGenerationReport {
        let started = Date()
        let heads = try store.selectedHeads(dataset: scope.dataset, ids: scope.ids)
        var work = try heads.map { head in TaskWork(head: head, content: try TaskContent.decode(head.revision.content))
        }
        var executions = 0
        try await capture(&work, options: options, executions: &executions, progress: progress)
        for index in work.indices where work[index].without == nil {
            work[index].makeCandidates(options: options)
        }
        var runs: [[[ProbeResult?]]] = []
        for run in 0..<options.runs {
            runs.append(
                try await probe(
                    work, pass: ProbePass(seed: run, earlier: runs), options: options, executions: &executions,
                    progress: progress))
        }
        for index in work.indices {
            work[index].judge(runs.map { $0[index] }, options: options)
        }
        try await validate(&work, options: options, executions: &executions, progress: progress)
        let generator = Self.generatorVersion
        let now = Date()
        var byRevision: [Int64: [GeneratedTestRecord]] = [:]
        for index in work.indices {
            work[index].select(perTask: options.perTask)
            guard let revisionID = work[index].head.revision.id else { continue }
            byRevision[revisionID] = work[index].selected.enumerated().map { ordinal, test in
                GeneratedTestRecord(
                    revisionID: revisionID, ordinal: ordinal, statement: test.statement, inputRepr: test.inputRepr,
                    expectedRepr: test.expectedRepr, seed: Int64(options.seed), generator: generator, createdAt: now)
            }
        }
        try store.replaceGeneratedTests(byRevision)
        return report(work, options: options, generator: generator, executions: executions, started: started)
    }

    /// Runs each task's tests against its reference with capture on; a task whose reference fails, or whose tests
    /// pass nothing replayable to the entry point, is set aside with the reason.
    private func capture(
        _ work: inout [TaskWork], options: TestsGenerateStageOptions, executions: inout Int,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws {
        for index in work.indices where work[index].content.entryPoint == nil {
            work[index].setAside("no-entry-point", "the task names no entry point to capture")
        }
        let indices = work.indices.filter { work[$0].without == nil }
        let requests = indices.map { index in
            let content = work[index].content
            return ExecutionRequest(
                solution: content.solution, testSetup: content.testSetup, tests: content.tests, limits: options.limits,
                pythonVersion: pool.pythonVersion, entryPoint: content.entryPoint, captureCalls: true)
        }
        let verdicts = try await pool.runAll(requests, progress: progress)
        executions += requests.count
        for (index, verdict) in zip(indices, verdicts) { work[index].captured(verdict) }
    }

    /// One probing pass: the first runs every candidate, each later one re-runs, under its own seeds, those every
    /// earlier pass got a value for. A run cut short (timeout, crash) discards the input it stopped at and goes on with the rest.
    private func probe(
        _ work: [TaskWork], pass: ProbePass, options: TestsGenerateStageOptions, executions: inout Int,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> [[ProbeResult?]] {
        var results = work.map { [ProbeResult?](repeating: nil, count: $0.candidates.count) }
        var pending: [(task: Int, inputs: [Int])] = work.indices.compactMap { task in
            let inputs = work[task].candidates.indices.filter { pass.wanted(task: task, input: $0) }
            return inputs.isEmpty ? nil : (task, inputs)
        }
        for _ in 0..<Self.maxRounds where !pending.isEmpty {
            let requests = pending.map { item in
                let content = work[item.task].content
                return ExecutionRequest(
                    solution: content.solution, testSetup: content.testSetup, tests: [], limits: options.limits,
                    hashSeed: pass.seed, randomSeed: pass.seed, pythonVersion: pool.pythonVersion,
                    entryPoint: content.entryPoint,
                    probeInputs: item.inputs.map { work[item.task].candidates[$0].text },
                    probeViews: work[item.task].views)
            }
            let verdicts = try await pool.runAll(requests, progress: progress)
            executions += requests.count
            var next: [(task: Int, inputs: [Int])] = []
            for (item, verdict) in zip(pending, verdicts) {
                let outcomes = (verdict.probes ?? []).filter { $0.input >= 0 && $0.input < item.inputs.count }
                for outcome in outcomes {
                    results[item.task][item.inputs[outcome.input]] = ProbeResult(outcome, options: options)
                }
                let reached = outcomes.count
                guard reached < item.inputs.count else { continue }
                if verdict.programError != nil || verdict.probes?.contains(where: { $0.input < 0 }) == true {
                    for input in item.inputs[reached...] { results[item.task][input] = .discarded("setup-failed") }
                    continue
                }
                results[item.task][item.inputs[reached]] = .discarded(Self.reason(verdict.status))
                if reached + 1 < item.inputs.count { next.append((item.task, Array(item.inputs[(reached + 1)...]))) }
            }
            pending = next
        }
        for item in pending {
            for input in item.inputs { results[item.task][input] = .discarded("not-reached") }
        }
        return results
    }

    /// Rounds of probing a task's remaining inputs after runs cut short.
    static let maxRounds = 6

    private static func reason(_ status: RunStatus) -> String {
        switch status {
        case .timeout: return "timeout"
        case .memoryLimit: return "memory"
        case .outputLimit: return "output"
        default: return "crashed"
        }
    }

    /// Runs each task's candidate tests against its reference under two hash and random seeds; keeps those that
    /// pass both.
    private func validate(
        _ work: inout [TaskWork], options: TestsGenerateStageOptions, executions: inout Int,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws {
        let indices = work.indices.filter { !work[$0].tests.isEmpty }
        var passing = indices.map { Array(repeating: true, count: work[$0].tests.count) }
        for seed in [0, 1] {
            let requests = indices.map { index in
                let content = work[index].content
                return ExecutionRequest(
                    solution: content.solution, testSetup: content.testSetup, tests: work[index].tests.map(\.statement),
                    limits: options.limits, hashSeed: seed, randomSeed: seed, pythonVersion: pool.pythonVersion,
                    entryPoint: content.entryPoint)
            }
            let verdicts = try await pool.runAll(requests, progress: progress)
            executions += requests.count
            for (position, verdict) in verdicts.enumerated() {
                for (test, outcome) in verdict.tests.enumerated() where outcome != .passed {
                    passing[position][test] = false
                }
            }
        }
        for (position, index) in indices.enumerated() {
            work[index].keepValidated(passing[position])
        }
    }

    private func report(
        _ work: [TaskWork], options: TestsGenerateStageOptions, generator: String, executions: Int, started: Date
    ) -> TestGenerationReport {
        var discarded: [String: Int] = [:]
        for task in work {
            for (reason, count) in task.discarded { discarded[reason, default: 0] += count }
        }
        let counts = work.map(\.selected.count).filter { $0 > 0 }.sorted()
        let spread =
            counts.isEmpty
            ? nil
            : TestGenerationReport.Spread(
                median: counts.count % 2 == 1
                    ? Double(counts[counts.count / 2])
                    : Double(counts[counts.count / 2 - 1] + counts[counts.count / 2]) / 2,
                min: counts[0], max: counts[counts.count - 1])
        return TestGenerationReport(
            seed: options.seed, generator: generator, pythonVersion: pool.pythonVersion, tasks: work.count,
            tasksWithTests: counts.count, capturedInputs: work.map(\.inputs.count).reduce(0, +),
            candidates: work.map(\.candidates.count).reduce(0, +), kept: counts.reduce(0, +), discarded: discarded,
            overCap: work.map(\.overCap).reduce(0, +), perTask: spread,
            tasksWithout: work.compactMap { task in
                task.without.map {
                    TestGenerationReport.TaskWithout(taskID: task.head.task.id, reason: $0.reason, detail: $0.detail)
                }
            },
            executions: executions, wallSeconds: Date().timeIntervalSince(started),
            isolationWarnings: pool.isolation.warnings)
    }
}

/// One probing pass: its hash and random seed, and the passes before it (a later pass runs only the inputs all of
/// them got a value for).
struct ProbePass {
    var seed: Int
    var earlier: [[[ProbeResult?]]]

    func wanted(task: Int, input: Int) -> Bool {
        earlier.allSatisfy { run in
            if case .value = run[task][input] { return true }
            return false
        }
    }
}

/// What one probe of one input gave, judged: a value within the per-input time, or the reason it is discarded.
enum ProbeResult: Sendable {
    case value(PythonValue, outcome: ProbeOutcome)
    case discarded(String)

    init(_ outcome: ProbeOutcome, options: TestsGenerateStageOptions) {
        switch outcome.kind {
        case .raised: self = .discarded("raises")
        case .notPlain: self = .discarded("not-plain")
        case .value:
            if let seconds = outcome.seconds, seconds > options.inputTimeout {
                self = .discarded("timeout")
            } else if let text = outcome.result, let value = try? TaggedJSON.value(text), value.isPlain {
                self = .value(value, outcome: outcome)
            } else {
                self = .discarded("not-plain")
            }
        }
    }
}
