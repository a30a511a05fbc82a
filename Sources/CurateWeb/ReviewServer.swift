import CurateCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The review workbench's HTTP server: the page (HTML, CSS, JS from the binary) and the JSON API under `/api/`.
public struct ReviewServer: Sendable {
    public let policy: AccessPolicy
    public let port: Int
    /// Level of the server's own log on stderr; in-process users that stop it by cancelling raise it to `.critical`.
    public let logLevel: Logger.Level

    /// A server on `host:port` (port 0 picks a free one); `token` nil makes a random one (loopback only).
    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, logLevel: Logger.Level = .warning)
        throws
    {
        guard (0...65535).contains(port) else { throw ReviewServerError.invalidPort(port) }
        policy = try AccessPolicy(host: host, token: token)
        self.port = port
        self.logLevel = logLevel
    }

    /// Serves `desk` until SIGINT or SIGTERM; `onReady` gets the page's URL (with the token) once the socket listens.
    public func run(desk: ReviewDesk, onReady: @escaping @Sendable (_ url: String) -> Void) async throws {
        var logger = Logger(label: "curate.review")
        logger.logLevel = logLevel
        let policy = self.policy
        let app = Application(
            router: makeRouter(api: ReviewAPI(desk: desk)),
            configuration: .init(address: .hostname(policy.host, port: port), serverName: "curate-review"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let host = policy.host.contains(":") && !policy.host.hasPrefix("[") ? "[\(policy.host)]" : policy.host
                onReady("http://\(host):\(port)/?token=\(policy.token)")
            },
            logger: logger)
        try await app.runService()
    }

    /// Headers on every response, errors as JSON, then the access checks (token, CSRF, host), then the routes.
    func makeRouter(api: ReviewAPI) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: JSONErrorMiddleware(translate: ReviewAPI.translate))
        router.add(middleware: AccessMiddleware(policy: policy))
        let page: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            Assets.response(Assets.page, for: request)
        }
        router.get("/", use: page)
        router.get("/queue", use: page)
        router.get("/audit", use: page)
        router.get("/tasks/**", use: page)
        router.get("/assets/:name") { request, context in
            guard let asset = Assets.files[try context.parameters.require("name")] else {
                throw APIError(.notFound, "not-found", "no asset '\(request.uri.path)'")
            }
            return Assets.response(asset, for: request)
        }
        api.register(on: router.group("api"))
        return router
    }
}
