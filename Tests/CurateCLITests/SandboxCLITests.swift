import CurateTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The sandbox seen from outside a real `curate` process.
struct SandboxCLITests {
    /// A `curate validate` killed with SIGKILL while a program runs takes its workers and that program with it at
    /// once, instead of leaving them to run until the program's timeout.
    @Test(.enabled(if: geteuid() == 0)) func workersDieWithAKilledCurate() throws {
        let cli = try CLIRunner()
        let ingest = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let curate = Process()
        curate.executableURL = CLIRunner.binary
        curate.arguments = ["validate", "--dataset", "mbpp", "--timeout", "120", "--jobs", "2"]
        curate.currentDirectoryURL = cli.workingDirectory
        curate.standardInput = FileHandle.nullDevice
        curate.standardOutput = FileHandle.nullDevice
        curate.standardError = FileHandle.nullDevice
        try curate.run()
        // The program `while True: pass` (mbpp/9002) is running once a descendant has a sandbox uid.
        let deadline = Date().addingTimeInterval(60)
        var tree = ProcessTree.descendants(of: curate.processIdentifier)
        while !tree.contains(where: { ProcessTree.owner($0) >= 1_500_000 }), Date() < deadline {
            usleep(50_000)
            tree = ProcessTree.descendants(of: curate.processIdentifier)
        }
        try #require(tree.contains { ProcessTree.owner($0) >= 1_500_000 }, "no sandboxed program started")
        kill(curate.processIdentifier, SIGKILL)
        curate.waitUntilExit()
        var alive = tree
        let gone = Date().addingTimeInterval(10)
        while !alive.isEmpty, Date() < gone {
            usleep(50_000)
            alive = alive.filter(ProcessTree.isRunning)
        }
        #expect(alive.isEmpty, "processes of the killed curate still run: \(alive)")
    }

    /// Every forgery of `Tests/Fixtures/execution/forgeries.jsonl`, ingested as MBPP and validated as a user would:
    /// each is a failure, also 9007, whose solution shadows the builtin `int` the tests use (the entry point inferred
    /// at ingest is the function the tests call, `add`, not the builtin).
    @Test(.enabled(if: geteuid() == 0)) func forgeriesFailThroughValidate() throws {
        let cli = try CLIRunner()
        let ingest = try cli.run("ingest", CLIRunner.fixture("execution/forgeries.jsonl"), "--dataset", "forge")
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let result = try cli.run("validate", "--dataset", "forge", "--json", "--allow-failures")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let counts = report["counts"] as? [String: Int] ?? [:]
        #expect(counts["failed"] == 7 && counts.values.reduce(0, +) == 7, "\(counts)")
        let failed = (report["failures"] as? [[String: Any]] ?? []).compactMap { $0["taskID"] as? String }
        #expect(failed.sorted() == (9001...9007).map { "forge/\($0)" })
    }
}

/// The host's process tree, read from /proc.
enum ProcessTree {
    /// Every process below `root` (children, their children, ...).
    static func descendants(of root: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var found: [pid_t] = [], pending = [root]
        while let next = pending.popLast() {
            let below = children[next] ?? []
            found += below
            pending += below
        }
        return found
    }

    /// The uid owning a process (0 when it is gone).
    static func owner(_ pid: pid_t) -> UInt32 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: "/proc/\(pid)")
        return (attributes?[.ownerAccountID] as? NSNumber)?.uint32Value ?? 0
    }

    /// True while the process exists and is not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
