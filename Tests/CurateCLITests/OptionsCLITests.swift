import CurateTestSupport
import Foundation
import Testing

/// Stage options set by flags are range-checked by the same type as YAML, and the error names the flag.
struct OptionsCLITests {
    @Test(arguments: [
        (["stability", "--timeout", "inf"], "--timeout must be a finite number greater than 0 (got inf)"),
        (["stability", "--runs", "1"], "--runs must be at least 2 (got 1)"),
        (["stability", "--timing-fraction", "0"], "--timing-fraction must be in (0.0, 1.0] (got 0.0)"),
        (["validate", "--jobs", "0"], "--jobs must be at least 1 (got 0)"),
        (
            ["contamination", "run", "corpus", "--code-threshold", "2"],
            "--code-threshold must be in [0.0, 1.0] (got 2.0)"
        ),
        (["contamination", "run", "corpus", "--ngram", "7"], "--ngram must be between 8 and 13 (got 7)"),
        (["mathqa", "convert", "dev.json", "--jobs", "0"], "--jobs must be at least 1 (got 0)"),
        (["dedup", "--fields", "code,text"], "--fields must be among description, code, tests (got 'text')"),
        (["split", "mbpp", "--policy", "bogus"], "--policy must be ranges, hash or field (got 'bogus')"),
        (
            ["release", "mbpp", "--version", "1.0.0", "--few-shot-count", "2"],
            "--few-shot-count needs a pool to pick from: few_shot_pool (--few-shot-pool)"
        ),
        (
            ["split", "humaneval", "--policy", "ranges"],
            "--range must be set for policy 'ranges' on dataset 'humaneval'"
        ),
        (["split", "humaneval", "--ratio", "train=-1"], "--ratio 'train' must be a weight ≥ 0 (got -1.0)"),
    ])
    func outOfRangeFlagsAreRejectedByName(arguments: [String], message: String) throws {
        let runner = try CLIRunner()
        let result = try runner.run(
            arguments + ["--store", runner.workingDirectory.appendingPathComponent("s.sqlite").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

/// Flag names as the README documents them.
struct FlagNamesCLITests {
    @Test func releaseHelpListsEachVersionOnce() throws {
        let help = try CLIRunner().run("release", "--help")
        let listed = help.stdout.split(separator: "\n").filter {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("--version")
        }
        #expect(listed == ["  --version <version>     Release version, e.g. 1.0.0."], "\(help.stdout)")
        #expect(help.stdout.contains("--few-shot-ids"))
        let version = try CLIRunner().run("--version")
        #expect(version.status == 0 && version.stdout == "0.1.0\n")
    }

    @Test func contaminationHelpShowsTheOptionsOfRun() throws {
        let help = try CLIRunner().run("contamination", "--help")
        #expect(help.status == 0)
        for flag in ["--code-threshold", "--evidence", "--format", "--ngram"] {
            #expect(help.stdout.contains(flag), "\(flag)")
        }
    }

    @Test func rangeFlagUsesTheOneParser() throws {
        let runner = try CLIRunner()
        let result = try runner.run(
            "split", "mbpp", "--range", "test=510-11", "--store",
            runner.workingDirectory.appendingPathComponent("s.sqlite").path)
        #expect(
            result.status == 64 && result.stderr.contains("--range 'test=510-11' is not SPLIT=LOW-HIGH"),
            "\(result.stderr)")
    }
}
