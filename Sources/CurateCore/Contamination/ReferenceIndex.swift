import CScanKernels
import Foundation

/// One task revision to audit: its id, the revision results attach to, and its content.
public struct ReferenceTask: Sendable, Hashable {
    public var taskID: String
    public var revisionID: Int64
    public var content: TaskContent

    public init(taskID: String, revisionID: Int64, content: TaskContent) {
        self.taskID = taskID
        self.revisionID = revisionID
        self.content = content
    }
}

/// Which part of a task a gram came from.
public struct TaskField: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let description = TaskField(rawValue: 1)
    public static let solution = TaskField(rawValue: 2)
    public static let tests = TaskField(rawValue: 4)

    /// Names for reports, e.g. `["solution", "tests"]`.
    public var names: [String] {
        var result: [String] = []
        if contains(.description) { result.append("description") }
        if contains(.solution) { result.append("solution") }
        if contains(.tests) { result.append("tests") }
        return result
    }
}

/// MBPP §4.8: lines too generic to count as evidence (blank, lone keywords such as `return` or `else:`, lone brackets).
public enum TrivialLine {
    static let keywords: Set<String> = [
        "return", "else", "try", "finally", "pass", "break", "continue", "except", "return True", "return False",
        "return None", "return 0", "return 1", "return -1", "return []", "return result", "return res",
    ]

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return (folded >= 97 && folded <= 122) || (byte >= 48 && byte <= 57)
    }

    /// Whether a whitespace-normalized line is trivial.
    public static func isTrivial(_ normalized: String) -> Bool {
        if normalized.isEmpty { return true }
        let ascii = normalized.utf8.allSatisfy { $0 < 0x80 }
        // ASCII fast paths: the ASCII alphanumerics are letters and digits, the ASCII whitespaces space and tab.
        let hasAlphanumeric =
            ascii
            ? normalized.utf8.contains(where: isASCIIAlphanumeric)
            : normalized.unicodeScalars.contains { CharacterSet.alphanumerics.contains($0) }
        if !hasAlphanumeric { return true }
        var line = normalized
        if line.hasSuffix(":") { line.removeLast() }
        guard ascii else { return keywords.contains(line.trimmingCharacters(in: .whitespaces)) }
        let bytes = Array(line.utf8)
        let kept = bytes.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return keywords.contains(String(decoding: kept, as: UTF8.self))
    }
}

/// The reference side of the audit: every distinct gram of every task, in an exact open-addressing hash table with
/// a bitmap prefilter in front. Immutable once built; shared read-only by all workers.
final class ReferenceIndex: @unchecked Sendable {
    let n: Int
    /// The gram kinds indexed (and so scanned for).
    let kinds: KindMask
    let tasks: [ReferenceTask]
    let entryCount: Int
    private let entryStart: [Int]
    private let entryLength: [Int]
    private let arena: [UInt8]
    /// Each entry's kind (raw value) and the next entry with the same key (distinct text, same hash) or -1: raw
    /// buffers read by every worker's confirmation of prefilter hits.
    let entryKindCodes: UnsafeMutablePointer<UInt8>
    let entryNext: UnsafeMutablePointer<Int32>
    /// Tasks containing the entry, with the fields it came from.
    let entryTasks: [[(task: Int32, fields: TaskField)]]
    /// Distinct entries per task and kind.
    let taskTotals: [[Int]]

    /// Open addressing, key and value side by side in one cache line: slot 2k is the key, 2k+1 the entry (-1 empty).
    /// A key's home slot is its top bits (`tableShift`).
    private let table: UnsafeMutablePointer<UInt64>
    private let tableMask: Int
    private let tableShift: UInt64
    let filter: UnsafeMutablePointer<UInt64>
    let filterBits: Int
    var filterShift: UInt64 { UInt64(64 - filterBits) }

    /// The kind of entry `e`.
    func kind(_ e: Int) -> GramKind { GramKind(rawValue: Int(entryKindCodes[e]))! }

