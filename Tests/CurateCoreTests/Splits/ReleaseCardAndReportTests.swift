import CurateStore
import CurateTestSupport
import Foundation
import Testing
import Yams

@testable import CurateCore

/// The dataset card and `report.html` of a release built from a store with a flag from every curation step.
struct ReleaseCardAndReportTests {
    static let ranges = SplitPolicy.ranges([
        SplitRange(split: "prompt", lower: 1, upper: 1), SplitRange(split: "test", lower: 2, upper: 3),
        SplitRange(split: "train", lower: 4, upper: 5),
    ])
    static let hostile = "<script>alert('x')</script></pre><img src=x onerror=alert(1)> & \"quoted\""

    /// MBPP's small fixture plus a duplicate flag (across splits), a contamination flag with hostile evidence text,
    /// a nondeterministic flag (excluded), a timing-sensitive flag (machine-dependent) and an edited revision whose
    /// description is hostile HTML.
    func seededStore() throws -> TaskStore {
        let store = try SeededStore.ingested(["ingest/mbpp-small.jsonl"])
        let heads = Dictionary(
            uniqueKeysWithValues: try store.heads(dataset: "mbpp").map { ($0.task.id, $0.revision.id!) })
        let pair = DuplicatePair(
            earlier: "mbpp/2", later: "mbpp/5", earlierRevisionID: heads["mbpp/2"]!, laterRevisionID: heads["mbpp/5"]!,
            kind: .near, similarity: 0.87,
            fieldSimilarity: ["text": 0.9], earlierSplit: "test", laterSplit: "train")
        let duplicate = CanonicalJSON.string(
            DuplicateEvidence(duplicateOf: "mbpp/2", matches: [pair], crossSplit: true))
        try store.recordFlags(
            stage: "dedup", revisionIDs: [heads["mbpp/5"]!],
            flags: [
                (
                    heads["mbpp/5"]!, "mbpp/5",
                    NewFlag(
                        stage: "dedup", code: "duplicate", severity: .error, message: "near duplicate of mbpp/2",
                        evidence: duplicate)
                )
            ])
        let location = Evidence(
            fileIndex: 0, file: "corpus/web.jsonl", ordinal: 3, document: "line 4", offset: 120, position: 7,
            text: Self.hostile)
        let evidence = CanonicalJSON.string([
            TaskEvidence(
                kind: .text, fields: ["text"], gram: "find the similar elements", location: location, gramsInDocument: 4
            )
        ])
        try store.recordFlags(
            stage: "contamination", revisionIDs: [heads["mbpp/2"]!],
            flags: [
                (
                    heads["mbpp/2"]!, "mbpp/2",
                    NewFlag(
                        stage: "contamination", code: "contaminated:ngram", severity: .warning,
                        message: "text n-grams 6/8, code n-grams 0/10 found in the corpus", evidence: evidence)
                )
            ])
        try store.recordFlags(
            stage: "stability", revisionIDs: [heads["mbpp/4"]!],
            flags: [
                (
                    heads["mbpp/4"]!, "mbpp/4",
                    NewFlag(
                        stage: "stability", code: "nondeterministic", severity: .error,
                        message: "outcome differs between runs")
                )
            ])
        try store.recordFlags(
            stage: "stability", revisionIDs: [heads["mbpp/1"]!],
            flags: [
                (
                    heads["mbpp/1"]!, "mbpp/1",
                    NewFlag(
                        stage: "stability", code: "timing-sensitive", severity: .warning,
                        message: "slow runs near the limit")
                )
            ])
        var edited = try TaskContent.decode(
            try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/3" }).revision.content)
        edited.description = Self.hostile
        try store.store([
            IncomingRevision(
                taskID: "mbpp/3", dataset: "mbpp", sourceID: "3", contentHash: edited.contentHash,
                content: String(decoding: edited.canonicalJSON(), as: UTF8.self),
                origin: .editor, author: "reviewer", note: "clarified the statement")
        ])
        return store
    }

    /// Releases the seeded store under MBPP's ranges kept as they are, so its cross-split pair ships and is shown.
    func release(_ store: TaskStore, root: String, version: String = "1.0.0") throws -> URL {
        var config = ReleaseConfiguration(
            dataset: "mbpp", version: version, policy: Self.ranges, excludeFlags: ["nondeterministic"],
            outputRoot: root)
        config.allowLeaks = true
        _ = try ReleaseBuilder(store: store).release(config)
        return URL(fileURLWithPath: root).appendingPathComponent("mbpp/\(version)")
    }

    /// The card's front matter (between the `---` lines) and its markdown body.
    func splitCard(_ card: String) throws -> (front: [String: Any], body: String) {
        let parts = card.components(separatedBy: "---\n")
        try #require(parts.count >= 3 && parts[0].isEmpty, "the card starts with a --- delimited front matter")
        let front = try #require(try Yams.load(yaml: parts[1]) as? [String: Any])
        return (front, parts.dropFirst(2).joined(separator: "---\n"))
    }

    @Test func cardIsAHuggingFaceCardWithEveryCurationStep() throws {
        let directory = try TemporaryDirectory()
        let folder = try release(try seededStore(), root: directory.path)
        let (front, body) = try splitCard(
            try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8))
        #expect(front["pretty_name"] as? String == "mbpp 1.0.0")
        #expect(front["license"] as? String == "cc-by-4.0")
        #expect(front["language"] as? [String] == ["en"])
        #expect(front["task_categories"] as? [String] == ["text-generation"])
        #expect(front["size_categories"] as? [String] == ["n<1K"])
        #expect((front["tags"] as? [String])?.contains("code-generation") == true)
        let configs = try #require(front["configs"] as? [[String: Any]])
        let dataFiles = try #require(configs.first?["data_files"] as? [[String: String]])
        #expect(
            dataFiles == [
                ["split": "prompt", "path": "prompt.jsonl"], ["split": "test", "path": "test.jsonl"],
                ["split": "train", "path": "train.jsonl"],
            ])
        let info = try #require(front["dataset_info"] as? [String: Any])
        let features = try #require(info["features"] as? [[String: String]])
        #expect(features.first { $0["name"] == "test_list" } == ["name": "test_list", "sequence": "string"])
        #expect(features.first { $0["name"] == "task_id" } == ["name": "task_id", "dtype": "int64"])
        for heading in [
            "## Summary", "## Fields", "## Split policy", "## Curation", "### Validation", "### Stability",
            "### Duplicates",
            "### Contamination", "### Lint", "### Edits", "## Known issues", "## License", "## Citation",
        ] {
            #expect(body.contains("\n\(heading)\n"), "card has \(heading)")
        }
        #expect(body.contains("title={Program Synthesis with Large Language Models}"))
        #expect(body.contains("```json\n{\"text\": \"Write a function to find the minimum cost path"))
        #expect(body.contains("- mbpp/5 duplicates mbpp/2 (similarity 0.87, across splits)"))
        #expect(body.contains("- `contaminated:ngram`: 1 task(s)"))
        #expect(body.contains("- mbpp/3 revision 2 by reviewer: clarified the statement"))
        #expect(body.contains("- mbpp/4: nondeterministic: outcome differs between runs"))
        #expect(body.contains("| not validated | 5 |"))
        #expect(!body.contains(directory.path))
        #expect(!body.contains("timing-sensitive`"), "machine-dependent flags stay out of a release")
    }

    @Test(arguments: [
        (NativeLayout.mbpp, ["Program Synthesis with Large Language Models"]),
        (.sanitizedMBPP, ["Program Synthesis with Large Language Models"]),
        (.humaneval, ["Evaluating Large Language Models Trained on Code"]),
        (
            .mathqaPython,
            ["Program Synthesis with Large Language Models", "Towards Interpretable Math Word Problem Solving"]
        ),
        (.canonical, []),
    ])
    func everyLayoutCitesItsPapers(layout: NativeLayout, titles: [String]) {
        let citations = SourceDataset.forLayout(layout).citations
        #expect(citations.count == titles.count)
        for (citation, title) in zip(citations, titles) {
            #expect(citation.hasPrefix("@") && citation.contains(title) && citation.hasSuffix("}"))
        }
    }

    @Test func reportDrawsEverySectionAndEscapesTaskText() throws {
        let directory = try TemporaryDirectory()
        let folder = try release(try seededStore(), root: directory.path)
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        for id in ["validation", "flags", "splits", "duplicates", "contamination", "lint", "diff"] {
            #expect(html.contains("<section id=\"\(id)\">"), "report has section \(id)")
        }
        #expect(
            html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 6,
            "verdicts, flags, splits, two contamination shares, lint")
        #expect(!html.contains("<script"), "no script, and hostile text is escaped")
        #expect(!html.contains("<img"))
        #expect(
            html.contains(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"
            ))
        #expect(html.contains("<b>mbpp/2</b>") && html.contains("<b>mbpp/5</b>") && html.contains("across splits"))
        #expect(html.contains("corpus/web.jsonl · line 4"))
        #expect(
            html.contains("This is the dataset&#39;s first release.")
                || html.contains("This is the dataset's first release."))
        #expect(!html.contains(directory.path))
    }

    @Test func reportIsByteStableAndDiffsAgainstThePreviousRelease() throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        for root in [first.path, second.path] {
            let store = try seededStore()
            _ = try release(store, root: root, version: "1.0.0")
            _ = Ingestor(store: store).ingest(
                paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
            _ = try release(store, root: root, version: "1.1.0")
        }
        for name in ["1.0.0/report.html", "1.0.0/README.md", "1.1.0/report.html", "1.1.0/README.md"] {
            let one = try Data(contentsOf: first.appendingPathComponent("mbpp/\(name)"))
            #expect(
                one == (try Data(contentsOf: second.appendingPathComponent("mbpp/\(name)"))),
                "\(name) is byte-identical across runs")
        }
        let html = try String(contentsOf: first.appendingPathComponent("mbpp/1.1.0/report.html"), encoding: .utf8)
        #expect(html.contains("From <code>mbpp@1.0.0</code> to <code>mbpp@1.1.0</code>."))
        #expect(html.contains("<tr><td>changed</td><td>mbpp/2</td><td>text: revision 1 → 2"))
    }

    @Test func currentReportDrawsExecutionTimes() throws {
        let directory = try TemporaryDirectory()
        let store = try seededStore()
        _ = try release(store, root: directory.path)
        let html = try ReleaseBuilder(store: store).currentReport(dataset: "mbpp", root: directory.path)
        #expect(html.contains("<title>mbpp: the store&#39;s current state</title>"))
        #expect(html.contains("aria-label=\"Execution time distribution\""))
        #expect(html.contains("From <code>mbpp@1.0.0</code> to <code>mbpp@current</code>."))
        #expect(html.contains(">stability · timing-sensitive</text>"))
        let released = try String(
            contentsOf: directory.appendingPathComponent("mbpp/1.0.0/report.html"), encoding: .utf8)
        #expect(
            !released.contains("timing-sensitive</text>") && released.contains(">stability · nondeterministic</text>"))
    }

    @Test(arguments: [
        ("text n-grams 6/8, code n-grams 0/10 found in the corpus", 6.0 / 18),
        ("3 of 4 solution lines found in the corpus", 0.75),
    ])
    func contaminationShareComesFromTheFlagMessage(message: String, share: Double) {
        #expect(CurationFacts.share(message) == share)
    }
}
