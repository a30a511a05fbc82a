import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// How corpus files are read.
public enum CorpusFormat: String, Codable, Sendable, CaseIterable {
    /// Pick by extension and content.
    case auto
    /// One document per file (source code, plain text).
    case text
    /// One document per line; the text is a string field of the JSON object.
    case jsonl
    /// Stack Exchange `Posts.xml`: one document per `<row>`, its HTML `Body` turned into text.
    case posts
    /// Wikipedia XML dump: one document per `<page>`, its `<text>`.
    case wiki
}

/// One file of the corpus with how it will be read; `index` is its place in the sorted list (the sharding key).
public struct CorpusFile: Codable, Sendable, Hashable {
    public var index: Int
    public var path: String
    public var format: CorpusFormat
    public var compression: CorpusCompression
}

/// Lists corpus files: directories recursively with include/exclude globs, in byte order of their paths for a stable
/// order. Below the given paths nothing is stat'ed but entries readdir gives no type for (sizes are learned when a
/// worker opens the file); JSONL and XML candidates have their first 4 KB read to tell the format.
public enum CorpusListing {
    /// Files under `paths`, each with its resolved format. Globs match the path relative to the given directory
    /// or the file name. Directories that cannot be opened (the given ones or any below them) are skipped, each with
    /// an error diagnostic naming its path and the reason.
    public static func files(
        _ paths: [String], format: CorpusFormat, include: [String], exclude: [String]
    ) throws -> (files: [CorpusFile], diagnostics: [Diagnostic]) {
        var runs: [[String]] = []
        var diagnostics: [Diagnostic] = []
        let filter = PathFilter(include: include, exclude: exclude)
        for root in paths {
            var st = stat()
            guard stat(root, &st) == 0 else { throw ContaminationError.missingCorpus(root) }
            if (st.st_mode & S_IFMT) != S_IFDIR {
                runs.append([root])
                continue
            }
            let prefix = String((root as NSString).appendingPathComponent("x").dropLast())
            var walker = DirectoryWalker(prefix: prefix, filter: filter)
            walker.visit(shownAs: root)
            runs.append(walker.found)
            for (path, reason) in walker.skipped.sorted(by: { PathOrder.precedes($0.path, $1.path) }) {
                diagnostics.append(Diagnostic(.error, file: path, "\(Self.unopenedDirectory) (\(reason)); its files skipped"))
            }
        }
        var files: [CorpusFile] = []
        for path in PathOrder.merged(runs) {
            let named = format == .auto ? NamedFormat(path) : nil
            let compression = CorpusCompression.named(path)
            // A dump candidate not named compressed has its head read once: for a compression magic and, when plain,
            // for the XML sniff. Compressed content under any other name is recognized by the reader.
            let dump = named.map { $0 != .text } ?? (format != .text)
            let head = compression == nil && dump ? readHead(path) : []
            let resolvedCompression = compression ?? head.withUnsafeBytes(CorpusCompression.magic)
            let resolved: CorpusFormat
            switch named {
            case nil: resolved = format
            case .jsonl: resolved = .jsonl
            case .text: resolved = .text
            case .xml: resolved = resolvedCompression == .none ? Self.xmlFormat(head: head) : Self.xmlFormat(path: path, compression: resolvedCompression)
            }
            files.append(CorpusFile(index: files.count, path: path, format: resolved, compression: resolvedCompression))
        }
        return (files, diagnostics)
    }

    /// sha256 of the listing (paths in order, one per line): identical on every rank of a sharded scan.
    public static func fingerprint(_ files: [CorpusFile]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(files.reduce(0) { $0 + $1.path.utf8.count + 1 })
        for file in files {
            text += file.path.utf8
            text.append(UInt8(ascii: "\n"))
        }
        return SHA256.hex(text)
    }

    /// What a file's name says of its format, without its compression suffix: JSONL, an XML dump candidate, or text.
    private enum NamedFormat {
        case jsonl, xml, text

