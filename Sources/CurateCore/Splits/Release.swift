import CurateStore
import Foundation

/// What decides a release, besides the store's contents.
public struct ReleaseConfiguration: Sendable, Codable, Hashable {
    public var dataset: String
    public var version: String
    public var policy: SplitPolicy
    public var fewShot: FewShotSelection
    /// Flag codes that exclude a task; a code ending in `/` or `*` matches as a prefix.
    public var excludeFlags: [String]
    public var layout: NativeLayout
    /// Splits in the order they are listed in the card and manifest.
    public var splitOrder: [String]
    /// Folder holding releases (`curated`).
    public var outputRoot: String
    /// The pipeline file that produced the release, hashed into the manifest.
    public var pipelineFile: String?
    /// Python version the tasks were validated with, recorded in the manifest.
    public var pythonVersion: String?
    /// Ship only tasks whose current content has this review status (`approved`); others are excluded.
    public var requireReview: ReviewStatus?
    /// The dataset's edit log (`edits/DATASET.jsonl`), hashed into the manifest's inputs.
    public var editLog: String?
    /// Refuse the release when a task's newest revision has no stored verdict.
    public var requireValidated = false
    /// The head revision ids the pipeline's stages saw: the release refuses if the dataset's heads differ now.
    public var expectedRevisions: Set<Int64>?

    /// The default exclusions of a release (pipeline or `curate release`) and of `curate split`: tasks that fail or
    /// time out in validation (`validate/…`) and nondeterministic ones. Tasks an editor excluded never ship, whatever
    /// the flags (`reviewExclusions`).
    public static let defaultExcludeFlags = ["validate/", "nondeterministic"]

    public init(
        dataset: String, version: String, policy: SplitPolicy, fewShot: FewShotSelection = .none,
        excludeFlags: [String] = [],
        layout: NativeLayout? = nil, splitOrder: [String]? = nil, outputRoot: String = "curated",
        pipelineFile: String? = nil,
        pythonVersion: String? = nil, requireReview: ReviewStatus? = nil, editLog: String? = nil
    ) {
        self.dataset = dataset
        self.version = version
        self.policy = policy
        self.fewShot = fewShot
        self.excludeFlags = excludeFlags
        self.layout = layout ?? NativeLayout.forDataset(dataset)
        self.splitOrder = splitOrder ?? Self.defaultOrder(policy)
        self.outputRoot = outputRoot
        self.pipelineFile = pipelineFile
        self.pythonVersion = pythonVersion
        self.requireReview = requireReview
        self.editLog = editLog
    }

    static func defaultOrder(_ policy: SplitPolicy) -> [String] {
        switch policy {
        case .ranges(let ranges): return ranges.map(\.split).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        case .hash(_, let ratios, _): return ratios.map(\.split)
        case .field(_, let splits): return splits
        }
    }

    /// True when `code` is excluded by this configuration.
    public func excludes(_ code: String) -> Bool {
        excludeFlags.contains { pattern in
            if pattern.hasSuffix("*") { return code.hasPrefix(pattern.dropLast()) }
            if pattern.hasSuffix("/") { return code.hasPrefix(pattern) }
            return code == pattern
        }
    }
}

/// `manifest.json` of a release.
public struct ReleaseManifest: Sendable, Codable, Hashable {
    public struct Exclusion: Sendable, Codable, Hashable {
        public var id: String
        public var revision: Int
        public var reasons: [String]
    }
    public struct TaskEntry: Sendable, Codable, Hashable {
        public var split: String
        public var revision: Int
        public var contentHash: String
        public var author: String
        public var note: String?
    }
    public struct FileHash: Sendable, Codable, Hashable {
        public var path: String
        public var sha256: String
    }
    /// A task an editor changed: its shipped revision, who edited it and why (every applied edit, in order).
    public struct EditedTask: Sendable, Codable, Hashable {
        public var id: String
        public var revision: Int
        public var editors: [String]
        public var reasons: [String]
    }
    /// The review pass behind the release (present when the dataset has review actions or review is required).
    public struct Review: Sendable, Codable, Hashable {
        public var requireReview: String?
        public var log: FileHash?
        public var edited: [EditedTask]
        public var approved: Int
        public var needsWork: Int
        /// Tasks an editor excluded (their reasons are in `exclusions`).
        public var excluded: Int
        public var flagsRaised: Int
        public var flagsDismissed: Int
    }

