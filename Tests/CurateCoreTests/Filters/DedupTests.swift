import CurateCore
import CurateStore
import Foundation
import Testing

@Suite struct DedupTests {
    static let similar = TaskContent(
        description: "Write a function to find the similar elements from the given two tuple lists.",
        solution:
            "def similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & set(test_tup2))\r\n  return (res) ",
        tests: [
            "assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
            "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
            "assert similar_elements((11, 12, 14, 13),(17, 15, 14, 13)) == (13, 14)",
        ])
    /// The same task re-typed: other case, line endings, indentation, a comment and quotes.
    static let retyped = TaskContent(
        description: "Write a function to find the SIMILAR elements from the given two tuple lists",
        solution:
            "def similar_elements(test_tup1, test_tup2):\n    # intersect\n    res = tuple(set(test_tup1) & set(test_tup2))\n    return (res)\n",
        tests: [
            "assert similar_elements((3, 4, 5, 6), (5, 7, 4, 10)) == (4, 5)",
            "assert similar_elements((1, 2, 3, 4), (5, 4, 3, 7)) == (3, 4)",
            "assert similar_elements((11, 12, 14, 13), (17, 15, 14, 13)) == (13, 14)",
        ])
    /// A near copy: reworded description and one test changed.
    static let reworded = TaskContent(
        description: "Write a function to find the shared elements of the given two tuple lists.",
        solution:
            "def similar_elements(test_tup1, test_tup2):\n  res = tuple(set(test_tup1) & set(test_tup2))\n  return (res)",
        tests: [
            "assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
            "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
            "assert similar_elements((21, 22, 24, 23),(27, 25, 24, 23)) == (23, 24)",
        ])
    /// Same boilerplate wording, a different problem.
    static let different = TaskContent(
        description: "Write a python function to identify non-prime numbers.",
        solution:
            "import math\r\ndef is_not_prime(n):\r\n    result = False\r\n    for i in range(2,int(math.sqrt(n)) + 1):\r\n        if n % i == 0:\r\n            result = True\r\n    return result",
        tests: [
            "assert is_not_prime(2) == False", "assert is_not_prime(10) == True", "assert is_not_prime(35) == True",
        ])

    static func items() -> [FilterTask] {
        [similar, different, retyped, reworded].enumerated().map { index, content in
            FilterTask(taskID: "mbpp/\(index + 1)", revisionID: Int64(index + 1), content: content)
        }
    }

    /// The splits of `items()`, in order.
    static func splits(_ names: [String]) -> SplitAssignment {
        .dictionary(Dictionary(uniqueKeysWithValues: zip(items().map(\.taskID), names)))
    }

    @Test func normalizationIgnoresLayoutCommentsAndQuotes() {
        #expect(DedupNormalizer.codeTokens(Self.similar.solution) == DedupNormalizer.codeTokens(Self.retyped.solution))
        #expect(DedupNormalizer.codeTokens("x = 'a' # note\ny=1.5") == ["x", "=", "\"a\"", "y", "=", "1.5"])
        #expect(DedupNormalizer.descriptionTokens("Find the sum, of  Evens!") == ["find", "the", "sum", "of", "evens"])
    }

    @Test func findsExactAndNearCopiesAndFlagsTheLaterOne() throws {
        let finder = try DuplicateFinder(options: .shinglesOnly(threshold: 0.5))
        let pairs = finder.pairs(Self.items())
        let described = pairs.map { "\($0.earlier)>\($0.later):\($0.kind.rawValue)" }
        #expect(described == ["mbpp/1>mbpp/3:exact", "mbpp/1>mbpp/4:near", "mbpp/3>mbpp/4:near"])
        let decisions = finder.decisions(Self.items(), pairs: pairs)
        #expect(decisions.map { $0 == [.keep] } == [true, true, false, false])
        guard decisions[3].count == 1, case .drop(let reason, let message, let evidence) = decisions[3][0] else {
            Issue.record("mbpp/4 should be dropped")
            return
        }
        #expect(reason == .duplicate)
        #expect(message.contains("near duplicate of mbpp/1"))
        let decoded = try JSONDecoder().decode(DuplicateEvidence.self, from: Data(evidence.utf8))
        #expect(decoded.duplicateOf == "mbpp/1")
        #expect(decoded.matches.count == 2)
    }

    @Test func thresholdIsHonouredAtTheExactJaccard() throws {
        let sets = [Self.similar, Self.reworded].map { content in
            DedupField.allCases.reduce(into: Set<UInt64>()) { set, field in
                set.formUnion(
                    Shingler.shingles(DedupNormalizer.tokens(field, of: content), size: 3, salt: field.rawValue))
            }
        }
        let near = jaccard(sets[0], sets[1])
        #expect(near > 0.5 && near < 0.9)
        for (threshold, pairs) in [(0.95, 1), (near + 0.001, 1), (near, 3), (0.05, 3)] {
            let finder = try DuplicateFinder(options: .shinglesOnly(threshold: threshold))
            #expect(finder.pairs(Self.items()).count == pairs, "threshold \(threshold)")
        }
    }

    @Test func repeatedShinglesCount() {
        let four = Shingler.shingles(DedupNormalizer.codeTokens("return j*j*j*j"), size: 3)
        let five = Shingler.shingles(DedupNormalizer.codeTokens("return j*j*j*j*j"), size: 3)
        #expect(jaccard(four, five) < 1)
        #expect(jaccard(four, four) == 1)
    }