        init(_ path: String) {
            var name = path.utf8[...]
            for suffix: StaticString in [".gz", ".zst", ".zstd"] where PathSuffix.matches(name, suffix) {
                name = name.dropLast(suffix.utf8CodeUnitCount)
            }
            if PathSuffix.matches(name, ".jsonl") || PathSuffix.matches(name, ".ndjson") {
                self = .jsonl
            } else {
                self = PathSuffix.matches(name, ".xml") ? .xml : .text
            }
        }
    }

    /// Start of the message of a skipped directory's diagnostic (the summary counts these).
    static let unopenedDirectory = "cannot open directory"

    /// Bytes of the XML head looked at for a dump's root element.
    private static let sniffBytes = 4096

    /// The first `sniffBytes` of a file (fewer if it is shorter; none if it cannot be read).
    private static func readHead(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: sniffBytes)
        let got = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, sniffBytes) }
        return Array(head.prefix(max(0, got)))
    }

    /// Format from the name without its compression suffix; `.xml` files are dumps only when their first kilobytes
    /// show a `<mediawiki>` or `<posts>`/`<row` dump (other XML, such as test data, is scanned as text).
    static func detectFormat(path: String, compression: CorpusCompression) -> CorpusFormat {
        switch NamedFormat(path) {
        case .jsonl: return .jsonl
        case .text: return .text
        case .xml: return xmlFormat(path: path, compression: compression)
        }
    }

    /// The dump format the first decompressed kilobytes of an XML file show.
    private static func xmlFormat(path: String, compression: CorpusCompression) -> CorpusFormat {
        guard let source = try? ChunkSource(path: path, compression: compression), let chunk = try? source.next() else { return .text }
        return xmlFormat(head: Array(chunk.prefix(sniffBytes)))
    }

    /// The dump format an XML head shows: a `<mediawiki>` or `<posts>`/`<row` dump, else text.
    private static func xmlFormat(head bytes: [UInt8]) -> CorpusFormat {
        let head = String(decoding: bytes, as: UTF8.self)
        if head.contains("<mediawiki") { return .wiki }
        return head.contains("<posts") || head.contains("<row ") ? .posts : .text
    }
}

/// Include/exclude globs (fnmatch) over a file's path relative to its root and over its name.
struct PathFilter {
    /// A glob as fnmatch takes it, or the literal a `*literal` glob ends with (matched as a suffix without fnmatch:
    /// such a glob matches the name only if it matches the relative path, which ends with the name).
    private enum Pattern {
        case suffix([UInt8])
        case glob([CChar])
    }

    private let include: [Pattern]
    private let exclude: [Pattern]

    init(include: [String], exclude: [String]) {
        func pattern(_ glob: String) -> Pattern {
            let bytes = Array(glob.utf8)
            let literal = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "*") && !literal.contains(where: { "*?[\\".utf8.contains($0) }) { return .suffix(Array(literal)) }
            return .glob(Array(glob.utf8CString))
        }
        self.include = include.map(pattern)
        self.exclude = exclude.map(pattern)
    }

    var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    /// Whether the file whose NUL-terminated relative path (`count` bytes) and name are given is listed.
    func keeps(relative: UnsafePointer<CChar>, count: Int, name: UnsafePointer<CChar>) -> Bool {
        func matches(_ pattern: Pattern) -> Bool {
            switch pattern {
            case .suffix(let literal):
                return literal.count <= count && memcmp(relative + (count - literal.count), literal, literal.count) == 0
            case .glob(let glob):
                return glob.withUnsafeBufferPointer { fnmatch($0.baseAddress!, relative, 0) == 0 || fnmatch($0.baseAddress!, name, 0) == 0 }
            }
        }
        if !include.isEmpty && !include.contains(where: matches) { return false }
        return !exclude.contains(where: matches)
    }
}

/// Byte order of paths (the listing's order and the sharding key's).
enum PathOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Runs that are each sorted, combined into one sorted list without duplicates: concatenated when they do not
    /// overlap (the usual case: distinct roots), sorted again otherwise (nested or repeated roots).
    static func merged(_ runs: [[String]]) -> [String] {
        let ordered = runs.filter { !$0.isEmpty }.sorted { precedes($0[0], $1[0]) }
        var all: [String] = []
        all.reserveCapacity(ordered.reduce(0) { $0 + $1.count })
        var disjoint = true
        for run in ordered {
            if let last = all.last, !precedes(last, run[0]) { disjoint = false }
            all += run
        }
        if disjoint { return all }
        all.sort(by: precedes)
        var unique: [String] = []
        unique.reserveCapacity(all.count)
        for path in all where unique.last != path { unique.append(path) }
        return unique
    }
}

