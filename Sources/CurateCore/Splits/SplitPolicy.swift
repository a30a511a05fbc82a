import Foundation

/// How tasks are assigned to splits.
public enum SplitPolicy: Sendable, Hashable, Codable {
    /// By numeric task id ranges (inclusive), e.g. MBPP's 1–10 prompt, 11–510 test, 511–600 validation, 601–974 train.
    case ranges([SplitRange])
    /// By a salted hash of the task id against cumulative ratios; adding tasks never moves existing ones.
    /// With `stratifyBy`, each stratum (a metadata key's value) is split by ratio over its tasks ordered by hash.
    case hash(salt: String, ratios: [SplitRatio], stratifyBy: String?)
    /// By a metadata field whose value names the split (MathQA's source file: dev, test, …); `splits` lists the
    /// allowed values in release order, so an unexpected value is an error rather than a new split.
    case field(key: String, splits: [String])
}

/// An inclusive range of numeric source ids that lands in one split.
public struct SplitRange: Sendable, Hashable, Codable {
    public var split: String
    public var lower: Int
    public var upper: Int
    public init(split: String, lower: Int, upper: Int) {
        self.split = split
        self.lower = lower
        self.upper = upper
    }
}

extension SplitRange {
    /// MBPP's published split by task id: 1–10 prompt, 11–510 test, 511–600 validation, 601–974 train.
    public static let mbpp = [
        SplitRange(split: "prompt", lower: 1, upper: 10), SplitRange(split: "test", lower: 11, upper: 510),
        SplitRange(split: "validation", lower: 511, upper: 600), SplitRange(split: "train", lower: 601, upper: 974),
    ]

    /// What `init(parsing:)` accepts, for error messages.
    public static let expected = "is not SPLIT=LOW-HIGH with LOW <= HIGH, or SPLIT=ID (e.g. test=11-510)"

    /// The one parser of a range's text form, for every command and option: `test=11-510`, or `test=11` for one id;
    /// nil when the name is empty, a bound is not an integer, or LOW > HIGH.
    public init?(parsing text: String) {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let bounds = parts[1].split(separator: "-", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard bounds.count == 1 || bounds.count == 2, let lower = bounds.first ?? nil, let upper = bounds.last ?? nil,
            lower <= upper
        else { return nil }
        self.init(split: parts[0], lower: lower, upper: upper)
    }

    /// The text form `init(parsing:)` reads.
    public var text: String { "\(split)=\(lower)-\(upper)" }
}

/// A split's share of the tasks under a hash policy.
public struct SplitRatio: Sendable, Hashable, Codable {
    public var split: String
    public var weight: Double
    public init(split: String, weight: Double) {
        self.split = split
        self.weight = weight
    }
}

/// The few-shot prompt set: fixed ids, or K tasks picked deterministically from a pool of eligible tasks.
public enum FewShotSelection: Sendable, Hashable, Codable {
    case none
    case fixed(split: String, sourceIDs: [String])
    /// Picks the `count` eligible tasks of `pool` (a split name) with the smallest salted hashes, into `split`.
    case pick(split: String, count: Int, pool: String, salt: String)
}

/// A task as the splitter sees it.
public struct SplitCandidate: Sendable, Hashable {
    public var id: String
    public var sourceID: String
    public var metadata: [String: String]
    /// False when the task has a failing validation or an active flag (not eligible for few-shot picks).
    public var eligibleForFewShot: Bool

    public init(id: String, sourceID: String, metadata: [String: String] = [:], eligibleForFewShot: Bool = true) {
        self.id = id
        self.sourceID = sourceID
        self.metadata = metadata
        self.eligibleForFewShot = eligibleForFewShot
    }
}

/// Problems with a split configuration.
public enum SplitError: LocalizedError, Equatable {
    case nonNumericID(String)
    case outsideRanges(String)
    case badRatios(String)
    case fewShotUnavailable(String)
    case missingField(id: String, key: String)
    case unlistedFieldValue(id: String, key: String, value: String)

