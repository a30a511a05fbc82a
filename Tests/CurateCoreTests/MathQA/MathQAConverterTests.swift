import CurateCore
import CurateStore
import Foundation
import Testing

@Suite struct MathQAConverterTests {
    let file: MathQAFile

    init() throws {
        file = try MathQAFile.read(path: mathqaFixture("dev.json"))
    }

    @Test func readsRecordsAndSplitFromTheFileName() {
        #expect(file.split == "dev")
        #expect(file.problems.count == 17)
        #expect(file.problems[0].linearFormula == "power(n1,n0)|")
        #expect(MathQAFile.splitName(path: "raw/mathqa/challenge_test.json") == "challenge_test")
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: MathQAError.self) { try MathQAFile.read(path: "/nonexistent/dev.json") }
    }

    @Test func compatKeepsWhatThePublishedConversionKeeps() async throws {
        let outcomes = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        #expect(outcomes.filter { $0.record != nil }.map(\.index) == [0, 3, 4, 5, 6, 7, 8])
        #expect(outcomes.filter { $0.drop?.reason == .mismatch }.map(\.index) == [1, 2, 9, 10, 11, 12, 13, 14])
        #expect(outcomes.filter { $0.drop?.reason == .unknownOperation }.map(\.index) == [15, 16])
        #expect(outcomes[15].drop?.location == "step 0 (char 0)")
        #expect(outcomes.allSatisfy { $0.recovery == nil })
    }

    @Test func compatRecordLayoutIsMathQAPythons() async throws {
        let outcomes = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        let record = try #require(outcomes[0].record)
        #expect(record.text == "# " + file.problems[0].problem + " n0 = 4.0 n1 = 5.0")
        #expect(record.code == "n0 = 4.0\nn1 = 5.0\n\nanswer = n1**min(n0, 5)")
        #expect(record.dslCode == "power(n1,n0)|")
        #expect(record.answer == 625)
        #expect(record.taskID == "dev/0")
        let multiStep = try #require(outcomes[3].record)
        #expect(multiStep.code.hasPrefix("n0 = "))
        #expect(multiStep.code.contains("\nt0 = n0 * n1\nanswer = n2 / t0"))
    }

    @Test func extendedAddsVerifiedRecoveriesWithTheirClass() async throws {
        let outcomes = try await MathQAConverter(mode: .extended).convert([file], runner: SharedPoolRunner())
        let kept = outcomes.filter { $0.record != nil }
        #expect(kept.map(\.index) == [0, 3, 4, 5, 6, 7, 8, 10, 14, 15, 16])
        let recovered = Dictionary(uniqueKeysWithValues: kept.compactMap { o in o.recovery.map { (o.index, $0) } })
        #expect(
            recovered == [
                10: "option-ratio", 14: "option-mixed-number", 15: "unimplemented-op:surface_cylinder",
                16: "unimplemented-op:min",
            ])
        let cylinder = try #require(outcomes[15].record)
        #expect(cylinder.code.hasPrefix("import math\n"))
        #expect(cylinder.code.contains("answer = 2 * math.pi * n0 * n1 + 2 * math.pi * n0**2"))
        #expect(outcomes[12].drop?.reason == .mismatch)
    }

    @Test func streamPrecedenceFixIsARecoveryClass() async throws {
        let problem = MathQAProblem(
            problem: "a boat goes 10 km / hr downstream and 6 km / hr upstream . find the speed in still water .",
            options: "a ) 8 , b ) 13 , c ) 2", correct: "a", linearFormula: "speed_in_still_water(n0,n1)|")
        let file = MathQAFile(path: "stream.json", split: "stream", problems: [problem])
        let compat = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        #expect(compat[0].drop?.reason == .executionMismatch)
        let extended = try await MathQAConverter(mode: .extended).convert([file], runner: SharedPoolRunner())
        #expect(extended[0].recovery == "stream-precedence:speed_in_still_water")
        #expect(extended[0].record?.code == "n0 = 10.0\nn1 = 6.0\n\nanswer = (n0 + n1) / 2")
    }

    @Test func hyphenatedRangesAreANumberFormatRecovery() async throws {
        let problem = MathQAProblem(
            problem: "a crate holds 10-15 kg of fruit . how many kg separate the bounds ?",
            options: "a ) 5 , b ) 25", correct: "a", linearFormula: "subtract(n1,n0)|")
        let file = MathQAFile(path: "range.json", split: "range", problems: [problem])
        let compat = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        #expect(compat[0].drop?.reason == .mismatch)
        let extended = try await MathQAConverter(mode: .extended).convert([file], runner: SharedPoolRunner())
        #expect(extended[0].recovery == "number-format")
        #expect(extended[0].record?.code == "n0 = 10.0\nn1 = 15.0\n\nanswer = n1 - n0")
        #expect(extended[0].record?.text.hasSuffix("? n0 = 10.0 n1 = 15.0") == true)
    }

    @Test func executionErrorsAreDropReasons() async throws {
        let problem = MathQAProblem(
            problem: "divide 5 by 0 and add 3", options: "a ) 3 , b ) 5", correct: "a",
            linearFormula: "divide(n0,n1)|add(#0,n2)|")
        let file = MathQAFile(path: "zero.json", split: "zero", problems: [problem])
        let outcomes = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        #expect(outcomes[0].drop?.reason == .executionError)
        #expect(outcomes[0].drop?.message.contains("ZeroDivisionError") == true)
    }

    @Test func storeWriterSavesTasksAndDropsAndTheReportCountsThem() async throws {
        let store = try TaskStore()
        let outcomes = try await MathQAConverter(mode: .extended).convert([file], runner: SharedPoolRunner())
        let saved = try MathQAStoreWriter.save(outcomes, mode: .extended, store: store)
        #expect(saved.newTasks == 11)
        let again = try MathQAStoreWriter.save(outcomes, mode: .extended, store: store)
        #expect(again.unchanged == 11)
        let heads = try store.heads(dataset: "mathqa-python-extended")
        let head = try #require(heads.first { $0.task.sourceID == "dev/0" })
        #expect(head.revision.origin == .conversion)
        #expect(head.revision.author == "mathqa-convert")
        #expect(head.revision.sourceLocation == "record 0")
        let content = try TaskContent.decode(head.revision.content)
        #expect(content.tests == ["assert math.isclose(answer, 625.0, rel_tol=0.01)"])
        #expect(content.metadata["dsl_code"] == "power(n1,n0)|")
        #expect(content.metadata["split"] == "dev")
        #expect(content.metadata["correct"] == "c")
        let report = try MathQAReport.make(store: store, dataset: "mathqa-python-extended")
        #expect(report.splits.count == 1)
        #expect(report.splits[0].kept == 11)
        #expect(report.splits[0].total == 17)
        #expect(report.splits[0].dropped == ["mismatch": 6])
        #expect(report.splits[0].recovered["option-ratio"] == 1)
        let listed = try MathQAReport.make(store: store, dataset: "mathqa-python-extended", reason: "mismatch")
        #expect(listed.drops.map(\.recordIndex) == [1, 2, 9, 11, 12, 13])
    }

    @Test func keptTaskTestsPassWhenRun() async throws {
        let outcomes = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        var programs: [String] = []
        for outcome in outcomes {
            guard let record = outcome.record else { continue }
            let content = MathQAStoreWriter.content(outcome, record: record, mode: .compat)
            programs.append(([content.testSetup, content.solution] + content.tests).joined(separator: "\n"))
        }
        let results = try await MathQAExecution.run(programs, runner: SharedPoolRunner(), chunkSize: 100, progress: nil)
        #expect(results.count == 7)
        #expect(results.allSatisfy { if case .value = $0 { true } else { false } })
    }
}