/// Walks one root depth-first, listing regular files (symbolic links not followed, hidden files included) in byte
/// order of their paths: each directory's entries are read (one directory open at a time), sorted by name with a `/`
/// after directory names, and visited in that order, which is the order of the full paths. Only entries whose type
/// readdir does not give are stat'ed. Directories named `__pycache__` are not entered: Python writes only compiled
/// bytecode there, which is never text, and in a Python installation they are a third of all directories.
struct DirectoryWalker {
    /// Full paths of the files kept, in order.
    private(set) var found: [String] = []
    /// Directories that could not be opened, with the reason (errno text).
    private(set) var skipped: [(path: String, reason: String)] = []
    private let filter: PathFilter
    /// The current directory's full path, ending in `/`; entries are appended while they are handled.
    private var path: [UInt8]
    private let relativeStart: Int

    init(prefix: String, filter: PathFilter) {
        self.filter = filter
        path = Array(prefix.utf8)
        relativeStart = path.count
    }

    private static let slash = UInt8(ascii: "/")
    private static let bytecodeDirectory = Array("__pycache__".utf8)

    /// Lists the directory at `path`; `shownAs` names it in a diagnostic (the root as given, else its full path).
    mutating func visit(shownAs: String? = nil) {
        var names: [UInt8] = []
        var entries: [(start: Int, count: Int)] = []
        path.append(0)
        let handle = path.withUnsafeBufferPointer { opendir(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
        path.removeLast()
        guard let handle else {
            let reason = String(cString: strerror(errno))
            skipped.append((shownAs ?? String(decoding: path.dropLast(), as: UTF8.self), reason))
            return
        }
        let descriptor = dirfd(handle)
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(handle) {
            let name = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self)
            let length = strlen(name)
            if name[0] == 0x2E && (length == 1 || (length == 2 && name[1] == 0x2E)) { continue }
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var st = stat()
                guard fstatat(descriptor, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFREG: type = Int32(DT_REG)
                case S_IFDIR: type = Int32(DT_DIR)
                default: continue
                }
            }
            guard type == Int32(DT_REG) || type == Int32(DT_DIR) else { continue }
            if type == Int32(DT_DIR) && length == Self.bytecodeDirectory.count
                && memcmp(name, Self.bytecodeDirectory, length) == 0 { continue }
            let start = names.count
            names.append(contentsOf: UnsafeRawBufferPointer(start: name, count: length))
            if type == Int32(DT_DIR) { names.append(Self.slash) }
            entries.append((start, names.count - start))
        }
        closedir(handle)
        if entries.count > 1 {
            names.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress!
                entries.sort { a, b in
                    let order = memcmp(base + a.start, base + b.start, min(a.count, b.count))
                    return order != 0 ? order < 0 : a.count < b.count
                }
            }
        }
        for entry in entries {
            let end = path.count
            path += names[entry.start..<entry.start + entry.count]
            if path[path.count - 1] == Self.slash {
                visit()
            } else if keep(nameStart: end) {
                found.append(String(decoding: path, as: UTF8.self))
            }
            path.removeSubrange(end...)
        }
    }

    private mutating func keep(nameStart: Int) -> Bool {
        if filter.isEmpty { return true }
        path.append(0)
        defer { path.removeLast() }
        return path.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            return filter.keeps(relative: base + relativeStart, count: bytes.count - 1 - relativeStart, name: base + nameStart)
        }
    }
}

/// A document found in a corpus file, handed to the scanner.
struct CorpusDocument {
    /// Ordinal of the document in its file (deterministic evidence order).
    var ordinal: Int
    /// Byte offset of the document in the (decompressed) file, when the reader knows it.
    var offset: Int?
    /// Human-readable place: "line 17", "Id=4 (line 3)", a page title; nil for whole files.
    var label: String?
    /// A later slice of the same document (compressed plain text is delivered in slices).
    var continues = false
}

