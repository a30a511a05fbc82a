import Foundation

/// SplitMix64: a tiny seeded generator whose sequence is the same on every machine and Swift version (unlike the
/// system generator or `Hasher`), so a seed names one set of generated inputs.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0), by multiply-shift, so it needs no platform-dependent library code.
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A stable 64-bit seed for `parts` under `seed` (FNV-1a over the parts' UTF-8), e.g. one per task and input.
    public static func seed(_ seed: UInt64, _ parts: String...) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            hash ^= 0xFF
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Type-aware mutation of captured inputs: numbers get boundaries, sign changes and small perturbations; strings
/// insertions, deletions, replacements, case changes and the empty string; lists, tuples, sets, dicts element
/// mutations, resizes and emptying, with nesting kept and new elements made from the captured ones. Deterministic for
/// a generator state.
public struct InputMutator: Sendable {
    /// Container elements seen in the task's captured inputs, per argument position and container kind: where a
    /// grown empty container takes its elements from (so they have the types the tests use there).
    private let donors: [Donors: [PythonValue]]

    private struct Donors: Hashable, Sendable {
        var position: Int
        var kind: PythonValue.SequenceKind
    }
    /// Characters of the captured strings, then a few of each class: what insertions and replacements use.
    private let alphabet: [Character]

    public init(captured: [[PythonValue]]) {
        var donors: [Donors: [PythonValue]] = [:]
        var characters: [Character] = []
        func collect(_ value: PythonValue, _ position: Int) {
            switch value {
            case .sequence(let kind, let items):
                donors[Donors(position: position, kind: kind), default: []].append(contentsOf: items)
                for item in items { collect(item, position) }
            case .mapping(_, let keys, let values):
                for item in keys + values { collect(item, position) }
            case .str(let text):
                for character in text where !characters.contains(character) && characters.count < 64 {
                    characters.append(character)
                }
            default: break
            }
        }
        for arguments in captured {
            for (position, value) in arguments.enumerated() { collect(value, position) }
        }
        self.donors = donors
        let base: [Character] = Array("aZ0 ")
        alphabet = characters + base.filter { !characters.contains($0) }
    }

    /// A mutant of an argument list: one argument mutated (sometimes two), the arity kept.
    public func mutate(arguments: [PythonValue], using rng: inout SplitMix64) -> [PythonValue] {
        guard !arguments.isEmpty else { return arguments }
        var result = arguments
        let first = rng.below(result.count)
        result[first] = mutate(result[first], using: &rng, position: first)
        if result.count > 1, rng.below(4) == 0 {
            let second = rng.below(result.count)
            result[second] = mutate(result[second], using: &rng, position: second)
        }
        return result
    }

    /// A mutant of one value of the same type (an opaque value is kept); `position` is the argument it was passed as.
    public func mutate(_ value: PythonValue, using rng: inout SplitMix64, position: Int = 0, depth: Int = 0)
        -> PythonValue
    {
        switch value {
        case .none, .opaque: return value
        case .bool(let flag): return .bool(!flag)
        case .int(let number): return .int(mutate(int: number, using: &rng))
        case .bigInt(let digits):
            return rng.below(2) == 0
                ? .bigInt(digits.hasPrefix("-") ? String(digits.dropFirst()) : "-" + digits) : .int(rng.below(3) - 1)
        case .float(let number): return .float(mutate(float: number, using: &rng))
        case .complex(let real, let imaginary):
            return rng.below(2) == 0
                ? .complex(mutate(float: real, using: &rng), imaginary)
                : .complex(real, mutate(float: imaginary, using: &rng))
        case .str(let text): return .str(mutate(string: text, using: &rng))
        case .bytes(let data, let mutable):
            let text = String(decoding: data.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
            return .bytes(Array(mutate(string: text, using: &rng).utf8.filter { $0 < 0x80 }), mutable: mutable)
        case .sequence(let kind, let items):
            return .sequence(kind, mutate(items: items, kind: kind, using: &rng, position: position, depth: depth))
        case .mapping(let kind, let keys, let values):
            return mutate(mapping: kind, keys: keys, values: values, using: &rng, position: position, depth: depth)
        }
    }

    private func mutate(int number: Int, using rng: inout SplitMix64) -> Int {
        let magnitude = number.magnitude > (1 << 40) ? 1 << 40 : Int(number.magnitude)
        switch rng.below(10) {
        case 0: return 0
        case 1: return 1
        case 2: return -1
        case 3: return number &+ 1
        case 4: return number &- 1
        case 5: return number == Int.min ? 0 : -number
        case 6: return magnitude < (1 << 20) ? number &* 2 : number / 2
        case 7: return number / 2
        case 8: return number &+ rng.below(11) - 5
        default: return rng.below(max(2, min(magnitude * 2 + 2, 1000)))
        }
    }

    private func mutate(float number: Double, using rng: inout SplitMix64) -> Double {
        guard number.isFinite else { return 0 }
        switch rng.below(8) {
        case 0: return 0
        case 1: return -number
        case 2: return number + 1
        case 3: return number - 1
        case 4: return number * 2
        case 5: return number / 2
        case 6: return number * (1 + Double(rng.below(21) - 10) / 100)
        default: return (number * 10).rounded() / 10 + Double(rng.below(9) + 1) / 10
        }
    }

    private func mutate(string text: String, using rng: inout SplitMix64) -> String {
        var characters = Array(text)
        let newCharacter = alphabet[rng.below(alphabet.count)]
        switch characters.isEmpty ? 0 : rng.below(8) {
        case 0: characters.insert(newCharacter, at: rng.below(characters.count + 1))
        case 1: characters.remove(at: rng.below(characters.count))
        case 2: characters[rng.below(characters.count)] = newCharacter
        case 3: return text.uppercased() == text ? text.lowercased() : text.uppercased()
        case 4:
            let index = rng.below(characters.count)
            let character = characters[index]
            let changed = character.isUppercase ? character.lowercased() : character.uppercased()
            if changed.count == 1, let first = changed.first { characters[index] = first }
        case 5: return ""
        case 6:
            let index = rng.below(characters.count)
            characters.insert(characters[index], at: index)
        default:
            let a = rng.below(characters.count), b = rng.below(characters.count)
            characters.swapAt(a, b)
        }
        return String(characters)
    }

    /// Elements mutated, removed, duplicated, added from donors of the same type, or all removed; a tuple keeps its
    /// length (its positions usually mean different things), so only its elements change.
    private func mutate(
        items: [PythonValue], kind: PythonValue.SequenceKind, using rng: inout SplitMix64, position: Int, depth: Int
    ) -> [PythonValue] {
        let tuple = kind == .tuple
        var items = items
        if items.isEmpty {
            guard let donors = donors[Donors(position: position, kind: kind)], !donors.isEmpty, !tuple else {
                return items
            }
            return (0..<(1 + rng.below(3))).map { _ in donors[rng.below(donors.count)] }
        }
        let choice = tuple ? 0 : rng.below(depth > 2 ? 4 : 6)
        switch choice {
        case 0, 4:
            let index = rng.below(items.count)
            items[index] = mutate(items[index], using: &rng, position: position, depth: depth + 1)
        case 1: items.remove(at: rng.below(items.count))
        case 2:
            let index = rng.below(items.count)
            items.insert(
                mutate(items[index], using: &rng, position: position, depth: depth + 1), at: rng.below(items.count + 1))
        case 3:
            let index = rng.below(items.count)
            items.insert(items[index], at: rng.below(items.count + 1))
        default: return rng.below(3) == 0 ? [] : items.reversed()
        }
        return items
    }

    private func mutate(
        mapping kind: PythonValue.MappingKind, keys: [PythonValue], values: [PythonValue], using rng: inout SplitMix64,
        position: Int, depth: Int
    ) -> PythonValue {
        var keys = keys, values = values
        guard !keys.isEmpty else { return .mapping(kind, keys, values) }
        let index = rng.below(keys.count)
        switch rng.below(5) {
        case 0, 1: values[index] = mutate(values[index], using: &rng, position: position, depth: depth + 1)
        case 2:
            keys.remove(at: index)
            values.remove(at: index)
        case 3:
            let key = mutate(keys[index], using: &rng, position: position, depth: depth + 1)
            if !keys.contains(where: { $0.matches(key) }) {
                keys.append(key)
                values.append(mutate(values[index], using: &rng, position: position, depth: depth + 1))
            }
        default:
            keys = []
            values = []
        }
        return .mapping(kind, keys, values)
    }
}
