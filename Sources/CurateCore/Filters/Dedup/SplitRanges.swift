import Foundation

/// Assigns a split name to a task by numeric source-id ranges (`test=11-510`), e.g. MBPP's published split;
/// the text form of the split stage's `SplitPolicy.ranges`.
public struct SplitRanges: Sendable, Hashable, Codable, CustomStringConvertible {
    public var ranges: [SplitRange]

    /// MBPP's published split by task id: 1–10 prompt, 11–510 test, 511–600 validation, 601–974 train.
    public static let mbpp = SplitRanges(ranges: [
        SplitRange(split: "prompt", lower: 1, upper: 10), SplitRange(split: "test", lower: 11, upper: 510),
        SplitRange(split: "validation", lower: 511, upper: 600), SplitRange(split: "train", lower: 601, upper: 974),
    ])

    public init(ranges: [SplitRange]) { self.ranges = ranges }

    /// Parses `prompt=1-10,test=11-510`; throws `FilterError.badSplitRanges` naming the bad part.
    public init(parsing text: String) throws {
        var ranges: [SplitRange] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let nameAndRange = part.split(separator: "=", maxSplits: 1).map(String.init)
            let bounds = nameAndRange.count == 2 ? nameAndRange[1].split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) } : []
            guard nameAndRange.count == 2, !nameAndRange[0].isEmpty, bounds.count == 2 || bounds.count == 1,
                  let lower = bounds.first ?? nil, let upper = bounds.last ?? nil, lower <= upper
            else { throw FilterError.badSplitRanges(text, part: part) }
            ranges.append(SplitRange(split: nameAndRange[0], lower: lower, upper: upper))
        }
        guard !ranges.isEmpty else { throw FilterError.badSplitRanges(text, part: text) }
        self.ranges = ranges
    }

    /// The split of a numeric source id, or nil when it is not a number or falls in no range.
    public func split(sourceID: String) -> String? {
        guard let number = Int(sourceID) else { return nil }
        return ranges.first { $0.lower <= number && number <= $0.upper }?.split
    }

    public var description: String {
        ranges.map { "\($0.split)=\($0.lower)-\($0.upper)" }.joined(separator: ",")
    }
}
