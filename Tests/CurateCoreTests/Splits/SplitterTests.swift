import CurateCore
import Testing

struct SplitterTests {
    static func tasks(_ range: ClosedRange<Int>, dataset: String = "d") -> [SplitCandidate] {
        range.map {
            SplitCandidate(
                id: "\(dataset)/\($0)", sourceID: "\($0)", metadata: ["category": $0 % 3 == 0 ? "math" : "strings"])
        }
    }

    @Test func mbppPublishedRanges() throws {
        let ranges = [
            SplitRange(split: "prompt", lower: 1, upper: 10), SplitRange(split: "test", lower: 11, upper: 510),
            SplitRange(split: "validation", lower: 511, upper: 600), SplitRange(split: "train", lower: 601, upper: 974),
        ]
        let assignment = try Splitter.assign(Self.tasks(1...974), policy: .ranges(ranges))
        let counts = Dictionary(grouping: assignment.values, by: { $0 }).mapValues(\.count)
        #expect(counts == ["prompt": 10, "test": 500, "validation": 90, "train": 374])
        #expect(assignment["d/510"] == "test" && assignment["d/511"] == "validation")
    }

    @Test func rangesRejectIDsOutsideEveryRange() {
        #expect(throws: SplitError.outsideRanges("d/5")) {
            try Splitter.assign(Self.tasks(5...5), policy: .ranges([SplitRange(split: "a", lower: 1, upper: 4)]))
        }
        #expect(throws: SplitError.nonNumericID("d/x")) {
            try Splitter.assign([SplitCandidate(id: "d/x", sourceID: "x")], policy: .ranges([]))
        }
    }

    @Test func fieldPolicyUsesTheMetadataValueAsTheSplit() throws {
        let tasks = [
            SplitCandidate(id: "m/dev/0", sourceID: "dev/0", metadata: ["split": "dev"]),
            SplitCandidate(id: "m/test/0", sourceID: "test/0", metadata: ["split": "test"]),
            SplitCandidate(
                id: "m/challenge_test/3", sourceID: "challenge_test/3", metadata: ["split": "challenge_test"]),
        ]
        let assignment = try Splitter.assign(
            tasks, policy: .field(key: "split", splits: ["train", "dev", "test", "challenge_test"]))
        #expect(assignment == ["m/dev/0": "dev", "m/test/0": "test", "m/challenge_test/3": "challenge_test"])
    }

    @Test(arguments: [
        (["split": "validation"], SplitError.unlistedFieldValue(id: "m/1", key: "split", value: "validation")),
        (["category": "gain"], SplitError.missingField(id: "m/1", key: "split")),
    ])
    func fieldPolicyRejectsMissingAndUnlistedValues(metadata: [String: String], expected: SplitError) {
        #expect(throws: expected) {
            try Splitter.assign(
                [SplitCandidate(id: "m/1", sourceID: "1", metadata: metadata)],
                policy: .field(key: "split", splits: ["dev", "test"]))
        }
    }

    @Test func hashIsStableWhenTasksAreAdded() throws {
        let policy = SplitPolicy.hash(
            salt: "s1", ratios: [SplitRatio(split: "train", weight: 0.8), SplitRatio(split: "test", weight: 0.2)],
            stratifyBy: nil)
        let before = try Splitter.assign(Self.tasks(1...500), policy: policy)
        let after = try Splitter.assign(Self.tasks(1...1500), policy: policy)
        for (id, split) in before { #expect(after[id] == split) }
        let share = Double(after.values.filter { $0 == "test" }.count) / 1500
        #expect(share > 0.15 && share < 0.25)
    }

    @Test func hashDependsOnTheSalt() throws {
        let ratios = [SplitRatio(split: "a", weight: 1), SplitRatio(split: "b", weight: 1)]
        let one = try Splitter.assign(Self.tasks(1...200), policy: .hash(salt: "x", ratios: ratios, stratifyBy: nil))
        let two = try Splitter.assign(Self.tasks(1...200), policy: .hash(salt: "y", ratios: ratios, stratifyBy: nil))
        #expect(one != two)
    }

    @Test func stratifiedHashKeepsRatiosPerStratum() throws {
        let policy = SplitPolicy.hash(
            salt: "s", ratios: [SplitRatio(split: "train", weight: 3), SplitRatio(split: "test", weight: 1)],
            stratifyBy: "category")
        let tasks = Self.tasks(1...120)
        let assignment = try Splitter.assign(tasks, policy: policy)
        for category in ["math", "strings"] {
            let members = tasks.filter { $0.metadata["category"] == category }
            let test = members.filter { assignment[$0.id] == "test" }.count
            #expect(test == Int((Double(members.count) / 4).rounded()))
        }
    }

    @Test func fewShotFixedAndPicked() throws {
        let ranges = SplitPolicy.ranges([
            SplitRange(split: "train", lower: 1, upper: 50), SplitRange(split: "validation", lower: 51, upper: 100),
        ])
        let fixed = try Splitter.assign(
            Self.tasks(1...100), policy: ranges, fewShot: .fixed(split: "prompt", sourceIDs: ["2", "3"]))
        #expect(fixed["d/2"] == "prompt" && fixed["d/3"] == "prompt" && fixed["d/4"] == "train")
        var tasks = Self.tasks(1...100)
        for index in tasks.indices where index % 2 == 0 { tasks[index].eligibleForFewShot = false }
        let picked = try Splitter.assign(
            tasks, policy: ranges, fewShot: .pick(split: "prompt", count: 5, pool: "validation", salt: "k"))
        let chosen = picked.filter { $0.value == "prompt" }.keys
        #expect(chosen.count == 5)
        for id in chosen {
            let task = try #require(tasks.first { $0.id == id })
            #expect(task.eligibleForFewShot && Int(task.sourceID)! > 50)
        }
        let again = try Splitter.assign(
            tasks, policy: ranges, fewShot: .pick(split: "prompt", count: 5, pool: "validation", salt: "k"))
        #expect(again == picked)
        #expect(throws: SplitError.self) {
            try Splitter.assign(
                tasks, policy: ranges, fewShot: .pick(split: "prompt", count: 40, pool: "validation", salt: "k"))
        }
    }
}

struct OrderedJSONTests {
    @Test(arguments: [
        (OrderedJSON.string("a\"b\\c\r\n\té"), #""a\"b\\c\r\n\t\u00e9""#),
        (OrderedJSON.object([("b", .int(1)), ("a", .array([.string("x"), .null]))]), #"{"b": 1, "a": ["x", null]}"#),
        (OrderedJSON.double(2.0), "2.0"),
        (OrderedJSON.double(1e-05), "1e-05"),
        (OrderedJSON.string("😀"), #""\ud83d\ude00""#),
    ])
    func pythonCompatibleSerialization(value: OrderedJSON, expected: String) {
        #expect(value.serialized == expected)
    }
}
