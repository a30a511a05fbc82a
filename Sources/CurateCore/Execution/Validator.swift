import CurateStore
import Foundation

/// How the time limit of later runs is derived from a task's reference run.
///
/// The reference solution runs once under the generous `ceiling`; later stages (stability, ambiguity, review)
/// get `max(floor, factor × reference wall time + slack)`, capped at the ceiling. Measuring on the machine that
/// runs the pipeline, with a 5× margin and a 1 s floor, keeps a slow or busy machine from turning correct tasks
/// into timeouts, and a reference run that times out is retried once alone before the timeout is believed.
public struct TimeLimitPolicy: Sendable, Hashable, Codable {
    public var floorSeconds: Double
    public var factor: Double
    public var slackSeconds: Double

    public init(floorSeconds: Double = 1, factor: Double = 5, slackSeconds: Double = 0.5) {
        self.floorSeconds = floorSeconds
        self.factor = factor
        self.slackSeconds = slackSeconds
    }

    public static let `default` = TimeLimitPolicy()

    /// The limit for later runs of a task whose reference run took `referenceWallSeconds`, at most `ceiling`.
    public func limit(referenceWallSeconds: Double, ceiling: Double) -> Double {
        let raw = max(floorSeconds, factor * referenceWallSeconds + slackSeconds)
        return (min(raw, max(ceiling, floorSeconds)) * 100).rounded(.up) / 100
    }
}

/// What `curate validate` should run.
public struct ValidationOptions: Sendable, Hashable {
    /// Only this dataset (nil = every dataset in the store).
    public var dataset: String?
    /// Only these task ids (empty = all).
    public var ids: [String]
    /// Limits of the reference runs; `timeoutSeconds` is the ceiling the calibrated limit never exceeds.
    public var limits: ExecutionLimits
    /// Also run the tasks' challenge tests (after the ordinary ones).
    public var includeChallengeTests: Bool
    /// Run even when a verdict with the same key is stored.
    public var force: Bool
    public var timePolicy: TimeLimitPolicy

    public init(
        dataset: String? = nil, ids: [String] = [], limits: ExecutionLimits = .default,
        includeChallengeTests: Bool = false,
        force: Bool = false, timePolicy: TimeLimitPolicy = .default
    ) {
        self.dataset = dataset
        self.ids = ids
        self.limits = limits
        self.includeChallengeTests = includeChallengeTests
        self.force = force
        self.timePolicy = timePolicy
    }
}

/// The summary class of a verdict: passed, or the first reason it did not.
public enum VerdictCategory: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    case passed, failed, error, timeout, memoryLimit, crashed, killedBySignal, outputLimit

    public init(_ verdict: ExecutionVerdict) {
        switch verdict.status {
        case .timeout: self = .timeout
        case .memoryLimit: self = .memoryLimit
        case .crashed: self = .crashed
        case .killedBySignal: self = .killedBySignal
        case .outputLimit: self = .outputLimit
        case .ok:
            if verdict.passed {
                self = .passed
            } else if verdict.programError == nil, case .assertionFailed = verdict.firstFailure?.outcome {
                self = .failed
            } else {
                self = .error
            }
        }
    }

    /// Flag code recorded on a revision whose reference run ended this way (nil for `passed`).
    public var flagCode: String? {
        switch self {
        case .passed: return nil
        case .memoryLimit: return "validate/memory-limit"
        case .killedBySignal: return "validate/killed"
        case .outputLimit: return "validate/output-limit"
        default: return "validate/\(rawValue)"
        }
    }
}

/// One task whose reference run did not pass.
public struct ValidationFailure: Sendable, Hashable, Codable {
    public var taskID: String
    public var revisionID: Int64
    public var category: VerdictCategory
    /// The first failing test statement, or `<solution>`/`<setup>` when the program failed before the tests.
    public var statement: String
    /// What happened there: `AssertionError`, `NameError: name 'x' is not defined`, `not reached`.
    public var outcome: String
    /// The run's detail (timeouts, crashes).
    public var detail: String
}

/// A stored verdict with what it was run under.
public struct StoredVerdict: Sendable, Hashable, Codable {
    public var revisionID: Int64
    public var key: String
    public var verdict: ExecutionVerdict
    public var pythonVersion: String
    public var timeoutSeconds: Double
    public var calibratedTimeoutSeconds: Double?
    public var createdAt: Date
}

/// The outcome of `curate validate`.
public struct ValidationReport: Sendable, Hashable, Codable {
    public var pythonVersion: String
    public var jobs: Int
    public var tasks: Int
    /// Executions run now.
    public var executed: Int
    /// Verdicts reused from the store (same key).
    public var reused: Int
    /// Timeouts re-run alone; `recoveredTimeouts` of them then passed the limit.
    public var retriedTimeouts: Int
    public var recoveredTimeouts: Int
    public var counts: [VerdictCategory: Int]
    public var failures: [ValidationFailure]
    public var wallSeconds: Double
    /// Executions per second of this run (0 when nothing ran).
    public var executionsPerSecond: Double
    /// Isolation the sandbox is missing here, said once.
    public var isolationWarnings: [String]
}

/// Runs reference solutions against their tests in the sandbox and records verdicts and flags in the store.
public struct Validator: Sendable {
    public let store: TaskStore
    public let pool: ExecutionPool

    public init(store: TaskStore, pool: ExecutionPool) {
        self.store = store
        self.pool = pool
    }

