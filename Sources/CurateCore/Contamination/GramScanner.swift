import CScanKernels
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

/// Per-byte classes for the byte-at-a-time paths (normalizing a confirmed gram, telling numbers from names, JSON
/// whitespace): the table `curate_classify` itself uses, so both agree by construction.
enum ByteClass {
    static let space = UInt8(CURATE_CLASS_SPACE)
    static let punct = UInt8(CURATE_CLASS_PUNCT)
    static let digit = UInt8(CURATE_CLASS_DIGIT)
    /// 0x20, so or-ing it lowercases an ASCII capital.
    static let upper = UInt8(CURATE_CLASS_UPPER)

    /// 256 entries, one per byte value.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = curate_byte_classes()
}

/// Hash primitives shared by the benchmark index and the corpus scan, so both sides agree bit for bit.
/// A token's value mixes its bytes eight at a time (at least two words, zero padded, length in the seed): one
/// multiply per word instead of a step per byte. Windows and lines are polynomials over token values; a gram's key is
/// that polynomial, xor the kind's seed, times one odd constant (a bijection, so within a kind distinct polynomials
/// keep distinct keys).
enum GramHash {
    /// Start state of a token and of a line.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    static let base: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Placeholder token value for abstracted identifiers.
    static let placeholder: UInt64 = 0x5851_F42D_4C95_7F2D
    static let wordMultiplier: UInt64 = 0xFF51_AFD7_ED55_8CCD
    static let keyMultiplier: UInt64 = 0xC4CE_B9FE_1A85_EC53

    @inline(__always) static func finalize(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* wordMultiplier
        x ^= x >> 33
        x = x &* keyMultiplier
        x ^= x >> 33
        return x
    }

    /// The value of the token `bytes[0..<count]`; `limit` ends readable memory (tokens of up to 16 bytes with at least
    /// 16 readable bytes from their start are read as two masked words, without branching on their length).
    @inline(__always) static func token(_ bytes: UnsafePointer<UInt8>, count: Int, limit: UnsafePointer<UInt8>) -> UInt64 {
        guard count <= 16 && bytes + 16 <= limit else { return longToken(bytes, count: count, limit: limit) }
        let raw = UnsafeRawPointer(bytes)
        let (lowMask, highMask) = byteMasks(count)
        var h = (seed ^ UInt64(truncatingIfNeeded: count) ^ (raw.loadUnaligned(as: UInt64.self) & lowMask)) &* wordMultiplier
        h = (h ^ (raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & highMask)) &* wordMultiplier
        return h ^ (h >> 32)
    }

    /// Masks of the first `count` (0...16) bytes of two little-endian words, by shifts alone: the selects they
    /// replace compiled to branches on whether `count` reaches 8, which mispredict on every other token.
    @inline(__always) static func byteMasks(_ count: Int) -> (low: UInt64, high: UInt64) {
        let over = count &- 8
        let short = curate_opaque(UInt64(bitPattern: Int64(over) >> 63))
        let high = UInt64(bitPattern: Int64(over)) & ~short
        let low = UInt64(truncatingIfNeeded: count) &- high
        return (~((~0 &<< (low &* 4)) &<< (low &* 4)), ~((~0 &<< (high &* 4)) &<< (high &* 4)))
    }

    /// `token` for any length and position: whole words, the last one masked when it may be read whole (it ends
    /// before `limit`), else assembled byte by byte; zero padded to at least two words.
    @inline(never) static func longToken(_ bytes: UnsafePointer<UInt8>, count: Int, limit: UnsafePointer<UInt8>) -> UInt64 {
        let words = (max(count, 16) &+ 7) &>> 3
        let readable = limit - bytes >= words &* 8
        var h = seed ^ UInt64(truncatingIfNeeded: count)
        var i = 0
        while i < words &* 8 {
            let rest = count &- i
            var word: UInt64 = 0
            if rest >= 8 {
                word = UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self)
            } else if rest > 0 && readable {
                word = UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self) & ((1 &<< UInt64(rest &* 8)) &- 1)
            } else if rest > 0 {
                for k in stride(from: count - 1, through: i, by: -1) { word = word << 8 | UInt64(bytes[k]) }
            }
            h = (h ^ word) &* wordMultiplier
            i &+= 8
        }
        return h ^ (h >> 32)
    }

    /// The value of a token made of `bytes`, as the scanner computes it.
    static func token(_ bytes: [UInt8]) -> UInt64 {
        let padded = bytes + [UInt8](repeating: 0, count: 16)
        return padded.withUnsafeBufferPointer { longToken($0.baseAddress!, count: bytes.count, limit: $0.baseAddress! + $0.count) }
    }

    /// The key of a gram of `kind` whose polynomial is `hash`.
    @inline(__always) static func key(_ hash: UInt64, _ kind: GramKind) -> UInt64 {
        (hash ^ kind.seed) &* keyMultiplier
    }
}

