import Foundation

/// The raw facts a worker reports for one execution, before classification.
struct WorkerReply: Codable, Sendable, Hashable {
    /// One harness record: a phase (`setup`, `solution`, `test`) and its outcome, or the final `done`.
    struct Record: Codable, Sendable, Hashable {
        var k: String
        var i: Int?
        var o: String?
        var t: String?
        var m: String?
        var mem: Bool?
        /// Capture and probe fields: phase, arguments, argument and result reprs, result, seconds, views.
        var p: String?
        var a: String?
        var ra: String?
        var rr: String?
        var r: String?
        var d: Double?
        var v: [View]?
    }

    /// A probe view's outcome: `repr()` or the exception.
    struct View: Codable, Sendable, Hashable {
        var r: String?
        var e: String?
    }

    var exit: Int?
    var signal: Int?
    var wall_timeout: Bool
    var output_limit: Bool
    var cpu: Double
    var wall: Double
    var maxrss_kb: Int
    var stdout: String
    var stderr: String
    var stdout_bytes: Int
    var stderr_bytes: Int
    var records: [Record]
    var survivors: Int
    /// Set by `SandboxWorker`, not the driver: whether the kernel OOM-killed a process in the worker's memory cgroup
    /// during this execution (nil without a cgroup).
    var oom_killed: Bool?
}

/// Turns a worker's raw reply into an `ExecutionVerdict`: per-test outcomes and the run's status.
enum VerdictBuilder {
    static func verdict(for request: ExecutionRequest, reply: WorkerReply) -> ExecutionVerdict {
        var tests = [TestOutcome](repeating: .notReached, count: request.tests.count)
        var programError: ProgramError?
        var sawMemoryError = false
        var finished = false
        var calls: [CapturedCall] = []
        var probes: [ProbeOutcome] = []
        for record in reply.records {
            if record.mem == true { sawMemoryError = true }
            switch record.k {
            case "done":
                finished = true
            case "call":
                calls.append(
                    CapturedCall(
                        phase: record.p ?? "test", test: record.i ?? -1, arguments: record.a,
                        skipped: record.o == "pass" ? nil : record.o))
            case "probe":
                probes.append(probe(record))
            case "test":
                guard let index = record.i, tests.indices.contains(index) else { continue }
                tests[index] = outcome(record)
            case "setup", "solution":
                if record.o != "pass" {
                    programError = ProgramError(phase: record.k, type: record.t ?? "Exception", message: record.m ?? "")
                }
            default:
                continue
            }
        }
        let limits = request.limits
        let (status, detail) = classify(
            reply: reply, limits: limits, finished: finished, sawMemoryError: sawMemoryError)
        return ExecutionVerdict(
            status: status, tests: tests, cpuSeconds: reply.cpu, wallSeconds: reply.wall, peakMemoryKB: reply.maxrss_kb,
            stdout: capped(reply.stdout, total: reply.stdout_bytes),
            stderr: capped(reply.stderr, total: reply.stderr_bytes),
            programError: programError, detail: detail, survivorsKilled: reply.survivors,
            capturedCalls: request.captureCalls == true ? calls : nil, probes: request.probeInputs != nil ? probes : nil
        )
    }

    private static func probe(_ record: WorkerReply.Record) -> ProbeOutcome {
        let kind: ProbeOutcome.Kind =
            switch record.o {
            case "pass": .value
            case "nonplain": .notPlain
            default: .raised
            }
        return ProbeOutcome(
            input: record.i ?? -1, kind: kind, result: record.r, argumentsRepr: record.ra, resultRepr: record.rr,
            views: record.v?.map { ProbeView(repr: $0.r, error: $0.e) }, errorType: record.t, message: record.m,
            seconds: record.d)
    }

    private static func outcome(_ record: WorkerReply.Record) -> TestOutcome {
        switch record.o {
        case "pass": return .passed
        case "assert": return .assertionFailed(message: record.m ?? "")
        default: return .error(type: record.t ?? "Exception", message: record.m ?? "")
        }
    }

    private static func classify(reply: WorkerReply, limits: ExecutionLimits, finished: Bool, sawMemoryError: Bool) -> (
        RunStatus, String
    ) {
        let timeout = Self.seconds(limits.timeoutSeconds)
        if reply.wall_timeout {
            return (.timeout, "wall-clock limit of \(timeout) exceeded; the process group was killed")
        }
        if reply.output_limit {
            return (.outputLimit, "stdout+stderr exceeded \(limits.maxOutputBytes) bytes; the process group was killed")
        }
        if reply.oom_killed == true {
            return (
                .memoryLimit,
                "the kernel killed a process at the execution's \(limits.memoryMB) MiB memory limit (its cgroup)"
            )
        }
        if let signal = reply.signal {
            let name = signalName(signal)
            if signal == Int(SIGXCPU) || (signal == Int(SIGKILL) && reply.cpu >= limits.timeoutSeconds) {
                return (.timeout, "CPU-time limit exceeded (\(name) after \(Self.seconds(reply.cpu)) of CPU)")
            }
            if sawMemoryError || reply.maxrss_kb >= limits.memoryMB * 1024 * 9 / 10 {
                return (.memoryLimit, "killed by \(name) at the \(limits.memoryMB) MiB memory limit")
            }
            return (.killedBySignal, "killed by \(name)")
        }
        if sawMemoryError {
            return (.memoryLimit, "MemoryError: the \(limits.memoryMB) MiB address-space limit was reached")
        }
        if !finished {
            let code = reply.exit.map(String.init) ?? "?"
            if reply.exit == 70, reply.stderr.contains("curate harness failure") {
                return (.crashed, "the harness failed before running the program (exit code 70); see stderr")
            }
            return (.crashed, "the process exited with code \(code) before the harness finished")
        }
        return (.ok, "")
    }

    private static func capped(_ text: String, total: Int) -> String {
        let kept = text.utf8.count
        return total > kept ? text + "\n…[\(total - kept) more bytes not kept]" : text
    }

    static func seconds(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f s" : "%.1f s", value)
    }

    static func signalName(_ signal: Int) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGUSR1: "SIGUSR1",
            SIGUSR2: "SIGUSR2",
        ]
        return names[Int32(signal)] ?? "signal \(signal)"
    }
}
