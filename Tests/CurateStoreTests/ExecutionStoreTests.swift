import Foundation
import GRDB
import Testing

@testable import CurateStore

/// The `execution` table: storing, replacing and looking up verdicts.
struct ExecutionStoreTests {
    static func revision(_ store: TaskStore, content: String = "{}") throws -> Int64 {
        let outcome = try store.store([
            IncomingRevision(
                taskID: "mbpp/1", dataset: "mbpp", sourceID: "1", contentHash: "h-\(content)", content: content,
                origin: .ingest, author: "test")
        ])
        return outcome.revisionIDs[0]
    }

    static func record(_ revisionID: Int64, key: String, status: String, at seconds: Double = 0) -> ExecutionRecord {
        ExecutionRecord(
            revisionID: revisionID, key: key, status: status, passed: status == "ok",
            verdict: "{\"status\":\"\(status)\"}",
            cpuSeconds: 0.01, wallSeconds: 0.02, peakMemoryKB: 9000, pythonVersion: "3.11.2", timeoutSeconds: 10,
            calibratedTimeoutSeconds: 2, createdAt: Date(timeIntervalSince1970: seconds))
    }

    @Test func migrationIsApplied() throws {
        let store = try TaskStore()
        #expect(try store.appliedMigrations().contains("v2-executions"))
    }

    @Test func latestVerdictAndReplacementBySameKey() throws {
        let store = try TaskStore()
        let id = try Self.revision(store)
        try store.recordExecutions([Self.record(id, key: "k1", status: "timeout")])
        try store.recordExecutions([Self.record(id, key: "k2", status: "ok")])
        #expect(try store.latestExecution(revisionID: id)?.key == "k2")
        try store.recordExecutions([Self.record(id, key: "k1", status: "ok", at: 5)])
        let latest = try #require(try store.latestExecution(revisionID: id))
        #expect(latest.key == "k1")
        #expect(latest.passed)
        let rows = try store.read { db in try ExecutionRecord.fetchCount(db) }
        #expect(rows == 2)
    }

    @Test func lookupByKeyAcrossRevisions() throws {
        let store = try TaskStore()
        let first = try Self.revision(store, content: "{\"a\":1}")
        let second = try Self.revision(store, content: "{\"a\":2}")
        try store.recordExecutions([
            Self.record(first, key: "shared", status: "ok"), Self.record(second, key: "other", status: "crashed"),
        ])
        let found = try store.executions(keys: ["shared", "missing"])
        #expect(found.keys.sorted() == ["shared"])
        #expect(found["shared"]?.revisionID == first)
        let latest = try store.latestExecutions(revisionIDs: [first, second])
        #expect(latest[second]?.status == "crashed")
        #expect(try store.latestExecution(revisionID: 999) == nil)
    }
}
