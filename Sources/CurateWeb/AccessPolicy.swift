import Foundation
import HTTPTypes
import Hummingbird

/// Who may talk to the review server: the per-server token on every `/api/` request, same-origin writes (CSRF), and
/// on a loopback bind only `Host` names of this machine (DNS rebinding).
public struct AccessPolicy: Sendable {
    /// The secret every API request carries as `Authorization: Bearer TOKEN`.
    public let token: String
    /// The address the server binds to.
    public let host: String

    /// A policy for `host` with `token`, or a fresh random token when nil (only allowed on a loopback address).
    public init(host: String, token: String?) throws {
        if let token {
            guard token.count >= Self.minimumTokenLength,
                token.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline })
            else {
                throw ReviewServerError.weakToken(minimumLength: Self.minimumTokenLength)
            }
            self.token = token
        } else {
            guard Self.isLoopback(host) else { throw ReviewServerError.tokenRequired(host: host) }
            self.token = Self.randomToken()
        }
        self.host = host
    }

    /// Shortest token accepted from `--token`.
    public static let minimumTokenLength = 16

    /// 32 random bytes as 64 hex digits.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// True for addresses only this machine reaches: 127.0.0.0/8, ::1 and `localhost`.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Why `request` must be refused, or nil when it may proceed.
    func refusal(of request: Request) -> APIError? {
        if Self.isLoopback(host), let hostHeader = request.head.authority {
            guard Self.isLoopback(Self.hostName(ofAuthority: hostHeader)) else {
                return APIError(
                    .forbidden, "host-not-allowed",
                    "Host '\(hostHeader)' is not this machine; the server only answers requests addressed to 127.0.0.1 or localhost"
                )
            }
        }
        guard request.uri.path.hasPrefix("/api/") else { return nil }
        guard let presented = Self.bearerToken(request.headers[.authorization]) else {
            return APIError(
                .unauthorized, "token-required",
                "this request needs the server's token as 'Authorization: Bearer TOKEN' (printed by `curate review serve`)"
            )
        }
        guard Self.constantTimeEqual(presented, token) else {
            return APIError(
                .unauthorized, "token-invalid",
                "the token does not match this server's (it changes on every start unless --token is given)")
        }
        guard request.method != .get && request.method != .head else { return nil }
        if request.headers[values: HTTPField.Name("Sec-Fetch-Site")!].contains(where: {
            $0 == "cross-site" || $0 == "same-site"
        }) {
            return APIError(.forbidden, "cross-site-request", "write requests from another site are refused")
        }
        if let origin = request.headers[.origin] {
            let authority = request.head.authority ?? ""
            guard let url = URL(string: origin), let originHost = url.host else {
                return APIError(.forbidden, "origin-mismatch", "Origin '\(origin)' is not this server")
            }
            let originAuthority =
                (originHost.contains(":") ? "[\(originHost)]" : originHost) + (url.port.map { ":\($0)" } ?? "")
            guard originAuthority.lowercased() == authority.lowercased() else {
                return APIError(
                    .forbidden, "origin-mismatch",
                    "Origin '\(origin)' is not this server ('\(authority)'); write requests must come from its own pages"
                )
            }
        }
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            return APIError(
                .unsupportedMediaType, "json-required",
                "write requests send a JSON body with 'Content-Type: application/json'")
        }
        return nil
    }

    /// The host part of a `Host` header value: `localhost:8080` → `localhost`, `[::1]:80` → `::1`.
    static func hostName(ofAuthority authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        return String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The token of an `Authorization: Bearer TOKEN` header.
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    /// Compares without stopping at the first difference, so response time tells nothing about the token.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}

/// Refuses requests the access policy does not allow, before any handler runs.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let refusal = policy.refusal(of: request) { throw refusal }
        return try await next(request, context)
    }
}

/// Adds to every response (errors included) the headers that keep the page from being framed, sniffed or fed
/// foreign scripts, and the token from leaking through a referrer.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}
