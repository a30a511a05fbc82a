/// Options of the `split` stage, shared by `curate split` and `curate release` (`--policy`, `--range`, …): the policy
/// and the few-shot selection. Left unset, the policy follows the dataset: MBPP's published ranges for `mbpp*`, the
/// `split` field with MathQA's files for `mathqa-python*`, else a hash 80/10/10.
public struct SplitStageOptions: StageOptions {
    /// ranges, hash or field; nil: by dataset.
    public var policy: String?
    /// For ranges: split -> [lower, upper], in release order; empty: MBPP's for `mbpp*` datasets.
    public var ranges = OrderedSplitRanges()
    /// For hash: split -> weight, in order; empty: train 0.8, validation 0.1, test 0.1.
    public var ratios = OrderedSplitRatios()
    /// For hash and few-shot picks: the salt; nil: the dataset name.
    public var salt: String?
    /// For hash: a metadata key to stratify by.
    public var stratifyBy: String?
    /// For field: the metadata key whose value is the split.
    public var field = "split"
    /// For field: the allowed values in release order; nil: MathQA's files for `mathqa-python*` datasets.
    public var splits: [String]?
    public var fewShotSplit = "prompt"
    /// Fixed few-shot task ids (source ids).
    public var fewShotIDs: [String]?
    /// Pick this many validated, unflagged tasks from `few_shot_pool`.
    public var fewShotCount: Int?
    public var fewShotPool: String?
    /// Move each group of duplicate tasks into the split of its earliest task, so no duplicate pair crosses splits.
    public var keepDuplicatesTogether = false
    /// Splits a model learns from; the few-shot split counts too. Duplicates may cross between these, never into
    /// another (evaluation) split.
    public var trainingSplits = ["train"]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case policy, ranges, ratios, salt
        case stratifyBy = "stratify_by"
        case field, splits
        case fewShotSplit = "few_shot_split"
        case
            fewShotIDs = "few_shot_ids"
        case fewShotCount = "few_shot_count"
        case fewShotPool = "few_shot_pool"
        case keepDuplicatesTogether = "keep_duplicates_together"
        case trainingSplits = "training_splits"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// The CLI flags whose name is not the key with dashes.
    public static let flags = ["ranges": "--range", "ratios": "--ratio", "training_splits": "--training-split"]

    public func problems() -> [OptionProblem] {
        [
            policy.flatMap {
                ["ranges", "hash", "field"].contains($0)
                    ? nil : OptionProblem("policy", "must be ranges, hash or field (got '\($0)')")
            },
            ratios.entries.first { !$0.weight.isFinite || $0.weight < 0 }.map {
                OptionProblem("ratios", "'\($0.split)' must be a weight ≥ 0 (got \($0.weight))")
            },
            fewShotCount.flatMap { OptionCheck.atLeast("few_shot_count", $0, 0) },
            fewShotCount != nil && fewShotIDs == nil && fewShotPool == nil
                ? OptionProblem("few_shot_count", "needs a pool to pick from: few_shot_pool (--few-shot-pool)") : nil,
        ].compactMap { $0 }
    }

    /// The policy for `dataset`: the one set, else the dataset's default; a problem names the key to set.
    public func splitPolicy(dataset: String) throws(OptionProblem) -> SplitPolicy {
        let isMathQA = NativeLayout.forDataset(dataset) == .mathqaPython
        let chosen =
            policy
            ?? (!ranges.entries.isEmpty
                ? "ranges"
                : !ratios.entries.isEmpty
                    ? "hash"
                    : splits != nil
                        ? "field"
                        : dataset.hasPrefix("mbpp") ? "ranges" : isMathQA ? "field" : "hash")
        switch chosen {
        case "ranges":
            guard !ranges.entries.isEmpty || dataset.hasPrefix("mbpp") else {
                throw OptionProblem(
                    "ranges",
                    "must be set for policy 'ranges' on dataset '\(dataset)' (split: [lower, upper], …; MBPP's are the default only for mbpp datasets)"
                )
            }
            return .ranges(ranges.entries.isEmpty ? SplitRange.mbpp : ranges.entries)
        case "field":
            let listed = splits ?? (isMathQA ? MathQAFile.splits : [])
            guard !listed.isEmpty else {
                throw OptionProblem("splits", "must list the field's values, in release order, for policy 'field'")
            }
            return .field(key: field, splits: listed)
        default:
            let defaults = [
                SplitRatio(split: "train", weight: 0.8), SplitRatio(split: "validation", weight: 0.1),
                SplitRatio(split: "test", weight: 0.1),
            ]
            return .hash(
                salt: salt ?? dataset, ratios: ratios.entries.isEmpty ? defaults : ratios.entries,
                stratifyBy: stratifyBy)
        }
    }

