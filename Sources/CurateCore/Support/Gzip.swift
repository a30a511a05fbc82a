import CZlib
import Foundation

/// Problems reading gzip data; each names the input and the compressed byte offset where decoding stopped.
public enum GzipError: LocalizedError, Equatable {
    case cannotOpen(path: String, reason: String)
    case corrupt(path: String, offset: Int, reason: String)
    case truncated(path: String, offset: Int)
    case tooLarge(path: String, limit: Int)

    public var errorDescription: String? {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open '\(path)': \(reason). Check the path and its permissions."
        case .corrupt(let path, let offset, let reason):
            return
                "'\(path)' is not valid gzip data at compressed byte \(offset): \(reason). Re-download or re-compress the file."
        case .truncated(let path, let offset):
            return
                "'\(path)' ends in the middle of a gzip stream (after \(offset) compressed bytes). The file is truncated; re-download it."
        case .tooLarge(let path, let limit):
            return
                "'\(path)' unpacks to more than \(limit / (1 << 20)) MiB, the limit for one input. If the file is genuine, raise the limit with --max-unpacked-mb (YAML: max_unpacked_mb)."
        }
    }

    /// Compressed byte offset at which decoding failed.
    public var offset: Int {
        switch self {
        case .cannotOpen, .tooLarge: return 0
        case .corrupt(_, let offset, _), .truncated(_, let offset): return offset
        }
    }
}

/// Streaming gzip decompression of a file or an in-memory payload: yields decompressed chunks without holding the
/// whole output. Handles concatenated gzip members (as written by `pigz` and multi-part shards).
public final class GzipReader: Sequence, IteratorProtocol {
    public let path: String
    /// Next block of compressed input (empty at its end).
    private let source: (Int) throws -> Data
    private let close: () -> Void
    /// Heap-allocated: zlib keeps a pointer back to the stream, so its address must never change.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var input = [UInt8](repeating: 0, count: 1 << 20)
    private var output = [UInt8](repeating: 0, count: 1 << 20)
    private var inputCount = 0
    private var inputOffset = 0
    private var endOfFile = false
    private var finished = false
    private var memberOpen = false
    private var outputPending = false
    private var initialized = false
    /// Compressed bytes consumed so far (the offset reported on corruption).
    public private(set) var compressedOffset = 0
    /// The error that ended the stream early, if any; `next()` returns nil after it.
    public private(set) var error: GzipError?

    /// Opens `path` for streaming decompression.
    public convenience init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GzipError.cannotOpen(path: path, reason: "no such file or not readable")
        }
        try self.init(name: path, source: { try handle.read(upToCount: $0) ?? Data() }, close: { try? handle.close() })
    }

    /// Decompresses `data`, naming it `name` in errors.
    public convenience init(data: Data, name: String) throws {
        var offset = data.startIndex
        try self.init(
            name: name,
            source: { count in
                let end = Swift.min(data.endIndex, offset + count)
                defer { offset = end }
                return data[offset..<end]
            }, close: {})
    }

    private init(name: String, source: @escaping (Int) throws -> Data, close: @escaping () -> Void) throws {
        self.path = name
        self.source = source
        self.close = close
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            close()
            throw GzipError.cannotOpen(path: name, reason: "zlib init failed (\(status))")
        }
        initialized = true
    }

    deinit {
        if initialized {
            inflateEnd(stream)
            stream.deallocate()
            close()
        }
    }

    /// The next decompressed chunk, or nil at the end of the data or after an error (see `error`).
    public func next() -> Data? {
        do { return try nextChunk() } catch let failure as GzipError {
            error = failure
            finished = true
            return nil
        } catch {
            self.error = .corrupt(path: path, offset: compressedOffset, reason: error.localizedDescription)
            finished = true
            return nil
        }
    }

    /// The next decompressed chunk, throwing on corrupt or truncated input; nil at the clean end.
    public func nextChunk() throws -> Data? {
        while !finished {
            if inputOffset == inputCount && !endOfFile {
                let data = try source(input.count)
                if data.isEmpty {
                    endOfFile = true
                } else {
                    input.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }
                    inputCount = data.count
                    inputOffset = 0
                }
            }
            if inputOffset == inputCount && endOfFile && !outputPending {
                finished = true
                if memberOpen { throw GzipError.truncated(path: path, offset: compressedOffset) }
                return nil
            }
            let (status, consumed, produced) = Gzip.inflateStep(
                stream, &input, from: inputOffset, count: inputCount, into: &output)
            inputOffset += consumed
            compressedOffset += consumed
            // A full output buffer may hide more output, unless the member just ended (an unpacked size that is an
            // exact multiple of the buffer ends a member with a full buffer).
            outputPending = produced == output.count && status != Z_STREAM_END
            switch status {
            case Z_OK, Z_BUF_ERROR:
                memberOpen = true
            case Z_STREAM_END:
                memberOpen = false
                inflateReset(stream)
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw GzipError.corrupt(path: path, offset: compressedOffset, reason: reason)
            }
            if produced > 0 { return Data(output[0..<produced]) }
            if status == Z_BUF_ERROR && consumed == 0 && inputOffset < inputCount {
                throw GzipError.corrupt(path: path, offset: compressedOffset, reason: "no progress")
            }
        }
        return nil
    }

    /// Everything that remains, failing with `tooLarge` as soon as more than `limit` bytes come out.
    public func readAll(limit: Int = .max) throws -> Data {
        var result = Data()
        while let chunk = try nextChunk() {
            guard result.count + chunk.count <= limit else { throw GzipError.tooLarge(path: path, limit: limit) }
            result.append(chunk)
        }
        return result
    }
}

/// One-shot gzip helpers.
public enum Gzip {
    /// Default cap on the unpacked size of one gzip input (1 GiB): guards against decompression bombs.
    public static let defaultUnpackedLimit = 1 << 30

    /// One `inflate` call over `input[from..<count]` into all of `output`: zlib status, bytes consumed and produced.
    static func inflateStep(
        _ stream: UnsafeMutablePointer<z_stream>, _ input: inout [UInt8], from: Int, count: Int,
        into output: inout [UInt8]
    ) -> (status: Int32, consumed: Int, produced: Int) {
        let available = count - from
        var status: Int32 = Z_OK
        var produced = 0
        input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.pointee.next_in = inBuf.baseAddress! + from
                stream.pointee.avail_in = UInt32(available)
                stream.pointee.next_out = outBuf.baseAddress!
                stream.pointee.avail_out = UInt32(outBuf.count)
                status = inflate(stream, Z_NO_FLUSH)
                produced = outBuf.count - Int(stream.pointee.avail_out)
            }
        }
        return (status, available - Int(stream.pointee.avail_in), produced)
    }

    /// Whether `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Decompresses a whole gzip payload (all members) named `name` in errors, throwing on corrupt, truncated or
    /// (beyond `limit` unpacked bytes) oversized data.
    public static func decompress(_ data: Data, name: String = "<memory>", limit: Int = .max) throws -> Data {
        try GzipReader(data: data, name: name).readAll(limit: limit)
    }

    /// Decompresses the gzip file at `path` as it is read, failing once more than `limit` bytes come out.
    public static func decompress(path: String, limit: Int = defaultUnpackedLimit) throws -> Data {
        try GzipReader(path: path).readAll(limit: limit)
    }
}
