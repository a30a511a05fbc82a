import Foundation

/// Which conversion to run: the published MathQA-Python one, or that plus verified recoveries.
public enum MathQAMode: String, Sendable, Codable, CaseIterable {
    case compat, extended

    /// The store dataset the mode's tasks go to.
    public var dataset: String { self == .compat ? "mathqa-python" : "mathqa-python-extended" }
}

/// Why a problem was not converted.
public enum MathQADropReason: String, Sendable, Codable, CaseIterable {
    case unparsableOption = "unparsable-option"
    case zeroAnswer = "zero-answer"
    case zeroResult = "zero-result"
    case unknownOperation = "unknown-op"
    case malformedProgram = "malformed-program"
    case evaluationError = "evaluation-error"
    case mismatch
    case executionError = "execution-error"
    case executionMismatch = "execution-mismatch"
}

/// A drop decision with its reason, a message naming the values involved and, for program errors, where.
public struct MathQADrop: Error, Sendable, Hashable, Codable {
    public var reason: MathQADropReason
    /// What was compared or what failed, with the values.
    public var message: String
    /// "step 2 (char 17)" for program errors.
    public var location: String?
}

/// One converted problem: MathQA-Python's native fields, which `MathQAStoreWriter` stores as task content and metadata.
public struct MathQAPythonRecord: Sendable, Hashable {
    /// `# <Problem> n0 = … n1 = …`.
    public var text: String
    public var code: String
    public var dslCode: String
    public var reasoning: String
    public var answer: Double
    /// `<split>/<index of the MathQA record in its file>`.
    public var taskID: String
}

/// A program that may be kept once executing it reproduces `answer`; `recovery` names why extended mode has it.
public struct MathQACandidate: Sendable, Hashable {
    public var text: String
    public var code: String
    public var answer: Double
    public var recovery: String?
}

/// What the conversion decided for one MathQA record.
public struct MathQAOutcome: Sendable, Hashable {
    public var split: String
    public var sourcePath: String
    /// sha256 of the source file as read, recorded as a release input.
    public var sourceSHA256: String?
    /// Index of the record in its file.
    public var index: Int
    public var problem: MathQAProblem
    public var record: MathQAPythonRecord?
    /// Recovery class for problems only extended mode keeps.
    public var recovery: String?
    public var drop: MathQADrop?
}

/// Summary counts of a conversion, per split.
public struct MathQASplitSummary: Sendable, Hashable, Codable {
    public var split: String
    public var total = 0
    public var kept = 0
    /// Kept only by extended mode, by recovery class.
    public var recovered: [String: Int] = [:]
    /// Dropped, by reason code.
    public var dropped: [String: Int] = [:]
}

/// Converts MathQA records to MathQA-Python: DSL → straight-line Python, verified by executing it.
public struct MathQAConverter: Sendable {
    public var mode: MathQAMode
    /// Problems per execution request.
    public var chunkSize: Int

    public init(mode: MathQAMode = .compat, chunkSize: Int = 250) {
        self.mode = mode
        self.chunkSize = chunkSize
    }

    /// A record's drop decision before execution (nil when the published conversion would keep it) and the
    /// programs to execute, in order of preference.
    public struct Prepared: Sendable, Hashable {
        public var compatDrop: MathQADrop?
        public var candidates: [MathQACandidate]
    }

    /// Decides everything that needs no Python: numbers, answer, program checks, in-process value.
    public func prepare(_ problem: MathQAProblem) -> Prepared {
        let matches = MathQANumbers.scan(problem.problem)
        let numbers = matches.map(\.value)
        var prepared = Prepared(compatDrop: nil, candidates: [])
        let parsed: MathQAProgram
        do {
            parsed = try MathQAProgram.parse(problem.linearFormula)
        } catch {
            prepared.compatDrop = MathQADrop(
                reason: .malformedProgram, message: error.message, location: error.location)
            return prepared
        }
        let answer = MathQAAnswer.compat(options: problem.options, correct: problem.correct)
        switch check(parsed, numbers: numbers, answer: answer, operations: MathQAOperations.compat) {
        case .failure(let drop):
            prepared.compatDrop = drop
        case .success:
            prepared.candidates.append(
                candidate(problem, parsed, numbers: numbers, answer: answer!, compat: true, recovery: nil))
        }
        if mode == .extended {
            let unsigned = MathQANumbers.unsignedValues(matches, in: problem.problem)
            prepared.candidates += extendedCandidates(
                problem, parsed, numbers: numbers, unsigned: unsigned, compatAnswer: answer)
        }
        return prepared
    }

