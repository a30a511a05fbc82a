import CurateCore
import Foundation
import Testing

/// Path of a fixture under Tests/Fixtures/mathqa.
func mathqaFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mathqa/\(name)").path
}

@Suite struct MathQANumbersTests {
    @Test(
        arguments: [
            ("a 3 - digit number", [3.0]),
            ("rs . 4,000 and 1,234,567 apples", [4000, 1_234_567]),
            ("from -5 to +2.5 and .5", [-5, 2.5, 0.5]),
            ("10-15 people", [10, -15]),
            ("1e3 and 2.5E-2 but 3e", [1000, 0.025, 3]),
            ("1,23 and 12,3456", [1, 23, 123_456]),
            ("3.5. then 7.", [3.5, 7]),
            ("no numbers here", []),
        ] as [(String, [Double])])
    func scansLikeThePublishedPattern(_ text: String, _ expected: [Double]) {
        #expect(MathQANumbers.values(text) == expected)
    }

    @Test func unsignedReadingTreatsGluedDashesAsHyphens() {
        #expect(MathQANumbers.unsignedValues("10-15 people, - 3 and -4") == [10, 15, 3, -4])
    }
}

@Suite struct PythonFloatTests {
    @Test(
        arguments: [
            (1.0, "1.0"), (0.1, "0.1"), (2.25, "2.25"), (-3.0, "-3.0"), (100.0, "100.0"), (0.0001, "0.0001"),
            (0.00001, "1e-05"), (1.5e-7, "1.5e-07"), (1e16, "1e+16"), (9.5e15, "9500000000000000.0"),
            (123456789.125, "123456789.125"), (Double.pi, "3.141592653589793"),
            (Double.pi / 180, "0.017453292519943295"),
            (1.0 / 3, "0.3333333333333333"), (0.0, "0.0"), (2e22, "2e+22"),
        ] as [(Double, String)])
    func matchesPythonRepr(_ value: Double, _ text: String) {
        #expect(PythonFloat.repr(value) == text)
    }
}

@Suite struct MathQAProgramTests {
    @Test func parsesStepsArgumentsAndConstants() throws {
        let program = try MathQAProgram.parse("divide(n0,const_3_6)|multiply(#0,const_100)|add(#1,const_pi)|")
        #expect(program.steps.map(\.operation) == ["divide", "multiply", "add"])
        #expect(program.steps[0].arguments == [.number(0), .constant(name: "const_3_6", value: 3.6)])
        #expect(program.steps[1].arguments == [.step(0), .constant(name: "const_100", value: 100)])
        #expect(program.steps[2].offset == 44)
    }

    @Test(
        arguments: [
            ("const_3_6", 3.6), ("const_0_2778", 0.2778), ("const_100", 100), ("const_2.0", 2), ("const_0_33", 0.33),
            ("const_1_6", 1.6), ("const_0.5", 0.5), ("const_deg_to_rad", Double.pi / 180), ("const_pi", Double.pi),
        ] as [(String, Double)])
    func constantValues(_ name: String, _ value: Double) {
        #expect(MathQAProgram.constantValue(name) == value)
    }

    @Test func malformedFixtureYieldsLocatedReasons() async throws {
        let file = try MathQAFile.read(path: mathqaFixture("malformed.json"))
        let outcomes = try await MathQAConverter(mode: .compat).convert([file], runner: SharedPoolRunner())
        let drops = outcomes.map { $0.drop }
        #expect(outcomes.allSatisfy { $0.record == nil })
        let expected: [(MathQADropReason, String?, String)] = [
            (.malformedProgram, "step 0 (char 11)", "missing \")\""),
            (.unknownOperation, "step 1 (char 13)", "unknown operation \"frobnicate\""),
            (.malformedProgram, "step 0 (char 0)", "power takes 2 arguments, got 1"),
            (.malformedProgram, "step 0 (char 0)", "n7 does not exist: the problem text has 2 numbers"),
            (.malformedProgram, "step 1 (char 17)", "\"#1\" refers to step 1, which is not before step 1"),
            (.malformedProgram, "step 0 (char 9)", "empty argument"),
            (.malformedProgram, "step 0 (char 0)", "empty step"),
            (.malformedProgram, "step 0 (char 7)", "bad argument \"const_x\""),
        ]
        #expect(drops.count == expected.count)
        for (drop, (reason, location, message)) in zip(drops, expected) {
            #expect(drop?.reason == reason)
            #expect(drop?.location == location)
            #expect(drop?.message.contains(message) == true, "\(String(describing: drop?.message))")
        }
    }

    @Test func futureAndMissingReferencesAreKinds() {
        #expect(throws: MathQAProgramError.self) { try MathQAProgram.parse("add(#0,n1)") }
        let program = try? MathQAProgram.parse("add(n0,n3)")
        #expect(program?.validate(numberCount: 2, operations: MathQAOperations.compat)?.kind == .missingNumber)
    }
}

@Suite struct MathQAAnswerTests {
    @Test(
        arguments: [
            ("a ) 24 , b ) 120 , c ) 625 , d ) 720 , e ) 1024", "c", 625.0),
            ("a ) 1 / 2 , b ) 31 / 36 , c ) 49 / 54 , d ) 7 / 8 , e ) 11 / 12", "b", 31.0 / 36),
            ("a ) rs . 1,200 , b ) rs . 1,500", "b", 1500),
            ("a ) 1.5 / 2 , b ) 3", "a", 1.5),
            ("a ) 4 : 6 , b ) 4 : 5", "b", 4),
            ("a ) 2 days , b ) 2 2 / 3 days", "b", 2),
        ] as [(String, String, Double)])
    func compatReadingKeepsThePublishedQuirks(_ options: String, _ correct: String, _ value: Double) {
        #expect(MathQAAnswer.compat(options: options, correct: correct) == value)
    }

    @Test func compatReadingHasNoValueForWordOptions() {
        #expect(MathQAAnswer.compat(options: "a ) 1 / 35 , e ) none", correct: "e") == nil)
    }

    @Test(
        arguments: [
            ("a ) 4 : 6 , b ) 4 : 5", "b", 0.8, "ratio"),
            ("a ) 2 days , b ) 2 2 / 3 days", "b", 8.0 / 3, "mixed-number"),
            ("a ) 1.5 / 2 , b ) 3", "a", 0.75, "fraction"),
            ("a ) rs . 1,200 , b ) rs . 1,500", "b", 1500, "number"),
        ] as [(String, String, Double, String)])
    func extendedReadingUnderstandsRatiosAndMixedNumbers(
        _ options: String, _ correct: String, _ value: Double, _ format: String
    ) throws {
        let parsed = try #require(MathQAAnswer.extended(options: options, correct: correct))
        #expect(abs(parsed.value - value) < 1e-12)
        #expect(parsed.format == format)
    }

    @Test func coordinatePairsAreNotThousands() {
        #expect(MathQAAnswer.extended(options: "a ) ( 40,0 ) , b ) ( 30,0 )", correct: "a") == nil)
    }

    @Test func isCloseIsRelative() {
        #expect(MathQAAnswer.isClose(100, 100.99))
        #expect(!MathQAAnswer.isClose(100, 102))
        #expect(!MathQAAnswer.isClose(0, 1e-12))
    }
}
