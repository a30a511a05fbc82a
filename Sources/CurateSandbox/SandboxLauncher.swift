import CurateSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sandbox launcher, `SandboxLauncher.py` compiled into the binary: run by the target interpreter in front of
/// the driver, it sets up a worker's isolation (parent-death signal, cgroups, IPC, filesystem view, seccomp) and
/// then execs the driver, so the driver and every program it runs start inside it.
enum SandboxLauncher {
    static let source = String(decoding: PackageResources.SandboxLauncher_py, as: UTF8.self)

    /// What the launcher does (`sys.argv[1]`); each field that is set is a step it must complete or exit 97.
    struct Configuration: Encodable, Sendable, Hashable {
        /// Only print the `plan` (a JSON list of paths) and exit.
        var plan: Bool?
        /// curate's pid: the launcher asks for SIGKILL when its parent dies, and exits if that parent is already
        /// gone (set where the launcher is curate's own child; `setpriv` does it in front of `unshare`).
        var parent: Int32?
        /// `cgroup.procs` files of the worker's cgroups, which the launcher joins first.
        var cgroups: [String] = []
        /// The host's IPC namespace (`/proc/self/ns/ipc` of curate): the launcher refuses to change IPC settings
        /// there and, in the worker's own namespace, closes message queues and semaphores and makes shared memory
        /// die with its processes.
        var host_ipc_namespace: String?
        /// Build the fresh root (needs a private mount namespace and root).
        var view: Bool = false
        /// Host paths the view shows read-only (`plan`); the launcher finds them itself when nil.
        var expose: [String]?
        /// Size of the one tmpfs behind the view's writable directories, in MiB.
        var writable_mb: Int = 0
        /// The view's writable directories.
        var private_dirs: [String] = []
        /// Install the seccomp filter.
        var seccomp: Bool = false
    }

    /// Whether the launcher has a seccomp filter for this machine's system-call table (x86_64, aarch64).
    static let filtersThisMachine: Bool = {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return ["x86_64", "aarch64"].contains(machine)
    }()

    /// The host paths the interpreter needs (executable, standard library, installed packages, the directories of
    /// the shared libraries it and its extension modules load, locale and time-zone data), found once per pool by
    /// running the launcher's `plan` step in that interpreter.
    static func plan(python: String) throws -> [String] {
        let output = try Spawn.capture(command(python: python, configuration: Configuration(plan: true), then: []))
        guard let paths = try? JSONDecoder().decode([String].self, from: output) else {
            throw WorkerFailure.launchFailed(
                "the sandbox launcher could not list the interpreter's files: \(String(decoding: output, as: UTF8.self))"
            )
        }
        return paths
    }

    /// World-writable directories a program may use; in the view they are its only writable places, all on one
    /// size-limited tmpfs.
    static let privateDirectories = ["/tmp", "/var/tmp", "/dev/shm"]

    /// Size of that tmpfs: its pages are charged to the worker's memory cgroup as well.
    static let writableMB = 1024

    /// `python -I -S -B -c <launcher> <configuration> <command…>`.
    static func command(python: String, configuration: Configuration, then command: [String]) -> [String] {
        [python, "-I", "-S", "-B", "-c", source, CanonicalJSON.string(configuration)] + command
    }

    /// This process's IPC namespace, as `/proc/self/ns/ipc` names it.
    static let hostIPCNamespace: String? = try? FileManager.default.destinationOfSymbolicLink(
        atPath: "/proc/self/ns/ipc")
}
