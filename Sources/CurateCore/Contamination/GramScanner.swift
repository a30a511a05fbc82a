import Foundation

/// The three things compared between benchmark and corpus.
public enum GramKind: Int, Codable, Sendable, CaseIterable {
    /// GPT-3 / lm-evaluation-harness janitor n-grams: lowercase, ASCII punctuation deleted, whitespace tokens.
    case text
    /// N-grams of code tokens (runs of identifier characters); identifiers other than Python keywords and
    /// builtins are replaced by one placeholder so renamed variables still match.
    case code
    /// MBPP §4.8 whole lines, whitespace-normalized.
    case line

    var seed: UInt64 {
        switch self {
        case .text: return 0x243F_6A88_85A3_08D3
        case .code: return 0x1319_8A2E_0370_7344
        case .line: return 0xA409_3822_299F_31D0
        }
    }
}

/// Which gram kinds a scan produces.
struct KindMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let text = KindMask(rawValue: 1)
    static let code = KindMask(rawValue: 2)
    static let line = KindMask(rawValue: 4)
    static let all: KindMask = [.text, .code, .line]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The mask of the given kinds.
    init(_ kinds: [GramKind]) {
        self.init(rawValue: kinds.reduce(0) { $0 | (1 << UInt8($1.rawValue)) })
    }
}

/// Per-byte classes, looked up once per byte in the scanner's inner loop.
enum ByteClass {
    static let space: UInt8 = 1
    static let punct: UInt8 = 2
    static let ident: UInt8 = 4
    static let newline: UInt8 = 8
    static let upper: UInt8 = 16
    static let digit: UInt8 = 32

    /// 256 entries; a leaked allocation so the hot loop reads it through a plain pointer.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: 0, count: 256)
        for b in [9, 10, 11, 12, 13, 32, 28, 29, 30, 31] { t[b] |= space }
        t[10] |= newline
        for b in Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".utf8) { t[Int(b)] |= punct }
        for b in 0..<256 {
            let c = UInt8(b)
            let isUpper = c >= 65 && c <= 90, isLower = c >= 97 && c <= 122, isDigit = c >= 48 && c <= 57
            if isUpper || isLower || isDigit || c == 95 || c >= 0x80 { t[b] |= ident }
            if isUpper { t[b] |= upper }
            if isDigit { t[b] |= digit }
        }
        return UnsafePointer(t)
    }()
}

/// Hash primitives shared by the benchmark index and the corpus scan, so both sides agree bit for bit.
/// Bytes of a token are combined with a rotate-and-add step (two one-cycle operations, no multiply chain per byte);
/// a token's value is that state through one full mix. Windows and lines are polynomials over token values.
enum GramHash {
    /// Start state of a token and of a line (non-zero, so a token's length shows in its state).
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    static let base: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Placeholder token value for abstracted identifiers.
    static let placeholder: UInt64 = 0x5851_F42D_4C95_7F2D

    /// Adds one byte to a token's state.
    @inline(__always) static func step(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        ((state &<< 8) | (state &>> 56)) &+ UInt64(byte)
    }

    @inline(__always) static func finalize(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    /// The value of a token made of `bytes`, as the scanner computes it.
    static func token(_ bytes: some Sequence<UInt8>) -> UInt64 {
        finalize(bytes.reduce(seed, step))
    }
}

/// Python keywords and builtins kept verbatim by the code-token variant; every other identifier is abstracted.
/// Identifiers are looked up by their bytes (up to 16, loaded as two words), so a hit is an exact match.
final class KeywordSet: @unchecked Sendable {
    static let words: [String] = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "self", "abs", "all", "any", "bin",
        "bool", "bytes", "chr", "dict", "divmod", "enumerate", "filter", "float", "format", "frozenset", "hex", "int",
        "isinstance", "iter", "len", "list", "map", "max", "min", "next", "oct", "ord", "pow", "print", "range",
        "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip", "object", "super", "type", "append",
        "extend", "join", "split", "strip", "sort", "keys", "values", "items", "get", "pop", "insert", "remove",
        "count", "index", "lower", "upper", "replace", "startswith", "endswith", "re", "math", "heapq", "collections",
        "itertools", "sqrt", "Counter", "defaultdict", "deque",
    ]
    static let shared = KeywordSet()
    private static let slotBits = 10

