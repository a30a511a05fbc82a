import Foundation

/// Shared JSON Lines loop: one record per non-blank line, each decoded by `make`.
enum JSONLinesDecoder {
    static func read(
        _ data: Data, path: String, dataset: String,
        make: (JSONFields) throws -> (sourceID: String, content: TaskContent)
    ) -> SourceReadResult {
        var result = SourceReadResult()
        var seen: [String: Int] = [:]
        for (number, bytes) in LineSplitter.lines(data) {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            result.records += 1
            let location = "line \(number)"
            result.record(path, location) {
                let object: Any
                do {
                    object = try JSONSerialization.jsonObject(with: bytes)
                } catch {
                    throw RecordProblem("invalid JSON (\(jsonReason(error)))")
                }
                let made = try make(try JSONFields(object))
                if let first = seen[made.sourceID] {
                    throw RecordProblem("duplicate task id '\(made.sourceID)' (first on line \(first))")
                }
                seen[made.sourceID] = number
                let provenance = Provenance(sourcePath: path, location: location, rawSHA256: SHA256.hex(bytes))
                return IngestedTask(
                    dataset: dataset, sourceID: made.sourceID, content: made.content, provenance: provenance)
            }
        }
        return result
    }

    /// "line L, column C" (1-based, columns in bytes) of a JSONSerialization error in `data`, from the byte index the
    /// error carries (as `NSJSONSerializationErrorIndex` or "around character N"; the end for "end of file");
    /// nil when it carries none.
    static func errorLocation(_ error: Error, in data: Data) -> String? {
        let ns = error as NSError
        var index = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int
        if index == nil, let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String {
            if let range = detail.range(of: "character ") {
                index = Int(detail[range.upperBound...].prefix { $0.isNumber })
            } else if detail.localizedCaseInsensitiveContains("end of file") {
                index = data.count
            }
        }
        guard let index, index >= 0, index <= data.count else { return nil }
        let before = data.prefix(index)
        let line = 1 + before.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? data.startIndex
        return "line \(line), column \(data.startIndex + index - lineStart + 1)"
    }

    static func jsonReason(_ error: Error) -> String {
        let ns = error as NSError
        if let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return ns.localizedDescription
    }
}

/// MBPP's `mbpp.jsonl`.
enum MBPPReader: TaskSourceReader {
    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult {
        JSONLinesDecoder.read(data, path: path, dataset: dataset) { fields in
            let id = try fields.identifier("task_id")
            let code = try fields.string("code")
            let tests = try fields.strings("test_list")
            let setup = try fields.optionalString("test_setup_code") ?? ""
            let content = TaskContent(
                description: try fields.string("text"), solution: code, testSetup: setup, tests: tests,
                challengeTests: try fields.strings("challenge_test_list", required: false),
                entryPoint: PythonSource.inferEntryPoint(solution: code, tests: tests),
                imports: PythonSource.importStatements(code) + PythonSource.importStatements(setup),
                metadata: ["license": "CC-BY-4.0"])
            return (id, content)
        }
    }
}

/// HumanEval's jsonl: the prompt plus canonical solution is the reference, and `check(entry_point)` the one test.
enum HumanEvalReader: TaskSourceReader {
    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult {
        JSONLinesDecoder.read(data, path: path, dataset: dataset) { fields in
            let id = try fields.identifier("task_id")
            let prompt = try fields.string("prompt")
            let entryPoint = try fields.string("entry_point")
            guard !entryPoint.isEmpty else { throw RecordProblem("field 'entry_point' is empty") }
            let test = try fields.string("test")
            guard test.contains("def check(") else {
                throw RecordProblem("field 'test' must define check(candidate)")
            }
            let content = TaskContent(
                description: docstring(of: prompt) ?? prompt,
                solution: prompt + (try fields.string("canonical_solution")),
                testSetup: test, tests: ["check(\(entryPoint))"], entryPoint: entryPoint,
                imports: PythonSource.importStatements(prompt),
                metadata: ["prompt": prompt, "license": "MIT"])
            return (id, content)
        }
    }