/// Python keywords and builtins kept verbatim by the code-token variant; every other identifier is abstracted.
/// Identifiers are looked up by their bytes (up to 16, as two words), so a hit is an exact match; the lookup itself is
/// the C kernel's (`curate_code_value`, and vectorized in `curate_code_span`).
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

    /// Per slot, the keyword's first and next 8 bytes (zero padded), or two zero words (no token has a zero byte, so
    /// an empty slot matches nothing): 16 KB, so a lookup is one slot and one comparison. No two keywords share a
    /// slot (the multiplier is chosen so).
    let slots: UnsafeMutablePointer<UInt64>
    let multiplier: UInt64
    /// The parameters the C kernels take, for values only (n = 1).
    private var valueParameters = curate_code_params()

    private init() {
        let slotCount = 1 << Self.slotBits
        slots = .allocate(capacity: 2 * slotCount)
        slots.initialize(repeating: 0, count: 2 * slotCount)
        let packed = Self.words.map { word in
            let bytes = Array(word.utf8)
            precondition(bytes.count < 16)
            return (bytes: bytes, words: Self.pack(bytes))
        }
        var multiplier = GramHash.base
        while Set(packed.map { Self.slot($0.words.0, $0.words.1, $0.bytes.count, multiplier) }).count < packed.count {
            multiplier = GramHash.finalize(multiplier) | 1
        }
        self.multiplier = multiplier
        for (bytes, (lo, hi)) in packed {
            let slot = Self.slot(lo, hi, bytes.count, multiplier)
            slots[2 * slot] = lo
            slots[2 * slot + 1] = hi
        }
        valueParameters = parameters(n: 1)
    }

    /// Up to 16 bytes as two little-endian words, zero padded.
    private static func pack(_ bytes: [UInt8]) -> (UInt64, UInt64) {
        var lo: UInt64 = 0, hi: UInt64 = 0
        for (i, b) in bytes.prefix(16).enumerated() {
            if i < 8 { lo |= UInt64(b) << (8 * UInt64(i)) } else { hi |= UInt64(b) << (8 * UInt64(i - 8)) }
        }
        return (lo, hi)
    }

    private static func slot(_ lo: UInt64, _ hi: UInt64, _ count: Int, _ multiplier: UInt64) -> Int {
        Int(truncatingIfNeeded: ((lo ^ (hi &* 31) ^ UInt64(truncatingIfNeeded: count)) &* multiplier) >> UInt64(64 - slotBits))
    }

    /// The hash constants and keyword table of code-token n-grams of size `n`, as the C kernels take them.
    func parameters(n: Int) -> curate_code_params {
        var power: UInt64 = 1
        for _ in 0..<n { power = power &* GramHash.base }
        return curate_code_params(
            seed: GramHash.seed, word_multiplier: GramHash.wordMultiplier, key_multiplier: GramHash.keyMultiplier,
            code_seed: GramKind.code.seed, placeholder: GramHash.placeholder, base: GramHash.base, window_factor: power,
            keyword_slots: UnsafePointer(slots), keyword_multiplier: multiplier, keyword_shift: UInt64(64 - Self.slotBits), n: n)
    }

    /// The value of the code token `bytes[0..<count]` (a number's or keyword's own token value, else the
    /// placeholder) and whether it is concrete (not abstracted).
    func codeValue(_ bytes: UnsafePointer<UInt8>, count: Int) -> (value: UInt64, concrete: Bool) {
        var concrete: Int32 = 0
        let value = withUnsafePointer(to: valueParameters) { curate_code_value($0, bytes, count, &concrete) }
        return (value, concrete != 0)
    }
}

