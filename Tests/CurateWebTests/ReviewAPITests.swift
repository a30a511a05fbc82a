import CurateCore
import Foundation
import Testing

@testable import CurateWeb

/// The JSON API end to end: a real store, a real sandbox pool, HTTP requests.
struct ReviewAPITests {
    /// `POST …/revisions` body that changes mbpp/2's description on top of `base`.
    static func describeEdit(
        _ base: String, editor: String = "ada", text: String = "Find the shared elements of two tuples."
    ) -> [String: Any] {
        ["baseHash": base, "content": ["description": text], "editor": editor, "reason": "clearer wording"]
    }

    static func currentHash(_ server: ServerHarness, _ id: String = "mbpp/2") throws -> String {
        try server.desk.task(id).currentHash
    }

    static func logLines(_ server: ServerHarness, _ dataset: String = "mbpp") -> [String] {
        let path = server.directory.appendingPathComponent("edits/\(dataset).jsonl").path
        return ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func saveRevalidatesAndRecordsAnEditorRevision() async throws {
        try await ServerHarness.with(sandbox: true) { server in
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/revisions", json: Self.describeEdit(try Self.currentHash(server)))
            #expect(reply.status == 201, "\(reply.errorMessage)")
            let revision = try #require(reply.json["revision"] as? [String: Any])
            #expect(revision["number"] as? Int == 2)
            #expect(revision["origin"] as? String == "editor")
            #expect(revision["editor"] as? String == "ada")
            let verdict = try #require(reply.json["verdict"] as? [String: Any])
            #expect(verdict["passed"] as? Bool == true)
            #expect((verdict["asserts"] as? [[String: Any]])?.count == 3)

            let task = try await server.send("GET", "/api/tasks/mbpp/2").json
            #expect((task["revisions"] as? [Any])?.count == 2)
            #expect(
                ((task["verdict"] as? [String: Any])?["asserts"] as? [[String: Any]])?.allSatisfy {
                    $0["passed"] as? Bool == true
                } == true)
            #expect((task["audit"] as? [[String: Any]])?.first?["reason"] as? String == "clearer wording")
            #expect(Self.logLines(server).count == 1)
        }
    }

