import Foundation
import Testing
@testable import CurateCore

@Suite struct CorpusReaderTests {
    private func field(_ line: String, _ key: String = "text") -> (JSONField.Result, String) {
        var out: [UInt8] = []
        var bytes = Array(line.utf8)
        let result = bytes.withUnsafeMutableBufferPointer { JSONField.extract(Array(key.utf8), from: UnsafeBufferPointer($0), into: &out) }
        return (result, String(decoding: out, as: UTF8.self))
    }

    @Test(arguments: [
        (#"{"text": "plain"}"#, JSONField.Result.found, "plain"),
        (#"{"id": 3, "meta": {"text": "nested", "a": [1, "x\"y"]}, "text": "top"}"#, .found, "top"),
        (#"{"text": "line\nbreak \"q\" \u00e9 \ud83d\ude00 \\"}"#, .found, "line\nbreak \"q\" é 😀 \\"),
        (#"{"other": "x"}"#, .missing, ""),
        (#"{"text": 12}"#, .invalid, ""),
        (#"not json"#, .invalid, ""),
        (#"{"text": "unterminated"#, .invalid, ""),
    ])
    func jsonFieldExtraction(line: String, expected: JSONField.Result, text: String) {
        let (result, value) = field(line)
        #expect(result == expected)
        if expected == .found { #expect(value == text) }
    }

    @Test func htmlBodiesKeepCodeLinesAndDecodeEntities() {
        var out: [UInt8] = []
        HTMLText.text("<p>Try &lt;this&gt; &amp; that:</p><pre><code>def f(x):\n    return x &gt; 1\n</code></pre><p>Done&#33;</p>", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "Try <this> & that:\ndef f(x):\n    return x > 1\nDone!\n")
    }

    @Test func autoFormatFollowsExtensionAndContent() throws {
        let fixtures = ContaminationFixtureTests.fixtures.path
        let listing = try CorpusListing.files([fixtures + "/corpus"], format: .auto, include: [], exclude: ["*.bin"])
        let formats = Dictionary(uniqueKeysWithValues: listing.files.map { (($0.path as NSString).lastPathComponent, "\($0.format)/\($0.compression)") })
        #expect(formats["web.jsonl.gz"] == "jsonl/gzip")
        #expect(formats["forum.jsonl.zst"] == "jsonl/zstd")
        #expect(formats["Posts.xml"] == "posts/none")
        #expect(formats["primes.py"] == "text/none")
        #expect(formats["blob.bin"] == nil)
        #expect(listing.files.map(\.path) == listing.files.map(\.path).sorted())
        #expect(listing.files.map(\.index) == Array(0..<listing.files.count))
    }

    @Test func includeGlobsSelectFiles() throws {
        let fixtures = ContaminationFixtureTests.fixtures.path
        let listing = try CorpusListing.files([fixtures + "/corpus"], format: .auto, include: ["*.py"], exclude: ["code/util/*"])
        #expect(listing.files.map { ($0.path as NSString).lastPathComponent }.sorted() == ["numbers.py", "primes.py", "shapes.py"])
    }

    @Test func wikipediaPagesAreDocuments() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wiki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let xml = """
            <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/"><page><title>Primes</title><id>7</id><revision><text xml:space="preserve">
            import math
            def is_not_prime(n):
                result = False
                for i in range(2,int(math.sqrt(n)) + 1):
                    if n % i == 0:
                        result = True
                return result
            </text></revision></page><page><title>Other</title><revision><text>nothing</text></revision></page></mediawiki>
            """
        let path = directory.appendingPathComponent("dump.xml")
        try xml.write(to: path, atomically: true, encoding: .utf8)
        let tasks = try ContaminationFixtureTests.benchmark()
        let result = try await ContaminationAudit.scan(tasks: tasks, corpus: [path.path], options: ContaminationOptions()).result()
        #expect(result.stats.documents == 2)
        let task = try #require(result.tasks.first { $0.taskID == "mbpp/3" })
        #expect(task.flags.contains("contaminated:lines"))
        #expect(task.evidence.first?.location.document?.hasPrefix("title=Primes") == true)
    }
}
