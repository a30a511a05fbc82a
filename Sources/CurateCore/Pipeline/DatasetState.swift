import CurateStore
import Foundation
import GRDB

/// Fingerprints of a dataset's state in the store, the inputs of stages that read it.
public enum DatasetState {
    /// A hash of input files by path and content (`missing` for absent ones): what a stage reading files depends on.
    public static func filesFingerprint(_ paths: [String]) throws -> String {
        var hasher = SHA256()
        for path in paths {
            hasher.update(Data("\(path)\t".utf8))
            hasher.update(Data((FileManager.default.fileExists(atPath: path) ? try SHA256.hex(fileAt: URL(fileURLWithPath: path)) : "missing").utf8))
        }
        return hasher.finalizeHex()
    }

    /// sha256 over every task's newest revision (id, revision id, content hash).
    public static func contentFingerprint(_ store: TaskStore, dataset: String) throws -> String {
        let lines = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.id AS id, r.id AS rid, r.contentHash AS hash FROM task t JOIN taskRevision r ON r.taskID = t.id
                WHERE t.dataset = ? AND r.number = (SELECT MAX(number) FROM taskRevision WHERE taskID = t.id) ORDER BY t.id
                """, arguments: [dataset]).map { "\($0["id"] as String)\t\($0["rid"] as Int64)\t\($0["hash"] as String)\n" }
        }
        var hasher = SHA256()
        for line in lines { hasher.update(Data(line.utf8)) }
        return hasher.finalizeHex()
    }

    /// Content fingerprint plus the active flags on the newest revisions (by code and message, not row id) and dismissals.
    public static func fingerprint(_ store: TaskStore, dataset: String) throws -> String {
        let content = try contentFingerprint(store, dataset: dataset)
        let lines = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.taskID AS task, f.code AS code, f.message AS message,
                  (SELECT o.action FROM flagOverride o WHERE o.flagID = f.id ORDER BY o.id DESC LIMIT 1) AS action
                FROM flag f JOIN task t ON t.id = f.taskID
                WHERE t.dataset = ? AND f.supersededAt IS NULL
                  AND f.revisionID = (SELECT MAX(r.id) FROM taskRevision r WHERE r.taskID = f.taskID)
                ORDER BY f.taskID, f.code, f.message
                """, arguments: [dataset]).map { row in
                "\(row["task"] as String)\t\(row["code"] as String)\t\(row["message"] as String)\t\((row["action"] as String?) ?? "")\n"
            }
        }
        var hasher = SHA256()
        hasher.update(Data(content.utf8))
        for line in lines { hasher.update(Data(line.utf8)) }
        hasher.update(Data(try store.reviewFingerprint(dataset: dataset).utf8))
        return hasher.finalizeHex()
    }
}
