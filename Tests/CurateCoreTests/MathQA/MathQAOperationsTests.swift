import CurateCore
import Foundation
import Testing

/// Every DSL operation with a hand-computed value.
let operationExamples: [(String, [Double], Double)] = [
    ("add", [2, 3], 5),
    ("subtract", [7, 2], 5),
    ("multiply", [4, 2.5], 10),
    ("divide", [9, 4], 2.25),
    ("speed", [100, 4], 25),
    ("inverse", [4], 0.25),
    ("negate", [3], -3),
    ("power", [2, 3], 8),
    ("power", [2, 10], 32),
    ("sqrt", [16], 4),
    ("sqrt", [-4], 0),
    ("log", [8], 3),
    ("floor", [2.7], 2),
    ("factorial", [5], 120),
    ("factorial", [20], 1_307_674_368_000),
    ("reminder", [17, 5], 2),
    ("reminder", [-7, 3], 2),
    ("max", [3, 8], 8),
    ("min", [3, 8], 3),
    ("gcd", [12, 18], 6),
    ("lcm", [4, 6], 12),
    ("choose", [5, 2], 10),
    ("permutation", [2, 5], 20),
    ("count_interval", [10, 3], 8),
    ("percent", [20, 50], 10),
    ("from_percent", [25], 0.25),
    ("gain_percent", [20], 120),
    ("loss_percent", [20], 80),
    ("negate_percent", [30], 70),
    ("price_after_gain", [20, 50], 60),
    ("p_after_gain", [10, 200], 220),
    ("price_after_loss", [20, 50], 40),
    ("p_after_loss", [25, 80], 60),
    ("original_price_before_gain", [25, 150], 120),
    ("original_price_before_loss", [20, 80], 8000 / 80.00001),
    ("union_prob", [0.5, 0.4, 0.2], 0.7),
    ("negate_prob", [0.25], 0.75),
    ("combined_work", [4, 6], 2.4),
    ("find_work", [4, 6], 12),
    ("speed_ratio_steel_to_stream", [6, 2], 2),
    ("speed_in_still_water", [10, 6], 8),
    ("stream_speed", [10, 6], 2),
    ("circle_area", [2], 4 * Double.pi),
    ("circumface", [3], 6 * Double.pi),
    ("circle_arc", [90, 2], Double.pi),
    ("circle_sector_area", [2, 90], Double.pi),
    ("semi_circle_perimiter", [2], 2 * Double.pi + 4),
    ("diagonal", [3, 4], 5),
    ("square_area", [3], 9),
    ("square_perimeter", [3], 12),
    ("rhombus_perimeter", [5], 20),
    ("square_edge_by_area", [49], 7),
    ("square_edge_by_perimeter", [20], 5),
    ("rectangle_area", [3, 4], 12),
    ("rectangle_perimeter", [3, 4], 14),
    ("rhombus_area", [6, 8], 24),
    ("triangle_area", [6, 8], 24),
    ("triangle_perimeter", [3, 4, 5], 12),
    ("triangle_area_three_edges", [3, 4, 5], 6),
    ("quadrilateral_area", [10, 3, 5], 40),
    ("trapezium_area", [4, 3, 5], 16),
    ("volume_cube", [3], 27),
    ("surface_cube", [2], 24),
    ("cube_edge_by_volume", [27], 3),
    ("volume_rectangular_prism", [2, 3, 4], 24),
    ("surface_rectangular_prism", [2, 3, 4], 52),
    ("volume_cylinder", [2, 5], 20 * Double.pi),
    ("surface_cylinder", [2, 5], 28 * Double.pi),
    ("volume_cone", [3, 4], 12 * Double.pi),
    ("volume_sphere", [3], 36 * Double.pi),
    ("surface_sphere", [3], 36 * Double.pi),
    ("sine", [Double.pi / 6], 0.5),
    ("cosine", [Double.pi / 3], 0.5),
    ("tangent", [Double.pi / 4], 1),
]

private func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

@Suite struct MathQAOperationsTests {
    @Test(arguments: operationExamples.indices)
    func inProcessValueMatchesHandComputed(_ i: Int) throws {
        let (name, arguments, expected) = operationExamples[i]
        let operation = try #require(MathQAOperations.extended[name])
        #expect(operation.arity == arguments.count)
        let value = try #require(operation.evaluate(arguments))
        #expect(near(value, expected), "\(name)\(arguments) = \(value), expected \(expected)")
    }

    @Test func everyOperationHasAnExample() {
        let covered = Set(operationExamples.map(\.0))
        #expect(Set(MathQAOperations.extended.keys).subtracting(covered).isEmpty)
    }

    @Test func generatedPythonComputesTheHandComputedValues() async throws {
        var programs: [String] = []
        var expectations: [(String, Double)] = []
        for (name, arguments, expected) in operationExamples {
            let operation = try #require(MathQAOperations.extended[name])
            let literals = arguments.map(PythonFloat.repr)
            programs.append("import math\nanswer = " + MathQAOperation.render(operation.python, literals))
            expectations.append(("\(name) extended", expected))
            if let compat = operation.compatPython, compat == operation.python {
                programs.append("import math\nanswer = " + MathQAOperation.render(compat, literals))
                expectations.append(("\(name) compat", expected))
            }
        }
        let results = try await MathQAExecution.run(programs, runner: SharedPoolRunner(), chunkSize: 40, progress: nil)
        for (result, (label, expected)) in zip(results, expectations) {
            guard case .value(let value)? = result else {
                Issue.record("\(label): \(String(describing: result))")
                continue
            }
            #expect(near(value, expected), "\(label) = \(value), expected \(expected)")
        }
    }

    @Test func publishedStreamOperationsKeepTheirPrecedenceBug() async throws {
        let still = try #require(MathQAOperations.compat["speed_in_still_water"])
        let stream = try #require(MathQAOperations.compat["stream_speed"])
        #expect(MathQAOperation.render(still.compatPython!, ["n0", "n1"]) == "n0 + n1 / 2")
        #expect(MathQAOperation.render(stream.python, ["n0", "n1"]) == "(n0 - n1) / 2")
        let results = try await MathQAExecution.run(
            [
                "answer = " + MathQAOperation.render(still.compatPython!, ["10.0", "6.0"]),
                "answer = " + MathQAOperation.render(stream.compatPython!, ["10.0", "6.0"]),
            ],
            runner: SharedPoolRunner(), chunkSize: 10, progress: nil)
        #expect(results == [.value(13), .value(7)])
    }

    @Test func publishedConversionLacksMinSurfaceCylinderTangentAndPAfterLoss() {
        for name in ["min", "surface_cylinder", "tangent", "p_after_loss"] {
            #expect(MathQAOperations.compat[name] == nil)
            #expect(MathQAOperations.extended[name] != nil)
        }
    }

    @Test func divideByZeroIsZeroInProcessLikeThePublishedConversion() throws {
        #expect(MathQAOperations.compat["divide"]!.evaluate([1, 0]) == 0)
        #expect(MathQAOperations.compat["inverse"]!.evaluate([0]) == 0)
        #expect(MathQAOperations.compat["reminder"]!.evaluate([1, 0]) == nil)
        #expect(MathQAOperations.compat["power"]!.evaluate([-8, 1.0 / 3]) == nil)
    }
}
