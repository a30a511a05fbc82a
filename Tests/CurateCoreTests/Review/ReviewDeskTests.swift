import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// The review desk and the edit log: saves, optimistic concurrency, replay, re-ingest, conflicts and releases.
struct ReviewDeskTests {
    struct Workspace {
        let store: TaskStore
        let edits: String
        let desk: ReviewDesk
        /// The edit log folder when this workspace made it (kept alive with the workspace).
        let folder: TemporaryDirectory?
        var log: String { EditLog.path(directory: edits, dataset: "mbpp") }
    }

    /// A store with the five small MBPP tasks and a desk writing its log into `edits` (a fresh folder by default).
    static func workspace(raw: String = "ingest/mbpp-small.jsonl", edits: String? = nil) async throws -> Workspace {
        let store = try SeededStore.ingested([raw])
        let folder = try edits == nil ? TemporaryDirectory("edits") : nil
        let path = edits ?? folder!.path
        return Workspace(
            store: store, edits: path,
            desk: try ReviewDesk(store: store, pool: try await SharedPool.get(), editsDirectory: path), folder: folder)
    }

    static func head(_ store: TaskStore, _ id: String) throws -> TaskRevisionRecord {
        try #require(try store.revisions(of: id).last)
    }

    @discardableResult
    static func edit(_ w: Workspace, _ id: String, description: String, editor: String = "ana") async throws
        -> ReviewSaveResult
    {
        let head = try head(w.store, id)
        var content = try TaskContent.decode(head.content)
        content.description = description
        return try await w.desk.save(
            id, baseHash: head.contentHash, content: content, editor: editor, reason: "clearer wording")
    }

    static func config(_ w: Workspace, root: String, requireReview: ReviewStatus? = nil) -> ReleaseConfiguration {
        ReleaseConfiguration(
            dataset: "mbpp", version: "1.0.0", policy: ReleaseTests.ranges, outputRoot: root,
            requireReview: requireReview, editLog: w.log)
    }

    static func rendered(_ w: Workspace) throws -> [String: Data] {
        Dictionary(
            uniqueKeysWithValues: try ReleaseBuilder(store: w.store).render(config(w, root: "unused")).files.map {
                ($0.0, $0.1)
            })
    }

