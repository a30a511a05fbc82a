import CurateCore
import CurateStore
import Foundation

/// Stores with known tasks in them, for tests that need a populated store.
public enum SeededStore {
    /// What went wrong seeding a store.
    public struct SeedError: LocalizedError {
        public var errorDescription: String?
    }

    /// An in-memory store (or one at `path`) with the tasks of the given fixture files ingested, failing when any
    /// record is rejected.
    public static func ingested(
        _ fixtures: [String] = ["ingest/mbpp-small.jsonl"], options: IngestOptions = IngestOptions(),
        path: String? = nil
    ) throws -> TaskStore {
        let store = try path.map { try TaskStore(path: $0) } ?? TaskStore()
        let report = Ingestor(store: store).ingest(paths: fixtures.map(Fixtures.path), options: options)
        if report.hasRejections {
            throw SeedError(
                errorDescription: "ingesting \(fixtures.joined(separator: ", ")) rejected records: \(report.files)")
        }
        return store
    }

    /// An in-memory store with each `(id, content)` stored as an ingested revision.
    public static func withTasks(_ tasks: [(id: String, content: TaskContent)]) throws -> TaskStore {
        let store = try TaskStore()
        try store.store(
            tasks.map { id, content in
                guard let (dataset, source) = TaskID.split(id) else {
                    preconditionFailure("task id '\(id)' has no dataset prefix")
                }
                return IncomingRevision(
                    taskID: id, dataset: dataset, sourceID: source, contentHash: content.contentHash,
                    content: String(decoding: content.canonicalJSON(), as: UTF8.self), origin: .ingest, author: "test")
            })
        return store
    }
}