    public var dataset: String
    public var version: String
    public var tool: String
    public var python: String?
    public var layout: String
    public var policy: SplitPolicy
    public var fewShot: FewShotSelection
    public var excludeFlags: [String]
    public var counts: [String: Int]
    public var splits: [String]
    public var files: [FileHash]
    public var inputs: [FileHash]
    public var pipeline: FileHash?
    public var exclusions: [Exclusion]
    public var tasks: [String: TaskEntry]
    public var review: Review? = nil
}

/// Problems writing or reading releases.
public enum ReleaseError: LocalizedError, Equatable {
    case versionExists(path: String, differing: [String])
    case emptyDataset(String)
    case missingRelease(path: String)
    case badSpec(String)
    case unreadable(path: String, reason: String)
    case badName(String)
    case unvalidated(dataset: String, tasks: [String])
    case changedDuringRun(dataset: String, tasks: [String])

    public var errorDescription: String? {
        switch self {
        case .versionExists(let path, let differing):
            return
                "release '\(path)' already exists and differs from what would be written now (\(differing.joined(separator: ", "))). Releases are immutable: choose a new --version."
        case .emptyDataset(let dataset):
            return "dataset '\(dataset)' has no tasks in the store. Ingest it first (`curate ingest …`)."
        case .missingRelease(let path):
            return "no release at '\(path)'. Run `curate release` first or check DATASET@VERSION."
        case .badSpec(let spec):
            return "'\(spec)' is not DATASET@VERSION (e.g. mbpp@1.0.0)."
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)."
        case .badName(let problem):
            return "\(problem)."
        case .unvalidated(let dataset, let tasks):
            return
                "\(tasks.count) task(s) of '\(dataset)' have no validation verdict for their newest revision (\(Self.sample(tasks))). Run `curate validate --dataset \(dataset)` first, or pass --allow-unvalidated (`allow_unvalidated: true` in a pipeline's release stage) to release them unchecked."
        case .changedDuringRun(let dataset, let tasks):
            let what =
                tasks.isEmpty
                ? "its set of tasks changed" : "new revisions of \(tasks.count) task(s) (\(Self.sample(tasks)))"
            return
                "dataset '\(dataset)' changed while the pipeline ran (\(what)), so its earlier stages did not see what would be released; nothing was written. Run the pipeline again."
        }
    }
}

extension ReleaseError {
    /// The first few of `ids`, for a one-line message.
    static func sample(_ ids: [String]) -> String {
        ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", … \(ids.count - 5) more" : "")
    }
}

/// What `curate release` did.
public struct ReleaseOutcome: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable { case written, upToDate }
    public var status: Status
    public var path: String
    public var counts: [String: Int]
    public var splits: [String]
    public var exclusions: [ReleaseManifest.Exclusion]
    public var kept: Int
}

/// Builds a release from the store and writes it atomically; an existing version is only ever verified, never rewritten.
public struct ReleaseBuilder: Sendable {
    public let store: TaskStore
    public init(store: TaskStore) { self.store = store }

