import CurateStore
import Foundation

/// Fatal problems of the contamination audit.
public enum ContaminationError: LocalizedError, Equatable {
    case missingCorpus(String)
    case badOption(String)
    case noTasks(dataset: String)
    case partialMissing(rank: Int, worldSize: Int, directory: String)
    case partialIncomplete(path: String)
    case partialMismatch(path: String, reason: String)
    case partialKeyScheme(path: String, found: Int, expected: Int, shard: String)
    case cannotWrite(path: String, reason: String)
    case nothingScanned(files: Int, binaryFiles: Int, filesWithErrors: Int, unopenedDirectories: Int)

    public var errorDescription: String? {
        switch self {
        case .missingCorpus(let path):
            return "corpus path '\(path)' does not exist. Pass existing files or directories as --corpus."
        case .badOption(let message):
            return "\(message)."
        case .noTasks(let dataset):
            return "no tasks of dataset '\(dataset)' in the store. Run `curate ingest` first or check --dataset."
        case .partialMissing(let rank, let worldSize, let directory):
            return
                "no completed partial for rank \(rank) of \(worldSize) in '\(directory)'. Run that rank (or re-run it) before merging."
        case .partialIncomplete(let path):
            return
                "partial '\(path)' has no matching completion marker (.done). Its run did not finish; re-run that rank."
        case .partialMismatch(let path, let reason):
            return
                "partial '\(path)' does not belong to this audit: \(reason). Re-run all ranks with the same options and store."
        case .partialKeyScheme(let path, let found, let expected, let shard):
            let written =
                found == 1 ? "key scheme 1 (no version recorded: written by an older curate)" : "key scheme \(found)"
            return "partial '\(path)' was written with gram \(written), but this curate uses key scheme \(expected); "
                + "partials of different key schemes cannot be merged. Re-run that shard (\(shard)) with this curate."
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason). Check the directory exists and is writable."
        case .nothingScanned(let files, let binaryFiles, let filesWithErrors, let unopenedDirectories):
            return
                "the corpus gave no text to scan (\(files) files listed, \(binaryFiles) binary, \(filesWithErrors) with errors, "
                + "\(unopenedDirectories) directories not opened), so no flags were recorded and the earlier ones stay. "
                + "Check the corpus paths and --include/--exclude."
        }
    }
}

/// Settings of one audit. Everything except `jobs` is part of the fingerprint that partial results must share.
public struct ContaminationOptions: Codable, Sendable, Hashable {
    /// N-gram size for text and code-token n-grams (8–13; GPT-3 used 13).
    public var n = 13
    /// Which comparisons to run; all share one classification of the corpus text (code tokens and words are then
    /// walked only for the comparisons asked for).
    public var metrics: [GramKind] = GramKind.allCases
    public var format: CorpusFormat = .auto
    /// JSON field holding a JSONL record's text.
    public var textField = "text"
    public var include: [String] = []
    public var exclude: [String] = []
    /// N-grams found in more than this many corpus documents are boilerplate and ignored.
    public var maxDocumentFrequency = 50
    /// Evidence items kept per task.
    public var evidencePerTask = 5
    /// `contaminated:ngram` when the fraction of text n-grams found exceeds this (0: any n-gram, GPT-3 style).
    public var ngramThreshold = 0.0
    /// `contaminated:ngram` also when at least this fraction of code-token n-grams is found.
    public var codeThreshold = 0.5
    /// …and at least this many code-token n-grams are found (short solutions have generic token shapes).
    public var codeMinimumFound = 10
    /// `contaminated:lines` when more than this fraction of the solution's non-trivial lines is found (MBPP: half).
    public var lineThreshold = 0.5
    /// Worker count (not part of the fingerprint: any job count gives the same result).
    public var jobs = 1

    public init() {}

    /// Throws on values outside their ranges.
    public func validate() throws {
        guard (8...13).contains(n) else {
            throw ContaminationError.badOption("--ngram must be between 8 and 13 (got \(n))")
        }
        guard maxDocumentFrequency >= 1 else {
            throw ContaminationError.badOption("--max-doc-frequency must be at least 1")
        }
        guard jobs >= 1 else { throw ContaminationError.badOption("--jobs must be at least 1") }
        guard !metrics.isEmpty else {
            throw ContaminationError.badOption("--metric needs at least one of text, code, line")
        }
        guard evidencePerTask >= 0 else { throw ContaminationError.badOption("--evidence must not be negative") }
    }

