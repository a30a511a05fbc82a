import Foundation
import Testing
@testable import CurateWeb

/// The token, host and CSRF rules, over HTTP against a running server.
struct AccessPolicyTests {
    @Test func apiRequestsNeedTheServersToken() async throws {
        let server = try await ServerHarness.start()
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

    @Test func pagesAndAssetsNeedNoTokenAndCarryTheSecurityHeaders() async throws {
        let server = try await ServerHarness.start()
        for path in ["/", "/tasks/mbpp/2", "/audit", "/assets/app.js", "/assets/app.css"] {
            let reply = try await server.send("GET", path, credential: .none)
            #expect(reply.status == 200, "\(path)")
            #expect(reply.headers["content-security-policy"]?.contains("script-src 'self'") == true, "\(path)")
            #expect(reply.headers["x-frame-options"] == "DENY", "\(path)")
            #expect(reply.headers["referrer-policy"] == "no-referrer", "\(path)")
        }
        let page = try await server.send("GET", "/", credential: .none)
        #expect(String(decoding: page.body, as: UTF8.self).contains("<script src=\"/assets/app.js\""))
        #expect(!String(decoding: page.body, as: UTF8.self).contains("http"), "the page loads nothing from another host")
    }

    @Test(arguments: ["evil.example", "evil.example:8080", "192.168.1.7"])
    func aLoopbackServerRefusesForeignHostNames(host: String) async throws {
        let server = try await ServerHarness.start()
        let reply = try await server.send("GET", "/api/info", headers: ["Host": host])
        #expect(reply.status == 403)
        #expect(reply.errorCode == "host-not-allowed")
        #expect(reply.errorMessage.contains(host))
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func aLoopbackServerAnswersItsOwnNames(host: String) async throws {
        let server = try await ServerHarness.start()
        let reply = try await server.send("GET", "/api/info", headers: ["Host": "\(host):\(server.base.port!)"])
        #expect(reply.status == 200)
    }

    @Test func unknownRoutesAnswerJSON404() async throws {
        let server = try await ServerHarness.start()
        let reply = try await server.send("GET", "/api/nothing-here")
        #expect(reply.status == 404)
        #expect(reply.errorCode == "not-found")
        #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
    }

    @Test func aTokenIsRequiredToBindAnotherAddress() throws {
        #expect(throws: ReviewServerError.tokenRequired(host: "0.0.0.0")) { try AccessPolicy(host: "0.0.0.0", token: nil) }
        #expect(throws: ReviewServerError.weakToken(minimumLength: 16)) { try AccessPolicy(host: "0.0.0.0", token: "short") }
        #expect(try AccessPolicy(host: "0.0.0.0", token: "a-long-enough-secret").token == "a-long-enough-secret")
        let generated = try AccessPolicy(host: "127.0.0.1", token: nil).token
        #expect(generated.count == 64)
        #expect(generated != (try AccessPolicy(host: "127.0.0.1", token: nil).token))
    }

    @Test(arguments: [("localhost:8080", "localhost"), ("[::1]:80", "::1"), ("127.0.0.1", "127.0.0.1"), ("evil.example:1", "evil.example")])
    func hostNamesOfAuthorities(authority: String, host: String) {
        #expect(AccessPolicy.hostName(ofAuthority: authority) == host)
    }
}
