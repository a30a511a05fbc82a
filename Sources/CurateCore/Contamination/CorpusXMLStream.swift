import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

extension CorpusReader {
    /// Streams Posts.xml rows or Wikipedia pages through `XMLParser`, one document at a time.
    func readXML(
        _ file: CorpusFile, _ outcome: inout FileReadOutcome,
        _ body: (UnsafeBufferPointer<UInt8>, CorpusDocument) -> Void
    ) throws {
        let source = try ChunkSource(path: file.path, compression: file.compression)
        defer { outcome.fileBytes = source.inputOffset }
        let stream = ChunkInputStream(source: source)
        let parser = XMLParser(stream: stream)
        let collector = XMLDocumentCollector(wiki: file.format == .wiki)
        parser.delegate = collector
        var documents = 0
        var bytes = 0
        withoutActuallyEscaping(body) { body in
            collector.onDocument = { text, label, line in
                text.withUnsafeBufferPointer {
                    body($0, CorpusDocument(ordinal: documents, offset: nil, label: "\(label) (line \(line))"))
                }
                documents += 1
                bytes += text.count
            }
            _ = parser.parse()
            collector.onDocument = nil
        }
        outcome.documents = documents
        outcome.bytes = bytes
        if let failure = stream.failure { throw failure }
        if let error = collector.error ?? (documents == 0 ? parser.parserError : nil) {
            outcome.diagnostics.append(
                Diagnostic(
                    .error, file: file.path,
                    location: "line \(collector.errorLine ?? parser.lineNumber), near byte \(source.outputOffset)",
                    "XML parse error: \(error.localizedDescription); rest of file skipped"))
        }
    }
}

/// Feeds decompressed chunks to `XMLParser(stream:)`; remembers a read failure so the caller can report it.
private final class ChunkInputStream: InputStream {
    private let source: ChunkSource
    private var current = Data()
    private var position = 0
    private var ended = false
    var failure: CorpusReadFailure?

    init(source: ChunkSource) {
        self.source = source
        super.init(data: Data())
    }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { !ended }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        while position >= current.count {
            if ended { return 0 }
            do {
                if let next = try source.next() {
                    current = next
                    position = 0
                } else {
                    ended = true
                    return 0
                }
            } catch let error as CorpusReadFailure {
                failure = error
                ended = true
                return 0
            } catch {
                ended = true
                return 0
            }
        }
        let n = min(len, current.count - position)
        current.withUnsafeBytes { raw in
            buffer.update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: n)
        }
        position += n
        return n
    }
}

/// SAX delegate turning Posts.xml rows or Wikipedia pages into documents as they stream past.
private final class XMLDocumentCollector: NSObject, XMLParserDelegate {
    let wiki: Bool
    var onDocument: (([UInt8], String, Int) -> Void)?
    var error: Error?
    var errorLine: Int?
    private var bytes: [UInt8] = []
    private var inText = false
    private var inTitle = false
    private var title = ""
    private var pageText = ""

    init(wiki: Bool) { self.wiki = wiki }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes: [String: String] = [:]
    ) {
        if wiki {
            switch elementName {
            case "page": title = ""; pageText = ""
            case "title": inTitle = true
            case "text": inText = true
            default: break
            }
            return
        }
        guard elementName == "row" else { return }
        let body = [attributes["Title"], attributes["Body"]].compactMap { $0 }.joined(separator: "\n")
        guard !body.isEmpty else { return }
        HTMLText.text(body, into: &bytes)
        onDocument?(bytes, "Id=\(attributes["Id"] ?? "?")", parser.lineNumber)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard wiki else { return }
        switch elementName {
        case "title": inTitle = false
        case "text": inText = false
        case "page":
            bytes = Array(pageText.utf8)
            onDocument?(bytes, "title=\(title)", parser.lineNumber)
            pageText = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle { title += string }
        if inText { pageText += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if error == nil {
            error = parseError
            errorLine = parser.lineNumber
        }
    }
}
