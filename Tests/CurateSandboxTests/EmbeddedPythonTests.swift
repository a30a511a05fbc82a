import Foundation
import Testing

@testable import CurateSandbox

/// The Python programs compiled into the binary: each must compile, and the embedded bytes must be the file's.
struct EmbeddedPythonTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../Sources"
    ).standardizedFileURL

    /// Every `.py` file under Sources/ (each is embedded by its target's `resources`).
    static func pythonFiles() -> [URL] {
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "py" }.sorted { $0.path < $1.path }
    }

    @Test func everyEmbeddedProgramCompiles() throws {
        let files = Self.pythonFiles()
        #expect(files.contains { $0.lastPathComponent == "WorkerDriver.py" }, "found \(files.map(\.path))")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-pycompile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        for file in files {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-m", "py_compile", file.path]
            process.environment = ["PYTHONPYCACHEPREFIX": cache.path]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(file.lastPathComponent) does not compile: \(message)")
        }
    }

    @Test func theEmbeddedDriverIsTheFile() throws {
        let file = try Data(contentsOf: Self.sources.appendingPathComponent("CurateSandbox/WorkerDriver.py"))
        #expect(Data(WorkerDriver.source.utf8) == file)
        #expect(WorkerDriver.digest.count == 64)
    }
}
