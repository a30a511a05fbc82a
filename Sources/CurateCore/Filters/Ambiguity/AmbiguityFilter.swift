import CurateStore
import Foundation

/// Settings of `curate ambiguity`.
public struct AmbiguityOptions: Sendable, Hashable, Codable {
    /// A task is judged only with at least this many samples (100, as in Codex); fewer are measured, not flagged.
    public var minSamples: Int
    public var limits: ExecutionLimits

    public init(minSamples: Int = 100, limits: ExecutionLimits = .default) {
        self.minSamples = minSamples
        self.limits = limits
    }
}

/// The samples result of one task.
public struct TaskSampleResult: Sendable, Hashable, Codable {
    public var taskID: String
    public var revisionID: Int64
    public var n: Int
    public var c: Int
    /// pass@k for k in 1, 10, 100; nil where undefined (k > n).
    public var passAt1: Double?
    public var passAt10: Double?
    public var passAt100: Double?
    /// Lines (or array positions) of the samples that passed every test.
    public var passedSamples: [Int]
    /// Passing samples that spell out the asserted inputs or outputs: they may pass by special-casing the tests.
    public var suspectedSpecialCasing: [Int]
    /// True when none of at least `minSamples` samples passes.
    public var flagged: Bool
}

/// What `curate ambiguity` did.
public struct AmbiguityReport: Sendable, Hashable, Codable {
    public var samplesPath: String
    public var samplesSHA256: String
    public var options: AmbiguityOptions
    public var summary: FilterSummary
    public var results: [TaskSampleResult]
    /// Samples whose task id matched no task (or several).
    public var diagnostics: [Diagnostic]
    public var executions: Int
    public var seconds: Double
}

/// The ambiguity filter: runs model samples against each task's tests and flags tasks no sample solves; tasks
/// without samples are left unjudged.
public struct AmbiguityFilter: TaskFilter {
    public static let stage = FilterReason.ambiguousOrTooHard.stage
    public var samples: [ModelSample]
    public var samplesPath: String
    public var samplesSHA256: String
    public var pool: ExecutionPool
    public var options: AmbiguityOptions

    public init(
        samples: [ModelSample], samplesPath: String, samplesSHA256: String, pool: ExecutionPool,
        options: AmbiguityOptions
    ) {
        self.samples = samples
        self.samplesPath = samplesPath
        self.samplesSHA256 = samplesSHA256
        self.pool = pool
        self.options = options
    }

    /// The measurements of the judged tasks, the samples that matched no task, and the samples executed.
    public struct Details: Sendable, Hashable {
        public var results: [TaskSampleResult]
        public var diagnostics: [Diagnostic]
        public var executions: Int
    }

    /// Matches sample task ids to tasks: a full id (`mbpp/11`) first, else a source id (`11`, `HumanEval/0`)
    /// that exactly one task has. Unmatched samples become diagnostics.
    public static func assign(_ samples: [ModelSample], to tasks: [FilterTask], path: String) -> (
        byTask: [Int: [ModelSample]], diagnostics: [Diagnostic]
    ) {
        var byID: [String: Int] = [:]
        var bySource: [String: [Int]] = [:]
        for (index, task) in tasks.enumerated() {
            byID[task.taskID] = index
            if let source = TaskID.split(task.taskID)?.sourceID { bySource[source, default: []].append(index) }
        }
        var byTask: [Int: [ModelSample]] = [:]
        var diagnostics: [Diagnostic] = []
        for sample in samples {
            if let index = byID[sample.taskID] {
                byTask[index, default: []].append(sample)
            } else if let matches = bySource[sample.taskID], matches.count == 1 {
                byTask[matches[0], default: []].append(sample)
            } else if let matches = bySource[sample.taskID] {
                diagnostics.append(
                    Diagnostic(
                        .warning, file: path, location: "line \(sample.line)",
                        "task id '\(sample.taskID)' is in \(matches.count) datasets (\(matches.map { tasks[$0].taskID }.joined(separator: ", "))); pass --dataset or write the full id"
                    ))
            } else {
                diagnostics.append(
                    Diagnostic(
                        .warning, file: path, location: "line \(sample.line)",
                        "no task '\(sample.taskID)' in the selected datasets; sample skipped"))
            }
        }
        return (byTask, diagnostics)
    }

    /// Runs every assigned sample against its task's tests and measures n, c, pass@k; drops tasks with no passing
    /// sample among at least `minSamples`.
    public func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws
        -> FilterDecisions<Details>
    {
        let (byTask, diagnostics) = Self.assign(samples, to: tasks, path: samplesPath)
        guard !byTask.isEmpty else { throw FilterError.noSampleMatched(path: samplesPath, samples: samples.count) }
        let judged = byTask.keys.sorted()
        var requests: [ExecutionRequest] = []
        for index in judged {
            let content = tasks[index].content
            for sample in byTask[index]! {
                requests.append(
                    ExecutionRequest(
                        solution: SampleProgram.solution(for: sample, task: content), testSetup: content.testSetup,
                        tests: content.tests,
                        limits: options.limits, pythonVersion: pool.pythonVersion, entryPoint: content.entryPoint))
            }
        }
        let verdicts = try await pool.runAll(requests, progress: progress)
        var cursor = 0
        var decisions = [[FilterDecision]?](repeating: nil, count: tasks.count)
        var results: [TaskSampleResult] = []
        for index in judged {
            let samples = byTask[index]!
            let passed = samples.indices.filter { verdicts[cursor + $0].passed }.map { samples[$0] }
            cursor += samples.count
            let result = Self.measure(task: tasks[index], samples: samples, passed: passed, options: options)
            results.append(result)
            decisions[index] = [Self.decision(result)]
        }
        return FilterDecisions(
            decisions, details: Details(results: results, diagnostics: diagnostics, executions: requests.count))
    }

