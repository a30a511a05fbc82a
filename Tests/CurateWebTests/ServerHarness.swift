import CurateCore
import CurateStore
import CurateTestSupport
import Foundation

@testable import CurateWeb

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A review server on a free loopback port, over a real store seeded by ingesting a fixture, talked to over HTTP.
final class ServerHarness: Sendable {
    let base: URL
    let token: String
    let desk: ReviewDesk
    /// The temporary folder holding the store and the edit logs (removed after the test).
    let directory: TemporaryDirectory

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        /// `error.code` of an error body.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    /// Runs `body` against a server over a fresh store holding the tasks of `fixture` (a path under Tests/Fixtures),
    /// an edit log folder of its own and, when `sandbox`, a warm one-worker sandbox pool; stops them afterwards.
    static func with<T: Sendable>(
        fixture: String = "ingest/mbpp-small.jsonl", sandbox: Bool = false, _ body: (ServerHarness) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory("web")
        let store = try TaskStore(path: directory.appendingPathComponent("store.sqlite").path)
        let report = Ingestor(store: store).ingest(paths: [Fixtures.path(fixture)], options: IngestOptions())
        precondition(!report.hasRejections, "fixture \(fixture) did not ingest cleanly")
        let edits = directory.appendingPathComponent("edits").path
        guard sandbox else {
            return try await serve(ReviewDesk(store: store, editsDirectory: edits), directory: directory, body)
        }
        return try await ExecutionPool.withPool(.init(jobs: 1)) { pool in
            try await serve(ReviewDesk(store: store, pool: pool, editsDirectory: edits), directory: directory, body)
        }
    }

    private static func serve<T: Sendable>(
        _ desk: ReviewDesk, directory: TemporaryDirectory, _ body: (ServerHarness) async throws -> T
    ) async throws -> T {
        let server = try ReviewServer(host: "127.0.0.1", port: 0, logLevel: .critical)
        let (ready, continuation) = AsyncStream<String>.makeStream()
        let serving = Task { try await server.run(desk: desk) { url in continuation.yield(url) } }
        defer { serving.cancel() }
        var iterator = ready.makeAsyncIterator()
        guard let url = await iterator.next(), let components = URLComponents(string: url),
            let token = components.queryItems?.first(where: { $0.name == "token" })?.value
        else {
            throw URLError(.cannotConnectToHost)
        }
        let harness = ServerHarness(
            base: URL(string: url.components(separatedBy: "?")[0])!, token: token, desk: desk, directory: directory)
        return try await body(harness)
    }

    private init(base: URL, token: String, desk: ReviewDesk, directory: TemporaryDirectory) {
        self.base = base
        self.token = token
        self.desk = desk
        self.directory = directory
    }

    /// What a request presents as `Authorization: Bearer …`.
    enum Credential {
        case serverToken, none
        case other(String)
    }

    /// Sends a request with `credential`; `json` is encoded as the body (with its content type).
    func send(
        _ method: String, _ path: String, credential: Credential = .serverToken, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        let presented: String? =
            switch credential {
            case .serverToken: token
            case .none: nil
            case .other(let value): value
            }
        if let presented { request.setValue("Bearer \(presented)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields[String(describing: name).lowercased()] = String(describing: value)
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }
}
