import Foundation

/// A task as one plain-text document for `curate edit`: a section per field, a sub-block per test. It diffs well
/// and round-trips exactly (`parse(render(c))` gives `c` back, line endings and trailing spaces included).
///
///     === description ===
///     Write a function to …
///     === solution (crlf) ===
///     def f(n):
///     === test setup ===
///     === tests ===
///     --- test 1 ---
///     assert f(1) == 1
///     === challenge tests ===
///     === entry point ===
///     f
///     === end ===
///
/// A section's text is its lines joined by newlines (or CRLF when the header says `(crlf)`); a text that ends in a
/// newline shows an empty last line. Body lines starting with `===`, `---` or `\` get a `\` in front. Lines
/// starting with `#` before the first section are comments.
public enum TaskDocument {
    /// A document that does not parse, with the line at fault.
    public struct ParseError: LocalizedError, Equatable {
        public var line: Int
        public var message: String
        public var errorDescription: String? { "line \(line): \(message)" }
    }

    static let sections = ["description", "solution", "test setup", "tests", "challenge tests", "entry point"]

    /// The document of `content`, with comment lines (task id, base) on top.
    public static func render(_ content: TaskContent, comments: [String] = []) -> String {
        var out = comments.map { "# \($0)\n" }.joined()
        out += section("description", content.description)
        out += section("solution", content.solution)
        out += section("test setup", content.testSetup)
        out += tests("tests", content.tests)
        out += tests("challenge tests", content.challengeTests)
        out += section("entry point", content.entryPoint ?? "")
        out += "=== end ===\n"
        return out
    }

    /// `base` with the fields of `text` (metadata and imports, which the document does not show, stay as they are).
    public static func parse(_ text: String, base: TaskContent) throws -> TaskContent {
        var values: [String: (value: String, line: Int)] = [:]
        var testLists: [String: [String]] = [:]
        var current: (name: String, crlf: Bool, line: Int)?
        var body: [String] = []
        var ended = false
        func close() throws {
            guard let section = current else { return }
            if section.name == "tests" || section.name == "challenge tests" {
                testLists[section.name] = try splitTests(body, crlf: section.crlf, firstLine: section.line + 1)
            } else {
                values[section.name] = (join(body, crlf: section.crlf), section.line)
            }
        }
        let lines = lines(text)
        // The text after the last newline is not a line of its own ("a\n" is one line).
        let count = lines.last == "" ? lines.count - 1 : lines.count
        for index in 0..<count {
            let line = lines[index]
            if ended { continue }
            if let header = sectionHeader(line) {
                try close()
                if header.name == "end" {
                    ended = true
                    current = nil
                    continue
                }
                guard sections.contains(header.name) else {
                    throw ParseError(
                        line: index + 1,
                        message:
                            "unknown section '\(header.name)'; expected one of: \(sections.joined(separator: ", ")), end"
                    )
                }
                guard values[header.name] == nil, testLists[header.name] == nil else {
                    throw ParseError(line: index + 1, message: "section '\(header.name)' appears twice")
                }
                current = (header.name, header.crlf, index + 1)
                body = []
                continue
            }
            if current == nil {
                if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw ParseError(
                    line: index + 1, message: "text before the first section; start with '=== description ==='")
            }
            body.append(line.hasPrefix("\\") ? String(line.dropFirst()) : line)
        }
        guard ended else {
            throw ParseError(
                line: count, message: "missing '=== end ===' after the last section (was the file cut short?)")
        }
        for name in ["description", "solution", "tests"] where values[name] == nil && testLists[name] == nil {
            throw ParseError(line: count, message: "section '=== \(name) ===' is missing")
        }
        var content = base
        content.description = values["description"]!.value
        content.solution = values["solution"]!.value
        content.testSetup = values["test setup"]?.value ?? ""
        content.tests = testLists["tests"] ?? []
        content.challengeTests = testLists["challenge tests"] ?? []
        let entry = values["entry point"]?.value.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if entry.contains(where: \.isWhitespace) {
            throw ParseError(
                line: values["entry point"]!.line, message: "the entry point is one function name, got '\(entry)'")
        }
        content.entryPoint = entry.isEmpty ? nil : entry
        return content
    }

    private static func section(_ name: String, _ value: String) -> String {
        let crlf = usesCRLF(value)
        return "=== \(name)\(crlf ? " (crlf)" : "") ===\n" + bodyText(value, crlf: crlf)
    }

    private static func tests(_ name: String, _ tests: [String]) -> String {
        let crlf = tests.contains { usesCRLF($0) }
        var out = "=== \(name)\(crlf ? " (crlf)" : "") ===\n"
        for (index, test) in tests.enumerated() {
            out += "--- test \(index + 1) ---\n" + bodyText(test, crlf: crlf)
        }
        return out
    }

    /// The value's lines, escaped, each ending in a newline; nothing for an empty value.
    private static func bodyText(_ value: String, crlf: Bool) -> String {
        guard !value.isEmpty else { return "" }
        let text = crlf ? value.replacingOccurrences(of: "\r\n", with: "\n") : value
        return lines(text).map { line in
            (line.hasPrefix("===") || line.hasPrefix("---") || line.hasPrefix("\\") ? "\\" : "") + line + "\n"
        }.joined()
    }

    private static func join(_ lines: [String], crlf: Bool) -> String {
        lines.joined(separator: crlf ? "\r\n" : "\n")
    }

    private static func splitTests(_ lines: [String], crlf: Bool, firstLine: Int) throws -> [String] {
        var tests: [[String]] = []
        for (offset, line) in lines.enumerated() {
            if isTestHeader(line) {
                tests.append([])
            } else if tests.isEmpty {
                guard line.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ParseError(line: firstLine + offset, message: "a test starts with a '--- test N ---' line")
                }
            } else {
                tests[tests.count - 1].append(line)
            }
        }
        return tests.map { join($0, crlf: crlf) }
    }

    /// The text split at every LF byte (Swift's `Character` would keep a CRLF together as one).
    public static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// CRLF mode when every newline is part of a CRLF and there is no other carriage return.
    private static func usesCRLF(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        let crlf = zip(bytes, bytes.dropFirst()).filter { $0 == (0x0D, 0x0A) }.count
        guard crlf > 0 else { return false }
        return bytes.filter { $0 == 0x0A }.count == crlf && bytes.filter { $0 == 0x0D }.count == crlf
    }

    private static func sectionHeader(_ line: String) -> (name: String, crlf: Bool)? {
        guard line.hasPrefix("=== "), line.hasSuffix(" ==="), line.count >= 8 else { return nil }
        var name = String(line.dropFirst(4).dropLast(4)).trimmingCharacters(in: .whitespaces)
        var crlf = false
        if name.hasSuffix("(crlf)") {
            crlf = true
            name = String(name.dropLast("(crlf)".count)).trimmingCharacters(in: .whitespaces)
        }
        return (name, crlf)
    }

    private static func isTestHeader(_ line: String) -> Bool {
        line.hasPrefix("--- test") && line.hasSuffix("---") && line.count >= 11
    }
}
