import CScanKernels
import Foundation

/// The three things compared between the reference tasks and the corpus.
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

/// Per-byte classes for the byte-at-a-time paths (normalizing a confirmed gram, JSON whitespace): the table
/// `curate_classify` itself uses, so both agree by construction.
enum ByteClass {
    static let space = UInt8(CURATE_CLASS_SPACE)
    static let punct = UInt8(CURATE_CLASS_PUNCT)
    /// 0x20, so or-ing it lowercases an ASCII capital.
    static let upper = UInt8(CURATE_CLASS_UPPER)

    /// 256 entries, one per byte value.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = curate_byte_classes()
}

/// Hash constants of the scan (the C kernels take them through `KeywordSet.parameters`; index and corpus are scanned
/// alike, so both sides agree bit for bit). A token's value mixes its bytes eight at a time (at least two words, zero
/// padded, length in the seed): one multiply per word instead of a step per byte. Windows and lines are polynomials over token values; a gram's key is
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

    /// A 64-bit mix (murmur3's finalizer with these multipliers), for deriving constants.
    static func finalize(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* wordMultiplier
        x ^= x >> 33
        x = x &* keyMultiplier
        x ^= x >> 33
        return x
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
    private var valueParameters = curate_gram_params()

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
        Int(
            truncatingIfNeeded: ((lo ^ (hi &* 31) ^ UInt64(truncatingIfNeeded: count)) &* multiplier)
                >> UInt64(64 - slotBits))
    }

    /// The hash constants and keyword table of n-grams of size `n`, as the C kernels take them.
    func parameters(n: Int) -> curate_gram_params {
        var power: UInt64 = 1
        for _ in 0..<n { power = power &* GramHash.base }
        return curate_gram_params(
            seed: GramHash.seed, word_multiplier: GramHash.wordMultiplier, key_multiplier: GramHash.keyMultiplier,
            text_seed: GramKind.text.seed, code_seed: GramKind.code.seed, line_seed: GramKind.line.seed,
            placeholder: GramHash.placeholder, base: GramHash.base, window_factor: power,
            keyword_slots: UnsafePointer(slots), keyword_multiplier: multiplier,
            keyword_shift: UInt64(64 - Self.slotBits), n: n)
    }

    /// The value of the code token `bytes[0..<count]` (a number's or keyword's own token value, else the
    /// placeholder) and whether it is concrete (not abstracted).
    func codeValue(_ bytes: UnsafePointer<UInt8>, count: Int) -> (value: UInt64, concrete: Bool) {
        var concrete: Int32 = 0
        let value = withUnsafePointer(to: valueParameters) { curate_code_value($0, bytes, count, &concrete) }
        return (value, concrete != 0)
    }
}

/// Where a candidate gram lies in the scanned buffer: the byte ranges of its tokens, oldest first (one for a line).
struct GramWindow {
    let starts: UnsafePointer<Int>
    let ends: UnsafePointer<Int>
    /// Tokens in the window (1 for lines).
    let count: Int

    @inline(__always) func start(_ i: Int) -> Int { starts[i] }
    @inline(__always) func end(_ i: Int) -> Int { ends[i] }
    var firstByte: Int { start(0) }
    var lastByte: Int { end(count - 1) }
}

/// Receives the grams a scan produces (all of them when indexing; only prefilter hits when scanning a corpus).
protocol GramSink {
    mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>)
}

