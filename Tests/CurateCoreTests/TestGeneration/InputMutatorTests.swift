import CurateCore
import Foundation
import Testing

/// Mutation is type-aware and a function of the seed alone.
struct InputMutatorTests {
    static let captured: [[PythonValue]] = [
        [.sequence(.list, [.int(3), .int(1), .int(2)]), .int(2)],
        [.str("Hello"), .sequence(.tuple, [.float(1.5), .str("x")])],
        [.mapping(.dict, [.str("a")], [.sequence(.list, [.int(1)])]), .sequence(.set, [.int(4)])],
    ]

    func mutants(seed: UInt64, count: Int = 40) -> [String] {
        let mutator = InputMutator(captured: Self.captured)
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { index in
            TaggedJSON.text(arguments: mutator.mutate(arguments: Self.captured[index % 3], using: &rng))
        }
    }

    @Test func theSameSeedGivesTheSameInputs() {
        #expect(mutants(seed: 7) == mutants(seed: 7))
        #expect(mutants(seed: 7) != mutants(seed: 8))
    }

    @Test func splitMixIsTheReferenceSequence() {
        var rng = SplitMix64(seed: 0)
        #expect(
            [rng.next(), rng.next(), rng.next()] == [
                0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
            ])
        #expect(SplitMix64.seed(1, "mbpp/2") == SplitMix64.seed(1, "mbpp/2"))
        #expect(SplitMix64.seed(1, "mbpp/2") != SplitMix64.seed(1, "mbpp/3"))
        #expect(SplitMix64.seed(1, "ab", "c") != SplitMix64.seed(1, "a", "bc"))
    }

    @Test func mutantsKeepArityAndTypes() throws {
        let mutator = InputMutator(captured: Self.captured)
        var rng = SplitMix64(seed: 3)
        for round in 0..<300 {
            let original = Self.captured[round % 3]
            let mutant = mutator.mutate(arguments: original, using: &rng)
            #expect(mutant.count == original.count)
            for (before, after) in zip(original, mutant) {
                switch (before, after) {
                case (.sequence(.tuple, let a), .sequence(.tuple, let b)):
                    #expect(a.count == b.count, "a tuple keeps its length")
                    #expect(zip(a, b).allSatisfy { kind($0) == kind($1) })
                case (.sequence(let k1, let a), .sequence(let k2, let b)):
                    #expect(k1 == k2)
                    let kinds = Set(a.map(kind))
                    #expect(
                        b.allSatisfy { kinds.contains(kind($0)) }, "new elements follow the captured ones: \(after)")
                case (.mapping(let k1, _, let values), .mapping(let k2, _, let newValues)):
                    #expect(k1 == k2)
                    #expect(newValues.allSatisfy { value in values.contains { kind($0) == kind(value) } })
                default:
                    #expect(kind(before) == kind(after))
                }
            }
        }
    }

    @Test func mutationReachesEveryKindOfChange() {
        let mutator = InputMutator(captured: Self.captured)
        var rng = SplitMix64(seed: 11)
        var ints: Set<Int> = [], strings: Set<String> = [], lengths: Set<Int> = []
        for _ in 0..<400 {
            if case .int(let n) = mutator.mutate(.int(5), using: &rng) { ints.insert(n) }
            if case .str(let s) = mutator.mutate(.str("Hello"), using: &rng) { strings.insert(s) }
            if case .sequence(_, let items) = mutator.mutate(.sequence(.list, [.int(1), .int(2)]), using: &rng) {
                lengths.insert(items.count)
            }
        }
        #expect(ints.isSuperset(of: [0, 1, -1, 4, 6, -5, 10, 2]))
        #expect(strings.isSuperset(of: ["", "HELLO", "Hell", "hello"]))
        #expect(lengths.isSuperset(of: [0, 1, 2, 3]))
    }

    @Test func anEmptyListGrowsFromDonorsOfTheTask() {
        let mutator = InputMutator(captured: [[.sequence(.list, [.str("a"), .str("b")])], [.sequence(.list, [])]])
        var rng = SplitMix64(seed: 5)
        let grown = mutator.mutate(.sequence(.list, []), using: &rng)
        guard case .sequence(.list, let items) = grown else { return #expect(Bool(false), "\(grown)") }
        #expect(!items.isEmpty && items.allSatisfy { $0 == .str("a") || $0 == .str("b") })
    }

    func kind(_ value: PythonValue) -> String {
        switch value {
        case .int, .bigInt: return "int"
        case .sequence(let kind, _): return kind.rawValue
        case .mapping(let kind, _, _): return kind.rawValue
        default: return String(value.typeSignature.prefix(while: { $0 != "[" }))
        }
    }
}