    /// Indexes `tasks` with n-gram size `n`: text grams of description, solution and tests; code grams of solution
    /// and tests; non-trivial solution lines.
    init(tasks: [ReferenceTask], n: Int, kinds: KindMask = .all) {
        self.n = n
        self.kinds = kinds
        self.tasks = tasks
        var builder = IndexBuilder()
        let scanner = GramScanner(n: n)
        var scratch: [UInt8] = []
        var store = EntryStore()
        var totals = Array(repeating: [0, 0, 0], count: tasks.count)
        for (t, task) in tasks.enumerated() {
            var seen: [Int32: TaskField] = [:]
            let c = task.content
            let fields: [(TaskField, String, KindMask)] = [
                (.description, c.description, KindMask.text.intersection(kinds)),
                (.solution, c.solution, KindMask.all.intersection(kinds)),
                (.tests, c.tests.joined(separator: "\n"), KindMask([.text, .code]).intersection(kinds)),
            ]
            for (field, text, kinds) in fields {
                builder.grams.removeAll(keepingCapacity: true)
                var bytes = Array(text.utf8)
                bytes.withUnsafeMutableBufferPointer { buf in
                    let buffer = UnsafeBufferPointer(buf)
                    scanner.scan(buffer, kinds: kinds, filter: nil, filterShift: 0, sink: &builder)
                    // Kind by kind, each in buffer order: entry numbering does not depend on how the scanner interleaves kinds.
                    let ordered = GramKind.allCases.flatMap { kind in builder.grams.filter { $0.kind == kind } }
                    for gram in ordered {
                        let window = GramWindow(starts: gram.starts, ends: gram.ends, count: gram.count)
                        scanner.normalized(kind: gram.kind, window: window, buffer: buffer, into: &scratch)
                        if gram.kind == .line && TrivialLine.isTrivial(String(decoding: scratch, as: UTF8.self)) {
                            continue
                        }
                        if gram.kind == .code && Self.concreteTokens(scratch) < Self.minimumConcreteCodeTokens {
                            continue
                        }
                        if gram.kind != .line && scratch.allSatisfy({ $0 == 0x20 || ($0 >= 48 && $0 <= 57) }) {
                            continue
                        }
                        let entry = store.entryFor(kind: gram.kind, key: gram.key, normalized: scratch)
                        seen[entry, default: []].insert(field)
                    }
                    builder.release()
                }
                bytes.removeAll()
            }
            for (entry, fields) in seen.sorted(by: { $0.key < $1.key }) {
                store.tasks[Int(entry)].append((Int32(t), fields))
                totals[t][store.kind[Int(entry)].rawValue] += 1
            }
        }
        let entryCount = store.kind.count
        self.entryCount = entryCount
        entryStart = store.start
        entryLength = store.length
        arena = store.arena
        entryKindCodes = .allocate(capacity: max(1, entryCount))
        entryNext = .allocate(capacity: max(1, entryCount))
        for e in 0..<entryCount {
            entryKindCodes[e] = UInt8(store.kind[e].rawValue)
            entryNext[e] = store.next[e]
        }
        entryTasks = store.tasks
        taskTotals = totals
        let capacity = max(16, (entryCount * 2).nextPowerOfTwo)
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
        for slot in 0..<capacity {
            table[2 * slot] = 0
            table[2 * slot + 1] = UInt64.max
        }
        let tableMask = capacity - 1
        tableShift = UInt64(64 - capacity.trailingZeroBitCount)
        let filterBits = max(16, min(26, (entryCount * 16).nextPowerOfTwo.trailingZeroBitCount))
        let filter = UnsafeMutablePointer<UInt64>.allocate(capacity: (1 << filterBits) / 64)
        filter.initialize(repeating: 0, count: (1 << filterBits) / 64)
        for (key, first) in store.firstEntry {
            var slot = Int(truncatingIfNeeded: key >> tableShift)
            while table[2 * slot + 1] != UInt64.max { slot = (slot + 1) & tableMask }
            table[2 * slot] = key
            table[2 * slot + 1] = UInt64(first)
            // The scan kernels probe with the same definitions (`curate_prefilter_*`): at 16 bits per key the filter
            // passes under 1% of absent keys and stays in cache.
            filter[Int(curate_prefilter_word(key, UInt64(64 - filterBits)))] |= curate_prefilter_bits(key)
        }
        self.table = table
        self.tableMask = tableMask
        self.filterBits = filterBits
        self.filter = filter
    }

    /// Grams made only of numbers (`1 2 3 4 …` in test data) are not indexed: they match tables, not tasks.
    /// Code n-grams need this many tokens that are not abstracted identifiers (keywords, builtins, numbers);
    /// runs of placeholders match any prose and carry no structure.
    static let minimumConcreteCodeTokens = 4

