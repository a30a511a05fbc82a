import Foundation

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
            outcome.diagnostics.append(
                Diagnostic(
                    .error, file: failure.path, location: "byte \(failure.offset)",
                    "\(failure.reason); rest of file skipped"))
        } catch {
            outcome.diagnostics.append(
                Diagnostic(.error, file: file.path, "\(error.localizedDescription); file skipped"))
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
    private func readWhole(
        _ file: CorpusFile, _ outcome: inout FileReadOutcome,
        _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void
    ) throws {
        if BinaryExtensions.contains(file.path) {
            outcome.skippedBinary = true
            return
        }
        let fd = directory.open(file.path)
        guard fd >= 0 else {
            throw CorpusReadFailure(path: file.path, offset: 0, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var base = buffer.reserve(Self.firstRead)
        /// Reads up to `limit` bytes at `start`; whether the file ended (a short read of a regular file is its end).
        func fill(from start: Int, to limit: Int) throws -> (count: Int, ended: Bool) {
            while true {
                let n = Glibc.read(fd, base + start, limit - start)
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else {
                    throw CorpusReadFailure(path: file.path, offset: start, reason: String(cString: strerror(errno)))
                }
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
        _ file: CorpusFile, compression: CorpusCompression, _ outcome: inout FileReadOutcome,
        _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void
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
                body(
                    UnsafeBufferPointer(rebasing: buf[0..<end]),
                    CorpusDocument(ordinal: 0, offset: offset, label: nil, continues: offset > 0))
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

    private func readJSONL(
        _ file: CorpusFile, _ outcome: inout FileReadOutcome,
        _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void
    ) throws {
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
                text.withUnsafeBufferPointer {
                    body($0, CorpusDocument(ordinal: lineNumber, offset: lineStartOffset, label: "line \(lineNumber)"))
                }
                outcome.documents += 1
                outcome.bytes += text.count
            case .missing, .invalid:
                problems += 1
                if problems <= Self.maxDiagnosticsPerFile {
                    let what =
                        result == .missing
                        ? "no field \"\(textField)\" (pass --text-field)"
                        : "invalid JSON or \"\(textField)\" is not a string"
                    outcome.diagnostics.append(
                        Diagnostic(
                            .warning, file: file.path, location: "line \(lineNumber), byte \(lineStartOffset)",
                            "\(what); record skipped"))
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
    private static let names: Set<UInt64> = Set(
        [
            "pyc", "pyo", "so", "o", "a", "dll", "dylib", "exe", "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp",
            "tif",
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