    public var errorDescription: String? {
        switch self {
        case .nonNumericID(let id):
            return "task '\(id)' has no numeric id, so the `ranges` policy cannot place it; use the `hash` policy."
        case .outsideRanges(let id):
            return "task '\(id)' falls in none of the configured ranges; extend the ranges to cover it."
        case .badRatios(let why):
            return "invalid split ratios: \(why). Give positive weights, e.g. train: 0.8, test: 0.2."
        case .fewShotUnavailable(let why): return "cannot build the few-shot set: \(why)."
        case .missingField(let id, let key):
            return
                "task '\(id)' has no metadata field '\(key)', so the `field` policy cannot place it; choose a field every task has."
        case .unlistedFieldValue(let id, let key, let value):
            return
                "task '\(id)' has \(key) '\(value)', which is not one of the listed splits; add '\(value)' to `splits`."
        }
    }
}

/// Assigns tasks to splits under a policy; pure and deterministic.
public enum Splitter {
    /// Split name per task id.
    public static func assign(_ tasks: [SplitCandidate], policy: SplitPolicy, fewShot: FewShotSelection = .none) throws
        -> [String: String]
    {
        var assignment: [String: String] = [:]
        switch policy {
        case .ranges(let ranges):
            for task in tasks {
                guard let number = Int(task.sourceID) else { throw SplitError.nonNumericID(task.id) }
                guard let range = ranges.first(where: { $0.lower <= number && number <= $0.upper }) else {
                    throw SplitError.outsideRanges(task.id)
                }
                assignment[task.id] = range.split
            }
        case .field(let key, let splits):
            for task in tasks {
                guard let value = task.metadata[key] else { throw SplitError.missingField(id: task.id, key: key) }
                guard splits.contains(value) else {
                    throw SplitError.unlistedFieldValue(id: task.id, key: key, value: value)
                }
                assignment[task.id] = value
            }
        case .hash(let salt, let ratios, let stratifyBy):
            let total = ratios.reduce(0) { $0 + $1.weight }
            guard !ratios.isEmpty, total > 0, ratios.allSatisfy({ $0.weight >= 0 }) else {
                throw SplitError.badRatios("weights must be non-negative and sum to more than 0")
            }
            if let key = stratifyBy {
                let strata = Dictionary(grouping: tasks) { $0.metadata[key] ?? "" }
                for (_, members) in strata {
                    let ordered = members.sorted { unitHash(salt, $0.id) < unitHash(salt, $1.id) }
                    var start = 0.0
                    for (index, ratio) in ratios.enumerated() {
                        let end =
                            index == ratios.count - 1
                            ? Double(ordered.count) : start + ratio.weight / total * Double(ordered.count)
                        for position in Int(start.rounded())..<Int(end.rounded()) {
                            assignment[ordered[position].id] = ratio.split
                        }
                        start = end
                    }
                }
            } else {
                for task in tasks {
                    let point = unitHash(salt, task.id) * total
                    var cumulative = 0.0
                    var chosen = ratios.last!.split
                    for ratio in ratios {
                        cumulative += ratio.weight
                        if point < cumulative { chosen = ratio.split; break }
                    }
                    assignment[task.id] = chosen
                }
            }
        }
        switch fewShot {
        case .none:
            break
        case .fixed(let split, let sourceIDs):
            let byID = Dictionary(uniqueKeysWithValues: tasks.map { ($0.sourceID, $0.id) })
            for sourceID in sourceIDs {
                guard let id = byID[sourceID] else {
                    throw SplitError.fewShotUnavailable("task '\(sourceID)' is not in the dataset")
                }
                assignment[id] = split
            }
        case .pick(let split, let count, let pool, let salt):
            let eligible = tasks.filter { assignment[$0.id] == pool && $0.eligibleForFewShot }
                .sorted { unitHash(salt, $0.id) < unitHash(salt, $1.id) }
            guard eligible.count >= count else {
                throw SplitError.fewShotUnavailable(
                    "pool '\(pool)' has \(eligible.count) eligible task(s), \(count) wanted")
            }
            for task in eligible.prefix(count) { assignment[task.id] = split }
        }
        return assignment
    }

    /// A task id's position in [0, 1) under a salt: the first 8 bytes of sha256("salt:id").
    public static func unitHash(_ salt: String, _ id: String) -> Double {
        var hasher = SHA256()
        hasher.update(Data("\(salt):\(id)".utf8))
        let digest = hasher.finalize()
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }
}
