import Foundation

/// Where a reference gram was found in the corpus, with the corpus text that matched.
public struct Evidence: Codable, Sendable, Hashable {
    /// Index of the file in the sorted corpus listing (orders evidence deterministically).
    public var fileIndex: Int
    public var file: String
    /// Ordinal of the document in its file.
    public var ordinal: Int
    /// Place of the document: "line 17" (JSONL), "Id=4 (line 3)" (Posts.xml), a page title; nil for whole files.
    public var document: String?
    /// Byte offset of the match in the (decompressed) file when known; for JSONL, the offset of the record's line.
    public var offset: Int?
    /// Byte position of the match inside the document's text.
    public var position: Int
    /// The matching corpus text as it appears there (capped).
    public var text: String

    func precedes(_ other: Evidence) -> Bool {
        (fileIndex, ordinal, position) < (other.fileIndex, other.ordinal, other.position)
    }
}

/// Corpus-side counts of one scan (a worker, a rank, or all of them merged).
public struct ScanStats: Codable, Sendable, Hashable {
    public var files = 0
    public var binaryFilesSkipped = 0
    public var filesWithErrors = 0
    /// Directories of the corpus that could not be opened (their files were not listed).
    public var directoriesSkipped = 0
    public var documents = 0
    /// Bytes of document text scanned (decompressed, after field extraction or HTML stripping).
    public var textBytes = 0
    /// Bytes read from corpus files (compressed bytes for compressed content; binary content only as far as its
    /// first read; files skipped by extension not at all).
    public var fileBytes = 0

    mutating func add(_ other: ScanStats) {
        files += other.files
        binaryFilesSkipped += other.binaryFilesSkipped
        filesWithErrors += other.filesWithErrors
        directoriesSkipped += other.directoriesSkipped
        documents += other.documents
        textBytes += other.textBytes
        fileBytes += other.fileBytes
    }
}

/// Everything the scan learned about reference grams: per matched entry the number of corpus documents it occurs
/// in and its earliest evidence. Tallies of disjoint file sets merge exactly (sum, minimum), which is what makes
/// `--rank/--world-size` partials combine into the single-run result.
public struct ScanTally: Codable, Sendable, Hashable {
    /// Entry index → documents containing it.
    public var documentCounts: [Int32: Int] = [:]
    /// Entry index → earliest evidence.
    public var evidence: [Int32: Evidence] = [:]
    public var stats = ScanStats()
    public var diagnostics: [Diagnostic] = []

    mutating func merge(_ other: ScanTally) {
        for (entry, count) in other.documentCounts { documentCounts[entry, default: 0] += count }
        for (entry, item) in other.evidence {
            if let mine = evidence[entry], !item.precedes(mine) { continue }
            evidence[entry] = item
        }
        stats.add(other.stats)
        diagnostics += other.diagnostics
        diagnostics.sort { ($0.file, $0.location ?? "", $0.message) < ($1.file, $1.location ?? "", $1.message) }
    }
}

/// Scans documents for one worker: exact confirmation of every prefilter hit, per-document counting, evidence.
final class ScanWorker: GramSink {
    private let index: ReferenceIndex
    private let scanner: GramScanner
    /// Per entry: serial of the last document that counted it, and how many documents did (raw buffers: hot path).
    private let lastDocument: UnsafeMutablePointer<Int>
    private let counts: UnsafeMutablePointer<Int>
    /// The index's raw buffers, held directly for the hot path.
    private let entryKinds: UnsafePointer<UInt8>
    private let entryNext: UnsafePointer<Int32>
    private let entryCount: Int
    private var evidence: [Int32: Evidence] = [:]
    private var scratch: [UInt8] = []
    private var documentSerial = 0
    private var file: CorpusFile?
    private var document = CorpusDocument(ordinal: 0, offset: nil, label: nil)
    private var stats = ScanStats()
    private var diagnostics: [Diagnostic] = []
    private let reader: CorpusReader
    static let evidenceTextLimit = 400

    init(index: ReferenceIndex, textField: String) {
        self.index = index
        scanner = GramScanner(n: index.n)
        entryCount = index.entryCount
        lastDocument = .allocate(capacity: max(1, entryCount))
        lastDocument.initialize(repeating: -1, count: max(1, entryCount))
        counts = .allocate(capacity: max(1, entryCount))
        counts.initialize(repeating: 0, count: max(1, entryCount))
        entryKinds = UnsafePointer(index.entryKindCodes)
        entryNext = UnsafePointer(index.entryNext)
        reader = CorpusReader(textField: textField)
    }

    deinit {
        lastDocument.deallocate()
        counts.deallocate()
    }

    /// Reads and scans one file, adding to this worker's counts; returns the bytes of the file read (for progress).
    func scan(file: CorpusFile) -> Int {
        self.file = file
        let outcome = reader.read(file) { buffer, doc in
            if !doc.continues { documentSerial += 1 }
            document = doc
            var sink = self
            scanner.scan(buffer, kinds: index.kinds, filter: index.filter, filterShift: index.filterShift, sink: &sink)
        }
        stats.files += 1
        stats.fileBytes += outcome.fileBytes
        stats.documents += outcome.documents
        stats.textBytes += outcome.bytes
        if outcome.skippedBinary { stats.binaryFilesSkipped += 1 }
        if outcome.diagnostics.contains(where: { $0.severity == .error }) { stats.filesWithErrors += 1 }
        diagnostics += outcome.diagnostics
        return outcome.fileBytes
    }

    func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
        var e = index.firstEntry(key: key)
        var normalizedReady = false
        let kindCode = UInt8(kind.rawValue)
        while e >= 0 {
            let entry = Int(e)
            if entryKinds[entry] == kindCode && lastDocument[entry] != documentSerial {
                if !normalizedReady {
                    scanner.normalized(kind: kind, window: window, buffer: buffer, into: &scratch)
                    normalizedReady = true
                }
                if index.matches(entry, scratch) { record(entry, window: window, buffer: buffer) }
            }
            e = entryNext[entry]
        }
    }

    private func record(_ entry: Int, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
        lastDocument[entry] = documentSerial
        counts[entry] += 1
        guard let file else { return }
        let position = window.firstByte
        if let existing = evidence[Int32(entry)],
            (existing.fileIndex, existing.ordinal, existing.position) <= (file.index, document.ordinal, position)
        {
            return
        }
        let end = min(window.lastByte, position + Self.evidenceTextLimit)
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<end]), as: UTF8.self)
        evidence[Int32(entry)] = Evidence(
            fileIndex: file.index, file: file.path, ordinal: document.ordinal, document: document.label,
            offset: document.offset.map { $0 + (document.label == nil ? position : 0) }, position: position, text: text)
    }

    /// The worker's findings as a sparse tally.
    func tally() -> ScanTally {
        var result = ScanTally()
        for entry in 0..<entryCount where counts[entry] > 0 { result.documentCounts[Int32(entry)] = counts[entry] }
        result.evidence = evidence
        result.stats = stats
        result.diagnostics = diagnostics
        return result
    }
}
