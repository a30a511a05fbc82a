import CurateTestSupport
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

        let json = try cli.run("mathqa", "report", "--reason", "unknown-op", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let splits = try #require(object["splits"] as? [[String: Any]])
        let devSplit = try #require(splits.first { $0["split"] as? String == "dev" })
        #expect(devSplit["total"] as? Int == 17 && devSplit["kept"] as? Int == 7)
        let drops = try #require(object["drops"] as? [[String: Any]])
        #expect(!drops.isEmpty && drops.allSatisfy { $0["reason"] as? String == "unknown-op" })
    }

    /// The `mathqa` stage feeds validate and a release split by MathQA file, with task_id the record index.
    @Test func pipelineConvertsValidatesAndReleasesBySourceFile() throws {
        let cli = try CLIRunner()
        let raw = cli.workingDirectory.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLIRunner.fixture("mathqa/dev.json"), toPath: raw.appendingPathComponent("dev.json").path)
        let pipeline = """
            pipeline: mq
            dataset: mathqa-python
            stages:
              - stage: mathqa
                files: [raw/dev.json]
                jobs: 1
              - stage: validate
                jobs: 1
              - stage: split
                policy: field
                splits: [train, dev, test]
              - stage: release
                version: 1.0.0
                exclude_flags: [validate/]

            """
        try pipeline.write(
            to: cli.workingDirectory.appendingPathComponent("mq.yaml"), atomically: true, encoding: .utf8)
        let run = try cli.run("run", "mq.yaml")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("compat kept dev 7/17"))
        let folder = cli.workingDirectory.appendingPathComponent("curated/mathqa-python/1.0.0")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
                "README.md", "dev.jsonl", "manifest.json", "report.html",
            ])
        let rows = try String(contentsOf: folder.appendingPathComponent("dev.jsonl"), encoding: .utf8).split(
            separator: "\n")
        #expect(rows.count == 7)
        let first = try #require(JSONSerialization.jsonObject(with: Data(rows[0].utf8)) as? [String: Any])
        #expect(Array(first.keys).sorted() == ["answer", "code", "dsl_code", "reasoning", "task_id", "text"])
        #expect(first["task_id"] is Int)
        let manifest = try String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"path\" : \"raw/dev.json\""), "the MathQA file is a release input")
        let again = try cli.run("run", "mq.yaml", "--json")
        #expect(again.status == 0)
        #expect(!again.stdout.contains("\"ran\""), "an unchanged pipeline skips every stage")
    }

    @Test func reportWithoutConversionSaysWhatToRun() throws {
        let cli = try CLIRunner()
        #expect(try cli.run("ingest", CLIRunner.fixture("ingest/mbpp-small.jsonl")).status == 0)
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
