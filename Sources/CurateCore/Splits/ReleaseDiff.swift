import Foundation

/// How two releases of a dataset differ, task by task.
public struct ReleaseDiff: Sendable, Codable, Hashable {
    public struct Added: Sendable, Codable, Hashable {
        public var id: String
        public var split: String
        public var reason: String
    }
    public struct Removed: Sendable, Codable, Hashable {
        public var id: String
        public var split: String
        public var reason: String
    }
    /// One changed field of a task's record, old and new as text (strings as they are, lists one item per line).
    public struct FieldChange: Sendable, Codable, Hashable {
        public var field: String
        public var old: String
        public var new: String
    }
    public struct Changed: Sendable, Codable, Hashable {
        public var id: String
        public var fields: [String]
        public var reason: String
        /// The text of each changed field.
        public var changes: [FieldChange]
        /// Who edited the task and why, from the newer release's review section (empty for changes not made by editors).
        public var editors: [String]
        public var reasons: [String]
    }
    public struct Moved: Sendable, Codable, Hashable {
        public var id: String
        public var from: String
        public var to: String
    }

    public var from: String
    public var to: String
    public var added: [Added]
    public var removed: [Removed]
    public var changed: [Changed]
    public var moved: [Moved]

    /// Compares `DATASET@A` with `DATASET@B` under `root` (usually `curated`).
    public static func compare(_ specA: String, _ specB: String, root: String = "curated") throws -> ReleaseDiff {
        compare(
            try LoadedRelease(spec: specA, root: root), try LoadedRelease(spec: specB, root: root), from: specA,
            to: specB)
    }

    /// Compares two loaded releases, named `specA` and `specB` in the result.
    static func compare(_ a: LoadedRelease, _ b: LoadedRelease, from specA: String, to specB: String) -> ReleaseDiff {
        var diff = ReleaseDiff(from: specA, to: specB, added: [], removed: [], changed: [], moved: [])
        let excludedInA = Dictionary(uniqueKeysWithValues: a.manifest.exclusions.map { ($0.id, $0.reasons) })
        let excludedInB = Dictionary(uniqueKeysWithValues: b.manifest.exclusions.map { ($0.id, $0.reasons) })
        let edited = Dictionary((b.manifest.review?.edited ?? []).map { ($0.id, $0) }) { first, _ in first }
        let ids = Set(a.manifest.tasks.keys).union(b.manifest.tasks.keys).sorted(by: TaskID.naturalLess)
        for id in ids {
            switch (a.manifest.tasks[id], b.manifest.tasks[id]) {
            case (nil, let new?):
                let reason =
                    excludedInA[id].map { "no longer excluded (was: \($0.joined(separator: "; ")))" }
                    ?? "new task (revision \(new.revision) by \(new.author))"
                diff.added.append(.init(id: id, split: new.split, reason: reason))
            case (let old?, nil):
                let reason =
                    excludedInB[id].map { "excluded: \($0.joined(separator: "; "))" } ?? "no longer in the dataset"
                diff.removed.append(.init(id: id, split: old.split, reason: reason))
            case (let old?, let new?):
                if old.split != new.split { diff.moved.append(.init(id: id, from: old.split, to: new.split)) }
                if old.contentHash != new.contentHash || a.records[id] != b.records[id] {
                    let fields = changedFields(a.records[id] ?? [:], b.records[id] ?? [:])
                    let reason =
                        "revision \(old.revision) → \(new.revision) by \(new.author)"
                        + (new.note.map { ": \($0)" } ?? "")
                    let changes = fields.map {
                        FieldChange(field: $0, old: text(a.records[id]?[$0]), new: text(b.records[id]?[$0]))
                    }
                    diff.changed.append(
                        .init(
                            id: id, fields: fields, reason: reason, changes: changes,
                            editors: edited[id]?.editors ?? [], reasons: edited[id]?.reasons ?? []))
                }
            case (nil, nil):
                break
            }
        }
        return diff
    }

    /// A record field's canonical JSON as text: a string as it is, a list of strings one per line, else the JSON.
    static func text(_ json: String?) -> String {
        guard let json else { return "" }
        let value = JSONValue(parsing: json) ?? .string(json)
        switch value {
        case .string(let s): return s
        case .array(let items)
        where items.allSatisfy({
            if case .string = $0 { return true }; return false
        }):
            return items.map {
                if case .string(let s) = $0 { return s }; return ""
            }.joined(separator: "\n")
        default: return json
        }
    }

    static func changedFields(_ a: [String: String], _ b: [String: String]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }
}

/// A release read back from disk: its manifest and each task's record fields (as canonical JSON strings).
struct LoadedRelease {
    let manifest: ReleaseManifest
    let records: [String: [String: String]]

    init(spec: String, root: String) throws {
        let parts = spec.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ReleaseError.badSpec(spec) }
        try ReleaseNames.check(dataset: parts[0], version: parts[1])
        let folder = URL(fileURLWithPath: root).appendingPathComponent(parts[0]).appendingPathComponent(parts[1])
        let manifestURL = folder.appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw ReleaseError.missingRelease(path: folder.path)
        }
        let manifest: ReleaseManifest
        do {
            manifest = try JSONDecoder().decode(ReleaseManifest.self, from: Data(contentsOf: manifestURL))
        } catch {
            throw ReleaseError.unreadable(path: manifestURL.path, reason: "\(error)")
        }
        try self.init(manifest: manifest, path: folder.path) { split in
            let url = folder.appendingPathComponent("\(split).jsonl")
            guard let data = try? Data(contentsOf: url) else {
                throw ReleaseError.unreadable(path: url.path, reason: "missing split file")
            }
            return data
        }
    }

    /// A release from its manifest and its split files' bytes (`splitData` by split name), e.g. one not yet written.
    init(manifest: ReleaseManifest, path: String, splitData: (String) throws -> Data) throws {
        self.manifest = manifest
        let idForSourceID = Dictionary(manifest.tasks.keys.map { (TaskID.split($0)?.sourceID ?? $0, $0) }) { first, _ in
            first
        }
        var records: [String: [String: String]] = [:]
        for split in manifest.splits {
            let url = URL(fileURLWithPath: path).appendingPathComponent("\(split).jsonl")
            let data = try splitData(split)
            for (number, line) in LineSplitter.lines(data) where !line.isEmpty {
                guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                    throw ReleaseError.unreadable(path: url.path, reason: "line \(number) is not a JSON object")
                }
                let rawID = object["task_id"].map { "\($0)" } ?? ""
                guard let id = idForSourceID[rawID] else { continue }
                records[id] = object.mapValues { CanonicalJSON.string(RawRecordJSON($0)) }
            }
        }
        self.records = records
    }
}
