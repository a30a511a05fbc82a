import Testing

@testable import CurateCore

/// The one parser of `SPLIT=LOW-HIGH`, used by `--range`, `--split-ranges` and the split stage.
struct SplitRangeParsingTests {
    @Test(
        arguments: [
            ("test=11-510", SplitRange(split: "test", lower: 11, upper: 510)),
            ("test=11", SplitRange(split: "test", lower: 11, upper: 11)),
            (" train = 601 - 974 ", SplitRange(split: "train", lower: 601, upper: 974)),
            ("test=510-11", nil), ("=1-2", nil), ("test=", nil), ("test=a-b", nil), ("test=1-2-3", nil), ("test", nil),
        ] as [(String, SplitRange?)])
    func parses(text: String, expected: SplitRange?) {
        #expect(SplitRange(parsing: text) == expected)
    }

    @Test func mbppRangesAreDefinedOnceAndRoundTrip() throws {
        #expect(SplitRanges.mbpp.ranges == SplitRange.mbpp)
        #expect(try SplitRanges(parsing: SplitRanges.mbpp.description) == SplitRanges.mbpp)
        #expect(SplitRanges.mbpp.description == "prompt=1-10,test=11-510,validation=511-600,train=601-974")
    }
}
