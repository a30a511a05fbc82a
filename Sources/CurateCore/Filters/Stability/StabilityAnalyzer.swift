import Foundation

/// Settings of `curate stability`.
public struct StabilityOptions: Sendable, Hashable, Codable {
    /// Runs per task (at least 2); run 0 is unperturbed.
    public var runs: Int
    public var limits: ExecutionLimits
    /// A run whose wall time reaches this fraction of the time limit makes the task timing-sensitive.
    public var timingFraction: Double

    public init(runs: Int = 5, limits: ExecutionLimits = .default, timingFraction: Double = 0.5) {
        self.runs = runs
        self.limits = limits
        self.timingFraction = timingFraction
    }
}

/// What one test did in one run, reduced to what must agree between runs (messages are left out: they may
/// hold addresses or times that differ without the verdict differing).
public enum StabilityClass: Sendable, Hashable, Codable, CustomStringConvertible {
    case passed
    case assertionFailed
    case error(type: String)
    /// The setup or solution raised before the test ran.
    case programError(phase: String, type: String)
    /// The test was running when the run ended abnormally (timeout, memory, crash, signal, output cap).
    case runEnded(RunStatus)

    public var description: String {
        switch self {
        case .passed: "passed"
        case .assertionFailed: "AssertionError"
        case .error(let type): type
        case .programError(let phase, let type): "\(phase) raised \(type)"
        case .runEnded(let status): status.rawValue
        }
    }
}

/// One run's outcome of one test, as shown in evidence.
public struct StabilityObservation: Sendable, Hashable, Codable {
    public var run: Int
    public var hashSeed: Int
    public var randomSeed: Int?
    public var clockOffsetSeconds: Double?
    /// Position of the test in the run's order (0 = first), and whether it ran in a program of its own.
    public var position: Int
    public var separateProgram: Bool
    public var outcome: String
    /// The full outcome text, message included.
    public var detail: String
    public var wallSeconds: Double
}

/// A test whose outcome differs between runs.
public struct StabilityDisagreement: Sendable, Hashable, Codable {
    public var test: Int
    public var statement: String
    public var observations: [StabilityObservation]
}

/// Evidence of a `nondeterministic` flag.
public struct NondeterminismEvidence: Sendable, Hashable, Codable {
    public var runs: [StabilityRunPlan]
    public var disagreements: [StabilityDisagreement]
}

/// Evidence of a `timing-sensitive` flag: the slow runs against the limit.
public struct TimingEvidence: Sendable, Hashable, Codable {
    public struct SlowRun: Sendable, Hashable, Codable {
        public var run: Int
        /// The test indices of the program, in the order they ran.
        public var tests: [Int]
        public var status: RunStatus
        public var wallSeconds: Double
        public var cpuSeconds: Double
    }

    public var timeoutSeconds: Double
    public var thresholdSeconds: Double
    public var slowRuns: [SlowRun]
    /// Tests that timed out in some runs and not in others.
    public var tests: [StabilityDisagreement]
}

