import Testing

@testable import CurateCore

/// The progress bars' time-left estimate.
struct ProgressETATests {
    @Test(arguments: [
        (10.0, 1, 4, "ETA 30s"), (10.0, 5, 10, "ETA 10s"), (1.0, 1, 200, "ETA 3m19s"), (60.0, 1, 100, "ETA 1h39m"),
        (0.5, 3, 4, "ETA 1s"),
    ])
    func extrapolatesTheRateSoFar(elapsed: Double, done: Int, total: Int, expected: String) {
        #expect(ProgressETA.text(elapsed: elapsed, done: done, total: total) == expected)
    }

    @Test(arguments: [(5.0, 0, 10), (5.0, 10, 10), (0.0, 1, 10)])
    func noEstimateBeforeTheFirstUnitOrAfterTheLast(elapsed: Double, done: Int, total: Int) {
        #expect(ProgressETA.text(elapsed: elapsed, done: done, total: total) == nil)
    }
}