/// Scanner producing text n-grams, code-token n-grams and normalized lines with rolling 64-bit hashes; no
/// allocation per token. Bytes are classified 64 at a time into bit masks (`curate_classify`), and the C kernels turn
/// a span of masks into token arrays, values, window keys and prefilter probes (`curate_code_span`,
/// `curate_word_span`: AVX-512 where the CPU has it, else portable C); the grams they report go to the sink. One
/// instance per worker (it owns its mask buffers and kernel states).
final class GramScanner {
    let n: Int
    private let keywords = KeywordSet.shared
    /// The kernels' hash parameters; the code-token and word states (token arrays of one span plus n tokens of
    /// history); the hits of the last span (entry index of the window's last token, and key).
    private let parameters: UnsafeMutablePointer<curate_gram_params>
    private let code: UnsafeMutablePointer<curate_code_state>
    private let words: UnsafeMutablePointer<curate_word_state>
    private let hits: UnsafeMutablePointer<Int32>
    private let keys: UnsafeMutablePointer<UInt64>
    private let lineRange: UnsafeMutablePointer<Int>
    /// One chunk's masks (bit j of entry b: byte 64b+j of the chunk), `chunkBlocks` each, in one allocation:
    /// non-space, identifier, newline, janitor-kept.
    private let masks: UnsafeMutablePointer<UInt64>
    private var wordMask: UnsafeMutablePointer<UInt64> { masks }
    private var identMask: UnsafeMutablePointer<UInt64> { masks + Self.chunkBlocks }
    private var newlineMask: UnsafeMutablePointer<UInt64> { masks + 2 * Self.chunkBlocks }
    private var keptMask: UnsafeMutablePointer<UInt64> { masks + 3 * Self.chunkBlocks }
    /// Janitor bytes (kept, lowercased) of the open word and the current chunk, contiguous; `compact[0]` is the
    /// document's janitor byte `compactOrigin`.
    private var compact: UnsafeMutablePointer<UInt8>
    private var compactCapacity: Int
    private var compactOrigin = 0
    /// Kernel level: the CPU's best, or 0 (portable) when asked for.
    private let level: Int32
    static let chunkBlocks = 1024
    /// Blocks per kernel call: its token arrays (about 700 tokens of typical code) stay in L1.
    static let spanBlocks = 64

    init(n: Int, portable: Bool = false) {
        precondition(n >= 1)
        self.n = n
        lineRange = .allocate(capacity: 2)
        masks = .allocate(capacity: 4 * Self.chunkBlocks)
        compactCapacity = Self.chunkBlocks * 64 * 2
        compact = .allocate(capacity: compactCapacity)
        level = portable ? 0 : Self.bestLevel
        parameters = .allocate(capacity: 1)
        parameters.initialize(to: keywords.parameters(n: n))
        let capacity = curate_span_capacity(n, Self.spanBlocks)
        code = .allocate(capacity: 1)
        code.initialize(
            to: curate_code_state(
                starts: .allocate(capacity: capacity), ends: .allocate(capacity: capacity),
                prefix: .allocate(capacity: capacity),
                concrete: .allocate(capacity: capacity), values: .allocate(capacity: capacity),
                marks: .allocate(capacity: capacity),
                previous_tokens: 0, pending: 0, open: 0, previous_ident: 0))
        words = .allocate(capacity: 1)
        words.initialize(
            to: curate_word_state(
                word_starts: .allocate(capacity: capacity), word_ends: .allocate(capacity: capacity),
                janitor_ends: .allocate(capacity: capacity), newlines_before: .allocate(capacity: capacity),
                values: .allocate(capacity: capacity), text_starts: .allocate(capacity: capacity),
                text_ends: .allocate(capacity: capacity), text_prefix: .allocate(capacity: capacity), text_previous: 0,
                text_pending: 0, line_keys: .allocate(capacity: capacity), line_starts: .allocate(capacity: capacity),
                line_ends: .allocate(capacity: capacity), open: 0, words: 0, previous_word: 0, janitor_offset: 0,
                newline_count: 0, line_open: 0, line_hash: 0, line_start: 0, line_end: 0))
        hits = .allocate(capacity: capacity)
        keys = .allocate(capacity: capacity)
    }

    /// The fastest kernel level this CPU runs (0 portable C, 1 AVX-512).
    static let bestLevel = Int32(curate_classify_best_level())
    /// The kernel level this scanner runs.
    var kernelLevel: Int32 { level }

    deinit {
        lineRange.deallocate()
        masks.deallocate()
        compact.deallocate()
        parameters.deallocate()
        let c = code.pointee
        for array in [c.starts, c.ends] as [UnsafeMutablePointer<Int>] { array.deallocate() }
        c.prefix.deallocate()
        c.concrete.deallocate()
        c.values.deallocate()
        c.marks.deallocate()
        code.deallocate()
        let w = words.pointee
        for array in [
            w.word_starts, w.word_ends, w.janitor_ends, w.newlines_before, w.text_starts, w.text_ends, w.line_starts,
            w.line_ends,
        ] as [UnsafeMutablePointer<Int>] {
            array.deallocate()
        }
        for array in [w.values, w.text_prefix, w.line_keys] as [UnsafeMutablePointer<UInt64>] { array.deallocate() }
        words.deallocate()
        hits.deallocate()
        keys.deallocate()
    }

