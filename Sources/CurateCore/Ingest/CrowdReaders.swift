import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Builds a crowdsourced task from its three parts; the tests block is split into top-level statements.
enum CrowdTask {
    static func make(description: String, code: String, tests testsBlock: String, metadata: [String: String]) throws
        -> TaskContent
    {
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty else { throw RecordProblem("the description is empty") }
        guard !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RecordProblem("the code is empty")
        }
        let tests = splitTests(testsBlock)
        guard !tests.isEmpty else { throw RecordProblem("the tests are empty (expected assert statements)") }
        return TaskContent(
            description: description, solution: code, tests: tests,
            entryPoint: PythonSource.inferEntryPoint(solution: code, tests: tests),
            imports: PythonSource.importStatements(code), metadata: metadata.filter { !$0.value.isEmpty })
    }

    /// Tests given as a JSON array of strings, or as a block of top-level statements.
    static func splitTests(_ block: String) -> [String] {
        let trimmed = block.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("["), let data = trimmed.data(using: .utf8),
            let array = try? JSONSerialization.jsonObject(with: data) as? [String]
        {
            return array
        }
        return PythonSource.topLevelStatements(trimmed).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }
}

/// A crowdworker's Jupyter notebook: each task is a markdown description cell, a code cell, and a test cell.
enum NotebookReader: TaskSourceReader {
    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult {
        var result = SourceReadResult()
        let cells: [[String: Any]]
        var worker = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            guard let notebook = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let rawCells = notebook["cells"] as? [[String: Any]]
            else {
                result.reject(path, "notebook", "not a Jupyter notebook (expected a JSON object with a 'cells' array)")
                return result
            }
            cells = rawCells
            if let metadata = notebook["metadata"] as? [String: Any], let id = metadata["worker_id"] as? String,
                !id.isEmpty
            {
                worker = id
            }
        } catch {
            result.reject(
                path, JSONLinesDecoder.errorLocation(error, in: data) ?? "notebook",
                "invalid JSON (\(JSONLinesDecoder.jsonReason(error)))")
            return result
        }
        func source(_ cell: [String: Any]) -> String {
            if let lines = cell["source"] as? [String] { return lines.joined() }
            return cell["source"] as? String ?? ""
        }
        func kind(_ index: Int) -> String? {
            guard index < cells.count else { return nil }
            let text = source(cells[index]).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "empty" : cells[index]["cell_type"] as? String
        }
        var index = 0
        var taskNumber = 0
        while index < cells.count {
            guard kind(index) == "markdown" else { index += 1; continue }
            taskNumber += 1
            result.records += 1
            let location = "cell \(index + 1)"
            guard kind(index + 1) == "code" else {
                result.reject(
                    path, location,
                    "task \(taskNumber): the description is not followed by a code cell with the solution")
                index += 1
                continue
            }
            guard kind(index + 2) == "code" else {
                result.reject(
                    path, location,
                    "task \(taskNumber): missing test cell (expected a code cell of asserts after the solution in cell \(index + 2))"
                )
                index += 2
                continue
            }
            let triple = [cells[index], cells[index + 1], cells[index + 2]]
            result.record(path, location, prefix: "task \(taskNumber): ") {
                var description = source(triple[0])
                description = description.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
                let content = try CrowdTask.make(
                    description: description, code: source(triple[1]), tests: source(triple[2]),
                    metadata: ["worker_id": worker])
                let raw = CanonicalJSON.encode(RawRecordJSON(triple))
                return IngestedTask(
                    dataset: dataset, sourceID: "\(worker)/\(taskNumber)", content: content,
                    provenance: Provenance(sourcePath: path, location: location, rawSHA256: SHA256.hex(raw)))
            }
            index += 3
        }
        if result.records == 0 {
            result.reject(path, "notebook", "no tasks found (expected markdown description, code and test cells)")
        }
        return result
    }
}

