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
}
