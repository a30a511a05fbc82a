import Foundation
import Testing

@Suite struct MathQACLITests {
    @Test func convertThenReportCountsAndListsDrops() throws {
        let cli = try CLIRunner()
        let fixture = CLIRunner.fixture("mathqa/dev.json")
        let converted = try cli.run("mathqa", "convert", "--jobs", "1", fixture)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stdout.contains("mathqa-python: 7 new tasks"))
        let extended = try cli.run("mathqa", "convert", "--extended", "--jobs", "1", fixture)
        #expect(extended.status == 0, "\(extended.stderr)")
        #expect(extended.stdout.contains("option-ratio"))
        #expect(extended.stdout.contains("mathqa-python-extended: 11 new tasks"))
        let report = try cli.run("mathqa", "report", "--reason", "unknown-op")
        #expect(report.status == 0)
        let lines = report.stdout.split(separator: "\n").map(String.init)
        let dev = try #require(lines.first { $0.hasPrefix("dev ") })
        #expect(dev.split(separator: " ", omittingEmptySubsequences: true).prefix(5) == ["dev", "17", "7", "0", "10"])
        #expect(report.stdout.contains("step 0 (char 0)"))
        #expect(report.stdout.contains("unknown operation \"surface_cylinder\""))
        let extendedReport = try cli.run("mathqa", "report", "--extended")
        #expect(extendedReport.stdout.contains("unimplemented-op:min"))
    }

    @Test func reportWithoutConversionSaysWhatToRun() throws {
        let cli = try CLIRunner()
        let report = try cli.run("mathqa", "report")
        #expect(report.status == 1)
        #expect(report.stderr.contains("curate mathqa convert"))
    }

    @Test func missingFileIsNamed() throws {
        let cli = try CLIRunner()
        let result = try cli.run("mathqa", "convert", "nowhere/dev.json")
        #expect(result.status != 0)
        #expect(result.stderr.contains("\"nowhere/dev.json\""))
    }
}
