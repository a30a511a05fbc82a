import CurateCore
import CurateStore
import Foundation
@testable import CurateWeb
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A review server on a free loopback port, over a real store seeded by ingesting a fixture, talked to over HTTP.
final class ServerHarness: Sendable {
    let base: URL
    let token: String
    let store: TaskStore
    private let serving: Task<Void, any Error>

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

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// Starts a server over a fresh store holding the tasks of `fixture` (a path under Tests/Fixtures).
    static func start(fixture: String = "ingest/mbpp-small.jsonl") async throws -> ServerHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curate-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try TaskStore(path: directory.appendingPathComponent("store.sqlite").path)
        let report = Ingestor(store: store).ingest(paths: [Self.fixture(fixture)], options: IngestOptions())
        precondition(!report.hasRejections, "fixture \(fixture) did not ingest cleanly")
        let server = try ReviewServer(store: store, host: "127.0.0.1", port: 0)
        let (ready, continuation) = AsyncStream<String>.makeStream()
        let serving = Task { try await server.run { url in continuation.yield(url) } }
        var iterator = ready.makeAsyncIterator()
        guard let url = await iterator.next(), let components = URLComponents(string: url),
              let token = components.queryItems?.first(where: { $0.name == "token" })?.value else {
            serving.cancel()
            throw URLError(.cannotConnectToHost)
        }
        return ServerHarness(base: URL(string: url.components(separatedBy: "?")[0])!, token: token, store: store, serving: serving)
    }

    private init(base: URL, token: String, store: TaskStore, serving: Task<Void, any Error>) {
        self.base = base
        self.token = token
        self.store = store
        self.serving = serving
    }

    deinit { serving.cancel() }

    /// What a request presents as `Authorization: Bearer …`.
    enum Credential {
        case serverToken, none, other(String)
    }

    /// Sends a request with `credential`; `json` is encoded as the body (with its content type).
    func send(
        _ method: String, _ path: String, credential: Credential = .serverToken, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        let presented: String? = switch credential {
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
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }
}
