import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A warm pool of fork-server workers (one long-lived Python per job) that run requests in isolated children.
public actor ExecutionPool {
    /// How the pool isolates the worker processes.
    public enum IsolationMode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Namespaces (no network, own pids, private /tmp) when possible; otherwise plain, with a warning.
        case automatic
        /// Namespaces or fail.
        case required
        /// Plain processes: rlimits, unprivileged uid and group kills only (for machines without namespaces).
        case none
    }

    /// What to start.
    public struct Configuration: Sendable, Hashable {
        /// Interpreter path or name; nil resolves `/usr/bin/python3` or `python3` on PATH (see `PythonLocator`).
        public var python: String?
        /// Number of workers, i.e. executions at once.
        public var jobs: Int
        public var isolation: IsolationMode
        /// PYTHONHASHSEED of requests whose `hashSeed` is nil.
        public var defaultHashSeed: Int
        /// Children of worker slot N run as uid/gid `sandboxUIDBase + N` (when the pool runs as root), so
        /// RLIMIT_NPROC binds per slot and a program owns nothing outside its scratch directory.
        public var sandboxUIDBase: UInt32
        /// How much of each of stdout and stderr a verdict keeps.
        public var keptOutputBytes: Int

        public init(
            python: String? = nil, jobs: Int = ProcessInfo.processInfo.activeProcessorCount, isolation: IsolationMode = .automatic,
            defaultHashSeed: Int = 0, sandboxUIDBase: UInt32 = 1_500_000, keptOutputBytes: Int = 64 << 10
        ) {
            self.python = python
            self.jobs = max(1, jobs)
            self.isolation = isolation
            self.defaultHashSeed = defaultHashSeed
            self.sandboxUIDBase = sandboxUIDBase
            self.keptOutputBytes = keptOutputBytes
        }
    }

    /// The isolation the workers actually got, and what is missing, said once.
    public struct IsolationReport: Sendable, Hashable, Codable {
        public var networkIsolated: Bool
        public var pidNamespace: Bool
        public var privateTmp: Bool
        public var dropsPrivileges: Bool
        /// One sentence per missing protection, for the CLI to print once.
        public var warnings: [String]
    }

    public nonisolated let configuration: Configuration
    /// The resolved interpreter the workers run.
    public nonisolated let pythonPath: String
    /// `major.minor.patch` of that interpreter; set it on requests (`pythonVersion`) so their keys cover it.
    public nonisolated let pythonVersion: String
    public nonisolated let isolation: IsolationReport

    private let launch: WorkerLaunch
    private let lanes: [BlockingLane]
    private var workers: [SandboxWorker?]
    private var busy: [Bool]
    private var waiters: [CheckedContinuation<Int, Never>] = []
    private var isShutDown = false

    /// Resolves the interpreter, starts the workers (inside namespaces when allowed) and checks they answer.
    public init(configuration: Configuration) async throws {
        Self.ignoreSIGPIPE()
        let python = try PythonLocator.resolve(configuration.python)
        let lanes = (0..<configuration.jobs).map { BlockingLane(name: "curate-exec-\($0)") }
        let seed = configuration.defaultHashSeed
        let base = configuration.sandboxUIDBase
        let (launch, first, fallbackReason) = try await lanes[0].run {
            try Self.firstWorker(python: python, mode: configuration.isolation, hashSeed: seed, uid: base)
        }
        var workers: [SandboxWorker?] = [first]
        try await withThrowingTaskGroup(of: (Int, SandboxWorker).self) { group in
            for slot in 1..<max(1, configuration.jobs) {
                group.addTask {
                    let worker = try await lanes[slot].run {
                        try Self.start(python: python, launch: launch, hashSeed: seed, uid: base + UInt32(slot))
                    }
                    return (slot, worker)
                }
            }
            workers += [SandboxWorker?](repeating: nil, count: configuration.jobs - 1)
            for try await (slot, worker) in group { workers[slot] = worker }
        }
        let hello = first.hello
        var warnings: [String] = []
        if let fallbackReason {
            warnings.append("namespaces unavailable (\(fallbackReason)); programs run without network, pid and /tmp isolation")
        } else {
            if !hello.network_isolated { warnings.append("network isolation unavailable: programs can open network connections") }
            if !hello.private_tmp { warnings.append("no private /tmp: programs can leave files in world-writable directories") }
        }
        if !hello.drops_privileges {
            warnings.append("not running as root: children keep your uid, so RLIMIT_NPROC does not stop fork bombs and programs can touch your files")
        }
        self.configuration = configuration
        self.pythonPath = python
        self.pythonVersion = hello.python
        self.isolation = IsolationReport(
            networkIsolated: hello.network_isolated, pidNamespace: hello.pid_namespace, privateTmp: hello.private_tmp,
            dropsPrivileges: hello.drops_privileges, warnings: warnings)
        self.launch = launch
        self.lanes = lanes
        self.workers = workers
        self.busy = [Bool](repeating: false, count: configuration.jobs)
    }

    /// Runs one request in a fresh child of a warm worker and returns its verdict.
    public func run(_ request: ExecutionRequest) async throws -> ExecutionVerdict {
        guard !isShutDown else { throw ExecutionError.poolShutDown }
        let seed = request.hashSeed ?? configuration.defaultHashSeed
        let slot = await acquire(seed: seed)
        guard slot >= 0 else { throw ExecutionError.poolShutDown }
        defer { release(slot) }
        let worker: SandboxWorker
        if let current = workers[slot], current.hashSeed == seed {
            worker = current
        } else {
            workers[slot]?.terminate()
            workers[slot] = nil
            let python = pythonPath, launch = launch, uid = configuration.sandboxUIDBase + UInt32(slot)
            worker = try await lanes[slot].run { try Self.start(python: python, launch: launch, hashSeed: seed, uid: uid) }
            workers[slot] = worker
        }
        let frame = Self.frame(for: request, seed: seed, keptOutput: configuration.keptOutputBytes)
        let deadline = Date().addingTimeInterval(request.limits.timeoutSeconds + 15)
        do {
            let reply = try await lanes[slot].run { try worker.execute(frame, deadline: deadline) }
            return VerdictBuilder.verdict(for: request, reply: reply)
        } catch let failure as WorkerFailure {
            workers[slot] = nil
            return Self.lostWorkerVerdict(request, failure: failure)
        }
    }

    /// Runs every request (at most `jobs` at once) and returns verdicts in input order; `progress(done, total)`.
    public func runAll(_ requests: [ExecutionRequest], progress: (@Sendable (Int, Int) -> Void)?) async throws -> [ExecutionVerdict] {
        var verdicts = [ExecutionVerdict?](repeating: nil, count: requests.count)
        try await withThrowingTaskGroup(of: (Int, ExecutionVerdict).self) { group in
            var next = 0
            func addNext() {
                let index = next
                next += 1
                group.addTask { (index, try await self.run(requests[index])) }
            }
            while next < min(requests.count, configuration.jobs * 2) { addNext() }
            var done = 0
            for try await (index, verdict) in group {
                verdicts[index] = verdict
                done += 1
                progress?(done, requests.count)
                if next < requests.count { addNext() }
            }
        }
        return verdicts.map { $0! }
    }

    /// Stops every worker (killing whatever they run) and their threads; later calls throw `poolShutDown`.
    public func shutdown() async {
        isShutDown = true
        for waiter in waiters { waiter.resume(returning: -1) }
        waiters.removeAll()
        for (slot, worker) in workers.enumerated() {
            workers[slot] = nil
            guard let worker else { continue }
            _ = try? await lanes[slot].run { worker.terminate() }
        }
        for lane in lanes { lane.stop() }
    }

    deinit {
        for worker in workers { worker?.terminate() }
        for lane in lanes { lane.stop() }
    }

    // MARK: Slots

    private func acquire(seed: Int) async -> Int {
        let free = busy.indices.filter { !busy[$0] }
        if let slot = free.first(where: { workers[$0]?.hashSeed == seed }) ?? free.first {
            busy[slot] = true
            return slot
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func release(_ slot: Int) {
        guard slot >= 0 else { return }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: slot)
        } else {
            busy[slot] = false
        }
    }

    // MARK: Workers

    private static func firstWorker(python: String, mode: IsolationMode, hashSeed: Int, uid: UInt32) throws -> (WorkerLaunch, SandboxWorker, String?) {
        var reason: String?
        if mode != .none {
            if geteuid() != 0 {
                reason = "not running as root"
            } else if let unshare = ["/usr/bin/unshare", "/bin/unshare"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                do {
                    let launch = WorkerLaunch.namespaces(unshare: unshare)
                    return (launch, try start(python: python, launch: launch, hashSeed: hashSeed, uid: uid), nil)
                } catch ExecutionError.workerLaunchFailed(_, let why) {
                    reason = why
                }
            } else {
                reason = "util-linux `unshare` is not installed"
            }
            if mode == .required { throw ExecutionError.isolationUnavailable(reason: reason ?? "unknown") }
        }
        return (.plain, try start(python: python, launch: .plain, hashSeed: hashSeed, uid: uid), reason)
    }

    private static func start(python: String, launch: WorkerLaunch, hashSeed: Int, uid: UInt32) throws -> SandboxWorker {
        do {
            return try SandboxWorker.launch(python: python, launch: launch, hashSeed: hashSeed, uid: uid)
        } catch WorkerFailure.launchFailed(let reason) {
            throw ExecutionError.workerLaunchFailed(python: python, reason: reason)
        }
    }

    private static func frame(for request: ExecutionRequest, seed: Int, keptOutput: Int) -> Data {
        struct Frame: Encodable {
            var solution, setup: String
            var tests: [String]
            var timeout: Double
            var memory_mb, max_processes, max_output, keep_output, max_file_size, max_open_files, hash_seed: Int
            var random_seed: Int?
            var clock_offset: Double?
        }
        let limits = request.limits
        let frame = Frame(
            solution: request.solution, setup: request.testSetup, tests: request.tests, timeout: limits.timeoutSeconds,
            memory_mb: limits.memoryMB, max_processes: limits.maxProcesses, max_output: limits.maxOutputBytes,
            keep_output: keptOutput, max_file_size: limits.maxFileSizeBytes, max_open_files: limits.maxOpenFiles,
            hash_seed: seed, random_seed: request.randomSeed, clock_offset: request.clockOffsetSeconds)
        return (try? JSONEncoder().encode(frame)) ?? Data()
    }

    private static func lostWorkerVerdict(_ request: ExecutionRequest, failure: WorkerFailure) -> ExecutionVerdict {
        let detail: String
        switch failure {
        case .unresponsive:
            detail = "the sandbox worker did not answer within the limit plus 15 s and was replaced"
        default:
            detail = "the sandbox worker died while running this program (was it killed by the program?) and was replaced"
        }
        return ExecutionVerdict(
            status: .crashed, tests: [TestOutcome](repeating: .notReached, count: request.tests.count), cpuSeconds: 0,
            wallSeconds: 0, peakMemoryKB: 0, stdout: "", stderr: "", detail: detail)
    }

    private static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}
