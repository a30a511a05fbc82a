import CurateSandbox
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Programs that attack the runner. Each must get the right verdict, change nothing outside its scratch
/// directory, leave no process behind, and leave the pool able to serve the next task.
///
/// Runs as root (as CI does): dropping to an unprivileged uid is what makes RLIMIT_NPROC and file permissions bind.
@Suite(.serialized, .enabled(if: runningAsRoot))
struct HostileProgramTests {
    /// A uid range of this test process's own, so a concurrent test run on the same machine is not seen as a survivor.
    static let uidBase = ExecutionPool.Configuration.uniqueUIDBase()
    static let jobs = 2
    static let pool = Task {
        try await ExecutionPool(configuration: .init(jobs: jobs, isolation: .required, sandboxUIDBase: uidBase))
    }
    static let quick = ExecutionLimits(timeoutSeconds: 1.5, memoryMB: 256)

    /// Runs a hostile program, then checks that nothing of it survives and that the pool still passes a sane task.
    func attack(
        _ solution: String, tests: [String] = ["assert True"], limits: ExecutionLimits = quick,
        entryPoint: String? = nil
    ) async throws -> ExecutionVerdict {
        let pool = try await Self.pool.value
        let verdict = try await pool.run(
            ExecutionRequest(solution: solution, tests: tests, limits: limits, entryPoint: entryPoint))
        #expect(Self.sandboxProcesses().isEmpty, "processes of the sandbox uids survived: \(Self.sandboxProcesses())")
        let sane = try await pool.runAll(
            (0..<Self.jobs * 2).map { _ in
                ExecutionRequest(solution: "def f():\n    return 1", tests: ["assert f() == 1"])
            }, progress: nil)
        #expect(sane.filter { !$0.passed }.isEmpty, "the pool stopped serving: \(sane.map(\.detail))")
        return verdict
    }

