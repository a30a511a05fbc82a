import Foundation

/// The built `curate` binary run as a user runs it: `curate ingest` into a fresh folder, then `curate review serve`.
enum ReviewProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `curate` binary of the same build as the tests.
    static let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("curate").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("curate").path
        if FileManager.default.isExecutableFile(atPath: bundle) { return bundle }
        return packageRoot.appendingPathComponent(".build/debug/curate").path
    }()

    static func fixture(_ relative: String) -> String { packageRoot.appendingPathComponent("Tests/Fixtures/\(relative)").path }

    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs a program to its end in `directory`, stdout and stderr together.
    static func capture(_ program: String, _ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Ingests `file` into a fresh folder's store, serves it on a free port, and gives `body` the printed URL
    /// (with the token); the server is stopped afterwards.
    static func withServer(ingesting file: String, extraArguments: [String] = [], _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curate-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ingest = try capture(binary, ["ingest", file], in: directory)
        guard ingest.status == 0 else {
            throw ServeFailure(message: "curate ingest \(file) failed:\n\(ingest.output)")
        }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["review", "serve", "--port", "0", "--jobs", "1"] + extraArguments
        server.currentDirectoryURL = directory
        let out = Pipe()
        server.standardOutput = out
        server.standardError = out
        server.standardInput = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        guard let url = try readURL(out.fileHandleForReading) else {
            throw ServeFailure(message: "curate review serve printed no URL")
        }
        try body(url)
    }

    /// Reads the server's output until the `Open in a browser: URL` line.
    static func readURL(_ handle: FileHandle) throws -> String? {
        var text = ""
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Open in a browser: ") }), text.contains("Press Ctrl-C") {
                return String(line.dropFirst("Open in a browser: ".count))
            }
        }
    }

    struct ServeFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
