import CurateTestSupport
import Foundation
import Testing

/// `curate report` and the `report.html` a pipeline's release holds, end to end, and in headless Chromium.
struct ReportCommandTests {
    static let hostile = "<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\">"
    /// `curate run`'s small pipeline with a dedup stage, so a duplicate pair reaches the report.
    static let pipeline = PipelineCommandsTests.pipeline.replacingOccurrences(
        of: "  - stage: lint\n", with: "  - stage: lint\n  - stage: dedup\n")

    /// A workspace whose MBPP file's first task has hostile HTML as its text and whose last task copies it (so the
    /// report shows the pair side by side), released by the pipeline above.
    func released() throws -> CLIRunner {
        let cli = try CLIRunner()
        var lines = try String(contentsOfFile: CLIRunner.fixture("ingest/mbpp-small.jsonl"), encoding: .utf8).split(
            separator: "\n"
        ).map(String.init)
        var first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        first["text"] = Self.hostile
        lines[0] = String(
            decoding: try JSONSerialization.data(withJSONObject: first, options: [.sortedKeys]), as: UTF8.self)
        first["task_id"] = 5
        lines[4] = String(
            decoding: try JSONSerialization.data(withJSONObject: first, options: [.sortedKeys]), as: UTF8.self)
        try cli.directory.write(lines.joined(separator: "\n") + "\n", to: "raw/mbpp.jsonl")
        try cli.directory.write(Self.pipeline, to: "small.yaml")
        let run = try cli.run("run", "small.yaml")
        try #require(run.status == 0, "\(run.stderr)")
        return cli
    }

    @Test func reportOfAReleaseIsItsReportAndOfTheStoreDrawsTimes() throws {
        let cli = try released()
        let committed = try Data(
            contentsOf: cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0/report.html"))
        let copy = try cli.run("report", "mbpp@1.0.0", "--output", "copy.html")
        #expect(copy.status == 0 && copy.stdout == "wrote copy.html\n")
        #expect(try Data(contentsOf: cli.workingDirectory.appendingPathComponent("copy.html")) == committed)
        let current = try cli.run("report", "mbpp")
        #expect(current.status == 0 && current.stdout == "wrote mbpp-report.html\n")
        let html = try String(
            contentsOf: cli.workingDirectory.appendingPathComponent("mbpp-report.html"), encoding: .utf8)
        #expect(html.contains("aria-label=\"Execution time distribution\""))
        #expect(html.contains("From <code>mbpp@1.0.0</code> to <code>mbpp@current</code>."))
        let stdout = try cli.run("report", "mbpp@1.0.0", "-o", "-")
        #expect(stdout.stdout == String(decoding: committed, as: UTF8.self))
    }

    @Test func aMissingReleaseIsAnError() throws {
        let cli = try released()
        let result = try cli.run("report", "mbpp@9.9.9")
        #expect(result.status != 0)
        #expect(result.stderr.contains("no release at") && result.stderr.contains("mbpp/9.9.9/report.html"))
    }

    /// Chromium loads the release's report with no console error, draws its SVG charts, and shows the hostile text
    /// as text (no script or img element made from it).
    @Test func rendersInHeadlessChromium() throws {
        let cli = try released()
        let report = cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0/report.html").path
        let screenshot = cli.workingDirectory.appendingPathComponent("report.png").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            CLIRunner.packageRoot.appendingPathComponent("scripts/check_report.py").path, report, screenshot, "6",
            Self.hostile,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        #expect(process.terminationStatus == 0, "\(result)")
        #expect(result["errors"] as? [String] == [])
        #expect((result["charts"] as? Int ?? 0) >= 6)
        #expect(
            result["sections"] as? [String] == [
                "validation", "flags", "splits", "duplicates", "contamination", "lint", "diff",
            ])
        #expect(result["scripts"] as? Int == 0 && result["images"] as? Int == 0)
        #expect(result["shown"] as? Bool == true && result["title"] as? String == "mbpp 1.0.0")
        #expect(FileManager.default.fileExists(atPath: screenshot))
    }
}
