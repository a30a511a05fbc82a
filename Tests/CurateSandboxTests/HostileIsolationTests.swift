import Foundation
import Testing

@testable import CurateSandbox

#if canImport(Glibc)
    import Glibc
#endif

/// Attacks on what the sandbox isolates beyond a single process: System V IPC, the memory of the whole execution,
/// the host's files and sockets, and the kernel interfaces a program could use to build its own namespaces.
extension HostileProgramTests {
    @Test func systemVIPCObjectsDieWithTheExecution() async throws {
        let key = Int32.random(in: 0x1000_0000...0x7fff_0000)
        let created = try await attack(
            """
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            made = [libc.shmget(\(key), 1 << 20, 0o1000 | 0o666), libc.msgget(\(key), 0o1000 | 0o666),
                    libc.semget(\(key), 1, 0o1000 | 0o666)]
            """, tests: ["print(made)"])
        #expect(created.status == .ok)
        for table in ["shm", "msg", "sem"] {
            #expect(!Self.hostIPCKeys(table).contains(key), "a System V \(table) object outlived the execution")
        }
        let later = try await attack(
            "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)",
            tests: [
                "assert libc.shmget(\(key), 0, 0) == -1", "assert libc.msgget(\(key), 0) == -1",
                "assert libc.semget(\(key), 0, 0) == -1",
            ])
        #expect(later.tests == [.passed, .passed, .passed])
    }

    /// Keys of the System V objects of one kind (`shm`, `msg`, `sem`) in this process's IPC namespace.
    static func hostIPCKeys(_ table: String) -> Set<Int32> {
        let text = (try? String(contentsOfFile: "/proc/sysvipc/\(table)", encoding: .utf8)) ?? ""
        return Set(
            text.split(separator: "\n").dropFirst().compactMap { line in
                line.split(separator: " ").first.flatMap { Int32($0) }
            })
    }

    /// Routes around a per-process address-space limit: many processes, files in a tmpfs, memfds. Each takes
    /// about 600 MB against a 256 MiB limit.
    @Test(arguments: [
        (
            "processes",
            """
            import os
            children = []
            for _ in range(6):
                pid = os.fork()
                if pid == 0:
                    block = b'x' * (100 << 20)
                    os._exit(0)
                children.append(pid)
            codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
            """
        ),
        (
            "tmpfs",
            """
            for i in range(40):
                with open('/dev/shm/fill-%d' % i, 'wb') as f:
                    f.write(b'x' * (15 << 20))
            """
        ),
        (
            "memfds",
            """
            import os
            files = []
            for i in range(40):
                files.append(os.memfd_create('fill'))
                os.write(files[-1], b'x' * (15 << 20))
            """
        ),
    ])
    func theWholeExecutionIsBoundedByItsMemoryLimit(_ route: String, _ program: String) async throws {
        let limits = ExecutionLimits(timeoutSeconds: 30, memoryMB: 256)
        let verdict = try await attack(
            program, tests: ["assert 'codes' not in dir() or codes == [0] * 6"], limits: limits)
        #expect(verdict.status == .memoryLimit, "\(route): \(verdict.status) \(verdict.detail)")
        #expect(!verdict.passed)
    }

