import Foundation

/// A plain Python value as the sandbox's tagged JSON carries it (`WorkerDriver.py` `encode`/`decode`): JSON scalars
/// for None, bool, int, float and str; `["l", …]` lists, `["t", …]` tuples, `["s", …]` sets, `["f", …]` frozensets,
/// `["q", …]` deques, `["d"/"o"/"k", k, v, …]` dicts, OrderedDicts and Counters, `["y"/"Y", base64]` bytes and
/// bytearrays, `["c", re, im]` complex numbers, `["x", hex]` very large ints. Anything else (a name, a handle) is
/// `opaque` and kept as it came.
public indirect enum PythonValue: Sendable, Hashable {
    case none
    case bool(Bool)
    case int(Int)
    /// An int outside `Int`'s range, as Python spells it in decimal (`-123…`) or the tagged hex form (`0x…`).
    case bigInt(String)
    case float(Double)
    case complex(Double, Double)
    case str(String)
    case bytes([UInt8], mutable: Bool)
    case sequence(SequenceKind, [PythonValue])
    case mapping(MappingKind, [PythonValue], [PythonValue])
    case opaque(String)

    /// The sequence types tagged JSON tells apart.
    public enum SequenceKind: String, Sendable, Hashable, CaseIterable {
        case list = "l"
        case tuple = "t"
        case set = "s"
        case frozenset = "f"
        case deque = "q"

        /// Element order carries no meaning (sets).
        var unordered: Bool { self == .set || self == .frozenset }
    }

    /// The mapping types tagged JSON tells apart.
    public enum MappingKind: String, Sendable, Hashable, CaseIterable {
        case dict = "d"
        case orderedDict = "o"
        case counter = "k"
    }

    /// True when the value holds nothing opaque, so the sandbox can rebuild it from tagged JSON alone.
    public var isPlain: Bool {
        switch self {
        case .opaque: return false
        case .sequence(_, let items): return items.allSatisfy(\.isPlain)
        case .mapping(_, let keys, let values): return keys.allSatisfy(\.isPlain) && values.allSatisfy(\.isPlain)
        default: return true
        }
    }

    /// A short name of the value's type with its element types, e.g. `list[int]`, `tuple[str, int]`, `dict[str, list[int]]`:
    /// what makes two captured inputs "of the same shape".
    public var typeSignature: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .complex: return "complex"
        case .str: return "str"
        case .bytes(_, let mutable): return mutable ? "bytearray" : "bytes"
        case .opaque: return "object"
        case .sequence(let kind, let items):
            let name = ["l": "list", "t": "tuple", "s": "set", "f": "frozenset", "q": "deque"][kind.rawValue] ?? "list"
            if kind == .tuple { return "tuple[\(items.map(\.typeSignature).joined(separator: ", "))]" }
            return "\(name)[\(Self.union(items.map(\.typeSignature)))]"
        case .mapping(let kind, let keys, let values):
            let name = kind == .dict ? "dict" : kind == .orderedDict ? "OrderedDict" : "Counter"
            return "\(name)[\(Self.union(keys.map(\.typeSignature))), \(Self.union(values.map(\.typeSignature)))]"
        }
    }

    private static func union(_ names: [String]) -> String {
        var seen: [String] = []
        for name in names where !seen.contains(name) { seen.append(name) }
        return seen.isEmpty ? "" : seen.joined(separator: "|")
    }
}

/// Equality as Python's `==` sees it (sets and dicts without order; 1 == 1.0 == True), with floats equal within a
/// relative and absolute tolerance: how two runs of the reference are compared.
extension PythonValue {
    public func matches(_ other: PythonValue, relativeTolerance: Double = 1e-9, absoluteTolerance: Double = 1e-12)
        -> Bool
    {
        func close(_ a: Double, _ b: Double) -> Bool {
            if a == b || (a.isNaN && b.isNaN) { return true }
            guard a.isFinite && b.isFinite else { return false }
            return abs(a - b) <= max(relativeTolerance * max(abs(a), abs(b)), absoluteTolerance)
        }
        func same(_ a: PythonValue, _ b: PythonValue) -> Bool {
            a.matches(b, relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance)
        }
        switch (self, other) {
        case (.none, .none): return true
        case (.str(let a), .str(let b)): return a == b
        case (.bigInt(let a), .bigInt(let b)): return a == b
        case (.bytes(let a, _), .bytes(let b, _)): return a == b
        case (.opaque(let a), .opaque(let b)): return a == b
        case (.complex(let a, let b), .complex(let c, let d)): return close(a, c) && close(b, d)
        case (.sequence(let kind, let a), .sequence(let otherKind, let b)):
            let setLike = kind.unordered && otherKind.unordered
            let orderedLike = !kind.unordered && !otherKind.unordered && (kind == .tuple) == (otherKind == .tuple)
            guard a.count == b.count, setLike || orderedLike else { return false }
            if setLike { return Self.sameElements(a, b, same) }
            return zip(a, b).allSatisfy { same($0, $1) }
        case (.mapping(_, let keys, let values), .mapping(_, let otherKeys, let otherValues)):
            guard keys.count == otherKeys.count else { return false }
            return Self.sameElements(
                zip(keys, values).map { PythonValue.sequence(.tuple, [$0, $1]) },
                zip(otherKeys, otherValues).map { PythonValue.sequence(.tuple, [$0, $1]) }, same)
        default:
            guard let a = numeric, let b = other.numeric else { return false }
            return close(a, b)
        }
    }

    /// The value of a bool, int or float as a Double (what `==` between numbers compares).
    private var numeric: Double? {
        switch self {
        case .bool(let value): return value ? 1 : 0
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// Whether `a` and `b` pair up one to one under `same` (order ignored).
    private static func sameElements(
        _ a: [PythonValue], _ b: [PythonValue], _ same: (PythonValue, PythonValue) -> Bool
    ) -> Bool {
        var unused = b
        for item in a {
            guard let index = unused.firstIndex(where: { same(item, $0) }) else { return false }
            unused.remove(at: index)
        }
        return unused.isEmpty
    }
}