/// Where a candidate gram lies in the scanned buffer: token ranges of the window (oldest first) or the line.
struct GramWindow {
    let starts: UnsafePointer<Int>
    let ends: UnsafePointer<Int>
    /// Index of the oldest token: a ring position for rolled windows, 0 for lines and contiguous token arrays.
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
        pos &+= 1
        if pos == n { pos = 0 }
        filled &+= 1
        return filled >= n ? hash : nil
    }

    /// The current window's token ranges, oldest first.
    var window: GramWindow { GramWindow(starts: starts, ends: ends, head: pos, count: n) }
}

/// How the word pass counts set bits: Swift's `nonzeroBitCount` is a sequence of shifts and adds on the baseline
/// x86-64 target, which has no `popcnt`.
protocol BitCount {
    static func count(_ bits: UInt64) -> Int
}

/// The `popcnt` instruction, for CPUs at classifier level 1 (which implies it).
enum HardwareBitCount: BitCount {
    @inline(__always) static func count(_ bits: UInt64) -> Int { Int(truncatingIfNeeded: curate_popcount(bits)) }
}

/// `nonzeroBitCount`, for any CPU.
enum PortableBitCount: BitCount {
    @inline(__always) static func count(_ bits: UInt64) -> Int { bits.nonzeroBitCount }
}

/// Receives the grams a scan produces (all of them when indexing; only prefilter hits when scanning a corpus).
protocol GramSink {
    mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>)
}

/// Scanner producing text n-grams, code-token n-grams and normalized lines with rolling 64-bit hashes; no
/// allocation per token. Bytes are classified 64 at a time into bit masks (`curate_classify`, SIMD where the CPU has
/// it), and token boundaries are walked with trailing-zero counts: work per token, not per byte. One instance per
/// worker (it owns its rings and mask buffers).
final class GramScanner {
    let n: Int
    private let textHashes: UnsafeMutablePointer<UInt64>
    private let textStarts: UnsafeMutablePointer<Int>
    private let textEnds: UnsafeMutablePointer<Int>
    private let lineRange: UnsafeMutablePointer<Int>
    private let dropFactor: UInt64
    private let keywords = KeywordSet.shared
    /// The code-token kernel's parameters, state (token arrays of one span plus n tokens of history) and the hits of
    /// the last span (entry index of the window's last token, and key).
    private let codeParameters: UnsafeMutablePointer<curate_code_params>
    private let code: UnsafeMutablePointer<curate_code_state>
    private let codeHits: UnsafeMutablePointer<Int32>
    private let codeKeys: UnsafeMutablePointer<UInt64>
    /// `ByteClass.table`, read once (a static is checked for initialization at every use).
    private let classes = ByteClass.table
    /// One chunk's masks (bit j of entry b: byte 64b+j of the chunk), `chunkBlocks` each, in one allocation:
    /// non-space, identifier, newline, janitor-kept.
    private let masks: UnsafeMutablePointer<UInt64>
    private var wordMask: UnsafeMutablePointer<UInt64> { masks }
    private var identMask: UnsafeMutablePointer<UInt64> { masks + Self.chunkBlocks }
    private var newlineMask: UnsafeMutablePointer<UInt64> { masks + 2 * Self.chunkBlocks }
    private var keptMask: UnsafeMutablePointer<UInt64> { masks + 3 * Self.chunkBlocks }
    /// Janitor bytes (kept, lowercased) of the current word and the current chunk, contiguous.
    private var compact: UnsafeMutablePointer<UInt8>
    private var compactCapacity: Int
    /// `curate_classify` level: the CPU's best, or 0 (portable) when asked for.
    private let level: Int32
    static let chunkBlocks = 1024
    /// Blocks per call of the code-token kernel: its token arrays (about 700 tokens of typical code) stay in L1.
    static let codeSpanBlocks = 64

