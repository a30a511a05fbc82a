import CurateTestSupport
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

/// Sizes at buffer boundaries, the unpacked-size cap and errors naming their input.
struct GzipLimitTests {
    @Test func unpackedSizeThatIsAnExactBufferMultipleIsAccepted() throws {
        let path = Fixtures.path("ingest/exact-2mib.txt.gz")
        #expect(try Gzip.decompress(path: path).count == 2 << 20)
        #expect(try Gzip.decompress(try Data(contentsOf: URL(fileURLWithPath: path))).count == 2 << 20)
        let reader = try GzipReader(path: path)
        var total = 0
        for chunk in reader { total += chunk.count }
        #expect(reader.error == nil && total == 2 << 20)
    }

    @Test func unpackingStopsAtTheLimit() throws {
        let path = Fixtures.path("ingest/bomb.jsonl.gz")
        #expect(throws: GzipError.tooLarge(path: path, limit: 1 << 20)) {
            try Gzip.decompress(path: path, limit: 1 << 20)
        }
        #expect(try Gzip.decompress(path: path, limit: 3 << 20).count == 3 << 20)
    }

    @Test func inMemoryErrorsNameTheirInput() throws {
        let data = try Fixtures.data("contamination/corrupt/truncated.jsonl.gz")
        #expect(throws: GzipError.truncated(path: "dump.gz", offset: data.count)) {
            try Gzip.decompress(data, name: "dump.gz")
        }
    }
}