    /// Per slot: first 8 bytes, next 8 bytes (zero padded), length (0: empty), token value. No two keywords share a
    /// slot (the multiplier is chosen so), so a lookup reads one slot and compares without branching.
    private let low: UnsafeMutablePointer<UInt64>
    private let high: UnsafeMutablePointer<UInt64>
    private let length: UnsafeMutablePointer<Int>
    private let value: UnsafeMutablePointer<UInt64>
    private let multiplier: UInt64

    private init() {
        let slots = 1 << Self.slotBits
        low = .allocate(capacity: slots)
        high = .allocate(capacity: slots)
        length = .allocate(capacity: slots)
        value = .allocate(capacity: slots)
        low.initialize(repeating: 0, count: slots)
        high.initialize(repeating: 0, count: slots)
        length.initialize(repeating: 0, count: slots)
        value.initialize(repeating: 0, count: slots)
        let packed = Self.words.map { word in
            let bytes = Array(word.utf8)
            precondition(bytes.count <= 16)
            return (bytes: bytes, words: Self.pack(bytes))
        }
        var multiplier = GramHash.base
        while Set(packed.map { Self.slot($0.words.0, $0.words.1, $0.bytes.count, multiplier) }).count < packed.count {
            multiplier = GramHash.finalize(multiplier) | 1
        }
        self.multiplier = multiplier
        for (bytes, (lo, hi)) in packed {
            let i = Self.slot(lo, hi, bytes.count, multiplier)
            low[i] = lo
            high[i] = hi
            length[i] = bytes.count
            value[i] = GramHash.token(bytes)
        }
    }

    /// Up to 16 bytes as two little-endian words, zero padded.
    private static func pack(_ bytes: some Collection<UInt8>) -> (UInt64, UInt64) {
        var lo: UInt64 = 0, hi: UInt64 = 0
        for (i, b) in bytes.prefix(16).enumerated() {
            if i < 8 { lo |= UInt64(b) << (8 * UInt64(i)) } else { hi |= UInt64(b) << (8 * UInt64(i - 8)) }
        }
        return (lo, hi)
    }

    @inline(__always) private static func slot(_ lo: UInt64, _ hi: UInt64, _ count: Int, _ multiplier: UInt64) -> Int {
        Int(truncatingIfNeeded: ((lo ^ (hi &* 31) ^ UInt64(truncatingIfNeeded: count)) &* multiplier) >> UInt64(64 - slotBits))
    }

    /// The token value of `base[start..<end]` if those bytes are a keyword, else 0; `limit` ends readable memory.
    @inline(__always) func keywordValue(_ base: UnsafePointer<UInt8>, start: Int, end: Int, limit: Int) -> UInt64 {
        let count = end - start
        var lo: UInt64, hi: UInt64
        if start + 16 <= limit {
            // Bytes past the token are masked off; tokens over 16 bytes never match (no keyword is that long).
            let raw = UnsafeRawPointer(base + start)
            let bits = UInt64(truncatingIfNeeded: min(count, 16) * 8)
            let lowMask: UInt64 = bits >= 64 ? ~0 : (1 &<< bits) &- 1
            let highMask: UInt64 = bits <= 64 ? 0 : bits >= 128 ? ~0 : (1 &<< (bits - 64)) &- 1
            lo = raw.loadUnaligned(as: UInt64.self) & lowMask
            hi = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & highMask
        } else {
            (lo, hi) = Self.pack(UnsafeBufferPointer(start: base + start, count: count))
        }
        let i = Self.slot(lo, hi, count, multiplier)
        // One combined difference instead of three short-circuit tests: whether an identifier is a keyword is
        // unpredictable, so branches here mispredict.
        let difference = UInt64(truncatingIfNeeded: length[i] ^ count) | (low[i] ^ lo) | (high[i] ^ hi)
        return difference == 0 ? value[i] : 0
    }

    /// The value of the code token `base[start..<end]` (a number's or keyword's own value, else the placeholder)
    /// and whether it is concrete, i.e. not abstracted.
    @inline(__always) func codeValue(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, limit: Int, classes: UnsafePointer<UInt8>
    ) -> (value: UInt64, concrete: Bool) {
        if classes[Int(base[start])] & ByteClass.digit != 0 {
            var state = GramHash.seed
            for i in start..<end { state = GramHash.step(state, base[i]) }
            return (GramHash.finalize(state), true)
        }
        let keyword = keywordValue(base, start: start, end: end, limit: limit)
        return keyword == 0 ? (GramHash.placeholder, false) : (keyword, true)
    }
}

