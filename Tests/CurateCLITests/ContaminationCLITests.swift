import Foundation
import Testing

/// End-to-end runs of the built `curate contamination` binary against the planted-copy fixture corpus.
@Suite struct ContaminationCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/curate").path
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/contamination").path

    @discardableResult
    static func curate(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func benchCommandReportsThroughputAndFindings() throws {
        let run = try Self.curate([
            "bench", "contamination", "--mbpp", Self.fixtures + "/mbpp-sample.jsonl", "--jobs", "1", "--jobs", "2",
            Self.fixtures + "/corpus",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("MB/CPU-s"))
        #expect(run.out.contains("contaminated:lines"))
        #expect(run.out.contains("mbpp/3"))
    }

    @Test func contaminationRequiresAStoreWithTasks() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: store) }
        let run = try Self.curate(["contamination", "--store", store, "--dataset", "mbpp", Self.fixtures + "/corpus"])
        #expect(run.status != 0)
        #expect(run.err.contains("no task store at '\(store)'"))
    }

    @Test func shardedRunMergesToTheSingleRunAndRecordsFlags() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("contamination-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/store.sqlite"
        let ingest = try Self.curate(["ingest", "--store", store, "--format", "mbpp", Self.fixtures + "/mbpp-sample.jsonl"])
        #expect(ingest.status == 0, "\(ingest.err)")
        let corpus = Self.fixtures + "/corpus"
        let single = try Self.curate(["contamination", "--store", store, "--jobs", "1", "--json", corpus])
        #expect(single.status == 0, "\(single.err)")
        for rank in 0..<2 {
            let part = try Self.curate([
                "contamination", "--store", store, "--jobs", "1", "--rank", "\(rank)", "--world-size", "2",
                "--partial-dir", directory + "/parts", corpus,
            ])
            #expect(part.status == 0, "\(part.err)")
        }
        let merged = try Self.curate(["contamination", "merge", "--store", store, "--json", directory + "/parts"])
        #expect(merged.status == 0, "\(merged.err)")
        #expect(merged.out == single.out)
        #expect(single.out.contains("\"contaminated:lines\""))
        let stats = try Self.curate(["stats", "--store", store])
        #expect(stats.out.contains("contaminated:ngram"))
    }
}
