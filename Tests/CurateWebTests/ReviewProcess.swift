import CurateTestSupport
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `curate` binary run as a user runs it: `curate ingest` into a fresh folder, then `curate review serve`.
enum ReviewProcess {
    static let binary = CLIRunner.binary.path

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
    /// `prepare` lists further `curate` commands run after the ingest (e.g. an audit that raises flags).
    static func withServer(
        ingesting file: String, prepare: [[String]] = [], extraArguments: [String] = [],
        _ body: (String) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory("review")
        let directory = folder.url
        for command in [["ingest", file]] + prepare {
            let result = try capture(binary, command, in: directory)
            guard result.status == 0 else {
                throw ServeFailure(message: "curate \(command.joined(separator: " ")) failed:\n\(result.output)")
            }
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
        try await body(url)
    }

    /// The HTTP status of a GET, with the token as `Authorization: Bearer` when given.
    static func status(_ url: String, token: String? = nil) async throws -> Int {
        try await get(url, token: token).status
    }

    /// A GET's status and body.
    static func get(_ url: String, token: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Reads the server's output until the `Open in a browser: URL` line.
    static func readURL(_ handle: FileHandle) throws -> String? {
        var text = ""
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Open in a browser: ") }),
                text.contains("Press Ctrl-C")
            {
                return String(line.dropFirst("Open in a browser: ".count))
            }
        }
    }

    struct ServeFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
