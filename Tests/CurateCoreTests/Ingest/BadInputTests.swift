import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// Broken and hostile inputs: each is refused with its file, its line and what was expected, and nothing of it stored.
struct BadInputTests {
    @Test func truncatedMTurkExportIsRejectedAtItsEnd() throws {
        let result = MTurkXMLReader.read(try Fixtures.data("ingest/truncated.xml"), path: "t.xml", dataset: "crowd")
        #expect(result.tasks.isEmpty, "the complete first assignment must not go in alone")
        #expect(
            result.diagnostics.map(\.description) == [
                "t.xml: line 23, column 1: error: invalid XML: the document ends before <Answer> (opened on line 20) is closed: the file is truncated"
            ])
    }

    @Test func deeplyNestedXMLIsRefusedWithoutCrashing() throws {
        let depth = 50_000
        let text =
            "<?xml version=\"1.0\"?>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let result = MTurkXMLReader.read(Data(text.utf8), path: "deep.xml", dataset: "crowd")
        #expect(result.tasks.isEmpty)
        let message = try #require(result.diagnostics.first?.description)
        #expect(message.hasPrefix("deep.xml: line 1, column "))
        #expect(message.contains("elements are nested more than \(XMLTree.maxDepth) levels deep"))
    }

    @Test(arguments: [
        ("<r>&foo;</r>", "undeclared entity (escape a literal & as &amp;) (libxml2 error 26)"),
        ("<r a=\"1\" a=\"2\"/>", "an attribute is given twice (libxml2 error 42)"),
        ("<r>a &#xZZ; b</r>", "invalid hexadecimal character reference (libxml2 error 6)"),
        ("<r x=1/>", "malformed attribute (libxml2 error 39)"),
        ("<r>&amp</r>", "an entity reference lacks its ';' (libxml2 error 23)"),
    ])
    func xmlErrorsSayWhatIsWrong(text: String, expected: String) throws {
        let result = MTurkXMLReader.read(
            Data(("<?xml version=\"1.0\"?>\n" + text).utf8), path: "e.xml", dataset: "crowd")
        let message = try #require(result.diagnostics.first?.description)
        #expect(message.hasPrefix("e.xml: line 2, column "), "located where the error is, not at the end")
        #expect(message.hasSuffix("invalid XML: " + expected))
    }

    @Test func csvWithInvalidUTF8IsRejectedAtTheByte() throws {
        let result = CSVReader.read(try Fixtures.data("ingest/crowd-latin1.csv"), path: "c.csv", dataset: "crowd")
        #expect(result.tasks.isEmpty, "no record may be stored with U+FFFD in place of the bad byte")
        #expect(
            result.diagnostics.map(\.description) == [
                "c.csv: line 4, byte offset 104: error: invalid UTF-8 (byte 0xE9); expected UTF-8 text: re-save the file as UTF-8"
            ])
    }

    @Test(arguments: [
        ("[\n  {\"task_id\": 1,\n   \"prompt\": \"x\",, \"code\": 1}\n]\n", "line 3, column 18"),
        ("[\n  {\"task_id\": 1}\n", "line 3, column 1"),
    ])
    func sanitizedJSONErrorsAreLocated(text: String, location: String) throws {
        let result = SanitizedMBPPReader.read(Data(text.utf8), path: "s.json", dataset: "mbpp-sanitized")
        let message = try #require(result.diagnostics.first?.description)
        #expect(message.hasPrefix("s.json: \(location): error: invalid JSON"), "\(message)")
    }

    @Test func missingFileIsSaidToNotExist() throws {
        let report = Ingestor(store: try TaskStore()).ingest(paths: ["nosuch/mbpp.jsonl"], options: IngestOptions())
        #expect(report.failureSummary == "'nosuch/mbpp.jsonl' does not exist")
        #expect(report.rejectedRecords == 0)
    }

    @Test func gzipBombStopsAtTheLimitAndNamesTheFile() throws {
        let path = Fixtures.path("ingest/bomb.jsonl.gz")
        let report = Ingestor(store: try TaskStore()).ingest(
            paths: [path], options: IngestOptions(maxUnpackedBytes: 1 << 20))
        #expect(report.failureSummary == "'\(path)' unpacks beyond the size limit")
        #expect(report.diagnostics.first?.message.contains("'\(path)' unpacks to more than 1 MiB") == true)
    }
}
