import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// The `curate edit` document: exact round trips, escapes and located parse errors.
struct TaskDocumentTests {
    static let repository = Fixtures.packageRoot

    @Test(arguments: [
        ("raw/mbpp/mbpp.jsonl", IngestFormat(MBPPReader.self)),
        ("raw/mbpp/sanitized-mbpp.json", IngestFormat(SanitizedMBPPReader.self)),
        ("raw/humaneval/HumanEval.jsonl.gz", IngestFormat(HumanEvalReader.self)),
    ])
    func everyBundledTaskRoundTrips(path: String, format: IngestFormat) throws {
        let url = Self.repository.appendingPathComponent(path)
        let read = format.reader.read(try Ingestor.readBytes(url.path), path: url.path, dataset: "d")
        #expect(read.tasks.count > 100)
        for task in read.tasks {
            let document = TaskDocument.render(task.content, comments: ["task \(task.id)"])
            let parsed = try TaskDocument.parse(document, base: task.content)
            #expect(parsed == task.content, "\(task.id) does not round-trip")
            #expect(parsed.contentHash == task.content.contentHash)
        }
    }

    @Test(arguments: [
        TaskContent(description: "", solution: "", tests: []),
        TaskContent(
            description: "lone carriage return", solution: "import re\r\ndef f():\r\n  return 1\r",
            tests: ["assert f() == 1\r"]),
        TaskContent(
            description: "ends in a newline\n", solution: "def f():\r\n\treturn 1\r\n", tests: ["assert f() == 1 ", ""]),
        TaskContent(
            description: "=== looks like a header ===\n--- test 9 ---\n\\ backslash", solution: "x = 1\r\ny = 2\n",
            testSetup: "\n",
            tests: ["assert True\nassert 1"], challengeTests: ["--- not a test header ---"], entryPoint: "f"),
    ])
    func edgeCasesRoundTrip(content: TaskContent) throws {
        #expect(try TaskDocument.parse(TaskDocument.render(content), base: content) == content)
    }

    @Test func editingATestChangesOnlyThatTest() throws {
        let base = TaskContent(
            description: "d", solution: "def f(n):\n    return n\n", tests: ["assert f(1) == 1", "assert f(2) == 2"],
            entryPoint: "f")
        let edited = TaskDocument.render(base).replacingOccurrences(of: "assert f(2) == 2", with: "assert f(3) == 3")
            .replacingOccurrences(of: "--- test 2 ---", with: "--- test ---\nassert f(0) == 0\n--- test ---")
        let parsed = try TaskDocument.parse(edited, base: base)
        #expect(parsed.tests == ["assert f(1) == 1", "assert f(0) == 0", "assert f(3) == 3"])
        #expect(parsed.solution == base.solution)
    }

    @Test(arguments: [
        ("=== description ===\nd\n=== solution ===\n=== tests ===\n", "missing '=== end ==='"),
        (
            "=== description ===\nd\n=== solution ===\n=== tests ===\n=== sloution ===\n=== end ===\n",
            "line 5: unknown section 'sloution'"
        ),
        ("hello\n=== description ===\n", "line 1: text before the first section"),
        (
            "=== description ===\n=== solution ===\n=== tests ===\nassert x\n=== end ===\n",
            "line 4: a test starts with a '--- test N ---' line"
        ),
        ("=== description ===\n=== description ===\n=== end ===\n", "line 2: section 'description' appears twice"),
        ("=== description ===\n=== tests ===\n=== end ===\n", "section '=== solution ===' is missing"),
        (
            "=== description ===\n=== solution ===\n=== tests ===\n=== entry point ===\ntwo names\n=== end ===\n",
            "the entry point is one function name"
        ),
    ])
    func parseErrorsNameTheLine(text: String, message: String) {
        let base = TaskContent(description: "", solution: "", tests: [])
        #expect {
            try TaskDocument.parse(text, base: base)
        } throws: { error in
            (error as? TaskDocument.ParseError)?.errorDescription?.contains(message) == true
        }
    }

    @Test func fieldChangesHoldOnlyWhatChangedAndApplyBack() throws {
        let old = TaskContent(description: "a", solution: "s", tests: ["t"], entryPoint: "f")
        var new = old
        new.description = "b"
        new.entryPoint = nil
        let changes = TaskFieldChanges(from: old, to: new)
        #expect(changes.names == ["description", "entryPoint"])
        #expect(CanonicalJSON.string(changes) == #"{"description":"b","entryPoint":null}"#)
        let decoded = try JSONDecoder().decode(TaskFieldChanges.self, from: Data(CanonicalJSON.encode(changes)))
        #expect(decoded == changes)
        #expect(decoded.applied(to: old) == new)
    }

    @Test func unifiedDiffShowsRemovedThenAddedLinesWithContext() {
        let diff = UnifiedDiff.lines("a\nb\nc\nd", "a\nB\nc\nd")
        #expect(diff == ["@@ -1,4 +1,4 @@", " a", "-b", "+B", " c", " d"])
        #expect(UnifiedDiff.lines("same", "same").isEmpty)
    }
}
