import CurateSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a worker says when it starts: its interpreter and the isolation it actually got.
struct WorkerHello: Codable, Sendable, Hashable {
    var python: String
    var implementation: String
    var executable: String
    var pid_namespace: Bool
    var network_isolated: Bool
    var private_tmp: Bool
    var drops_privileges: Bool
    var hash_seed: String
}

/// How a worker process is started. Both ways go through `SandboxLauncher`, which joins the worker's cgroups and
/// installs the seccomp filter before the driver runs.
enum WorkerLaunch: Sendable, Hashable {
    /// Inside fresh network, pid, IPC and mount namespaces (`unshare`), in the launcher's filesystem view of the
    /// interpreter's files (`expose`, from `SandboxLauncher.plan`), killed when curate dies (`setpriv`, if present).
    case namespaces(unshare: String, setpriv: String?, expose: [String])
    /// Directly (the launcher asks for the parent-death signal itself); no namespaces, so no network, pid, IPC or
    /// filesystem isolation beyond rlimits, the unprivileged uid and process-group/session kills.
    case plain
}

/// Why talking to a worker failed.
enum WorkerFailure: Error, Sendable {
    case launchFailed(String)
    /// The request could not even be written: the worker was already gone, so the request never ran.
    case notDelivered
    case died
    case unresponsive
    /// The worker died and its cgroup counted an OOM kill: the program took the execution to its memory limit.
    case outOfMemory
}

/// One long-lived fork-server Python process and the pipes to it. Used by one request at a time (the pool
/// guarantees it); every method blocks, so the pool calls them on the worker's own `BlockingLane` thread.
final class SandboxWorker: @unchecked Sendable {
    let pid: pid_t
    let hashSeed: Int
    let hello: WorkerHello
    private let toWorker: Int32
    private let fromWorker: Int32
    private let scratchRoot: String?
    private let cgroup: WorkerCgroup?
    private let lock = NSLock()
    private var terminated = false
    private var exited = false
    /// The cgroup's OOM-kill count when the last reply was read (touched only by the request in flight).
    private var oomKills = 0

    private init(
        pid: pid_t, hashSeed: Int, hello: WorkerHello, toWorker: Int32, fromWorker: Int32, scratchRoot: String?,
        cgroup: WorkerCgroup?
    ) {
        self.pid = pid
        self.hashSeed = hashSeed
        self.hello = hello
        self.toWorker = toWorker
        self.fromWorker = fromWorker
        self.scratchRoot = scratchRoot
        self.cgroup = cgroup
        oomKills = cgroup?.oomKills() ?? 0
    }