    var fingerprintText: String {
        "metrics=\(metrics.map(\.rawValue));format=\(format.rawValue);field=\(textField);include=\(include);exclude=\(exclude);maxdf=\(maxDocumentFrequency);"
            + "evidence=\(evidencePerTask);t=\(ngramThreshold);c=\(codeThreshold)/\(codeMinimumFound);l=\(lineThreshold)"
    }
}

/// Found/total counts of one gram kind for one task.
public struct OverlapCount: Codable, Sendable, Hashable {
    /// Distinct grams of the task (boilerplate excluded).
    public var total: Int
    /// Of those, found in the corpus.
    public var found: Int
    /// Grams left out as boilerplate (found in more than the allowed number of documents).
    public var ignored: Int

    public var fraction: Double { total == 0 ? 0 : Double(found) / Double(total) }
}

/// One piece of evidence in a task's result: what kind of gram, from which field, and where in the corpus.
public struct TaskEvidence: Codable, Sendable, Hashable {
    public var kind: GramKind
    public var fields: [String]
    /// The normalized reference gram (code placeholders shown as `_`).
    public var gram: String
    public var location: Evidence
    /// Grams of this kind and task found in the same corpus document.
    public var gramsInDocument: Int
}

/// The audit's verdict on one task revision.
public struct TaskContamination: Codable, Sendable, Hashable {
    public var taskID: String
    public var revisionID: Int64
    public var text: OverlapCount
    public var code: OverlapCount
    public var lines: OverlapCount
    /// Flag codes raised (`contaminated:ngram`, `contaminated:lines`).
    public var flags: [String]
    public var evidence: [TaskEvidence]
}

/// Totals over all tasks, including the MBPP §4.8 line-overlap distribution.
public struct ContaminationSummary: Codable, Sendable, Hashable {
    public var tasks: Int
    public var contaminatedNgram: Int
    public var contaminatedLines: Int
    public var contaminatedAny: Int
    /// Tasks with at least one text n-gram found.
    public var anyTextNgram: Int
    /// Tasks with non-trivial solution lines.
    public var tasksWithLines: Int
    /// Share of those with more than half of their lines found.
    public var shareMoreThanHalfLines: Double
    /// Share of those with exactly one or two lines found.
    public var shareOneOrTwoLines: Double
    /// Share of those with no line found.
    public var shareNoLines: Double
    /// Distinct reference grams ignored as boilerplate, by kind (`text`, `code`).
    public var ignoredNgrams: [String: Int]
    /// Distinct reference grams indexed, by kind.
    public var indexedGrams: [String: Int]
}

/// The complete outcome of an audit (single run or merged partials).
public struct ContaminationResult: Codable, Sendable, Hashable {
    public var fingerprint: String
    public var options: ContaminationOptions
    public var summary: ContaminationSummary
    public var stats: ScanStats
    public var tasks: [TaskContamination]
    public var diagnostics: [Diagnostic]

    /// Throws when the scan read no text: its verdicts would say "clean" about every task without having looked.
    public func requireScannedText() throws {
        guard stats.textBytes == 0 else { return }
        throw ContaminationError.nothingScanned(
            files: stats.files, binaryFiles: stats.binaryFilesSkipped, filesWithErrors: stats.filesWithErrors,
            unopenedDirectories: stats.directoriesSkipped)
    }
}

/// A rank's share of a sharded audit, written atomically with a `.done` marker.
public struct ContaminationPartial: Codable, Sendable, Hashable {
    /// Gram key scheme this build writes (1: no field, FNV keys; 2: rotate-add token states; 3: word-at-a-time token
    /// values, multiplicative keys; 4: line keys over the words' janitor values; 5: the same keys, the listing in byte
    /// order of paths and fingerprinted by its paths alone; 6: the same, `__pycache__` directories not listed; 7: the
    /// same, symbolic links followed); merge refuses others.
    public static let currentKeyScheme = 7

