import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// `curate edit`, `curate review` and releases with edits, end to end through the built binary.
struct EditCLITests {
    /// The small pipeline of `PipelineCommandsTests` with the edits stage in place of lint.
    static let pipeline = PipelineCommandsTests.pipeline.replacingOccurrences(
        of: "  - stage: lint\n", with: "  - stage: edits\n  - stage: validate\n")

    /// A working directory with the small MBPP file ingested and the pipeline above as `small.yaml`.
    func workspace() throws -> CLIRunner {
        let cli = try PipelineCommandsTests().workspace()
        #expect(Self.pipeline.contains("  - stage: edits\n"))
        try Self.pipeline.write(
            to: cli.workingDirectory.appendingPathComponent("small.yaml"), atomically: true, encoding: .utf8)
        #expect(try cli.run("ingest", "raw/mbpp.jsonl").status == 0)
        return cli
    }

    /// An executable shell script in the working directory, used as $EDITOR.
    func script(_ cli: CLIRunner, _ name: String, _ body: String) throws -> String {
        let path = cli.workingDirectory.appendingPathComponent(name).path
        try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func logLines(_ cli: CLIRunner) throws -> [String] {
        let path = cli.workingDirectory.appendingPathComponent("edits/mbpp.jsonl").path
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func revisions(_ cli: CLIRunner, _ id: String) throws -> [String] {
        let store = try TaskStore(path: cli.workingDirectory.appendingPathComponent(".curate/store.sqlite").path)
        return try store.revisions(of: id).map(\.contentHash)
    }

    @Test func editInTheEditorRevalidatesAndRecords() throws {
        let cli = try workspace()
        let editor = try script(
            cli, "ed.sh", "sed -i 's/two tuple lists\\./two tuple lists, as a sorted tuple./' \"$1\"\n")
        let edited = try cli.run(
            ["edit", "mbpp/2", "--editor", "ana", "--reason", "say the result is sorted"],
            environment: ["EDITOR": editor, "VISUAL": ""])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(
            edited.stdout.contains("-Write a function to find the similar elements from the given two tuple lists.\n"))
        #expect(
            edited.stdout.contains(
                "+Write a function to find the similar elements from the given two tuple lists, as a sorted tuple.\n"))
        #expect(edited.stdout.contains("passed  assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)"))
        #expect(edited.stdout.contains("Recorded revision 2 of mbpp/2"))
        let lines = try logLines(cli)
        #expect(lines.count == 1 && lines[0].contains("\"reason\":\"say the result is sorted\""))
        let show = try cli.run("show", "mbpp/2", "--diff")
        #expect(show.stdout.contains("revision 1 → 2  editor by ana"))
        #expect(show.stdout.contains("reason: say the result is sorted"))
        #expect(
            show.stdout.contains(
                "+Write a function to find the similar elements from the given two tuple lists, as a sorted tuple."))
    }

