import Foundation

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
                    let found =
                        ((quote &- 0x0101_0101_0101_0101) & ~quote | (backslash &- 0x0101_0101_0101_0101) & ~backslash)
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
                    if scalar >= 0xD800 && scalar < 0xDC00, j + 6 <= n, src[j] == UInt8(ascii: "\\"),
                        src[j + 1] == UInt8(ascii: "u"),
                        let low = hex4(line, j + 2), low >= 0xDC00 && low < 0xE000
                    {
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
