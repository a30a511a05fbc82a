import CScanKernels
import Foundation
import Testing

@testable import CurateCore

/// Collects normalized grams so tests can see exactly what the scanner emits.
private struct Collector: GramSink {
    let scanner: GramScanner
    var grams: [(GramKind, String)] = []

    mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
        var out: [UInt8] = []
        scanner.normalized(kind: kind, window: window, buffer: buffer, into: &out)
        grams.append((kind, String(decoding: out.map { $0 == 1 ? UInt8(ascii: "_") : $0 }, as: UTF8.self)))
    }
}

private func grams(_ text: String, n: Int, kinds: KindMask) -> [(GramKind, String)] {
    let scanner = GramScanner(n: n)
    var collector = Collector(scanner: scanner)
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buf in
        scanner.scan(UnsafeBufferPointer(buf), kinds: kinds, filter: nil, filterShift: 0, sink: &collector)
    }
    return collector.grams
}

@Suite struct GramScannerTests {
    @Test(arguments: [
        ("Hello, World! It's", ["hello world its"]),
        ("min_cost(cost, m, n)", ["mincostcost m n"]),
        ("a == b -- c", ["a b c"]),
        ("Tab\tand\r\nnewline", ["tab and newline"]),
    ])
    func janitorNormalization(text: String, expected: [String]) {
        let words = expected[0].split(separator: " ").count
        #expect(grams(text, n: words, kinds: .text).map(\.1) == expected)
    }

