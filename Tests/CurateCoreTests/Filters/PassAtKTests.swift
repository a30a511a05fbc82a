import CurateCore
import Testing

@Suite struct PassAtKTests {
    /// Values worked out by hand from 1 - C(n-c,k)/C(n,k).
    @Test(arguments: [
        (n: 10, c: 0, k: 1, expected: 0.0),
        (n: 10, c: 10, k: 1, expected: 1.0),
        (n: 10, c: 3, k: 1, expected: 0.3),
        (n: 10, c: 3, k: 10, expected: 1.0),
        (n: 10, c: 1, k: 5, expected: 0.5),
        (n: 100, c: 1, k: 10, expected: 0.1),
        (n: 4, c: 2, k: 2, expected: 5.0 / 6.0),
        (n: 200, c: 3, k: 100, expected: 1 - 970_200.0 / 7_880_400.0),
    ])
    func handComputed(n: Int, c: Int, k: Int, expected: Double) throws {
        let value = try #require(PassAtK.estimate(n: n, c: c, k: k))
        #expect(abs(value - expected) < 1e-12)
    }

    @Test(arguments: [(n: 5, c: 1, k: 10), (n: 0, c: 0, k: 1), (n: 10, c: 11, k: 1), (n: 10, c: 2, k: 0)])
    func undefinedRatherThanInvented(n: Int, c: Int, k: Int) {
        #expect(PassAtK.estimate(n: n, c: c, k: k) == nil)
    }

    @Test func largeNStaysInRangeAndMonotoneInC() throws {
        var previous = 0.0
        for c in stride(from: 0, through: 5000, by: 250) {
            let value = try #require(PassAtK.estimate(n: 5000, c: c, k: 100))
            #expect(value >= previous && value <= 1)
            previous = value
        }
        let tiny = try #require(PassAtK.estimate(n: 100_000, c: 1, k: 1))
        #expect(abs(tiny - 1e-5) < 1e-15)
    }
}
