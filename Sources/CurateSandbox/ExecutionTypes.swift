import CurateSupport
import Foundation

/// Resource limits for one execution.
public struct ExecutionLimits: Sendable, Hashable, Codable {
    /// Wall-clock limit in seconds; the CPU-time limit (RLIMIT_CPU) is derived from it (ceil + 1 s).
    public var timeoutSeconds: Double
    /// Address-space limit (RLIMIT_AS) in MiB.
    public var memoryMB: Int
    /// RLIMIT_NPROC; it binds because the child runs as an unprivileged uid of its own.
    public var maxProcesses: Int
    /// Cap on stdout+stderr bytes together; a program writing more is killed with status `outputLimit`.
    public var maxOutputBytes: Int
    /// RLIMIT_FSIZE: the largest file the program may write. It also bounds the child's own outcome records (a
    /// file the supervisor reads), so it must stay well above what a run's test outcomes take (a few KB).
    public var maxFileSizeBytes: Int
    /// RLIMIT_NOFILE: how many file descriptors the program may hold open.
    public var maxOpenFiles: Int

    public init(
        timeoutSeconds: Double = 10, memoryMB: Int = 1024, maxProcesses: Int = 64, maxOutputBytes: Int = 1 << 20,
        maxFileSizeBytes: Int = 16 << 20, maxOpenFiles: Int = 256
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.memoryMB = memoryMB
        self.maxProcesses = maxProcesses
        self.maxOutputBytes = maxOutputBytes
        self.maxFileSizeBytes = maxFileSizeBytes
        self.maxOpenFiles = maxOpenFiles
    }

    /// 10 s wall clock, 1 GiB address space, 64 processes, 1 MiB of output, 16 MiB files, 256 open files.
    public static let `default` = ExecutionLimits()
}

/// One program to run: the solution, then the test setup (which may use the solution's definitions, as in MBPP's own
/// harness), then each test statement, all in one child process.
public struct ExecutionRequest: Sendable, Hashable, Codable {
    public var solution: String
    public var testSetup: String
    /// Test statements; each is reported separately, in this order.
    public var tests: [String]
    public var limits: ExecutionLimits
    /// PYTHONHASHSEED of the interpreter that runs it (nil = the pool's default, 0).
    public var hashSeed: Int?
    /// `random.seed(...)` before the program, if set; otherwise the child reseeds from the OS.
    public var randomSeed: Int?
    /// Shifts time.time()/time_ns()/datetime.now() by this many seconds, if set.
    public var clockOffsetSeconds: Double?
    /// The interpreter version the result is for (`ExecutionPool.pythonVersion`); part of `key`.
    public var pythonVersion: String?
    /// The function under test. The tests take every other name from the solution only where it is not a builtin,
    /// so a solution cannot redefine a builtin the tests use to check its results.
    public var entryPoint: String?
    /// Record the arguments of every call the setup and tests make to `entryPoint` (`ExecutionVerdict.capturedCalls`).
    public var captureCalls: Bool?
    /// After the setup and tests, call `entryPoint` on each of these tagged-JSON argument lists
    /// (`ExecutionVerdict.probes`).
    public var probeInputs: [String]?
    /// Python expressions over `_curate_result` (the probe's result) whose `repr()` each probe also reports, evaluated
    /// in the tests' scope: the call-side expressions of the original tests, e.g. `set(_curate_result)`.
    public var probeViews: [String]?

    public init(
        solution: String, testSetup: String = "", tests: [String], limits: ExecutionLimits = .default,
        hashSeed: Int? = nil, randomSeed: Int? = nil, clockOffsetSeconds: Double? = nil, pythonVersion: String? = nil,
        entryPoint: String? = nil, captureCalls: Bool? = nil, probeInputs: [String]? = nil, probeViews: [String]? = nil
    ) {
        self.solution = solution
        self.testSetup = testSetup
        self.tests = tests
        self.limits = limits
        self.hashSeed = hashSeed
        self.randomSeed = randomSeed
        self.clockOffsetSeconds = clockOffsetSeconds
        self.pythonVersion = pythonVersion
        self.entryPoint = entryPoint
        self.captureCalls = captureCalls
        self.probeInputs = probeInputs
        self.probeViews = probeViews
    }

    /// sha256 of everything that decides the result: code, setup, tests, entry point, capture and probe fields, limits,
    /// seeds, clock offset, Python version and `WorkerDriver.harnessVersion` (the driver's sha256 and the sandbox's content digest). Equal keys mean a stored verdict can be reused.
    public var key: String {
        struct Keyed: Encodable {
            var request: ExecutionRequest
            var harness: String
        }
        var normalized = self
        normalized.hashSeed = hashSeed ?? 0
        return SHA256.hex(CanonicalJSON.encode(Keyed(request: normalized, harness: WorkerDriver.harnessVersion)))
    }
}

/// The outcome of one test statement.
public enum TestOutcome: Sendable, Hashable, Codable {
    case passed
    case assertionFailed(message: String)
    case error(type: String, message: String)
    case notReached

    /// One-line human text: `passed`, `AssertionError: msg`, `NameError: name 'x' is not defined`, `not reached`.
    public var summary: String {
        switch self {
        case .passed: return "passed"
        case .assertionFailed(let message): return message.isEmpty ? "AssertionError" : "AssertionError: \(message)"
        case .error(let type, let message): return message.isEmpty ? type : "\(type): \(message)"
        case .notReached: return "not reached"
        }
    }
}

