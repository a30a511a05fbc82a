import Foundation

/// How a corpus file is compressed.
public enum CorpusCompression: String, Codable, Sendable {
    case none, gzip, zstd

    /// By extension (`.gz`, `.zst`, `.zstd`, ASCII case ignored); nil when the name says nothing.
    static func named(_ path: String) -> CorpusCompression? {
        if PathSuffix.matches(path, ".gz") { return .gzip }
        if PathSuffix.matches(path, ".zst") || PathSuffix.matches(path, ".zstd") { return .zstd }
        return nil
    }

    /// By the magic bytes that start `head` (`1f 8b` gzip, `28 b5 2f fd` zstd).
    static func magic(_ head: UnsafeRawBufferPointer) -> CorpusCompression {
        if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B { return .gzip }
        if head.count >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD { return .zstd }
        return .none
    }
}

/// File name suffixes compared without building a lowercased copy of the path (listing checks every file's name).
enum PathSuffix {
    /// Whether `path` ends with `suffix` (lowercase ASCII), ASCII case ignored.
    static func matches(_ path: String, _ suffix: StaticString) -> Bool { matches(path.utf8[...], suffix) }

    static func matches(_ path: Substring.UTF8View, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard path.count >= count else { return false }
        let expected = suffix.utf8Start
        for (i, byte) in path.suffix(count).enumerated()
        where (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != expected[i] {
            return false
        }
        return true
    }
}

/// A failure while reading one corpus file: the path, the byte offset (compressed input bytes consumed) and why.
struct CorpusReadFailure: Error {
    var path: String
    var offset: Int
    var reason: String
}

/// Decompressed chunks of one file, read with large reads; never holds the whole file.
final class ChunkSource {
    let path: String
    let compression: CorpusCompression
    private let handle: FileHandle?
    private var gzip: GzipReader?
    private var zstdLibrary: ZstdLibrary?
    private var zstd: OpaquePointer?
    private var zstdInput = [UInt8]()
    private var zstdInputCount = 0
    private var zstdInputOffset = 0
    /// zstd's output buffer (1 MB), allocated for zstd files only: zeroing it for every gzip file showed in profiles.
    private var zstdOutput = [UInt8]()
    private var zstdFrameOpen = false
    private var zstdPending = false
    private var endOfFile = false
    /// Bytes of the file (compressed) consumed so far.
    private(set) var inputOffset = 0
    /// Decompressed bytes returned so far.
    private(set) var outputOffset = 0

    static let chunkSize = 4 << 20

    init(path: String, compression: CorpusCompression) throws {
        self.path = path
        self.compression = compression
        switch compression {
        case .gzip:
            do { gzip = try GzipReader(path: path) } catch {
                throw CorpusReadFailure(path: path, offset: 0, reason: error.localizedDescription)
            }
            handle = nil
        case .none, .zstd:
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CorpusReadFailure(path: path, offset: 0, reason: "cannot open for reading")
            }
            self.handle = handle
            if compression == .zstd {
                let library: ZstdLibrary
                switch ZstdLibrary.shared {
                case .success(let loaded): library = loaded
                case .failure(let unavailable):
                    throw CorpusReadFailure(path: path, offset: 0, reason: unavailable.description)
                }
                zstdLibrary = library
                zstd = library.createDStream()
                _ = library.initDStream(zstd)
                zstdInput = [UInt8](repeating: 0, count: library.dStreamInSize())
                zstdOutput = [UInt8](repeating: 0, count: 1 << 20)
            }
        }
    }

    deinit {
        if let zstd, let zstdLibrary { _ = zstdLibrary.freeDStream(zstd) }
        try? handle?.close()
    }

    /// The next decompressed chunk, nil at the end; throws `CorpusReadFailure` on corrupt or truncated data.
    func next() throws -> Data? {
        let chunk: Data?
        switch compression {
        case .none:
            do { chunk = try handle!.read(upToCount: Self.chunkSize).flatMap { $0.isEmpty ? nil : $0 } } catch {
                throw CorpusReadFailure(path: path, offset: inputOffset, reason: error.localizedDescription)
            }
            inputOffset += chunk?.count ?? 0
        case .gzip:
            do { chunk = try gzip!.nextChunk() } catch let error as GzipError {
                throw CorpusReadFailure(
                    path: path, offset: error.offset, reason: error.errorDescription ?? "gzip error")
            }
            inputOffset = gzip!.compressedOffset
        case .zstd:
            chunk = try nextZstd()
        }
        outputOffset += chunk?.count ?? 0
        return chunk
    }

    private func nextZstd() throws -> Data? {
        let library = zstdLibrary!
        while true {
            if zstdInputOffset == zstdInputCount && !endOfFile && !zstdPending {
                let data: Data
                do { data = try handle!.read(upToCount: zstdInput.count) ?? Data() } catch {
                    throw CorpusReadFailure(path: path, offset: inputOffset, reason: error.localizedDescription)
                }
                if data.isEmpty {
                    endOfFile = true
                } else {
                    zstdInput.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }
                    zstdInputCount = data.count
                    zstdInputOffset = 0
                }
            }
            if zstdInputOffset == zstdInputCount && endOfFile && !zstdPending {
                if zstdFrameOpen {
                    throw CorpusReadFailure(
                        path: path, offset: inputOffset,
                        reason: "zstd stream is truncated (the file ends inside a frame)")
                }
                return nil
            }
            var result = 0
            var produced = 0
            var consumed = 0
            zstdInput.withUnsafeMutableBytes { inBuf in
                zstdOutput.withUnsafeMutableBytes { outBuf in
                    var inb = ZstdLibrary.InBuffer(
                        src: inBuf.baseAddress! + zstdInputOffset, size: zstdInputCount - zstdInputOffset, pos: 0)
                    var outb = ZstdLibrary.OutBuffer(dst: outBuf.baseAddress!, size: outBuf.count, pos: 0)
                    result = library.decompressStream(zstd, &outb, &inb)
                    produced = outb.pos
                    consumed = inb.pos
                }
            }
            zstdInputOffset += consumed
            inputOffset += consumed
            if library.isError(result) != 0 {
                let reason = library.getErrorName(result).map { String(cString: $0) } ?? "error \(result)"
                throw CorpusReadFailure(path: path, offset: inputOffset, reason: "zstd: \(reason)")
            }
            zstdFrameOpen = result != 0
            zstdPending = produced == zstdOutput.count
            if produced > 0 { return Data(zstdOutput[0..<produced]) }
        }
    }
}
