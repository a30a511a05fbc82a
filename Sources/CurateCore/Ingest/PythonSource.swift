import Foundation

/// Light, line-based facts about Python source that ingest and lint need (no Python process involved).
public enum PythonSource {
    /// Source with `\r\n` and `\r` turned into `\n`.
    public static func normalizedNewlines(_ code: String) -> String {
        code.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// The source with string literals and comments blanked out, so keyword searches do not match inside them.
    public static func strippingStringsAndComments(_ code: String) -> String {
        var out = ""
        var chars = Array(normalizedNewlines(code))
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "#" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "\"" || c == "'" {
                let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                let quote = triple ? String(repeating: String(c), count: 3) : String(c)
                i += quote.count
                while i < chars.count {
                    if chars[i] == "\\" { i += 2; continue }
                    if !triple, chars[i] == "\n" { break }
                    if String(chars[i..<min(chars.count, i + quote.count)]) == quote { i += quote.count; break }
                    i += 1
                }
                out += "\"\""
                continue
            }
            out.append(c)
            i += 1
        }
        chars.removeAll()
        return out
    }

    /// Names of functions defined at the top level (no indentation), in order.
    public static func topLevelFunctions(_ code: String) -> [String] {
        lines(code).compactMap { line in
            guard line.hasPrefix("def ") || line.hasPrefix("async def ") else { return nil }
            let afterDef = line.drop(while: { $0 != " " }).dropFirst().drop(while: { $0 == " " })
            let name = afterDef.hasPrefix("def ") ? afterDef.dropFirst(4) : afterDef
            let identifier = name.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return identifier.isEmpty ? nil : String(identifier)
        }
    }

    /// Names of classes defined at the top level.
    public static func topLevelClasses(_ code: String) -> [String] {
        lines(code).compactMap { line in
            guard line.hasPrefix("class ") else { return nil }
            let identifier = line.dropFirst(6).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return identifier.isEmpty ? nil : String(identifier)
        }
    }

    /// Names called anywhere in `code` (`name(`, not `obj.name(`), in order of first appearance.
    public static func calledNames(_ code: String) -> [String] {
        let chars = Array(strippingStringsAndComments(code))
        var names: [String] = []
        var seen = Set<String>()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c.isLetter || c == "_" else { i += 1; continue }
            let start = i
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
            var j = i
            while j < chars.count, chars[j] == " " { j += 1 }
            let isAttribute = start > 0 && chars[start - 1] == "."
            if j < chars.count, chars[j] == "(", !isAttribute {
                let name = String(chars[start..<i])
                if seen.insert(name).inserted { names.append(name) }
            }
        }
        return names
    }

    /// The function under test: the first top-level function (or class) the tests call, else the last function defined.
    public static func inferEntryPoint(solution: String, tests: [String]) -> String? {
        let functions = topLevelFunctions(solution)
        let defined = functions + topLevelClasses(solution)
        let called = calledNames(tests.joined(separator: "\n"))
        if let hit = called.first(where: defined.contains) { return hit }
        return functions.last
    }

    /// Import statements (`import x`, `from x import y`) anywhere in the code, trimmed, in order.
    public static func importStatements(_ code: String) -> [String] {
        lines(code).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0.hasPrefix("import ") || ($0.hasPrefix("from ") && $0.contains(" import "))
        }
    }

    /// Top-level module names bound by import statements (`import re` → `re`, `import numpy as np` → `np`).
    public static func importedNames(_ code: String) -> Set<String> {
        var names = Set<String>()
        for statement in importStatements(code) {
            if statement.hasPrefix("import ") {
                for part in statement.dropFirst(7).split(separator: ",") {
                    let words = part.split(separator: " ").map(String.init)
                    if words.count >= 3, words[1] == "as" { names.insert(words[2]) }
                    else if let first = words.first { names.insert(String(first.split(separator: ".").first ?? "")) }
                }
            } else if let range = statement.range(of: " import ") {
                for part in statement[range.upperBound...].replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "").split(separator: ",") {
                    let words = part.split(separator: " ").map(String.init)
                    if words.count >= 3, words[1] == "as" { names.insert(words[2]) }
                    else if let first = words.first { names.insert(first) }
                }
            }
        }
        return names
    }

    /// Splits a block of code into top-level statements (a new statement starts at an unindented line outside brackets).
    public static func topLevelStatements(_ code: String) -> [String] {
        var statements: [String] = []
        var current: [String] = []
        var depth = 0
        for line in normalizedNewlines(code).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                if !current.isEmpty, depth > 0 { current.append(line) }
                continue
            }
            let startsNew = depth == 0 && !(line.first?.isWhitespace ?? false)
                && !trimmed.hasPrefix("else") && !trimmed.hasPrefix("elif") && !trimmed.hasPrefix("except")
                && !trimmed.hasPrefix("finally") && !trimmed.hasPrefix(")") && !trimmed.hasPrefix("]") && !trimmed.hasPrefix("}")
            if startsNew, !current.isEmpty {
                statements.append(current.joined(separator: "\n"))
                current = []
            }
            current.append(line)
            for c in strippingStringsAndComments(line) {
                if "([{".contains(c) { depth += 1 }
                if ")]}".contains(c) { depth = max(0, depth - 1) }
            }
        }
        if !current.isEmpty { statements.append(current.joined(separator: "\n")) }
        return statements
    }

    static func lines(_ code: String) -> [Substring] {
        normalizedNewlines(code).split(separator: "\n", omittingEmptySubsequences: false)
    }
}
