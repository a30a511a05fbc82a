import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// A blocklist filter: drops the listed tasks, judges only the `judged` ones (all when nil).
struct BlocklistFilter: TaskFilter {
    static let stage = "blocklist"
    static let reason = FilterReason(stage: stage, code: "blocklisted", severity: .error)
    var drop: Set<String>
    var judged: Set<String>?

    func decide(_ tasks: [FilterTask], progress: (@Sendable (Int, Int) -> Void)?) async throws -> FilterDecisions<Int> {
        let decisions = tasks.map { task -> [FilterDecision]? in
            guard judged?.contains(task.taskID) ?? true else { return nil }
            return [drop.contains(task.taskID) ? .drop(reason: Self.reason, message: "listed", evidence: "{}") : .keep]
        }
        return FilterDecisions(decisions, details: decisions.compactMap { $0 }.count)
    }
}

/// `FilterRunner` loads, asks, records (superseding the stage's flags on judged revisions only) and counts.
struct FilterRunnerTests {
    func codes(_ store: TaskStore) throws -> [String: [String]] {
        let heads = try store.heads(dataset: "mbpp")
        let flags = try store.activeFlags(revisionIDs: heads.map { $0.revision.id! })
        var byTask: [String: [String]] = [:]
        for head in heads {
            byTask[head.task.id] = (flags[head.revision.id!] ?? []).filter { $0.stage == BlocklistFilter.stage }.map(
                \.code)
        }
        return byTask.filter { !$0.value.isEmpty }
    }

    @Test func dropsBecomeFlagsAndARerunSupersedesOnlyWhatItJudged() async throws {
        let store = try SeededStore.ingested()
        let first = try await FilterRunner.run(
            BlocklistFilter(drop: ["mbpp/2", "mbpp/3"]), store: store, datasets: ["mbpp"])
        #expect((first.summary.judged, first.summary.kept, first.summary.dropped) == (5, 3, 2))
        #expect(first.summary.dropsByReason == ["blocklisted": 2])
        #expect(first.details == 5)
        #expect(first.findings.map(\.taskID) == ["mbpp/2", "mbpp/3"])
        #expect(try codes(store) == ["mbpp/2": ["blocklisted"], "mbpp/3": ["blocklisted"]])

        let second = try await FilterRunner.run(
            BlocklistFilter(drop: [], judged: ["mbpp/2"]), store: store, datasets: [])
        #expect((second.summary.judged, second.summary.dropped) == (1, 0))
        #expect(
            try codes(store) == ["mbpp/3": ["blocklisted"]],
            "mbpp/2 judged again and kept; mbpp/3 unjudged keeps its flag")

        let dry = try await FilterRunner.run(
            BlocklistFilter(drop: ["mbpp/4"]), store: store, datasets: ["mbpp"], record: false)
        #expect(dry.summary.dropped == 1)
        #expect(try codes(store) == ["mbpp/3": ["blocklisted"]], "a dry run writes nothing")
    }

    @Test func aDatasetWithoutTasksIsAnError() async throws {
        let store = try SeededStore.ingested()
        await #expect(throws: FilterError.noTasks(dataset: "none")) {
            try await FilterRunner.run(BlocklistFilter(drop: []), store: store, datasets: ["none"])
        }
    }
}