    @Test func saveRecordsAnEditorRevisionItsVerdictAndOneLogLine() async throws {
        let w = try await Self.workspace()
        let base = try Self.head(w.store, "mbpp/2")
        let saved = try await Self.edit(
            w, "mbpp/2", description: "Find the elements two tuples share, as a sorted tuple.")
        #expect(saved.verdict.passed)
        #expect(saved.verdict.asserts.count == 3 && saved.verdict.asserts.allSatisfy(\.passed))
        let head = try Self.head(w.store, "mbpp/2")
        #expect(head.number == 2 && head.origin == .editor && head.author == "ana" && head.note == "clearer wording")
        #expect(try Validator.latestVerdict(store: w.store, revisionID: head.id!)?.verdict.passed == true)
        let lines = try EditLog.read(w.log)
        #expect(lines.count == 1)
        let entry = try #require(lines.first?.entry)
        #expect(entry.kind == .edit && entry.base == base.contentHash && entry.result == head.contentHash)
        #expect(entry.fields?.names == ["description"])
        #expect(lines[0].line == saved.logLine)
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(saved.logLine.utf8)) as? [String: Any]).keys
            .sorted()
        #expect(
            saved.logLine.hasPrefix("{\"base\":")
                && keys == ["base", "editor", "fields", "kind", "reason", "result", "task", "time"])
        let task = try w.desk.task("mbpp/2")
        #expect(task.revisions.map(\.origin) == ["ingest", "editor"])
        #expect(task.verdict?.passed == true)
        #expect(task.audit.map(\.summary) == ["edited description"])
    }

    @Test func aSecondSaveOnTheSameBaseIsAConflictCarryingTheCurrentHash() async throws {
        let w = try await Self.workspace()
        let base = try Self.head(w.store, "mbpp/3")
        var first = try TaskContent.decode(base.content)
        first.description = "first editor"
        var second = first
        second.description = "second editor"
        let saved = try await w.desk.save(
            "mbpp/3", baseHash: base.contentHash, content: first, editor: "ana", reason: "one")
        await #expect(
            throws: ReviewError.staleBase(task: "mbpp/3", base: base.contentHash, current: saved.revision.contentHash)
        ) {
            try await w.desk.save("mbpp/3", baseHash: base.contentHash, content: second, editor: "bo", reason: "two")
        }
        #expect(try EditLog.read(w.log).count == 1)
        #expect(try Self.head(w.store, "mbpp/3").contentHash == saved.revision.contentHash)
    }

    /// Both saves pass the early check and revalidate at the same time; the check inside the write transaction lets
    /// exactly one through.
    @Test func concurrentSavesOnOneBaseRecordExactlyOne() async throws {
        let w = try await Self.workspace()
        let base = try Self.head(w.store, "mbpp/4")
        let contents = try ["first editor", "second editor"].map { text in
            var content = try TaskContent.decode(base.content)
            content.description = text
            return content
        }
        let desk = w.desk
        async let first = Result(catching: {
            try await desk.save("mbpp/4", baseHash: base.contentHash, content: contents[0], editor: "ana", reason: "a")
        })
        async let second = Result(catching: {
            try await desk.save("mbpp/4", baseHash: base.contentHash, content: contents[1], editor: "bo", reason: "b")
        })
        let results = await [first, second]
        let saved = results.compactMap { try? $0.get() }
        #expect(saved.count == 1)
        let current = try Self.head(w.store, "mbpp/4").contentHash
        #expect(saved.first?.revision.contentHash == current)
        let refused = results.compactMap { result -> ReviewError? in
            if case .failure(let error) = result { return error as? ReviewError }
            return nil
        }
        #expect(refused == [.staleBase(task: "mbpp/4", base: base.contentHash, current: current)])
        #expect(try EditLog.read(w.log).count == 1)
        #expect(try w.store.revisions(of: "mbpp/4").count == 2)
    }

    @Test func aFailingRevisionIsRefusedUnlessAllowed() async throws {
        let w = try await Self.workspace()
        let base = try Self.head(w.store, "mbpp/3")
        var content = try TaskContent.decode(base.content)
        content.tests[0] = "assert is_not_prime(2) == True"
        do {
            _ = try await w.desk.save(
                "mbpp/3", baseHash: base.contentHash, content: content, editor: "ana", reason: "stricter")
            Issue.record("a failing revision was recorded")
        } catch ReviewError.failingRevision(_, let verdict) {
            #expect(verdict.asserts.map(\.passed) == [false, true, true])
            #expect(verdict.asserts[0].outcome.hasPrefix("AssertionError"))
        }
        #expect(!FileManager.default.fileExists(atPath: w.log))
        #expect(try w.store.revisions(of: "mbpp/3").count == 1)
        let saved = try await w.desk.save(
            "mbpp/3", baseHash: base.contentHash, content: content, editor: "ana", reason: "stricter",
            allowFailing: true)
        #expect(!saved.verdict.passed)
        #expect(try w.store.flags(revisionID: saved.revision.id).map(\.code) == ["validate/failed"])
    }

    @Test func replayIntoAnEmptyStoreRebuildsTheSameReleaseByteForByte() async throws {
        let a = try await Self.workspace()
        try await Self.edit(a, "mbpp/2", description: "Find the elements two tuples share.")
        try await Self.edit(
            a, "mbpp/2", description: "Find the elements two tuples share, as a sorted tuple.", editor: "bo")
        try a.desk.setStatus("mbpp/2", .approved, editor: "bo", reason: "checked against the tests")
        try a.desk.setStatus("mbpp/3", .excluded, editor: "ana", reason: "trivial")
        try a.desk.raiseFlag(
            "mbpp/4", code: "editor/ambiguous-description", message: "largest by what?", editor: "ana",
            reason: "unclear")
        let text = try String(contentsOfFile: a.log, encoding: .utf8)
        #expect(
            text == (try EditLog.read(a.log)).map(\.line).joined(separator: "\n") + "\n",
            "one line per action, nothing between")
        let b = try await Self.workspace(edits: a.edits)
        #expect(
            try b.store.revisions(of: "mbpp/2").map(\.contentHash) == a.store.revisions(of: "mbpp/2").map(\.contentHash)
        )
        let editorTimes = { (w: Workspace) in
            try w.store.revisions(of: "mbpp/2").filter { $0.origin == .editor }.map(\.createdAt)
        }
        #expect(try editorTimes(b) == editorTimes(a))
        // The card and report also draw validation verdicts, which a live save records and a replay leaves to the
        // pipeline's validate stage; the released records and manifest come from the log alone.
        let released = { (files: [String: Data]) in files.filter { $0.key != "README.md" && $0.key != "report.html" } }
        let filesA = released(try Self.rendered(a)), filesB = released(try Self.rendered(b))
        #expect(filesA == filesB)
        let manifest = try JSONDecoder().decode(ReleaseManifest.self, from: try #require(filesA["manifest.json"]))
        #expect(manifest.review?.edited.map(\.id) == ["mbpp/2"])
        #expect(manifest.review?.edited.first?.editors == ["ana", "bo"])
        #expect(manifest.exclusions.map(\.id) == ["mbpp/3"])
        #expect(manifest.exclusions.first?.reasons == ["review/excluded: trivial (ana)"])
        #expect(
            manifest.inputs.contains {
                $0.path == "mbpp.jsonl" && $0.sha256 == (try? SHA256.hex(fileAt: URL(fileURLWithPath: a.log)))
            })
        let card = String(decoding: try #require(try Self.rendered(b)["README.md"]), as: UTF8.self)
        #expect(card.contains("- mbpp/2 (revision 3) by ana, bo: clearer wording; clearer wording"))
        let again = try b.desk.recover()
        #expect(again.applied == 0 && again.known == 5)
    }

    @Test func reIngestingTheSameRawRecordKeepsTheEditorRevision() async throws {
        let w = try await Self.workspace()
        let saved = try await Self.edit(w, "mbpp/2", description: "Edited.")
        let report = Ingestor(store: w.store).ingest(
            paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        #expect(report.files.first?.newRevisions == 0)
        #expect(try Self.head(w.store, "mbpp/2").contentHash == saved.revision.contentHash)
    }

    @Test func aChangedRawRecordUnderAnEditIsAConflictUntilResolved() async throws {
        let w = try await Self.workspace()
        let saved = try await Self.edit(w, "mbpp/2", description: "Edited by the editor.")
        let report = Ingestor(store: w.store).ingest(
            paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
        #expect(
            report.diagnostics.contains {
                $0.message.contains("mbpp/2: the raw record changed under an editor's revision")
            })
        #expect(
            try Self.head(w.store, "mbpp/2").contentHash == saved.revision.contentHash,
            "the task keeps its last consistent revision")
        let task = try w.desk.task("mbpp/2")
        let conflict = try #require(task.conflict)
        #expect(conflict.fields.map(\.field) == ["description"])
        #expect(conflict.fields.first?.editor == .string("Edited by the editor."))
        #expect(
            conflict.fields.first?.raw
                == .string(
                    "Write a function to find the similar elements from the given two tuple lists. Edited by a reviewer."
                ))
        #expect(throws: ReviewError.unresolvedConflicts(dataset: "mbpp", tasks: ["mbpp/2"])) {
            try ReleaseBuilder(store: w.store).release(Self.config(w, root: try TemporaryDirectory().path))
        }
        // From an empty store the same log gives the same conflict, and the raw record stays.
        let fresh = try await Self.workspace(raw: "ingest/mbpp-small-edited.jsonl", edits: w.edits)
        #expect(try fresh.desk.task("mbpp/2").conflict != nil)
        let resolved = try await Self.edit(w, "mbpp/2", description: "Merged: edited by both.")
        #expect(try w.desk.task("mbpp/2").conflict == nil)
        #expect(
            try EditLog.read(w.log).last?.entry.base == conflict.rawHash,
            "a resolution is logged on top of the raw record")
        _ = try fresh.desk.recover()
        #expect(try fresh.desk.task("mbpp/2").conflict == nil)
        #expect(try Self.head(fresh.store, "mbpp/2").contentHash == resolved.revision.contentHash)
    }

    @Test func aRawRecordChangedBackEndsTheConflictAndKeepsTheEdit() async throws {
        let w = try await Self.workspace()
        let saved = try await Self.edit(w, "mbpp/2", description: "Edited by the editor.")
        _ = Ingestor(store: w.store).ingest(
            paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
        #expect(try w.desk.task("mbpp/2").conflict != nil)
        _ = Ingestor(store: w.store).ingest(paths: [Fixtures.path("ingest/mbpp-small.jsonl")], options: IngestOptions())
        let task = try w.desk.task("mbpp/2")
        #expect(task.conflict == nil)
        #expect(task.currentHash == saved.revision.contentHash)
        #expect(
            task.audit.last?.summary == "conflict resolved: the raw record is again the base of the editor's revisions")
    }

    @Test func savingTheKeptVersionUnchangedResolvesAConflictOnlyThen() async throws {
        let w = try await Self.workspace()
        try await Self.edit(w, "mbpp/2", description: "Edited by the editor.")
        _ = Ingestor(store: w.store).ingest(
            paths: [Fixtures.path("ingest/mbpp-small-edited.jsonl")], options: IngestOptions())
        let kept = try Self.head(w.store, "mbpp/2")
        let unchanged = try TaskContent.decode(kept.content)
        await #expect(throws: ReviewError.noChanges(task: "mbpp/3")) {
            let head = try Self.head(w.store, "mbpp/3")
            _ = try await w.desk.save(
                "mbpp/3", baseHash: head.contentHash, content: try TaskContent.decode(head.content), editor: "ana",
                reason: "none")
        }
        let saved = try await w.desk.save(
            "mbpp/2", baseHash: kept.contentHash, content: unchanged, editor: "ana", reason: "keep the editor's text")
        #expect(saved.revision.contentHash == kept.contentHash)
        #expect(try w.desk.task("mbpp/2").conflict == nil)
        let entry = try #require(try EditLog.read(w.log).last?.entry)
        #expect(entry.fields?.names == ["description"] && entry.fields?.description == "Edited by the editor.")
    }

    @Test func requireReviewShipsOnlyApprovedTasks() async throws {
        let w = try await Self.workspace()
        try w.desk.setStatus("mbpp/1", .approved, editor: "ana", reason: "fine")
        try w.desk.setStatus("mbpp/4", .approved, editor: "ana", reason: "fine")
        try await Self.edit(w, "mbpp/4", description: "Changed after the approval.")
        let root = try TemporaryDirectory()
        let outcome = try ReleaseBuilder(store: w.store).release(
            Self.config(w, root: root.path, requireReview: .approved))
        #expect(outcome.kept == 1)
        #expect(
            outcome.exclusions.first { $0.id == "mbpp/4" }?.reasons == [
                "review/not-approved: review status is unreviewed"
            ])
        let queue = try w.desk.queue(ReviewQueueFilter(dataset: "mbpp"))
        #expect(queue.total == 5 && queue.reviewed == 1 && queue.remaining == 4)
    }

    @Test func aDismissalReachesTheFlagWhenAStageRaisesItAgain() async throws {
        let w = try await Self.workspace()
        let head = try Self.head(w.store, "mbpp/5")
        let flag = NewFlag(stage: "dedup", code: "dedup/duplicate", severity: .error, message: "near mbpp/1")
        try w.store.recordFlags(stage: "dedup", revisionIDs: [head.id!], flags: [(head.id!, "mbpp/5", flag)])
        let first = try #require(try w.store.flags(revisionID: head.id!).first)
        try w.desk.dismissFlag(first.id!, editor: "ana", reason: "different constraints")
        try w.store.recordFlags(stage: "dedup", revisionIDs: [head.id!], flags: [(head.id!, "mbpp/5", flag)])
        let again = try #require(try w.store.flags(revisionID: head.id!).first)
        #expect(again.id != first.id)
        #expect(try w.store.dismissedFlagIDs().contains(again.id!))
        let fresh = try await Self.workspace(edits: w.edits)
        let freshHead = try Self.head(fresh.store, "mbpp/5")
        try fresh.store.recordFlags(
            stage: "dedup", revisionIDs: [freshHead.id!], flags: [(freshHead.id!, "mbpp/5", flag)])
        #expect(try fresh.desk.task("mbpp/5").flags.map(\.dismissed) == [true])
        try fresh.desk.reinstateFlag(
            try #require(fresh.store.flags(revisionID: freshHead.id!).first?.id), editor: "bo", reason: "same task")
        #expect(try fresh.desk.task("mbpp/5").flags.map(\.dismissed) == [false])
    }

    @Test func noAbsolutePathAppearsInARelease() async throws {
        let directory = try TemporaryDirectory()
        let folder = directory.url
        let patch = folder.appendingPathComponent("patch.jsonl")
        let first = try #require(
            String(decoding: try Fixtures.data("ingest/mbpp-small.jsonl"), as: UTF8.self).split(separator: "\n").first)
        try Data((first.replacingOccurrences(of: "minimum cost path", with: "cheapest path") + "\n").utf8).write(
            to: patch)
        let w = try await Self.workspace()
        _ = Ingestor(store: w.store).ingest(paths: [patch.path], options: IngestOptions())
        try await Self.edit(w, "mbpp/2", description: "Edited.")
        let pipeline = folder.appendingPathComponent("p.yaml")
        try Data("pipeline: p\n".utf8).write(to: pipeline)
        var config = Self.config(w, root: folder.appendingPathComponent("curated").path)
        config.pipelineFile = pipeline.path
        let outcome = try ReleaseBuilder(store: w.store).release(config)
        for name in try FileManager.default.contentsOfDirectory(atPath: outcome.path) {
            let text = try String(contentsOfFile: "\(outcome.path)/\(name)", encoding: .utf8)
            #expect(
                !text.contains(folder.path) && !text.contains(Fixtures.root.path) && !text.contains(w.edits),
                "\(name) holds an absolute path")
        }
    }

    @Test func aHandEditedLogLineIsReportedWithItsLine() async throws {
        let w = try await Self.workspace()
        try await Self.edit(w, "mbpp/2", description: "Edited.")
        let text = try String(contentsOfFile: w.log, encoding: .utf8)
        try (text + "{not json}\n").write(toFile: w.log, atomically: true, encoding: .utf8)
        #expect {
            try EditLog.read(w.log)
        } throws: { error in
            (error as? ReviewError)?.errorDescription?.hasPrefix("\(w.log):2: not an edit log entry") == true
        }
        let tampered = text.replacingOccurrences(of: "Edited.", with: "Tampered.")
        try tampered.write(toFile: w.log, atomically: true, encoding: .utf8)
        let fresh = try SeededStore.ingested()
        #expect(throws: ReviewError.resultMismatch(path: w.log, line: 1, task: "mbpp/2")) {
            try ReviewDesk(store: fresh, editsDirectory: w.edits)
        }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

extension Fixtures {
    /// A fresh folder under the system's temporary directory, kept for the rest of the run (its path goes to a desk).
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("curate-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
