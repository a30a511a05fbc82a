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
    /// Minimum IDF-weighted cosine of normalized description words for a candidate pair; 0 turns it off.
    public var descriptionThreshold: Double
    /// Pair tasks whose normalized code is identical, whatever their descriptions say.
    public var identicalCode: Bool

    public init(
        threshold: Double = 0.8, fields: [DedupField] = DedupField.allCases, shingleSize: Int = 3,
        permutations: Int = 128, descriptionThreshold: Double = 0.8, identicalCode: Bool = true
    ) {
        self.threshold = threshold
        self.fields = fields
        self.shingleSize = shingleSize
        self.permutations = permutations
        self.descriptionThreshold = descriptionThreshold
        self.identicalCode = identicalCode
    }

    /// Only today's pooled shingles (no description similarity, no identical-code pairs).
    public static func shinglesOnly(threshold: Double = 0.8) -> DedupOptions {
        DedupOptions(threshold: threshold, descriptionThreshold: 0, identicalCode: false)
    }
}

/// A pair of duplicate tasks: `later` is flagged as a duplicate of `earlier`.
public struct DuplicatePair: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The normalized compared fields are identical.
        case exact
        /// Similar text; not shown to behave alike (execution refuted it, or did not run).
        case near
        /// Each task's solution passes the other's tests (execution confirmed it both ways).
        case behavioural
    }

    /// What made a pair a candidate.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Pooled shingles at or above the Jaccard threshold.
        case shingles
        /// Normalized descriptions at or above the description threshold.
        case description
        /// Identical normalized code.
        case code
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
    /// Weighted cosine of the normalized descriptions (nil when description similarity is off).
    public var descriptionSimilarity: Double? = nil
    /// What made the pair a candidate (nil: shingles, as before other sources existed).
    public var foundBy: [Source]? = nil
    /// The execution that confirmed or refuted the pair (nil when it was not checked by execution).
    public var behaviour: BehaviourCheck? = nil

    /// True when the two tasks land in different known splits: a train/test leak.
    public var crossSplit: Bool {
        guard let earlierSplit, let laterSplit else { return false }
        return earlierSplit != laterSplit
    }

    /// The flag the later task gets: `duplicate` (exact, or not checked by execution), `duplicate/behavioural`, or
    /// `duplicate/near` (checked, and the two behave differently or could not be run).
    public var reason: FilterReason {
        switch kind {
        case .exact: .duplicate
        case .behavioural: .behaviouralDuplicate
        case .near: behaviour == nil ? .duplicate : .nearDuplicate
        }
    }

    /// One line for the flag: kind, partner and scores, and what execution showed.
    var summary: String {
        var scores = "Jaccard \(similarity)"
        if let descriptionSimilarity { scores += ", description \(descriptionSimilarity)" }
        guard let behaviour else { return "\(kind == .exact ? "exact" : "near") duplicate of \(earlier) (\(scores))" }
        if kind == .behavioural {
            return "behavioural duplicate of \(earlier): each solution passes the other's tests (\(scores))"
        }
        return "near duplicate of \(earlier), different behaviour: \(behaviour.firstDifference) (\(scores))"
    }
}

/// Finds candidate duplicate pairs: MinHash/LSH over token shingles confirmed by exact Jaccard, descriptions that
/// survive paraphrase (weighted cosine of normalized words), and identical normalized code.
public struct DuplicateFinder: Sendable {
    public let options: DedupOptions

    public init(options: DedupOptions) throws {
        guard options.threshold > 0, options.threshold <= 1 else { throw FilterError.badThreshold(options.threshold) }
        guard options.descriptionThreshold >= 0, options.descriptionThreshold <= 1 else {
            throw FilterError.badThreshold(options.descriptionThreshold)
        }
        self.options = options
    }