    /// Key scheme the partial was written with.
    public var keyScheme: Int
    public var fingerprint: String
    /// Dataset audited (nil: all), so `merge` can rebuild the same reference index.
    public var dataset: String?
    public var options: ContaminationOptions
    public var rank: Int
    public var worldSize: Int
    /// sha256 of the full corpus listing (its paths in order), identical on every rank.
    public var listing: String
    public var fileCount: Int
    public var tally: ScanTally
}

/// The fields of a partial that any version has (or lacks), read before the whole partial.
private struct PartialHeader: Decodable {
    var keyScheme: Int?
    var rank: Int?
    var worldSize: Int?
}

/// Progress of a scan: files finished of all listed, and the bytes of the files read so far.
public struct ScanProgress: Sendable {
    public var bytesDone: Int
    public var filesDone: Int
    public var filesTotal: Int
}

/// The contamination audit: index the reference tasks, stream the corpus past it, turn the tally into per-task verdicts.
public enum ContaminationAudit {
    /// Reference tasks (the tasks audited) from the store: each task's newest revision.
    public static func tasks(store: TaskStore, dataset: String?) throws -> [ReferenceTask] {
        let heads = try store.heads(dataset: dataset)
        guard !heads.isEmpty else { throw ContaminationError.noTasks(dataset: dataset ?? "(all)") }
        return try heads.sorted { TaskID.naturalLess($0.task.id, $1.task.id) }.map { head in
            ReferenceTask(
                taskID: head.task.id, revisionID: head.revision.id!,
                content: try TaskContent.decode(head.revision.content))
        }
    }

    /// Runs the audit over all of `corpus` (or the `[rank::worldSize]` share) and returns the scan tally with the
    /// index it refers to and the corpus listing.
    public static func scan(
        tasks: [ReferenceTask], corpus: [String], options: ContaminationOptions, rank: Int = 0, worldSize: Int = 1,
        progress: (@Sendable (ScanProgress) -> Void)? = nil
    ) async throws -> ContaminationScan {
        try options.validate()
        guard worldSize >= 1, (0..<worldSize).contains(rank) else {
            throw ContaminationError.badOption("--rank must be in 0..<--world-size (got rank \(rank) of \(worldSize))")
        }
        let started = ProcessCPU.seconds()
        let index = ReferenceIndex(tasks: tasks, n: options.n, kinds: KindMask(options.metrics))
        let indexed = ProcessCPU.seconds()
        let (files, listingDiagnostics) = try CorpusListing.files(
            corpus, format: options.format, include: options.include, exclude: options.exclude)
        let mine = files.filter { $0.index % worldSize == rank }
        let listed = ProcessCPU.seconds()
        let tally = await scanFiles(mine, index: index, options: options, progress: progress)
        let cpu = ScanCPUTimes(index: indexed - started, listing: listed - indexed, scan: ProcessCPU.seconds() - listed)
        var merged = tally
        if rank == 0 {
            merged.diagnostics = (listingDiagnostics + merged.diagnostics)
            merged.stats.directoriesSkipped =
                listingDiagnostics.filter { $0.message.hasPrefix(CorpusListing.unopenedDirectory) }.count
        }
        return ContaminationScan(
            index: index, options: options, tally: merged, files: files, rank: rank, worldSize: worldSize,
            mergedListing: nil, cpu: cpu)
    }

