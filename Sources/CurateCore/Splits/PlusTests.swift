import CurateStore
import Foundation

/// Which generated ("plus") tests a release carries, as a `plus_test_list` field per record.
public enum PlusTestSelection: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every stored generated test.
    case all
    /// Only the reduced subset mutation analysis marked (the fewest tests that keep every mutant kill).
    case reduced
    /// None: the records have no `plus_test_list` field.
    case none
}

/// The generated tests a release carries, and their provenance for the manifest.
struct ReleasedPlusTests {
    /// The statements per task id, for every released task (empty for tasks without).
    var byTask: [String: [String]]
    var summary: ReleaseManifest.PlusTests?

    /// The selected generated tests of `heads` (nil summary when none of them has any, so the release is as
    /// without generated tests).
    init(store: TaskStore, heads: [TaskHead], selection: PlusTestSelection) throws {
        byTask = [:]
        summary = nil
        guard selection != .none else { return }
        let stored = try store.generatedTests(revisionIDs: heads.compactMap(\.revision.id))
        var generators: Set<String> = [], seeds: Set<Int64> = []
        for head in heads {
            let tests = (stored[head.revision.id!] ?? []).filter { selection == .all || $0.reduced }
            byTask[head.task.id] = tests.map(\.statement)
            for test in tests {
                generators.insert(test.generator)
                seeds.insert(test.seed)
            }
        }
        let total = byTask.values.map(\.count).reduce(0, +)
        guard total > 0 else { return }
        summary = ReleaseManifest.PlusTests(
            field: "plus_test_list", selection: selection.rawValue, tests: total,
            tasks: byTask.values.filter { !$0.isEmpty }.count, generators: generators.sorted(),
            seeds: seeds.sorted().map(Int.init))
    }

    /// `record` with the task's generated tests appended as `plus_test_list`, when the release carries them.
    func record(_ record: OrderedJSON, taskID: String) -> OrderedJSON {
        guard summary != nil, case .object(let pairs) = record else { return record }
        return .object(pairs + [("plus_test_list", .array((byTask[taskID] ?? []).map { .string($0) }))])
    }
}
