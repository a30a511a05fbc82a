import CurateStore
import Foundation

/// Runs the driver scripts in the execution engine's sandbox, one request per chunk of programs.
public struct MathQAPoolRunner: MathQAPythonRunner {
    public let pool: ExecutionPool
    public var limits: ExecutionLimits

    public init(pool: ExecutionPool, limits: ExecutionLimits = ExecutionLimits(timeoutSeconds: 60, memoryMB: 1024)) {
        self.pool = pool
        self.limits = limits
    }

    public func run(script: String) async throws -> String {
        let verdict = try await pool.run(
            ExecutionRequest(solution: script, tests: [], limits: limits, pythonVersion: pool.pythonVersion))
        guard verdict.status == .ok else {
            let error = verdict.programError.map { "\($0.type): \($0.message)" } ?? verdict.detail
            throw MathQAError.verificationFailed(reason: "a batch ended with \(verdict.status.rawValue) \(error)")
        }
        return verdict.stdout
    }
}

/// The result of `curate mathqa convert`: per-split counts, what was stored and how long each part took.
public struct MathQAJobReport: Sendable, Codable {
    public var mode: MathQAMode
    public var dataset: String
    public var splits: [MathQASplitSummary]
    public var newTasks: Int
    public var newRevisions: Int
    public var unchanged: Int
    /// Records read.
    public var problems: Int
    public var readSeconds: Double
    /// Preparing, executing and deciding every record (the part the 10-second target is about).
    public var convertSeconds: Double
    public var storeSeconds: Double
    public var isolationWarnings: [String]
}

/// `curate mathqa convert` as one library call: read files, convert and verify in the sandbox, store.
public enum MathQAJob {
    /// Converts `paths` in `mode`, verifying every kept program by execution, and saves the result in `store`
    /// (nil: convert and count only, as the benchmark does) under `dataset` (default: the mode's).
    public static func run(
        paths: [String], mode: MathQAMode, store: TaskStore?, dataset: String? = nil,
        jobs: Int = ProcessInfo.processInfo.activeProcessorCount, python: String? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> MathQAJobReport {
        let clock = ContinuousClock()
        let readStart = clock.now
        let files = try paths.map { try MathQAFile.read(path: $0) }
        let readSeconds = seconds(clock.now - readStart)
        let (outcomes, isolationWarnings, convertSeconds) = try await ExecutionPool.withPool(
            .init(python: python, jobs: jobs)
        ) { pool in
            let convertStart = clock.now
            let outcomes = try await MathQAConverter(mode: mode).convert(
                files, runner: MathQAPoolRunner(pool: pool), progress: progress)
            return (outcomes, pool.isolation.warnings, seconds(clock.now - convertStart))
        }
        let storeStart = clock.now
        let saved =
            try store.map { try MathQAStoreWriter.save(outcomes, mode: mode, store: $0, dataset: dataset) }
            ?? StoreOutcome()
        return MathQAJobReport(
            mode: mode, dataset: dataset ?? mode.dataset, splits: MathQAConverter.summarize(outcomes),
            newTasks: saved.newTasks,
            newRevisions: saved.newRevisions, unchanged: saved.unchanged,
            problems: outcomes.count, readSeconds: readSeconds, convertSeconds: convertSeconds,
            storeSeconds: seconds(clock.now - storeStart), isolationWarnings: isolationWarnings)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