    @Test func aParseErrorReopensTheEditorWithTheMessage() throws {
        let cli = try workspace()
        let editor = try script(
            cli, "ed.sh",
            """
            if [ ! -f opened ]; then touch opened; sed -i '/^=== end ===$/d' "$1"; exit 0; fi
            grep -q '^# error: line' "$1" || exit 3
            sed -i 's/non-prime numbers\\./non-prime numbers (True when n is not prime)./' "$1"
            echo '=== end ===' >> "$1"

            """)
        let edited = try cli.run(
            ["edit", "mbpp/3", "--editor", "ana", "--reason", "state the return value"],
            environment: ["EDITOR": editor, "VISUAL": ""])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stderr.contains("missing '=== end ==='"))
        #expect(edited.stdout.contains("Recorded revision 2 of mbpp/3"))
        let giveUp = try script(cli, "broken.sh", "sed -i '/^=== end ===$/d' \"$1\"\n")
        let abandoned = try cli.run(
            ["edit", "mbpp/4", "--editor", "ana", "--reason", "x"], environment: ["EDITOR": giveUp, "VISUAL": ""])
        #expect(abandoned.status != 0)
        #expect(abandoned.stderr.contains("still does not parse"))
        #expect(try logLines(cli).count == 1)
    }

    @Test func scriptedEditsFromAFileAndFieldByField() throws {
        let cli = try workspace()
        let printed = try cli.run("edit", "mbpp/5", "--print")
        #expect(printed.status == 0)
        let document = cli.workingDirectory.appendingPathComponent("task.txt")
        try printed.stdout.replacingOccurrences(
            of: "--- test 3 ---", with: "--- test ---\nassert count_ways(2) == 3\n--- test ---"
        )
        .write(to: document, atomically: true, encoding: .utf8)
        let fromFile = try cli.run(
            "edit", "mbpp/5", "--from", document.path, "--editor", "bo", "--reason", "one more test")
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout.contains("passed (4/4 asserts)"))
        let tests = cli.workingDirectory.appendingPathComponent("tests.txt")
        try "assert count_ways(2) == 4\n".write(to: tests, atomically: true, encoding: .utf8)
        let failing = try cli.run(
            "edit", "mbpp/5", "--set", "tests=@\(tests.path)", "--editor", "bo", "--reason", "wrong")
        #expect(failing.status != 0)
        #expect(failing.stdout.contains("FAILED  assert count_ways(2) == 4"))
        #expect(failing.stderr.contains("--allow-failing"))
        let allowed = try cli.run(
            "edit", "mbpp/5", "--set", "tests=@\(tests.path)", "--editor", "bo", "--reason", "keep for the record",
            "--allow-failing")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try logLines(cli).count == 2)
        #expect(try revisions(cli, "mbpp/5").count == 3)
    }

    @Test func reviewActionsAreLoggedAndReleasesRespectThem() throws {
        let cli = try workspace()
        let env = ["CURATE_EDITOR_NAME": "ana"]
        #expect(
            try cli.run(
                [
                    "edit", "mbpp/2", "--set", "description=Find the shared elements of two tuples.", "--reason",
                    "shorter",
                ], environment: env
            ).status == 0)
        #expect(try cli.run(["review", "approve", "mbpp/2", "--reason", "checked"], environment: env).status == 0)
        #expect(try cli.run(["review", "exclude", "mbpp/3", "--reason", "trivial"], environment: env).status == 0)
        let flagged = try cli.run(
            ["review", "flag", "mbpp/4", "--code", "editor/ambiguous-description", "--message", "largest by what?"],
            environment: env)
        #expect(flagged.status == 0, "\(flagged.stderr)")
        let bad = try cli.run(["review", "flag", "mbpp/4", "--code", "ambiguous", "--message", "m"], environment: env)
        #expect(bad.status != 0 && bad.stderr.contains("must start with 'editor/'"))
        let status = try cli.run("review", "status", "mbpp/4")
        let flagLine = try #require(
            status.stdout.split(separator: "\n").first { $0.contains("editor/ambiguous-description") })
        let flagID = String(flagLine.split(separator: " ")[1].dropFirst())
        #expect(try cli.run(["review", "dismiss", flagID, "--reason", "clear enough"], environment: env).status == 0)
        let queue = try cli.run("review", "queue", "--dataset", "mbpp")
        #expect(queue.stdout.contains("5 task(s): 2 reviewed, 3 remaining"))
        let counts = try cli.run("review", "status", "--json")
        let mbpp = try #require(
            (try JSONSerialization.jsonObject(with: Data(counts.stdout.utf8)) as? [String: [String: Int]])?["mbpp"])
        #expect(
            mbpp == [
                "total": 5, "reviewed": 2, "remaining": 3, "approved": 1, "needsWork": 0, "excluded": 1, "flagged": 0,
                "conflicts": 0,
            ])
        let log = try cli.run("review", "log")
        #expect(log.stdout.contains("dismissed editor/ambiguous-description"))
        #expect(try logLines(cli).count == 5)
        let run = try cli.run("run", "small.yaml")
        #expect(run.status == 0, "\(run.stderr)")
        let folder = cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0")
        let manifest = try JSONDecoder().decode(
            ReleaseManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        #expect(manifest.exclusions.map(\.id) == ["mbpp/3"])
        #expect(manifest.review?.edited.map(\.id) == ["mbpp/2"])
        #expect(manifest.inputs.map(\.path) == ["edits/mbpp.jsonl", "raw/mbpp.jsonl"])
        let card = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(card.contains("- mbpp/2 (revision 2) by ana: shorter"))
        #expect(card.contains("- mbpp/3: review/excluded: trivial (ana)"))
    }

    @Test func aRunFromAnEmptyStoreRebuildsTheReleaseWithItsEditsByteForByte() throws {
        let cli = try workspace()
        let env = ["CURATE_EDITOR_NAME": "ana"]
        #expect(
            try cli.run(
                [
                    "edit", "mbpp/2", "--set", "description=Find the shared elements of two tuples.", "--reason",
                    "shorter",
                ], environment: env
            ).status == 0)
        #expect(try cli.run("run", "small.yaml").status == 0)
        let folder = cli.workingDirectory.appendingPathComponent("curated/mbpp/1.0.0")
        #expect(
            try String(contentsOf: folder.appendingPathComponent("test.jsonl"), encoding: .utf8).contains(
                "Find the shared elements of two tuples."))
        try FileManager.default.removeItem(at: cli.workingDirectory.appendingPathComponent(".curate"))
        let rebuilt = try cli.run("run", "small.yaml")
        #expect(rebuilt.status == 0, "the release was not rebuilt byte for byte: \(rebuilt.stderr)")
        #expect(rebuilt.stdout.contains("verified byte-identical"))
    }

    @Test func diffBetweenReleasesShowsTheChangedTextWithEditorAndReason() throws {
        let cli = try workspace()
        let ranges = ["--range", "prompt=1-1", "--range", "test=2-3", "--range", "train=4-5"]
        #expect(try cli.run(["release", "mbpp", "--version", "1.0.0", "--allow-unvalidated"] + ranges).status == 0)
        let edit = [
            "edit", "mbpp/2", "--set", "description=Find the shared elements of two tuples.", "--editor", "ana",
            "--reason", "shorter",
        ]
        #expect(try cli.run(edit).status == 0)
        #expect(try cli.run(["release", "mbpp", "--version", "1.1.0", "--allow-unvalidated"] + ranges).status == 0)
        let diff = try cli.run("diff", "mbpp@1.0.0", "mbpp@1.1.0")
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("~ mbpp/2 fields text: revision 1 → 2 by ana: shorter"))
        #expect(diff.stdout.contains("    edited by ana: shorter"))
        #expect(
            diff.stdout.contains("    -Write a function to find the similar elements from the given two tuple lists."))
        #expect(diff.stdout.contains("    +Find the shared elements of two tuples."))
    }

    /// Kill -9 at a save's checkpoints (after the log line is fsynced, inside the store transaction; after the
    /// commit): the next command replays the line, and store and log agree, once.
    @Test(arguments: ["edit-log-appended", "edit-committed"])
    func killDuringASaveLeavesStoreAndLogConsistent(checkpoint: String) throws {
        let cli = try workspace()
        let args = [
            "edit", "mbpp/2", "--set", "description=Killed mid-save.", "--editor", "ana", "--reason", "crash test",
        ]
        let killed = try cli.run(args, environment: ["CURATE_FAULT": "\(checkpoint):1"])
        #expect(killed.status == SIGKILL)
        try expectConsistentAfterCrash(cli)
    }

    /// The same with a real `kill -9` from outside while the save waits right after fsyncing its log line.
    @Test func externalKillAfterTheLogLineIsRecovered() throws {
        let cli = try workspace()
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = [
            "edit", "mbpp/2", "--set", "description=Killed mid-save.", "--editor", "ana", "--reason", "crash test",
        ]
        process.currentDirectoryURL = cli.workingDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(["CURATE_FAULT": "edit-log-appended:1:pause"])
        { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("paused at edit-log-appended") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("paused at edit-log-appended"))
        #expect(try logLines(cli).count == 1, "the line is on disk before the store commits")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        try expectConsistentAfterCrash(cli)
    }

    /// After a crashed save: one log line, and (after any command opens the desk) exactly one editor revision with
    /// that line's result; opening again changes nothing.
    func expectConsistentAfterCrash(_ cli: CLIRunner) throws {
        let lines = try logLines(cli)
        #expect(lines.count == 1)
        let status = try cli.run("review", "status", "mbpp/2")
        #expect(status.status == 0, "\(status.stderr)")
        let hashes = try revisions(cli, "mbpp/2")
        #expect(hashes.count == 2)
        #expect(lines.first?.contains("\"result\":\"\(hashes.last ?? "")\"") == true)
        #expect(try cli.run("review", "status", "mbpp/2").status == 0)
        #expect(try revisions(cli, "mbpp/2") == hashes)
        #expect(try logLines(cli) == lines)
    }
}
