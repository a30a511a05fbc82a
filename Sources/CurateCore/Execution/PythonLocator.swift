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
        do {
            try process.run()
        } catch {
            throw ExecutionError.pythonNotRunnable(path: path, reason: error.localizedDescription)
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