    /// Validates the selected tasks' newest revisions, reusing stored verdicts whose key is unchanged.
    public func validate(options: ValidationOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws
        -> ValidationReport
    {
        let start = Date()
        let heads = try store.selectedHeads(dataset: options.dataset, ids: options.ids)
        var requests: [ExecutionRequest] = []
        for head in heads {
            let content = try TaskContent.decode(head.revision.content)
            requests.append(Self.request(for: content, options: options, pythonVersion: pool.pythonVersion))
        }
        let keys = requests.map(\.key)
        let stored = options.force ? [:] : try store.executions(keys: keys)
        var verdicts = [ExecutionVerdict?](repeating: nil, count: heads.count)
        var fresh: [Int] = []
        var reused = 0
        for (index, key) in keys.enumerated() {
            if let record = stored[key], let verdict = try? ExecutionVerdict(stored: record) {
                verdicts[index] = verdict
                reused += 1
                if record.revisionID != heads[index].revision.id! { fresh.append(index) }
            }
        }
        let toRun = verdicts.indices.filter { verdicts[$0] == nil }
        let ran = try await pool.runAll(toRun.map { requests[$0] }) { done, _ in progress?(done, toRun.count) }
        for (index, verdict) in zip(toRun, ran) { verdicts[index] = verdict }
        let executedSeconds = Date().timeIntervalSince(start)
        var retried = 0, recovered = 0
        for index in toRun where verdicts[index]?.status == .timeout {
            retried += 1
            let again = try await pool.run(requests[index])
            if again.status != .timeout { recovered += 1 }
            verdicts[index] = again
        }
        fresh += toRun
        let final = verdicts.map { $0! }
        let (counts, failures) = ValidationFailure.tally(final, requests: requests) {
            (heads[$0].task.id, heads[$0].revision.id!)
        }
        try record(heads: heads, keys: keys, verdicts: final, failures: failures, fresh: fresh, options: options)
        return ValidationReport(
            pythonVersion: pool.pythonVersion, jobs: pool.configuration.jobs, tasks: heads.count, executed: toRun.count,
            reused: reused, retriedTimeouts: retried, recoveredTimeouts: recovered, counts: counts,
            failures: failures.compactMap { $0 },
            wallSeconds: Date().timeIntervalSince(start),
            executionsPerSecond: toRun.isEmpty ? 0 : Double(toRun.count) / max(executedSeconds, 1e-9),
            isolationWarnings: pool.isolation.warnings)
    }

    /// The newest stored verdict of a revision (for `curate show`), or nil if it was never validated.
    public static func latestVerdict(store: TaskStore, revisionID: Int64) throws -> StoredVerdict? {
        guard let record = try store.latestExecution(revisionID: revisionID) else { return nil }
        let verdict = try ExecutionVerdict(stored: record)
        return StoredVerdict(
            revisionID: record.revisionID, key: record.key, verdict: verdict, pythonVersion: record.pythonVersion,
            timeoutSeconds: record.timeoutSeconds, calibratedTimeoutSeconds: record.calibratedTimeoutSeconds,
            createdAt: record.createdAt)
    }

    /// The execution request for a task's reference solution.
    public static func request(for content: TaskContent, options: ValidationOptions, pythonVersion: String)
        -> ExecutionRequest
    {
        ExecutionRequest(
            solution: content.solution, testSetup: content.testSetup,
            tests: content.tests + (options.includeChallengeTests ? content.challengeTests : []),
            limits: options.limits,
            pythonVersion: pythonVersion, entryPoint: content.entryPoint)
    }

    /// Stores the verdicts of `fresh` indices (not those the sandbox itself failed, which must run again) and sets
    /// every validated revision's flags from its verdict, reused or not, in one transaction: a kill at any point
    /// leaves no verdict without its flags.
    private func record(
        heads: [TaskHead], keys: [String], verdicts: [ExecutionVerdict], failures: [ValidationFailure?], fresh: [Int],
        options: ValidationOptions
    ) throws {
        guard !heads.isEmpty else { return }
        let now = Date()
        var records: [ExecutionRecord] = []
        for index in fresh.sorted() where verdicts[index].harnessFailure != true {
            let verdict = verdicts[index]
            let calibrated =
                verdict.passed
                ? options.timePolicy.limit(
                    referenceWallSeconds: verdict.wallSeconds, ceiling: options.limits.timeoutSeconds) : nil
            records.append(
                ExecutionRecord(
                    revisionID: heads[index].revision.id!, key: keys[index], status: verdict.status.rawValue,
                    passed: verdict.passed,
                    verdict: CanonicalJSON.string(verdict), cpuSeconds: verdict.cpuSeconds,
                    wallSeconds: verdict.wallSeconds,
                    peakMemoryKB: verdict.peakMemoryKB, pythonVersion: pool.pythonVersion,
                    timeoutSeconds: options.limits.timeoutSeconds,
                    calibratedTimeoutSeconds: calibrated, createdAt: now))
        }
        var flags: [(revisionID: Int64, taskID: String, flag: NewFlag)] = []
        for index in heads.indices {
            let revisionID = heads[index].revision.id!
            if let failure = failures[index], let code = failure.category.flagCode {
                flags.append(
                    (
                        revisionID, heads[index].task.id,
                        NewFlag(
                            stage: "validate", code: code, severity: .error,
                            message:
                                "reference solution \(failure.category.rawValue): \(failure.statement) → \(failure.outcome)",
                            evidence: CanonicalJSON.string(failure))
                    ))
            }
        }
        FaultInjection.checkpoint("validate-record")
        try store.recordValidation(
            executions: records, stage: "validate", revisionIDs: heads.map { $0.revision.id! }, flags: flags, now: now)
    }

}

extension ExecutionVerdict {
    /// The verdict a stored execution row holds (its JSON column), decoded in one place for every reader.
    public init(stored record: ExecutionRecord) throws {
        self = try JSONDecoder().decode(ExecutionVerdict.self, from: Data(record.verdict.utf8))
    }
}
