import CurateTestSupport
import Foundation
import Testing

/// `curate split`, `release`, `diff` and `run` end to end through the built binary.
struct PipelineCommandsTests {
    static let pipeline = """
        pipeline: small
        dataset: mbpp
        stages:
          - stage: ingest
            files: [raw/mbpp.jsonl]
          - stage: lint
          - stage: split
            policy: ranges
            ranges:
              prompt: [1, 1]
              test: [2, 3]
              train: [4, 5]
          - stage: release
            version: 1.0.0
            allow_unvalidated: true

        """

    func workspace() throws -> CLIRunner {
        let cli = try CLIRunner()
        let raw = cli.workingDirectory.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLIRunner.fixture("ingest/mbpp-small.jsonl"), toPath: raw.appendingPathComponent("mbpp.jsonl").path)
        try Self.pipeline.write(
            to: cli.workingDirectory.appendingPathComponent("small.yaml"), atomically: true, encoding: .utf8)
        return cli
    }

    func releaseFiles(_ cli: CLIRunner) throws -> [String: Data] {
        let folder = cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    @Test func runTwiceSkipsEveryUnchangedStage() throws {
        let cli = try workspace()
        let first = try cli.run("run", "small.yaml", "--json")
        #expect(first.status == 0, "\(first.stderr)")
        let second = try cli.run("run", "small.yaml", "--json")
        let stages = try #require(JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [[String: Any]])
        #expect(stages.map { $0["status"] as? String } == ["skipped", "skipped", "skipped", "skipped"])
        #expect(
            try releaseFiles(cli).keys.sorted() == [
                "README.md", "manifest.json", "prompt.jsonl", "report.html", "test.jsonl", "train.jsonl",
            ])
    }

    @Test(arguments: ["stage-finished:2", "release-file:2"])
    func resumeAfterKillGivesTheSameRelease(fault: String) throws {
        let reference = try workspace()
        #expect(try reference.run("run", "small.yaml").status == 0)
        let cli = try workspace()
        let killed = try cli.run(["run", "small.yaml"], environment: ["CURATE_FAULT": fault])
        #expect(killed.status == SIGKILL, "the run was killed with SIGKILL")
        #expect(
            !FileManager.default.fileExists(
                atPath: cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0").path), "no half release")
        let resumed = try cli.run("run", "small.yaml", "--json")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try releaseFiles(cli) == releaseFiles(reference))
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: cli.workingDirectory.appendingPathComponent("curated/mbpp").path)
        #expect(leftovers == ["1.0.0"])
        let stats = try cli.run("stats", "--json")
        #expect(stats.stdout.contains("\"revisions\" : 5"), "nothing duplicated")
    }

    /// A run killed inside the release stage leaves its stage run `running`; the next run says so and marks it.
    @Test func nextRunReportsTheStageRunAKilledRunLeftRunning() throws {
        let cli = try workspace()
        let killed = try cli.run(["run", "small.yaml"], environment: ["CURATE_FAULT": "release-file:2"])
        #expect(killed.status == SIGKILL, "the run was killed with SIGKILL")
        let resumed = try cli.run("run", "small.yaml")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(
            resumed.stderr.contains(
                "Found 1 stage run left running by an interrupted run (3:release); marked abandoned."),
            "\(resumed.stderr)")
        let again = try cli.run("run", "small.yaml")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("left running"), "\(again.stderr)")
    }

    @Test func releaseIsImmutableAndDiffExplainsChanges() throws {
        let cli = try workspace()
        #expect(try cli.run("ingest", "raw/mbpp.jsonl").status == 0)
        let split = try cli.run("split", "mbpp", "--range", "prompt=1-1", "--range", "test=2-3", "--range", "train=4-5")
        #expect(split.stdout.contains("test    2"))
        let args = ["--range", "prompt=1-1", "--range", "test=2-3", "--range", "train=4-5", "--allow-unvalidated"]
        #expect(try cli.run(["release", "mbpp", "--version", "1.0.0"] + args).status == 0)
        #expect(try cli.run("ingest", CLIRunner.fixture("ingest/mbpp-small-edited.jsonl")).status == 0)
        let again = try cli.run(["release", "mbpp", "--version", "1.0.0"] + args)
        #expect(again.status != 0)
        #expect(again.stderr.contains("Releases are immutable"))
        #expect(try cli.run(["release", "mbpp", "--version", "1.1.0"] + args).status == 0)
        let diff = try cli.run("diff", "mbpp@1.0.0", "mbpp@1.1.0")
        #expect(diff.stdout.contains("0 added, 0 removed, 1 changed, 0 moved"))
        #expect(diff.stdout.contains("~ mbpp/2 fields text: revision 1 → 2 by ingest"))
    }

    @Test func invalidPipelineIsReportedWithFileAndLine() throws {
        let cli = try workspace()
        try "pipeline: x\ndataset: d\nstages:\n  - stage: sort\n".write(
            to: cli.workingDirectory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try cli.run("run", "bad.yaml")
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "bad.yaml:4: unknown stage 'sort'; valid stages: ingest, edits, mathqa, lint, validate, stability, ambiguity, tests-generate, tests-mutate, dedup, contamination, split, release"
            ))
    }
}

