import CurateCore
import CurateTestSupport
import Foundation
import Testing

/// `curate dedup`, `curate split` and `curate release` end to end on fourteen real MBPP tasks
/// (Tests/Fixtures/duplicates/mbpp-pairs.jsonl) under MBPP's published split.
@Suite struct DuplicateLeakCLITests {
    static func curate(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner().run(arguments)
    }

    @Test func dedupThenSplitReportLeaksAndReleaseRefusesUntilKeptTogetherOrDismissed() throws {
        let directory = try TemporaryDirectory()
        let store = directory.appendingPathComponent("store.sqlite").path
        let edits = directory.appendingPathComponent("edits").path
        let output = directory.appendingPathComponent("curated").path
        let ingest = try Self.curate(["ingest", "--store", store, Fixtures.path("duplicates/mbpp-pairs.jsonl")])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let dedup = try Self.curate(["dedup", "--store", store, "--jobs", "2", "--json"])
        #expect(dedup.status == 0, "\(dedup.stderr)")
        let report = try JSONDecoder().decode(DedupReport.self, from: Data(dedup.stdout.utf8))
        #expect(
            report.pairs.map { "\($0.earlier)>\($0.later):\($0.kind.rawValue)" } == [
                "mbpp/16>mbpp/43:behavioural", "mbpp/102>mbpp/411:behavioural", "mbpp/591>mbpp/625:behavioural",
                "mbpp/248>mbpp/704:behavioural", "mbpp/102>mbpp/933:near", "mbpp/411>mbpp/933:near",
                "mbpp/102>mbpp/965:near", "mbpp/411>mbpp/965:near", "mbpp/933>mbpp/965:behavioural",
            ])
        #expect(report.summary.dropsByReason == ["duplicate/behavioural": 5, "duplicate/near": 2])
        let paraphrase = try #require(report.pairs.first { $0.later == "mbpp/625" })
        #expect(paraphrase.foundBy == [.description, .code])
        #expect(paraphrase.behaviour?.forward?.passed == 3 && paraphrase.behaviour?.backward?.passed == 3)

        let split = try Self.curate(["split", "mbpp", "--store", store])
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.contains("duplicate pairs across into an evaluation split: 6"))
        #expect(split.stdout.contains("mbpp/704 [train] duplicates mbpp/248 [test] (duplicate/behavioural, flag #"))
        #expect(split.stdout.contains("mbpp/625 [train] duplicates mbpp/591 [validation]"))

        let release = [
            "release", "mbpp", "--store", store, "--output", output, "--edits", edits, "--allow-unvalidated",
        ]
        let refused = try Self.curate(release + ["--version", "1.0.0"])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("release of 'mbpp' refused: 6 duplicate pair(s) cross into an evaluation split"))
        #expect(refused.stderr.contains("mbpp/704 [train] duplicates mbpp/248 [test]"))
        #expect(!FileManager.default.fileExists(atPath: output + "/mbpp/1.0.0"))

        let together = try Self.curate(release + ["--version", "1.0.0", "--keep-duplicates-together"])
        #expect(together.status == 0, "\(together.stderr)")
        #expect(together.stdout.contains("kept duplicates together, 4 moved:"))
        #expect(together.stdout.contains("mbpp/704: train → test (with mbpp/248)"))

        let leaks = try JSONDecoder().decode(
            SplitLeaks.self, from: Data(try Self.curate(["split", "mbpp", "--store", store, "--json"]).stdout.utf8)
        ).leaks
        #expect(leaks.count == 6)
        for flagID in Set(leaks.map(\.flagID)).sorted() {
            let dismissed = try Self.curate([
                "override", "\(flagID)", "--store", store, "--edits", edits, "--editor", "ana", "--reason",
                "kept as MBPP published it",
            ])
            #expect(dismissed.status == 0, "\(dismissed.stderr)")
        }
        let shipped = try Self.curate(release + ["--version", "1.0.1"])
        #expect(shipped.status == 0, "\(shipped.stderr)")
        let after = try Self.curate(["split", "mbpp", "--store", store])
        #expect(after.stdout.contains("duplicate pairs across into an evaluation split: none"))
    }

    /// The part of `curate split --json` read here.
    struct SplitLeaks: Decodable {
        var leaks: [SplitLeak]
    }
}