    /// The files of a release, by name, as bytes: one JSONL per split, `manifest.json`, `README.md`, `report.html`.
    public func render(_ config: ReleaseConfiguration) throws -> (files: [(String, Data)], manifest: ReleaseManifest) {
        let previous = Self.previousVersion(root: config.outputRoot, dataset: config.dataset, before: config.version)
        var built = try build(config, diffFrom: previous, machineDependent: false)
        let sizes = Dictionary(uniqueKeysWithValues: built.files.map { ($0.0, $0.1.count) })
        let example = built.files.first.flatMap {
            String(decoding: $0.1, as: UTF8.self).split(separator: "\n").first.map(String.init)
        }
        let card = try DatasetCard.render(
            built.manifest, layout: config.layout, sizes: sizes, license: built.license, facts: built.facts,
            example: example)
        let report = ReleaseReport.render(
            .init(
                title: "\(config.dataset) \(config.version)", manifest: built.manifest, facts: built.facts,
                diff: built.diff, includeTimings: false))
        built.files += [("README.md", Data(card.utf8)), ("report.html", Data(report.utf8))]
        return (built.files, built.manifest)
    }

    /// The HTML report of the store's current state of `dataset`, split and filtered as its newest release under
    /// `root` was (everything in one `all` split when it has none), with execution times, diffed against that release.
    public func currentReport(dataset: String, root: String = "curated") throws -> String {
        let newest = Self.previousVersion(root: root, dataset: dataset, before: nil)
        var config = ReleaseConfiguration(
            dataset: dataset, version: "current",
            policy: .hash(salt: dataset, ratios: [SplitRatio(split: "all", weight: 1)], stratifyBy: nil),
            outputRoot: root)
        if let newest {
            let manifest = try LoadedRelease(spec: "\(dataset)@\(newest)", root: root).manifest
            config = ReleaseConfiguration(
                dataset: dataset, version: "current", policy: manifest.policy, fewShot: manifest.fewShot,
                excludeFlags: manifest.excludeFlags,
                layout: NativeLayout(rawValue: manifest.layout), splitOrder: manifest.splits, outputRoot: root)
        }
        let built = try build(config, diffFrom: newest, machineDependent: true)
        return ReleaseReport.render(
            .init(
                title: "\(dataset): the store's current state", manifest: built.manifest, facts: built.facts,
                diff: built.diff, includeTimings: true))
    }

