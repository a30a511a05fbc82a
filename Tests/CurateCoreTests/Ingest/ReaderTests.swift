import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

struct ReaderTests {
    @Test func mbppJSONLines() throws {
        let result = MBPPReader.read(
            try Fixtures.data("ingest/mbpp-small.jsonl"), path: "mbpp-small.jsonl", dataset: "mbpp")
        #expect(result.diagnostics.isEmpty)
        #expect(result.tasks.map(\.id) == ["mbpp/1", "mbpp/2", "mbpp/3", "mbpp/4", "mbpp/5"])
        let first = try #require(result.tasks.first)
        #expect(first.content.entryPoint == "min_cost")
        #expect(first.content.tests.count == 3)
        #expect(first.content.solution.contains("\r\n"), "code is kept verbatim")
        #expect(first.provenance.location == "line 1")
        #expect(first.provenance.rawSHA256.count == 64)
    }

    @Test func mbppMalformedLinesAreLocated() throws {
        let result = MBPPReader.read(try Fixtures.data("ingest/mbpp-bad.jsonl"), path: "bad.jsonl", dataset: "mbpp")
        #expect(result.tasks.map(\.sourceID) == ["1", "2", "5"])
        #expect(result.records == 5)
        let messages = result.diagnostics.map(\.description)
        #expect(messages.count == 2)
        #expect(messages[0].hasPrefix("bad.jsonl: line 3: error: invalid JSON"))
        #expect(messages[1] == "bad.jsonl: line 4: error: missing field 'test_list' (expected an array of strings)")
    }

