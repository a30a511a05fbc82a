import CurateStore
import Foundation

/// The review pass of one dataset as the store holds it: each task's status, edits and open conflict.
public struct ReviewState: Sendable {
    /// Review actions by task id, oldest first.
    public let actions: [String: [ReviewActionRecord]]

    public init(store: TaskStore, dataset: String? = nil) throws {
        actions = Dictionary(grouping: try store.reviewActions(dataset: dataset), by: \.taskID)
    }

    init(actions: [ReviewActionRecord]) {
        self.actions = Dictionary(grouping: actions, by: \.taskID)
    }

    /// The task's latest status action, if any.
    public func statusAction(_ taskID: String) -> ReviewActionRecord? {
        actions[taskID]?.last { $0.kind == .status }
    }

    /// The task's status; an approval counts only for the content it was given on.
    public func status(_ taskID: String, contentHash: String) -> ReviewStatus {
        guard let action = statusAction(taskID), let status = action.status.flatMap(ReviewStatus.init(rawValue:)) else {
            return .unreviewed
        }
        if status == .approved, action.baseHash != contentHash { return .unreviewed }
        return status
    }

    /// The task's open conflict: a conflict after its last applied edit, unless the raw record went back to being
    /// the edits' base (a conflict row with outcome `already`).
    public func conflict(_ taskID: String) -> ReviewActionRecord? {
        guard let list = actions[taskID], let conflict = list.last(where: { $0.kind == .conflict }),
            conflict.outcome != .already
        else { return nil }
        let resolved = list.contains { $0.kind == .edit && $0.outcome != .conflict && $0.id! > conflict.id! }
        return resolved ? nil : conflict
    }

    /// The task's edits that wrote a revision, oldest first.
    public func appliedEdits(_ taskID: String) -> [ReviewActionRecord] {
        actions[taskID]?.filter { $0.kind == .edit && $0.outcome == .applied } ?? []
    }

    /// Tasks with an open conflict, in natural id order.
    public var conflictedTasks: [String] {
        actions.keys.filter { conflict($0) != nil }.sorted(by: TaskID.naturalLess)
    }

    /// Editors who acted on the task.
    public func editors(_ taskID: String) -> [String] {
        Array(Set((actions[taskID] ?? []).filter { $0.kind != .conflict }.map(\.editor))).sorted()
    }
}