    /// Starts a worker (in `cgroup`, when given) and waits (up to 30 s) for its hello.
    static func launch(python: String, launch: WorkerLaunch, hashSeed: Int, uid: UInt32, cgroup: WorkerCgroup?) throws
        -> SandboxWorker
    {
        var hostScratch: String?
        let scratchRoot: String
        let privateDirs: [String]
        var launcher = SandboxLauncher.Configuration(
            cgroups: cgroup?.processFiles ?? [], seccomp: SandboxLauncher.filtersThisMachine)
        var argv: [String]
        switch launch {
        case .namespaces(let unshare, let setpriv, let expose):
            scratchRoot = "/tmp/curate-scratch"
            privateDirs = SandboxLauncher.privateDirectories
            launcher.host_ipc_namespace = SandboxLauncher.hostIPCNamespace ?? ""
            launcher.view = true
            launcher.expose = expose
            launcher.writable_mb = SandboxLauncher.writableMB
            launcher.private_dirs = privateDirs
            argv = setpriv.map { [$0, "--pdeathsig", "KILL", "--"] } ?? []
            argv += [
                unshare, "--net", "--pid", "--ipc", "--fork", "--kill-child", "--mount", "--propagation", "private",
            ]
        case .plain:
            let root = FileManager.default.temporaryDirectory
                .appendingPathComponent("curate-sandbox-\(getpid())-\(UUID().uuidString.prefix(8))").path
            try? FileManager.default.createDirectory(
                atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
            hostScratch = root
            scratchRoot = root
            privateDirs = []
            launcher.parent = getpid()
            argv = []
        }
        let config = CanonicalJSON.string(
            WorkerConfig(uid: uid, gid: uid, scratch_root: scratchRoot, private_dirs: privateDirs))
        argv += SandboxLauncher.command(
            python: python, configuration: launcher, then: [python, "-B", "-s", "-c", WorkerDriver.source, config])
        let environment = [
            "PYTHONHASHSEED=\(hashSeed)", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
            "PYTHONDONTWRITEBYTECODE=1",
        ]
        let (input, output, errors, pid) = try Spawn.lock.withLock {
            let input = try Pipes.make(), output = try Pipes.make(), errors = try Pipes.make()
            do {
                let pid = try Spawn.run(
                    argv, environment: environment, stdin: input.read, stdout: output.write, stderr: errors.write)
                return (input, output, errors, pid)
            } catch {
                for fd in [input.read, input.write, output.read, output.write, errors.read, errors.write] { close(fd) }
                throw error
            }
        }
        close(input.read)
        close(output.write)
        close(errors.write)
        defer { close(errors.read) }
        do {
            let frame = try Frames.receive(from: output.read, deadline: Date().addingTimeInterval(30))
            let hello = try JSONDecoder().decode(WorkerHello.self, from: frame)
            if cgroup != nil { protectSupervisor(of: pid, namespaced: launch != .plain) }
            return SandboxWorker(
                pid: pid, hashSeed: hashSeed, hello: hello, toWorker: input.write, fromWorker: output.read,
                scratchRoot: hostScratch,
                cgroup: cgroup)
        } catch {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(input.write)
            close(output.read)
            if let hostScratch { try? FileManager.default.removeItem(atPath: hostScratch) }
            let message = String(decoding: Frames.readAvailable(errors.read), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw WorkerFailure.launchFailed(message.isEmpty ? "the worker exited without a hello (\(error))" : message)
        }
    }

    /// Makes the driver's supervisor the OOM killer's last choice (`oom_score_adj` -1000): at the cgroup's limit the
    /// kernel then kills the program's processes (or the idle zygote) rather than the process that reports on them.
    /// The zygote, forked before this, and the children it forks keep the default. The supervisor is the child of
    /// `unshare` with namespaces, the spawned process itself without.
    private static func protectSupervisor(of pid: pid_t, namespaced: Bool) {
        var supervisor = pid
        if namespaced {
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            guard let child = children.split(separator: " ").first.flatMap({ pid_t($0) }) else { return }
            supervisor = child
        }
        _ = writeControlFile("/proc/\(supervisor)/oom_score_adj", "-1000")
    }

    /// Sets the worker's cgroup limits for the requests about to run: the largest memory limit among them plus
    /// `cgroupHeadroomMB` for the driver's own processes, and the largest process limit plus 16 for its tasks.
    func bound(_ limits: [ExecutionLimits]) {
        guard let cgroup, let memory = limits.map(\.memoryMB).max(), let tasks = limits.map(\.maxProcesses).max() else {
            return
        }
        cgroup.setLimits(memoryBytes: (memory + Self.cgroupHeadroomMB) << 20, tasks: tasks + 16)
    }

    /// What the cgroup allows beyond a request's memory limit: the supervisor and the zygote (about 25 MiB together).
    static let cgroupHeadroomMB = 64

    /// Writes the request frames at once, then reads one reply per frame, each within its timeout plus 15 s from
    /// when the worker can start it; on a failure the worker is terminated and the replies so far are returned.
    func execute(_ frames: [Data], timeouts: [Double], onReply: (@Sendable (Int) -> Void)?) -> (
        replies: [WorkerReply], failure: WorkerFailure?
    ) {
        do {
            try Frames.send(frames, to: toWorker)
        } catch {
            terminate()
            return ([], .notDelivered)
        }
        var replies: [WorkerReply] = []
        let decoder = JSONDecoder()
        for timeout in timeouts {
            do {
                let data = try Frames.receive(from: fromWorker, deadline: Date().addingTimeInterval(timeout + 15))
                var reply = try decoder.decode(WorkerReply.self, from: data)
                reply.oom_killed = countOOMKills()
                replies.append(reply)
                onReply?(1)
            } catch {
                let outOfMemory = countOOMKills() == true
                terminate()
                return (replies, outOfMemory ? .outOfMemory : error as? WorkerFailure ?? .died)
            }
        }
        return (replies, nil)
    }

    /// Whether the cgroup counted OOM kills since the last call (nil without a cgroup). Executions run one after
    /// another, so kills counted between two replies belong to the execution of the second.
    private func countOOMKills() -> Bool? {
        guard let cgroup else { return nil }
        let now = cgroup.oomKills()
        defer { oomKills = now }
        return now > oomKills
    }

    /// False once the worker process has exited (checked without blocking) or was terminated.
    var isAlive: Bool {
        lock.lock()
        defer { lock.unlock() }
        if terminated || exited { return false }
        var status: Int32 = 0
        exited = waitpid(pid, &status, WNOHANG) != 0
        return !exited
    }

    /// Ends the worker (closing its input, then SIGKILL) and reaps it; idempotent.
    func terminate() {
        lock.lock()
        let already = terminated, reaped = exited
        terminated = true
        lock.unlock()
        guard !already else { return }
        close(toWorker)
        if !reaped {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        close(fromWorker)
        if let scratchRoot { try? FileManager.default.removeItem(atPath: scratchRoot) }
    }

    deinit { terminate() }
}

/// The worker's start-up configuration (`sys.argv[1]` of the driver).
private struct WorkerConfig: Encodable {
    var uid: UInt32
    var gid: UInt32
    var scratch_root: String
    var private_dirs: [String]
}

/// A pipe whose both ends are close-on-exec (`posix_spawn` dup2s the child's ends into place). Callers hold
/// `Spawn.lock` from creating pipes to spawning, so no concurrent spawn inherits an end before it is marked.
enum Pipes {
    static func make() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw WorkerFailure.launchFailed("pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}

/// `posix_spawn` with the three standard descriptors replaced, every other one closed, and SIGPIPE reset to its default.
enum Spawn {
    /// Held from creating a worker's pipes until it is spawned (see `Pipes`).
    static let lock = NSLock()

    #if canImport(Glibc)
        private typealias AddCloseFrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because Swift's Glibc
        /// module does not declare it; nil on older C libraries, where workers inherit stray descriptors as before.
        private static let addCloseFrom: AddCloseFrom? = dlsym(
            UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"
        )
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
    #endif

    static func run(_ argv: [String], environment: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t
    {
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        #if canImport(Glibc)
            // A worker lives as long as its pool: it must not keep other descriptors this process happened to have
            // open without close-on-exec (a script being written elsewhere would stay "busy" for its whole life).
            _ = Self.addCloseFrom?(&actions, 3)
        #endif
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        guard result == 0 else {
            throw WorkerFailure.launchFailed("cannot start '\(argv[0])': \(String(cString: strerror(result)))")
        }
        return pid
    }
}

extension Spawn {
    /// Runs a short command to its end (stdin from /dev/null) and returns its stdout; throws with its stderr when
    /// it fails.
    static func capture(_ argv: [String]) throws -> Data {
        let (output, errors, pid) = try lock.withLock {
            let output = try Pipes.make(), errors = try Pipes.make()
            let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer { close(null) }
            do {
                let pid = try run(
                    argv, environment: ["PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C.UTF-8"], stdin: null,
                    stdout: output.write, stderr: errors.write)
                return (output, errors, pid)
            } catch {
                for fd in [output.read, output.write, errors.read, errors.write] { close(fd) }
                throw error
            }
        }
        close(output.write)
        close(errors.write)
        defer {
            close(output.read)
            close(errors.read)
        }
        let stdout = readToEnd(output.read), stderr = readToEnd(errors.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw WorkerFailure.launchFailed(
                String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return stdout
    }

    private static func readToEnd(_ fd: Int32) -> Data {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return result }
            result.append(contentsOf: buffer[0..<n])
        }
    }
}

/// Length-prefixed (4-byte big-endian) frames over pipes, with a deadline on reads.
enum Frames {
    static func send(_ payloads: [Data], to fd: Int32) throws {
        var frame = Data()
        for payload in payloads {
            var length = UInt32(payload.count).bigEndian
            frame.append(Data(bytes: &length, count: 4))
            frame.append(payload)
        }
        try frame.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WorkerFailure.died
                }
                offset += n
            }
        }
    }

    static func receive(from fd: Int32, deadline: Date) throws -> Data {
        let header = try readExact(4, from: fd, deadline: deadline)
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        return try readExact(length, from: fd, deadline: deadline)
    }

    private static func readExact(_ count: Int, from fd: Int32, deadline: Date) throws -> Data {
        var data = Data(count: count)
        var offset = 0
        while offset < count {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw WorkerFailure.unresponsive }
            var pollfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollfd, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw WorkerFailure.died
            }
            if ready == 0 { continue }
            let n = data.withUnsafeMutableBytes { raw in systemRead(fd, raw.baseAddress! + offset, count - offset) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw WorkerFailure.died
            }
            if n == 0 { throw WorkerFailure.died }
            offset += n
        }
        return data
    }

    /// Whatever is already buffered in a pipe (used for a failed worker's stderr), without blocking.
    static func readAvailable(_ fd: Int32) -> Data {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while result.count < 65536 {
            var pollfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pollfd, 1, 200) > 0 else { break }
            let n = systemRead(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
