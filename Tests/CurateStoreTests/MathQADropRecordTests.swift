import CurateStore
import Foundation
import Testing

@Suite struct MathQADropRecordTests {
    @Test func migrationIsAppliedAndDropsAreReplacedPerFile() throws {
        let store = try TaskStore()
        #expect(try store.appliedMigrations().contains("v2-mathqa-drops"))
        let now = Date(timeIntervalSince1970: 0)
        func drop(_ path: String, _ index: Int, _ reason: String) -> MathQADropRecord {
            MathQADropRecord(
                dataset: "mathqa-python", split: "dev", sourcePath: path, recordIndex: index, reason: reason,
                message: "m", location: nil, linearFormula: "add(n0,n1)|", createdAt: now)
        }
        try MathQADropRecord.replace(
            in: store, dataset: "mathqa-python", sourcePaths: ["a.json"],
            with: [drop("a.json", 1, "mismatch"), drop("a.json", 2, "unknown-op")])
        try MathQADropRecord.replace(
            in: store, dataset: "mathqa-python", sourcePaths: ["b.json"], with: [drop("b.json", 0, "mismatch")])
        try MathQADropRecord.replace(
            in: store, dataset: "mathqa-python", sourcePaths: ["a.json"], with: [drop("a.json", 3, "mismatch")])
        let all = try MathQADropRecord.fetch(in: store, dataset: "mathqa-python")
        #expect(all.map(\.recordIndex).sorted() == [0, 3])
        #expect(try MathQADropRecord.fetch(in: store, dataset: "mathqa-python", reason: "unknown-op").isEmpty)
        #expect(try MathQADropRecord.fetch(in: store, dataset: "other").isEmpty)
    }
}
