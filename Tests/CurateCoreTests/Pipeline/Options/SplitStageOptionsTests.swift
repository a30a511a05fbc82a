import Foundation
import Testing

@testable import CurateCore

/// The split stage's options: YAML mappings keep their order, and an unset policy follows the dataset.
struct SplitStageOptionsTests {
    static func configuration(_ yaml: String, dataset: String = "mbpp") throws -> SplitStageConfiguration {
        let file = try PipelineFile.parse(
            "pipeline: p\ndataset: \(dataset)\nstages:\n  - stage: split\n" + yaml, path: "p.yaml", sha256: "",
            catalog: .standard)
        return try SplitStageConfiguration(file.stages[0].parameters, dataset: dataset, edition: file.edition)
    }

    @Test func mappingsKeepTheOrderWritten() throws {
        let ranges = try Self.configuration(
            "    policy: ranges\n    ranges:\n      train: [5, 9]\n      test: [1, 4]\n")
        #expect(
            ranges.policy
                == .ranges([
                    SplitRange(split: "train", lower: 5, upper: 9), SplitRange(split: "test", lower: 1, upper: 4),
                ]))
        let hash = try Self.configuration("    policy: hash\n    ratios: {test: 1, train: 3.5}\n    salt: s\n")
        #expect(
            hash.policy
                == .hash(
                    salt: "s", ratios: [SplitRatio(split: "test", weight: 1), SplitRatio(split: "train", weight: 3.5)],
                    stratifyBy: nil))
    }

    @Test(arguments: [
        ("mbpp", SplitPolicy.ranges(SplitRange.mbpp)),
        ("mathqa-python", SplitPolicy.field(key: "split", splits: MathQAFile.splits)),
        (
            "humaneval",
            SplitPolicy.hash(
                salt: "humaneval",
                ratios: [
                    SplitRatio(split: "train", weight: 0.8), SplitRatio(split: "validation", weight: 0.1),
                    SplitRatio(split: "test", weight: 0.1),
                ],
                stratifyBy: nil)
        ),
    ])
    func anUnsetPolicyFollowsTheDataset(dataset: String, policy: SplitPolicy) throws {
        #expect(try SplitStageOptions().splitPolicy(dataset: dataset) == policy)
    }

    @Test func fewShotSettingsBecomeASelection() throws {
        let fixed = try Self.configuration("    few_shot_ids: ['2', '3']\n")
        #expect(fixed.fewShot == .fixed(split: "prompt", sourceIDs: ["2", "3"]))
        let picked = try Self.configuration(
            "    few_shot_count: 2\n    few_shot_pool: train\n    few_shot_split: shots\n")
        #expect(picked.fewShot == .pick(split: "shots", count: 2, pool: "train", salt: "mbpp"))
    }

    @Test func encodedDefaultsDecodeBackUnchanged() throws {
        var options = SplitStageOptions()
        options.ranges = OrderedSplitRanges(SplitRange.mbpp)
        options.ratios = OrderedSplitRatios([SplitRatio(split: "b", weight: 2), SplitRatio(split: "a", weight: 1)])
        #expect(try JSONDecoder().decode(SplitStageOptions.self, from: JSONEncoder().encode(options)) == options)
    }
}