/// RFC 4180 CSV with a header naming description, code and tests columns (plus optional task_id, worker_id, category).
enum CSVReader: TaskSourceReader {
    static let aliases: [String: [String]] = [
        "description": ["description", "text", "prompt"],
        "code": ["code", "solution"],
        "tests": ["tests", "test_list", "test"],
        "task_id": ["task_id", "id"],
        "worker_id": ["worker_id", "workerid", "worker"],
        "category": ["category"],
    ]

    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult {
        var result = SourceReadResult()
        let rows: [(line: Int, fields: [String], raw: String)]
        if let offset = UTF8Text.firstInvalidByte(data) {
            let line = 1 + data.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            result.reject(
                path, "line \(line), byte offset \(offset)",
                "invalid UTF-8 (byte 0x\(String(data[data.startIndex + offset], radix: 16, uppercase: true))); expected UTF-8 text: re-save the file as UTF-8"
            )
            return result
        }
        do {
            rows = try parse(String(decoding: data, as: UTF8.self))
        } catch let problem as CSVProblem {
            result.reject(path, "line \(problem.line)", problem.message)
            return result
        } catch {
            result.reject(path, "line 1", error.localizedDescription)
            return result
        }
        guard let header = rows.first else {
            result.reject(path, "line 1", "empty CSV (expected a header with description, code, tests)")
            return result
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var column: [String: Int] = [:]
        for (canonical, options) in aliases {
            if let index = names.firstIndex(where: options.contains) { column[canonical] = index }
        }
        let missing = ["description", "code", "tests"].filter { column[$0] == nil }
        guard missing.isEmpty else {
            result.reject(
                path, "line \(header.line)",
                "header lacks column(s) \(missing.joined(separator: ", ")) (found: \(names.joined(separator: ", ")))")
            return result
        }
        var seen: [String: Int] = [:]
        for (ordinal, row) in rows.dropFirst().enumerated() {
            if row.fields.count == 1, row.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            result.records += 1
            let location = "line \(row.line)"
            guard row.fields.count >= names.count else {
                result.reject(
                    path, location,
                    "row has \(row.fields.count) column(s), expected \(names.count) (\(names.joined(separator: ", ")))")
                continue
            }
            func value(_ key: String) -> String { column[key].map { row.fields[$0] } ?? "" }
            let id = value("task_id").isEmpty ? String(ordinal + 1) : value("task_id")
            result.record(path, location) {
                if let first = seen[id] { throw RecordProblem("duplicate task id '\(id)' (first on line \(first))") }
                seen[id] = row.line
                let content = try CrowdTask.make(
                    description: value("description"), code: value("code"), tests: value("tests"),
                    metadata: ["worker_id": value("worker_id"), "category": value("category")])
                return IngestedTask(
                    dataset: dataset, sourceID: id, content: content,
                    provenance: Provenance(sourcePath: path, location: location, rawSHA256: SHA256.hex(row.raw)))
            }
        }
        return result
    }

    struct CSVProblem: Error {
        let line: Int
        let message: String
    }

    /// Parses CSV into rows, each with the line it starts on and its raw text; quoted fields may span lines.
    static func parse(_ text: String) throws -> [(line: Int, fields: [String], raw: String)] {
        var rows: [(Int, [String], String)] = []
        var fields: [String] = []
        var field = ""
        var raw = ""
        var inQuotes = false
        var line = 1
        var rowStart = 1
        var quoteStart = 1
        var iterator = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        var i = 0
        func endRow() {
            fields.append(field)
            rows.append((rowStart, fields, raw))
            fields = []
            field = ""
            raw = ""
        }
        while i < iterator.count {
            let c = iterator[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < iterator.count, iterator[i + 1] == "\"" {
                        field.append("\"")
                        raw += "\"\""
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                raw.append(c)
                i += 1
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty else {
                    throw CSVProblem(
                        line: line,
                        message: "a quote inside an unquoted field (quote the whole field and double inner quotes)")
                }
                inQuotes = true
                quoteStart = line
                raw.append(c)
            case ",":
                fields.append(field)
                field = ""
                raw.append(c)
            case "\r\n", "\n", "\r":
                endRow()
                line += 1
                rowStart = line
            default:
                field.append(c)
                raw.append(c)
            }
            i += 1
        }
        if inQuotes {
            throw CSVProblem(line: quoteStart, message: "unterminated quoted field (opened here, never closed)")
        }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        iterator.removeAll()
        return rows
    }
}

/// UTF-8 validation that says where the first bad byte is.
enum UTF8Text {
    /// Offset of the first byte that does not start or continue a valid UTF-8 sequence, or nil when all is valid.
    static func firstInvalidByte(_ data: Data) -> Int? {
        var iterator = data.makeIterator()
        var decoder = Unicode.UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

/// An MTurk-style answer export: `QuestionFormAnswers` documents, bare or inside `Assignment/Answer` elements.
enum MTurkXMLReader: TaskSourceReader {
    static func read(_ data: Data, path: String, dataset: String) -> SourceReadResult {
        var result = SourceReadResult()
        let root: XMLElementNode
        do {
            root = try XMLTree.parse(data)
        } catch let error as XMLTree.ParseError {
            result.reject(path, "line \(error.line), column \(error.column)", "invalid XML: \(error.message)")
            return result
        } catch {
            result.reject(path, "line 1", "invalid XML: \(error.localizedDescription)")
            return result
        }
        var assignments: [(node: XMLElementNode, answers: XMLElementNode?, problem: String?)] = []
        if root.name == "QuestionFormAnswers" {
            assignments = [(root, root, nil)]
        } else {
            for assignment in root.descendants(named: "Assignment") {
                guard let answerText = assignment.child("Answer")?.text else {
                    assignments.append((assignment, nil, "assignment has no Answer element"))
                    continue
                }
                do {
                    let inner = try XMLTree.parse(Data(answerText.utf8))
                    if inner.name == "QuestionFormAnswers" {
                        assignments.append((assignment, inner, nil))
                    } else {
                        assignments.append(
                            (assignment, nil, "Answer holds <\(inner.name)>, expected <QuestionFormAnswers>"))
                    }
                } catch let error as XMLTree.ParseError {
                    assignments.append(
                        (assignment, nil, "Answer is not valid XML (answer line \(error.line): \(error.message))"))
                } catch {
                    assignments.append((assignment, nil, "Answer is not valid XML"))
                }
            }
            if assignments.isEmpty {
                result.reject(
                    path, "line \(root.line)", "no <Assignment> or <QuestionFormAnswers> elements under <\(root.name)>")
            }
        }
        var seen: [String: Int] = [:]
        for (index, item) in assignments.enumerated() {
            result.records += 1
            let location = "line \(item.node.line) (assignment \(index + 1))"
            result.record(path, location) {
                if let problem = item.problem { throw RecordProblem(problem) }
                guard let answers = item.answers else { throw RecordProblem("no answers") }
                var values: [String: String] = [:]
                for answer in answers.children where answer.name == "Answer" {
                    guard
                        let key = answer.child("QuestionIdentifier")?.text?.trimmingCharacters(
                            in: .whitespacesAndNewlines)
                    else {
                        throw RecordProblem("an <Answer> lacks <QuestionIdentifier>")
                    }
                    values[key.lowercased()] =
                        answer.child("FreeText")?.text ?? answer.child("SelectionIdentifier")?.text ?? ""
                }
                func field(_ canonical: String) -> String? {
                    CSVReader.aliases[canonical]!.lazy.compactMap { values[$0] }.first
                }
                for required in ["description", "code", "tests"] where field(required) == nil {
                    throw RecordProblem(
                        "no answer for '\(required)' (QuestionIdentifier one of \(CSVReader.aliases[required]!.joined(separator: ", ")))"
                    )
                }
                let worker = item.node.child("WorkerId")?.text ?? field("worker_id") ?? ""
                let id = item.node.child("AssignmentId")?.text ?? field("task_id") ?? String(index + 1)
                if let first = seen[id] {
                    throw RecordProblem("duplicate assignment id '\(id)' (first in assignment \(first))")
                }
                seen[id] = index + 1
                let content = try CrowdTask.make(
                    description: field("description")!, code: field("code")!, tests: field("tests")!,
                    metadata: [
                        "worker_id": worker, "category": field("category") ?? "",
                        "hit_id": item.node.child("HITId")?.text ?? "",
                    ])
                let raw = CanonicalJSON.encode(values)
                return IngestedTask(
                    dataset: dataset, sourceID: id, content: content,
                    provenance: Provenance(sourcePath: path, location: location, rawSHA256: SHA256.hex(raw)))
            }
        }
        return result
    }
}

/// A small element tree, enough for answer exports; built with libxml2 through FoundationXML's `XMLParser`.
final class XMLElementNode {
    let name: String
    let line: Int
    var children: [XMLElementNode] = []
    var textParts: [String] = []

    init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    var text: String? { textParts.isEmpty ? nil : textParts.joined() }

    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// Every element below this one named `name`, in document order (iterative: depth is bounded but may be large).
    func descendants(named name: String) -> [XMLElementNode] {
        var found: [XMLElementNode] = []
        var pending = Array(children.reversed())
        while let node = pending.popLast() {
            if node.name == name { found.append(node) }
            pending.append(contentsOf: node.children.reversed())
        }
        return found
    }
}

enum XMLTree {
    struct ParseError: Error {
        let line: Int
        let column: Int
        let message: String
    }

    /// Deepest element nesting accepted; answer exports nest a handful of levels, and a bound keeps a hostile
    /// document from exhausting the stack.
    static let maxDepth = 100
    /// libxml2's XML_ERR_DOCUMENT_END: the input ended inside an element.
    static let documentEndCode = 5

    static func parse(_ data: Data) throws -> XMLElementNode {
        let parser = XMLParser(data: data)
        let builder = Builder(parser)
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        let parsed = parser.parse()
        if let problem = builder.problem { throw problem }
        // The end came with elements still open (libxml2 may or may not call it an error): say which one.
        if let open = builder.stack.last, builder.firstErrorCode == nil || builder.firstErrorCode == documentEndCode {
            throw ParseError(
                line: max(1, parser.lineNumber), column: max(1, parser.columnNumber),
                message:
                    "the document ends before <\(open.name)> (opened on line \(open.line)) is closed: the file is truncated"
            )
        }
        if let error = builder.firstError { throw error }
        if !parsed || builder.root == nil {
            let error = parser.parserError as NSError?
            let message = error.map { describe($0) } ?? "no root element"
            throw ParseError(
                line: max(1, parser.lineNumber), column: max(1, parser.columnNumber),
                message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return builder.root!
    }

    /// libxml2's error as words: FoundationXML on Linux only gives the numeric code (libxml2's `xmlParserErrors`).
    static func describe(_ error: NSError) -> String {
        if let text = error.userInfo[NSLocalizedDescriptionKey] as? String, !text.hasPrefix("The operation") {
            return text
        }
        let words: [Int: String] = [
            1: "the document is nested too deeply or too large", 2: "out of memory",
            3: "the document does not start with an element",
            4: "the document is empty", 5: "the document ends before its elements are closed",
            6: "invalid hexadecimal character reference", 7: "invalid decimal character reference",
            8: "invalid character reference",
            9: "invalid character", 10: "a character reference at the end of the document",
            14: "an entity reference at the end of the document", 22: "an '&' is not followed by an entity name",
            23: "an entity reference lacks its ';'", 26: "undeclared entity (escape a literal & as &amp;)",
            27: "undeclared entity (escape a literal & as &amp;)", 31: "unknown encoding", 32: "unsupported encoding",
            33: "expected a quoted string", 34: "a quoted string is not closed", 35: "invalid namespace declaration",
            38: "'<' inside an attribute value", 39: "malformed attribute", 40: "an attribute value is not closed",
            41: "an attribute has no value", 42: "an attribute is given twice", 43: "expected a quoted literal",
            44: "a quoted literal is not closed", 45: "a comment is not closed", 46: "malformed processing instruction",
            47: "a processing instruction is not closed", 56: "malformed XML declaration",
            57: "the XML declaration is not closed",
            61: "the DOCTYPE is not closed", 62: "']]>' outside a CDATA section", 63: "a CDATA section is not closed",
            64: "a name starting with 'xml' is reserved", 65: "a space is required here",
            68: "expected an element name",
            72: "expected '<'", 73: "expected '>'", 74: "expected '</'", 75: "expected '='",
            76: "an end tag does not match its start tag", 77: "an element is not closed", 80: "'--' inside a comment",
            81: "the bytes are not valid in the declared encoding", 85: "elements are not properly nested",
            86: "extra content after the root element", 89: "an entity refers to itself",
            96: "the XML declaration lacks its version",
            97: "unknown XML version", 99: "invalid namespace URI", 108: "unknown XML version",
            110: "a name is too long",
            111: "parsing was stopped",
        ]
        return "\(words[error.code] ?? "malformed XML") (libxml2 error \(error.code))"
    }

    final class Builder: NSObject, XMLParserDelegate {
        var root: XMLElementNode?
        var stack: [XMLElementNode] = []
        /// Set when the builder stopped the parse itself (too deep).
        var problem: ParseError?
        /// libxml2's first error, located where it happened (FoundationXML may still return success after it).
        var firstError: ParseError?
        var firstErrorCode: Int?
        unowned let parser: XMLParser

        init(_ parser: XMLParser) { self.parser = parser }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard problem == nil else { return }
            guard stack.count < XMLTree.maxDepth else {
                problem = ParseError(
                    line: max(1, parser.lineNumber), column: max(1, parser.columnNumber),
                    message:
                        "elements are nested more than \(XMLTree.maxDepth) levels deep (<\(elementName)>); answer exports nest a few levels"
                )
                parser.abortParsing()
                return
            }
            let node = XMLElementNode(name: elementName, line: parser.lineNumber)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard problem == nil else { return }
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            guard firstError == nil else { return }
            firstErrorCode = (parseError as NSError).code
            firstError = ParseError(
                line: max(1, parser.lineNumber), column: max(1, parser.columnNumber),
                message: XMLTree.describe(parseError as NSError).trimmingCharacters(in: .whitespacesAndNewlines))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.textParts.append(string) }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.textParts.append(String(decoding: CDATABlock, as: UTF8.self))
        }
    }
}

extension NotebookReader {
    static let name = "notebook"
    static let defaultDataset = "crowd"
    static func sniff(name: String, head: String) -> SniffMatch? {
        if name.hasSuffix(".ipynb") { return .fileExtension }
        return head.hasPrefix("{") && head.contains("\"cells\"") ? .content : nil
    }
}

extension CSVReader {
    static let name = "csv"
    static let defaultDataset = "crowd"
    static func sniff(name: String, head: String) -> SniffMatch? { name.hasSuffix(".csv") ? .fileExtension : nil }
}

extension MTurkXMLReader {
    static let name = "mturk-xml"
    static let defaultDataset = "crowd"
    static func sniff(name: String, head: String) -> SniffMatch? {
        if name.hasSuffix(".xml") { return .fileExtension }
        return head.hasPrefix("<") ? .content : nil
    }
}

extension IngestFormat {
    /// A crowdworker's Jupyter notebook of (description, code, tests) cell triples.
    public static let notebook = IngestFormat(NotebookReader.self)
    /// A CSV export with description, code and tests columns.
    public static let csv = IngestFormat(CSVReader.self)
    /// An MTurk-style XML answer export (`QuestionFormAnswers`).
    public static let mturkXML = IngestFormat(MTurkXMLReader.self)
}