    init(n: Int, portable: Bool = false) {
        precondition(n >= 1)
        self.n = n
        textHashes = .allocate(capacity: n)
        textStarts = .allocate(capacity: n)
        textEnds = .allocate(capacity: n)
        lineRange = .allocate(capacity: 2)
        var power: UInt64 = 1
        for _ in 0..<(n - 1) { power = power &* GramHash.base }
        dropFactor = power
        masks = .allocate(capacity: 4 * Self.chunkBlocks)
        compactCapacity = Self.chunkBlocks * 64 * 2
        compact = .allocate(capacity: compactCapacity)
        level = portable ? 0 : Self.bestLevel
        codeParameters = .allocate(capacity: 1)
        codeParameters.initialize(to: keywords.parameters(n: n))
        let capacity = curate_code_capacity(n, Self.codeSpanBlocks)
        code = .allocate(capacity: 1)
        code.initialize(to: curate_code_state(
            starts: .allocate(capacity: capacity), ends: .allocate(capacity: capacity), prefix: .allocate(capacity: capacity),
            concrete: .allocate(capacity: capacity), values: .allocate(capacity: capacity), marks: .allocate(capacity: capacity),
            previous_tokens: 0, pending: 0, open: 0, previous_ident: 0))
        codeHits = .allocate(capacity: capacity)
        codeKeys = .allocate(capacity: capacity)
    }

    private static let bestLevel = Int32(curate_classify_best_level())

    deinit {
        textHashes.deallocate()
        textStarts.deallocate()
        textEnds.deallocate()
        lineRange.deallocate()
        masks.deallocate()
        compact.deallocate()
        codeParameters.deallocate()
        let state = code.pointee
        state.starts.deallocate()
        state.ends.deallocate()
        state.prefix.deallocate()
        state.concrete.deallocate()
        state.values.deallocate()
        state.marks.deallocate()
        code.deallocate()
        codeHits.deallocate()
        codeKeys.deallocate()
    }

    /// Word and line state carried from chunk to chunk.
    private struct WordState {
        var ring: RollingWindow
        /// Word bit of the previous byte (1: a word is open) and where the open word began.
        var previous: UInt64 = 0
        var start = 0
        /// Janitor bytes before the current chunk and before the open (or next) word, counted over the document.
        var compactTotal = 0
        var compactStart = 0
        /// Document offset of `compact[0]`.
        var compactOrigin = 0
        /// A newline came after the last word (the next word starts a new line).
        var newline = false
        /// First word of the current line (-1: none yet), end of its last word, polynomial over its words' values.
        var lineStart = -1
        var lineEnd = 0
        var line = GramHash.seed
    }

