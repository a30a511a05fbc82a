import CurateStore
import Foundation

/// One task's way through generation: captured inputs, mutated candidates, the reference's judgement, the tests
/// written and validated, and the ones kept.
struct TaskWork: Sendable {
    /// An argument list the original tests passed to the entry point.
    struct CapturedInput: Sendable {
        var arguments: [PythonValue]
        var text: String
        /// The original test that made the call (-1: the setup).
        var test: Int
    }

    /// A mutated input and the captured input it came from.
    struct Candidate: Sendable {
        var arguments: [PythonValue]
        var text: String
        var origin: Int
    }

    /// A generated test before validation.
    struct PlusTest: Sendable {
        var statement: String
        var inputRepr: String
        var expectedRepr: String
        /// What "call shape" it covers: the original test's shape and the arguments' types.
        var group: String
    }

    let head: TaskHead
    let content: TaskContent
    private(set) var without: (reason: String, detail: String)?
    private(set) var inputs: [CapturedInput] = []
    private(set) var candidates: [Candidate] = []
    /// The shape of each original test that calls the entry point in one of the recognized ways.
    private(set) var shapes: [Int: TestShape] = [:]
    /// The distinct views of those shapes, sent with every probe.
    private(set) var views: [String] = []
    private(set) var tests: [PlusTest] = []
    private(set) var selected: [PlusTest] = []
    private(set) var discarded: [String: Int] = [:]
    private(set) var overCap = 0

    init(head: TaskHead, content: TaskContent) {
        self.head = head
        self.content = content
    }

    mutating func setAside(_ reason: String, _ detail: String) {
        if without == nil { without = (reason, detail) }
    }

    /// Takes the captured calls of a reference run: the distinct replayable argument lists, and the original tests'
    /// shapes.
    mutating func captured(_ verdict: ExecutionVerdict) {
        guard verdict.passed else {
            let why =
                verdict.status != .ok
                ? verdict.detail
                : verdict.programError.map { "\($0.phase): \($0.type): \($0.message)" }
                    ?? verdict.firstFailure.map { "test \($0.index + 1): \($0.outcome.summary)" } ?? "failed"
            return setAside("reference-fails", why)
        }
        let calls = verdict.capturedCalls ?? []
        guard !calls.isEmpty else {
            return setAside("no-calls", "the tests never call '\(content.entryPoint ?? "")' directly")
        }
        var skipped: [String: Int] = [:]
        var seen: Set<String> = []
        for call in calls {
            guard let text = call.arguments else {
                skipped[call.skipped ?? "skipped", default: 0] += 1
                continue
            }
            guard let arguments = try? TaggedJSON.arguments(text), arguments.allSatisfy(\.isPlain) else {
                skipped["not plain data", default: 0] += 1
                continue
            }
            if seen.insert(text).inserted {
                inputs.append(
                    CapturedInput(arguments: arguments, text: text, test: call.phase == "test" ? call.test : -1))
            }
        }
        guard !inputs.isEmpty else {
            let reasons = skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            return setAside("arguments-not-plain", "no call can be replayed from its arguments (\(reasons))")
        }
        let entryPoint = content.entryPoint ?? ""
        for test in Set(inputs.map(\.test)) where content.tests.indices.contains(test) {
            if let shape = TestShape.of(test: content.tests[test], entryPoint: entryPoint) {
                shapes[test] = shape
                if !views.contains(shape.view) { views.append(shape.view) }
            }
        }
    }

    /// Mutates the captured inputs, round robin, into up to `options.candidates` new distinct inputs.
    mutating func makeCandidates(options: TestsGenerateStageOptions) {
        let mutator = InputMutator(captured: inputs.map(\.arguments))
        var rng = SplitMix64(seed: SplitMix64.seed(UInt64(options.seed), head.task.id))
        var seen = Set(inputs.map(\.text))
        for attempt in 0..<(options.candidates * 4) where candidates.count < options.candidates {
            let origin = attempt % inputs.count
            let arguments = mutator.mutate(arguments: inputs[origin].arguments, using: &rng)
            let text = TaggedJSON.text(arguments: arguments)
            guard text.utf8.count <= Self.maxInputBytes, seen.insert(text).inserted else { continue }
            candidates.append(Candidate(arguments: arguments, text: text, origin: origin))
        }
        if candidates.isEmpty { setAside("no-new-inputs", "mutation made no input the tests do not already use") }
    }

    /// Largest tagged JSON text of a generated input (the driver keeps up to 100,000 characters).
    static let maxInputBytes = 20_000
    /// Longest generated test statement kept.
    static let maxStatementBytes = 4_000

