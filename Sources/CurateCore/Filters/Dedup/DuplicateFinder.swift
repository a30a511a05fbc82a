import Foundation

/// Settings of duplicate detection.
public struct DedupOptions: Sendable, Hashable, Codable {
    /// Minimum Jaccard similarity of the combined shingle sets for a pair to count as duplicates.
    public var threshold: Double
    /// Fields compared; their shingles are pooled (salted by field so a description word never matches code).
    public var fields: [DedupField]
    /// Tokens per shingle.
    public var shingleSize: Int
    public var permutations: Int

    public init(
        threshold: Double = 0.8, fields: [DedupField] = DedupField.allCases, shingleSize: Int = 3,
        permutations: Int = 128
    ) {
        self.threshold = threshold
        self.fields = fields
        self.shingleSize = shingleSize
        self.permutations = permutations
    }
}

/// A pair of duplicate tasks: `later` is flagged as a duplicate of `earlier`.
public struct DuplicatePair: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The normalized compared fields are identical.
        case exact
        /// Similar above the threshold but not identical.
        case near
    }

    public var earlier: String
    public var later: String
    public var earlierRevisionID: Int64
    public var laterRevisionID: Int64
    public var kind: Kind
    /// Jaccard of the pooled shingles of all compared fields.
    public var similarity: Double
    /// Jaccard per compared field, for the reviewer.
    public var fieldSimilarity: [String: Double]
    public var earlierSplit: String?
    public var laterSplit: String?

    /// True when the two tasks land in different known splits: a train/test leak.
    public var crossSplit: Bool {
        guard let earlierSplit, let laterSplit else { return false }
        return earlierSplit != laterSplit
    }
}

/// Finds exact and near-duplicate tasks with MinHash/LSH over token shingles, confirmed by exact Jaccard.
public struct DuplicateFinder: Sendable {
    public let options: DedupOptions

    public init(options: DedupOptions) throws {
        guard options.threshold > 0, options.threshold <= 1 else { throw FilterError.badThreshold(options.threshold) }
        self.options = options
    }

    /// All pairs at or above the threshold, ordered by the later task; items must be given earliest first; `splits`
    /// names each task's split for the pair's report. `progress(done, total)` is called as signatures are computed.
    public func pairs(
        _ items: [FilterTask], splits: SplitAssignment = .none, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> [DuplicatePair] {
        let normalized = items.map { item in options.fields.map { DedupNormalizer.tokens($0, of: item.content) } }
        let fieldSets: [[DedupField: Set<UInt64>]] = normalized.map { tokens in
            Dictionary(
                uniqueKeysWithValues: zip(options.fields, tokens).map { field, tokens in
                    (field, Shingler.shingles(tokens, size: options.shingleSize, salt: field.rawValue))
                })
        }
        let pooled = fieldSets.map { sets in sets.values.reduce(into: Set<UInt64>()) { $0.formUnion($1) } }
        let hasher = MinHasher(permutations: options.permutations, threshold: options.threshold)
        var signatures: [[UInt64]] = []
        signatures.reserveCapacity(pooled.count)
        for (index, set) in pooled.enumerated() {
            signatures.append(hasher.signature(set))
            if index % 64 == 63 || index == pooled.count - 1 { progress?(index + 1, pooled.count) }
        }
        var exactGroups: [[[String]]: [Int]] = [:]
        for (index, tokens) in normalized.enumerated() where !pooled[index].isEmpty {
            exactGroups[tokens, default: []].append(index)
        }
        var candidates = hasher.candidatePairs(signatures)
        for members in exactGroups.values where members.count > 1 {
            for a in 0..<members.count {
                for b in (a + 1)..<members.count { candidates.insert(MinHasher.Pair(members[a], members[b])) }
            }
        }
        var result: [DuplicatePair] = []
        for pair in candidates {
            let exact = normalized[pair.first] == normalized[pair.second]
            let similarity = exact ? 1 : jaccard(pooled[pair.first], pooled[pair.second])
            guard similarity >= options.threshold else { continue }
            var perField: [String: Double] = [:]
            for field in options.fields {
                perField[field.rawValue] = jaccard(
                    fieldSets[pair.first][field] ?? [], fieldSets[pair.second][field] ?? [])
            }
            let a = items[pair.first], b = items[pair.second]
            result.append(
                DuplicatePair(
                    earlier: a.taskID, later: b.taskID, earlierRevisionID: a.revisionID, laterRevisionID: b.revisionID,
                    kind: exact ? .exact : .near, similarity: (similarity * 1000).rounded() / 1000,
                    fieldSimilarity: perField.mapValues { ($0 * 1000).rounded() / 1000 },
                    earlierSplit: splits.splitOf(a.dataset, a.sourceID),
                    laterSplit: splits.splitOf(b.dataset, b.sourceID)))
        }
        let position = Dictionary(items.enumerated().map { ($1.taskID, $0) }, uniquingKeysWith: { first, _ in first })
        return result.sorted {
            (position[$0.later]!, position[$0.earlier]!) < (position[$1.later]!, position[$1.earlier]!)
        }
    }

    /// One decision per item: a later item of any pair is dropped as a duplicate of its earliest partner.
    public func decisions(_ items: [FilterTask], pairs: [DuplicatePair]) -> [FilterDecision] {
        var byLater: [String: [DuplicatePair]] = [:]
        for pair in pairs { byLater[pair.later, default: []].append(pair) }
        return items.map { item in
            guard let matches = byLater[item.taskID], let first = matches.first else { return .keep }
            let leak = matches.contains(where: \.crossSplit)
            let evidence = DuplicateEvidence(duplicateOf: first.earlier, matches: matches, crossSplit: leak)
            var message =
                "\(first.kind == .exact ? "exact" : "near") duplicate of \(first.earlier) (Jaccard \(first.similarity))"
            if matches.count > 1 { message += " and \(matches.count - 1) more" }
            if leak {
                message +=
                    "; crosses splits \(matches.filter(\.crossSplit).map { "\($0.earlierSplit!)→\($0.laterSplit!)" }.joined(separator: ", "))"
            }
            return .drop(reason: .duplicate, message: message, evidence: CanonicalJSON.string(evidence))
        }
    }
}

/// Evidence stored on a `duplicate` flag.
public struct DuplicateEvidence: Sendable, Hashable, Codable {
    /// The earliest task this one duplicates.
    public var duplicateOf: String
    /// Every earlier task it matches, with similarities and splits.
    public var matches: [DuplicatePair]
    public var crossSplit: Bool
}