/// What reading one file produced besides documents.
struct FileReadOutcome {
    /// Bytes read from the file (compressed bytes for compressed content, the first read of binary content); 0 for a
    /// file skipped by its extension.
    var fileBytes = 0
    var documents = 0
    var bytes = 0
    var skippedBinary = false
    var diagnostics: [Diagnostic] = []
}

/// Streams the documents of one corpus file to a callback; never holds more than one document (or one 32 MB
/// slice of a compressed or large text file) in memory. Corrupt data ends that file with a diagnostic naming the byte offset.
struct CorpusReader {
    var textField: String
    static let maxDiagnosticsPerFile = 20
    static let textSlice = 32 << 20
    /// Plain files up to this size are read whole; larger ones are read in slices so memory stays flat.
    static let wholeLimit = 32 << 20
    /// Content with a NUL byte in its first this many bytes is binary and skipped.
    static let binaryProbe = 8192
    /// First read of a plain file (most source files fit; longer ones are then sized with fstat).
    static let firstRead = 64 << 10
    /// This reader's buffer for whole files and its open directory (one reader per worker).
    private let buffer = ReadBuffer()
    private let directory = DirectoryCursor()

    func read(_ file: CorpusFile, _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void) -> FileReadOutcome {
        var outcome = FileReadOutcome()
        do {
            switch file.format {
            case .text, .auto:
                if file.compression == .none {
                    try readWhole(file, &outcome, body)
                } else {
                    try readTextStream(file, compression: file.compression, &outcome, body)
                }
            case .jsonl: try readJSONL(file, &outcome, body)
            case .posts, .wiki: try readXML(file, &outcome, body)
            }
        } catch let failure as CorpusReadFailure {
            outcome.diagnostics.append(Diagnostic(
                .error, file: failure.path, location: "byte \(failure.offset)", "\(failure.reason); rest of file skipped"))
        } catch {
            outcome.diagnostics.append(Diagnostic(.error, file: file.path, "\(error.localizedDescription); file skipped"))
        }
        return outcome
    }

    private func isBinary(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let probe = min(buffer.count, Self.binaryProbe)
        guard probe > 0 else { return false }
        return memchr(buffer.baseAddress!, 0, probe) != nil
    }

