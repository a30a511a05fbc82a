import CurateStore
import Foundation

extension TaskStore {
    /// The newest revisions of `dataset` (every dataset when nil), only `ids` when given (an unknown id is an error),
    /// in natural id order: the tasks a command runs on.
    func selectedHeads(dataset: String?, ids: [String]) throws -> [TaskHead] {
        var heads = try heads(dataset: dataset)
        if !ids.isEmpty {
            let byID = Dictionary(heads.map { ($0.task.id, $0) }, uniquingKeysWith: { first, _ in first })
            heads = try ids.map { id in
                guard let head = byID[id] else { throw StoreError.unknownTask(id) }
                return head
            }
        }
        return heads.sorted { TaskID.naturalLess($0.task.id, $1.task.id) }
    }
}