/// How the whole run ended.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The harness ran to its end inside the limits (tests may still have failed).
    case ok
    /// Wall-clock or CPU-time limit exceeded.
    case timeout
    /// The address-space limit was hit (MemoryError, or a crash at the limit).
    case memoryLimit
    /// The child exited before the harness finished (e.g. `os._exit`, a closed result channel, a dead worker).
    case crashed
    /// The child was terminated by a signal it did not get from the limits (e.g. SIGSEGV, a self-kill).
    case killedBySignal
    /// stdout+stderr exceeded the output cap.
    case outputLimit
}

/// An exception raised while running the setup or the solution (before any test could run).
public struct ProgramError: Sendable, Hashable, Codable {
    /// `setup` or `solution`.
    public var phase: String
    public var type: String
    public var message: String

    public init(phase: String, type: String, message: String) {
        self.phase = phase
        self.type = type
        self.message = message
    }
}

/// Everything one execution produced.
public struct ExecutionVerdict: Sendable, Hashable, Codable {
    public var status: RunStatus
    /// One outcome per request test, in order.
    public var tests: [TestOutcome]
    public var cpuSeconds: Double
    public var wallSeconds: Double
    public var peakMemoryKB: Int
    /// The first bytes of stdout (see `ExecutionLimits.maxOutputBytes`).
    public var stdout: String
    /// The first bytes of stderr.
    public var stderr: String
    /// The setup or solution exception that kept the tests from running, if any.
    public var programError: ProgramError?
    /// Why the status is what it is, for people: "wall-clock limit of 10 s exceeded", "exited with code 0 early".
    public var detail: String
    /// Processes still alive after the child ended, which the worker killed (daemons, fork-bomb leftovers).
    public var survivorsKilled: Int
    /// True when the sandbox worker itself failed while running the program (twice), so the verdict says nothing
    /// about the program and must not be stored for reuse; nil otherwise.
    public var harnessFailure: Bool?
    /// The calls the setup and tests made to the entry point, in order, when the request asked to capture them.
    public var capturedCalls: [CapturedCall]?
    /// One outcome per probe input the run reached, in input order, when the request had probe inputs.
    public var probes: [ProbeOutcome]?

    public init(
        status: RunStatus, tests: [TestOutcome], cpuSeconds: Double, wallSeconds: Double, peakMemoryKB: Int,
        stdout: String, stderr: String, programError: ProgramError? = nil, detail: String = "",
        survivorsKilled: Int = 0,
        harnessFailure: Bool? = nil, capturedCalls: [CapturedCall]? = nil, probes: [ProbeOutcome]? = nil
    ) {
        self.status = status
        self.tests = tests
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.peakMemoryKB = peakMemoryKB
        self.stdout = stdout
        self.stderr = stderr
        self.programError = programError
        self.detail = detail
        self.survivorsKilled = survivorsKilled
        self.harnessFailure = harnessFailure
        self.capturedCalls = capturedCalls
        self.probes = probes
    }

    /// True when the run ended normally and every test passed.
    public var passed: Bool { status == .ok && tests.allSatisfy { $0 == .passed } }

    /// Index and outcome of the first test that did not pass, if any.
    public var firstFailure: (index: Int, outcome: TestOutcome)? {
        tests.enumerated().first { $0.element != .passed }.map { ($0.offset, $0.element) }
    }
}

/// One call the tests made to the entry point, recorded in the tests process (capture mode).
public struct CapturedCall: Sendable, Hashable, Codable {
    /// `setup` or `test`.
    public var phase: String
    /// The test statement that made the call (-1 for the setup).
    public var test: Int
    /// The positional arguments as tagged JSON text (the driver's `encode`); nil when `skipped`.
    public var arguments: String?
    /// Why the arguments were not kept: `keywords` (the call passed keyword arguments) or `too-large`.
    public var skipped: String?

    public init(phase: String, test: Int, arguments: String?, skipped: String? = nil) {
        self.phase = phase
        self.test = test
        self.arguments = arguments
        self.skipped = skipped
    }
}

/// What one probe input gave: the entry point's result, or the exception it raised, or a result that is not plain data.
public struct ProbeOutcome: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case value
        case raised
        case notPlain
    }

    /// Position of the input in `ExecutionRequest.probeInputs` (-1: the solution had no entry point to call).
    public var input: Int
    public var kind: Kind
    /// The result as tagged JSON text (`value` only).
    public var result: String?
    /// `repr()` of each argument, joined by ", ": the text between the call's parentheses.
    public var argumentsRepr: String?
    /// `repr()` of the result, computed in the tests process on the rebuilt plain value (Counters and OrderedDicts
    /// spelled as the dicts they equal).
    public var resultRepr: String?
    /// One per `ExecutionRequest.probeViews`: `repr()` of the view's value, or the exception it raised.
    public var views: [ProbeView]?
    /// The exception type (`raised`) or the result's type (`notPlain`), and the exception's message.
    public var errorType: String?
    public var message: String?
    /// Wall seconds the call took.
    public var seconds: Double?

    public init(
        input: Int, kind: Kind, result: String? = nil, argumentsRepr: String? = nil, resultRepr: String? = nil,
        views: [ProbeView]? = nil, errorType: String? = nil, message: String? = nil, seconds: Double? = nil
    ) {
        self.input = input
        self.kind = kind
        self.result = result
        self.argumentsRepr = argumentsRepr
        self.resultRepr = resultRepr
        self.views = views
        self.errorType = errorType
        self.message = message
        self.seconds = seconds
    }
}

/// One view of a probe's result: `repr()` of its value, or the exception (`Type: message`) evaluating it raised.
public struct ProbeView: Sendable, Hashable, Codable {
    public var repr: String?
    public var error: String?

    public init(repr: String? = nil, error: String? = nil) {
        self.repr = repr
        self.error = error
    }
}
