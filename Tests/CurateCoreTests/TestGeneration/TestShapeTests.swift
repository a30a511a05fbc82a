import CurateCore
import Foundation
import Testing

/// Generated tests keep the comparison of the original test that made the call.
struct TestShapeTests {
    struct Example: Sendable, CustomStringConvertible {
        var test: String
        var entry: String
        var kind: TestShape.Kind
        var view: String
        /// The statement for arguments `9, 'z'` and expected `E`.
        var statement: String
        var description: String { test }
    }

    @Test(arguments: [
        Example(
            test: "assert f(1, 'a') == 3", entry: "f", kind: .equality, view: "_curate_result",
            statement: "assert f(9, 'z') == E"),
        Example(
            test: "assert set(similar_elements((3, 4), (5, 4))) == set((4, 5))", entry: "similar_elements",
            kind: .equality, view: "set(_curate_result)", statement: "assert set(similar_elements(9, 'z')) == E"),
        Example(
            test: "assert [1, 2]==sorted(f([2, 1]))", entry: "f", kind: .equality, view: "sorted(_curate_result)",
            statement: "assert E==sorted(f(9, 'z'))"),
        Example(
            test: "assert math.isclose(volume_sphere(10), 4188.790204786391, rel_tol=0.001)", entry: "volume_sphere",
            kind: .isclose, view: "_curate_result",
            statement: "assert math.isclose(volume_sphere(9, 'z'), E, rel_tol=0.001)"),
        Example(
            test: "assert not check_str(\"dawood\")", entry: "check_str", kind: .truth, view: "bool(_curate_result)",
            statement: "assert not check_str(9, 'z')"),
        Example(
            test: "assert f('a == b)') == 'x, y'  ", entry: "f", kind: .equality, view: "_curate_result",
            statement: "assert f(9, 'z') == E"),
        Example(
            test: "assert round(f(2), 2) == 1.41, 'message'", entry: "f", kind: .equality,
            view: "round(_curate_result, 2)", statement: "assert round(f(9, 'z'), 2) == E"),
    ])
    func shapesOfOriginalTests(_ example: Example) throws {
        let shape = try #require(TestShape.of(test: example.test, entryPoint: example.entry))
        #expect(shape.kind == example.kind)
        #expect(shape.view == example.view)
        let expected = example.kind == .truth ? "False" : "E"
        #expect(shape.statement(arguments: "9, 'z'", expected: expected) == example.statement)
    }

    @Test(arguments: [
        "assert f(1) == f(2)",
        "assert f(1) != 3",
        "assert g(1) == 3",
        "assert obj.f(1) == 3",
        "x = f(1)\nassert x == 3",
        "assert f(1) == 3; assert f(2) == 4",
        "assert f(1) < 3",
        "assert f(1) == 3 or True",
        "check(f)",
        "assert f('unterminated) == 1",
    ])
    func testsWithoutARecognizedShape(_ test: String) {
        #expect(TestShape.of(test: test, entryPoint: "f") == nil)
    }

    @Test func truthShapeWritesTheAssertTheValueCalls() throws {
        let shape = try #require(TestShape.of(test: "assert is_even(4)", entryPoint: "is_even"))
        #expect(shape.statement(arguments: "7", expected: "False") == "assert not is_even(7)")
        #expect(shape.statement(arguments: "8", expected: "True") == "assert is_even(8)")
        #expect(shape.callSide(arguments: "8") == "is_even(8)")
    }
}