    @Test func sanitizedMBPP() throws {
        let url = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "raw/mbpp/sanitized-mbpp.json")
        let result = SanitizedMBPPReader.read(try Data(contentsOf: url), path: "s.json", dataset: "mbpp-sanitized")
        #expect(result.diagnostics.isEmpty)
        #expect(result.tasks.count == 427)
        let withImports = try #require(result.tasks.first { !$0.content.testSetup.isEmpty })
        #expect(withImports.content.testSetup.contains("import"))
        #expect(result.tasks[0].content.metadata["source_file"] != nil)
    }

    @Test func humanEvalBecomesOneProgram() throws {
        let result = HumanEvalReader.read(
            try Fixtures.data("ingest/humaneval-small.jsonl"), path: "he.jsonl", dataset: "humaneval")
        #expect(result.tasks.map(\.id) == ["humaneval/HumanEval/0", "humaneval/HumanEval/1", "humaneval/HumanEval/2"])
        let task = result.tasks[0].content
        #expect(task.entryPoint == "has_close_elements")
        #expect(task.tests == ["check(has_close_elements)"])
        #expect(task.testSetup.contains("def check(candidate)"))
        #expect(task.solution.hasPrefix(task.metadata["prompt"]!))
        #expect(task.description.hasPrefix("Check if in given list of numbers"))
    }

    @Test func notebookTriples() throws {
        let result = NotebookReader.read(
            try Fixtures.data("ingest/worker-017.ipynb"), path: "w.ipynb", dataset: "crowd")
        #expect(result.diagnostics.isEmpty)
        #expect(result.tasks.map(\.sourceID) == ["W017/1", "W017/2"])
        #expect(
            result.tasks[0].content.description
                == "Task 1\nWrite a function to return the sum of the squares of a list of numbers.")
        #expect(
            result.tasks[1].content.tests == [
                "assert is_palindrome('Level')", "assert not is_palindrome('curate')",
                "assert is_palindrome(\n    'Aba'\n)",
            ])
        #expect(result.tasks[1].content.entryPoint == "is_palindrome")
    }

    @Test func notebookMissingTestCellIsLocated() throws {
        let result = NotebookReader.read(
            try Fixtures.data("ingest/worker-missing-tests.ipynb"), path: "w.ipynb", dataset: "crowd")
        #expect(result.tasks.map(\.sourceID) == ["W042/1", "W042/3"])
        #expect(
            result.diagnostics.map(\.description) == [
                "w.ipynb: cell 4: error: task 2: missing test cell (expected a code cell of asserts after the solution in cell 5)"
            ])
    }

    @Test func csvWithQuotedMultilineFields() throws {
        let result = CSVReader.read(try Fixtures.data("ingest/crowd.csv"), path: "c.csv", dataset: "crowd")
        #expect(result.diagnostics.isEmpty)
        #expect(result.tasks.map(\.sourceID) == ["c1", "c2"])
        #expect(
            result.tasks[0].content.solution
                == "def count_vowels(text):\n    return sum(1 for c in text.lower() if c in \"aeiou\")")
        #expect(result.tasks[0].content.tests.count == 3)
        #expect(result.tasks[1].content.tests == ["assert fib(0) == 0", "assert fib(1) == 1", "assert fib(10) == 55"])
        #expect(result.tasks[1].content.metadata["category"] == "math")
        #expect(result.tasks[1].provenance.location == "line 6")
    }

    @Test func csvShortRowIsLocated() throws {
        let result = CSVReader.read(try Fixtures.data("ingest/crowd-bad.csv"), path: "b.csv", dataset: "crowd")
        #expect(result.tasks.map(\.sourceID) == ["b1", "b3"])
        #expect(
            result.diagnostics.map(\.description) == [
                "b.csv: line 6: error: row has 3 column(s), expected 4 (task_id, description, code, tests)"
            ])
    }

    @Test func csvUnterminatedQuote() {
        let result = CSVReader.read(Data("description,code,tests\n\"open,x,y\n".utf8), path: "u.csv", dataset: "crowd")
        #expect(
            result.diagnostics.map(\.description) == [
                "u.csv: line 2: error: unterminated quoted field (opened here, never closed)"
            ])
    }

    @Test func mturkAssignmentsExport() throws {
        let result = MTurkXMLReader.read(try Fixtures.data("ingest/assignments.xml"), path: "a.xml", dataset: "crowd")
        #expect(result.diagnostics.isEmpty)
        #expect(result.tasks.map(\.sourceID) == ["ASSIGN1", "ASSIGN2"])
        #expect(result.tasks[0].content.metadata["worker_id"] == "A1WORKER")
        #expect(result.tasks[0].content.entryPoint == "reverse_words")
        #expect(result.tasks[1].content.tests.count == 3)
    }

    @Test func mturkSingleAnswerDocument() throws {
        let result = MTurkXMLReader.read(try Fixtures.data("ingest/single-answer.xml"), path: "s.xml", dataset: "crowd")
        #expect(result.tasks.count == 1)
    }

    @Test func invalidXMLIsLocated() throws {
        let result = MTurkXMLReader.read(try Fixtures.data("ingest/broken.xml"), path: "x.xml", dataset: "crowd")
        #expect(result.tasks.isEmpty)
        let message = try #require(result.diagnostics.first?.description)
        #expect(message.hasPrefix("x.xml: line "))
        #expect(message.contains("invalid XML: an end tag does not match its start tag"))
    }

    @Test(arguments: [
        ("a/mbpp.jsonl", "{\"task_id\": 1, \"text\": \"x\"}", IngestFormat.mbpp),
        ("b/sanitized-mbpp.json", "[{\"task_id\": 2}]", IngestFormat.sanitizedMBPP),
        ("HumanEval.jsonl.gz", "", IngestFormat.humaneval),
        ("x.jsonl", "{\"task_id\": \"HumanEval/0\", \"entry_point\": \"f\"}", IngestFormat.humaneval),
        ("w.ipynb", "{}", IngestFormat.notebook),
        ("e.csv", "a,b", IngestFormat.csv),
        ("e.xml", "<x/>", IngestFormat.mturkXML),
    ])
    func formatDetection(path: String, head: String, expected: IngestFormat) {
        #expect(IngestFormat.detect(path: path, head: Data(head.utf8)) == expected)
    }
}

/// Compressed inputs are sniffed by their decompressed content and their name without `.gz`.
struct CompressedIngestTests {
    @Test func gzippedMBPPIsReadAsMBPP() throws {
        let store = try TaskStore()
        let path = Fixtures.root.appendingPathComponent("ingest/mbpp-small.jsonl.gz").path
        let report = Ingestor(store: store).ingest(paths: [path], options: IngestOptions())
        let file = try #require(report.files.first)
        #expect(file.format == "mbpp" && file.dataset == "mbpp")
        #expect(file.rejected == 0 && file.accepted == 5, "\(file.diagnostics)")
        #expect(
            IngestFormat.detect(path: "mbpp.jsonl.gz", head: Data("{\"task_id\": 1, \"text\": \"x\"}".utf8)) == .mbpp)
    }
}