    @Test func hostFilesAndSocketsAreOutOfSight() async throws {
        let marker = "curate-hostile-\(UUID().uuidString)"
        let cwdFile = FileManager.default.currentDirectoryPath + "/\(marker).txt"
        let store = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../.build/\(marker)/.curate/store.sqlite").standardizedFileURL.path
        try FileManager.default.createDirectory(
            atPath: (store as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        defer {
            try? FileManager.default.removeItem(
                atPath: ((store as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent)
        }
        for file in [cwdFile, store] {
            #expect(
                FileManager.default.createFile(
                    atPath: file, contents: Data("secret".utf8), attributes: [.posixPermissions: 0o644]))
        }
        defer { try? FileManager.default.removeItem(atPath: cwdFile) }
        let socketPath = "/run/\(marker).sock"
        let listener = try UnixListener(path: socketPath)
        defer { listener.close() }
        let hostPaths = [
            store, cwdFile, CommandLine.arguments[0], "/run", "/root", "/home", "/work", "/etc/passwd", "/sys",
        ]
        let verdict = try await attack(
            "import os, socket",
            tests: hostPaths.map { "assert not os.path.exists(\(pythonString($0)))" } + [
                "socket.socket(socket.AF_UNIX).connect(\(pythonString(socketPath)))"
            ])
        #expect(
            Array(verdict.tests.prefix(hostPaths.count)) == [TestOutcome](repeating: .passed, count: hostPaths.count),
            "\(verdict.tests)")
        #expect(
            verdict.tests[hostPaths.count]
                == .error(type: "FileNotFoundError", message: "[Errno 2] No such file or directory"))
        #expect(!listener.acceptedAnyConnection())
    }

    #if arch(x86_64)
        /// Each refused call, made from a forked process of the program (so one that gets through changes nothing for
        /// the next): the errno it must fail with, and the filter must be in force in that process.
        @Test(arguments: [
            ("unshare", "call(272, 0x10000000)", "EPERM"),
            ("clone with CLONE_NEWUSER", "call(56, 0x10000000 | 17, 0, 0, 0, 0)", "EPERM"),
            ("clone3", "call(435, 0, 0)", "ENOSYS"),
            ("setns", "call(308, os.open('/proc/self/ns/uts', os.O_RDONLY), 0)", "EPERM"),
            ("mount in a user namespace", "userns() or call(165, b'none', b'/tmp', b'tmpfs', 0, 0)", "EPERM"),
            ("umount2 in a user namespace", "userns() or call(166, b'/proc', 2)", "EPERM"),
            ("chroot in a user namespace", "userns() or call(161, b'.')", "EPERM"),
            ("pivot_root in a user namespace", "userns() or call(155, b'.', b'.')", "EPERM"),
            ("ptrace", "call(101, 0, 0, 0, 0)", "EPERM"),
            ("process_vm_readv", "vm_read(310)", "EPERM"),
            ("process_vm_writev", "vm_read(311)", "EPERM"),
            ("keyctl", "call(250, 0, -3, 1)", "EPERM"),
            ("add_key", "call(248, b'user', b'curate', b'x', 1, -2)", "EPERM"),
            ("request_key", "call(249, b'user', b'curate-missing', 0, 0)", "EPERM"),
            ("bpf", "call(321, 5, 0, 0)", "EPERM"),
            ("perf_event_open", "call(298, 0, 0, -1, -1, 0)", "EPERM"),
            ("userfaultfd", "call(323, 1)", "EPERM"),
            ("io_uring_setup", "call(425, 1, 0)", "EPERM"),
            ("kexec_load", "call(246, 0, 0, 0, 0)", "EPERM"),
            ("init_module", "call(175, 0, 0, b'')", "EPERM"),
            ("finit_module", "call(313, 0, b'', 0)", "EPERM"),
            ("delete_module", "call(176, b'curate', 0)", "EPERM"),
        ])
        func kernelInterfacesForEscapesAreRefused(_ name: String, _ probe: String, _ expected: String) async throws {
            let verdict = try await attack(
                Self.syscallProbe + "\ndef attempt():\n    return probe(lambda: \(probe))\n",
                tests: ["assert attempt() == ('\(expected)', True), attempt()"])
            #expect(
                verdict.tests == [.passed],
                "\(name): \(verdict.tests) \(verdict.status) \(String(describing: verdict.programError)) \(verdict.stderr)"
            )
        }

        /// `probe(f)`: runs `f` in a forked child of the solution's process and returns the errno name it ended with
        /// ('OK' on success) and whether a seccomp filter was in force in that child.
        static let syscallProbe = """
            import ctypes, errno, os
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall.restype = ctypes.c_long
            def call(number, *args):
                result = libc.syscall(number, *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
                if result == 0 and number in (56,):
                    os._exit(0)
                return 0 if result >= 0 else ctypes.get_errno()
            def userns():
                call(272, 0x10000000 | 0x00020000)
                return 0
            def vm_read(number):
                buffer = ctypes.create_string_buffer(8)
                iov = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 8)
                return call(number, os.getpid(), ctypes.addressof(iov), 1, ctypes.addressof(iov), 1, 0)
            def probe(f):
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:
                    filtered = 'Seccomp:\\t2' in open('/proc/self/status').read()
                    code = f()
                    os.write(write, ('%s %s' % (errno.errorcode.get(code, 'OK'), filtered)).encode())
                    os._exit(0)
                os.close(write)
                os.waitpid(pid, 0)
                name, filtered = os.read(read, 100).decode().split()
                return name, filtered == 'True'
            """
    #endif
}

/// A Unix stream socket anyone may connect to (mode 0666), as a host service under /run would offer.
final class UnixListener {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, chmod(path, 0o666) == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    func acceptedAnyConnection() -> Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 { Glibc.close(client) }
        return client >= 0
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
