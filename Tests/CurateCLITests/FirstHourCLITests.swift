import CurateTestSupport
import Foundation
import Testing

/// What a new user meets first, through the built binary: no silent store creation, honest exit codes, safe release
/// defaults, path-safe names, terminal-safe output and readable errors.
struct FirstHourCLITests {
    /// A workspace with the five-task execution sample (3 pass, 1 fails, 1 loops) ingested as `mbpp`.
    func sample() throws -> CLIRunner {
        let cli = try CLIRunner()
        let ingest = try cli.run("ingest", CLIRunner.fixture("execution/mbpp-sample.jsonl"), "--dataset", "mbpp")
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return cli
    }

    @Test(arguments: [
        ["list"], ["show", "mbpp/1"], ["stats"], ["split", "mbpp"], ["release", "mbpp", "--version", "1.0.0"],
    ])
    func readingCommandsDoNotCreateAStore(arguments: [String]) throws {
        let cli = try CLIRunner()
        let result = try cli.run(arguments)
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix("Error: no task store at '.curate/store.sqlite'. Create one by ingesting tasks"))
        #expect(!FileManager.default.fileExists(atPath: cli.workingDirectory.appendingPathComponent(".curate").path))
    }

    @Test func listOfAnUnknownDatasetFails() throws {
        let cli = try sample()
        let result = try cli.run("list", "--dataset", "nosuch")
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "Error: no dataset 'nosuch' in the store (it has: mbpp). Check --dataset against `curate stats`.\n")
    }

    @Test func ambiguityWithNoMatchingSampleFailsAndRecordsNothing() throws {
        let cli = try sample()
        let samples = cli.workingDirectory.appendingPathComponent("samples.jsonl")
        try "{\"task_id\": \"other/1\", \"completion\": \"def f(): pass\"}\n".write(
            to: samples, atomically: true, encoding: .utf8)
        let result = try cli.run("ambiguity", "--samples", samples.path, "--jobs", "1")
        #expect(result.status == 1)
        #expect(result.stderr.contains("none of the 1 sample(s) in '\(samples.path)' matched a task"))
    }

    @Test func releaseRefusesUnvalidatedTasksAndExcludesFailuresByDefault() throws {
        let cli = try sample()
        let unvalidated = try cli.run("release", "mbpp", "--version", "1.0.0", "--policy", "hash")
        #expect(unvalidated.status == 1)
        #expect(unvalidated.stderr.contains("5 task(s) of 'mbpp' have no validation verdict for their newest revision"))
        #expect(unvalidated.stderr.contains("--allow-unvalidated"))
        #expect(!FileManager.default.fileExists(atPath: cli.workingDirectory.appendingPathComponent("curated").path))

        let validate = try cli.run("validate", "--timeout", "1", "--jobs", "2", "--allow-failures")
        #expect(validate.status == 0, "--allow-failures accepts failing tasks")
        let release = try cli.run("release", "mbpp", "--version", "1.0.0", "--policy", "hash", "--json")
        #expect(release.status == 0, "\(release.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(release.stdout.utf8)) as? [String: Any])
        let excluded = (outcome["exclusions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(excluded == ["mbpp/9001", "mbpp/9002"])
        let card = try String(
            contentsOf: cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0/README.md"), encoding: .utf8)
        #expect(card.contains("Excluded: 2 task(s) (flags validate/, nondeterministic)."))

        let everything = try cli.run(
            "release", "mbpp", "--version", "1.0.1", "--policy", "hash", "--no-default-exclusions", "--json")
        #expect(everything.status == 0, "\(everything.stderr)")
        #expect(everything.stdout.contains("\"kept\" : 5"))
    }

    @Test func allowUnvalidatedReleasesUncheckedTasks() throws {
        let cli = try sample()
        let release = try cli.run(
            "release", "mbpp", "--version", "0.1.0-rc.1", "--policy", "hash", "--allow-unvalidated")
        #expect(release.status == 0, "\(release.stderr)")
        #expect(
            FileManager.default.fileExists(
                atPath: cli.workingDirectory.appendingPathComponent("curated/mbpp/0.1.0-rc.1/manifest.json").path))
    }

    @Test(arguments: [
        (
            ["release", "mbpp", "--version", "../../etc", "--allow-unvalidated"],
            "Error: --version must be semver-like"
        ),
        (["release", "../x", "--version", "1.0.0"], "Error: DATASET: dataset name '../x' must be 1-64 letters"),
        (["ingest", "--dataset", "a/b", "f.jsonl"], "Error: --dataset: dataset name 'a/b' must be 1-64 letters"),
        (["diff", "mbpp@../../etc", "mbpp@1.0.0"], "Error: release version '../../etc' must be semver-like"),
    ])
    func pathNamesAreChecked(arguments: [String], message: String) throws {
        let cli = try sample()
        let result = try cli.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    }

    @Test func escapeSequencesInTaskTextAreNeutralized() throws {
        let cli = try CLIRunner()
        let file = cli.workingDirectory.appendingPathComponent("mbpp.jsonl")
        let record =
            #"{"task_id": 7, "text": "Add \u001b]0;pwned\u0007 two \u001b[2J numbers \u202e.", "code": "def add(a, b):\n    return a + b", "test_list": ["assert add(1, 2) == 3"]}"#
        try (record + "\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try cli.run("ingest", file.path).status == 0)
        for arguments in [["list"], ["show", "mbpp/7"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                !result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
            #expect(result.stdout.contains(#"Add \u{1B}]0;pwned\u{7} two \u{1B}[2J numbers \u{202E}."#))
        }
        let json = try cli.run("show", "mbpp/7", "--json")
        #expect(json.stdout.contains(#"\u001b[2J"#), "JSON keeps the text, escaped by JSON itself")
    }

    @Test func showJSONEmbedsEvidenceAsJSON() throws {
        let cli = try sample()
        _ = try cli.run("validate", "--timeout", "1", "--jobs", "2", "--allow-failures")
        let show = try cli.run("show", "mbpp/9001", "--json")
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let flags = try #require((detail["revisions"] as? [[String: Any]])?.first?["flags"] as? [[String: Any]])
        let evidence = try #require(
            flags.first { $0["code"] as? String == "validate/failed" }?["evidence"] as? [String: Any])
        #expect(evidence["statement"] as? String == "assert is_not_prime(10) == False")
    }

    @Test func splitNamesThePickedFewShotTasks() throws {
        let cli = try sample()
        _ = try cli.run("validate", "--timeout", "1", "--jobs", "2", "--allow-failures")
        let split = try cli.run(
            "split", "mbpp", "--policy", "hash", "--ratio", "train=1", "--few-shot-count", "2", "--few-shot-pool",
            "train")
        #expect(split.status == 0, "\(split.stderr)")
        let line = try #require(split.stdout.split(separator: "\n").first { $0.hasPrefix("few-shot split") })
        let picked = line.split(separator: ":")[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(line.hasPrefix("few-shot split 'prompt' (2): "))
        #expect(picked.count == 2 && picked.allSatisfy { ["mbpp/2", "mbpp/3", "mbpp/367"].contains($0) })
    }

    @Test func ingestSaysAMissingFileDoesNotExist() throws {
        let cli = try CLIRunner()
        let result = try cli.run("ingest", "nosuch.jsonl")
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("error: 'nosuch.jsonl' does not exist; see the messages above.\n"))
        #expect(!result.stderr.contains("record(s) not stored"))
    }

    @Test func gzipBombIsStoppedAtTheLimitThatCanBeRaised() throws {
        let cli = try CLIRunner()
        let bomb = CLIRunner.fixture("ingest/bomb.jsonl.gz")
        let capped = try cli.run("ingest", bomb, "--format", "mbpp", "--max-unpacked-mb", "1")
        #expect(capped.status == 1)
        #expect(capped.stderr.contains("'\(bomb)' unpacks to more than 1 MiB, the limit for one input"))
        let raised = try cli.run("ingest", bomb, "--format", "mbpp", "--max-unpacked-mb", "4")
        #expect(raised.stderr.contains("line 1"), "past the limit, the content itself is read (and is not JSON)")
        let zero = try cli.run("ingest", bomb, "--max-unpacked-mb", "0")
        #expect(zero.status == 64 && zero.stderr.contains("--max-unpacked-mb"), "\(zero.stderr)")
    }

    @Test func missingZstdLibraryIsNamedWithItsPackage() throws {
        let cli = try sample()
        let result = try cli.run(
            ["contamination", "--dataset", "mbpp", CLIRunner.fixture("contamination/corpus/dumps")],
            environment: ["CURATE_LIBZSTD": "libzstd-missing.so.1"])
        let line = try #require(result.stderr.split(separator: "\n").first { $0.contains("forum.jsonl.zst") })
        #expect(
            line.contains("reading .zst input needs the zstd library 'libzstd-missing.so.1', which could not be loaded")
        )
        #expect(line.contains("install it with `apt-get install libzstd1`"))
    }
}
