import CurateStore
import Foundation
import Testing

/// Stage runs left `running` by a dead process are marked abandoned, per pipeline.
struct StageRunStoreTests {
    @Test func runningRowsOfThePipelineBecomeAbandonedWithANote() throws {
        let store = try TaskStore()
        let finished = try store.beginRun(pipeline: "p", stage: "0:ingest", fingerprint: "a")
        try store.finishRun(id: finished.id!, status: .succeeded, summary: "{}")
        let crashed = try store.beginRun(pipeline: "p", stage: "1:release", fingerprint: "b")
        let other = try store.beginRun(pipeline: "q", stage: "0:ingest", fingerprint: "c")
        let marked = try store.markAbandonedRuns(pipeline: "p")
        #expect(marked.map(\.id) == [crashed.id])
        #expect(marked.map(\.status) == [.abandoned])
        let runs = try store.stageRuns(pipeline: "p")
        #expect(runs.map(\.status) == [.succeeded, .abandoned])
        #expect(runs[1].summary?.contains("the process running it ended without finishing") == true)
        #expect(runs[1].finishedAt != nil)
        #expect(try store.stageRuns(pipeline: "q").map(\.id) == [other.id])
        #expect(try store.stageRuns(pipeline: "q").map(\.status) == [.running])
        #expect(try store.markAbandonedRuns(pipeline: "p").isEmpty)
    }
}
