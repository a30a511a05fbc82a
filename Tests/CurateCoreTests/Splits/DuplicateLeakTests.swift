import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// Duplicate pairs checked against the split a release actually makes, under every policy.
@Suite(.serialized) struct DuplicateLeakTests {
    static let pool = Task { try await ExecutionPool(configuration: .init(jobs: 2)) }

    /// Fourteen real MBPP tasks (Tests/Fixtures/duplicates) with `metadata` added, deduplicated at the defaults
    /// (with execution when `execute`), flags recorded.
    static func store(execute: Bool = false, metadata: (String) -> [String: String] = { _ in [:] }) async throws
        -> TaskStore
    {
        let ingested = try SeededStore.ingested(["duplicates/mbpp-pairs.jsonl"])
        let store = try SeededStore.withTasks(
            try ingested.heads(dataset: "mbpp").map { head in
                var content = try TaskContent.decode(head.revision.content)
                content.metadata.merge(metadata(head.task.sourceID)) { _, new in new }
                return (head.task.id, content)
            })
        let checker = execute ? BehaviourChecker(pool: try await Self.pool.value, limits: .default) : nil
        _ = try await DedupFilter.run(
            store: store, datasets: ["mbpp"], options: DedupOptions(), splits: .none, checker: checker)
        return store
    }

    static func leaks(_ store: TaskStore, _ policy: SplitPolicy, fewShot: FewShotSelection = .none) throws -> [String] {
        try ReleaseBuilder(store: store).render(
            ReleaseConfiguration(dataset: "mbpp", version: "1.0.0", policy: policy, fewShot: fewShot)
        ).leaks.map { "\($0.later)[\($0.laterSplit)]>\($0.earlier)[\($0.earlierSplit)]" }
    }