    @Test func rollingHashEqualsFreshHashForEveryWindow() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        let scanner = GramScanner(n: 13)
        struct Keys: GramSink {
            var keys: [UInt64] = []
            mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
                keys.append(key)
            }
        }
        var all = Keys()
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer {
            scanner.scan(UnsafeBufferPointer($0), kinds: .text, filter: nil, filterShift: 0, sink: &all)
        }
        let words = text.split(separator: " ")
        #expect(all.keys.count == 3)
        for start in 0..<3 {
            var fresh = Keys()
            var window = Array(words[start..<(start + 13)].joined(separator: "  ").utf8)
            window.withUnsafeMutableBufferPointer {
                scanner.scan(UnsafeBufferPointer($0), kinds: .text, filter: nil, filterShift: 0, sink: &fresh)
            }
            #expect(fresh.keys == [all.keys[start]])
        }
    }

    @Test func codeTokensAbstractIdentifiersButKeepKeywordsAndNumbers() {
        let a = grams("def total(xs):\n    return sum(xs) + 10", n: 7, kinds: .code)
        let b = grams("def add_all(numbers):\n  return sum(numbers)+10", n: 7, kinds: .code)
        #expect(a.map(\.1) == ["def _ _ return sum _ 10"])
        #expect(a.map(\.1) == b.map(\.1))
    }

    @Test func codeValuesAreTheTokenValuesOfNumbersAndKeywordsOnly() {
        let digits = Array("98765432109876543210987654321098765432".utf8)
        for count in 1...digits.count {
            let value = digits.withUnsafeBufferPointer { KeywordSet.shared.codeValue($0.baseAddress!, count: count) }
            #expect(value == (ReferenceGrams.token(Array(digits.prefix(count))), true), "\(count) digits")
        }
        for word in KeywordSet.words {
            let bytes = Array(word.utf8)
            #expect(
                bytes.withUnsafeBufferPointer { KeywordSet.shared.codeValue($0.baseAddress!, count: $0.count) } == (
                    ReferenceGrams.token(bytes), true
                ), "\(word)")
        }
        for name in ["selfish", "Self", "prin", "isinstance_", "_", "Ünïcödé", "defaultdictionaries"] {
            let bytes = Array(name.utf8)
            #expect(
                bytes.withUnsafeBufferPointer { KeywordSet.shared.codeValue($0.baseAddress!, count: $0.count) } == (
                    GramHash.placeholder, false
                ), "\(name)")
        }
    }

    @Test func keywordsMatchExactlyIncludingAtTheEndOfTheBuffer() {
        #expect(
            grams("def printer(x): return isinstance", n: 5, kinds: .code).map(\.1) == ["def _ _ return isinstance"])
        #expect(
            grams("self.selfish = defaultdict_x or collections", n: 5, kinds: .code).map(\.1) == [
                "self _ _ or collections"
            ])
        #expect(
            grams("x = 12345678901234567 if re else Counter", n: 6, kinds: .code).map(\.1) == [
                "_ 12345678901234567 if re else Counter"
            ])
    }

    @Test func fusedPassEmitsWhatSingleKindPassesEmit() {
        struct Keyed: GramSink {
            var grams: [GramKind: [[Int]]] = [:]
            mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
                grams[kind, default: []].append([Int(truncatingIfNeeded: key), window.firstByte, window.lastByte])
            }
        }
        let text =
            "def Min_Cost(cost, m, n):\n\t  R = [[0 for x in range(C)] for x in range(R)]  \r\n\n  return tc[m][n] # It's 3.5\n"
            + "x=1;y=2\n\u{0B}if (a==b) and not c: print(\"Hello, World!\")\n                    deep  =  [1,         2]\n--- ...\nlast line without newline"
        let scanner = GramScanner(n: 3)
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buf in
            let buffer = UnsafeBufferPointer(buf)
            var fused = Keyed()
            scanner.scan(buffer, kinds: .all, filter: nil, filterShift: 0, sink: &fused)
            var pairs = Keyed()
            scanner.scan(buffer, kinds: [.text, .line], filter: nil, filterShift: 0, sink: &pairs)
            for kind in GramKind.allCases {
                var single = Keyed()
                scanner.scan(buffer, kinds: KindMask([kind]), filter: nil, filterShift: 0, sink: &single)
                #expect(single.grams[kind]?.isEmpty == false)
                #expect(fused.grams[kind] == single.grams[kind])
                if kind != .code { #expect(pairs.grams[kind] == single.grams[kind]) }
            }
            #expect(pairs.grams[.code] == nil)
        }
    }

    @Test func linesAreWhitespaceNormalized() {
        let lines = grams("  if (x  ==\t1):  \r\n\n\treturn x\n", n: 13, kinds: .line).map(\.1)
        #expect(lines == ["if (x == 1):", "return x"])
    }

    @Test(arguments: [
        ("return", true), ("else:", true), (")", true), ("]]", true), ("try:", true), ("return True", true),
        ("return x", false), ("x = y + 1", false), ("def f(a):", false), ("return :", true), ("\treturn\t:", true),
        ("\u{00A0}return\u{3000}", true), ("é", false), ("\u{00A0}:", true), ("@[`{", true), ("_", true), ("Z", false),
    ])
    func trivialLines(line: String, trivial: Bool) {
        #expect(TrivialLine.isTrivial(line) == trivial)
    }

    @Test(arguments: [
        "x", "1 2", "1 _", "_ \u{01}", "\u{01} \u{01} \u{01}", "\u{01} len \u{01} 10 \u{01}", "", "def",
        "\u{01}\u{01} \u{01}",
    ])
    func concreteCodeTokensAreTheNonPlaceholderTokens(gram: String) {
        let bytes = Array(gram.utf8)
        #expect(ReferenceIndex.concreteTokens(bytes) == bytes.split(separator: 0x20).filter { $0 != [0x01] }.count)
    }

    @Test func indexSkipsTrivialLinesAndCountsDistinctGrams() {
        let task = ReferenceTask(
            taskID: "t/1", revisionID: 1,
            content: TaskContent(
                description: "short",
                solution: "def f(a):\r\n    if a:\r\n        return 1\r\n    else:\r\n        return a\r\n", tests: []))
        let index = ReferenceIndex(tasks: [task], n: 13)
        #expect(index.taskTotals[0][GramKind.line.rawValue] == 3)
        #expect(index.taskTotals[0][GramKind.text.rawValue] == 0)
    }
}

/// The gram definitions byte by byte (no masks, no chunks), for comparison with the scanner: per kind, in buffer order,
/// each gram's key and byte range.
private enum ReferenceGrams {
    typealias Gram = [UInt64]

    static func isSpace(_ b: UInt8) -> Bool { (9...13).contains(b) || (28...32).contains(b) }
    static func isPunct(_ b: UInt8) -> Bool { (33...126).contains(b) && !isAlnum(b) }
    static func isAlnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
    static func isIdent(_ b: UInt8) -> Bool { isAlnum(b) || b == 95 || b >= 0x80 }
    static func isDigit(_ b: UInt8) -> Bool { (48...57).contains(b) }

