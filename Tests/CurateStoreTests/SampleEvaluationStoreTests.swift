import CurateStore
import Foundation
import Testing

@Suite struct SampleEvaluationStoreTests {
    @Test func savesAndReturnsTheNewestEvaluationPerRevision() throws {
        let store = try TaskStore()
        #expect(try store.appliedMigrations().contains("v2-filters-sample-evaluations"))
        let outcome = try store.store([
            IncomingRevision(
                taskID: "mbpp/2", dataset: "mbpp", sourceID: "2", contentHash: "h", content: "{}", origin: .ingest,
                author: "t")
        ])
        let revision = outcome.revisionIDs[0]
        func record(_ c: Int, _ at: TimeInterval) -> SampleEvaluationRecord {
            SampleEvaluationRecord(
                revisionID: revision, taskID: "mbpp/2", samplesPath: "s.jsonl", samplesSHA256: "x", n: 4, c: c,
                passAt1: Double(c) / 4, passAt10: nil, passAt100: nil, passedSamples: "[1]",
                createdAt: Date(timeIntervalSince1970: at))
        }
        try store.saveSampleEvaluations([record(1, 1)])
        try store.saveSampleEvaluations([record(3, 2)])
        let latest = try store.latestSampleEvaluations(revisionIDs: [revision, 999])
        #expect(latest.count == 1)
        #expect(latest[revision]?.c == 3)
        #expect(latest[revision]?.passAt10 == nil)
    }

    @Test func flagByID() throws {
        let store = try TaskStore()
        let outcome = try store.store([
            IncomingRevision(
                taskID: "mbpp/2", dataset: "mbpp", sourceID: "2", contentHash: "h", content: "{}", origin: .ingest,
                author: "t",
                flags: [NewFlag(stage: "dedup", code: "duplicate", severity: .error, message: "m")])
        ])
        let flags = try store.flags(revisionID: outcome.revisionIDs[0])
        #expect(try store.flag(id: flags[0].id!)?.code == "duplicate")
        #expect(try store.flag(id: 12345) == nil)
    }
}