    /// Plain files up to `wholeLimit`: read with read(2) into the worker's reused buffer (cheaper than mapping and
    /// unmapping many small files), opened relative to the worker's current directory. Files shorter than `firstRead`
    /// take one read and no fstat; longer ones are sized by fstat and read to their end (a file that grows meanwhile is
    /// read on, up to `wholeLimit`). Files with a binary extension are not opened, binary content is skipped after its
    /// first read, and content with a compression magic, or longer than `wholeLimit`, is streamed instead.
    private func readWhole(_ file: CorpusFile, _ outcome: inout FileReadOutcome, _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void) throws {
        if BinaryExtensions.contains(file.path) {
            outcome.skippedBinary = true
            return
        }
        let fd = directory.open(file.path)
        guard fd >= 0 else { throw CorpusReadFailure(path: file.path, offset: 0, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var base = buffer.reserve(Self.firstRead)
        /// Reads up to `limit` bytes at `start`; whether the file ended (a short read of a regular file is its end).
        func fill(from start: Int, to limit: Int) throws -> (count: Int, ended: Bool) {
            while true {
                let n = Glibc.read(fd, base + start, limit - start)
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw CorpusReadFailure(path: file.path, offset: start, reason: String(cString: strerror(errno))) }
                return (start + n, start + n < limit)
            }
        }
        var (count, ended) = try fill(from: 0, to: Self.firstRead)
        outcome.fileBytes = count
        let magic = CorpusCompression.magic(UnsafeRawBufferPointer(start: base, count: count))
        if magic == .none && isBinary(UnsafeBufferPointer(start: base, count: count)) {
            outcome.skippedBinary = true
            return
        }
        if magic != .none { return try readTextStream(file, compression: magic, &outcome, body) }
        if !ended {
            var st = stat()
            let size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
            if size > Self.wholeLimit { return try readTextStream(file, compression: .none, &outcome, body) }
            while !ended && count < Self.wholeLimit {
                let limit = min(max(size + 1, 2 * count), Self.wholeLimit)
                base = buffer.reserve(limit, keeping: count)
                (count, ended) = try fill(from: count, to: limit)
            }
            outcome.fileBytes = count
        }
        guard count > 0 else { return }
        body(UnsafeBufferPointer(start: base, count: count), CorpusDocument(ordinal: 0, offset: 0, label: nil))
        outcome.documents = 1
        outcome.bytes = count
    }

    /// Compressed or large plain text: one document, delivered in slices cut at line ends.
    private func readTextStream(
        _ file: CorpusFile, compression: CorpusCompression, _ outcome: inout FileReadOutcome, _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void
    ) throws {
        let source = try ChunkSource(path: file.path, compression: compression)
        defer { outcome.fileBytes = source.inputOffset }
        var pending: [UInt8] = []
        var offset = 0
        var probed = false
        /// Whether the content is binary, judged once from its first 8 KB (before anything is scanned or counted).
        func binary() -> Bool {
            probed = true
            return pending.withUnsafeBufferPointer(isBinary)
        }
        func flush(upTo end: Int) {
            pending.withUnsafeBufferPointer { buf in
                body(UnsafeBufferPointer(rebasing: buf[0..<end]), CorpusDocument(ordinal: 0, offset: offset, label: nil, continues: offset > 0))
            }
            offset += end
            outcome.bytes += end
            pending.removeFirst(end)
        }
        while let chunk = try source.next() {
            pending.append(contentsOf: chunk)
            if !probed && pending.count >= Self.binaryProbe && binary() {
                outcome.skippedBinary = true
                return
            }
            if pending.count >= Self.textSlice {
                flush(upTo: (pending.lastIndex(of: 0x0A).map { $0 + 1 }) ?? pending.count)
            }
        }
        if !probed && binary() {
            outcome.skippedBinary = true
            return
        }
        if !pending.isEmpty { flush(upTo: pending.count) }
        outcome.documents = 1
    }

    private func readJSONL(_ file: CorpusFile, _ outcome: inout FileReadOutcome, _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void) throws {
        let source = try ChunkSource(path: file.path, compression: file.compression)
        defer { outcome.fileBytes = source.inputOffset }
        var pending: [UInt8] = []
        var lineStartOffset = 0
        var lineNumber = 0
        var text: [UInt8] = []
        var problems = 0
        let field = Array(textField.utf8)
        func handleLine(_ line: UnsafeBufferPointer<UInt8>) {
            lineNumber += 1
            defer { lineStartOffset += line.count + 1 }
            if line.allSatisfy({ ByteClass.table[Int($0)] & ByteClass.space != 0 }) { return }
            let result = JSONField.extract(field, from: line, into: &text)
            switch result {
            case .found:
                text.withUnsafeBufferPointer { body($0, CorpusDocument(ordinal: lineNumber, offset: lineStartOffset, label: "line \(lineNumber)")) }
                outcome.documents += 1
                outcome.bytes += text.count
            case .missing, .invalid:
                problems += 1
                if problems <= Self.maxDiagnosticsPerFile {
                    let what = result == .missing
                        ? "no field \"\(textField)\" (pass --text-field)" : "invalid JSON or \"\(textField)\" is not a string"
                    outcome.diagnostics.append(Diagnostic(
                        .warning, file: file.path, location: "line \(lineNumber), byte \(lineStartOffset)", "\(what); record skipped"))
                }
            }
        }
        while let chunk = try source.next() {
            pending.append(contentsOf: chunk)
            var consumed = 0
            pending.withUnsafeBufferPointer { buf in
                var start = 0
                while let nl = memchr(buf.baseAddress! + start, 0x0A, buf.count - start) {
                    let end = buf.baseAddress!.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    handleLine(UnsafeBufferPointer(rebasing: buf[start..<end]))
                    start = end + 1
                }
                consumed = start
            }
            pending.removeFirst(consumed)
        }
        if !pending.isEmpty { pending.withUnsafeBufferPointer { handleLine($0) } }
        if problems > Self.maxDiagnosticsPerFile {
            outcome.diagnostics.append(Diagnostic(.warning, file: file.path, "\(problems) records skipped in all"))
        }
    }

    private func readXML(_ file: CorpusFile, _ outcome: inout FileReadOutcome, _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void) throws {
        let source = try ChunkSource(path: file.path, compression: file.compression)
        defer { outcome.fileBytes = source.inputOffset }
        let stream = ChunkInputStream(source: source)
        let parser = XMLParser(stream: stream)
        let collector = XMLDocumentCollector(wiki: file.format == .wiki)
        parser.delegate = collector
        var documents = 0
        var bytes = 0
        withoutActuallyEscaping(body) { body in
            collector.onDocument = { text, label, line in
                text.withUnsafeBufferPointer { body($0, CorpusDocument(ordinal: documents, offset: nil, label: "\(label) (line \(line))")) }
                documents += 1
                bytes += text.count
            }
            _ = parser.parse()
            collector.onDocument = nil
        }
        outcome.documents = documents
        outcome.bytes = bytes
        if let failure = stream.failure { throw failure }
        if let error = collector.error ?? (documents == 0 ? parser.parserError : nil) {
            outcome.diagnostics.append(Diagnostic(
                .error, file: file.path, location: "line \(collector.errorLine ?? parser.lineNumber), near byte \(source.outputOffset)",
                "XML parse error: \(error.localizedDescription); rest of file skipped"))
        }
    }
}

/// A growable byte buffer reused for every file one reader reads whole.
final class ReadBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init() {
        capacity = 1 << 16
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Storage for at least `count` bytes; the first `keeping` bytes survive growth.
    func reserve(_ count: Int, keeping: Int = 0) -> UnsafeMutablePointer<UInt8> {
        if count > capacity {
            capacity = count.nextPowerOfTwo
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: base, count: keeping)
            base.deallocate()
            base = grown
        }
        return base
    }
}