    /// All candidate pairs, ordered by the later task; items must be given earliest first; `splits` names each
    /// task's split for the pair's report. `progress(done, total)` is called as signatures are computed.
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
        var candidates: [MinHasher.Pair: Set<DuplicatePair.Source>] = [:]
        for pair in hasher.candidatePairs(signatures) { candidates[pair, default: []].insert(.shingles) }
        for group in Self.groups(normalized.indices.filter { !pooled[$0].isEmpty }, by: { normalized[$0] }) {
            for pair in group { candidates[pair, default: []].insert(.shingles) }
        }
        let describing = options.descriptionThreshold > 0
        let descriptions = describing ? DescriptionIndex(items.map(\.content.description)) : nil
        for pair in descriptions?.pairs(atLeast: options.descriptionThreshold) ?? [] {
            candidates[pair, default: []].insert(.description)
        }
        if options.identicalCode {
            let code = items.map { DedupNormalizer.codeTokens($0.content.solution) }
            for group in Self.groups(code.indices.filter { !code[$0].isEmpty }, by: { code[$0] }) {
                for pair in group { candidates[pair, default: []].insert(.code) }
            }
        }
        var result: [DuplicatePair] = []
        for (pair, found) in candidates {
            let exact = normalized[pair.first] == normalized[pair.second] && !pooled[pair.first].isEmpty
            let similarity = exact ? 1 : jaccard(pooled[pair.first], pooled[pair.second])
            var sources = found
            if similarity < options.threshold { sources.remove(.shingles) }
            guard !sources.isEmpty else { continue }
            var perField: [String: Double] = [:]
            for field in options.fields {
                perField[field.rawValue] = jaccard(
                    fieldSets[pair.first][field] ?? [], fieldSets[pair.second][field] ?? [])
            }
            let a = items[pair.first], b = items[pair.second]
            result.append(
                DuplicatePair(
                    earlier: a.taskID, later: b.taskID, earlierRevisionID: a.revisionID, laterRevisionID: b.revisionID,
                    kind: exact ? .exact : .near, similarity: Self.rounded(similarity),
                    fieldSimilarity: perField.mapValues(Self.rounded),
                    earlierSplit: splits.splitOf(a.dataset, a.sourceID),
                    laterSplit: splits.splitOf(b.dataset, b.sourceID),
                    descriptionSimilarity: descriptions.map { Self.rounded($0.similarity(pair.first, pair.second)) },
                    foundBy: describing || options.identicalCode
                        ? [.shingles, .description, .code].filter(sources.contains) : nil))
        }
        let position = Dictionary(items.enumerated().map { ($1.taskID, $0) }, uniquingKeysWith: { first, _ in first })
        return result.sorted {
            (position[$0.later]!, position[$0.earlier]!) < (position[$1.later]!, position[$1.earlier]!)
        }
    }

    /// Every pair (earlier index first) of indices with equal keys.
    static func groups<Key: Hashable>(_ indices: [Int], by key: (Int) -> Key) -> [[MinHasher.Pair]] {
        var members: [Key: [Int]] = [:]
        for index in indices { members[key(index), default: []].append(index) }
        return members.values.filter { $0.count > 1 }.map { group in
            (0..<group.count).flatMap { a in ((a + 1)..<group.count).map { MinHasher.Pair(group[a], group[$0]) } }
        }
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// One decision per item: a later item of any pair is dropped, once per flag code its pairs carry, as a
    /// duplicate of its earliest partner of that code.
    public func decisions(_ items: [FilterTask], pairs: [DuplicatePair]) -> [[FilterDecision]] {
        var byLater: [String: [DuplicatePair]] = [:]
        for pair in pairs { byLater[pair.later, default: []].append(pair) }
        return items.map { item in
            guard let all = byLater[item.taskID] else { return [.keep] }
            let reasons = all.map(\.reason).reduce(into: [FilterReason]()) { if !$0.contains($1) { $0.append($1) } }
            return reasons.sorted().map { reason in
                let matches = all.filter { $0.reason == reason }
                let first = matches[0]
                let leak = matches.contains(where: \.crossSplit)
                let evidence = DuplicateEvidence(duplicateOf: first.earlier, matches: matches, crossSplit: leak)
                var message = first.summary
                if matches.count > 1 { message += " and \(matches.count - 1) more" }
                if leak {
                    message +=
                        "; crosses splits \(matches.filter(\.crossSplit).map { "\($0.earlierSplit!)→\($0.laterSplit!)" }.joined(separator: ", "))"
                }
                return FilterDecision.drop(reason: reason, message: message, evidence: CanonicalJSON.string(evidence))
            }
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
