import CurateCore
import CurateTestSupport
import Foundation
import Testing

@Suite struct DescriptionSimilarityTests {
    @Test(arguments: [
        (
            "Write a python function to interchange the first and last elements in a list.",
            "interchange first and last element list"
        ),
        (
            "Write a python function to interchange first and last elements in a given list.",
            "interchange first and last element"
        ),
        ("Write a function to find the list with minimum length using lambda function.", "find list minimum length"),
        (
            "Write a function to remove lowercase substrings from a given string by using regex.",
            "remove lowercase substring string"
        ),
        (
            "Write a function that matches a string that has an a followed by three 'b'.",
            "match string has followed three b"
        ),
        (
            "Write a python function to count the number of set bits (entries, boxes) of 12.",
            "count number set bit entry box 12"
        ),
        ("Write a function to", ""),
    ])
    func normalizationDropsBoilerplateStopwordsAndPlurals(text: String, words: String) {
        #expect(DescriptionNormalizer.words(text).joined(separator: " ") == words)
    }

    @Test(arguments: [
        ("elements", "element"), ("entries", "entry"), ("matches", "match"), ("class", "class"), ("is", "is"),
        ("status", "status"), ("boxes", "box"),
    ])
    func stemmingRemovesPluralEndingsOnly(word: String, stem: String) {
        #expect(DescriptionNormalizer.stem(word) == stem)
    }

    /// The 42 MBPP tasks of the dedup fixture: the background that gives words their weights.
    static func background() throws -> [String] {
        try String(contentsOfFile: Fixtures.path("filters/mbpp-near-duplicates.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                return record["text"] as! String
            }
    }

    /// Similarity of `a` and `b` among the background descriptions.
    static func similarity(_ a: String, _ b: String) throws -> Double {
        let texts = try background() + [a, b]
        return DescriptionIndex(texts).similarity(texts.count - 2, texts.count - 1)
    }

    @Test(arguments: [
        (
            "Write a python function to interchange the first and last elements in a list.",
            "Write a python function to interchange first and last elements in a given list."
        ),
        (
            "Write a function to remove all whitespaces from the given string using regex.",
            "Write a function to remove all whitespaces from a string."
        ),
        (
            "Write a python function to find the minimum of two numbers.",
            "Write a function to find minimum of two numbers."
        ),
        (
            "Write a function to count number of unique lists within a list.",
            "Write a function to count the number of unique lists within a list."
        ),
        (
            "Write a function to sort each sublist of strings in a given list of lists using lambda function.",
            "Write a function to sort each sublist of strings in a given list of lists."
        ),
    ])
    func paraphrasesMatch(a: String, b: String) throws {
        #expect(try Self.similarity(a, b) >= DedupOptions().descriptionThreshold)
    }

    @Test(arguments: [
        ("Write a function to convert radians to degrees.", "Write a function to convert degrees to radians."),
        (
            "Write a function to find the lateral surface area of a cube.",
            "Write a function to find the lateral surface area of a cone."
        ),
        (
            "Write a python function to find the minimum of two numbers.",
            "Write a python function to identify non-prime numbers."
        ),
        (
            "Write a function to find the maximum total path sum in the given triangle.",
            "Write a function to check if the triangle is valid or not."
        ),
        ("Write a function to", "Write a function to"),
    ])
    func unrelatedDescriptionsDoNot(a: String, b: String) throws {
        #expect(try Self.similarity(a, b) < DedupOptions().descriptionThreshold)
    }

    @Test func indexFindsWhatComparingEveryPairFinds() throws {
        let texts =
            try Self.background() + [
                "Write a python function to interchange the first and last elements in a list.",
                "Write a python function to interchange first and last elements in a given list.",
            ]
        let index = DescriptionIndex(texts)
        for threshold in [0.3, 0.5, 0.8] {
            var expected: Set<String> = []
            for a in texts.indices {
                for b in texts.indices where a < b && index.similarity(a, b) >= threshold {
                    expected.insert("\(a)>\(b)")
                }
            }
            let found = Set(index.pairs(atLeast: threshold).map { "\($0.first)>\($0.second)" })
            #expect(found == expected, "threshold \(threshold)")
            #expect(found.contains("\(texts.count - 2)>\(texts.count - 1)"))
        }
    }
}