/// The directory of the file a worker read last, kept open: files come sorted by path, so most opens are relative
/// to it (`openat` on the name) instead of resolving the whole path again.
final class DirectoryCursor {
    /// The open directory's path bytes (no trailing slash) and descriptor.
    private var path: [UInt8] = []
    private var descriptor: Int32 = -1

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Opens `file` read-only (close-on-exec); -1 with errno set on failure, as open(2).
    func open(_ file: String) -> Int32 {
        let count = file.utf8.count
        return file.withCString { name -> Int32 in
            var slash = count - 1
            while slash > 0 && name[slash] != 0x2F { slash -= 1 }
            guard slash > 0 else { return Glibc.open(name, O_RDONLY | O_CLOEXEC) }
            if descriptor < 0 || path.count != slash || memcmp(path, name, slash) != 0 {
                if descriptor >= 0 { close(descriptor) }
                path = Array(UnsafeRawBufferPointer(start: name, count: slash))
                descriptor = Glibc.open(String(decoding: path, as: UTF8.self), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            }
            guard descriptor >= 0 else { return Glibc.open(name, O_RDONLY | O_CLOEXEC) }
            return openat(descriptor, name + slash + 1, O_RDONLY | O_CLOEXEC)
        }
    }
}

/// Extensions of formats that are binary by definition (bytecode, objects, images, archives): such files are counted
/// as skipped binaries without being opened; every other plain or compressed text file gets the 8 KB NUL probe.
enum BinaryExtensions {
    private static let names: Set<UInt64> = Set([
        "pyc", "pyo", "so", "o", "a", "dll", "dylib", "exe", "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tif",
        "tiff", "whl", "zip", "bz2", "xz", "7z", "tar", "npy", "npz", "mo", "wav",
    ].map { pack(Array($0.utf8)) })

    /// Whether the file name's extension (after its last dot, ASCII case ignored) is one of `names`.
    static func contains(_ path: String) -> Bool {
        var packed: UInt64 = 0
        var length = 0
        for byte in path.utf8.reversed() {
            if byte == UInt8(ascii: ".") { return length > 0 && names.contains(packed) }
            if byte == UInt8(ascii: "/") || length == 8 { return false }
            packed = packed << 8 | UInt64(byte >= 65 && byte <= 90 ? byte | 0x20 : byte)
            length += 1
        }
        return false
    }

