import CurateTestSupport
import Foundation
import Testing

/// `curate ingest`, `list`, `show`, `stats` end to end through the built binary.
struct LookingCommandsTests {
    @Test func ingestListShowStats() throws {
        let cli = try CLIRunner()
        let ingest = try cli.run(
            "ingest", CLIRunner.fixture("ingest/mbpp-small.jsonl"), CLIRunner.fixture("ingest/crowd.csv"))
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(
            FileManager.default.fileExists(
                atPath: cli.workingDirectory.appendingPathComponent(".curate/store.sqlite").path))

        let list = try cli.run("list", "--dataset", "mbpp", "--json")
        let tasks = try #require(JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(tasks.map { $0["id"] as? String } == ["mbpp/1", "mbpp/2", "mbpp/3", "mbpp/4", "mbpp/5"])

        let show = try cli.run("show", "crowd/c2")
        #expect(show.status == 0)
        #expect(show.stdout.contains("revision 1"))
        #expect(show.stdout.contains("entry point: fib"))
        #expect(show.stdout.contains("crowd.csv line 6"))

        let stats = try cli.run("stats", "--json")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["dataset"] as? String } == ["crowd", "mbpp"])
        #expect(rows.map { $0["tasks"] as? Int } == [2, 5])
    }

    @Test func reingestOfAnEditedFileAddsARevision() throws {
        let cli = try CLIRunner()
        try cli.run("ingest", "--store", "s.sqlite", CLIRunner.fixture("ingest/mbpp-small.jsonl"))
        let again = try cli.run(
            "ingest", "--store", "s.sqlite", "--json", CLIRunner.fixture("ingest/mbpp-small-edited.jsonl"))
        let report = try #require(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let file = try #require((report["files"] as? [[String: Any]])?.first)
        #expect(file["newRevisions"] as? Int == 1)
        #expect(file["unchanged"] as? Int == 4)
        let show = try cli.run("show", "--store", "s.sqlite", "mbpp/2")
        #expect(show.stdout.contains("revision 2"))
    }

    @Test func malformedInputExitsNonZeroWithLocatedErrors() throws {
        let cli = try CLIRunner()
        let result = try cli.run(
            "ingest", CLIRunner.fixture("ingest/mbpp-bad.jsonl"), CLIRunner.fixture("ingest/broken.xml"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("mbpp-bad.jsonl: line 3: error: invalid JSON"))
        #expect(result.stderr.contains("mbpp-bad.jsonl: line 4: error: missing field 'test_list'"))
        #expect(result.stderr.contains("broken.xml: line "))
        let stats = try cli.run("stats", "--json")
        #expect(stats.stdout.contains("\"tasks\" : 3"))
    }

    @Test func unknownTaskIsAClearError() throws {
        let cli = try CLIRunner()
        try cli.run("ingest", CLIRunner.fixture("ingest/crowd.csv"))
        let result = try cli.run("show", "mbpp/999")
        #expect(result.status != 0)
        #expect(result.stderr.contains("no task 'mbpp/999' in the store"))
    }
}
