import CurateCore
import Foundation
import Testing

@Suite struct SampleReaderTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/filters/samples.jsonl").path

    @Test func readsJSONLinesWithNumericAndStringIDsAndBothCodeKeys() throws {
        let samples = try SampleReader.read(path: Self.fixture)
        #expect(samples.count == 10)
        #expect(samples[0].taskID == "2")
        #expect(samples[2].taskID == "mbpp/2")
        #expect(samples[2].completion.hasPrefix("def similar_elements(test_tup1"))
        #expect(samples.last?.line == 11)
    }

    @Test func readsJSONArray() throws {
        let data = Data(
            #"[{"task_id": "HumanEval/1", "completion": "    pass\n"}, {"task_id": 7, "code": "x = 1"}]"#.utf8)
        let samples = try SampleReader.parse(data, path: "a.json")
        #expect(samples.map(\.taskID) == ["HumanEval/1", "7"])
        #expect(samples.map(\.line) == [1, 2])
    }

    @Test func namesTheLineOfABadRecord() {
        let data = Data("{\"task_id\": 1, \"completion\": \"x\"}\n{\"task_id\": 2}\n".utf8)
        #expect(throws: FilterError.badSample(path: "s.jsonl", line: 2, reason: "no \"completion\" or \"code\" string"))
        {
            try SampleReader.parse(data, path: "s.jsonl")
        }
    }

    @Test func completionIsAppendedToThePromptButAWholeFunctionIsNot() {
        let task = TaskContent(
            description: "Check closeness.", solution: "", tests: [], entryPoint: "has_close",
            metadata: ["prompt": "def has_close(xs, t):\n"])
        let body = ModelSample(taskID: "HumanEval/0", completion: "    return False\n", line: 1)
        #expect(SampleProgram.solution(for: body, task: task) == "def has_close(xs, t):\n    return False\n")
        let whole = ModelSample(
            taskID: "HumanEval/0", completion: "def has_close(xs, t):\r\n    return True\r\n", line: 2)
        #expect(SampleProgram.solution(for: whole, task: task) == "def has_close(xs, t):\n    return True\n")
    }
}
