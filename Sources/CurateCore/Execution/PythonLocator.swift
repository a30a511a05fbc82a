import Foundation

/// Finds the real Python interpreter once, skipping slow launcher shims (pyenv adds ~140 ms per start).
public enum PythonLocator {
    /// Interpreters tried first, in order, when no path is given.
    static let preferred = ["/usr/bin/python3", "/usr/local/bin/python3"]

    /// The real interpreter for `explicit` (a path or a name on PATH), or the preferred system one.
    public static func resolve(_ explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let fm = FileManager.default
        if let explicit {
            let path = explicit.contains("/") ? explicit : search(explicit, environment: environment)
            guard let path, fm.isExecutableFile(atPath: path) else {
                throw ExecutionError.pythonNotRunnable(path: explicit, reason: "not an executable file")
            }
            return try realExecutable(path)
        }
        for candidate in preferred where fm.isExecutableFile(atPath: candidate) {
            return candidate
        }
        if let found = search("python3", environment: environment) {
            return try realExecutable(found)
        }
        throw ExecutionError.pythonNotFound(searched: preferred + ["python3 on PATH"])
    }

    private static func search(_ name: String, environment: [String: String]) -> String? {
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// True when a launch failed with ETXTBSY, directly or as the underlying POSIX error.
    private static func isTextFileBusy(_ error: Error) -> Bool {
        let nsError = error as NSError
        if nsError.code == Int(ETXTBSY) { return true }
        return (nsError.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY)
    }

    /// Asks a launcher (pyenv shim, wrapper script) for the interpreter it really runs; plain binaries are kept.
    private static func realExecutable(_ path: String) throws -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard isScript(resolved) else { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", "import sys; print(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // A script just written can be briefly "busy" (ETXTBSY) while a concurrently forked process still holds
        // its write descriptor; that passes within milliseconds, so launching is retried a few times.
        var attempt = 0
        while true {
            do {
                try process.run()
                break
            } catch {
                attempt += 1
                guard attempt < 5, isTextFileBusy(error) else {
                    throw ExecutionError.pythonNotRunnable(path: path, reason: error.localizedDescription)
                }
                usleep(20_000 * UInt32(attempt))
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let executable = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !executable.isEmpty else {
            throw ExecutionError.pythonNotRunnable(path: path, reason: "it exited with status \(process.terminationStatus)")
        }
        return executable
    }

    /// True for text files starting with `#!` (launchers), false for binaries.
    private static func isScript(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data("#!".utf8)
    }
}
