import CurateTestSupport
import Foundation
import Testing

/// `curate review serve` as a user starts it: the printed URL carries the token, and exposing the server needs one.
struct ServeCommandTests {
    @Test func printsAURLWithTheTokenThatThePageAndAPIAccept() async throws {
        try await ReviewProcess.withServer(ingesting: Fixtures.path("ingest/mbpp-small.jsonl")) { url in
            let components = try #require(URLComponents(string: url))
            #expect(components.host == "127.0.0.1")
            let token = try #require(components.queryItems?.first { $0.name == "token" }?.value)
            #expect(token.count == 64)
            #expect(
                try await ReviewProcess.status("http://127.0.0.1:\(components.port!)/api/tasks/mbpp/1", token: token)
                    == 200)
        }
    }

    @Test(arguments: [
        (["--host", "0.0.0.0"], "pass --token TOKEN"),
        (["--host", "0.0.0.0", "--token", "short"], "at least 16 characters"),
        (["--port", "70000"], "not a TCP port"),
    ])
    func refusesToStartUnsafely(arguments: [String], message: String) throws {
        let directory = try TemporaryDirectory("serve")
        let result = try ReviewProcess.capture(
            ReviewProcess.binary, ["review", "serve"] + arguments, in: directory.url)
        #expect(result.status != 0)
        #expect(result.output.contains(message), "\(result.output)")
        #expect(!result.output.contains("Open in a browser"))
    }

    @Test func anotherAddressServesWithAnExplicitToken() async throws {
        let token = "an-explicit-token-of-32-characters"
        try await ReviewProcess.withServer(
            ingesting: Fixtures.path("ingest/mbpp-small.jsonl"),
            extraArguments: ["--host", "0.0.0.0", "--token", token]
        ) { url in
            #expect(url.contains("token=\(token)"))
            let port = try #require(URLComponents(string: url)?.port)
            #expect(try await ReviewProcess.status("http://127.0.0.1:\(port)/api/info") == 401)
            #expect(try await ReviewProcess.status("http://127.0.0.1:\(port)/api/info", token: token) == 200)
        }
    }
}

/// Contamination evidence on the task page: the corpus text around the match, read back from the corpus file.
struct CorpusContextTests {
    /// Context of the first evidence item of `code` on `task`, as the API answers it.
    static func contexts(_ url: String, task: String, code: String) async throws -> [[String: String]] {
        let components = try #require(URLComponents(string: url))
        let token = try #require(components.queryItems?.first { $0.name == "token" }?.value)
        let reply = try await ReviewProcess.get("http://127.0.0.1:\(components.port!)/api/tasks/\(task)", token: token)
        let json = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
        let flag = try #require((json["flags"] as? [[String: Any]])?.first { $0["code"] as? String == code })
        return (flag["evidence"] as? [[String: Any]] ?? []).compactMap { $0["context"] as? [String: String] }
    }

    @Test func plainAndJSONLCorpusFilesGiveTheTextAroundTheMatch() async throws {
        let corpus = Fixtures.path("contamination/corpus")
        try await ReviewProcess.withServer(
            ingesting: Fixtures.path("contamination/mbpp-sample.jsonl"), prepare: [["contamination", "run", corpus]]
        ) { url in
            let plain = try #require(try await Self.contexts(url, task: "mbpp/11", code: "contaminated:lines").first)
            #expect(plain["match"] == "def remove_Occ(s,ch):")
            #expect(!(plain["after"] ?? "").isEmpty)
            let compressed = try await Self.contexts(url, task: "mbpp/12", code: "contaminated:lines")
            #expect(compressed.isEmpty, "a .zst corpus file keeps only the recorded match")
        }
    }

    @Test func aJSONLRecordGivesTheTextAroundTheMatchInsideIt() async throws {
        try await ReviewProcess.withServer(
            ingesting: Fixtures.path("contamination/mbpp-sample.jsonl"),
            prepare: [["contamination", "run", Fixtures.path("review/forum.jsonl")]]
        ) { url in
            let context = try #require(try await Self.contexts(url, task: "mbpp/11", code: "contaminated:lines").first)
            #expect(context["match"] == "def remove_Occ(s,ch):")
            #expect(context["before"]?.hasSuffix("My attempt so far:\n\n") == true)
            #expect(context["after"]?.contains("It works for hello") == true)
        }
    }
}