/// Where a candidate gram lies in the scanned buffer: token ranges of the window (oldest first) or the line.
struct GramWindow {
    let starts: UnsafePointer<Int>
    let ends: UnsafePointer<Int>
    /// Ring index of the oldest token; 0 for lines.
    let head: Int
    /// Tokens in the window (1 for lines).
    let count: Int

    @inline(__always) func start(_ i: Int) -> Int { starts[(head + i) % count] }
    @inline(__always) func end(_ i: Int) -> Int { ends[(head + i) % count] }
    var firstByte: Int { start(0) }
    var lastByte: Int { end(count - 1) }
}

/// The last n token hashes of a pass with their byte ranges, and the polynomial rolling hash over them.
struct RollingWindow {
    let n: Int
    let hashes: UnsafeMutablePointer<UInt64>
    let starts: UnsafeMutablePointer<Int>
    let ends: UnsafeMutablePointer<Int>
    let dropFactor: UInt64
    var hash: UInt64 = 0
    var filled = 0
    var pos = 0

    init(n: Int, hashes: UnsafeMutablePointer<UInt64>, starts: UnsafeMutablePointer<Int>, ends: UnsafeMutablePointer<Int>, dropFactor: UInt64) {
        self.n = n
        self.hashes = hashes
        self.starts = starts
        self.ends = ends
        self.dropFactor = dropFactor
    }

    /// Adds a token; returns the window's hash once n tokens are in it.
    @inline(__always) mutating func push(_ value: UInt64, start: Int, end: Int) -> UInt64? {
        if filled >= n { hash = hash &- hashes[pos] &* dropFactor }
        hash = hash &* GramHash.base &+ value
        hashes[pos] = value
        starts[pos] = start
        ends[pos] = end
        pos += 1
        if pos == n { pos = 0 }
        filled += 1
        return filled >= n ? hash : nil
    }

    /// The current window's token ranges, oldest first.
    var window: GramWindow { GramWindow(starts: starts, ends: ends, head: pos, count: n) }
}

/// Receives the grams a scan produces (all of them when indexing; only prefilter hits when scanning a corpus).
protocol GramSink {
    mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>)
}

/// Single-pass byte scanner producing text n-grams, code-token n-grams and normalized lines with rolling
/// 64-bit hashes; no allocation per token. One instance per worker (it owns its ring buffers).
final class GramScanner {
    let n: Int
    private let textHashes: UnsafeMutablePointer<UInt64>
    private let codeHashes: UnsafeMutablePointer<UInt64>
    private let textStarts: UnsafeMutablePointer<Int>
    private let textEnds: UnsafeMutablePointer<Int>
    private let codeStarts: UnsafeMutablePointer<Int>
    private let codeEnds: UnsafeMutablePointer<Int>
    private let lineRange: UnsafeMutablePointer<Int>
    private let dropFactor: UInt64
    private let keywords = KeywordSet.shared

    init(n: Int) {
        precondition(n >= 1)
        self.n = n
        textHashes = .allocate(capacity: n)
        codeHashes = .allocate(capacity: n)
        textStarts = .allocate(capacity: n)
        textEnds = .allocate(capacity: n)
        codeStarts = .allocate(capacity: n)
        codeEnds = .allocate(capacity: n)
        lineRange = .allocate(capacity: 2)
        var power: UInt64 = 1
        for _ in 0..<(n - 1) { power = power &* GramHash.base }
        dropFactor = power
    }

    deinit {
        textHashes.deallocate()
        codeHashes.deallocate()
        textStarts.deallocate()
        textEnds.deallocate()
        codeStarts.deallocate()
        codeEnds.deallocate()
        lineRange.deallocate()
    }

