import CurateTestSupport
import Foundation
import Testing

/// End-to-end runs of the built `curate contamination` binary against the planted-copy fixture corpus.
@Suite struct ContaminationCLITests {
    static let fixtures = CLIRunner.fixture("contamination")

    @discardableResult
    static func curate(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let run = try CLIRunner.run(arguments, in: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return (run.status, run.stdout, run.stderr)
    }

    @Test func benchCommandReportsThroughputAndFindings() throws {
        let run = try Self.curate([
            "bench", "contamination", "--mbpp", Self.fixtures + "/mbpp-sample.jsonl", "--jobs", "1", "--jobs", "2",
            Self.fixtures + "/corpus",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("MB/CPU-s"))
        #expect(run.out.contains("contaminated:lines"))
        #expect(run.out.contains("mbpp/3"))
    }

    @Test func contaminationRequiresAStoreWithTasks() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: store) }
        let run = try Self.curate(["contamination", "--store", store, "--dataset", "mbpp", Self.fixtures + "/corpus"])
        #expect(run.status != 0)
        #expect(run.err.contains("no task store at '\(store)'"))
    }

    @Test func shardedRunMergesToTheSingleRunAndRecordsFlags() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "contamination-cli-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/store.sqlite"
        let ingest = try Self.curate([
            "ingest", "--store", store, "--format", "mbpp", Self.fixtures + "/mbpp-sample.jsonl",
        ])
        #expect(ingest.status == 0, "\(ingest.err)")
        let corpus = Self.fixtures + "/corpus"
        let single = try Self.curate(["contamination", "--store", store, "--jobs", "1", "--json", corpus])
        #expect(single.status == 0, "\(single.err)")
        for rank in 0..<2 {
            let part = try Self.curate([
                "contamination", "--store", store, "--jobs", "1", "--rank", "\(rank)", "--world-size", "2",
                "--partial-dir", directory + "/parts", corpus,
            ])
            #expect(part.status == 0, "\(part.err)")
        }
        let merged = try Self.curate(["contamination", "merge", "--store", store, "--json", directory + "/parts"])
        #expect(merged.status == 0, "\(merged.err)")
        #expect(merged.out == single.out)
        #expect(single.out.contains("\"contaminated:lines\""))
        let stats = try Self.curate(["stats", "--store", store])
        #expect(stats.out.contains("contaminated:ngram"))
    }

    /// A corpus given as a directory of symbolic links is scanned like the corpus they point to; one that yields no
    /// text (here: a dangling link) fails with a one-line reason and leaves the recorded flags as they were.
    @Test func linkedCorpusIsScannedAndAnEmptyOneKeepsTheFlags() throws {
        let cli = try CLIRunner()
        let store = cli.workingDirectory.appendingPathComponent("store.sqlite").path
        let ingest = try cli.run(["ingest", "--store", store, "--format", "mbpp", Self.fixtures + "/mbpp-sample.jsonl"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let links = cli.workingDirectory.appendingPathComponent("links").path
        try FileManager.default.createDirectory(atPath: links, withIntermediateDirectories: true)
        for entry in ["code", "dumps"] {
            try FileManager.default.createSymbolicLink(
                atPath: links + "/" + entry, withDestinationPath: Self.fixtures + "/corpus/" + entry)
        }
        let linked = try cli.run(["contamination", "--store", store, "--jobs", "1", links])
        #expect(linked.status == 0, "\(linked.stderr)")
        let flagged = try cli.run(["list", "--store", store, "--flag", "contaminated"])
        #expect(flagged.stdout.contains("mbpp/3") && flagged.stdout.contains("mbpp/4"))

        let empty = cli.workingDirectory.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: empty + "/gone.py", withDestinationPath: empty + "/missing.py")
        let nothing = try cli.run(["contamination", "--store", store, empty])
        #expect(nothing.status != 0)
        #expect(nothing.stderr.contains("the corpus gave no text to scan (0 files listed"), "\(nothing.stderr)")
        #expect(nothing.stderr.split(separator: "\n").count == 1, "\(nothing.stderr)")
        #expect(try cli.run(["list", "--store", store, "--flag", "contaminated"]).stdout == flagged.stdout)
    }
}
