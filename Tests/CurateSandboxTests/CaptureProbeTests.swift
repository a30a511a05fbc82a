import CurateSandbox
import Foundation
import Testing

/// Capture mode records the entry point's arguments in the tests process; probe mode calls it on given inputs.
struct CaptureProbeTests {
    static let solution = """
        import random
        def pick(xs, k):
            if k < 0:
                raise ValueError("negative k")
            return sorted(xs)[:k]
        def helper(x):
            return x
        class Box:
            pass
        def boxed(x):
            return Box()
        def noisy(x):
            return random.random()
        def spin(x):
            while x:
                pass
            return 0
        """

    func run(_ request: ExecutionRequest) async throws -> ExecutionVerdict {
        try await SharedPool.get().run(request)
    }

    @Test func captureRecordsEveryCallToTheEntryPointOnly() async throws {
        let verdict = try await run(
            ExecutionRequest(
                solution: Self.solution, testSetup: "data = [3, 1, 2]\nassert pick(data, 0) == []",
                tests: [
                    "assert pick(data, 2) == [1, 2]", "assert helper(5) == 5 and pick({'a': (1, 2.5)}, 1) == ['a']",
                    "assert pick(xs=[1], k=1) == [1]", "assert pick(b'ba', 2) == [97, 98]",
                ],
                entryPoint: "pick", captureCalls: true))
        #expect(verdict.passed, "\(verdict.tests)")
        let calls = try #require(verdict.capturedCalls)
        #expect(calls.map(\.phase) == ["setup", "test", "test", "test", "test"])
        #expect(calls.map(\.test) == [-1, 0, 1, 2, 3])
        #expect(
            calls.map(\.arguments) == [
                "[[\"l\",3,1,2],0]", "[[\"l\",3,1,2],2]", "[[\"d\",\"a\",[\"t\",1,2.5]],1]", nil,
                "[[\"y\",\"YmE=\"],2]",
            ])
        #expect(calls[3].skipped == "keywords")
    }

    @Test func withoutTheFlagNothingIsCaptured() async throws {
        let verdict = try await run(
            ExecutionRequest(solution: Self.solution, tests: ["assert pick([2], 1) == [2]"], entryPoint: "pick"))
        #expect(verdict.passed && verdict.capturedCalls == nil && verdict.probes == nil)
    }

    @Test func probeReportsValuesErrorsAndViews() async throws {
        let verdict = try await run(
            ExecutionRequest(
                solution: Self.solution, testSetup: "offset = 10", tests: [], entryPoint: "pick",
                probeInputs: ["[[\"l\",3,1,2],2]", "[[\"s\",\"b\",\"a\"],5]", "[[\"l\"],-1]", "[1]", "[[\"h\",0],1]"],
                probeViews: ["set(_curate_result)", "len(_curate_result) + offset", "_curate_result[5]"]))
        #expect(verdict.status == .ok, "\(verdict.detail)")
        let probes = try #require(verdict.probes)
        #expect(probes.map(\.input) == [0, 1, 2, 3, 4])
        #expect(probes.map(\.kind) == [.value, .value, .raised, .raised, .raised])
        #expect(probes[0].argumentsRepr == "[3, 1, 2], 2")
        #expect(probes[0].result == "[\"l\",1,2]" && probes[0].resultRepr == "[1, 2]")
        #expect(
            probes[0].views == [
                ProbeView(repr: "{1, 2}"), ProbeView(repr: "12"),
                ProbeView(error: "IndexError: list index out of range"),
            ])
        #expect(probes[1].resultRepr == "['a', 'b']")
        #expect(probes[2].errorType == "ValueError" && probes[2].message == "negative k")
        #expect(probes[3].errorType == "TypeError")
        #expect(probes[4].errorType == "ProtocolError")
        #expect(probes.allSatisfy { $0.kind != .value || ($0.seconds ?? -1) >= 0 })
    }

    @Test func probeTellsResultsThatAreNotPlainData() async throws {
        let verdict = try await run(
            ExecutionRequest(solution: Self.solution, tests: [], entryPoint: "boxed", probeInputs: ["[1]"]))
        let probe = try #require(verdict.probes?.first)
        #expect(verdict.probes?.count == 1 && probe.kind == .notPlain && probe.argumentsRepr == "1")
        #expect(probe.result == nil && probe.resultRepr == nil && probe.errorType == "Remote")
    }

    @Test func countersAreSpelledAsTheDictsTheyEqual() async throws {
        let verdict = try await run(
            ExecutionRequest(
                solution: "import collections\ndef count(xs):\n    return [collections.Counter(xs)]", tests: [],
                entryPoint: "count", probeInputs: ["[[\"l\",\"a\",\"b\",\"a\"]]"], probeViews: ["_curate_result[0]"]))
        let probe = try #require(verdict.probes?.first)
        #expect(probe.result == "[\"l\",[\"k\",\"a\",2,\"b\",1]]")
        #expect(probe.resultRepr == "[{'a': 2, 'b': 1}]")
        #expect(probe.views == [ProbeView(repr: "{'a': 2, 'b': 1}")])
    }

    @Test func probeWithoutTheEntryPointSaysSo() async throws {
        let verdict = try await run(
            ExecutionRequest(solution: Self.solution, tests: [], entryPoint: "missing", probeInputs: ["[1]"]))
        #expect(verdict.probes?.map(\.input) == [-1])
        #expect(verdict.probes?.first?.errorType == "NameError")
    }

    @Test func aProbeThatTimesOutKeepsTheOutcomesBeforeIt() async throws {
        let verdict = try await run(
            ExecutionRequest(
                solution: Self.solution, tests: [], limits: ExecutionLimits(timeoutSeconds: 1), entryPoint: "spin",
                probeInputs: ["[0]", "[1]", "[0]"]))
        #expect(verdict.status == .timeout)
        #expect(verdict.probes?.map(\.input) == [0])
    }

    @Test func probeFieldsArePartOfTheKey() {
        let base = ExecutionRequest(solution: "def f(x): return x", tests: [], entryPoint: "f")
        var probed = base
        probed.probeInputs = ["[1]"]
        var viewed = probed
        viewed.probeViews = ["_curate_result"]
        var captured = base
        captured.captureCalls = true
        #expect(Set([base.key, probed.key, viewed.key, captured.key]).count == 4)
    }
}