    /// Scans one document. With a `filter` (bitmap of 2^filterBits bits), only grams whose key passes it reach the sink.
    /// One kind is a tight pass of its own; two or three kinds share one fused pass (measured: a third faster for all
    /// three than separate passes, half as fast for one). Both give the same keys; within a kind, grams reach the sink
    /// in buffer order.
    func scan<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, kinds: KindMask, filter: UnsafePointer<UInt64>?, filterShift: UInt64,
        sink: inout S
    ) {
        guard buffer.baseAddress != nil, buffer.count > 0 else { return }
        switch kinds {
        case .text: scanText(buffer, filter: filter, filterShift: filterShift, sink: &sink)
        case .code: scanCode(buffer, filter: filter, filterShift: filterShift, sink: &sink)
        case .line: scanLines(buffer, filter: filter, filterShift: filterShift, sink: &sink)
        case []: return
        default: scanFused(buffer, kinds: kinds, filter: filter, filterShift: filterShift, sink: &sink)
        }
    }

    /// The fused pass: each byte is classified once and feeds the janitor word hash, the raw word hash (for lines)
    /// and the code-token hash side by side. Only those few values live in registers; token and line ends go to
    /// out-of-line handlers that keep the rolling windows in memory.
    private func scanFused<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, kinds: KindMask, filter: UnsafePointer<UInt64>?, filterShift: UInt64,
        sink: inout S
    ) {
        let base = buffer.baseAddress!
        let count = buffer.count, cls = ByteClass.table, seed = GramHash.seed
        var state = ScanState(
            buffer: buffer, classes: cls, kinds: kinds, filter: filter, filterShift: filterShift,
            minimumConcrete: filter == nil ? 0 : BenchmarkIndex.minimumConcreteCodeTokens, windowBits: (1 << UInt32(n)) - 1,
            text: RollingWindow(n: n, hashes: textHashes, starts: textStarts, ends: textEnds, dropFactor: dropFactor),
            code: RollingWindow(n: n, hashes: codeHashes, starts: codeStarts, ends: codeEnds, dropFactor: dropFactor))
        var i = 0
        while i < count {
            var b = base[i], c = cls[Int(b)]
            if c & ByteClass.space != 0 {
                if b == 0x0A && state.lineStart >= 0 { endLine(&state, sink: &sink) }
                i += 1
                // Indentation: eight spaces at a time.
                while i + 8 <= count && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 { i += 8 }
                continue
            }
            // A whitespace-delimited word: janitor state, kept-byte flag and raw state over all of it; its identifier
            // runs are code tokens, whose values are taken from their bytes at their end.
            let wordStart = i
            var janitor = seed, raw = seed, kept: UInt8 = 0
            repeat {
                if c & ByteClass.ident != 0 {
                    let codeStart = i
                    repeat {
                        raw = GramHash.step(raw, b)
                        let mixed = GramHash.step(janitor, b | ((c & ByteClass.upper) << 1))
                        janitor = c & ByteClass.punct == 0 ? mixed : janitor
                        kept |= ~c & ByteClass.punct
                        i += 1
                        if i == count { break }
                        b = base[i]
                        c = cls[Int(b)]
                    } while c & ByteClass.ident != 0
                    endCode(&state, start: codeStart, end: i, sink: &sink)
                } else {
                    raw = GramHash.step(raw, b)
                    let mixed = GramHash.step(janitor, b | ((c & ByteClass.upper) << 1))
                    janitor = c & ByteClass.punct == 0 ? mixed : janitor
                    kept |= ~c & ByteClass.punct
                    i += 1
                    if i == count { break }
                    b = base[i]
                    c = cls[Int(b)]
                }
            } while i < count && c & ByteClass.space == 0
            endWord(&state, start: wordStart, end: i, janitor: janitor, kept: kept != 0, raw: raw, sink: &sink)
        }
        if state.lineStart >= 0 { endLine(&state, sink: &sink) }
    }

    /// What the fused scan keeps outside registers: settings, both rolling windows and the current line.
    private struct ScanState {
        let buffer: UnsafeBufferPointer<UInt8>
        /// `ByteClass.table`, read once per scan (a static would be re-checked for initialization in every handler).
        let classes: UnsafePointer<UInt8>
        let kinds: KindMask
        let filter: UnsafePointer<UInt64>?
        let filterShift: UInt64
        /// Code windows with fewer concrete tokens are not looked up (the index holds none; 0 when indexing).
        let minimumConcrete: Int
        /// The low n bits.
        let windowBits: UInt32
        var text: RollingWindow
        var code: RollingWindow
        /// First word of the current line (-1: none yet), end of its last word, hash over its words' raw hashes.
        var lineStart = -1
        var lineEnd = 0
        var line = GramHash.seed
        /// One bit per code token of the window (newest lowest): set when the token is concrete; and how many are.
        var concrete: UInt32 = 0
        var concreteCount = 0
    }

    @inline(never) private func endCode<S: GramSink>(_ state: inout ScanState, start: Int, end: Int, sink: inout S) {
        guard state.kinds.contains(.code) else { return }
        let token = keywords.codeValue(state.buffer.baseAddress!, start: start, end: end, limit: state.buffer.count, classes: state.classes)
        let shifted = (state.concrete << 1) | (token.concrete ? 1 : 0)
        state.concreteCount += (token.concrete ? 1 : 0) - Int(truncatingIfNeeded: (shifted >> UInt32(n)) & 1)
        state.concrete = shifted & state.windowBits
        if let hash = state.code.push(token.value, start: start, end: end), state.concreteCount >= state.minimumConcrete {
            let key = GramHash.finalize(hash ^ GramKind.code.seed)
            if Self.passes(key, state.filter, state.filterShift) {
                sink.gram(kind: .code, key: key, window: state.code.window, buffer: state.buffer)
            }
        }
    }

    @inline(never) private func endWord<S: GramSink>(
        _ state: inout ScanState, start: Int, end: Int, janitor: UInt64, kept: Bool, raw: UInt64, sink: inout S
    ) {
        if kept && state.kinds.contains(.text), let hash = state.text.push(GramHash.finalize(janitor), start: start, end: end) {
            let key = GramHash.finalize(hash ^ GramKind.text.seed)
            if Self.passes(key, state.filter, state.filterShift) {
                sink.gram(kind: .text, key: key, window: state.text.window, buffer: state.buffer)
            }
        }
        guard state.kinds.contains(.line) else { return }
        if state.lineStart < 0 { state.lineStart = start }
        state.line = state.line &* GramHash.base &+ GramHash.finalize(raw)
        state.lineEnd = end
    }

    @inline(never) private func endLine<S: GramSink>(_ state: inout ScanState, sink: inout S) {
        let key = GramHash.finalize(state.line ^ GramKind.line.seed)
        if Self.passes(key, state.filter, state.filterShift) {
            lineRange[0] = state.lineStart
            lineRange[1] = state.lineEnd
            sink.gram(kind: .line, key: key, window: GramWindow(starts: lineRange, ends: lineRange + 1, head: 0, count: 1), buffer: state.buffer)
        }
        state.lineStart = -1
        state.line = GramHash.seed
    }

    @inline(__always) private static func passes(_ key: UInt64, _ filter: UnsafePointer<UInt64>?, _ shift: UInt64) -> Bool {
        guard let filter else { return true }
        let mask = PrefilterBits.mask(key)
        return filter[Int(truncatingIfNeeded: key >> (shift + 6))] & mask == mask
    }

    /// Janitor tokens: whitespace-separated, ASCII punctuation deleted, ASCII lowercased; empty tokens vanish.
    private func scanText<S: GramSink>(_ buffer: UnsafeBufferPointer<UInt8>, filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S) {
        let base = buffer.baseAddress!, count = buffer.count, cls = ByteClass.table
        var ring = RollingWindow(n: n, hashes: textHashes, starts: textStarts, ends: textEnds, dropFactor: dropFactor)
        var i = 0
        while i < count {
            while i < count && cls[Int(base[i])] & ByteClass.space != 0 { i += 1 }
            if i == count { break }
            let start = i
            var token = GramHash.seed
            var kept = 0
            while i < count {
                let b = base[i]
                let c = cls[Int(b)]
                if c & ByteClass.space != 0 { break }
                let mixed = GramHash.step(token, b | ((c & ByteClass.upper) << 1))
                let keep = c & ByteClass.punct == 0
                token = keep ? mixed : token
                kept &+= keep ? 1 : 0
                i += 1
            }
            if kept == 0 { continue }
            if let hash = ring.push(GramHash.finalize(token), start: start, end: i) {
                let key = GramHash.finalize(hash ^ GramKind.text.seed)
                if Self.passes(key, filter, filterShift) { sink.gram(kind: .text, key: key, window: ring.window, buffer: buffer) }
            }
        }
    }

    /// Code tokens: runs of identifier bytes; identifiers that are not keywords/builtins become one placeholder.
    private func scanCode<S: GramSink>(_ buffer: UnsafeBufferPointer<UInt8>, filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S) {
        let base = buffer.baseAddress!, count = buffer.count, cls = ByteClass.table, keywords = self.keywords
        var ring = RollingWindow(n: n, hashes: codeHashes, starts: codeStarts, ends: codeEnds, dropFactor: dropFactor)
        let minimumConcrete = filter == nil ? 0 : BenchmarkIndex.minimumConcreteCodeTokens
        let windowBits: UInt32 = (1 << UInt32(n)) - 1
        var concrete: UInt32 = 0, concreteCount = 0
        var i = 0
        while i < count {
            while i < count && cls[Int(base[i])] & ByteClass.ident == 0 { i += 1 }
            if i == count { break }
            let start = i
            while i < count && cls[Int(base[i])] & ByteClass.ident != 0 { i += 1 }
            let token = keywords.codeValue(base, start: start, end: i, limit: count, classes: cls)
            let shifted = (concrete << 1) | (token.concrete ? 1 : 0)
            concreteCount += (token.concrete ? 1 : 0) - Int(truncatingIfNeeded: (shifted >> UInt32(n)) & 1)
            concrete = shifted & windowBits
            if let hash = ring.push(token.value, start: start, end: i), concreteCount >= minimumConcrete {
                let key = GramHash.finalize(hash ^ GramKind.code.seed)
                if Self.passes(key, filter, filterShift) { sink.gram(kind: .code, key: key, window: ring.window, buffer: buffer) }
            }
        }
    }

    /// Lines: leading and trailing whitespace dropped, inner whitespace runs collapsed to one space. The key is a
    /// polynomial over the values of the line's words (raw bytes), as in the fused pass.
    private func scanLines<S: GramSink>(_ buffer: UnsafeBufferPointer<UInt8>, filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S) {
        let base = buffer.baseAddress!, count = buffer.count, cls = ByteClass.table
        let range = lineRange
        var i = 0
        while i < count {
            while i < count && cls[Int(base[i])] & ByteClass.space != 0 { i += 1 }
            if i == count { break }
            let start = i
            var end = i
            var line = GramHash.seed
            while i < count {
                var word = GramHash.seed
                while i < count {
                    let b = base[i]
                    if cls[Int(b)] & ByteClass.space != 0 { break }
                    word = GramHash.step(word, b)
                    i += 1
                }
                line = line &* GramHash.base &+ GramHash.finalize(word)
                end = i
                while i < count && base[i] != 0x0A && cls[Int(base[i])] & ByteClass.space != 0 { i += 1 }
                if i == count || base[i] == 0x0A { break }
            }
            let key = GramHash.finalize(line ^ GramKind.line.seed)
            if Self.passes(key, filter, filterShift) {
                range[0] = start
                range[1] = end
                sink.gram(kind: .line, key: key, window: GramWindow(starts: range, ends: range + 1, head: 0, count: 1), buffer: buffer)
            }
        }
    }

    /// The normalized bytes of a gram (what its hash stands for), used for exact confirmation and the index.
    func normalized(kind: GramKind, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let cls = ByteClass.table
        switch kind {
        case .text:
            for t in 0..<window.count {
                if t > 0 { out.append(0x20) }
                for i in window.start(t)..<window.end(t) {
                    let b = buffer[i], c = cls[Int(b)]
                    if c & ByteClass.punct != 0 { continue }
                    out.append(c & ByteClass.upper != 0 ? b | 0x20 : b)
                }
            }
        case .code:
            for t in 0..<window.count {
                if t > 0 { out.append(0x20) }
                let range = window.start(t)..<window.end(t)
                let base = buffer.baseAddress!
                if keywords.codeValue(base, start: range.lowerBound, end: range.upperBound, limit: buffer.count, classes: cls).concrete {
                    out.append(contentsOf: buffer[range])
                } else {
                    out.append(0x01)
                }
            }
        case .line:
            var space = false
            for i in window.start(0)..<window.end(0) {
                let b = buffer[i]
                if cls[Int(b)] & ByteClass.space != 0 {
                    space = true
                } else {
                    if space { out.append(0x20) }
                    space = false
                    out.append(b)
                }
            }
        }
    }
}
