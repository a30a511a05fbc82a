import Foundation
import GRDB

/// One task's newest revision as a stage's input fingerprint sees it.
public struct HeadContentHash: Sendable, Hashable {
    public var taskID: String
    public var revisionID: Int64
    public var contentHash: String
}

/// An active flag on a task's newest revision with the action of its latest override, as a fingerprint sees it.
public struct HeadFlagState: Sendable, Hashable {
    public var taskID: String
    public var code: String
    public var message: String
    public var latestOverride: FlagOverrideRecord.Action?
}

/// Store facade for the fingerprints of a dataset's state (`DatasetState` in CurateCore).
extension TaskStore {
    /// Every task of `dataset` with its newest revision's id and content hash, ordered by task id.
    public func headContentHashes(dataset: String) throws -> [HeadContentHash] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id AS id, r.id AS rid, r.contentHash AS hash FROM task t JOIN taskRevision r ON r.taskID = t.id
                    WHERE t.dataset = ? AND r.id = \(StoreSQL.newestRevisionID(ofTask: "t.id")) ORDER BY t.id
                    """, arguments: [dataset]
            ).map { HeadContentHash(taskID: $0["id"], revisionID: $0["rid"], contentHash: $0["hash"]) }
        }
    }

    /// The active flags on the newest revisions of `dataset` with their latest override, by task, code and message.
    public func headFlagStates(dataset: String) throws -> [HeadFlagState] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.taskID AS task, f.code AS code, f.message AS message, \(StoreSQL.latestOverrideAction(ofFlag: "f")) AS action
                    FROM flag f JOIN task t ON t.id = f.taskID
                    WHERE t.dataset = ? AND \(StoreSQL.isActiveFlag("f"))
                      AND f.revisionID = \(StoreSQL.newestRevisionID(ofTask: "f.taskID"))
                    ORDER BY f.taskID, f.code, f.message
                    """, arguments: [dataset]
            ).map { row in
                HeadFlagState(
                    taskID: row["task"], code: row["code"], message: row["message"], latestOverride: row["action"])
            }
        }
    }
}