    private static func scanFiles(
        _ files: [CorpusFile], index: ReferenceIndex, options: ContaminationOptions,
        progress: (@Sendable (ScanProgress) -> Void)?
    ) async -> ScanTally {
        let queue = FileQueue(files: files)
        let jobs = max(1, min(options.jobs, files.count))
        let tallies = await withTaskGroup(of: ScanTally.self, returning: [ScanTally].self) { group in
            for _ in 0..<jobs {
                group.addTask {
                    let worker = ScanWorker(index: index, textField: options.textField)
                    while let file = queue.next() {
                        let bytes = worker.scan(file: file)
                        let done = queue.finished(bytes: bytes)
                        progress?(done)
                    }
                    return worker.tally()
                }
            }
            var all: [ScanTally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        var total = ScanTally()
        for tally in tallies { total.merge(tally) }
        return total
    }

    /// Writes a rank's partial atomically (temporary file, rename) and then its `.done` marker.
    public static func writePartial(_ scan: ContaminationScan, dataset: String?, directory: String) throws -> String {
        let partial = ContaminationPartial(
            keyScheme: ContaminationPartial.currentKeyScheme, fingerprint: scan.fingerprint, dataset: dataset,
            options: scan.options, rank: scan.rank, worldSize: scan.worldSize, listing: scan.listing,
            fileCount: scan.files.count, tally: scan.tally)
        let name = "contamination-rank-\(scan.rank)-of-\(scan.worldSize).json"
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let data = CanonicalJSON.encode(partial)
            let temporary = path + ".tmp-\(getpid())"
            try data.write(to: URL(fileURLWithPath: temporary))
            try? FileManager.default.removeItem(atPath: path + ".done")
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            try Data(SHA256.hex(data).utf8).write(to: URL(fileURLWithPath: path + ".done"), options: .atomic)
        } catch {
            throw ContaminationError.cannotWrite(path: path, reason: error.localizedDescription)
        }
        return path
    }

    /// Reads completed partials from `directory` (every rank of one world size) and merges them into the tally a
    /// single run would have produced.
    /// `loadTasks` gets the partials' dataset and returns the reference tasks (from the store) to check them against.
    public static func mergePartials(directory: String, loadTasks: (String?) throws -> [ReferenceTask]) throws
        -> ContaminationScan
    {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let partialNames = names.filter { $0.hasPrefix("contamination-rank-") && $0.hasSuffix(".json") }.sorted()
        guard let firstName = partialNames.first else {
            throw ContaminationError.partialMissing(rank: 0, worldSize: 1, directory: directory)
        }
        var partials: [ContaminationPartial] = []
        for name in partialNames {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path),
                let marker = FileManager.default.contents(atPath: path + ".done"),
                String(decoding: marker, as: UTF8.self) == SHA256.hex(data)
            else { throw ContaminationError.partialIncomplete(path: path) }
            if let header = try? JSONDecoder().decode(PartialHeader.self, from: data),
                header.keyScheme != ContaminationPartial.currentKeyScheme
            {
                let shard =
                    header.rank.map { rank in "rank \(rank)" + (header.worldSize.map { " of \($0)" } ?? "") } ?? name
                throw ContaminationError.partialKeyScheme(
                    path: path, found: header.keyScheme ?? 1, expected: ContaminationPartial.currentKeyScheme,
                    shard: shard)
            }
            do { partials.append(try JSONDecoder().decode(ContaminationPartial.self, from: data)) } catch {
                throw ContaminationError.partialMismatch(
                    path: path, reason: "unreadable (\(error.localizedDescription))")
            }
        }
        let first = partials[0]
        let options = first.options
        let index = ReferenceIndex(tasks: try loadTasks(first.dataset), n: options.n, kinds: KindMask(options.metrics))
        let fingerprint = index.fingerprint(options: options.fingerprintText)
        let worldSize = first.worldSize
        var tally = ScanTally()
        var ranks = Set<Int>()
        for (name, partial) in zip(partialNames, partials) {
            let path = (directory as NSString).appendingPathComponent(name)
            guard partial.fingerprint == fingerprint else {
                throw ContaminationError.partialMismatch(
                    path: path, reason: "different reference task revisions or options")
            }
            guard partial.worldSize == worldSize, partial.listing == first.listing else {
                throw ContaminationError.partialMismatch(
                    path: path, reason: "different world size or corpus listing than '\(firstName)'")
            }
            guard ranks.insert(partial.rank).inserted else {
                throw ContaminationError.partialMismatch(path: path, reason: "rank \(partial.rank) twice")
            }
            tally.merge(partial.tally)
        }
        for rank in 0..<worldSize where !ranks.contains(rank) {
            throw ContaminationError.partialMissing(rank: rank, worldSize: worldSize, directory: directory)
        }
        return ContaminationScan(
            index: index, options: options, tally: tally, files: [], rank: 0, worldSize: worldSize,
            mergedListing: first.listing, cpu: nil)
    }

