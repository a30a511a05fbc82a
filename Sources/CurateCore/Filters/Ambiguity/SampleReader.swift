import Foundation

/// One model sample for a task: the code a model wrote, in human-eval style (a completion of the prompt)
/// or MBPP style (a whole function).
public struct ModelSample: Sendable, Hashable, Codable {
    /// The task id as written in the file (`HumanEval/0`, `11`, `mbpp/11`).
    public var taskID: String
    public var completion: String
    /// Where it was read: 1-based line of a JSON-lines file, or 1-based position in a JSON array.
    public var line: Int

    public init(taskID: String, completion: String, line: Int) {
        self.taskID = taskID
        self.completion = completion
        self.line = line
    }
}

/// Reads sample files: JSON lines (human-eval `samples.jsonl`) or a JSON array, with `task_id` (string or
/// number) and `completion` (or `code`, MBPP style).
public enum SampleReader {
    /// Reads and parses the file at `path`.
    public static func read(path: String) throws -> [ModelSample] {
        try parse(load(path: path), path: path)
    }

    /// The bytes of the samples file at `path`.
    static func load(path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FilterError.unreadableSamples(path: path, reason: error.localizedDescription)
        }
    }

    /// Parses sample records from bytes; `path` only names the source in errors.
    public static func parse(_ data: Data, path: String) throws -> [ModelSample] {
        let text = String(decoding: data, as: UTF8.self)
        if text.drop(while: \.isWhitespace).first == "[" {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw FilterError.unreadableSamples(path: path, reason: "it starts with '[' but is not a JSON array")
            }
            return try array.enumerated().map { try sample(from: $1, line: $0 + 1, path: path) }
        }
        var samples: [ModelSample] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) else {
                throw FilterError.badSample(path: path, line: number + 1, reason: "not a JSON object")
            }
            samples.append(try sample(from: object, line: number + 1, path: path))
        }
        return samples
    }

    private static func sample(from object: Any, line: Int, path: String) throws -> ModelSample {
        guard let record = object as? [String: Any] else {
            throw FilterError.badSample(path: path, line: line, reason: "not a JSON object")
        }
        let taskID: String
        switch record["task_id"] {
        case let text as String: taskID = text
        case let number as NSNumber: taskID = number.stringValue
        default: throw FilterError.badSample(path: path, line: line, reason: "no \"task_id\"")
        }
        guard let completion = (record["completion"] ?? record["code"]) as? String else {
            throw FilterError.badSample(path: path, line: line, reason: "no \"completion\" or \"code\" string")
        }
        return ModelSample(taskID: taskID, completion: completion, line: line)
    }
}

/// Turns a sample into the solution program run against a task's tests.
public enum SampleProgram {
    /// A whole program (MBPP style: it defines the entry point, or any top-level function when the entry point
    /// is unknown) is used as is; otherwise the sample is a completion (human-eval style) appended to the
    /// task's prompt (`metadata["prompt"]`).
    public static func solution(for sample: ModelSample, task: TaskContent) -> String {
        let code = sample.completion.replacingOccurrences(of: "\r\n", with: "\n")
        let lines = code.split(separator: "\n")
        let isWholeProgram: Bool
        if let entry = task.entryPoint, !entry.isEmpty {
            isWholeProgram = lines.contains { $0.hasPrefix("def \(entry)(") || $0.hasPrefix("async def \(entry)(") }
        } else {
            isWholeProgram = lines.contains {
                $0.hasPrefix("def ") || $0.hasPrefix("class ") || $0.hasPrefix("async def ")
            }
        }
        guard !isWholeProgram, let prompt = task.metadata["prompt"], !prompt.isEmpty else { return code }
        return prompt + code
    }
}