    /// Stores the measurements next to the flags.
    public func record(_ details: Details, in store: TaskStore) throws {
        let now = Date()
        try store.saveSampleEvaluations(
            details.results.map { result in
                SampleEvaluationRecord(
                    revisionID: result.revisionID, taskID: result.taskID, samplesPath: samplesPath,
                    samplesSHA256: samplesSHA256,
                    n: result.n, c: result.c, passAt1: result.passAt1, passAt10: result.passAt10,
                    passAt100: result.passAt100,
                    passedSamples: CanonicalJSON.string(result.passedSamples), createdAt: now)
            })
    }

    /// n, c, pass@k and the special-casing suspicion of one task's samples, given which ones passed.
    public static func measure(
        task: FilterTask, samples: [ModelSample], passed: [ModelSample], options: AmbiguityOptions
    ) -> TaskSampleResult {
        let n = samples.count, c = passed.count
        let cases = SpecialCasing.assertedCases(task.content.tests)
        return TaskSampleResult(
            taskID: task.taskID, revisionID: task.revisionID, n: n, c: c,
            passAt1: PassAtK.estimate(n: n, c: c, k: 1), passAt10: PassAtK.estimate(n: n, c: c, k: 10),
            passAt100: PassAtK.estimate(n: n, c: c, k: 100), passedSamples: passed.map(\.line),
            suspectedSpecialCasing: passed.filter { SpecialCasing.spellsOut(cases, in: $0.completion) }.map(\.line),
            flagged: n >= options.minSamples && c == 0)
    }

    /// Keep, or drop as ambiguous-or-too-hard with the measurement as evidence.
    public static func decision(_ result: TaskSampleResult) -> FilterDecision {
        guard result.flagged else { return .keep }
        return .drop(
            reason: .ambiguousOrTooHard, message: "none of \(result.n) samples passes the tests",
            evidence: CanonicalJSON.string(result))
    }

    /// Reads the samples file, evaluates the newest revisions of `datasets` that have samples, and (unless `record`
    /// is false) records flags and stores the measurements.
    public static func run(
        store: TaskStore, samplesPath: String, datasets: [String], pool: ExecutionPool, options: AmbiguityOptions,
        record: Bool = true, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> AmbiguityReport {
        let data = try SampleReader.load(path: samplesPath)
        let filter = AmbiguityFilter(
            samples: try SampleReader.parse(data, path: samplesPath), samplesPath: samplesPath,
            samplesSHA256: SHA256.hex(data), pool: pool,
            options: options)
        let run = try await FilterRunner.run(
            filter, store: store, datasets: datasets, record: record, progress: progress)
        return AmbiguityReport(
            samplesPath: samplesPath, samplesSHA256: filter.samplesSHA256, options: options, summary: run.summary,
            results: run.details.results,
            diagnostics: run.details.diagnostics, executions: run.details.executions, seconds: run.seconds)
    }
}

/// Spots passing samples that may special-case the tests: for at least two asserts (or the only one) they spell out
/// an asserted argument and the expected value verbatim (ignoring spaces), e.g. `if a == (3, 4, 5, 6): return (4, 5)`.
public enum SpecialCasing {
    /// One `assert f(ARGS) == EXPECTED` statement's telling literals, spaces removed.
    public struct AssertedCase: Sendable, Hashable {
        /// The whole argument list and each top-level argument, when telling.
        public var arguments: [String]
        /// The expected value, nil when it is not telling (`True`, `3`).
        public var expected: String?
    }

    /// The telling literals of each assert that compares a call with `==`.
    public static func assertedCases(_ tests: [String]) -> [AssertedCase] {
        tests.compactMap { test in
            let compact = test.filter { !$0.isWhitespace }
            guard compact.hasPrefix("assert"), let open = compact.firstIndex(of: "("),
                let equals = compact.range(of: "==")
            else { return nil }
            let expected = String(compact[equals.upperBound...])
            let call = compact[compact.index(after: open)..<equals.lowerBound]
            let whole = call.hasSuffix(")") ? String(call.dropLast()) : String(call)
            var arguments: [String] = []
            for literal in [whole] + topLevelParts(whole) where isTelling(literal) && !arguments.contains(literal) {
                arguments.append(literal)
            }
            guard !arguments.isEmpty else { return nil }
            return AssertedCase(arguments: arguments, expected: isTelling(expected) ? expected : nil)
        }
    }

    /// True when the completion spells out an argument and the expected value of two asserts, or of the only one.
    public static func spellsOut(_ cases: [AssertedCase], in completion: String) -> Bool {
        guard !cases.isEmpty else { return false }
        let compact = completion.filter { !$0.isWhitespace }
        let spelled = cases.filter { item in
            item.arguments.contains { compact.contains($0) } && (item.expected.map { compact.contains($0) } ?? true)
        }
        return spelled.count >= min(2, cases.count)
    }

    /// Long enough (4+ characters) and not a bare name such as `True`, `None` or a variable, which any code may contain.
    static func isTelling(_ literal: String) -> Bool {
        guard literal.count >= 4 else { return false }
        let isName =
            literal.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } && !(literal.first?.isNumber ?? true)
        return !isName
    }

    /// `a,(b,c),[d]` → `a`, `(b,c)`, `[d]`: splits at commas outside brackets and quotes.
    static func topLevelParts(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var quote: Character?
        var current = ""
        for char in text {
            if let open = quote {
                if char == open { quote = nil }
            } else if char == "'" || char == "\"" {
                quote = char
            } else if "([{".contains(char) {
                depth += 1
            } else if ")]}".contains(char) {
                depth -= 1
            } else if char == ",", depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(char)
        }
        parts.append(current)
        return parts.count > 1 ? parts : []
    }
}
