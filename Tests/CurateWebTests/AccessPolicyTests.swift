import Foundation
import Testing

@testable import CurateWeb

/// The token, host and CSRF rules, over HTTP against a running server.
struct AccessPolicyTests {
    @Test func apiRequestsNeedTheServersToken() async throws {
        try await ServerHarness.with { server in
            let missing = try await server.send("GET", "/api/info", credential: .none)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "token-required")
            let wrong = try await server.send("GET", "/api/info", credential: .other(String(repeating: "0", count: 64)))
            #expect(wrong.status == 401)
            #expect(wrong.errorCode == "token-invalid")
            let right = try await server.send("GET", "/api/info")
            #expect(right.status == 200)
            #expect(right.json["datasets"] as? [String] == ["mbpp"])
        }
    }

    @Test func writesWithoutTheTokenChangeNothing() async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/status", credential: .none,
                json: ["status": "approved", "editor": "mallory", "reason": "csrf"])
            #expect(reply.status == 401)
            #expect(try server.desk.task("mbpp/2").status.status == .unreviewed)
            #expect(try server.desk.auditLog().isEmpty)
        }
    }

    @Test func pagesAndAssetsNeedNoTokenAndCarryTheSecurityHeaders() async throws {
        try await ServerHarness.with { server in
            for path in ["/", "/tasks/mbpp/2", "/audit", "/assets/app.js", "/assets/app.css"] {
                let reply = try await server.send("GET", path, credential: .none)
                #expect(reply.status == 200, "\(path)")
                #expect(reply.headers["content-security-policy"]?.contains("script-src 'self'") == true, "\(path)")
                #expect(reply.headers["x-frame-options"] == "DENY", "\(path)")
                #expect(reply.headers["referrer-policy"] == "no-referrer", "\(path)")
            }
            let page = String(decoding: try await server.send("GET", "/", credential: .none).body, as: UTF8.self)
            #expect(page.contains("<script src=\"/assets/app.js\""))
            #expect(!page.contains("http"), "the page loads nothing from another host")
        }
    }

    @Test(arguments: ["evil.example", "evil.example:8080", "192.168.1.7"])
    func aLoopbackServerRefusesForeignHostNames(host: String) async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send("GET", "/api/info", headers: ["Host": host])
            #expect(reply.status == 403)
            #expect(reply.errorCode == "host-not-allowed")
            #expect(reply.errorMessage.contains(host))
        }
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func aLoopbackServerAnswersItsOwnNames(host: String) async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send("GET", "/api/info", headers: ["Host": "\(host):\(server.base.port!)"])
            #expect(reply.status == 200)
        }
    }

    /// A page on another site can make the browser send a request, but its Origin (or Sec-Fetch-Site) gives it away.
    @Test(arguments: [
        ["Origin": "http://evil.example"], ["Origin": "http://127.0.0.1:1"], ["Origin": "null"],
        ["Sec-Fetch-Site": "cross-site"],
        ["Sec-Fetch-Site": "same-site"],
    ])
    func crossSiteWritesAreRefused(headers: [String: String]) async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/status",
                json: ["status": "approved", "editor": "mallory", "reason": "csrf"], headers: headers)
            #expect(reply.status == 403)
            #expect(["origin-mismatch", "cross-site-request"].contains(reply.errorCode))
            #expect(try server.desk.task("mbpp/2").status.status == .unreviewed)
        }
    }

    @Test func sameOriginWritesFromThePageAreAccepted() async throws {
        try await ServerHarness.with { server in
            let origin = "http://127.0.0.1:\(server.base.port!)"
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/status", json: ["status": "approved", "editor": "ada", "reason": "ok"],
                headers: ["Origin": origin, "Sec-Fetch-Site": "same-origin"])
            #expect(reply.status == 201)
            #expect(try server.desk.task("mbpp/2").status.status == .approved)
        }
    }

    /// A form on another site can post text/plain without a preflight; the API only takes JSON.
    @Test func writesMustBeJSON() async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/status",
                body: Data(#"{"status":"approved","editor":"m","reason":"r"}"#.utf8),
                headers: ["Content-Type": "text/plain"])
            #expect(reply.status == 415)
            #expect(reply.errorCode == "json-required")
        }
    }

    @Test func unknownRoutesAnswerJSON404() async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send("GET", "/api/nothing-here")
            #expect(reply.status == 404)
            #expect(reply.errorCode == "not-found")
            #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
        }
    }

    @Test func aTokenIsRequiredToBindAnotherAddress() throws {
        #expect(throws: ReviewServerError.tokenRequired(host: "0.0.0.0")) {
            try AccessPolicy(host: "0.0.0.0", token: nil)
        }
        #expect(throws: ReviewServerError.weakToken(minimumLength: 16)) {
            try AccessPolicy(host: "0.0.0.0", token: "short")
        }
        #expect(try AccessPolicy(host: "0.0.0.0", token: "a-long-enough-secret").token == "a-long-enough-secret")
        let generated = try AccessPolicy(host: "127.0.0.1", token: nil).token
        #expect(generated.count == 64)
        #expect(generated != (try AccessPolicy(host: "127.0.0.1", token: nil).token))
    }

    @Test(arguments: [
        ("localhost:8080", "localhost"), ("[::1]:80", "::1"), ("127.0.0.1", "127.0.0.1"),
        ("evil.example:1", "evil.example"),
    ])
    func hostNamesOfAuthorities(authority: String, host: String) {
        #expect(AccessPolicy.hostName(ofAuthority: authority) == host)
    }
}