    /// Tokens of a normalized code gram (separated by single spaces) other than the placeholder 0x01.
    static func concreteTokens(_ normalized: [UInt8]) -> Int {
        var count = 0, start = 0
        for i in 0...normalized.count where i == normalized.count || normalized[i] == 0x20 {
            if i > start && !(i - start == 1 && normalized[start] == 0x01) { count += 1 }
            start = i + 1
        }
        return count
    }

    deinit {
        table.deallocate()
        filter.deallocate()
        entryKindCodes.deallocate()
        entryNext.deallocate()
    }

    /// Whether entry `e`'s normalized bytes equal `bytes`.
    @inline(__always) func matches(_ e: Int, _ bytes: [UInt8]) -> Bool {
        let length = entryLength[e]
        guard length == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            bytes.withUnsafeBufferPointer { b in memcmp(a.baseAddress! + entryStart[e], b.baseAddress!, length) == 0 }
        }
    }

    /// The first entry stored under `key`, or -1; follow `entryNext` for the rest.
    @inline(__always) func firstEntry(key: UInt64) -> Int32 {
        var slot = Int(truncatingIfNeeded: key >> tableShift)
        while true {
            let value = table[2 * slot + 1]
            if value == UInt64.max { return -1 }
            if table[2 * slot] == key { return Int32(truncatingIfNeeded: value) }
            slot = (slot + 1) & tableMask
        }
    }

    /// Normalized text of an entry, for reports.
    func text(of e: Int) -> String {
        let bytes = arena[entryStart[e]..<(entryStart[e] + entryLength[e])].map { $0 == 0x01 ? UInt8(ascii: "_") : $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Identity of the reference tasks and gram settings, checked when merging partial results.
    func fingerprint(options: String) -> String {
        var text = "n=\(n);\(options);"
        for task in tasks { text += "\(task.taskID)#\(task.revisionID)=\(task.content.contentHash);" }
        return SHA256.hex(Data(text.utf8))
    }
}

/// The growing list of distinct grams while the index is built.
private struct EntryStore {
    var kind: [GramKind] = []
    var start: [Int] = []
    var length: [Int] = []
    var arena: [UInt8] = []
    /// Entries with the same key form a chain: the first per key, then `next` (-1 ends it).
    var next: [Int32] = []
    var tasks: [[(task: Int32, fields: TaskField)]] = []
    var firstEntry: [UInt64: Int32] = [:]

    /// The entry for this gram, added if new; grams with equal keys but different text get separate entries.
    mutating func entryFor(kind: GramKind, key: UInt64, normalized: [UInt8]) -> Int32 {
        var last: Int32 = -1
        var e = firstEntry[key] ?? -1
        while e >= 0 {
            let entry = Int(e)
            if self.kind[entry] == kind
                && arena[start[entry]..<(start[entry] + length[entry])].elementsEqual(normalized)
            {
                return e
            }
            last = e
            e = next[entry]
        }
        let index = Int32(self.kind.count)
        self.kind.append(kind)
        start.append(arena.count)
        length.append(normalized.count)
        arena.append(contentsOf: normalized)
        next.append(-1)
        tasks.append([])
        if last >= 0 { next[Int(last)] = index } else { firstEntry[key] = index }
        return index
    }
}

/// Collects every gram of one field while indexing, copying token positions out of the scanner's rings.
private struct IndexBuilder: GramSink {
    struct Gram {
        var kind: GramKind
        var key: UInt64
        var starts: UnsafeMutablePointer<Int>
        var ends: UnsafeMutablePointer<Int>
        var count: Int
    }
    var grams: [Gram] = []

    mutating func gram(kind: GramKind, key: UInt64, window: GramWindow, buffer: UnsafeBufferPointer<UInt8>) {
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: window.count)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: window.count)
        for i in 0..<window.count {
            starts[i] = window.start(i)
            ends[i] = window.end(i)
        }
        grams.append(Gram(kind: kind, key: key, starts: starts, ends: ends, count: window.count))
    }

    mutating func release() {
        for gram in grams {
            gram.starts.deallocate()
            gram.ends.deallocate()
        }
        grams.removeAll(keepingCapacity: true)
    }
}

extension Int {
    var nextPowerOfTwo: Int {
        var p = 1
        while p < self { p <<= 1 }
        return p
    }
}
