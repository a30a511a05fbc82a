import Foundation

/// Fatal problems of the task store.
public enum StoreError: LocalizedError, Equatable {
    case cannotOpen(path: String, reason: String)
    case unknownTask(String)
    case unknownRevision(Int64)
    case unknownFlag(Int64)
    case unknownGeneratedTests(revisionID: Int64, ordinals: [Int])

    public var errorDescription: String? {
        switch self {
        case .cannotOpen(let path, let reason):
            return
                "cannot open the store at '\(path)': \(reason). Check the path and its permissions, or pass --store PATH."
        case .unknownTask(let id):
            return "no task '\(id)' in the store. Run `curate list` to see the ids."
        case .unknownRevision(let id):
            return "no revision #\(id) in the store. Run `curate show TASK` to see its revisions."
        case .unknownFlag(let id):
            return "no flag #\(id) in the store. Run `curate show TASK` to see the flag ids."
        case .unknownGeneratedTests(let revisionID, let ordinals):
            let list = ordinals.map(String.init).joined(separator: ", ")
            return
                "revision #\(revisionID) has no generated tests with ordinals \(list). Run `curate tests generate` first, and mark only ordinals it stored."
        }
    }
}