    /// The committed `report.html` of `DATASET@VERSION` under `root`.
    public static func committedReport(spec: String, root: String = "curated") throws -> String {
        let parts = spec.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ReleaseError.badSpec(spec) }
        let folder = URL(fileURLWithPath: root).appendingPathComponent(parts[0]).appendingPathComponent(parts[1])
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("report.html").path) else {
            throw ReleaseError.missingRelease(path: folder.appendingPathComponent("report.html").path)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The newest release version of `dataset` under `root` older than `version` (any version when nil).
    static func previousVersion(root: String, dataset: String, before version: String?) -> String? {
        let folder = URL(fileURLWithPath: root).appendingPathComponent(dataset)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            !$0.hasPrefix(".")
                && FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent($0).appendingPathComponent("manifest.json").path)
        }
        return versions.filter { candidate in version.map { versionLess(candidate, $0) } ?? true }.max(by: versionLess)
    }

    /// Orders versions by their dot-separated components, numerically where both are numbers.
    static func versionLess(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: "."), y = b.split(separator: ".")
        for (p, q) in zip(x, y) where p != q {
            if let i = Int(p), let j = Int(q) { return i < j }
            return p < q
        }
        return x.count < y.count
    }

    /// What a release and a report are made of: the split files and manifest, the store's curation facts, the diff.
    struct Built {
        var files: [(String, Data)]
        var manifest: ReleaseManifest
        var facts: CurationFacts
        var diff: ReleaseDiff?
        var license: String?
    }

    func build(_ config: ReleaseConfiguration, diffFrom previous: String?, machineDependent: Bool) throws -> Built {
        let heads = try store.heads(dataset: config.dataset)
        guard !heads.isEmpty else { throw ReleaseError.emptyDataset(config.dataset) }
        if let expected = config.expectedRevisions {
            let changed = heads.filter { !expected.contains($0.revision.id!) }.map(\.task.id)
            guard changed.isEmpty && heads.count == expected.count else {
                throw ReleaseError.changedDuringRun(
                    dataset: config.dataset, tasks: changed.sorted(by: TaskID.naturalLess))
            }
        }
        if config.requireValidated {
            let verdicts = try store.latestExecutions(revisionIDs: heads.compactMap(\.revision.id))
            let unvalidated = heads.filter { verdicts[$0.revision.id!] == nil }.map(\.task.id)
            guard unvalidated.isEmpty else {
                throw ReleaseError.unvalidated(
                    dataset: config.dataset, tasks: unvalidated.sorted(by: TaskID.naturalLess))
            }
        }
        let flags = try store.effectiveFlags(revisionIDs: heads.compactMap(\.revision.id))
        let review = try ReviewState(store: store, dataset: config.dataset)
        var contents: [String: TaskContent] = [:]
        var candidates: [SplitCandidate] = []
        var activeFlags: [String: [FlagRecord]] = [:]
        for head in heads {
            let content = try TaskContent.decode(head.revision.content)
            contents[head.task.id] = content
            let active = flags[head.revision.id!] ?? []
            activeFlags[head.task.id] = active
            let clean = !active.contains { $0.severity != .info && $0.stage != "lint" }
            candidates.append(
                SplitCandidate(
                    id: head.task.id, sourceID: head.task.sourceID, metadata: content.metadata,
                    eligibleForFewShot: clean))
        }
        let assignment = try Splitter.assign(candidates, policy: config.policy, fewShot: config.fewShot)
        var exclusions: [ReleaseManifest.Exclusion] = []
        var bySplit: [String: [TaskHead]] = [:]
        var entries: [String: ReleaseManifest.TaskEntry] = [:]
        for head in heads.sorted(by: { TaskID.naturalLess($0.task.id, $1.task.id) }) {
            let active = activeFlags[head.task.id] ?? []
            var reasons = active.filter { config.excludes($0.code) }.map { "\($0.code): \($0.message)" }
            reasons += Self.reviewExclusions(head, review: review, requireReview: config.requireReview)
            if !reasons.isEmpty {
                exclusions.append(
                    .init(id: head.task.id, revision: head.revision.number, reasons: Array(Set(reasons)).sorted()))
                continue
            }
            let split = assignment[head.task.id]!
            bySplit[split, default: []].append(head)
            entries[head.task.id] = .init(
                split: split, revision: head.revision.number, contentHash: head.revision.contentHash,
                author: head.revision.author, note: head.revision.note)
        }
        // Under `field`, the listed splits are the allowed values: one with no tasks (MathQA's train when only dev and
        // test were converted) is left out rather than written empty.
        var declared = config.splitOrder
        if case .field = config.policy { declared = declared.filter { bySplit[$0] != nil } }
        let splits = declared + bySplit.keys.filter { !declared.contains($0) }.sorted()
        var files: [(String, Data)] = []
        for split in splits {
            let lines = (bySplit[split] ?? []).map { head in
                config.layout.record(sourceID: head.task.sourceID, content: contents[head.task.id]!).serialized + "\n"
            }
            files.append(("\(split).jsonl", Data(lines.joined().utf8)))
        }
        var inputs: [String: String] = [:]
        for file in try store.ingestedFiles() where file.dataset == config.dataset {
            inputs[ReleasePath.portable(file.path)] = file.sha256
        }
        let editLog = try config.editLog.flatMap { path in
            FileManager.default.fileExists(atPath: path)
                ? ReleaseManifest.FileHash(
                    path: ReleasePath.portable(path), sha256: try SHA256.hex(fileAt: URL(fileURLWithPath: path))) : nil
        }
        if let editLog { inputs[editLog.path] = editLog.sha256 }
        let pipeline = try config.pipelineFile.map {
            ReleaseManifest.FileHash(
                path: ReleasePath.portable($0), sha256: try SHA256.hex(fileAt: URL(fileURLWithPath: $0)))
        }
        let manifest = ReleaseManifest(
            dataset: config.dataset, version: config.version, tool: "curate \(CurateVersion.string)",
            python: config.pythonVersion,
            layout: config.layout.rawValue, policy: config.policy, fewShot: config.fewShot,
            excludeFlags: config.excludeFlags,
            counts: Dictionary(uniqueKeysWithValues: splits.map { ($0, bySplit[$0]?.count ?? 0) }), splits: splits,
            files: files.map { .init(path: $0.0, sha256: SHA256.hex($0.1)) },
            inputs: inputs.sorted { $0.key < $1.key }.map { .init(path: $0.key, sha256: $0.value) },
            pipeline: pipeline, exclusions: exclusions, tasks: entries,
            review: try Self.reviewSummary(heads, review: review, entries: entries, log: editLog, config: config))
        let facts = try CurationFacts.gather(
            store: store, dataset: config.dataset, heads: heads, flags: flags, contents: contents,
            machineDependent: machineDependent,
            released: { entries[$0] != nil })
        let splitBytes = Dictionary(uniqueKeysWithValues: files.map { ($0.0, $0.1) })
        let target = URL(fileURLWithPath: config.outputRoot).appendingPathComponent(config.dataset)
            .appendingPathComponent(config.version).path
        let diff = try previous.map { version in
            ReleaseDiff.compare(
                try LoadedRelease(spec: "\(config.dataset)@\(version)", root: config.outputRoot),
                try LoadedRelease(manifest: manifest, path: target) { splitBytes["\($0).jsonl"] ?? Data() },
                from: "\(config.dataset)@\(version)", to: "\(config.dataset)@\(config.version)")
        }
        var manifestData = CanonicalJSON.encode(manifest, pretty: true)
        manifestData.append(0x0A)
        files.append(("manifest.json", manifestData))
        return Built(files: files, manifest: manifest, facts: facts, diff: diff, license: Self.license(contents.values))
    }

    /// Writes the release into `outputRoot/dataset/version` via a temporary folder and a rename; if that version
    /// exists, checks it is byte-identical instead (and fails if not).
    public func release(_ config: ReleaseConfiguration) throws -> ReleaseOutcome {
        try ReleaseNames.check(dataset: config.dataset, version: config.version)
        let conflicts = try ReviewState(store: store, dataset: config.dataset).conflictedTasks
        guard conflicts.isEmpty else {
            throw ReviewError.unresolvedConflicts(dataset: config.dataset, tasks: conflicts)
        }
        let (files, manifest) = try render(config)
        let fm = FileManager.default
        let parent = URL(fileURLWithPath: config.outputRoot).appendingPathComponent(config.dataset)
        let target = parent.appendingPathComponent(config.version)
        let kept = manifest.counts.values.reduce(0, +)
        func outcome(_ status: ReleaseOutcome.Status) -> ReleaseOutcome {
            ReleaseOutcome(
                status: status, path: target.path, counts: manifest.counts, splits: manifest.splits,
                exclusions: manifest.exclusions, kept: kept)
        }
        if fm.fileExists(atPath: target.path) {
            var differing: [String] = []
            let existing = Set((try? fm.contentsOfDirectory(atPath: target.path)) ?? [])
            for (name, data) in files where (try? Data(contentsOf: target.appendingPathComponent(name))) != data {
                differing.append(name)
            }
            differing += existing.subtracting(files.map(\.0)).sorted().map { "\($0) (extra)" }
            guard differing.isEmpty else { throw ReleaseError.versionExists(path: target.path, differing: differing) }
            return outcome(.upToDate)
        }
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".tmp-\(config.version)-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            for (name, data) in files {
                try data.write(to: staging.appendingPathComponent(name), options: .atomic)
                FaultInjection.checkpoint("release-file")
            }
            try fm.moveItem(at: staging, to: target)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        return outcome(.written)
    }

    /// Why the review pass keeps a task out: an editor excluded it, or review is required and it is not approved.
    static func reviewExclusions(_ head: TaskHead, review: ReviewState, requireReview: ReviewStatus?) -> [String] {
        let status = review.status(head.task.id, contentHash: head.revision.contentHash)
        if status == .excluded, let action = review.statusAction(head.task.id) {
            return ["review/excluded: \(action.reason) (\(action.editor))"]
        }
        if let requireReview, status != requireReview {
            return ["review/not-\(requireReview.rawValue): review status is \(status.rawValue)"]
        }
        return []
    }

    /// The manifest's review section, or nil when the dataset has no review actions and none is required.
    static func reviewSummary(
        _ heads: [TaskHead], review: ReviewState, entries: [String: ReleaseManifest.TaskEntry],
        log: ReleaseManifest.FileHash?,
        config: ReleaseConfiguration
    ) throws -> ReleaseManifest.Review? {
        guard !review.actions.isEmpty || config.requireReview != nil else { return nil }
        var summary = ReleaseManifest.Review(
            requireReview: config.requireReview?.rawValue, log: log, edited: [], approved: 0, needsWork: 0, excluded: 0,
            flagsRaised: 0,
            flagsDismissed: 0)
        for head in heads.sorted(by: { TaskID.naturalLess($0.task.id, $1.task.id) }) {
            let id = head.task.id
            switch review.status(id, contentHash: head.revision.contentHash) {
            case .approved: summary.approved += 1
            case .needsWork: summary.needsWork += 1
            case .excluded: summary.excluded += 1
            case .unreviewed: break
            }
            let actions = review.actions[id] ?? []
            summary.flagsRaised += actions.filter { $0.kind == .flag }.count
            summary.flagsDismissed += actions.filter { $0.kind == .dismiss }.count
            let edits = review.appliedEdits(id)
            if !edits.isEmpty, head.revision.origin == .editor {
                summary.edited.append(
                    .init(
                        id: id, revision: head.revision.number,
                        editors: edits.map(\.editor).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                        reasons: edits.map(\.reason)))
            }
        }
        return summary
    }

    /// The dataset's license in Hugging Face's vocabulary, from the tasks' `license` metadata.
    static func license(_ contents: Dictionary<String, TaskContent>.Values) -> String? {
        let counts = contents.reduce(into: [String: Int]()) { $0[$1.metadata["license"] ?? "", default: 0] += 1 }
        guard
            let top = counts.filter({ !$0.key.isEmpty }).max(by: {
                $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key)
            })?.key
        else { return nil }
        return ["CC-BY-4.0": "cc-by-4.0", "MIT": "mit", "Apache-2.0": "apache-2.0"][top] ?? top.lowercased()
    }
}

