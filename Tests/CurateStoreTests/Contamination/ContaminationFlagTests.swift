import CurateStore
import Foundation
import Testing

@Suite struct ContaminationFlagTests {
    @Test func rerunSupersedesEarlierContaminationFlags() throws {
        let store = try TaskStore()
        let outcome = try store.store([
            IncomingRevision(
                taskID: "mbpp/2", dataset: "mbpp", sourceID: "2", contentHash: "h", content: "{}", origin: .ingest,
                author: "test")
        ])
        let revision = outcome.revisionIDs[0]
        let flag = NewFlag(stage: "contamination", code: "contaminated:ngram", severity: .warning, message: "found")
        try store.recordFlags(stage: "contamination", revisionIDs: [revision], flags: [(revision, "mbpp/2", flag)])
        try store.recordFlags(stage: "contamination", revisionIDs: [revision], flags: [])
        #expect(try store.flags(revisionID: revision).isEmpty)
        #expect(try store.flags(revisionID: revision, activeOnly: false).count == 1)
    }
}
