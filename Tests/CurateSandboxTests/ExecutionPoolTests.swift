import CurateSandbox
import Foundation
import Testing

/// One pool shared by the execution tests (starting workers costs ~50 ms each).
enum SharedPool {
    static let pool = Task { try await ExecutionPool(configuration: .init(jobs: 2)) }
    static func get() async throws -> ExecutionPool { try await pool.value }
}

/// Per-test outcomes and run statuses of ordinary programs.
struct ExecutionPoolTests {
    static let add = "def add(a, b):\n    return a + b\n"

    @Test func passingProgramReportsEachTest() async throws {
        let pool = try await SharedPool.get()
        let verdict = try await pool.run(
            ExecutionRequest(solution: Self.add, tests: ["assert add(1, 2) == 3", "assert add(2, 2) == 4"]))
        #expect(verdict.status == .ok)
        #expect(verdict.tests == [.passed, .passed])
        #expect(verdict.passed)
        #expect(verdict.peakMemoryKB > 0)
    }

    @Test func eachTestHasItsOwnOutcome() async throws {
        let pool = try await SharedPool.get()
        let verdict = try await pool.run(
            ExecutionRequest(
                solution: Self.add,
                tests: [
                    "assert add(1, 2) == 3", "assert add(1, 1) == 3, 'one plus one'", "assert mul(2, 2) == 4",
                    "assert add(0, 0) == 0",
                ]))
        #expect(verdict.status == .ok)
        #expect(verdict.tests[0] == .passed)
        #expect(verdict.tests[1] == .assertionFailed(message: "one plus one"))
        #expect(verdict.tests[2] == .error(type: "NameError", message: "name 'mul' is not defined"))
        #expect(verdict.tests[3] == .passed)
        #expect(!verdict.passed)
        #expect(verdict.firstFailure?.index == 1)
    }

    @Test func solutionErrorLeavesTestsNotReached() async throws {
        let pool = try await SharedPool.get()
        let verdict = try await pool.run(
            ExecutionRequest(solution: "def add(a, b)\n    return a + b", tests: ["assert add(1, 2) == 3"]))
        #expect(verdict.programError?.phase == "solution")
        #expect(verdict.programError?.type == "SyntaxError")
        #expect(verdict.tests == [.notReached])
        #expect(!verdict.passed)
    }

    @Test func aTestThatDoesNotCompileFailsAloneWithItsSyntaxError() async throws {
        let pool = try await SharedPool.get()
        let verdict = try await pool.run(ExecutionRequest(solution: "x = 1", tests: ["assert x ==", "assert x == 1"]))
        guard case .error(let type, let message) = verdict.tests[0] else {
            Issue.record("expected a SyntaxError outcome, got \(verdict.tests[0])")
            return
        }
        #expect(type == "SyntaxError")
        #expect(message.contains("invalid syntax"))
        #expect(verdict.tests[1] == .passed)
        #expect(verdict.programError == nil)
    }

    @Test func setupRunsAfterTheSolutionAndBeforeTheTests() async throws {
        let pool = try await SharedPool.get()
        let verdict = try await pool.run(
            ExecutionRequest(
                solution: "import math\nclass Node:\n    def __init__(self, v):\n        self.v = v",
                testSetup: "ROOT = Node(math.isqrt(16))",
                tests: ["assert ROOT.v == 4"]))
        #expect(verdict.passed)
    }

    @Test func outputIsCapturedSeparately() async throws {
        let pool = try await SharedPool.get()
        let verdict = try await pool.run(
            ExecutionRequest(
                solution: "import sys\nprint('hello')\nprint('oops', file=sys.stderr)", tests: ["assert True"]))
        #expect(verdict.stdout == "hello\n")
        #expect(verdict.stderr == "oops\n")
        #expect(verdict.passed)
    }

    @Test func seedsAndClockOffsetAreApplied() async throws {
        let pool = try await SharedPool.get()
        let program =
            "import random, time, datetime\nR = random.random()\nT = time.time()\nD = datetime.datetime.now().year"
        let seeded = ExecutionRequest(solution: program, tests: ["print(R)"], randomSeed: 7)
        let first = try await pool.run(seeded), second = try await pool.run(seeded)
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
        let shifted = try await pool.run(
            ExecutionRequest(
                solution: program, tests: ["assert T - time.time() < 1", "assert D >= 2100"],
                clockOffsetSeconds: 100 * 365.25 * 86400))
        #expect(shifted.tests == [.passed, .passed])
        let hashed = try await pool.run(
            ExecutionRequest(solution: "import os", tests: ["print(hash('curate'))"], hashSeed: 1))
        let hashedAgain = try await pool.run(
            ExecutionRequest(solution: "import os", tests: ["print(hash('curate'))"], hashSeed: 1))
        let defaultSeed = try await pool.run(ExecutionRequest(solution: "import os", tests: ["print(hash('curate'))"]))
        #expect(hashed.stdout == hashedAgain.stdout)
        #expect(hashed.stdout != defaultSeed.stdout)
    }