    /// The bytes of an extension, first byte lowest, as `contains` builds them.
    private static func pack(_ bytes: [UInt8]) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Feeds decompressed chunks to `XMLParser(stream:)`; remembers a read failure so the caller can report it.
private final class ChunkInputStream: InputStream {
    private let source: ChunkSource
    private var current = Data()
    private var position = 0
    private var ended = false
    var failure: CorpusReadFailure?

    init(source: ChunkSource) {
        self.source = source
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { !ended }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        while position >= current.count {
            if ended { return 0 }
            do {
                if let next = try source.next() {
                    current = next
                    position = 0
                } else {
                    ended = true
                    return 0
                }
            } catch let error as CorpusReadFailure {
                failure = error
                ended = true
                return 0
            } catch {
                ended = true
                return 0
            }
        }
        let n = min(len, current.count - position)
        current.withUnsafeBytes { raw in
            buffer.update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: n)
        }
        position += n
        return n
    }
}

/// SAX delegate turning Posts.xml rows or Wikipedia pages into documents as they stream past.
private final class XMLDocumentCollector: NSObject, XMLParserDelegate {
    let wiki: Bool
    var onDocument: (([UInt8], String, Int) -> Void)?
    var error: Error?
    var errorLine: Int?
    private var bytes: [UInt8] = []
    private var inText = false
    private var inTitle = false
    private var title = ""
    private var pageText = ""