    /// The first triple-quoted string in `prompt`, stripped of indentation.
    static func docstring(of prompt: String) -> String? {
        for quote in ["\"\"\"", "'''"] {
            guard let open = prompt.range(of: quote),
                let close = prompt.range(of: quote, range: open.upperBound..<prompt.endIndex)
            else { continue }
            let body = prompt[open.upperBound..<close.lowerBound]
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        return nil
    }
}

/// Sanitized MBPP: one JSON array of records with prompt, code, test_imports, test_list, source_file.
enum SanitizedMBPPReader: TaskSourceReader {
    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult {
        var result = SourceReadResult()
        let array: [Any]
        do {
            guard let decoded = try JSONSerialization.jsonObject(with: data) as? [Any] else {
                result.reject(path, "record 0", "expected a JSON array of task objects")
                return result
            }
            array = decoded
        } catch {
            result.reject(
                path, JSONLinesDecoder.errorLocation(error, in: data) ?? "line 1",
                "invalid JSON (\(JSONLinesDecoder.jsonReason(error)))")
            return result
        }
        var seen: [String: Int] = [:]
        for (index, element) in array.enumerated() {
            result.records += 1
            let location = "record \(index + 1)"
            result.record(path, location) {
                let fields = try JSONFields(element)
                let id = try fields.identifier("task_id")
                if let first = seen[id] { throw RecordProblem("duplicate task id '\(id)' (first in record \(first))") }
                seen[id] = index + 1
                let code = try fields.string("code")
                let tests = try fields.strings("test_list")
                let testImports = try fields.strings("test_imports", required: false)
                var metadata = ["license": "CC-BY-4.0"]
                if let sourceFile = try fields.optionalString("source_file") { metadata["source_file"] = sourceFile }
                let content = TaskContent(
                    description: try fields.string("prompt"), solution: code,
                    testSetup: testImports.joined(separator: "\n"), tests: tests,
                    entryPoint: PythonSource.inferEntryPoint(solution: code, tests: tests),
                    imports: PythonSource.importStatements(code) + testImports, metadata: metadata)
                let raw = CanonicalJSON.encode(RawRecordJSON(element))
                return IngestedTask(
                    dataset: dataset, sourceID: id, content: content,
                    provenance: Provenance(sourcePath: path, location: location, rawSHA256: SHA256.hex(raw)))
            }
        }
        return result
    }
}

extension MBPPReader {
    static let name = "mbpp"
    static let defaultDataset = "mbpp"
    static func sniff(name: String, head: String) -> SniffMatch? { head.hasPrefix("{") ? .fallback : nil }
}

extension SanitizedMBPPReader {
    static let name = "sanitized-mbpp"
    static let defaultDataset = "mbpp-sanitized"
    static func sniff(name: String, head: String) -> SniffMatch? {
        name.hasSuffix(".json") && head.hasPrefix("[") ? .content : nil
    }
}

extension HumanEvalReader {
    static let name = "humaneval"
    static let defaultDataset = "humaneval"
    static func sniff(name: String, head: String) -> SniffMatch? {
        if name.contains("humaneval") { return .name }
        return head.hasPrefix("{") && (head.contains("\"canonical_solution\"") || head.contains("\"entry_point\""))
            ? .content : nil
    }
}

extension IngestFormat {
    /// MBPP `mbpp.jsonl`: task_id, text, code, test_list, test_setup_code, challenge_test_list.
    public static let mbpp = IngestFormat(MBPPReader.self)
    /// Sanitized MBPP `sanitized-mbpp.json`: a JSON array of prompt, code, test_imports, test_list, source_file.
    public static let sanitizedMBPP = IngestFormat(SanitizedMBPPReader.self)
    /// HumanEval jsonl (plain or .gz): task_id, prompt, canonical_solution, test, entry_point.
    public static let humaneval = IngestFormat(HumanEvalReader.self)
}
