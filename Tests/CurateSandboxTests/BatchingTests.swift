import Testing

@testable import CurateSandbox

/// How `runAll` cuts requests into per-worker batches.
struct BatchingTests {
    @Test func batchesShrinkTowardsTheEndAndCoverEveryRequest() {
        let batches = ExecutionPool.batches(
            seeds: Array(repeating: 0, count: 200), sizes: Array(repeating: 100, count: 200), jobs: 2)
        #expect(batches.first == 0..<16)
        #expect(batches.last?.count == 1)
        #expect(batches.flatMap { Array($0) } == Array(0..<200))
        #expect(batches.allSatisfy { $0.count <= 16 })
    }

    @Test func batchesNeverMixSeedsOrExceed32KiB() {
        let seeds = [0, 0, 0, 1, 1, 0] + Array(repeating: 0, count: 100)
        let sizes = [100, 100, 100, 100, 100, 100] + Array(repeating: 12 << 10, count: 100)
        let batches = ExecutionPool.batches(seeds: seeds, sizes: sizes, jobs: 1)
        #expect(batches.prefix(2) == [0..<3, 3..<5])
        for batch in batches {
            #expect(Set(batch.map { seeds[$0] }).count == 1)
            #expect(batch.count == 1 || batch.map { sizes[$0] }.reduce(0, +) <= 32 << 10)
        }
    }
}
