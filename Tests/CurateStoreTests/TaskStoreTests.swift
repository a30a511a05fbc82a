import CurateTestSupport
import Foundation
import GRDB
import Testing

@testable import CurateStore

struct TaskStoreTests {
    func revision(_ id: String, _ hash: String, origin: TaskRevisionRecord.Origin = .ingest, flags: [NewFlag] = [])
        -> IncomingRevision
    {
        IncomingRevision(
            taskID: "d/\(id)", dataset: "d", sourceID: id, contentHash: hash, content: "{\"h\":\"\(hash)\"}",
            origin: origin, author: "test", flags: flags)
    }

    @Test func migrationsApplyOnAnEmptyDatabaseFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        let store = try TaskStore(path: dir.appendingPathComponent("nested/store.sqlite").path)
        let applied = try store.appliedMigrations()
        #expect(Array(applied.prefix(3)) == ["v1-tasks-and-revisions", "v1-flags", "v1-stage-runs"])
        #expect(applied.count == StoreMigrations.migrator.migrations.count)
        let reopened = try TaskStore(path: store.path)
        #expect(try reopened.appliedMigrations() == applied)
        try? FileManager.default.removeItem(at: dir)
    }

    @Test func revisionsAreNumberedAndNeverOverwritten() throws {
        let store = try TaskStore()
        var outcome = try store.store([revision("1", "a"), revision("2", "b")])
        #expect(outcome.newTasks == 2 && outcome.newRevisions == 2)
        outcome = try store.store([revision("1", "a"), revision("2", "c")])
        #expect(outcome.newTasks == 0 && outcome.newRevisions == 1 && outcome.unchanged == 1)
        #expect(try store.revisions(of: "d/2").map(\.contentHash) == ["b", "c"])
        #expect(try store.heads().map(\.revision.contentHash) == ["a", "c"])
    }

    @Test func aFailingBatchLeavesTheStoreAsItWas() throws {
        let store = try TaskStore()
        try store.store([revision("1", "a")])
        _ = try store.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse BEFORE INSERT ON taskRevision WHEN NEW.contentHash = 'poison'
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """)
        }
        #expect(throws: (any Error).self) {
            try store.store([revision("2", "b"), revision("1", "a2"), revision("3", "poison")])
        }
        #expect(try store.heads().map(\.task.id) == ["d/1"])
        #expect(try store.revisions(of: "d/1").count == 1)
    }

    @Test func stageFlagsAreSupersededNotDeleted() throws {
        let store = try TaskStore()
        let id = try store.store([
            revision("1", "a", flags: [NewFlag(stage: "lint", code: "lint/x", severity: .warning, message: "m")])
        ]).revisionIDs[0]
        try store.recordFlags(
            stage: "stability", revisionIDs: [id],
            flags: [
                (id, "d/1", NewFlag(stage: "stability", code: "nondeterministic", severity: .error, message: "first"))
            ])
        try store.recordFlags(stage: "stability", revisionIDs: [id], flags: [])
        #expect(try store.flags(revisionID: id).map(\.code) == ["lint/x"])
        let all = try store.flags(revisionID: id, activeOnly: false)
        #expect(all.count == 2 && all[1].supersededAt != nil)
    }

    @Test func overridesAreAudited() throws {
        let store = try TaskStore()
        let id = try store.store([
            revision("1", "a", flags: [NewFlag(stage: "lint", code: "lint/x", severity: .warning, message: "m")])
        ]).revisionIDs[0]
        let flag = try #require(try store.flags(revisionID: id).first?.id)
        try store.overrideFlag(id: flag, editor: "ana", action: .dismiss, reason: "fine")
        #expect(try store.dismissedFlagIDs() == [flag])
        try store.overrideFlag(id: flag, editor: "bo", action: .reinstate, reason: "not fine")
        #expect(try store.dismissedFlagIDs().isEmpty)
        #expect(try store.overrides(flagIDs: [flag])[flag]?.map(\.editor) == ["ana", "bo"])
        #expect(throws: StoreError.unknownFlag(999)) {
            try store.overrideFlag(id: 999, editor: "x", action: .dismiss, reason: "")
        }
    }

    @Test func stageRunsAreFoundByFingerprint() throws {
        let store = try TaskStore()
        let run = try store.beginRun(pipeline: "p", stage: "s", fingerprint: "f")
        #expect(try store.succeededRun(pipeline: "p", stage: "s", fingerprint: "f") == nil)
        try store.finishRun(id: run.id!, status: .succeeded, summary: "{}")
        #expect(try store.succeededRun(pipeline: "p", stage: "s", fingerprint: "f")?.id == run.id)
    }

    /// `list`, `stats` and releases count the same flags: active ones on the newest revision that no editor dismissed.
    @Test func statsCountOnlyEffectiveFlagsOfTheNewestRevision() throws {
        let store = try TaskStore()
        let lint = [
            NewFlag(stage: "lint", code: "lint/x", severity: .warning, message: "m"),
            NewFlag(stage: "lint", code: "lint/y", severity: .warning, message: "m"),
        ]
        let id = try store.store([revision("1", "a", flags: lint), revision("2", "b", flags: [lint[0]])]).revisionIDs[0]
        let dismissed = try #require(try store.flags(revisionID: id).first?.id)
        try store.overrideFlag(id: dismissed, editor: "ana", action: .dismiss, reason: "fine")
        #expect(try store.effectiveFlags(revisionIDs: [id])[id]?.map(\.code) == ["lint/y"])
        #expect(try store.activeFlags(revisionIDs: [id])[id]?.map(\.code) == ["lint/x", "lint/y"])
        #expect(try store.stats().first?.flags == ["lint/x": 1, "lint/y": 1])
        try store.overrideFlag(id: dismissed, editor: "bo", action: .reinstate, reason: "not fine")
        #expect(try store.stats().first?.flags == ["lint/x": 2, "lint/y": 1])
        try store.store([revision("2", "c", origin: .editor)])
        #expect(try store.stats().first?.flags == ["lint/x": 1, "lint/y": 1])
    }

    /// A new store and its directory are readable by their owner only; SQLite's side files follow the store's mode.
    @Test func newStoresAreOwnerOnly() throws {
        let root = try TemporaryDirectory("store-modes")
        let store = try TaskStore(path: root.path + "/.curate/store.sqlite")
        try store.store([revision("1", "a")])
        func mode(_ path: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        #expect(try mode(root.path + "/.curate") == 0o700)
        #expect(try mode(store.path) == 0o600)
        for side in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: store.path + side) {
            #expect(try mode(store.path + side) == 0o600, "\(side)")
        }
    }
}
