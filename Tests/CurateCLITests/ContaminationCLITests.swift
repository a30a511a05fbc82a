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
        #expect(run.err.contains("no tasks of dataset 'mbpp'"))
    }
}