    @Test func runAllKeepsInputOrderAndReportsProgress() async throws {
        let pool = try await SharedPool.get()
        let requests = (0..<20).map { ExecutionRequest(solution: "N = \($0)", tests: ["assert N % 3 != 0"]) }
        let counter = ProgressCounter()
        let verdicts = try await pool.runAll(requests) { done, total in counter.record(done, total) }
        #expect(verdicts.map(\.passed) == (0..<20).map { $0 % 3 != 0 })
        #expect(counter.last.map { [$0.0, $0.1] } == [20, 20])
    }

    @Test func deadWorkersAreReplaced() async throws {
        let pool = try await ExecutionPool(configuration: .init(jobs: 1))
        let request = ExecutionRequest(solution: Self.add, tests: ["assert add(1, 2) == 3"])
        #expect(try await pool.run(request).passed)
        let before = await pool.workerProcessIDs
        for pid in before { kill(pid, SIGKILL) }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(try await pool.run(request).passed)
        let after = await pool.workerProcessIDs
        #expect(after.count == 1 && after != before)
        await pool.shutdown()
        await #expect(throws: ExecutionError.poolShutDown) { try await pool.run(request) }
    }

    @Test func aRequestWhoseWorkerDiesRunsAgainOnANewOne() async throws {
        try await ExecutionPool.withPool(.init(jobs: 1)) { pool in
            let request = ExecutionRequest(
                solution: "import time\ntime.sleep(1)\n" + Self.add, tests: ["assert add(1, 2) == 3"])
            async let verdict = pool.run(request)
            try await Task.sleep(nanoseconds: 400_000_000)
            for pid in await pool.workerProcessIDs { kill(pid, SIGKILL) }
            let result = try await verdict
            #expect(result.passed, "\(result.detail)")
            #expect(result.harnessFailure == nil)
        }
    }

    @Test func withoutNamespacesThePoolSaysSoAndStillKillsLeftovers() async throws {
        let pool = try await ExecutionPool(configuration: .init(jobs: 1, isolation: .none, sandboxUIDBase: 1_700_000))
        #expect(!pool.isolation.pidNamespace)
        #expect(pool.isolation.warnings.contains { $0.contains("namespaces") || $0.contains("network") })
        let daemon = try await pool.run(
            ExecutionRequest(
                solution: "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(1000)\n    os._exit(0)",
                tests: ["assert True"], limits: ExecutionLimits(timeoutSeconds: 2)))
        #expect(daemon.passed)
        #expect(daemon.survivorsKilled >= 1)
        let loop = try await pool.run(
            ExecutionRequest(
                solution: "x = sum(range(10 ** 12))", tests: ["assert True"],
                limits: ExecutionLimits(timeoutSeconds: 0.5)))
        #expect(loop.status == .timeout)
        await pool.shutdown()
    }

    /// A descriptor this process has open without close-on-exec does not leak into the long-lived workers.
    @Test func workersDoNotInheritStrayDescriptors() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("curate-stray-\(UUID().uuidString)")
            .path
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        let (workers, holders) = try await ExecutionPool.withPool(.init(jobs: 1)) { _ in
            let me = getpid()
            let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(
                Int32.init
            ).filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let fields = stat.split(separator: ")").last?.split(separator: " ")
                else { return false }
                return fields.count > 2 && Int32(fields[1]) == me
            }
            return (
                children,
                children.filter { pid in
                    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
                    return fds.contains {
                        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) == path
                    }
                }
            )
        }
        #expect(!workers.isEmpty, "no worker process of this test found in /proc, so no descriptor was checked")
        #expect(holders.isEmpty, "workers hold \(path): \(holders)")
    }

    @Test func keyCoversEverythingThatDecidesTheResult() {
        let base = ExecutionRequest(solution: "x = 1", tests: ["assert x == 1"], pythonVersion: "3.11.2")
        var changed = [base, base, base, base, base, base, base]
        changed[0].solution = "x = 2"
        changed[1].tests = ["assert x == 2"]
        changed[2].limits.timeoutSeconds = 3
        changed[3].pythonVersion = "3.12.0"
        changed[4].randomSeed = 1
        changed[5].testSetup = "import os"
        changed[6].entryPoint = "f"
        #expect(Set(changed.map(\.key) + [base.key]).count == 8)
        var explicitZero = base
        explicitZero.hashSeed = 0
        #expect(explicitZero.key == base.key)
    }
}

/// Collects progress callbacks from concurrent tasks.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [(Int, Int)] = []
    func record(_ done: Int, _ total: Int) {
        lock.lock()
        values.append((done, total))
        lock.unlock()
    }
    var last: (Int, Int)? {
        lock.lock()
        defer { lock.unlock() }
        return values.last
    }
}
