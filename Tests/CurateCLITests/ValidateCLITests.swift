import Foundation
import Testing

/// `curate validate` end to end: verdicts stored, summary and JSON printed, unchanged tasks reused.
struct ValidateCLITests {
    @Test func validatesIngestedTasksAndReusesVerdicts() throws {
        let cli = try CLIRunner()
        let ingest = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let text = try cli.run("validate", "--dataset", "mbpp", "--timeout", "1", "--jobs", "2")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("validated 5 task(s)"))
        #expect(text.stdout.contains("passed   3"))
        #expect(text.stdout.contains("failed   1"))
        #expect(text.stdout.contains("timeout  1"))
        #expect(text.stdout.contains("mbpp/9001  failed   assert is_not_prime(10) == False"))
        #expect(text.stdout.contains("mbpp/9002  timeout  while True: pass"))

        let json = try cli.run("validate", "--dataset", "mbpp", "--timeout", "1", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["executed"] as? Int == 0)
        #expect(report["reused"] as? Int == 5)
        #expect((report["counts"] as? [String: Int])?["passed"] == 3)

        let list = try cli.run("list", "--dataset", "mbpp")
        #expect(list.stdout.contains("validate/failed"))
    }

    @Test func unknownIdIsAnErrorNamingIt() throws {
        let cli = try CLIRunner()
        _ = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        let result = try cli.run("validate", "--ids", "mbpp/404")
        #expect(result.status != 0)
        #expect(result.stderr.contains("mbpp/404"))
    }
}