    @Test func mbppPublishedRangesLeakParaphrasesAndIdenticalCode() async throws {
        let store = try await Self.store()
        #expect(
            try Self.leaks(store, .ranges(SplitRange.mbpp)) == [
                "mbpp/625[train]>mbpp/591[validation]", "mbpp/704[train]>mbpp/248[test]",
                "mbpp/933[train]>mbpp/102[test]", "mbpp/933[train]>mbpp/411[test]", "mbpp/965[train]>mbpp/102[test]",
                "mbpp/965[train]>mbpp/411[test]",
            ])
    }

    @Test func fewShotSplitIsOnTheTrainingSide() async throws {
        let store = try await Self.store()
        let ranges = [
            SplitRange(split: "prompt", lower: 1, upper: 250), SplitRange(split: "test", lower: 251, upper: 700),
            SplitRange(split: "train", lower: 701, upper: 974),
        ]
        #expect(
            try Self.leaks(store, .ranges(ranges)) == [
                "mbpp/411[test]>mbpp/102[prompt]", "mbpp/933[train]>mbpp/411[test]", "mbpp/965[train]>mbpp/411[test]",
            ])
        let fixed = FewShotSelection.fixed(split: "prompt", sourceIDs: ["933"])
        #expect(
            try Self.leaks(store, .ranges(SplitRange.mbpp), fewShot: fixed) == [
                "mbpp/625[train]>mbpp/591[validation]", "mbpp/704[train]>mbpp/248[test]",
                "mbpp/933[prompt]>mbpp/102[test]", "mbpp/933[prompt]>mbpp/411[test]",
                "mbpp/965[train]>mbpp/102[test]", "mbpp/965[train]>mbpp/411[test]",
            ])
    }

    @Test func fieldPolicyLeaksWhereTheFieldSplitsAPair() async throws {
        let test: Set = ["248", "591", "102", "16"]
        let store = try await Self.store { ["origin": test.contains($0) ? "test" : "train"] }
        #expect(
            try Self.leaks(store, .field(key: "origin", splits: ["train", "test"])) == [
                "mbpp/43[train]>mbpp/16[test]", "mbpp/411[train]>mbpp/102[test]", "mbpp/625[train]>mbpp/591[test]",
                "mbpp/704[train]>mbpp/248[test]", "mbpp/933[train]>mbpp/102[test]", "mbpp/965[train]>mbpp/102[test]",
            ])
        let validation = try await Self.store { ["origin": test.contains($0) ? "test" : "validation"] }
        #expect(try Self.leaks(validation, .field(key: "origin", splits: ["validation", "test"])).count == 6)
        let together = try await Self.store { _ in ["origin": "train"] }
        #expect(try Self.leaks(together, .field(key: "origin", splits: ["train", "test"])).isEmpty)
    }

    /// Hash and stratified hash: each salt's leaks are exactly the pairs the real `Splitter` puts on both sides.
    @Test(arguments: [nil, "group"] as [String?])
    func hashPoliciesAreCheckedOnTheirOwnAssignment(stratifyBy: String?) async throws {
        let store = try await Self.store { ["group": Int($0)! % 2 == 0 ? "even" : "odd"] }
        let heads = try store.heads(dataset: "mbpp")
        let candidates = try heads.map {
            SplitCandidate(
                id: $0.task.id, sourceID: $0.task.sourceID,
                metadata: try TaskContent.decode($0.revision.content).metadata)
        }
        let flags = try store.effectiveFlags(revisionIDs: heads.map { $0.revision.id! })
        let links = DuplicateLink.links(
            effectiveFlags: Dictionary(uniqueKeysWithValues: heads.map { ($0.task.id, flags[$0.revision.id!] ?? []) }))
        #expect(links.count == 9)
        var seen: Set<Int> = []
        for salt in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            let policy = SplitPolicy.hash(
                salt: salt, ratios: [SplitRatio(split: "train", weight: 0.5), SplitRatio(split: "test", weight: 0.5)],
                stratifyBy: stratifyBy)
            let assignment = try Splitter.assign(candidates, policy: policy)
            let expected = links.filter { assignment[$0.earlier] != assignment[$0.later] }.map {
                "\($0.later)[\(assignment[$0.later]!)]>\($0.earlier)[\(assignment[$0.earlier]!)]"
            }
            #expect(try Self.leaks(store, policy) == expected, "salt \(salt)")
            seen.insert(expected.count)
        }
        #expect(seen.count > 1, "the salts split the pairs in different ways")
    }

    @Test func releaseRefusesALeakUntilDismissedOrKeptTogether() async throws {
        let store = try await Self.store(execute: true)
        let directory = try TemporaryDirectory()
        var config = ReleaseConfiguration(
            dataset: "mbpp", version: "1.0.0", policy: .ranges(SplitRange.mbpp), outputRoot: directory.path)
        let refusal = try #require(throws: ReleaseError.self) { try ReleaseBuilder(store: store).release(config) }
        guard case .duplicateLeaks(_, let leaks) = refusal else {
            Issue.record("expected duplicateLeaks, got \(refusal)")
            return
        }
        #expect(
            leaks.map(\.code) == Array(repeating: "duplicate/behavioural", count: 2)
                + Array(repeating: "duplicate/near", count: 4))
        let message = refusal.localizedDescription
        #expect(message.contains("mbpp/704 [train] duplicates mbpp/248 [test] (duplicate/behavioural, flag #"))
        #expect(message.contains("mbpp/625 [train] duplicates mbpp/591 [validation]"))
        #expect(message.contains("curate override FLAG_ID") && message.contains("keep_duplicates_together"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("mbpp/1.0.0").path))

        var together = config
        together.keepDuplicatesTogether = true
        together.outputRoot = directory.appendingPathComponent("together").path
        let kept = try ReleaseBuilder(store: store).release(together)
        #expect(kept.leaks.isEmpty)
        #expect(
            kept.moved.map { "\($0.task):\($0.from)>\($0.to)@\($0.with)" } == [
                "mbpp/625:train>validation@mbpp/591", "mbpp/704:train>test@mbpp/248", "mbpp/933:train>test@mbpp/102",
                "mbpp/965:train>test@mbpp/102",
            ])
        let manifest = try LoadedRelease(spec: "mbpp@1.0.0", root: together.outputRoot).manifest
        #expect(manifest.tasks["mbpp/704"]?.split == "test")
        #expect(manifest.duplicatesKeptTogether == kept.moved)

        let desk = try ReviewDesk(store: store, editsDirectory: directory.appendingPathComponent("edits").path)
        for flagID in Set(leaks.map(\.flagID)) {
            _ = try desk.dismissFlag(flagID, editor: "ana", reason: "kept as MBPP published it")
        }
        let dismissed = try ReleaseBuilder(store: store).release(config)
        #expect(dismissed.leaks.isEmpty && dismissed.moved.isEmpty)
        let shipped = try LoadedRelease(spec: "mbpp@1.0.0", root: config.outputRoot).manifest
        #expect(shipped.tasks["mbpp/704"]?.split == "train")
        #expect(shipped.duplicatesKeptTogether == nil)

        config.version = "1.0.1"
        _ = try desk.reinstateFlag(leaks[0].flagID, editor: "bo", reason: "it is a leak")
        #expect(throws: ReleaseError.self) { try ReleaseBuilder(store: store).release(config) }
        config.allowLeaks = true
        #expect(try ReleaseBuilder(store: store).release(config).leaks.map(\.later) == ["mbpp/625"])
    }
}
