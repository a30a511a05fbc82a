import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A warm pool of fork-server workers (one long-lived Python per job) that run requests in isolated children.
///
/// PYTHONHASHSEED is fixed when an interpreter starts, so a request whose `hashSeed` differs from every free
/// worker's restarts one of them with that seed; give `runAll` requests grouped by seed.
public actor ExecutionPool {
    /// How the pool isolates the worker processes.
    public enum IsolationMode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Namespaces (no network, own pids and IPC, the filesystem view) when possible; otherwise plain, with a
        /// warning.
        case automatic
        /// Namespaces or fail.
        case required
        /// Plain processes: rlimits, unprivileged uid, group kills, seccomp and memory cgroups only (for machines
        /// without namespaces).
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
        /// The first uid of the pool's range: children of worker slot N run as uid/gid `base + N` (when the pool
        /// runs as root), so RLIMIT_NPROC binds per slot and a program owns nothing outside its scratch directory.
        /// nil (the default) takes a block of 256 uids from `uniqueUIDBase()` when the pool starts. Without
        /// namespaces, where the survivor sweep also kills by uid, the pool adds a random multiple of 256 drawn once
        /// per process (16 to 65,535 blocks), which puts it above every `uniqueUIDBase()` block of this process.
        /// So, with at most 256 jobs, two pools of one process that take their ranges from `uniqueUIDBase()` share
        /// no uid unless a multiple of 16 calls of it lie between them; pools of different processes can share
        /// one with namespaces when their pids are equal modulo 4096, and without by chance (about 1 in 65,000).
        public var sandboxUIDBase: UInt32?
        /// How much of each of stdout and stderr a verdict keeps.
        public var keptOutputBytes: Int

        public init(
            python: String? = nil, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
            isolation: IsolationMode = .automatic,
            defaultHashSeed: Int = 0, sandboxUIDBase: UInt32? = nil, keptOutputBytes: Int = 64 << 10
        ) {
            self.python = python
            self.jobs = max(1, jobs)
            self.isolation = isolation
            self.defaultHashSeed = defaultHashSeed
            self.sandboxUIDBase = sandboxUIDBase
            self.keptOutputBytes = keptOutputBytes
        }

        nonisolated(unsafe) private static var rangesHandedOut: UInt32 = 0
        nonisolated(unsafe) private static var poolsStarted: UInt32 = 0
        private static let rangesLock = NSLock()

        /// The start of a block of 256 uids: 1,500,000 + 256 × (16 × (pid mod 4096) + n mod 16), where n counts the
        /// calls in this process. It differs from the previous 15 calls' blocks of this process and from every block
        /// of a process whose pid differs modulo 4096; 16 calls later, or in a process with such a pid, it repeats.
        /// A serial number per pool of this process: two live pools never share cgroup names, although uid blocks
        /// repeat every 16 pools.
        static func nextPoolSerial() -> UInt32 {
            rangesLock.lock()
            defer { rangesLock.unlock() }
            poolsStarted &+= 1
            return poolsStarted
        }

        public static func uniqueUIDBase() -> UInt32 {
            rangesLock.lock()
            let pool = rangesHandedOut % 16
            rangesHandedOut &+= 1
            rangesLock.unlock()
            return 1_500_000 + (UInt32(getpid() % 4096) * 16 + pool) * 256
        }
    }

    /// The isolation the workers actually got, and what is missing, said once.
    public struct IsolationReport: Sendable, Hashable, Codable {
        public var networkIsolated: Bool
        public var pidNamespace: Bool
        public var privateTmp: Bool
        public var dropsPrivileges: Bool
        /// Own IPC namespace, message queues and semaphores closed, shared memory gone with its processes.
        public var ipcNamespace: Bool
        /// A fresh root showing only the interpreter's files, /dev basics, its own /proc and private tmpfs.
        public var filesystemView: Bool
        /// The seccomp filter that refuses namespaces, mounts, tracing, keyrings, BPF and similar calls.
        public var seccomp: Bool
        /// Each worker's memory cgroup bounds a whole execution (all its processes, tmpfs files, memfds).
        public var memoryCgroup: Bool
        /// Workers get SIGKILL when curate dies.
        public var parentDeathSignal: Bool
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
    private let uidBase: UInt32
    /// One per slot when cgroups are writable; removed at shutdown.
    private let cgroups: [WorkerCgroup?]
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
        let uids = Self.uidBases(configured: configuration.sandboxUIDBase)
        let (cgroups, cgroupWarning) = Self.makeCgroups(
            jobs: configuration.jobs, name: "\(getpid())-\(Configuration.nextPoolSerial())")
        let (launch, first, fallbackReason): (WorkerLaunch, SandboxWorker, String?)
        do {
            (launch, first, fallbackReason) = try await lanes[0].run {
                try Self.firstWorker(
                    python: python, mode: configuration.isolation, hashSeed: seed, uids: uids, cgroup: cgroups[0])
            }
        } catch {
            for cgroup in cgroups { cgroup?.remove() }
            for lane in lanes { lane.stop() }
            throw error
        }
        let base = launch == .plain ? uids.plain : uids.namespaced
        var workers: [SandboxWorker?] = [first]
        try await withThrowingTaskGroup(of: (Int, SandboxWorker).self) { group in
            for slot in 1..<max(1, configuration.jobs) {
                group.addTask {
                    let worker = try await lanes[slot].run {
                        try Self.start(
                            python: python, launch: launch, hashSeed: seed, uid: base + UInt32(slot),
                            cgroup: cgroups[slot])
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
            warnings.append(
                "namespaces unavailable (\(fallbackReason)); programs run without network, pid, IPC and /tmp isolation and see the host's files"
            )
        } else {
            if !hello.network_isolated {
                warnings.append("network isolation unavailable: programs can open network connections")
            }
            if !hello.private_tmp {
                warnings.append("no private /tmp: programs can leave files in world-writable directories")
            }
        }
        if let cgroupWarning { warnings.append(cgroupWarning) }
        if !SandboxLauncher.filtersThisMachine {
            warnings.append(
                "no seccomp filter for this machine: programs can create namespaces, mount, trace and use keyrings and BPF"
            )
        }
        if case .namespaces(_, nil, _) = launch {
            warnings.append(
                "util-linux `setpriv` is not installed: workers outlive a killed curate until their program's timeout")
        }
        if !hello.drops_privileges {
            warnings.append(
                "not running as root: children keep your uid, so RLIMIT_NPROC does not stop fork bombs and programs can touch your files"
            )
        }
        self.configuration = configuration
        self.pythonPath = python
        self.pythonVersion = hello.python
        self.isolation = IsolationReport(
            networkIsolated: hello.network_isolated, pidNamespace: hello.pid_namespace, privateTmp: hello.private_tmp,
            dropsPrivileges: hello.drops_privileges, ipcNamespace: launch != .plain, filesystemView: launch != .plain,
            seccomp: SandboxLauncher.filtersThisMachine, memoryCgroup: cgroups[0] != nil,
            parentDeathSignal: { if case .namespaces(_, nil, _) = launch { return false } else { return true } }(),
            warnings: warnings)
        self.launch = launch
        self.uidBase = base
        self.cgroups = cgroups
        self.lanes = lanes
        self.workers = workers
        self.busy = [Bool](repeating: false, count: configuration.jobs)
    }

    /// Runs one request in a fresh child of a warm worker and returns its verdict.
    public func run(_ request: ExecutionRequest) async throws -> ExecutionVerdict {
        let seed = request.hashSeed ?? configuration.defaultHashSeed
        let frame = Self.frame(for: request, seed: seed, keptOutput: configuration.keptOutputBytes)
        return try await runBatch([request], frames: [frame], seed: seed, progress: nil)[0]
    }

    /// Runs every request (at most `jobs` at once) and returns verdicts in input order; `progress(done, total)`.
    ///
    /// Consecutive requests with the same hash seed go to a worker in small batches written at once, so a worker
    /// starts its next program as soon as it has answered the last one; batches shrink towards the end so one slow
    /// program does not hold others back.
    public func runAll(_ requests: [ExecutionRequest], progress: (@Sendable (Int, Int) -> Void)?) async throws
        -> [ExecutionVerdict]
    {
        let seeds = requests.map { $0.hashSeed ?? configuration.defaultHashSeed }
        let frames = zip(requests, seeds).map {
            Self.frame(for: $0, seed: $1, keptOutput: configuration.keptOutputBytes)
        }
        let batches = Self.batches(seeds: seeds, sizes: frames.map(\.count), jobs: configuration.jobs)
        let counter = DoneCounter(total: requests.count, progress: progress)
        var verdicts = [ExecutionVerdict?](repeating: nil, count: requests.count)
        try await withThrowingTaskGroup(of: (Range<Int>, [ExecutionVerdict]).self) { group in
            var next = 0
            func addNext() {
                let range = batches[next]
                next += 1
                group.addTask {
                    let done = try await self.runBatch(
                        Array(requests[range]), frames: Array(frames[range]), seed: seeds[range.lowerBound],
                        progress: { counter.add($0) })
                    return (range, done)
                }
            }
            while next < min(batches.count, configuration.jobs * 2) { addNext() }
            for try await (range, done) in group {
                for (index, verdict) in zip(range, done) { verdicts[index] = verdict }
                if next < batches.count { addNext() }
            }
        }
        return verdicts.map { $0! }
    }

    /// Splits request indices into runs of equal seed, at most 16 requests and 32 KiB of frames each (so writing a
    /// batch never blocks on a full pipe), and about a quarter of each worker's remaining share.
    static func batches(seeds: [Int], sizes: [Int], jobs: Int) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var start = 0
        while start < seeds.count {
            let limit = max(1, min(16, (seeds.count - start) / (jobs * 4)))
            var end = start + 1, bytes = sizes[start]
            while end < seeds.count, end - start < limit, seeds[end] == seeds[start], bytes + sizes[end] <= 32 << 10 {
                bytes += sizes[end]
                end += 1
            }
            batches.append(start..<end)
            start = end
        }
        return batches
    }

    /// Runs requests of one hash seed, in order, on one worker; a worker that dies is replaced and the request it was
    /// running runs again on the new one (a worker dies of its own failures, not of a program's: programs run in
    /// unprivileged children); a request whose worker fails twice gets a lost-worker verdict, marked as the
    /// harness's failure.
    private func runBatch(
        _ requests: [ExecutionRequest], frames: [Data], seed: Int, progress: (@Sendable (Int) -> Void)?
    ) async throws -> [ExecutionVerdict] {
        guard !isShutDown else { throw ExecutionError.poolShutDown }
        let slot = await acquire(seed: seed)
        guard slot >= 0 else { throw ExecutionError.poolShutDown }
        defer { release(slot) }
        var verdicts: [ExecutionVerdict] = []
        var retried = false
        while verdicts.count < requests.count {
            let worker = try await worker(slot: slot, seed: seed)
            let pending = Array(frames[verdicts.count...])
            let timeouts = requests[verdicts.count...].map(\.limits.timeoutSeconds)
            let limits = requests[verdicts.count...].map(\.limits)
            let (replies, failure) = try await lanes[slot].run {
                worker.bound(limits)
                return worker.execute(pending, timeouts: timeouts, onReply: progress)
            }
            for reply in replies {
                verdicts.append(VerdictBuilder.verdict(for: requests[verdicts.count], reply: reply))
            }
            guard let failure else { break }
            workers[slot] = nil
            if !replies.isEmpty { retried = false }
            let retryable: Bool
            switch failure {
            case .unresponsive, .outOfMemory: retryable = false
            default: retryable = true
            }
            if !retried, retryable {
                retried = true
                continue
            }
            retried = false
            verdicts.append(Self.lostWorkerVerdict(requests[verdicts.count], failure: failure))
            progress?(1)
        }
        return verdicts
    }

    /// Host pids of the live workers (the `unshare` or Python processes the pool started), for diagnostics.
    public var workerProcessIDs: [Int32] { workers.compactMap { $0?.pid } }

    /// The workers' cgroup directories (memory tree first), for diagnostics; removed at shutdown.
    public nonisolated var cgroupDirectories: [String] { cgroups.flatMap { $0?.directories ?? [] } }

    /// The slot's worker for this hash seed, started (or restarted after a death) when needed.
    private func worker(slot: Int, seed: Int) async throws -> SandboxWorker {
        if let current = workers[slot], current.hashSeed == seed, current.isAlive { return current }
        workers[slot]?.terminate()
        workers[slot] = nil
        let python = pythonPath, launch = launch, uid = uidBase + UInt32(slot), cgroup = cgroups[slot]
        let worker = try await lanes[slot].run {
            try Self.start(python: python, launch: launch, hashSeed: seed, uid: uid, cgroup: cgroup)
        }
        workers[slot] = worker
        return worker
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
        for cgroup in cgroups { cgroup?.remove() }
        for lane in lanes { lane.stop() }
    }

    deinit {
        for worker in workers { worker?.terminate() }
        for cgroup in cgroups { cgroup?.remove() }
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

    /// The random offset of plain (namespace-less) pools' uid ranges: one per process, so it keeps this process's
    /// ranges apart from each other, and at least 16 blocks, so it lifts them above this process's namespaced ones.
    private static let plainUIDOffset = UInt32.random(in: 16..<65_536) * 256

    /// The first uid of this pool's range with namespaces and without (see `Configuration.sandboxUIDBase`),
    /// taken from `uniqueUIDBase()` unless configured.
    private static func uidBases(configured: UInt32?) -> (namespaced: UInt32, plain: UInt32) {
        let base = configured ?? Configuration.uniqueUIDBase()
        return (base, base + plainUIDOffset)
    }

    private static func firstWorker(
        python: String, mode: IsolationMode, hashSeed: Int, uids: (namespaced: UInt32, plain: UInt32),
        cgroup: WorkerCgroup?
    ) throws -> (WorkerLaunch, SandboxWorker, String?) {
        var reason: String?
        if mode != .none {
            if geteuid() != 0 {
                reason = "not running as root"
            } else if let unshare = utilLinux("unshare") {
                do {
                    let expose = try SandboxLauncher.plan(python: python)
                    let launch = WorkerLaunch.namespaces(
                        unshare: unshare, setpriv: utilLinux("setpriv"), expose: expose)
                    return (
                        launch,
                        try start(
                            python: python, launch: launch, hashSeed: hashSeed, uid: uids.namespaced, cgroup: cgroup),
                        nil
                    )
                } catch ExecutionError.workerLaunchFailed(_, let why), WorkerFailure.launchFailed(let why) {
                    reason = why
                }
            } else {
                reason = "util-linux `unshare` is not installed"
            }
            if mode == .required { throw ExecutionError.isolationUnavailable(reason: reason ?? "unknown") }
        }
        return (
            .plain, try start(python: python, launch: .plain, hashSeed: hashSeed, uid: uids.plain, cgroup: cgroup),
            reason
        )
    }

    /// The path of a util-linux tool, if installed.
    private static func utilLinux(_ tool: String) -> String? {
        ["/usr/bin/\(tool)", "/bin/\(tool)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// One cgroup per worker slot, named `curate-<name>-<slot>`, after removing those of dead curate processes;
    /// none, and the warning to print, where no hierarchy is writable.
    private static func makeCgroups(jobs: Int, name: String) -> ([WorkerCgroup?], String?) {
        let none = [WorkerCgroup?](repeating: nil, count: jobs)
        let consequence =
            "an execution's memory is bounded per process (RLIMIT_AS) but not across its processes, tmpfs files and memfds"
        switch CgroupHierarchy.detect() {
        case .failure(let unavailable):
            return (none, "memory cgroups unavailable (\(unavailable.reason)): \(consequence)")
        case .success(let hierarchy):
            hierarchy.removeStale()
            var made: [WorkerCgroup] = []
            do {
                for slot in 0..<jobs {
                    made.append(
                        try WorkerCgroup(hierarchy: hierarchy, name: "\(CgroupHierarchy.namePrefix)\(name)-\(slot)"))
                }
                return (made, nil)
            } catch {
                for cgroup in made { cgroup.remove() }
                return (none, "memory cgroups unavailable (\(error.reason)): \(consequence)")
            }
        }
    }

    private static func start(python: String, launch: WorkerLaunch, hashSeed: Int, uid: UInt32, cgroup: WorkerCgroup?)
        throws -> SandboxWorker
    {
        do {
            return try SandboxWorker.launch(
                python: python, launch: launch, hashSeed: hashSeed, uid: uid, cgroup: cgroup)
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
            var entry_point: String?
            var capture: Bool?
            var probe: [String]?
            var probe_views: [String]?
        }
        let limits = request.limits
        let frame = Frame(
            solution: request.solution, setup: request.testSetup, tests: request.tests, timeout: limits.timeoutSeconds,
            memory_mb: limits.memoryMB, max_processes: limits.maxProcesses, max_output: limits.maxOutputBytes,
            keep_output: keptOutput, max_file_size: limits.maxFileSizeBytes, max_open_files: limits.maxOpenFiles,
            hash_seed: seed, random_seed: request.randomSeed, clock_offset: request.clockOffsetSeconds,
            entry_point: request.entryPoint, capture: request.captureCalls, probe: request.probeInputs,
            probe_views: request.probeViews)
        return (try? JSONEncoder().encode(frame)) ?? Data()
    }

    private static func lostWorkerVerdict(_ request: ExecutionRequest, failure: WorkerFailure) -> ExecutionVerdict {
        let (status, detail): (RunStatus, String)
        switch failure {
        case .outOfMemory:
            status = .memoryLimit
            detail =
                "the kernel killed the sandbox worker at the execution's \(request.limits.memoryMB) MiB memory limit (its cgroup); it was replaced"
        case .unresponsive:
            status = .crashed
            detail = "the sandbox worker did not answer within the limit plus 15 s and was replaced"
        default:
            status = .crashed
            detail = "the sandbox worker died twice while running this program and was replaced"
        }
        return ExecutionVerdict(
            status: status, tests: [TestOutcome](repeating: .notReached, count: request.tests.count), cpuSeconds: 0,
            wallSeconds: 0, peakMemoryKB: 0, stdout: "", stderr: "", detail: detail, harnessFailure: status == .crashed)
    }

    private static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}

/// Counts finished executions across concurrent batches and reports `progress(done, total)`.
private final class DoneCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?

    init(total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.progress = progress
    }

    func add(_ count: Int) {
        lock.lock()
        done += count
        let now = done
        lock.unlock()
        progress?(now, total)
    }
}
