import CurateStore
import Foundation

/// Fingerprints of a dataset's state in the store, the inputs of stages that read it.
public enum DatasetState {
    /// A hash of input files by path and content (`missing` for absent ones): what a stage reading files depends on.
    public static func filesFingerprint(_ paths: [String]) throws -> String {
        var hasher = SHA256()
        for path in paths {
            hasher.update(Data("\(path)\t".utf8))
            hasher.update(
                Data(
                    (FileManager.default.fileExists(atPath: path)
                        ? try SHA256.hex(fileAt: URL(fileURLWithPath: path)) : "missing").utf8))
        }
        return hasher.finalizeHex()
    }

    /// sha256 over every task's newest revision (id, revision id, content hash).
    public static func contentFingerprint(_ store: TaskStore, dataset: String) throws -> String {
        let lines = try store.headContentHashes(dataset: dataset).map {
            "\($0.taskID)\t\($0.revisionID)\t\($0.contentHash)\n"
        }
        var hasher = SHA256()
        for line in lines { hasher.update(Data(line.utf8)) }
        return hasher.finalizeHex()
    }

    /// sha256 over the generated tests of every task's newest revision (statement and reduced mark, in order), or ""
    /// when there are none, so a stage that ships them runs again when they change.
    public static func generatedTestsFingerprint(_ store: TaskStore, dataset: String) throws -> String {
        let heads = try store.heads(dataset: dataset)
        let tests = try store.generatedTests(revisionIDs: heads.compactMap(\.revision.id))
        guard !tests.isEmpty else { return "" }
        var hasher = SHA256()
        for head in heads {
            for test in tests[head.revision.id!] ?? [] {
                hasher.update(Data("\(head.task.id)\t\(test.ordinal)\t\(test.reduced)\t\(test.statement)\n".utf8))
            }
        }
        return hasher.finalizeHex()
    }

    /// Content fingerprint plus the active flags on the newest revisions (by code and message, not row id) and dismissals.
    public static func fingerprint(_ store: TaskStore, dataset: String) throws -> String {
        let content = try contentFingerprint(store, dataset: dataset)
        let lines = try store.headFlagStates(dataset: dataset).map { flag in
            "\(flag.taskID)\t\(flag.code)\t\(flag.message)\t\(flag.latestOverride?.rawValue ?? "")\n"
        }
        var hasher = SHA256()
        hasher.update(Data(content.utf8))
        for line in lines { hasher.update(Data(line.utf8)) }
        hasher.update(Data(try store.reviewFingerprint(dataset: dataset).utf8))
        return hasher.finalizeHex()
    }
}