    private func check(
        _ program: MathQAProgram, numbers: [Double], answer: Double?, operations: [String: MathQAOperation],
        exactZero: Bool = false
    ) -> Result<Double, MathQADrop> {
        guard let answer else {
            return .failure(
                MathQADrop(reason: .unparsableOption, message: "the correct option holds no number", location: nil))
        }
        if let error = program.validate(numberCount: numbers.count, operations: operations) {
            let reason: MathQADropReason = error.kind == .unknownOperation ? .unknownOperation : .malformedProgram
            return .failure(MathQADrop(reason: reason, message: error.message, location: error.location))
        }
        let value: Double
        switch Self.evaluate(program, numbers: numbers, operations: operations) {
        case .failure(let error):
            return .failure(MathQADrop(reason: .evaluationError, message: error.message, location: error.location))
        case .success(let v):
            value = v
        }
        if exactZero, answer == 0, value == 0 { return .success(value) }
        if answer == 0 {
            return .failure(MathQADrop(reason: .zeroAnswer, message: "the correct option's value is 0", location: nil))
        }
        if value == 0 || value.isNaN {
            return .failure(
                MathQADrop(
                    reason: .zeroResult, message: "the program computes \(PythonFloat.repr(value))", location: nil))
        }
        if !MathQAAnswer.isClose(answer, value) {
            return .failure(
                MathQADrop(
                    reason: .mismatch,
                    message:
                        "the program computes \(PythonFloat.repr(value)), the correct option is \(PythonFloat.repr(answer))",
                    location: nil))
        }
        return .success(value)
    }

    /// Runs a validated program in-process with the operations' Python semantics.
    public static func evaluate(
        _ program: MathQAProgram, numbers: [Double], operations: [String: MathQAOperation]
    ) -> Result<Double, MathQAProgramError> {
        var results: [Double] = []
        for (index, step) in program.steps.enumerated() {
            let arguments = step.arguments.map { argument -> Double in
                switch argument {
                case .number(let i): return numbers[i]
                case .step(let k): return results[k]
                case .constant(_, let value): return value
                }
            }
            guard let value = operations[step.operation]?.evaluate(arguments) else {
                return .failure(
                    MathQAProgramError(
                        kind: .malformed, step: index, offset: step.offset,
                        message:
                            "\(step.operation) raises in Python for arguments \(arguments.map(PythonFloat.repr).joined(separator: ", "))"
                    ))
            }
            results.append(value)
        }
        return .success(results[results.count - 1])
    }

    private func extendedCandidates(
        _ problem: MathQAProblem, _ program: MathQAProgram, numbers: [Double], unsigned: [Double], compatAnswer: Double?
    ) -> [MathQACandidate] {
        let operations = MathQAOperations.extended
        var answers: [(Double, String?)] = []
        if let compatAnswer { answers.append((compatAnswer, nil)) }
        if let extended = MathQAAnswer.extended(options: problem.options, correct: problem.correct),
            compatAnswer.map({ !MathQAAnswer.isClose($0, extended.value, relativeTolerance: 1e-12) }) ?? true
        {
            answers.append((extended.value, "option-\(extended.format)"))
        }
        var numberSets: [([Double], String?)] = [(numbers, nil)]
        if unsigned != numbers { numberSets.append((unsigned, "number-format")) }
        let programClass = recoveryClass(of: program)
        for (numberSet, numberClass) in numberSets {
            for (answer, answerClass) in answers {
                guard
                    case .success = check(
                        program, numbers: numberSet, answer: answer, operations: operations, exactZero: true)
                else {
                    continue
                }
                let zeroClass = answer == 0 ? "zero-answer" : nil
                let classes = [programClass, numberClass, answerClass, zeroClass].compactMap { $0 }
                guard !classes.isEmpty else { continue }
                return [
                    candidate(
                        problem, program, numbers: numberSet, answer: answer, compat: false,
                        recovery: classes.joined(separator: "+"))
                ]
            }
        }
        return []
    }

    /// Why the extended Python of a program differs from the published one, if it does.
    private func recoveryClass(of program: MathQAProgram) -> String? {
        let names = program.steps.map(\.operation)
        if let missing = names.first(where: { MathQAOperations.compat[$0] == nil }) {
            return "unimplemented-op:\(missing)"
        }
        if let stream = names.first(where: {
            MathQAOperations.compat[$0]?.compatPython != MathQAOperations.compat[$0]?.python
        }) {
            return "stream-precedence:\(stream)"
        }
        return nil
    }

