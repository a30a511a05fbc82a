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
            mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) { keys.append(key) }
        }
        var all = Keys()
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { scanner.scan(UnsafeBufferPointer($0), kinds: .text, filter: nil, filterShift: 0, sink: &all) }
        let words = text.split(separator: " ")
        #expect(all.keys.count == 3)
        for start in 0..<3 {
            var fresh = Keys()
            var window = Array(words[start..<(start + 13)].joined(separator: "  ").utf8)
            window.withUnsafeMutableBufferPointer { scanner.scan(UnsafeBufferPointer($0), kinds: .text, filter: nil, filterShift: 0, sink: &fresh) }
            #expect(fresh.keys == [all.keys[start]])
        }
    }

    @Test func codeTokensAbstractIdentifiersButKeepKeywordsAndNumbers() {
        let a = grams("def total(xs):\n    return sum(xs) + 10", n: 7, kinds: .code)
        let b = grams("def add_all(numbers):\n  return sum(numbers)+10", n: 7, kinds: .code)
        #expect(a.map(\.1) == ["def _ _ return sum _ 10"])
        #expect(a.map(\.1) == b.map(\.1))
    }

    @Test func keywordsMatchExactlyIncludingAtTheEndOfTheBuffer() {
        #expect(grams("def printer(x): return isinstance", n: 5, kinds: .code).map(\.1) == ["def _ _ return isinstance"])
        #expect(grams("self.selfish = defaultdict_x or collections", n: 5, kinds: .code).map(\.1) == ["self _ _ or collections"])
        #expect(grams("x = 12345678901234567 if re else Counter", n: 6, kinds: .code).map(\.1) == ["_ 12345678901234567 if re else Counter"])
    }

    @Test func fusedPassEmitsWhatSingleKindPassesEmit() {
        struct Keyed: GramSink {
            var grams: [GramKind: [[Int]]] = [:]
            mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
                grams[kind, default: []].append([Int(truncatingIfNeeded: key), window.firstByte, window.lastByte])
            }
        }
        let text = "def Min_Cost(cost, m, n):\n\t  R = [[0 for x in range(C)] for x in range(R)]  \r\n\n  return tc[m][n] # It's 3.5\n"
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
        ("return x", false), ("x = y + 1", false), ("def f(a):", false),
    ])
    func trivialLines(line: String, trivial: Bool) {
        #expect(TrivialLine.isTrivial(line) == trivial)
    }

    @Test func indexSkipsTrivialLinesAndCountsDistinctGrams() {
        let task = BenchmarkTask(
            taskID: "t/1", revisionID: 1,
            content: TaskContent(description: "short", solution: "def f(a):\r\n    if a:\r\n        return 1\r\n    else:\r\n        return a\r\n", tests: []))
        let index = BenchmarkIndex(tasks: [task], n: 13)
        #expect(index.taskTotals[0][GramKind.line.rawValue] == 3)
        #expect(index.taskTotals[0][GramKind.text.rawValue] == 0)
    }
}
