import Foundation

/// Description words as a paraphrase sees them: lowercase, without the boilerplate every MBPP task starts with,
/// stopwords and plural endings, so "interchange the first and last elements in a list" and "interchange first and
/// last elements in a given list" give the same words.
public enum DescriptionNormalizer {
    /// Phrases that say how to answer rather than what, removed wherever they occur (longest first).
    public static let boilerplate: [[String]] = [
        "write a python function to", "write a python function that", "write a function to", "write a function that",
        "write a python program to", "write a program to", "by using regex", "using regex", "by using lambda function",
        "using lambda function", "using lambda", "in a given list", "in the given list",
    ].map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }

    /// Words that carry no task meaning.
    public static let stopwords: Set<String> = [
        "a", "an", "the", "to", "of", "in", "for", "is", "are", "be", "by", "with", "from", "on", "at", "as", "that",
        "this", "which", "it", "its", "into", "given",
    ]

    /// The normalized words of a description, in order.
    public static func words(_ text: String) -> [String] {
        let tokens = DedupNormalizer.descriptionTokens(text)
        var kept: [String] = []
        var index = 0
        scan: while index < tokens.count {
            for phrase in boilerplate where tokens[index...].starts(with: phrase) {
                index += phrase.count
                continue scan
            }
            if !stopwords.contains(tokens[index]) { kept.append(stem(tokens[index])) }
            index += 1
        }
        return kept
    }

    /// Light stemming: plural endings only (`elements` → `element`, `entries` → `entry`, `boxes` → `box`).
    public static func stem(_ word: String) -> String {
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 4, ["ches", "shes", "sses", "xes", "zes"].contains(where: word.hasSuffix) {
            return String(word.dropLast(2))
        }
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us") {
            return String(word.dropLast())
        }
        return word
    }

    /// Features compared: the words and adjacent word pairs (so "radians to degrees" differs from "degrees to radians").
    public static func features(_ text: String) -> [String] {
        let words = words(text)
        return words + zip(words, words.dropFirst()).map { "\($0) \($1)" }
    }
}

/// IDF-weighted cosine similarity of descriptions over a batch: a feature shared by few tasks counts more than one
/// every task has. Pairs above a threshold are found through an inverted index, without comparing every pair.
public struct DescriptionIndex: Sendable {
    /// Unit-length weighted vectors, one per description: feature index → weight, sorted by feature.
    let vectors: [[(feature: Int, weight: Double)]]

    public init(_ descriptions: [String]) {
        var ids: [String: Int] = [:]
        let counted: [[Int: Int]] = descriptions.map { text in
            var counts: [Int: Int] = [:]
            for feature in DescriptionNormalizer.features(text) {
                let id = ids[feature] ?? ids.count
                ids[feature] = id
                counts[id, default: 0] += 1
            }
            return counts
        }
        var documentFrequency = [Int](repeating: 0, count: ids.count)
        for counts in counted { for feature in counts.keys { documentFrequency[feature] += 1 } }
        let n = Double(descriptions.count)
        vectors = counted.map { counts in
            let weighted = counts.map { feature, count in
                (feature, Double(count) * (log((1 + n) / (1 + Double(documentFrequency[feature]))) + 1))
            }
            let norm = sqrt(weighted.reduce(0) { $0 + $1.1 * $1.1 })
            return weighted.map { (feature: $0.0, weight: $0.1 / norm) }.sorted { $0.feature < $1.feature }
        }
    }

    /// Cosine similarity of descriptions `a` and `b`, in [0, 1]; 0 when either has no words left.
    public func similarity(_ a: Int, _ b: Int) -> Double {
        var i = 0, j = 0, sum = 0.0
        let x = vectors[a], y = vectors[b]
        while i < x.count, j < y.count {
            if x[i].feature == y[j].feature {
                sum += x[i].weight * y[j].weight
                i += 1
                j += 1
            } else if x[i].feature < y[j].feature {
                i += 1
            } else {
                j += 1
            }
        }
        return min(1, sum)
    }

    /// Index pairs (earlier first) whose similarity is at least `threshold`.
    public func pairs(atLeast threshold: Double) -> [MinHasher.Pair] {
        var postings: [Int: [(item: Int, weight: Double)]] = [:]
        var dot = [Double](repeating: 0, count: vectors.count)
        var result: [MinHasher.Pair] = []
        for (item, vector) in vectors.enumerated() {
            var touched: [Int] = []
            for entry in vector {
                for posting in postings[entry.feature] ?? [] {
                    if dot[posting.item] == 0 { touched.append(posting.item) }
                    dot[posting.item] += entry.weight * posting.weight
                }
            }
            for other in touched {
                if dot[other] >= threshold - 1e-9 { result.append(MinHasher.Pair(other, item)) }
                dot[other] = 0
            }
            for entry in vector { postings[entry.feature, default: []].append((item, entry.weight)) }
        }
        return result
    }
}