    /// The program as Python in MathQA-Python's layout.
    func candidate(
        _ problem: MathQAProblem, _ program: MathQAProgram, numbers: [Double], answer: Double, compat: Bool,
        recovery: String?
    ) -> MathQACandidate {
        let numberTexts = numbers.map(PythonFloat.repr)
        let table = compat ? MathQAOperations.compat : MathQAOperations.extended
        let expressions = program.steps.map { step -> String in
            let arguments = step.arguments.map { argument -> String in
                switch argument {
                case .number(let i): return "n\(i)"
                case .step(let j): return "t\(j)"
                case .constant(_, let value): return PythonFloat.repr(value)
                }
            }
            let operation = table[step.operation]!
            return MathQAOperation.render(compat ? operation.compatPython! : operation.python, arguments)
        }
        var code = expressions.contains(where: { $0.contains("math") }) ? "import math\n" : ""
        for (i, text) in numberTexts.enumerated() { code += "n\(i) = \(text)\n" }
        code += expressions.dropLast().enumerated().map { k, expression in "t\(k) = \(expression)" }.joined(
            separator: "\n")
        code += "\nanswer = " + expressions[expressions.count - 1]
        var text = "# " + problem.problem
        for (i, number) in numberTexts.enumerated() { text += " n\(i) = \(number)" }
        return MathQACandidate(text: text, code: code, answer: answer, recovery: recovery)
    }

    // MARK: Whole files

    /// Converts files: prepares every record, executes every candidate program in batches through `runner`, and
    /// keeps a record only when its program's `answer` is within 1% of the correct option.
    public func convert(
        _ files: [MathQAFile], runner: any MathQAPythonRunner, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [MathQAOutcome] {
        var prepared: [(file: Int, index: Int, prepared: Prepared)] = []
        for (f, file) in files.enumerated() {
            for (i, problem) in file.problems.enumerated() { prepared.append((f, i, prepare(problem))) }
        }
        let programs = prepared.flatMap { $0.prepared.candidates.map(\.code) }
        let results = try await MathQAExecution.run(programs, runner: runner, chunkSize: chunkSize, progress: progress)
        var start = 0
        let verdicts = prepared.map { entry -> [MathQAExecution.Result?] in
            defer { start += entry.prepared.candidates.count }
            return Array(results[start..<(start + entry.prepared.candidates.count)])
        }
        return prepared.enumerated().map { item, entry in
            let file = files[entry.file]
            let problem = file.problems[entry.index]
            var outcome = MathQAOutcome(
                split: file.split, sourcePath: file.path, sourceSHA256: file.sha256, index: entry.index,
                problem: problem)
            for (c, candidate) in entry.prepared.candidates.enumerated() {
                guard case .value(let value)? = verdicts[item][c], MathQAAnswer.isClose(candidate.answer, value) else {
                    continue
                }
                outcome.record = MathQAPythonRecord(
                    text: candidate.text, code: candidate.code, dslCode: problem.linearFormula,
                    reasoning: problem.rationale,
                    answer: candidate.answer, taskID: "\(file.split)/\(entry.index)")
                outcome.recovery = candidate.recovery
                return outcome
            }
            if let drop = entry.prepared.compatDrop {
                outcome.drop = drop
            } else if let first = entry.prepared.candidates.first {
                switch verdicts[item][0] {
                case .value(let value)?:
                    outcome.drop = MathQADrop(
                        reason: .executionMismatch,
                        message:
                            "the Python computes \(PythonFloat.repr(value)), the correct option is \(PythonFloat.repr(first.answer))",
                        location: nil)
                case .failure(let message)?:
                    outcome.drop = MathQADrop(reason: .executionError, message: message, location: nil)
                case nil:
                    outcome.drop = MathQADrop(
                        reason: .executionError, message: "no result from the execution", location: nil)
                }
            }
            return outcome
        }
    }

    /// Per-split counts of outcomes, in first-seen split order.
    public static func summarize(_ outcomes: [MathQAOutcome]) -> [MathQASplitSummary] {
        var order: [String] = []
        var summaries: [String: MathQASplitSummary] = [:]
        for outcome in outcomes {
            if summaries[outcome.split] == nil {
                order.append(outcome.split)
                summaries[outcome.split] = MathQASplitSummary(split: outcome.split)
            }
            summaries[outcome.split]!.total += 1
            if outcome.record != nil {
                summaries[outcome.split]!.kept += 1
                if let recovery = outcome.recovery { summaries[outcome.split]!.recovered[recovery, default: 0] += 1 }
            } else if let drop = outcome.drop {
                summaries[outcome.split]!.dropped[drop.reason.rawValue, default: 0] += 1
            }
        }
        return order.map { summaries[$0]! }
    }
}
