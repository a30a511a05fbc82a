import ArgumentParser
import CurateCore
import CurateWeb
import Foundation

/// `curate review serve`: the web workbench for a review pass, on this machine by default.
struct ReviewServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the review workbench (queue, task editor with revalidation, audit log) in a web browser.",
        discussion: """
            Prints a URL with a per-server token, as Jupyter does: open it in a browser (the page keeps the token). \
            Every /api/ request needs the token as 'Authorization: Bearer TOKEN'. The server binds 127.0.0.1 unless \
            --host names another address, which requires --token (the server runs code editors submit). \
            Stop it with Ctrl-C. The API is described in docs/review-web.md.
            """)

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Folder of the committed edit logs (one DATASET.jsonl per dataset).") var edits = "edits"
    @Option(help: "Sandbox workers kept warm for revalidating saves.") var jobs = 2
    @Option(help: "Python interpreter for the revalidation (default /usr/bin/python3).") var python: String?
    @Option(help: "Address to bind; anything but loopback requires --token.") var host = "127.0.0.1"
    @Option(help: "TCP port (0 picks a free one).") var port = 8080
    @Option(help: "Use this token instead of a random one (at least 16 characters).") var token: String?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        do {
            _ = try ReviewServer(host: host, port: port, token: token)
        } catch {
            throw ValidationError(error.localizedDescription)
        }
    }

    func run() async throws {
        let server = try ReviewServer(host: host, port: port, token: token)
        let store = try storeOptions.open()
        let (edits, path) = (edits, storeOptions.store)
        try await ExecutionPool.withPool(.init(python: python, jobs: jobs)) { pool in
            for warning in pool.isolation.warnings { Terminal.error("warning: \(warning)") }
            try await server.run(desk: try ReviewDesk(store: store, pool: pool, editsDirectory: edits)) { url in
                let lines = [
                    "curate review: serving \(path), edit logs in \(edits)/",
                    "Open in a browser: \(url)",
                    "Token for scripts (Authorization: Bearer …): \(server.policy.token)",
                    "Press Ctrl-C to stop.",
                ]
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        }
    }
}
