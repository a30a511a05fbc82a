import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

struct IngestorTests {
    @Test func reingestIsANoOpAndAnEditYieldsASecondRevision() throws {
        let store = try TaskStore()
        let ingestor = Ingestor(store: store)
        let first = ingestor.ingest(paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        #expect(first.files[0].newTasks == 5 && first.files[0].newRevisions == 5)
        let again = ingestor.ingest(paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        #expect(again.files[0].newRevisions == 0 && again.files[0].unchanged == 5)
        let edited = ingestor.ingest(paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
        #expect(edited.files[0].newTasks == 0 && edited.files[0].newRevisions == 1 && edited.files[0].unchanged == 4)
        let revisions = try store.revisions(of: "mbpp/2")
        #expect(revisions.map(\.number) == [1, 2])
        #expect(
            !(try TaskContent.decode(revisions[0].content).description.contains("Edited")),
            "the original stays readable")
        #expect(try TaskContent.decode(revisions[1].content).description.hasSuffix("Edited by a reviewer."))
        #expect(try store.heads(dataset: "mbpp").count == 5)
    }

    @Test func reingestDoesNotRevertAnEditorsRevision() throws {
        let store = try TaskStore()
        let ingestor = Ingestor(store: store)
        _ = ingestor.ingest(paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        var content = try TaskContent.decode(try store.revisions(of: "mbpp/1")[0].content)
        content.description += " (clarified)"
        try store.store([
            IncomingRevision(
                taskID: "mbpp/1", dataset: "mbpp", sourceID: "1", contentHash: content.contentHash,
                content: String(decoding: content.canonicalJSON(), as: UTF8.self), origin: .editor, author: "editor:ana"
            )
        ])
        let again = ingestor.ingest(paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        #expect(again.files[0].newRevisions == 0)
        #expect(try store.revisions(of: "mbpp/1").last?.origin == .editor)
    }

    @Test func malformedRecordsAreReportedAndValidOnesKept() throws {
        let store = try TaskStore()
        let report = Ingestor(store: store).ingest(
            paths: [Fixtures.path("ingest/mbpp-bad.jsonl")], options: IngestOptions())
        #expect(report.hasRejections)
        #expect(report.files[0].accepted == 3 && report.files[0].rejected == 2)
        #expect(try store.heads().map(\.task.id) == ["mbpp/1", "mbpp/2", "mbpp/5"])
    }

    @Test func strictRejectsTheWholeFileAndKeepsWhatWasStored() throws {
        let store = try TaskStore()
        let ingestor = Ingestor(store: store)
        _ = ingestor.ingest(paths: [Fixtures.path("ingest/crowd.csv")], options: IngestOptions())
        let report = ingestor.ingest(
            paths: [Fixtures.path("ingest/crowd-bad.csv")], options: IngestOptions(strict: true))
        #expect(report.files[0].fileRejected)
        #expect(try store.heads().map(\.task.id) == ["crowd/c1", "crowd/c2"])
    }

    @Test func lintFindingsAreStoredAsFlagsOnTheRevision() throws {
        let store = try TaskStore()
        _ = Ingestor(store: store).ingest(
            paths: [Fixtures.path("ingest/worker-missing-tests.ipynb")], options: IngestOptions())
        let head = try #require(try store.heads().first { $0.task.id == "crowd/W042/3" })
        let codes = try store.flags(revisionID: head.revision.id!).map(\.code)
        #expect(codes.contains("lint/no-print"))
        #expect(codes.contains("lint/min-tests"))
    }

    @Test func everyFormatIngests() throws {
        let store = try TaskStore()
        let files = ["mbpp-small.jsonl", "humaneval-small.jsonl", "worker-017.ipynb", "crowd.csv", "assignments.xml"]
        let report = Ingestor(store: store).ingest(
            paths: files.map { Fixtures.path("ingest/\($0)") }, options: IngestOptions())
        #expect(!report.hasRejections)
        #expect(report.files.map(\.newTasks) == [5, 3, 2, 2, 2])
        #expect(try store.datasets() == ["crowd", "humaneval", "mbpp"])
        #expect(try store.ingestedFiles().count == 5)
    }
}
