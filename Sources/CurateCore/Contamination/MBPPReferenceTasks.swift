import Foundation

/// Reads `mbpp.jsonl` (fields task_id, text, code, test_list) straight into reference tasks, for speed tests
/// (`curate bench`) and fixtures that run without a store; the audit itself takes its tasks from the store.
public enum MBPPReferenceTasks {
    /// Tasks `mbpp/<task_id>` with revision ids equal to the task number.
    public static func load(path: String) throws -> [ReferenceTask] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContaminationError.missingCorpus(path)
        }
        var tasks: [ReferenceTask] = []
        for (number, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["task_id"] as? Int, let text = object["text"] as? String,
                let code = object["code"] as? String
            else {
                throw ContaminationError.badOption(
                    "'\(path)' line \(number + 1) is not an MBPP record (task_id, text, code, test_list)")
            }
            let tests = object["test_list"] as? [String] ?? []
            tasks.append(
                ReferenceTask(
                    taskID: "mbpp/\(id)", revisionID: Int64(id),
                    content: TaskContent(description: text, solution: code, tests: tests)))
        }
        return tasks
    }
}
