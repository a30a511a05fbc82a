import CurateCore
import CurateStore
import CurateTestSupport
import Foundation
import Testing

/// `Validator`: verdicts and flags in the store, reuse by key, calibrated limits.
struct ValidatorTests {
    static let fixture = Fixtures.path("execution/mbpp-sample.jsonl")

    static func store() throws -> TaskStore {
        try SeededStore.ingested(["execution/mbpp-sample.jsonl"], options: IngestOptions(dataset: "mbpp"))
    }

    static let options = ValidationOptions(dataset: "mbpp", limits: ExecutionLimits(timeoutSeconds: 1))

    @Test func validatesStoresAndReuses() async throws {
        let store = try Self.store()
        let pool = try await SharedPool.get()
        let validator = Validator(store: store, pool: pool)
        let report = try await validator.validate(options: Self.options)
        #expect(report.tasks == 5)
        #expect(report.executed == 5)
        #expect(report.counts[.passed] == 3)
        #expect(report.counts[.failed] == 1)
        #expect(report.counts[.timeout] == 1)
        #expect(report.retriedTimeouts == 1)
        #expect(report.failures.map(\.taskID) == ["mbpp/9001", "mbpp/9002"])
        let wrong = try #require(report.failures.first)
        #expect(wrong.statement == "assert is_not_prime(10) == False")
        #expect(wrong.outcome == "AssertionError")
        #expect(report.failures[1].statement == "while True: pass")

        let heads = Dictionary(
            uniqueKeysWithValues: try store.heads(dataset: "mbpp").map { ($0.task.id, $0.revision.id!) })
        let flags = try store.activeFlags(revisionIDs: Array(heads.values))
        #expect(flags[heads["mbpp/9001"]!]?.filter { $0.stage == "validate" }.map(\.code) == ["validate/failed"])
        #expect(flags[heads["mbpp/9002"]!]?.filter { $0.stage == "validate" }.map(\.code) == ["validate/timeout"])
        #expect(flags[heads["mbpp/2"]!]?.filter { $0.stage == "validate" } ?? [] == [])

        let stored = try #require(try Validator.latestVerdict(store: store, revisionID: heads["mbpp/367"]!))
        #expect(stored.verdict.passed)
        #expect(stored.pythonVersion == pool.pythonVersion)
        let calibrated = try #require(stored.calibratedTimeoutSeconds)
        #expect(calibrated >= TimeLimitPolicy.default.floorSeconds && calibrated <= 1)
        #expect(
            try Validator.latestVerdict(store: store, revisionID: heads["mbpp/9002"]!)?.calibratedTimeoutSeconds == nil)

        let again = try await validator.validate(options: Self.options)
        #expect(again.executed == 0)
        #expect(again.reused == 5)
        #expect(again.counts == report.counts)
        let validateFlags = try store.heads(dataset: "mbpp").flatMap {
            try store.flags(revisionID: $0.revision.id!, activeOnly: false)
        }
        .filter { $0.stage == "validate" }.count
        #expect(validateFlags == 2)
    }

    /// A kill between storing a verdict and storing its flags (the old two-transaction record) left a failing task
    /// unflagged for good: the next run reused the verdict and wrote no flags. Now the next run derives them.
    @Test func aReusedVerdictGetsItsFlags() async throws {
        let store = try Self.store()
        let pool = try await SharedPool.get()
        var options = Self.options
        options.ids = ["mbpp/9001"]
        let head = try #require(try store.heads(dataset: "mbpp").first { $0.task.id == "mbpp/9001" })
        let request = Validator.request(
            for: try TaskContent.decode(head.revision.content), options: options, pythonVersion: pool.pythonVersion)
        let verdict = try await pool.run(request)
        #expect(!verdict.passed)
        try store.recordExecutions([
            ExecutionRecord(
                revisionID: head.revision.id!, key: request.key, status: verdict.status.rawValue, passed: false,
                verdict: CanonicalJSON.string(verdict), cpuSeconds: verdict.cpuSeconds,
                wallSeconds: verdict.wallSeconds,
                peakMemoryKB: verdict.peakMemoryKB, pythonVersion: pool.pythonVersion, timeoutSeconds: 1,
                createdAt: Date())
        ])
        let before = try store.activeFlags(revisionIDs: [head.revision.id!])[head.revision.id!] ?? []
        #expect(before.filter { $0.stage == "validate" }.isEmpty)

        let report = try await Validator(store: store, pool: pool).validate(options: options)
        #expect(report.reused == 1 && report.executed == 0)
        let flags = try store.activeFlags(revisionIDs: [head.revision.id!])[head.revision.id!] ?? []
        #expect(flags.filter { $0.stage == "validate" }.map(\.code) == ["validate/failed"])
    }

    @Test func selectsIdsAndRejectsUnknownOnes() async throws {
        let store = try Self.store()
        let validator = Validator(store: store, pool: try await SharedPool.get())
        var options = Self.options
        options.ids = ["mbpp/3", "mbpp/2"]
        let report = try await validator.validate(options: options)
        #expect(report.tasks == 2)
        #expect(report.counts[.passed] == 2)
        options.ids = ["mbpp/404"]
        await #expect(throws: StoreError.unknownTask("mbpp/404")) { try await validator.validate(options: options) }
    }

    @Test(arguments: [(0.01, 1.0), (0.3, 2.0), (5.0, 10.0)])
    func timeLimitPolicy(_ reference: Double, _ expected: Double) {
        #expect(TimeLimitPolicy.default.limit(referenceWallSeconds: reference, ceiling: 10) == expected)
    }

    @Test func categoriesFollowStatusThenFirstFailure() {
        func verdict(_ status: RunStatus, _ tests: [TestOutcome], error: ProgramError? = nil) -> ExecutionVerdict {
            ExecutionVerdict(
                status: status, tests: tests, cpuSeconds: 0, wallSeconds: 0, peakMemoryKB: 0, stdout: "", stderr: "",
                programError: error)
        }
        #expect(VerdictCategory(verdict(.ok, [.passed])) == .passed)
        #expect(VerdictCategory(verdict(.ok, [.passed, .assertionFailed(message: "")])) == .failed)
        #expect(VerdictCategory(verdict(.ok, [.error(type: "TypeError", message: "x")])) == .error)
        #expect(
            VerdictCategory(
                verdict(.ok, [.notReached], error: ProgramError(phase: "solution", type: "SyntaxError", message: "")))
                == .error)
        #expect(VerdictCategory(verdict(.timeout, [.passed, .notReached])) == .timeout)
        #expect(VerdictCategory(verdict(.crashed, [.notReached])).flagCode == "validate/crashed")
        #expect(VerdictCategory(verdict(.memoryLimit, [.notReached])).flagCode == "validate/memory-limit")
    }
}
