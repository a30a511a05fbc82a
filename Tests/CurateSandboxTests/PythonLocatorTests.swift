import CurateSandbox
import Foundation
import Testing

/// Resolving the real interpreter past launcher shims.
struct PythonLocatorTests {
    @Test func prefersTheSystemInterpreter() throws {
        #expect(try PythonLocator.resolve(nil, environment: ["PATH": "/nonexistent"]) == "/usr/bin/python3")
    }

    @Test func resolvesAShimToTheInterpreterItRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-shim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let shim = directory.appendingPathComponent("python3")
        try "#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n".write(to: shim, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: shim.path)
        #expect(try PythonLocator.resolve(shim.path) == "/usr/bin/python3")
        #expect(try PythonLocator.resolve("python3", environment: ["PATH": directory.path]) == "/usr/bin/python3")
    }

    @Test func missingInterpreterIsAnErrorNamingIt() {
        #expect(throws: ExecutionError.pythonNotRunnable(path: "/nonexistent/python", reason: "not an executable file"))
        {
            try PythonLocator.resolve("/nonexistent/python")
        }
    }
}
