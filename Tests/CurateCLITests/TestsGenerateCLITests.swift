import CurateCore
import CurateTestSupport
import Foundation
import Testing

/// `curate tests generate` end to end on real MBPP tasks: report, stored tests, a run that generates nothing.
struct TestsGenerateCLITests {
    @Test func generatesPlusTestsForRealMBPPTasks() throws {
        let cli = try CLIRunner()
        let ingest = try cli.run("ingest", CLIRunner.fixture("testgen/mbpp-plus.jsonl"))
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let text = try cli.run("tests", "generate", "--dataset", "mbpp", "--jobs", "2", "--per-task", "10")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("generated tests for 3 of 4 task(s)"), "\(text.stdout)")
        #expect(text.stdout.contains("tests per task: median 10, min 10, max 10"), "\(text.stdout)")
        #expect(text.stdout.contains("mbpp/367  arguments-not-plain"))

        let json = try cli.run("tests", "generate", "--dataset", "mbpp", "--jobs", "2", "--per-task", "10", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONDecoder().decode(TestGenerationReport.self, from: Data(json.stdout.utf8))
        #expect(report.tasks == 4 && report.tasksWithTests == 3 && report.kept == 30 && report.seed == 1)
        #expect(report.capturedInputs == 9, "three distinct calls in each of the three replayable tasks")
        #expect(report.tasksWithout.map(\.taskID) == ["mbpp/367"])
        #expect(report.candidates > 30 && report.candidates <= 3 * 120)
        #expect(report.kept + report.overCap + report.discarded.values.reduce(0, +) == report.candidates)
    }

    @Test func aRunThatGeneratesNothingFails() throws {
        let cli = try CLIRunner()
        _ = try cli.run("ingest", CLIRunner.fixture("testgen/mbpp-plus.jsonl"))
        let result = try cli.run("tests", "generate", "--ids", "mbpp/367", "--jobs", "1")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: no generated test for any of 1 task(s)"))
        #expect(result.stdout.contains("arguments-not-plain"))
    }

    @Test(arguments: [
        (["--per-task", "0"], "--per-task must be at least 1 (got 0)"),
        (["--runs", "1"], "--runs must be at least 2 (got 1)"),
        (["--input-timeout", "0"], "--input-timeout must be a finite number greater than 0 (got 0.0)"),
    ])
    func flagsOutOfRangeAreRefused(_ flags: [String], _ message: String) throws {
        let result = try CLIRunner().run(["tests", "generate"] + flags)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
