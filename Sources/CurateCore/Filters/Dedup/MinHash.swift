import Foundation

/// MinHash signatures and LSH banding: finds candidate pairs whose Jaccard similarity is likely above a threshold
/// without comparing every pair; candidates are then checked with the exact Jaccard of their shingle sets.
public struct MinHasher: Sendable {
    public let permutations: Int
    public let bands: Int
    public let rowsPerBand: Int
    private let seeds: [UInt64]

    /// Chooses the band layout for `threshold` so that pairs at the threshold are found with high probability.
    public init(permutations: Int = 128, threshold: Double) {
        self.permutations = max(8, permutations)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        seeds = (0..<self.permutations).map { _ in MinHasher.splitmix(&state) }
        (bands, rowsPerBand) = MinHasher.layout(permutations: self.permutations, threshold: threshold)
    }

    /// The (bands, rows) split of the signature that keeps the probability of missing a pair at
    /// `threshold - 0.05` under 1% while admitting as few low-similarity candidates as possible.
    static func layout(permutations: Int, threshold: Double) -> (Int, Int) {
        let target = max(0.05, threshold - 0.05)
        var best = (permutations, 1)
        for rows in 1...permutations {
            let bands = permutations / rows
            guard bands >= 1 else { break }
            let found = 1 - pow(1 - pow(target, Double(rows)), Double(bands))
            if found >= 0.99 { best = (bands, rows) } else { break }
        }
        return best
    }

    /// The signature of a shingle set: per permutation, the minimum of the seeded hash over the set.
    public func signature(_ shingles: Set<UInt64>) -> [UInt64] {
        var signature = [UInt64](repeating: .max, count: permutations)
        for shingle in shingles {
            for (i, seed) in seeds.enumerated() {
                var x = shingle ^ seed
                let h = MinHasher.splitmix(&x)
                if h < signature[i] { signature[i] = h }
            }
        }
        return signature
    }

    /// Index pairs (i < j) that share at least one band of their signatures.
    public func candidatePairs(_ signatures: [[UInt64]]) -> Set<Pair> {
        var pairs = Set<Pair>()
        for band in 0..<bands {
            var buckets: [UInt64: [Int]] = [:]
            for (index, signature) in signatures.enumerated() where signature.first != .max {
                var key: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(band)
                for row in 0..<rowsPerBand {
                    key = (key ^ signature[band * rowsPerBand + row]) &* 0x0000_0100_0000_01b3
                }
                buckets[key, default: []].append(index)
            }
            for members in buckets.values where members.count > 1 {
                for a in 0..<members.count {
                    for b in (a + 1)..<members.count { pairs.insert(Pair(members[a], members[b])) }
                }
            }
        }
        return pairs
    }

    /// An unordered pair of item indices, stored with the smaller first.
    public struct Pair: Hashable, Sendable {
        public let first: Int
        public let second: Int
        public init(_ a: Int, _ b: Int) {
            first = min(a, b)
            second = max(a, b)
        }
    }

    static func splitmix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Jaccard similarity of two sets; 0 when both are empty.
public func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
    if a.isEmpty && b.isEmpty { return 0 }
    let (small, large) = a.count <= b.count ? (a, b) : (b, a)
    let intersection = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
    return Double(intersection) / Double(a.count + b.count - intersection)
}
