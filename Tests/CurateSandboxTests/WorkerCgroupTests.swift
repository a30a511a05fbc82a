import Foundation
import Testing

@testable import CurateSandbox

#if canImport(Glibc)
    import Glibc
#endif

/// Finding curate's own cgroups, and the pool's per-worker cgroups coming and going.
struct WorkerCgroupTests {
    /// `/proc/self/mountinfo` and `/proc/self/cgroup` of a cgroup v1 host (memory and pids trees, an empty v2
    /// mount beside them), a systemd cgroup v2 host, and a container whose cgroup mounts start below the host's root.
    @Test(arguments: [
        (
            """
            35 25 0:30 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory
            36 25 0:31 / /sys/fs/cgroup/pids rw,relatime shared:15 - cgroup cgroup rw,pids
            37 25 0:32 / /sys/fs/cgroup/cpu rw,relatime shared:16 - cgroup cgroup rw,cpu
            38 25 0:33 / /sys/fs/cgroup/unified rw,relatime shared:17 - cgroup2 cgroup2 rw
            """,
            "8:pids:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n",
            "/sys/fs/cgroup/unified",
            ["memory": "/sys/fs/cgroup/memory/process_api/abc", "pids": "/sys/fs/cgroup/pids"]
        ),
        (
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n",
            "0::/user.slice/user-0.slice/session-3.scope\n",
            "/sys/fs/cgroup/user.slice/user-0.slice/session-3.scope", [:]
        ),
        (
            "612 600 0:26 /docker/f00 /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n",
            "0::/docker/f00/ci\n",
            "/sys/fs/cgroup/ci", [:]
        ),
    ])
    func ownCgroupsAreFoundInEveryLayout(
        _ mountInfo: String, _ membership: String, _ unified: String, _ separate: [String: String]
    ) {
        let found = CgroupHierarchy.ownDirectories(mountInfo: mountInfo, membership: membership)
        #expect(found.unified?.own == unified)
        #expect(found.separate == separate)
    }

    /// A pool makes one cgroup per worker (in each tree) and removes them when it stops; starting a pool removes
    /// the cgroups of curate processes that no longer exist.
    @Test(.enabled(if: runningAsRoot)) func poolRemovesItsCgroupsAndThoseOfDeadRuns() async throws {
        guard case .success(let hierarchy) = CgroupHierarchy.detect() else {
            Issue.record("no writable cgroup hierarchy on this machine")
            return
        }
        let stale = hierarchy.parents.map { $0 + "/\(CgroupHierarchy.namePrefix)2147483647-1-0" }
        for directory in stale { #expect(mkdir(directory, 0o755) == 0, "cannot make \(directory)") }
        let pool = try await ExecutionPool(configuration: .init(jobs: 2, isolation: .required))
        for directory in stale { #expect(access(directory, F_OK) != 0, "\(directory) of a dead run was left") }
        let directories = pool.cgroupDirectories
        #expect(directories.count == 2 * hierarchy.parents.count)
        #expect(pool.isolation.memoryCgroup)
        let verdict = try await pool.run(
            ExecutionRequest(solution: "import os\nx = os.getpid()", tests: ["assert x > 1"]))
        #expect(verdict.passed)
        for directory in directories { #expect(access(directory, F_OK) == 0) }
        await pool.shutdown()
        for directory in directories { #expect(access(directory, F_OK) != 0, "\(directory) outlived the pool") }
    }

    /// The cgroup v2 code on a real v2 hierarchy (the host's, else one mounted with `mount -t cgroup2` for the test):
    /// a worker cgroup is made, takes a process, sets the limits the hierarchy has controllers for and names the ones
    /// it cannot (on a cgroup v1 host the memory controller belongs to the v1 tree, so `memory.max` is missing), reads
    /// the OOM count, and is emptied (its process killed) and removed.
    @Test(.enabled(if: runningAsRoot, "mounting or writing a cgroup2 hierarchy needs root"))
    func aWorkerCgroupOnARealUnifiedHierarchy() throws {
        let mounted = UnifiedMount()
        let root = try #require(mounted.path, "no cgroup2 hierarchy is mounted and `mount -t cgroup2` failed here")
        defer { mounted.release() }
        let cgroup = try WorkerCgroup(hierarchy: .unified(parent: root), name: "curate-\(getpid())-v2-test")
        let directory = cgroup.directories[0]
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let pid = try Spawn.run(["/bin/sleep", "60"], environment: [], stdin: null, stdout: null, stderr: null)
        #expect(writeControlFile(cgroup.processFiles[0], "\(pid)") == nil)
        let members = try String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8)
        #expect(members.split(separator: "\n") == ["\(pid)"])
        let refused = cgroup.setLimits(memoryBytes: 256 << 20, tasks: 32)
        if access(directory + "/memory.max", F_OK) == 0 {
            #expect(refused == nil)
            #expect(try String(contentsOfFile: directory + "/memory.max", encoding: .utf8) == "268435456\n")
        } else {
            #expect(refused == "\(directory)/memory.max: No such file or directory")
        }
        #expect(cgroup.oomKills() == 0)
        cgroup.remove()
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(status & 0x7f == SIGKILL, "the process in the removed cgroup was killed")
        #expect(access(directory, F_OK) != 0)
    }
}

/// A cgroup2 hierarchy for a test: the host's (`/proc/self/mountinfo`), else a fresh mount in a temporary directory,
/// unmounted by `release`; nil when there is none and mounting fails.
private final class UnifiedMount {
    let path: String?
    private let ownMount: Bool

    init() {
        let mountInfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let hostMount = mountInfo.split(separator: "\n").compactMap { line -> String? in
            let halves = line.components(separatedBy: " - ")
            let fields = halves[0].split(separator: " ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 "), fields.count >= 5, fields[3] == "/" else {
                return nil
            }
            return access(String(fields[4]), W_OK) == 0 ? String(fields[4]) : nil
        }.first
        if let hostMount {
            path = hostMount
            ownMount = false
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curate-cg2-\(getpid())").path
        mkdir(directory, 0o755)
        ownMount = mount("none", directory, "cgroup2", 0, nil) == 0
        path = ownMount ? directory : nil
        if !ownMount { rmdir(directory) }
    }

    func release() {
        guard ownMount, let path else { return }
        umount2(path, Int32(MNT_DETACH))
        rmdir(path)
    }
}
