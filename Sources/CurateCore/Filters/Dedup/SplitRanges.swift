import Foundation

/// Assigns a split name to a task by numeric source-id ranges (`test=11-510`), e.g. MBPP's published split;
/// the text form of the split stage's `SplitPolicy.ranges`.
public struct SplitRanges: Sendable, Hashable, Codable, CustomStringConvertible {
    public var ranges: [SplitRange]

    /// MBPP's published split by task id.
    public static let mbpp = SplitRanges(ranges: SplitRange.mbpp)

    public init(ranges: [SplitRange]) { self.ranges = ranges }

    /// Parses `prompt=1-10,test=11-510` with `SplitRange(parsing:)`; throws `FilterError.badSplitRanges` naming the bad part.
    public init(parsing text: String) throws {
        var ranges: [SplitRange] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let range = SplitRange(parsing: part) else { throw FilterError.badSplitRanges(text, part: part) }
            ranges.append(range)
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
        ranges.map(\.text).joined(separator: ",")
    }
}