    /// Records the verdicts as flags on the audited revisions (superseding this stage's earlier flags on them);
    /// a scan that read no text records nothing and throws.
    public static func record(_ result: ContaminationResult, store: TaskStore) throws {
        try result.requireScannedText()
        var flags: [(revisionID: Int64, taskID: String, flag: NewFlag)] = []
        for task in result.tasks {
            for code in task.flags {
                let kinds: [GramKind] = code == "contaminated:lines" ? [.line] : [.text, .code]
                let items = task.evidence.filter { kinds.contains($0.kind) }
                let evidence = CanonicalJSON.string(items)
                let message =
                    code == "contaminated:lines"
                    ? "\(task.lines.found) of \(task.lines.total) solution lines found in the corpus"
                    : "text n-grams \(task.text.found)/\(task.text.total), code n-grams \(task.code.found)/\(task.code.total) found in the corpus"
                flags.append(
                    (
                        task.revisionID, task.taskID,
                        NewFlag(
                            stage: "contamination", code: code, severity: .warning, message: message, evidence: evidence
                        )
                    ))
            }
        }
        try store.recordFlags(stage: "contamination", revisionIDs: result.tasks.map(\.revisionID), flags: flags)
    }

    /// Writes the JSONL report: one line per task with its counts, flags and evidence.
    public static func writeReport(_ result: ContaminationResult, to path: String) throws {
        var out = Data()
        for task in result.tasks {
            out.append(CanonicalJSON.encode(task))
            out.append(0x0A)
        }
        do { try out.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ContaminationError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}

/// CPU seconds of the whole process (user + system, all threads) in each step of an audit: building the reference
/// index and listing the corpus cost the same whatever the corpus holds; reading and scanning grow with it.
public struct ScanCPUTimes: Sendable {
    public let index: Double
    public let listing: Double
    public let scan: Double

    /// All three steps together.
    public var total: Double { index + listing + scan }
}

/// A finished scan (single run, one rank, or merged partials) with the index its tally refers to.
public struct ContaminationScan: Sendable {
    let index: ReferenceIndex
    public let options: ContaminationOptions
    public let tally: ScanTally
    public let files: [CorpusFile]
    public let rank: Int
    public let worldSize: Int
    /// The listing's fingerprint when it came from partials (they no longer have the files).
    let mergedListing: String?
    /// Where this process's CPU time went; nil for a result merged from partials.
    public let cpu: ScanCPUTimes?

    /// sha256 of the corpus listing, computed when asked for (only partials need it).
    public var listing: String { mergedListing ?? CorpusListing.fingerprint(files) }

    public var fingerprint: String { index.fingerprint(options: options.fingerprintText) }

    /// Per-task verdicts, summary and evidence.
    public func result() -> ContaminationResult {
        let options = self.options
        let ignoredEntry: (Int) -> Bool = { e in
            self.index.kind(e) != .line && (self.tally.documentCounts[Int32(e)] ?? 0) > options.maxDocumentFrequency
        }
        var found = Array(repeating: [0, 0, 0], count: index.tasks.count)
        var ignored = Array(repeating: [0, 0, 0], count: index.tasks.count)
        var taskEvidence = Array(repeating: [(entry: Int, fields: TaskField)](), count: index.tasks.count)
        var ignoredByKind: [String: Int] = [:]
        var indexedCounts = [0, 0, 0]
        for e in 0..<index.entryCount {
            let kind = index.kind(e)
            indexedCounts[kind.rawValue] += 1
            guard (tally.documentCounts[Int32(e)] ?? 0) > 0 else { continue }
            let isIgnored = ignoredEntry(e)
            if isIgnored { ignoredByKind["\(kind)", default: 0] += 1 }
            for ref in index.entryTasks[e] {
                let t = Int(ref.task)
                if isIgnored {
                    ignored[t][kind.rawValue] += 1
                } else {
                    found[t][kind.rawValue] += 1
                    taskEvidence[t].append((e, ref.fields))
                }
            }
        }
        var indexedByKind: [String: Int] = [:]
        for kind in GramKind.allCases where indexedCounts[kind.rawValue] > 0 {
            indexedByKind["\(kind)"] = indexedCounts[kind.rawValue]
        }
        var tasks: [TaskContamination] = []
        for (t, task) in index.tasks.enumerated() {
            func count(_ kind: GramKind) -> OverlapCount {
                OverlapCount(
                    total: index.taskTotals[t][kind.rawValue] - ignored[t][kind.rawValue],
                    found: found[t][kind.rawValue], ignored: ignored[t][kind.rawValue])
            }
            let text = count(.text), code = count(.code), lines = count(.line)
            var flags: [String] = []
            let textHit = text.found > 0 && text.fraction > options.ngramThreshold
            let codeHit = code.found >= max(1, options.codeMinimumFound) && code.fraction >= options.codeThreshold
            if textHit || codeHit { flags.append("contaminated:ngram") }
            if lines.found > 0 && lines.fraction > options.lineThreshold { flags.append("contaminated:lines") }
            tasks.append(
                TaskContamination(
                    taskID: task.taskID, revisionID: task.revisionID, text: text, code: code, lines: lines,
                    flags: flags,
                    evidence: evidence(for: taskEvidence[t])))
        }
        let withLines = tasks.filter { $0.lines.total > 0 }
        func share(_ predicate: (TaskContamination) -> Bool) -> Double {
            withLines.isEmpty ? 0 : Double(withLines.filter(predicate).count) / Double(withLines.count)
        }
        let summary = ContaminationSummary(
            tasks: tasks.count,
            contaminatedNgram: tasks.filter { $0.flags.contains("contaminated:ngram") }.count,
            contaminatedLines: tasks.filter { $0.flags.contains("contaminated:lines") }.count,
            contaminatedAny: tasks.filter { !$0.flags.isEmpty }.count,
            anyTextNgram: tasks.filter { $0.text.found > 0 }.count,
            tasksWithLines: withLines.count,
            shareMoreThanHalfLines: share { $0.lines.fraction > 0.5 },
            shareOneOrTwoLines: share { $0.lines.found == 1 || $0.lines.found == 2 },
            shareNoLines: share { $0.lines.found == 0 },
            ignoredNgrams: ignoredByKind, indexedGrams: indexedByKind)
        return ContaminationResult(
            fingerprint: fingerprint, options: options, summary: summary, stats: tally.stats, tasks: tasks,
            diagnostics: tally.diagnostics)
    }

    /// Evidence for one task: one item per (kind, corpus document), earliest first, capped.
    private func evidence(for entries: [(entry: Int, fields: TaskField)]) -> [TaskEvidence] {
        struct Group { var first: Evidence; var entry: Int; var fields: TaskField; var grams: Int }
        var groups: [String: Group] = [:]
        for (entry, fields) in entries {
            guard let item = tally.evidence[Int32(entry)] else { continue }
            let key = "\(index.kind(entry).rawValue)|\(item.fileIndex)|\(item.ordinal)"
            if var group = groups[key] {
                group.grams += 1
                group.fields.formUnion(fields)
                if item.precedes(group.first) {
                    group.first = item
                    group.entry = entry
                }
                groups[key] = group
            } else {
                groups[key] = Group(first: item, entry: entry, fields: fields, grams: 1)
            }
        }
        let ordered = groups.values.sorted { a, b in
            let ka = index.kind(a.entry).rawValue, kb = index.kind(b.entry).rawValue
            if a.grams != b.grams { return a.grams > b.grams }
            if ka != kb { return ka < kb }
            return a.first.precedes(b.first)
        }
        return ordered.prefix(options.evidencePerTask).map { group in
            TaskEvidence(
                kind: index.kind(group.entry), fields: group.fields.names, gram: index.text(of: group.entry),
                location: group.first, gramsInDocument: group.grams)
        }
    }
}

/// Hands out files to workers and counts finished bytes for progress.
private final class FileQueue: @unchecked Sendable {
    private let files: [CorpusFile]
    private let lock = NSLock()
    private var nextIndex = 0
    private var bytesDone = 0
    private var filesDone = 0

    init(files: [CorpusFile]) {
        self.files = files
    }

    func next() -> CorpusFile? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < files.count else { return nil }
        nextIndex += 1
        return files[nextIndex - 1]
    }

    func finished(bytes: Int) -> ScanProgress {
        lock.lock()
        defer { lock.unlock() }
        bytesDone += bytes
        filesDone += 1
        return ScanProgress(bytesDone: bytesDone, filesDone: filesDone, filesTotal: files.count)
    }
}