    /// Maximal runs of bytes satisfying `inside`, as ranges.
    static func runs(_ bytes: [UInt8], _ inside: (UInt8) -> Bool) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            if !inside(bytes[i]) { i += 1; continue }
            let start = i
            while i < bytes.count && inside(bytes[i]) { i += 1 }
            result.append(start..<i)
        }
        return result
    }

    /// A token's value: its bytes as little-endian words (zero padded, at least two), each xor-ed into the state and
    /// multiplied, the length in the seed.
    static func token(_ bytes: [UInt8]) -> UInt64 {
        var h = GramHash.seed ^ UInt64(bytes.count)
        for w in 0..<((max(bytes.count, 16) + 7) / 8) {
            var word: UInt64 = 0
            for k in 0..<8 where w * 8 + k < bytes.count { word |= UInt64(bytes[w * 8 + k]) << (8 * UInt64(k)) }
            h = (h ^ word) &* GramHash.wordMultiplier
        }
        return h ^ (h >> 32)
    }

    static func polynomial(_ values: some Sequence<UInt64>) -> UInt64 {
        values.reduce(0) { $0 &* GramHash.base &+ $1 }
    }

    /// Windows of n tokens with at least `minimumConcrete` concrete tokens.
    static func windows(
        _ tokens: [(value: UInt64, range: Range<Int>, concrete: Bool)], n: Int, kind: GramKind, minimumConcrete: Int = 0
    ) -> [Gram] {
        guard tokens.count >= n else { return [] }
        return (0...(tokens.count - n)).compactMap { i in
            let window = tokens[i..<(i + n)]
            guard window.filter(\.concrete).count >= minimumConcrete else { return nil }
            return [
                GramHash.key(polynomial(window.map(\.value)), kind), UInt64(window.first!.range.lowerBound),
                UInt64(window.last!.range.upperBound),
            ]
        }
    }

    /// Every gram of `bytes`; code windows with fewer than `minimumConcrete` concrete tokens left out.
    static func grams(_ bytes: [UInt8], n: Int, minimumConcrete: Int = 0) -> [GramKind: [Gram]] {
        let words = runs(bytes, { !isSpace($0) })
        func janitorValue(_ range: Range<Int>) -> UInt64 {
            ReferenceGrams.token(bytes[range].filter { !isPunct($0) }.map { (65...90).contains($0) ? $0 | 0x20 : $0 })
        }
        let janitor = words.compactMap { range -> (value: UInt64, range: Range<Int>, concrete: Bool)? in
            bytes[range].allSatisfy(isPunct) ? nil : (janitorValue(range), range, true)
        }
        let code = runs(bytes, isIdent).map { range -> (value: UInt64, range: Range<Int>, concrete: Bool) in
            let token = Array(bytes[range])
            let concrete = isDigit(token[0]) || KeywordSet.words.contains(String(decoding: token, as: UTF8.self))
            return (concrete ? ReferenceGrams.token(token) : GramHash.placeholder, range, concrete)
        }
        var lines: [Gram] = []
        var lineStart = 0
        for end in (bytes.indices.filter { bytes[$0] == 0x0A } + [bytes.count]) {
            let lineWords = words.filter { $0.lowerBound >= lineStart && $0.upperBound <= end }
            if let first = lineWords.first, let last = lineWords.last {
                let hash = lineWords.reduce(GramHash.seed) { $0 &* GramHash.base &+ janitorValue($1) }
                lines.append([GramHash.key(hash, .line), UInt64(first.lowerBound), UInt64(last.upperBound)])
            }
            lineStart = end + 1
        }
        return [
            .text: windows(janitor, n: n, kind: .text),
            .code: windows(code, n: n, kind: .code, minimumConcrete: minimumConcrete), .line: lines,
        ]
    }
}

/// Deterministic pseudo-random bytes (SplitMix64) built from pieces that stress token edges.
private struct TrickyText {
    var state: UInt64