    /// The training-side splits: those listed and the few-shot split (a model sees its tasks in the prompt).
    public var trainingSide: [String] {
        trainingSplits + (trainingSplits.contains(fewShotSplit) ? [] : [fewShotSplit])
    }

    /// The few-shot selection these options set.
    public func fewShot(dataset: String) -> FewShotSelection {
        if let fewShotIDs { return .fixed(split: fewShotSplit, sourceIDs: fewShotIDs) }
        if let fewShotCount, let fewShotPool {
            return .pick(split: fewShotSplit, count: fewShotCount, pool: fewShotPool, salt: salt ?? dataset)
        }
        return .none
    }
}

/// A YAML mapping `split: [lower, upper]` in the order written (the order is the release order), read with the one
/// range parser, `SplitRange(parsing:)`.
public struct OrderedSplitRanges: Codable, Sendable, Hashable {
    public var entries: [SplitRange]

    public init(_ entries: [SplitRange] = []) { self.entries = entries }

    public init(from decoder: any Decoder) throws {
        entries = try OrderedEntry.decodeAll(decoder) { entry, problem in
            guard let bounds = entry.value.list?.compactMap(\.int), bounds.count == 2 else {
                throw problem("must be a mapping of split: [lower, upper] with integer bounds")
            }
            guard let range = SplitRange(parsing: "\(entry.key)=\(bounds[0])-\(bounds[1])") else {
                throw problem("'\(entry.key)' must be [lower, upper] with integer bounds, lower <= upper")
            }
            return range
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try entries.map { OrderedEntry(key: $0.split, value: .list([.int($0.lower), .int($0.upper)])) }.encode(
            to: encoder)
    }
}

/// A YAML mapping `split: weight` in the order written (the order decides which tasks a hash assigns where).
public struct OrderedSplitRatios: Codable, Sendable, Hashable {
    public var entries: [SplitRatio]

    public init(_ entries: [SplitRatio] = []) { self.entries = entries }

    public init(from decoder: any Decoder) throws {
        entries = try OrderedEntry.decodeAll(decoder) { entry, problem in
            guard let weight = entry.value.number else { throw problem("must be a mapping of split: weight") }
            return SplitRatio(split: entry.key, weight: weight)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try entries.map { OrderedEntry(key: $0.split, value: .double($0.weight)) }.encode(to: encoder)
    }
}

/// One entry of a YAML mapping as `StageOptions.decode` passes it (`{"key": …, "value": …}`), keeping the order.
struct OrderedEntry: Codable, Hashable {
    var key: String
    var value: JSONScalarOrList

    /// The entries of a mapping, each made into a `T` by `make`, which throws `problem(message)` for a bad entry.
    static func decodeAll<T>(_ decoder: any Decoder, _ make: (OrderedEntry, (String) -> DecodingError) throws -> T)
        throws -> [T]
    {
        var container = try decoder.unkeyedContainer()
        var items: [T] = []
        while !container.isAtEnd {
            items.append(
                try make(try container.decode(OrderedEntry.self)) { message in
                    DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
                })
        }
        return items
    }

    /// A mapping entry's value: a number, or a list of numbers; anything else decodes as `.other`.
    enum JSONScalarOrList: Codable, Hashable {
        case int(Int)
        case double(Double)
        case list([JSONScalarOrList])
        case other

        init(from decoder: any Decoder) throws {
            if let container = try? decoder.singleValueContainer() {
                if let int = try? container.decode(Int.self) { self = .int(int); return }
                if let double = try? container.decode(Double.self) { self = .double(double); return }
            }
            if var list = try? decoder.unkeyedContainer() {
                var items: [JSONScalarOrList] = []
                while !list.isAtEnd { items.append((try? list.decode(JSONScalarOrList.self)) ?? .other) }
                self = .list(items)
                return
            }
            self = .other
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let int): try container.encode(int)
            case .double(let double): try container.encode(double)
            case .list(let items): try container.encode(items)
            case .other: try container.encodeNil()
            }
        }

        var int: Int? { if case .int(let int) = self { int } else { nil } }
        var number: Double? {
            switch self {
            case .int(let int): Double(int)
            case .double(let double): double
            default: nil
            }
        }
        var list: [JSONScalarOrList]? { if case .list(let items) = self { items } else { nil } }
    }
}