/// Deterministic crash points for resume tests: `CURATE_FAULT=NAME:N` kills the process with SIGKILL at the Nth
/// checkpoint NAME; `CURATE_FAULT=NAME:N:pause` instead says `curate: paused at NAME` on stderr and waits there, for
/// a test to kill it from outside.
public enum FaultInjection {
    nonisolated(unsafe) private static var counts: [String: Int] = [:]
    private static let lock = NSLock()
    private static let spec: (name: String, n: Int, pause: Bool)? = {
        guard let value = ProcessInfo.processInfo.environment["CURATE_FAULT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "pause"), let n = Int(parts[1]) else { return nil }
        return (String(parts[0]), n, parts.count == 3)
    }()

    /// Counts a checkpoint and kills (or pauses) the process if it is the configured one.
    public static func checkpoint(_ name: String) {
        guard let spec, spec.name == name else { return }
        lock.lock()
        counts[name, default: 0] += 1
        let reached = counts[name]! >= spec.n
        lock.unlock()
        guard reached else { return }
        if spec.pause {
            FileHandle.standardError.write(Data("curate: paused at \(name)\n".utf8))
            while true { sleep(60) }
        }
        kill(getpid(), SIGKILL)
    }
}

/// Paths as a release records them: relative to the working directory, never absolute.
enum ReleasePath {
    /// `path` relative to the working directory when inside it; an absolute path outside it by its file name only.
    static func portable(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        if standardized.hasPrefix(cwd + "/") { return String(standardized.dropFirst(cwd.count + 1)) }
        return URL(fileURLWithPath: path).lastPathComponent
    }
}