    @Test func crossSplitPairsAreMarked() throws {
        let finder = try DuplicateFinder(options: .shinglesOnly(threshold: 0.5))
        let pairs = finder.pairs(Self.items(), splits: Self.splits(["test", "test", "train", "test"]))
        #expect(pairs.filter(\.crossSplit).map(\.later) == ["mbpp/3", "mbpp/4"])
        guard case .drop(_, let message, _) = finder.decisions(Self.items(), pairs: pairs)[2].first else {
            Issue.record("mbpp/3 should be dropped")
            return
        }
        #expect(message.contains("crosses splits test→train"))
    }

    @Test func lshFindsWhatAllPairsComparisonFinds() throws {
        let lines = try String(contentsOfFile: Self.mbppSample, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 42)
        var items: [FilterTask] = []
        for (index, line) in lines.enumerated() {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let content = TaskContent(
                description: record["text"] as! String, solution: record["code"] as! String,
                tests: record["test_list"] as! [String])
            items.append(FilterTask(taskID: "mbpp/\(record["task_id"]!)", revisionID: Int64(index), content: content))
        }
        for threshold in [0.3, 0.5, 0.7] {
            let options = DedupOptions.shinglesOnly(threshold: threshold)
            let found = Set(try DuplicateFinder(options: options).pairs(items).map { "\($0.earlier)>\($0.later)" })
            var expected = Set<String>()
            let sets = items.map { item in
                options.fields.reduce(into: Set<UInt64>()) { set, field in
                    set.formUnion(
                        Shingler.shingles(
                            DedupNormalizer.tokens(field, of: item.content), size: 3, salt: field.rawValue))
                }
            }
            for a in 0..<items.count {
                for b in (a + 1)..<items.count where jaccard(sets[a], sets[b]) >= threshold {
                    expected.insert("\(items[a].taskID)>\(items[b].taskID)")
                }
            }
            #expect(found == expected, "threshold \(threshold)")
        }
        let strict = try DuplicateFinder(options: .shinglesOnly(threshold: 0.8)).pairs(items).map {
            "\($0.earlier)>\($0.later)"
        }
        #expect(strict == ["mbpp/49>mbpp/154", "mbpp/199>mbpp/388", "mbpp/248>mbpp/704"])
    }

    static let mbppSample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/filters/mbpp-near-duplicates.jsonl").path

    @Test func splitRangesParseAndAssign() throws {
        let ranges = try SplitRanges(parsing: "prompt=1-10, test=11-510,validation=511-600,train=601-974")
        #expect(ranges == SplitRanges.mbpp)
        #expect(ranges.split(sourceID: "11") == "test")
        #expect(ranges.split(sourceID: "974") == "train")
        #expect(ranges.split(sourceID: "975") == nil)
        #expect(ranges.split(sourceID: "HumanEval/3") == nil)
        #expect(throws: FilterError.badSplitRanges("test=9-1", part: "test=9-1")) {
            try SplitRanges(parsing: "test=9-1")
        }
        let assignment = SplitAssignment.ranges(.mbpp, forDatasetsWithPrefix: "mbpp")
        #expect(assignment.splitOf("mbpp-sanitized", "600") == "validation")
        #expect(assignment.splitOf("humaneval", "600") == nil)
        let policy = try SplitAssignment.policy(
            .ranges(SplitRanges.mbpp.ranges),
            tasks: [SplitCandidate(id: "mbpp/7", sourceID: "7"), SplitCandidate(id: "mbpp/700", sourceID: "700")])
        #expect(policy.splitOf("mbpp", "7") == "prompt")
        #expect(policy.splitOf("mbpp", "700") == "train")
        #expect(policy.splitOf("mbpp", "8") == nil)
    }

    @Test func stageRecordsFlagsAndSupersedesThemOnRerun() async throws {
        let store = try TaskStore()
        let contents = [Self.similar, Self.different, Self.retyped]
        _ = try store.store(
            contents.enumerated().map { index, content in
                IncomingRevision(
                    taskID: "mbpp/\(index + 600)", dataset: "mbpp", sourceID: "\(index + 600)",
                    contentHash: content.contentHash,
                    content: String(decoding: content.canonicalJSON(), as: UTF8.self), origin: .ingest, author: "test")
            })
        let report = try await DedupFilter.run(
            store: store, datasets: ["mbpp"], options: DedupOptions(),
            splits: .ranges(.mbpp, forDatasetsWithPrefix: "mbpp"))
        #expect(report.summary.dropsByReason == ["duplicate": 1])
        #expect(report.crossSplitPairs.map { "\($0.earlier)>\($0.later)" } == ["mbpp/600>mbpp/602"])
        let heads = try store.heads(dataset: "mbpp")
        let flags = try store.activeFlags(revisionIDs: heads.map { $0.revision.id! })
        #expect(flags[heads[2].revision.id!]?.map(\.code) == ["duplicate"])
        _ = try await DedupFilter.run(
            store: store, datasets: ["mbpp"], options: DedupOptions(threshold: 0.99), splits: .none)
        #expect(try store.activeFlags(revisionIDs: heads.map { $0.revision.id! })[heads[2].revision.id!]?.count == 1)
        #expect(try store.flags(revisionID: heads[2].revision.id!, activeOnly: false).count == 2)
    }
}