    mutating func next() -> UInt64 { MinHasher.splitmix(&state) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [
            [32], [9], [10], [13, 10], [11], [0x1C], [0], [1], [0x7F], Array("def".utf8), Array("return".utf8),
            Array("self.x".utf8),
            Array("Foo_Bar".utf8), Array("(a, b)".utf8), Array("12345".utf8), Array("3.5e-7".utf8), [0xC3, 0xA9],
            [0xFF],
            Array("--".utf8), Array("It's".utf8), Array("isinstance".utf8), Array("defaultdict_x".utf8),
            Array("_".utf8),
            Array(repeating: 32, count: 8), Array(repeating: 32, count: 70),
            Array(repeating: UInt8(ascii: "x"), count: 17),
            Array(repeating: UInt8(ascii: "Q"), count: 90), Array("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q".utf8),
            Array("9876543210987654321".utf8),
        ]
        var out: [UInt8] = []
        while out.count < count { out += pieces[Int(next() % UInt64(pieces.count))] }
        return Array(out.prefix(count))
    }
}

/// The scanner's kernel paths against the byte-by-byte definition (`ReferenceGrams`): the portable C path runs
/// everywhere, the AVX-512 path in its own suite that is reported as skipped, with the reason, on CPUs without it.
enum ScanKernelEquivalence {
    /// Every gram the scanner emits, per kind in order, as [key, first byte, last byte].
    private struct Emitted: GramSink {
        var grams: [GramKind: [[UInt64]]] = [.text: [], .code: [], .line: []]
        mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
            grams[kind, default: []].append([key, UInt64(window.firstByte), UInt64(window.lastByte)])
        }
    }

    /// A prefilter every key passes: the scan then takes its corpus path (and drops code windows with fewer than
    /// `ReferenceIndex.minimumConcreteCodeTokens` concrete tokens).
    private static let passAll = [UInt64](repeating: ~0, count: 1024)

    static func check(_ bytes: [UInt8], n: Int, portable: Bool) {
        let expected = ReferenceGrams.grams(bytes, n: n)
        let concrete = ReferenceGrams.grams(bytes, n: n, minimumConcrete: ReferenceIndex.minimumConcreteCodeTokens)
        let scanner = GramScanner(n: n, portable: portable)
        var emitted = Emitted(), filtered = Emitted()
        bytes.withUnsafeBufferPointer { scanner.scan($0, kinds: .all, filter: nil, filterShift: 0, sink: &emitted) }
        bytes.withUnsafeBufferPointer { buffer in
            Self.passAll.withUnsafeBufferPointer {
                scanner.scan(buffer, kinds: .all, filter: $0.baseAddress!, filterShift: 48, sink: &filtered)
            }
        }
        for kind in GramKind.allCases {
            #expect(emitted.grams[kind]! == expected[kind]!, "\(kind), portable \(portable), \(bytes.count) bytes")
            #expect(
                filtered.grams[kind]! == concrete[kind]!,
                "\(kind), portable \(portable), \(bytes.count) bytes, filtered")
        }
    }

    static let edgeLengths = [0, 1, 2, 3, 63, 64, 65, 127, 128, 129, 1000, 4096]

    static func randomTextOfEveryEdgeLength(_ length: Int, portable: Bool) {
        var text = TrickyText(state: UInt64(length))
        for n in [1, 3, 13] { check(text.bytes(length), n: n, portable: portable) }
    }

    static func chunkEdgesWithLongWordsAndTokensAcrossThem(portable: Bool) {
        var text = TrickyText(state: 7)
        let chunk = GramScanner.chunkBlocks * 64
        check(text.bytes(3 * chunk + 17), n: 13, portable: portable)
        let longWord = Array(repeating: Array("Ab,c_d.".utf8), count: chunk / 3).joined()
        check(Array("x = ".utf8) + longWord + Array(" end\n".utf8) + text.bytes(2000), n: 3, portable: portable)
        check(Array(repeating: UInt8(ascii: "z"), count: chunk - 1) + Array(" y\r\n  w".utf8), n: 2, portable: portable)
    }

    static func tokensAndWordsEndingStartingAndSpanningAtBlockEdges(portable: Bool) {
        for split in [1, 62, 63, 64, 65, 127, 128, 192] {
            let run = Array(repeating: UInt8(ascii: "a"), count: split)
            check(
                run + Array(" b\n".utf8) + Array(repeating: UInt8(ascii: "C"), count: 130) + Array(".d e\n".utf8) + run,
                n: 2, portable: portable)
            check(
                Array(repeating: UInt8(ascii: " "), count: split) + Array("if\nx ".utf8) + run, n: 1, portable: portable
            )
        }
    }

    static func aReusedScannerForgetsTheDocumentBefore(portable: Bool) {
        var text = TrickyText(state: 11)
        let documents = (0..<6).map { text.bytes(500 + 700 * $0) + Array("open_word_at_the_end".utf8) }
        let kinds: [KindMask] = [.all, .code, .text, .line, [.text, .line], .all]
        let reused = GramScanner(n: 5, portable: portable)
        for (bytes, kind) in zip(documents, kinds) {
            var again = Emitted(), fresh = Emitted()
            bytes.withUnsafeBufferPointer { reused.scan($0, kinds: kind, filter: nil, filterShift: 0, sink: &again) }
            bytes.withUnsafeBufferPointer {
                GramScanner(n: 5, portable: portable).scan($0, kinds: kind, filter: nil, filterShift: 0, sink: &fresh)
            }
            #expect(again.grams == fresh.grams, "kinds \(kind.rawValue), portable \(portable)")
            #expect(again.grams.values.contains { !$0.isEmpty })
        }
    }

    static func crlfTabsAndHighBytes(portable: Bool) {
        check(
            Array("def f(x):\r\n\tif x\u{0B}==\u{1C}1:\r\n\t\treturn Ünïcödé_ñame + 0x1F\r\n\r\n".utf8), n: 3,
            portable: portable)
        check(Array("\n\n\n   \t\r\n".utf8), n: 1, portable: portable)
        check([0xE2, 0x80, 0x94, 0x20, 0x00, 0x41, 0x0A, 0x5F, 0x5F, 0x20, 0x2E], n: 1, portable: portable)
    }
}