    /// Scans one document. With a `filter` (bitmap of 2^filterBits bits), only grams whose key passes it reach the sink.
    /// Within a kind, grams reach the sink in buffer order.
    func scan<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, kinds: KindMask, filter: UnsafePointer<UInt64>?, filterShift: UInt64,
        sink: inout S
    ) {
        guard let base = buffer.baseAddress, buffer.count > 0, !kinds.isEmpty else { return }
        let count = buffer.count
        let minimumConcrete = filter == nil ? 0 : ReferenceIndex.minimumConcreteCodeTokens
        let wordKinds = kinds.intersection([.text, .line])
        // The word state is reset even when no word kind is scanned: `prepareCompact` reads it.
        if kinds.contains(.code) { curate_code_reset(parameters, code) }
        curate_word_reset(parameters, words)
        compactOrigin = 0
        var chunkStart = 0
        while chunkStart < count {
            let length = min(count - chunkStart, Self.chunkBlocks * 64)
            let carried = prepareCompact(length: length)
            curate_classify(
                base + chunkStart, length, wordMask, identMask, newlineMask, keptMask, compact + carried, level)
            let blocks = (length + 63) >> 6
            var block = 0
            while block < blocks {
                let span = min(Self.spanBlocks, blocks - block)
                let final = chunkStart + length == count && block + span == blocks
                if kinds.contains(.code) {
                    codeSpan(
                        buffer, start: chunkStart + 64 * block, block: block, blocks: span, final: final,
                        minimumConcrete: minimumConcrete, filter: filter, filterShift: filterShift, sink: &sink)
                }
                if !wordKinds.isEmpty {
                    wordSpan(
                        buffer, start: chunkStart + 64 * block, block: block, blocks: span, final: final,
                        kinds: wordKinds, filter: filter, filterShift: filterShift, sink: &sink)
                }
                block += span
            }
            chunkStart += length
        }
    }

    /// Keeps the open word's janitor bytes at the front of `compact` with room for a chunk after them; returns their
    /// count. The word kernel's state says where the open (or next) word's janitor bytes start.
    private func prepareCompact(length: Int) -> Int {
        let state = words.pointee
        let keepFrom = state.open != 0 ? state.janitor_ends[state.words] : state.janitor_offset
        let carried = state.janitor_offset - keepFrom
        if carried > 0 { compact.update(from: compact + (keepFrom - compactOrigin), count: carried) }
        compactOrigin = keepFrom
        if carried + length + 64 > compactCapacity {
            compactCapacity = (carried + length + 64).nextPowerOfTwo
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: compactCapacity)
            grown.update(from: compact, count: carried)
            compact.deallocate()
            compact = grown
        }
        return carried
    }

    /// Code tokens of one span through the C kernel; the windows it reports go to the sink.
    private func codeSpan<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, block: Int, blocks: Int, final: Bool, minimumConcrete: Int,
        filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S
    ) {
        let found = curate_code_span(
            parameters, code, buffer.baseAddress!, buffer.count, start, identMask + block, blocks, final ? 1 : 0,
            filter,
            filterShift, Int32(minimumConcrete), hits, keys, level)
        let state = code.pointee
        for hit in 0..<found {
            let first = Int(hits[hit]) - n + 1
            sink.gram(
                kind: .code, key: keys[hit],
                window: GramWindow(starts: state.starts + first, ends: state.ends + first, count: n), buffer: buffer)
        }
    }

    /// Words of one span through the C kernel: text windows, then lines; those it reports go to the sink.
    private func wordSpan<S: GramSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, block: Int, blocks: Int, final: Bool, kinds: KindMask,
        filter: UnsafePointer<UInt64>?, filterShift: UInt64, sink: inout S
    ) {
        var textFound = 0, linesFound = 0
        curate_word_span(
            parameters, words, buffer.count, start, wordMask + block, keptMask + block, newlineMask + block, blocks,
            final ? 1 : 0, compact, compactOrigin, compactCapacity, kinds.contains(.text) ? 1 : 0,
            kinds.contains(.line) ? 1 : 0, filter, filterShift, hits, keys, &textFound, &linesFound, level)
        let state = words.pointee
        for hit in 0..<textFound {
            let first = Int(hits[hit]) - n + 1
            sink.gram(
                kind: .text, key: keys[hit],
                window: GramWindow(starts: state.text_starts + first, ends: state.text_ends + first, count: n),
                buffer: buffer)
        }
        for line in 0..<linesFound {
            lineRange[0] = state.line_starts[line]
            lineRange[1] = state.line_ends[line]
            sink.gram(
                kind: .line, key: state.line_keys[line],
                window: GramWindow(starts: lineRange, ends: lineRange + 1, count: 1), buffer: buffer)
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
