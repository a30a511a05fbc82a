import Foundation
import Testing

@testable import CurateCore

/// The planted-copy corpus: each planted MBPP task must be found (with the expected flags) and nothing else.
@Suite struct ContaminationFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/contamination")
    static var corpus: String { fixtures.appendingPathComponent("corpus").path }
    static var corrupt: String { fixtures.appendingPathComponent("corrupt").path }

    static func referenceTasks() throws -> [ReferenceTask] {
        try MBPPReferenceTasks.load(path: fixtures.appendingPathComponent("mbpp-sample.jsonl").path)
    }

    static func options(jobs: Int = 1) -> ContaminationOptions {
        var options = ContaminationOptions()
        options.jobs = jobs
        return options
    }

    /// Planted task → expected flags and the file (suffix) its evidence points to.
    static let planted: [String: (flags: [String], file: String)] = [
        "mbpp/3": (["contaminated:ngram", "contaminated:lines"], "code/lib/primes.py"),
        "mbpp/11": (["contaminated:ngram", "contaminated:lines"], "code/util/strings.py"),
        "mbpp/20": (["contaminated:ngram"], "code/numbers.py"),
        "mbpp/100": (["contaminated:ngram", "contaminated:lines"], "dumps/web.jsonl.gz"),
        "mbpp/12": (["contaminated:ngram", "contaminated:lines"], "dumps/forum.jsonl.zst"),
        "mbpp/4": (["contaminated:ngram", "contaminated:lines"], "dumps/Posts.xml"),
    ]

    @Test func findsExactlyThePlantedTasks() async throws {
        let scan = try await ContaminationAudit.scan(
            tasks: Self.referenceTasks(), corpus: [Self.corpus], options: Self.options())
        let result = scan.result()
        let flagged = Dictionary(
            uniqueKeysWithValues: result.tasks.filter { !$0.flags.isEmpty }.map { ($0.taskID, $0) })
        #expect(Set(flagged.keys) == Set(Self.planted.keys))
        for (id, expected) in Self.planted {
            let task = try #require(flagged[id])
            #expect(task.flags == expected.flags, "\(id)")
            #expect(
                task.evidence.contains { $0.location.file.hasSuffix(expected.file) },
                "\(id) evidence: \(task.evidence.map(\.location.file))")
        }
        #expect(result.stats.binaryFilesSkipped == 1)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func verbatimCopyMatchesEveryLineAndNgram() async throws {
        let result = try await ContaminationAudit.scan(
            tasks: Self.referenceTasks(), corpus: [Self.corpus], options: Self.options()
        ).result()
        let task = try #require(result.tasks.first { $0.taskID == "mbpp/3" })
        #expect(task.lines.found == task.lines.total)
        #expect(task.code.found == task.code.total)
        #expect(task.text.found > 0)
        let line = try #require(task.evidence.first { $0.kind == .line })
        #expect(line.location.offset != nil)
        let contents = try String(contentsOfFile: line.location.file, encoding: .utf8)
        let offset = try #require(line.location.offset)
        #expect(contents.utf8.dropFirst(offset).starts(with: line.location.text.utf8))
    }

    @Test func renamedVariablesAreFoundOnlyByCodeTokens() async throws {
        let result = try await ContaminationAudit.scan(
            tasks: Self.referenceTasks(), corpus: [Self.corpus], options: Self.options()
        ).result()
        let task = try #require(result.tasks.first { $0.taskID == "mbpp/20" })
        #expect(task.code.fraction >= 0.9)
        #expect(task.lines.found == 0)
        #expect(task.text.found == 0)
    }

    @Test func postBodyEvidenceNamesTheRow() async throws {
        let result = try await ContaminationAudit.scan(
            tasks: Self.referenceTasks(), corpus: [Self.corpus], options: Self.options()
        ).result()
        let task = try #require(result.tasks.first { $0.taskID == "mbpp/4" })
        let line = try #require(task.evidence.first { $0.kind == .line })
        #expect(line.location.document?.hasPrefix("Id=2") == true)
        #expect(task.lines.found == 4)
    }

    @Test func workersAndShardsGiveTheSingleRunResult() async throws {
        let tasks = try Self.referenceTasks()
        let corpora = [Self.corpus, Self.corrupt]
        let single = try await ContaminationAudit.scan(tasks: tasks, corpus: corpora, options: Self.options()).result()
        var parallel = try await ContaminationAudit.scan(tasks: tasks, corpus: corpora, options: Self.options(jobs: 3))
            .result()
        parallel.options.jobs = 1
        #expect(parallel == single)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "contamination-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for rank in 0..<3 {
            let scan = try await ContaminationAudit.scan(
                tasks: tasks, corpus: corpora, options: Self.options(jobs: 2), rank: rank, worldSize: 3)
            let path = try ContaminationAudit.writePartial(scan, dataset: "mbpp", directory: directory)
            #expect(FileManager.default.fileExists(atPath: path + ".done"))
        }
        let merged = try ContaminationAudit.mergePartials(directory: directory) { dataset in
            #expect(dataset == "mbpp")
            return tasks
        }.result()
        var expected = single
        expected.options.jobs = 1
        var got = merged
        got.options.jobs = 1
        #expect(got == expected)
    }

    @Test func mergeRefusesMissingOrUnfinishedRanks() async throws {
        let tasks = try Self.referenceTasks()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "contamination-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scan = try await ContaminationAudit.scan(
            tasks: tasks, corpus: [Self.corpus], options: Self.options(), rank: 1, worldSize: 2)
        let path = try ContaminationAudit.writePartial(scan, dataset: nil, directory: directory)
        #expect(throws: ContaminationError.partialMissing(rank: 0, worldSize: 2, directory: directory)) {
            _ = try ContaminationAudit.mergePartials(directory: directory) { _ in tasks }
        }
        try FileManager.default.removeItem(atPath: path + ".done")
        #expect(throws: ContaminationError.partialIncomplete(path: path)) {
            _ = try ContaminationAudit.mergePartials(directory: directory) { _ in tasks }
        }
    }

    /// Gram keys differ between key schemes, so a partial written by another scheme (or by a curate from before
    /// schemes were recorded) must be refused by name, with both versions and the shard to re-run.
    @Test func mergeRefusesPartialsOfAnotherKeyScheme() async throws {
        let tasks = try Self.referenceTasks()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "contamination-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var paths: [String] = []
        for rank in 0..<2 {
            let scan = try await ContaminationAudit.scan(
                tasks: tasks, corpus: [Self.corpus], options: Self.options(), rank: rank, worldSize: 2)
            paths.append(try ContaminationAudit.writePartial(scan, dataset: nil, directory: directory))
        }
        _ = try ContaminationAudit.mergePartials(directory: directory) { _ in tasks }
        let original = try Data(contentsOf: URL(fileURLWithPath: paths[1]))
        func rewrite(_ change: (inout [String: Any]) -> Void) throws {
            var object = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
            change(&object)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: paths[1]))
            try Data(SHA256.hex(data).utf8).write(to: URL(fileURLWithPath: paths[1] + ".done"))
        }
        let current = ContaminationPartial.currentKeyScheme
        try rewrite { $0["keyScheme"] = nil }
        let old = ContaminationError.partialKeyScheme(path: paths[1], found: 1, expected: current, shard: "rank 1 of 2")
        #expect(throws: old) { _ = try ContaminationAudit.mergePartials(directory: directory) { _ in tasks } }
        let message = try #require(old.errorDescription)
        #expect(
            message.contains(paths[1]) && message.contains("key scheme 1") && message.contains("key scheme \(current)")
                && message.contains("Re-run that shard (rank 1 of 2)"))
        try rewrite { $0["keyScheme"] = current + 1 }
        #expect(
            throws: ContaminationError.partialKeyScheme(
                path: paths[1], found: current + 1, expected: current, shard: "rank 1 of 2")
        ) {
            _ = try ContaminationAudit.mergePartials(directory: directory) { _ in tasks }
        }
    }

    @Test func corruptShardsAreReportedWithOffsetsAndSkipped() async throws {
        let result = try await ContaminationAudit.scan(
            tasks: Self.referenceTasks(), corpus: [Self.corrupt, Self.corpus], options: Self.options()
        ).result()
        #expect(Set(result.tasks.filter { !$0.flags.isEmpty }.map(\.taskID)) == Set(Self.planted.keys))
        let byFile = Dictionary(grouping: result.diagnostics) { ($0.file as NSString).lastPathComponent }
        let truncated = try #require(byFile["truncated.jsonl.gz"]?.first)
        #expect(
            truncated.severity == .error && truncated.location?.hasPrefix("byte ") == true
                && truncated.message.contains("truncated"))
        let garbage = try #require(byFile["garbage.jsonl.zst"]?.first)
        #expect(
            garbage.severity == .error && garbage.location?.hasPrefix("byte ") == true
                && garbage.message.contains("zstd"))
        let records = byFile["bad-records.jsonl"] ?? []
        #expect(records.map(\.location) == ["line 2, byte 24", "line 3, byte 43"])
        #expect(records.map { $0.message.hasPrefix("invalid JSON") } == [true, false])
        #expect(result.stats.filesWithErrors == 2)
    }

    @Test func boilerplateNgramsAreIgnoredAndCounted() async throws {
        var options = Self.options()
        options.maxDocumentFrequency = 1
        let tasks = try Self.referenceTasks()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "contamination-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try String(contentsOfFile: Self.corpus + "/code/lib/primes.py", encoding: .utf8)
        try source.write(to: directory.appendingPathComponent("a.py"), atomically: true, encoding: .utf8)
        try source.write(to: directory.appendingPathComponent("b.py"), atomically: true, encoding: .utf8)
        let result = try await ContaminationAudit.scan(tasks: tasks, corpus: [directory.path], options: options)
            .result()
        let task = try #require(result.tasks.first { $0.taskID == "mbpp/3" })
        #expect(task.text.found == 0 && task.text.ignored > 0)
        #expect(task.code.found == 0 && task.code.ignored > 0)
        #expect(task.lines.found == task.lines.total)
        #expect((result.summary.ignoredNgrams["text"] ?? 0) == task.text.ignored)
    }

    @Test func metricsSubsetScansOnlyThoseKinds() async throws {
        var options = Self.options()
        options.metrics = [.line]
        let result = try await ContaminationAudit.scan(
            tasks: Self.referenceTasks(), corpus: [Self.corpus], options: options
        ).result()
        let flagged = Set(result.tasks.filter { !$0.flags.isEmpty }.map(\.taskID))
        #expect(flagged == Set(Self.planted.keys).subtracting(["mbpp/20"]))
        #expect(result.tasks.allSatisfy { $0.text.total == 0 && $0.code.total == 0 })
        #expect(result.summary.indexedGrams.keys.sorted() == ["line"])
    }
}