/// Compares the runs of one task and decides: nondeterministic, timing-sensitive, or keep.
public enum StabilityAnalyzer {
    /// `verdicts[r]` are the verdicts of run `r`'s requests as built by `StabilityPlanner.requests`.
    public static func decisions(
        content: TaskContent, plans: [StabilityRunPlan], verdicts: [[ExecutionVerdict]], options: StabilityOptions
    ) -> [FilterDecision] {
        var observed: [[StabilityClass?]] = Array(
            repeating: Array(repeating: nil, count: plans.count), count: content.tests.count)
        var observations: [[StabilityObservation]] = Array(repeating: [], count: content.tests.count)
        var slowRuns: [TimingEvidence.SlowRun] = []
        let threshold = options.limits.timeoutSeconds * options.timingFraction
        for (r, plan) in plans.enumerated() {
            let programs: [[Int]] = plan.separatePrograms ? plan.order.map { [$0] } : [plan.order]
            for (program, indices) in programs.enumerated() {
                let verdict = verdicts[r][program]
                if verdict.wallSeconds >= threshold || verdict.status == .timeout {
                    slowRuns.append(
                        .init(
                            run: plan.run, tests: indices, status: verdict.status, wallSeconds: verdict.wallSeconds,
                            cpuSeconds: verdict.cpuSeconds))
                }
                var blamed = false
                for (slot, test) in indices.enumerated() {
                    let outcome = slot < verdict.tests.count ? verdict.tests[slot] : .notReached
                    let cls: StabilityClass?
                    switch outcome {
                    case .passed: cls = .passed
                    case .assertionFailed: cls = .assertionFailed
                    case .error(let type, _): cls = .error(type: type)
                    case .notReached:
                        if let error = verdict.programError {
                            cls = .programError(phase: error.phase, type: error.type)
                        } else if verdict.status != .ok, !blamed {
                            blamed = true
                            cls = .runEnded(verdict.status)
                        } else {
                            cls = nil
                        }
                    }
                    guard let cls else { continue }
                    observed[test][r] = cls
                    observations[test].append(
                        StabilityObservation(
                            run: plan.run, hashSeed: plan.hashSeed ?? 0, randomSeed: plan.randomSeed,
                            clockOffsetSeconds: plan.clockOffsetSeconds,
                            position: plan.order.firstIndex(of: test) ?? slot,
                            separateProgram: plan.separatePrograms, outcome: cls.description,
                            detail: outcome == .notReached
                                ? (verdict.detail.isEmpty ? cls.description : verdict.detail) : outcome.summary,
                            wallSeconds: verdict.wallSeconds))
                }
            }
        }
        var flaky: [StabilityDisagreement] = []
        var timedOutSometimes: [StabilityDisagreement] = []
        for test in content.tests.indices {
            let classes = Set(observed[test].compactMap { $0 })
            guard classes.count > 1 else { continue }
            let disagreement = StabilityDisagreement(
                test: test, statement: content.tests[test], observations: observations[test])
            if classes.contains(.runEnded(.timeout)) {
                timedOutSometimes.append(disagreement)
            } else {
                flaky.append(disagreement)
            }
        }
        var decisions: [FilterDecision] = []
        if !flaky.isEmpty {
            let first = flaky[0]
            let outcomes = Dictionary(grouping: first.observations, by: \.outcome).map {
                "\($0.key) in run \($0.value.map { String($0.run) }.joined(separator: ","))"
            }.sorted()
            let message =
                "\(flaky.count) of \(content.tests.count) test\(content.tests.count == 1 ? "" : "s") change outcome between runs; test \(first.test + 1): \(outcomes.joined(separator: "; "))"
            decisions.append(
                .drop(
                    reason: .nondeterministic, message: message,
                    evidence: CanonicalJSON.string(NondeterminismEvidence(runs: plans, disagreements: flaky))))
        }
        if !slowRuns.isEmpty || !timedOutSometimes.isEmpty {
            let slowest = slowRuns.max { $0.wallSeconds < $1.wallSeconds }
            var message =
                "reaches \(String(format: "%.2f", slowest?.wallSeconds ?? 0)) s of its \(String(format: "%g", options.limits.timeoutSeconds)) s limit"
            if !timedOutSometimes.isEmpty { message = "times out in some runs only; " + message }
            let totalPrograms = plans.reduce(0) { $0 + ($1.separatePrograms ? $1.order.count : 1) }
            message +=
                " (\(slowRuns.count) of \(totalPrograms) programs at or over \(String(format: "%g", threshold)) s)"
            decisions.append(
                .drop(
                    reason: .timingSensitive, message: message,
                    evidence: CanonicalJSON.string(
                        TimingEvidence(
                            timeoutSeconds: options.limits.timeoutSeconds, thresholdSeconds: threshold,
                            slowRuns: slowRuns, tests: timedOutSometimes))))
        }
        return decisions.isEmpty ? [.keep] : decisions
    }
}