    /// Scans one document. With a `filter` (bitmap of 2^filterBits bits), only grams whose key passes it reach the sink.
    /// Within a kind, grams reach the sink in buffer order.
    func scan<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, kinds: KindMask, filter: UnsafePointer<UInt64>?, filterShift: UInt64,
        sink: inout S
    ) {
        guard let base = buffer.baseAddress, buffer.count > 0, !kinds.isEmpty else { return }
        let count = buffer.count
        if kinds.contains(.code) { curate_code_reset(codeParameters, code) }
        var words = WordState(ring: RollingWindow(n: n, hashes: textHashes, starts: textStarts, ends: textEnds, dropFactor: dropFactor))
        let minimumConcrete = filter == nil ? 0 : BenchmarkIndex.minimumConcreteCodeTokens
        let wordKinds = kinds.intersection([.text, .line])
        var chunkStart = 0
        while chunkStart < count {
            let length = min(count - chunkStart, Self.chunkBlocks * 64)
            let carried = prepareCompact(&words, length: length)
            let kept = curate_classify(base + chunkStart, length, wordMask, identMask, newlineMask, keptMask, compact + carried, level)
            if kinds.contains(.code) {
                codePass(buffer, chunkStart: chunkStart, length: length, minimumConcrete: minimumConcrete, filter: filter, filterShift: filterShift, sink: &sink)
            }
            if !wordKinds.isEmpty && level >= 1 {
                wordPass(buffer, chunkStart: chunkStart, length: length, state: &words, kinds: wordKinds, filter: filter, filterShift: filterShift, sink: &sink, counter: HardwareBitCount.self)
            } else if !wordKinds.isEmpty {
                wordPass(buffer, chunkStart: chunkStart, length: length, state: &words, kinds: wordKinds, filter: filter, filterShift: filterShift, sink: &sink, counter: PortableBitCount.self)
            }
            words.compactTotal += kept
            chunkStart += length
        }
        if words.previous != 0 {
            endWord(buffer, start: words.start, end: count, compactEnd: words.compactTotal, state: &words, kinds: wordKinds, filter: filter, filterShift: filterShift, sink: &sink)
        }
        if words.lineStart >= 0 { closeLine(buffer, state: &words, filter: filter, filterShift: filterShift, sink: &sink) }
    }

    /// Keeps the open word's janitor bytes at the front of `compact` with room for a chunk after them; returns their count.
    private func prepareCompact(_ words: inout WordState, length: Int) -> Int {
        let keepFrom = words.previous != 0 ? words.compactStart : words.compactTotal
        let carried = words.compactTotal - keepFrom
        if carried > 0 { compact.update(from: compact + (keepFrom - words.compactOrigin), count: carried) }
        words.compactOrigin = keepFrom
        if carried + length + 64 > compactCapacity {
            compactCapacity = (carried + length + 64).nextPowerOfTwo
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: compactCapacity)
            grown.update(from: compact, count: carried)
            compact.deallocate()
            compact = grown
        }
        return carried
    }

    /// Code tokens of one chunk, span by span through the C kernel (identifier runs valued, rolled into windows and
    /// probed there); the windows it reports go to the sink. The last span of the document ends an open token.
    private func codePass<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, chunkStart: Int, length: Int, minimumConcrete: Int,
        filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S
    ) {
        let blocks = (length + 63) >> 6
        let last = chunkStart + length == buffer.count
        var block = 0
        while block < blocks {
            let span = min(Self.codeSpanBlocks, blocks - block)
            let found = curate_code_span(
                codeParameters, code, buffer.baseAddress!, buffer.count, chunkStart + 64 * block, identMask + block, span,
                last && block + span == blocks ? 1 : 0, filter, filterShift, Int32(minimumConcrete), codeHits, codeKeys, level)
            let state = code.pointee
            for hit in 0..<found {
                let first = Int(codeHits[hit]) - n + 1
                let window = GramWindow(starts: state.starts + first, ends: state.ends + first, head: 0, count: n)
                sink.gram(kind: .code, key: codeKeys[hit], window: window, buffer: buffer)
            }
            block += span
        }
    }

    /// Words of one chunk (runs of non-space bytes, paired from the start and end masks of the word mask) for janitor
    /// windows and lines; a word that starts after a newline first closes the line before it. The state is a local
    /// copy for the chunk, so it stays in registers instead of being reloaded around every word.
    @inline(__always) private func wordPass<S: GramSink, C: BitCount>(
        _ buffer: UnsafeBufferPointer<UInt8>, chunkStart: Int, length: Int, state: inout WordState, kinds: KindMask,
        filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S, counter: C.Type
    ) {
        var local = state
        defer { state = local }
        var compactBase = local.compactTotal
        for b in 0..<((length &+ 63) &>> 6) {
            let word = wordMask[b], kept = keptMask[b]
            var newlines = newlineMask[b]
            let shifted = word &<< 1 | local.previous
            var starts = word & ~shifted, ends = ~word & shifted
            let blockStart = chunkStart &+ 64 &* b
            while ends != 0 {
                // Each end closes the start before it, except a word open before the block (its start is carried).
                if starts & ((1 &<< UInt64(ends.trailingZeroBitCount)) &- 1) != 0 {
                    openWord(buffer, bit: starts.trailingZeroBitCount, blockStart: blockStart, newlines: &newlines, state: &local, filter: filter, filterShift: filterShift, sink: &sink)
                    starts &= starts &- 1
                }
                closeWord(buffer, bit: ends.trailingZeroBitCount, blockStart: blockStart, kept: kept, compactBase: compactBase, state: &local, kinds: kinds, filter: filter, filterShift: filterShift, sink: &sink, counter: counter)
                ends &= ends &- 1
            }
            if starts != 0 {
                openWord(buffer, bit: starts.trailingZeroBitCount, blockStart: blockStart, newlines: &newlines, state: &local, filter: filter, filterShift: filterShift, sink: &sink)
            }
            if newlines != 0 { local.newline = true }
            compactBase &+= C.count(kept)
            local.previous = word &>> 63
        }
    }

    /// A word starting at `bit` of its block: notes the newlines before it (clearing them from `newlines`) and closes
    /// the line they end.
    @inline(__always) private func openWord<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, bit: Int, blockStart: Int, newlines: inout UInt64, state: inout WordState,
        filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S
    ) {
        let below: UInt64 = (1 &<< UInt64(bit)) &- 1
        if newlines & below != 0 { state.newline = true }
        newlines &= ~below
        if state.newline {
            if state.lineStart >= 0 { closeLine(buffer, state: &state, filter: filter, filterShift: filterShift, sink: &sink) }
            state.newline = false
        }
        state.start = blockStart &+ bit
    }

    /// The open word ending at `bit` of its block. Only word ends need a bit count: the bytes between words are
    /// whitespace, never kept, so the next word's janitor bytes start where this word's end.
    @inline(__always) private func closeWord<S: GramSink, C: BitCount>(
        _ buffer: UnsafeBufferPointer<UInt8>, bit: Int, blockStart: Int, kept: UInt64, compactBase: Int, state: inout WordState,
        kinds: KindMask, filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S, counter: C.Type
    ) {
        let compactEnd = compactBase &+ C.count(kept & ((1 &<< UInt64(bit)) &- 1))
        endWord(buffer, start: state.start, end: blockStart &+ bit, compactEnd: compactEnd, state: &state, kinds: kinds, filter: filter, filterShift: filterShift, sink: &sink)
        state.compactStart = compactEnd
    }

    @inline(__always) private func endWord<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, end: Int, compactEnd: Int, state: inout WordState, kinds: KindMask,
        filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S
    ) {
        let kept = compactEnd - state.compactStart
        let value = GramHash.token(compact + (state.compactStart - state.compactOrigin), count: kept, limit: compact + compactCapacity)
        if kinds.contains(.line) {
            // A line's key is over its words' janitor values (one token value per word serves both kinds); lines
            // that differ only in case or punctuation share a key and are told apart by exact confirmation.
            if state.lineStart < 0 { state.lineStart = start }
            state.line = state.line &* GramHash.base &+ value
            state.lineEnd = end
        }
        guard kept > 0 && kinds.contains(.text) else { return }
        if let hash = state.ring.push(value, start: start, end: end) {
            let key = GramHash.key(hash, .text)
            if Self.passes(key, filter, filterShift) {
                sink.gram(kind: .text, key: key, window: state.ring.window, buffer: buffer)
            }
        }
    }

    /// Emits the current line and starts the next.
    @inline(__always) private func closeLine<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, state: inout WordState, filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S
    ) {
        endLine(buffer, start: state.lineStart, end: state.lineEnd, hash: state.line, filter: filter, filterShift: filterShift, sink: &sink)
        state.lineStart = -1
        state.line = GramHash.seed
    }

    /// The line `start..<end` with polynomial `hash`, if it passes the filter; out of line and taking values, not the
    /// state, so the state's address never escapes the word loop.
    @inline(never) private func endLine<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, end: Int, hash: UInt64, filter: UnsafePointer<UInt64>?, filterShift: UInt64,
        sink: inout S
    ) {
        let key = GramHash.key(hash, .line)
        if Self.passes(key, filter, filterShift) {
            lineRange[0] = start
            lineRange[1] = end
            sink.gram(kind: .line, key: key, window: GramWindow(starts: lineRange, ends: lineRange + 1, head: 0, count: 1), buffer: buffer)
        }
    }

    @inline(__always) private static func passes(_ key: UInt64, _ filter: UnsafePointer<UInt64>?, _ shift: UInt64) -> Bool {
        guard let filter else { return true }
        let mask = PrefilterBits.mask(key)
        return filter[PrefilterBits.word(key, shift: shift)] & mask == mask
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
                if keywords.codeValue(buffer.baseAddress! + range.lowerBound, count: range.count).concrete {
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
