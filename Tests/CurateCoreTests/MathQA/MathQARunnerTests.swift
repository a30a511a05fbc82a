import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// The MathQA runner is a Python file compiled into the binary; programs reach it as data.
struct MathQARunnerTests {
    @Test func scriptIsTheEmbeddedRunnerAndOneCallWithTheProgramsAsData() throws {
        let programs = ["answer = 1 + 1", "import math\nanswer = math.pi  # \"\"\" '''"]
        let script = MathQAExecution.script(programs)
        let runner = try String(
            contentsOf: Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/CurateCore/MathQA/mathqa_runner.py"), encoding: .utf8)
        #expect(script.hasPrefix(runner))
        #expect(
            !script.contains("answer = 1 + 1") && !script.contains("math.pi"), "no program is pasted into the source")
        let call = script.dropFirst(runner.count).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(call.hasPrefix("run(\"") && call.hasSuffix("\")"))
        let payload = try #require(Data(base64Encoded: String(call.dropFirst(5).dropLast(2))))
        #expect(try JSONDecoder().decode([String].self, from: payload) == programs)
    }
}