/// The portable C kernels (level 0), on every CPU.
@Suite struct PortableScanKernelTests {
    @Test func runsThePortablePath() { #expect(GramScanner(n: 3, portable: true).kernelLevel == 0) }
    @Test(arguments: ScanKernelEquivalence.edgeLengths)
    func randomTextOfEveryEdgeLength(length: Int) {
        ScanKernelEquivalence.randomTextOfEveryEdgeLength(length, portable: true)
    }
    @Test func chunkEdgesWithLongWordsAndTokensAcrossThem() {
        ScanKernelEquivalence.chunkEdgesWithLongWordsAndTokensAcrossThem(portable: true)
    }
    @Test func tokensAndWordsAtBlockEdges() {
        ScanKernelEquivalence.tokensAndWordsEndingStartingAndSpanningAtBlockEdges(portable: true)
    }
    @Test func aReusedScannerForgetsTheDocumentBefore() {
        ScanKernelEquivalence.aReusedScannerForgetsTheDocumentBefore(portable: true)
    }
    @Test func crlfTabsAndHighBytes() { ScanKernelEquivalence.crlfTabsAndHighBytes(portable: true) }
}

/// The AVX-512 kernels (level 1); skipped, with the reason shown, where the CPU lacks AVX-512.
@Suite(
    .enabled(
        if: GramScanner.bestLevel >= 1,
        "this CPU lacks AVX-512 BW/DQ/VL/VBMI2/VPOPCNTDQ, so only the portable kernels can run"))
struct AVX512ScanKernelTests {
    @Test func runsTheAVX512Path() { #expect(GramScanner(n: 3).kernelLevel == 1) }
    @Test(arguments: ScanKernelEquivalence.edgeLengths)
    func randomTextOfEveryEdgeLength(length: Int) {
        ScanKernelEquivalence.randomTextOfEveryEdgeLength(length, portable: false)
    }
    @Test func chunkEdgesWithLongWordsAndTokensAcrossThem() {
        ScanKernelEquivalence.chunkEdgesWithLongWordsAndTokensAcrossThem(portable: false)
    }
    @Test func tokensAndWordsAtBlockEdges() {
        ScanKernelEquivalence.tokensAndWordsEndingStartingAndSpanningAtBlockEdges(portable: false)
    }
    @Test func aReusedScannerForgetsTheDocumentBefore() {
        ScanKernelEquivalence.aReusedScannerForgetsTheDocumentBefore(portable: false)
    }
    @Test func crlfTabsAndHighBytes() { ScanKernelEquivalence.crlfTabsAndHighBytes(portable: false) }
}