/// A pipeline with every stage, on fixtures, through the built binary.
struct FullPipelineTests {
    @Test func everyStageRunsAndFlagsReachTheRelease() throws {
        let cli = try CLIRunner()
        let raw = cli.workingDirectory.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLIRunner.fixture("ingest/mbpp-small.jsonl"), toPath: raw.appendingPathComponent("mbpp.jsonl").path)
        let corpus = CLIRunner.fixture("contamination/corpus")
        try """
        pipeline: full
        dataset: mbpp
        stages:
          - stage: ingest
            files: [raw/mbpp.jsonl]
          - stage: lint
          - stage: validate
            timeout: 10
          - stage: stability
            runs: 3
          - stage: dedup
          - stage: contamination
            corpus: [\(corpus)]
          - stage: split
            policy: ranges
            ranges: {prompt: [1, 1], test: [2, 3], train: [4, 5]}
          - stage: release
            version: 1.0.0
            exclude_flags: [validate/, nondeterministic, contaminated*]

        """.write(to: cli.workingDirectory.appendingPathComponent("full.yaml"), atomically: true, encoding: .utf8)
        let run = try cli.run("run", "full.yaml", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let stages = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(
            stages.map { $0["stage"] as? String } == [
                "ingest", "lint", "validate", "stability", "dedup", "contamination", "split", "release",
            ])
        let validate = try #require(stages[2]["report"] as? [String: Any])
        #expect(validate["kept"] as? Int == 5)
        let contamination = try #require(stages[5]["report"] as? [String: Any])
        let flagged = try #require(contamination["flagged"] as? [String: Int])
        #expect(
            flagged["contaminated:ngram"] == 2 && flagged["contaminated:lines"] == 2,
            "the planted copies of mbpp/3 and mbpp/4")
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0/manifest.json")))
            as? [String: Any]
        let excluded = (manifest?["exclusions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(excluded == ["mbpp/3", "mbpp/4"])
        let show = try cli.run("show", "mbpp/2")
        #expect(show.stdout.contains("verdict: passed"))
        #expect(show.stdout.contains("passed       assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)"))
    }

    @Test func humanEvalIngestsFromTheGzippedWheelData() throws {
        let cli = try CLIRunner()
        let data = CLIRunner.packageRoot.appendingPathComponent("raw/humaneval/HumanEval.jsonl.gz").path
        let result = try cli.run("ingest", data, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let stats = try cli.run("stats", "--json")
        #expect(stats.stdout.contains("\"dataset\" : \"humaneval\""))
        #expect(stats.stdout.contains("\"tasks\" : 164"))
    }
}