    init(wiki: Bool) { self.wiki = wiki }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes: [String: String] = [:]) {
        if wiki {
            switch elementName {
            case "page": title = ""; pageText = ""
            case "title": inTitle = true
            case "text": inText = true
            default: break
            }
            return
        }
        guard elementName == "row" else { return }
        let body = [attributes["Title"], attributes["Body"]].compactMap { $0 }.joined(separator: "\n")
        guard !body.isEmpty else { return }
        HTMLText.text(body, into: &bytes)
        onDocument?(bytes, "Id=\(attributes["Id"] ?? "?")", parser.lineNumber)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard wiki else { return }
        switch elementName {
        case "title": inTitle = false
        case "text": inText = false
        case "page":
            bytes = Array(pageText.utf8)
            onDocument?(bytes, "title=\(title)", parser.lineNumber)
            pageText = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle { title += string }
        if inText { pageText += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if error == nil {
            error = parseError
            errorLine = parser.lineNumber
        }
    }
}

/// Minimal, allocation-free extraction of one top-level string field from a JSON object line.
enum JSONField {
    enum Result: Equatable { case found, missing, invalid }

    /// Decodes the string value of top-level key `key` into `out`.
    static func extract(_ key: [UInt8], from line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Result {
        var i = 0
        let n = line.count
        func skipSpace() { while i < n && ByteClass.table[Int(line[i])] & ByteClass.space != 0 { i += 1 } }
        skipSpace()
        guard i < n, line[i] == UInt8(ascii: "{") else { return .invalid }
        i += 1
        var keyBytes: [UInt8] = []
        while true {
            skipSpace()
            guard i < n else { return .invalid }
            if line[i] == UInt8(ascii: "}") { return .missing }
            guard line[i] == UInt8(ascii: "\"") else { return .invalid }
            // Keys without escapes are compared where they stand; only an escaped key is decoded.
            let keyStart = i + 1
            var keyEnd = keyStart
            while keyEnd < n && line[keyEnd] != UInt8(ascii: "\"") && line[keyEnd] != UInt8(ascii: "\\") { keyEnd += 1 }
            let isKey: Bool
            if keyEnd < n && line[keyEnd] == UInt8(ascii: "\"") {
                isKey = UnsafeBufferPointer(rebasing: line[keyStart..<keyEnd]).elementsEqual(key)
                i = keyEnd + 1
            } else {
                guard decodeString(line, &i, into: &keyBytes) else { return .invalid }
                isKey = keyBytes == key
            }
            skipSpace()
            guard i < n, line[i] == UInt8(ascii: ":") else { return .invalid }
            i += 1
            skipSpace()
            guard i < n else { return .invalid }
            if isKey {
                guard line[i] == UInt8(ascii: "\"") else { return .invalid }
                return decodeString(line, &i, into: &out) ? .found : .invalid
            }
            guard skipValue(line, &i) else { return .invalid }
            skipSpace()
            guard i < n else { return .invalid }
            if line[i] == UInt8(ascii: ",") { i += 1; continue }
            if line[i] == UInt8(ascii: "}") { return .missing }
            return .invalid
        }
    }

    /// Decodes the JSON string starting at `line[i]` (a quote); leaves `i` after the closing quote.
    /// One pass into `out`'s storage (reused from record to record) sized by the encoded length (decoding never
    /// grows a string), eight bytes at a time between escapes: source code in JSONL has an escape every line, so
    /// per-run appends dominated.
    static func decodeString(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int, into out: inout [UInt8]) -> Bool {
        let n = line.count
        var j = i + 1
        var closed = false
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(0, count: max(n - j, 0)))
        var decoded = 0
        out.withUnsafeMutableBufferPointer { buffer in
            guard let src = line.baseAddress, let dst = buffer.baseAddress else { return }
            var o = 0
            while j < n {
                // Eight bytes at a time up to the next quote or backslash: the zero-byte test on the word xor each
                // pattern; its lowest set bit is exact, so the bytes before it are copied with the word.
                if j + 8 <= n {
                    let word = UnsafeRawPointer(src + j).loadUnaligned(as: UInt64.self)
                    let quote = word ^ 0x2222_2222_2222_2222, backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                    let found = ((quote &- 0x0101_0101_0101_0101) & ~quote | (backslash &- 0x0101_0101_0101_0101) & ~backslash)
                        & 0x8080_8080_8080_8080
                    UnsafeMutableRawPointer(dst + o).storeBytes(of: word, as: UInt64.self)
                    let plain = found == 0 ? 8 : found.trailingZeroBitCount >> 3
                    j += plain
                    o += plain
                    if plain == 8 { continue }
                }
                let b = src[j]
                j += 1
                if b == UInt8(ascii: "\"") {
                    closed = true
                    break
                }
                guard b == UInt8(ascii: "\\") else {
                    dst[o] = b
                    o += 1
                    continue
                }
                guard j < n else { break }
                let e = src[j]
                j += 1
                switch e {
                case UInt8(ascii: "n"): dst[o] = 0x0A; o += 1
                case UInt8(ascii: "t"): dst[o] = 0x09; o += 1
                case UInt8(ascii: "r"): dst[o] = 0x0D; o += 1
                case UInt8(ascii: "b"): dst[o] = 0x08; o += 1
                case UInt8(ascii: "f"): dst[o] = 0x0C; o += 1
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(line, j) else {
                        j = n
                        break
                    }
                    j += 4
                    if scalar >= 0xD800 && scalar < 0xDC00, j + 6 <= n, src[j] == UInt8(ascii: "\\"), src[j + 1] == UInt8(ascii: "u"),
                       let low = hex4(line, j + 2), low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        j += 6
                    }
                    // Six or twelve escape bytes become at most four: the buffer has room.
                    for byte in (Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8 {
                        dst[o] = byte
                        o += 1
                    }
                default: dst[o] = e; o += 1
                }
            }
            decoded = o
        }
        out.removeSubrange(decoded...)
        i = j
        return closed
    }

    private static func hex4(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32? {
        guard i + 4 <= line.count else { return nil }
        var value: UInt32 = 0
        for k in i..<(i + 4) {
            let c = line[k]
            let digit: UInt32
            switch c {
            case 48...57: digit = UInt32(c - 48)
            case 65...70: digit = UInt32(c - 55)
            case 97...102: digit = UInt32(c - 87)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Skips any JSON value (string, number, literal, nested object or array).
    private static func skipValue(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        let n = line.count
        var depth = 0
        while i < n {
            let c = line[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                while i < n && line[i] != UInt8(ascii: "\"") { i += line[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i < n else { return false }
                i += 1
                if depth == 0 { return true }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return true }
                depth -= 1
                i += 1
                if depth == 0 { return true }
            case UInt8(ascii: ","):
                if depth == 0 { return true }
                i += 1
            default:
                i += 1
            }
        }
        return depth == 0
    }
}