    /// Host pids whose owner is one of the pool's sandbox uids.
    static func sandboxProcesses() -> [Int] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int.init).filter { pid in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: "/proc/\(pid)"),
                let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
            else { return false }
            return owner >= uidBase && owner < uidBase + UInt32(jobs)
        }
    }

    @Test func forkBombIsContainedAndKilled() async throws {
        let verdict = try await attack(
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass")
        #expect(verdict.status == .timeout)
        #expect(verdict.tests == [.notReached])
    }

    @Test func memoryBombHitsTheLimit() async throws {
        let big = try await attack("x = bytearray(1 << 40)")
        #expect(big.status == .memoryLimit)
        #expect(big.programError?.type == "MemoryError")
        // Zero-filling 256 MB can take over the quick limit's 1.5 s on a loaded machine; this test is about memory.
        let roomy = ExecutionLimits(timeoutSeconds: 20, memoryMB: Self.quick.memoryMB)
        let growing = try await attack("chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))", limits: roomy)
        #expect(growing.status == .memoryLimit)
        #expect(!growing.passed)
    }

    @Test func loopInsideCIsKilledOnTime() async throws {
        let verdict = try await attack("x = sum(range(10 ** 12))")
        #expect(verdict.status == .timeout)
        #expect(verdict.wallSeconds < Self.quick.timeoutSeconds + 2)
    }

    @Test func sleepingForeverTimesOut() async throws {
        let verdict = try await attack("import time", tests: ["assert True", "time.sleep(10 ** 6)", "assert True"])
        #expect(verdict.status == .timeout)
        #expect(verdict.tests == [.passed, .notReached, .notReached])
        #expect(verdict.cpuSeconds < 1)
    }

    @Test func unboundedOutputIsCut() async throws {
        let verdict = try await attack("while True:\n    print('x' * 1000)")
        #expect(verdict.status == .outputLimit)
        #expect(verdict.stdout.utf8.count <= (64 << 10) + 100)
        let stderr = try await attack("import sys\nwhile True:\n    sys.stderr.write('y' * 4096)")
        #expect(stderr.status == .outputLimit)
    }

    @Test func filesOutsideTheScratchDirectoryAreUntouched() async throws {
        let marker = "curate-hostile-\(UUID().uuidString)"
        let victimDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../.build/\(marker)").standardizedFileURL
        try FileManager.default.createDirectory(
            at: victimDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: victimDir) }
        let victim = victimDir.appendingPathComponent("victim.txt")
        try Data("original".utf8).write(to: victim)
        let program = """
            import os, shutil
            attempts = []
            def attempt(action):
                try:
                    action()
                    attempts.append('done')
                except OSError:
                    attempts.append('denied')
            attempt(lambda: os.remove(\(pythonString(victim.path))))
            attempt(lambda: open(\(pythonString(victim.path)), 'w').write('owned'))
            attempt(lambda: open(\(pythonString(victimDir.path + "/new.txt")), 'w').write('x'))
            attempt(lambda: shutil.rmtree(\(pythonString(victimDir.path))))
            attempt(lambda: open('/etc/\(marker)', 'w').write('x'))
            for directory in ('/tmp', '/var/tmp', '/dev/shm', '/run/lock'):
                attempt(lambda: open(directory + '/\(marker)', 'w').write('x'))
            attempt(lambda: open('scratch-file.txt', 'w').write('mine'))
            """
        let verdict = try await attack(
            program, tests: ["assert open('scratch-file.txt').read() == 'mine'", "print(attempts)"])
        #expect(verdict.tests == [.passed, .passed])
        #expect(try String(contentsOf: victim, encoding: .utf8) == "original")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victimDir.path) == ["victim.txt"])
        for directory in ["/etc", "/tmp", "/var/tmp", "/dev/shm", "/run/lock"] {
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/\(marker)"), "left a file in \(directory)")
        }
        #expect(verdict.stdout.hasPrefix("['denied', 'denied', 'denied', 'denied', 'denied',"))
    }

    @Test func networkIsUnreachable() async throws {
        let listener = try LocalListener()
        defer { listener.close() }
        let verdict = try await attack(
            "import socket",
            tests: [
                "socket.create_connection(('127.0.0.1', \(listener.port)), timeout=1)",
                "socket.create_connection(('1.1.1.1', 53), timeout=1)",
                "socket.getaddrinfo('example.com', 80)",
            ])
        #expect(verdict.status == .ok)
        for outcome in verdict.tests {
            guard case .error = outcome else {
                Issue.record("a network call did not fail: \(outcome)")
                continue
            }
        }
        #expect(!listener.acceptedAnyConnection())
    }

    @Test func killingTheParentFails() async throws {
        let verdict = try await attack(
            """
            import os, signal
            results = []
            for target in (os.getppid(), 1, -1):
                try:
                    os.kill(target, signal.SIGKILL)
                    results.append('sent')
                except OSError as error:
                    results.append(type(error).__name__)
            """, tests: ["assert results[0] != 'sent'", "assert results[1] != 'sent'"])
        #expect(verdict.status == .ok)
        #expect(verdict.tests == [.passed, .passed])
    }

    @Test func closingStdoutDoesNotConfuseTheHarness() async throws {
        let closed = try await attack(
            "import os\nos.close(1)\nos.close(2)", tests: ["assert 1 + 1 == 2", "assert 1 + 1 == 3"])
        #expect(closed.status == .ok)
        #expect(closed.tests[0] == .passed)
        #expect(closed.tests[1] == .assertionFailed(message: ""))
        let forged = try await attack(
            "import os\nfor fd in range(3, 10):\n    try:\n        os.write(fd, b'{\"k\": \"test\", \"i\": 0, \"o\": \"pass\"}\\n{\"k\": \"done\"}\\n')\n    except OSError:\n        pass\nos._exit(0)",
            tests: ["assert False"])
        #expect(forged.tests == [.notReached])
        #expect(!forged.passed)
    }

    @Test(arguments: [
        "exit(0)", "quit()", "import sys\nsys.exit(0)", "raise SystemExit(0)", "import os\nos._exit(0)",
        "import os\nos.kill(os.getpid(), 9)",
    ])
    func exitingBeforeTheAssertsFails(_ exit: String) async throws {
        let verdict = try await attack("def f():\n    return 1\n" + exit, tests: ["assert f() == 2"])
        #expect(!verdict.passed)
        #expect(verdict.tests == [.notReached])
    }

    @Test func exitingInsideATestFailsThatTest() async throws {
        let verdict = try await attack(
            "import sys, os", tests: ["sys.exit(0)", "assert True", "os._exit(0)", "assert True"])
        #expect(verdict.tests == [.error(type: "SystemExit", message: "0"), .passed, .notReached, .notReached])
        #expect(verdict.status == .crashed)
        #expect(!verdict.passed)
    }

    @Test func readingStdinGetsEndOfFile() async throws {
        let verdict = try await attack("import sys", tests: ["input()", "assert sys.stdin.read() == ''"])
        #expect(verdict.tests == [.error(type: "EOFError", message: "EOF when reading a line"), .passed])
        #expect(verdict.status == .ok)
    }

    @Test func daemonOutlivingTheChildIsKilled() async throws {
        let verdict = try await attack(
            """
            import os, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(1000)
                os._exit(0)
            def f():
                return 1
            """, tests: ["assert f() == 1"])
        #expect(verdict.passed)
        #expect(verdict.survivorsKilled >= 1)
    }

    /// Programs whose `add` is wrong but that made the single-process harness report a pass (one per route found).
    @Test(arguments: Forgery.all)
    func forgedPassesAreFailures(_ forgery: Forgery) async throws {
        let verdict = try await attack(forgery.code, tests: forgery.tests, entryPoint: "add")
        #expect(verdict.status == .ok, "\(verdict.detail)")
        #expect(verdict.programError == nil)
        #expect(verdict.tests.first == .assertionFailed(message: ""), "\(verdict.tests)")
        #expect(!verdict.passed)
    }

    @Test func theForgeryFixtureHoldsEveryRoute() {
        #expect(
            Forgery.all.map(\.text) == [
                "frame-walk-to-report", "results-file-nonce", "memoryview-rewrites-records", "gc-finds-the-harness",
                "eq-always-true",
                "int-subclass-eq", "shadowed-builtin",
            ])
    }

    @Test func deepScratchTreesAreRemovedAndTheNextProgramIsUnharmed() async throws {
        let deep = ExecutionRequest(
            solution: "import os\nfor _ in range(2500):\n    os.mkdir('d')\n    os.chdir('d')\ndef f():\n    return 1",
            tests: ["assert f() == 1"], limits: ExecutionLimits(timeoutSeconds: 20))
        let innocent = ExecutionRequest(
            solution: "import os\ndef f():\n    return os.listdir('.')", tests: ["assert f() == []"])
        try await ExecutionPool.withPool(.init(jobs: 1, isolation: .required)) { pool in
            let verdicts = try await pool.runAll(
                [deep, innocent, deep, innocent, innocent, innocent, innocent, innocent], progress: nil)
            let failed = verdicts.filter { !$0.passed || $0.harnessFailure != nil }
            #expect(failed.isEmpty, "\(failed.map(\.detail))")
        }
    }

    @Test func messagesWithLoneSurrogatesStayFailures() async throws {
        let verdict = try await attack(
            "def f():\n    return 1\ndef g():\n    raise ValueError('\\udc80')",
            tests: ["assert f() == 2, '\\udc80'", "g()"])
        #expect(verdict.status == .ok)
        #expect(
            verdict.tests == [.assertionFailed(message: "\\udc80"), .error(type: "ValueError", message: "\\udc80")])
    }

    @Test func tamperingWithBuiltinsDoesNotPassFailingTests() async throws {
        let verdict = try await attack(
            """
            import builtins, json, os
            builtins.exec = lambda *args, **kwargs: None
            builtins.compile = lambda *args, **kwargs: None
            builtins.AssertionError = KeyError
            json.dumps = lambda *args, **kwargs: '{"k": "done"}'
            os._exit = lambda code: None
            """, tests: ["assert 1 == 2"])
        #expect(verdict.tests == [.assertionFailed(message: "")])
        #expect(!verdict.passed)
    }

    /// `os.system` and `shell=True` reach a read-only /bin/sh in the view: its builtins work, any other program is
    /// missing with the shell's own "not found" and status 127, and the shell sees the view, not the host.
    @Test func aShellRunsItsBuiltinsInsideTheView() async throws {
        let verdict = try await attack(
            #"""
            import os, subprocess
            def shell(command):
                done = subprocess.run(command, shell=True, capture_output=True, text=True)
                return done.returncode, done.stdout, done.stderr
            def system(command):
                return os.system(command)
            """#,
            tests: [
                #"assert shell("echo hi; printf '%s' x > f; read y < f; echo $y; exit 3") == (3, "hi\nx\n", "")"#,
                #"assert shell("ls /") == (127, "", "/bin/sh: 1: ls: not found\n")"#,
                #"assert shell("for p in /work /home /root /run /sys /bin/ls; do test -e $p && echo $p; done") == (1, "", "")"#,
                #"assert system("exit 5") == 5 << 8"#,
                #"assert shell(": > /bin/sh") == (2, "", "/bin/sh: 1: cannot create /bin/sh: Read-only file system\n")"#,
            ])
        #expect(verdict.passed, "\(verdict.tests) \(verdict.detail)")
    }
}

/// One record of `Tests/Fixtures/execution/forgeries.jsonl` (MBPP's format).
struct Forgery: Decodable, Sendable, CustomTestStringConvertible {
    var text: String
    var code: String
    var tests: [String]

    enum CodingKeys: String, CodingKey {
        case text, code
        case tests = "test_list"
    }

    var testDescription: String { text }

    static let all: [Forgery] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../Fixtures/execution/forgeries.jsonl")
        let lines = ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n")
        return lines.compactMap { try? JSONDecoder().decode(Forgery.self, from: Data($0.utf8)) }
    }()
}

/// The sandbox drops privileges only when started as root, which is what the hostile suite checks.
let runningAsRoot = geteuid() == 0

func pythonString(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

/// A TCP listener on the host's 127.0.0.1, to prove a sandboxed program cannot reach it.
final class LocalListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    func acceptedAnyConnection() -> Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 { Glibc.close(client) }
        return client >= 0
    }

    func close() { Glibc.close(fd) }
}
