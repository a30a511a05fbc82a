import Foundation
import Testing
@testable import CurateCore

@Suite struct GzipTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/contamination")

    @Test func decompressesAFileInChunksAndWhole() throws {
        let path = Self.fixtures.appendingPathComponent("corpus/dumps/web.jsonl.gz").path
        let reader = try GzipReader(path: path)
        var streamed = Data()
        for chunk in reader { streamed.append(chunk) }
        #expect(reader.error == nil)
        let whole = try Gzip.decompress(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(streamed == whole)
        #expect(String(decoding: whole, as: UTF8.self).split(separator: "\n").count == 3)
    }

    @Test func concatenatedMembersAreOneStream() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("corpus/dumps/web.jsonl.gz"))
        let once = try Gzip.decompress(data)
        #expect(try Gzip.decompress(data + data) == once + once)
    }

    @Test func truncatedDataThrowsWithOffset() throws {
        let path = Self.fixtures.appendingPathComponent("corrupt/truncated.jsonl.gz").path
        let reader = try GzipReader(path: path)
        while reader.next() != nil {}
        guard case .truncated(let failedPath, let offset)? = reader.error else {
            Issue.record("expected truncation, got \(String(describing: reader.error))")
            return
        }
        #expect(failedPath == path && offset > 0)
        #expect(throws: GzipError.self) { try Gzip.decompress(try Data(contentsOf: URL(fileURLWithPath: path))) }
    }
}
