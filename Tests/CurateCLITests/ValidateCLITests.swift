import CurateTestSupport
import Foundation
import Testing

/// `curate validate` end to end: verdicts stored, summary and JSON printed, unchanged tasks reused.
struct ValidateCLITests {
    @Test func validatesIngestedTasksAndReusesVerdicts() throws {
        let cli = try CLIRunner()
        let ingest = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let text = try cli.run("validate", "--dataset", "mbpp", "--timeout", "1", "--jobs", "2")
        #expect(text.status == 1, "failing tasks fail the command")
        #expect(
            text.stderr
                == "error: 2 of 5 task(s) did not pass validation (1 failed, 1 timeout); pass --allow-failures to exit 0 anyway.\n"
        )
        #expect(text.stdout.contains("validated 5 task(s)"))
        #expect(text.stdout.contains("passed   3"))
        #expect(text.stdout.contains("failed   1"))
        #expect(text.stdout.contains("timeout  1"))
        #expect(text.stdout.contains("mbpp/9001  failed   assert is_not_prime(10) == False"))
        #expect(text.stdout.contains("mbpp/9002  timeout  while True: pass"))

        let json = try cli.run("validate", "--dataset", "mbpp", "--timeout", "1", "--json", "--allow-failures")
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["executed"] as? Int == 0)
        #expect(report["reused"] as? Int == 5)
        #expect((report["counts"] as? [String: Int])?["passed"] == 3)

        let list = try cli.run("list", "--dataset", "mbpp")
        #expect(list.stdout.contains("validate/failed"))
    }

    /// A kill -9 while `validate` records (the fault hook sits just before its one transaction) leaves no verdict
    /// without its flags: the next run finds nothing to reuse, runs everything and flags the failing tasks.
    @Test func aKillWhileRecordingLeavesNoVerdictWithoutItsFlags() throws {
        let cli = try CLIRunner()
        _ = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        let killed = try cli.run(
            ["validate", "--dataset", "mbpp", "--timeout", "1"], environment: ["CURATE_FAULT": "validate-record:1"])
        #expect(killed.status != 0)
        let again = try cli.run("validate", "--dataset", "mbpp", "--timeout", "1", "--json", "--allow-failures")
        #expect(again.status == 0, "\(again.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(report["reused"] as? Int == 0)
        #expect(report["executed"] as? Int == 5)
        let list = try cli.run("list", "--dataset", "mbpp")
        #expect(list.stdout.contains("validate/failed"))
        #expect(list.stdout.contains("validate/timeout"))
    }

    @Test func benchValidateMeasuresEveryRoundAndReportsTheMedian() throws {
        let cli = try CLIRunner()
        let result = try cli.run(
            "bench", "validate", "--jobs", "2", "--rounds", "3", "--mbpp", CLIRunner.fixture("ingest/mbpp-small.jsonl"),
            "--humaneval", CLIRunner.fixture("ingest/humaneval-small.jsonl"), "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for name in ["mbpp", "humanEval"] {
            let dataset = try #require(report[name] as? [String: Any], "\(name) missing")
            let rounds = try #require(dataset["roundWallSeconds"] as? [Double])
            #expect(rounds.count == 3)
            let median = rounds.sorted()[1]
            #expect(abs((dataset["wallSeconds"] as? Double ?? -1) - median) < 1e-9)
            #expect((dataset["counts"] as? [String: Int])?["passed"] == dataset["tasks"] as? Int)
        }
        let zero = try cli.run("bench", "validate", "--rounds", "0")
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--rounds must be at least 1"))
    }

    @Test func unknownIdIsAnErrorNamingIt() throws {
        let cli = try CLIRunner()
        _ = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        let result = try cli.run("validate", "--ids", "mbpp/404")
        #expect(result.status != 0)
        #expect(result.stderr.contains("mbpp/404"))
    }
}