    /// Discards what the reference rejects in any run or answers differently in a later run (`runs[k][candidate]`);
    /// writes a test for the rest from the first run.
    mutating func judge(_ runs: [[ProbeResult?]], options: TestsGenerateStageOptions) {
        guard without == nil, let first = runs.first else { return }
        var statements: Set<String> = []
        for index in candidates.indices {
            guard case .value(let value, let outcome)? = first[index] else {
                if case .discarded(let reason)? = first[index] { discarded[reason, default: 0] += 1 }
                continue
            }
            if let reason = Self.disagreement(
                value, outcome, later: runs.dropFirst().map { $0[index] }, options: options)
            {
                discarded[reason, default: 0] += 1
                continue
            }
            guard let test = plusTest(candidates[index], value: value, outcome: outcome, options: options) else {
                discarded["shape-fails", default: 0] += 1
                continue
            }
            guard test.statement.utf8.count <= Self.maxStatementBytes else {
                discarded["too-long", default: 0] += 1
                continue
            }
            guard statements.insert(test.statement).inserted else {
                discarded["duplicate", default: 0] += 1
                continue
            }
            tests.append(test)
        }
    }

    /// Why later runs disqualify an input the first run got `value` for: `nondeterministic` when one answered
    /// differently (another value, an exception, a view that now fails), its own reason when it was cut short.
    private static func disagreement(
        _ value: PythonValue, _ outcome: ProbeOutcome, later: [ProbeResult?], options: TestsGenerateStageOptions
    ) -> String? {
        for result in later {
            switch result {
            case .value(let again, let outcomeAgain)?:
                let viewsAgree = zip(outcome.views ?? [], outcomeAgain.views ?? []).allSatisfy {
                    ($0.error == nil) == ($1.error == nil)
                }
                let tolerance = options.floatTolerance
                guard value.matches(again, relativeTolerance: tolerance, absoluteTolerance: tolerance), viewsAgree
                else { return "nondeterministic" }
            case .discarded(let reason)?:
                return reason == "raises" || reason == "not-plain" ? "nondeterministic" : reason
            case nil:
                return "not-reached"
            }
        }
        return nil
    }

    /// The test for one candidate: in its original test's shape when that test has one, else `==` on the result
    /// (`math.isclose` for a float).
    private func plusTest(
        _ candidate: Candidate, value: PythonValue, outcome: ProbeOutcome, options: TestsGenerateStageOptions
    ) -> PlusTest? {
        guard let arguments = outcome.argumentsRepr, let resultRepr = outcome.resultRepr else { return nil }
        let origin = inputs[candidate.origin]
        let signature = "(" + candidate.arguments.map(\.typeSignature).joined(separator: ", ") + ")"
        let tolerance = "rel_tol=\(options.floatTolerance), abs_tol=\(options.floatTolerance)"
        func isclose(_ callSide: String, _ expected: String) -> String {
            "assert __import__(\"math\").isclose(\(callSide), \(expected), \(tolerance))"
        }
        guard let shape = shapes[origin.test], let viewIndex = views.firstIndex(of: shape.view) else {
            let call = "\(content.entryPoint ?? "")(\(arguments))"
            let statement =
                if case .float = value { isclose(call, resultRepr) } else { "assert \(call) == \(resultRepr)" }
            return PlusTest(
                statement: statement, inputRepr: arguments, expectedRepr: resultRepr, group: "call \(signature)")
        }
        guard let views = outcome.views, views.indices.contains(viewIndex), let expected = views[viewIndex].repr else {
            return nil
        }
        let group = "test \(origin.test) \(signature)"
        switch shape.kind {
        case .truth:
            guard expected == "True" || expected == "False" else { return nil }
        case .equality where Self.isFloatLiteral(expected):
            return PlusTest(
                statement: isclose(shape.callSide(arguments: arguments), expected), inputRepr: arguments,
                expectedRepr: expected, group: group)
        case .equality, .isclose:
            break
        }
        return PlusTest(
            statement: shape.statement(arguments: arguments, expected: expected), inputRepr: arguments,
            expectedRepr: expected, group: group)
    }

    /// `repr()` of a finite float: digits with a point or an exponent.
    static func isFloatLiteral(_ text: String) -> Bool {
        guard Double(text) != nil, text.contains(where: { $0 == "." || $0 == "e" }) else { return false }
        return text.allSatisfy { $0.isNumber || "+-.e".contains($0) }
    }

    /// Keeps the tests the reference passed in both validation runs.
    mutating func keepValidated(_ passed: [Bool]) {
        let failed = passed.filter { !$0 }.count
        if failed > 0 { discarded["validation-failed", default: 0] += failed }
        tests = zip(tests, passed).filter(\.1).map(\.0)
    }

    /// Up to `perTask` tests, round robin over the call shapes so each is covered (even past the cap), in the
    /// order they were generated.
    mutating func select(perTask: Int) {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, test) in tests.enumerated() {
            if groups[test.group] == nil { order.append(test.group) }
            groups[test.group, default: []].append(index)
        }
        var chosen: [Int] = []
        var round = 0
        while true {
            var added = false
            for group in order {
                guard let members = groups[group], round < members.count else { continue }
                guard round == 0 || chosen.count < perTask else { break }
                chosen.append(members[round])
                added = true
            }
            round += 1
            if !added || chosen.count >= perTask { break }
        }
        selected = chosen.sorted().map { tests[$0] }
        overCap = tests.count - selected.count
        if without == nil && selected.isEmpty {
            let reasons = discarded.sorted { $0.value > $1.value }.prefix(3).map { "\($0.value) \($0.key)" }
            setAside(
                "none-survived",
                "no generated input survived the reference (\(reasons.joined(separator: ", ")))")
        }
    }
}
