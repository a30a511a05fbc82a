import CurateStore
import Foundation

/// One line of `curate list`.
public struct TaskSummary: Sendable, Codable, Hashable {
    public var id: String
    public var dataset: String
    public var revision: Int
    public var revisionID: Int64
    public var contentHash: String
    public var entryPoint: String?
    public var tests: Int
    /// Codes of the active, not dismissed flags on the newest revision.
    public var flags: [String]
    public var description: String
}

/// A flag with the editor overrides recorded against it.
public struct FlagDetail: Sendable, Codable, Hashable {
    public var id: Int64
    public var stage: String
    public var code: String
    public var severity: String
    public var message: String
    public var evidence: String?
    public var superseded: Bool
    public var dismissed: Bool
    public var overrides: [String]
}

/// In JSON, a flag's evidence is the JSON value it holds (not a string of JSON); evidence that is not JSON stays a string.
extension FlagDetail {
    enum CodingKeys: String, CodingKey {
        case id, stage, code, severity, message, evidence, superseded, dismissed, overrides
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        stage = try c.decode(String.self, forKey: .stage)
        code = try c.decode(String.self, forKey: .code)
        severity = try c.decode(String.self, forKey: .severity)
        message = try c.decode(String.self, forKey: .message)
        evidence = try c.decodeIfPresent(JSONValue.self, forKey: .evidence).map { value in
            if case .string(let text) = value, JSONValue(parsing: text) == nil { return text }
            return CanonicalJSON.string(value)
        }
        superseded = try c.decode(Bool.self, forKey: .superseded)
        dismissed = try c.decode(Bool.self, forKey: .dismissed)
        overrides = try c.decode([String].self, forKey: .overrides)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(stage, forKey: .stage)
        try c.encode(code, forKey: .code)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(evidence.map { JSONValue(parsing: $0) ?? .string($0) }, forKey: .evidence)
        try c.encode(superseded, forKey: .superseded)
        try c.encode(dismissed, forKey: .dismissed)
        try c.encode(overrides, forKey: .overrides)
    }
}

/// One revision in `curate show`.
public struct RevisionDetail: Sendable, Codable, Hashable {
    public var id: Int64
    public var number: Int
    public var contentHash: String
    public var origin: String
    public var author: String
    public var note: String?
    public var createdAt: Date
    public var provenance: Provenance?
    public var content: TaskContent
    /// The latest sandbox verdict on this revision, if it was validated.
    public var verdict: StoredVerdict?
    public var flags: [FlagDetail]
    /// The revision's mutation analysis (`curate tests mutate`), if it ran.
    public var mutation: MutationRunDetail? = nil
}

/// A stored mutation run of a revision and its mutants in ordinal order.
public struct MutationRunDetail: Sendable, Codable, Hashable {
    public var run: MutationRunRecord
    public var mutants: [MutantRecord]
}

/// Everything the store knows about a task.
public struct TaskDetail: Sendable, Codable, Hashable {
    public var id: String
    public var dataset: String
    public var sourceID: String
    public var revisions: [RevisionDetail]
}

/// A looking command asked for something the store does not have.
public enum CatalogError: LocalizedError, Equatable {
    case unknownDataset(String, known: [String])

    public var errorDescription: String? {
        switch self {
        case .unknownDataset(let name, let known):
            return
                "no dataset '\(name)' in the store (it has: \(known.isEmpty ? "none" : known.joined(separator: ", "))). Check --dataset against `curate stats`."
        }
    }
}

/// Read-side queries over the store for the looking commands (`list`, `show`, `stats`).
public struct TaskCatalog: Sendable {
    public let store: TaskStore
    public init(store: TaskStore) { self.store = store }

    /// Tasks with their newest revision, optionally only one dataset and only those carrying `flag` (code or code prefix).
    public func list(dataset: String? = nil, flag: String? = nil) throws -> [TaskSummary] {
        let heads = try store.heads(dataset: dataset)
        if let dataset, heads.isEmpty { throw CatalogError.unknownDataset(dataset, known: try store.datasets()) }
        let flags = try store.effectiveFlags(revisionIDs: heads.compactMap(\.revision.id))
        let summaries = try heads.map { head -> TaskSummary in
            let content = try TaskContent.decode(head.revision.content)
            let codes = (flags[head.revision.id!] ?? []).map(\.code)
            return TaskSummary(
                id: head.task.id, dataset: head.task.dataset, revision: head.revision.number,
                revisionID: head.revision.id!,
                contentHash: head.revision.contentHash, entryPoint: content.entryPoint, tests: content.tests.count,
                flags: Array(Set(codes)).sorted(), description: content.description)
        }
        let filtered =
            flag.map { wanted in summaries.filter { $0.flags.contains { $0 == wanted || $0.hasPrefix(wanted) } } }
            ?? summaries
        return filtered.sorted { TaskID.naturalLess($0.id, $1.id) }
    }

    /// Every revision of a task with its provenance, content and flags (including superseded ones and overrides).
    public func detail(id: String) throws -> TaskDetail {
        guard let task = try store.task(id) else { throw StoreError.unknownTask(id) }
        let dismissed = try store.dismissedFlagIDs()
        let revisions = try store.revisions(of: id).map { revision -> RevisionDetail in
            let flags = try store.flags(revisionID: revision.id!, activeOnly: false)
            let overrides = try store.overrides(flagIDs: flags.compactMap(\.id))
            let provenance = revision.sourcePath.map {
                Provenance(sourcePath: $0, location: revision.sourceLocation ?? "", rawSHA256: revision.rawSHA256 ?? "")
            }
            return RevisionDetail(
                id: revision.id!, number: revision.number, contentHash: revision.contentHash,
                origin: revision.origin.rawValue,
                author: revision.author, note: revision.note, createdAt: revision.createdAt, provenance: provenance,
                content: try TaskContent.decode(revision.content),
                verdict: try Validator.latestVerdict(store: store, revisionID: revision.id!),
                flags: flags.map { flag in
                    FlagDetail(
                        id: flag.id!, stage: flag.stage, code: flag.code, severity: flag.severity.rawValue,
                        message: flag.message,
                        evidence: flag.evidence, superseded: flag.supersededAt != nil,
                        dismissed: dismissed.contains(flag.id!),
                        overrides: (overrides[flag.id!] ?? []).map {
                            "\($0.action.rawValue) by \($0.editor): \($0.reason)"
                        })
                },
                mutation: try store.mutationRun(revisionID: revision.id!).map {
                    MutationRunDetail(run: $0.run, mutants: $0.mutants)
                })
        }
        return TaskDetail(id: task.id, dataset: task.dataset, sourceID: task.sourceID, revisions: revisions)
    }

    /// Counts per dataset.
    public func stats() throws -> [DatasetStats] { try store.stats() }
}