    @Test func aStaleBaseIsAConflictCarryingTheCurrentHashAndNothingIsOverwritten() async throws {
        try await ServerHarness.with(sandbox: true) { server in
            let base = try Self.currentHash(server)
            let first = try await server.send(
                "POST", "/api/tasks/mbpp/2/revisions", json: Self.describeEdit(base, editor: "ada"))
            #expect(first.status == 201)
            let second = try await server.send(
                "POST", "/api/tasks/mbpp/2/revisions",
                json: Self.describeEdit(base, editor: "grace", text: "Grace's wording."))
            #expect(second.status == 409)
            #expect(second.errorCode == "conflict")
            let details = try #require(second.json["error"] as? [String: Any])
            #expect(details["currentHash"] as? String == (try Self.currentHash(server)))
            #expect(details["baseHash"] as? String == base)
            let task = try server.desk.task("mbpp/2")
            #expect(task.revisions.count == 2)
            #expect(task.revisions.last?.content.description == "Find the shared elements of two tuples.")
            #expect(Self.logLines(server).count == 1)

            let onTop = try await server.send(
                "POST", "/api/tasks/mbpp/2/revisions",
                json: Self.describeEdit(
                    try #require(details["currentHash"] as? String), editor: "grace", text: "Grace's wording."))
            #expect(onTop.status == 201)
            #expect(try server.desk.task("mbpp/2").revisions.count == 3)
        }
    }

    @Test func aFailingRevisionIsRefusedWithItsVerdictUnlessAllowed() async throws {
        try await ServerHarness.with(sandbox: true) { server in
            let base = try Self.currentHash(server)
            var body: [String: Any] = [
                "baseHash": base, "content": ["tests": ["assert similar_elements((1,), (1,)) == (2,)"]],
                "editor": "ada", "reason": "try",
            ]
            let refused = try await server.send("POST", "/api/tasks/mbpp/2/revisions", json: body)
            #expect(refused.status == 422)
            #expect(refused.errorCode == "failing-revision")
            let verdict = try #require((refused.json["error"] as? [String: Any])?["verdict"] as? [String: Any])
            #expect(verdict["passed"] as? Bool == false)
            #expect((verdict["asserts"] as? [[String: Any]])?.first?["outcome"] as? String == "AssertionError")
            #expect(try server.desk.task("mbpp/2").revisions.count == 1)
            #expect(Self.logLines(server).isEmpty)

            body["allowFailing"] = true
            let allowed = try await server.send("POST", "/api/tasks/mbpp/2/revisions", json: body)
            #expect(allowed.status == 201)
            #expect((allowed.json["verdict"] as? [String: Any])?["passed"] as? Bool == false)
        }
    }

    @Test func previewRunsTheTestsAndRecordsNothing() async throws {
        try await ServerHarness.with(sandbox: true) { server in
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/3/preview", json: ["content": ["tests": ["assert is_not_prime(2) == True"]]])
            #expect(reply.status == 200)
            #expect(reply.json["passed"] as? Bool == false)
            #expect(try server.desk.task("mbpp/3").revisions.count == 1)
            #expect(try server.desk.auditLog().isEmpty)
        }
    }

    /// Requests the server must refuse with a clear 4xx, writing nothing.
    @Test(arguments: [
        ("not json at all", "malformed-body", 400, "not valid JSON"),
        (
            #"{"content": {"description": "x"}, "editor": "ada", "reason": "r"}"#, "malformed-body", 400,
            "missing field 'baseHash'"
        ),
        (
            #"{"baseHash": "BASE", "content": {"tests": "one string"}, "editor": "ada", "reason": "r"}"#,
            "malformed-body", 400, "'content.tests' must be an array"
        ),
        (
            #"{"baseHash": "BASE", "content": {"description": "x"}, "editor": " ", "reason": "r"}"#, "missing-editor",
            400, "editor"
        ),
        (
            #"{"baseHash": "BASE", "content": {"description": "x"}, "editor": "ada", "reason": ""}"#, "missing-reason",
            400, "reason"
        ),
        (#"{"baseHash": "BASE", "content": {}, "editor": "ada", "reason": "r"}"#, "no-changes", 422, "nothing changed"),
        ("", "malformed-body", 400, "no body"),
    ])
    func badSaveBodiesAreClearErrors(body: String, code: String, status: Int, message: String) async throws {
        try await ServerHarness.with(sandbox: true) { server in
            let text = body.replacingOccurrences(of: "BASE", with: try Self.currentHash(server))
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/revisions", body: Data(text.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(reply.status == status)
            #expect(reply.errorCode == code)
            #expect(reply.errorMessage.contains(message), "\(reply.errorMessage)")
            #expect(try server.desk.task("mbpp/2").revisions.count == 1)
            #expect(Self.logLines(server).isEmpty)
        }
    }

    @Test func oversizedBodiesAreRefusedBeforeAnythingIsWritten() async throws {
        try await ServerHarness.with(sandbox: true) { server in
            let huge = String(repeating: "x", count: APIError.maximumBodyBytes + 1)
            let reply = try await server.send(
                "POST", "/api/tasks/mbpp/2/revisions", json: Self.describeEdit(try Self.currentHash(server), text: huge)
            )
            #expect(reply.status == 413)
            #expect(reply.errorCode == "body-too-large")
            #expect(try server.desk.task("mbpp/2").revisions.count == 1)
        }
    }

    @Test(arguments: [
        ("GET", "/api/tasks/mbpp/9999"), ("POST", "/api/tasks/mbpp/9999/status"),
        ("POST", "/api/tasks/nope/1/revisions"),
    ])
    func unknownTasksAre404(method: String, path: String) async throws {
        try await ServerHarness.with { server in
            let reply = try await server.send(
                method, path,
                json: method == "GET"
                    ? nil
                    : [
                        "status": "approved", "editor": "a", "reason": "r", "baseHash": "x",
                        "content": ["description": "d"],
                    ])
            #expect(reply.status == 404)
            #expect(reply.errorCode == "unknown-task")
            #expect(reply.errorMessage.contains("no task '"))
        }
    }

    @Test func statusesCountInTheQueueAndTheAuditLog() async throws {
        try await ServerHarness.with { server in
            let approve = try await server.send(
                "POST", "/api/tasks/mbpp/3/status",
                json: ["status": "approved", "editor": "ada", "reason": "tests match"])
            #expect(approve.status == 201)
            let exclude = try await server.send(
                "POST", "/api/tasks/mbpp/4/status",
                json: ["status": "excluded", "editor": "grace", "reason": "duplicate"])
            #expect(exclude.status == 201)
            let bad = try await server.send(
                "POST", "/api/tasks/mbpp/4/status", json: ["status": "fine", "editor": "grace", "reason": "x"])
            #expect(bad.status == 400)
            #expect(bad.errorCode == "bad-status")

            let queue = try await server.send("GET", "/api/queue?dataset=mbpp").json
            #expect(queue["reviewed"] as? Int == 2)
            #expect(queue["remaining"] as? Int == 3)
            let approved = try await server.send("GET", "/api/queue?status=approved").json
            #expect((approved["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["mbpp/3"])
            let byGrace = try await server.send("GET", "/api/queue?editor=grace").json
            #expect((byGrace["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["mbpp/4"])
            #expect(byGrace["editors"] as? [String] == ["ada", "grace"])

            let audit = try await server.send("GET", "/api/audit?limit=1").json
            let entries = try #require(audit["entries"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["task"] as? String == "mbpp/4")
            #expect(entries.first?["summary"] as? String == "excluded")
        }
    }

    @Test func flagsAreRaisedDismissedAndReinstatedOnTheirOwnTask() async throws {
        try await ServerHarness.with { server in
            let raised = try await server.send(
                "POST", "/api/tasks/mbpp/5/flags",
                json: ["code": "editor/ambiguous-description", "message": "which tiling?", "editor": "ada"])
            #expect(raised.status == 201)
            let badCode = try await server.send(
                "POST", "/api/tasks/mbpp/5/flags", json: ["code": "ambiguous", "message": "m", "editor": "ada"])
            #expect(badCode.errorCode == "bad-flag-code")
            let flag = try #require(
                try server.desk.task("mbpp/5").flags.first { $0.code == "editor/ambiguous-description" })
            let elsewhere = try await server.send(
                "POST", "/api/tasks/mbpp/1/flags/\(flag.id)/dismiss", json: ["editor": "ada", "reason": "r"])
            #expect(elsewhere.status == 404)
            #expect(elsewhere.errorCode == "unknown-flag")
            let dismissed = try await server.send(
                "POST", "/api/tasks/mbpp/5/flags/\(flag.id)/dismiss",
                json: ["editor": "grace", "reason": "clear enough"])
            #expect(dismissed.status == 201)
            #expect(try server.desk.task("mbpp/5").flags.first { $0.id == flag.id }?.dismissed == true)
            let reinstated = try await server.send(
                "POST", "/api/tasks/mbpp/5/flags/\(flag.id)/reinstate", json: ["editor": "ada", "reason": "it is not"])
            #expect(reinstated.status == 201)
            #expect(try server.desk.task("mbpp/5").flags.first { $0.id == flag.id }?.dismissed == false)
            let queue = try await server.send("GET", "/api/queue?flag=editor/").json
            #expect((queue["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["mbpp/5"])
        }
    }

    @Test func sourceIdsWithSlashesArePercentEncoded() async throws {
        try await ServerHarness.with(fixture: "ingest/humaneval-small.jsonl") { server in
            let reply = try await server.send("GET", "/api/tasks/humaneval/HumanEval%2F1")
            #expect(reply.status == 200)
            #expect(reply.json["id"] as? String == "humaneval/HumanEval/1")
        }
    }
}
