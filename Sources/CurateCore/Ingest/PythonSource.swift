import Foundation

/// Light, line-based facts about Python source that ingest and lint need (no Python process involved).
public enum PythonSource {
    /// Source with `\r\n` and `\r` turned into `\n`.
    public static func normalizedNewlines(_ code: String) -> String {
        code.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// The source with string literals and comments blanked out, so keyword searches do not match inside them.
    /// Works on UTF-8 bytes (every delimiter is ASCII), so a large source costs its size, not 16 bytes a character.
    public static func strippingStringsAndComments(_ code: String) -> String {
        let bytes = Array(normalizedNewlines(code).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let hash = UInt8(ascii: "#"), newline = UInt8(ascii: "\n"), backslash = UInt8(ascii: "\\")
        let double = UInt8(ascii: "\""), single = UInt8(ascii: "'")
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == hash {
                while i < bytes.count, bytes[i] != newline { i += 1 }
                continue
            }
            if c == double || c == single {
                let triple = i + 2 < bytes.count && bytes[i + 1] == c && bytes[i + 2] == c
                let length = triple ? 3 : 1
                i += length
                while i < bytes.count {
                    if bytes[i] == backslash { i += 2; continue }
                    if !triple, bytes[i] == newline { break }
                    if i + length <= bytes.count, (i..<i + length).allSatisfy({ bytes[$0] == c }) { i += length; break }
                    i += 1
                }
                out += [double, double]
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
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

    /// Names called anywhere in `code` (`name(`, not `obj.name(`), in order of first appearance. Scans UTF-8 bytes;
    /// a non-ASCII character counts as a letter or digit when Swift's `Character` says so.
    public static func calledNames(_ code: String) -> [String] {
        let bytes = Array(strippingStringsAndComments(code).utf8)
        /// Byte length of the identifier character at `i` (0 if none; `first` also excludes digits).
        func identifierLength(at i: Int, first: Bool) -> Int {
            let b = bytes[i]
            if b < 0x80 {
                let letter =
                    (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b == UInt8(ascii: "_")
                let digit = b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
                return letter || (!first && digit) ? 1 : 0
            }
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            let end = min(bytes.count, i + length)
            guard let scalar = String(decoding: bytes[i..<end], as: UTF8.self).unicodeScalars.first else { return 0 }
            let character = Character(scalar)
            return character.isLetter || (!first && character.isNumber) ? end - i : 0
        }
        var names: [String] = []
        var seen = Set<String>()
        var i = 0
        while i < bytes.count {
            let step = identifierLength(at: i, first: true)
            guard step > 0 else { i += 1; continue }
            let start = i
            i += step
            while i < bytes.count, case let step = identifierLength(at: i, first: false), step > 0 { i += step }
            var j = i
            while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
            let isAttribute = start > 0 && bytes[start - 1] == UInt8(ascii: ".")
            if j < bytes.count, bytes[j] == UInt8(ascii: "("), !isAttribute {
                let name = String(decoding: bytes[start..<i], as: UTF8.self)
                if seen.insert(name).inserted { names.append(name) }
            }
        }
        return names
    }

    /// The function under test: the first top-level function (or class) the tests call that the solution defines and
    /// that is not a Python builtin, else the first such builtin the solution redefines (MBPP task 126 defines `sum`),
    /// else the last function defined. The sandbox lets only the entry point shadow a builtin for the tests, so a
    /// solution that also defines `int` cannot bend `assert int(add(1, 2)) == 3`.
    public static func inferEntryPoint(solution: String, tests: [String]) -> String? {
        let functions = topLevelFunctions(solution)
        let defined = functions + topLevelClasses(solution)
        let called = calledNames(tests.joined(separator: "\n")).filter(defined.contains)
        return called.first { !builtinNames.contains($0) } ?? called.first ?? functions.last
    }

    /// The names of Python 3.11's `builtins` module (without underscore names).
    static let builtinNames: Set<String> = [
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup", "BlockingIOError",
        "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError", "ConnectionAbortedError",
        "ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "DeprecationWarning", "EOFError",
        "Ellipsis", "EncodingWarning", "EnvironmentError", "Exception", "ExceptionGroup", "False", "FileExistsError",
        "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit", "IOError", "ImportError",
        "ImportWarning", "IndentationError", "IndexError", "InterruptedError", "IsADirectoryError", "KeyError",
        "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError", "None",
        "NotADirectoryError", "NotImplemented", "NotImplementedError", "OSError", "OverflowError",
        "PendingDeprecationWarning", "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError",
        "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError",
        "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError", "True", "TypeError",
        "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "UnicodeTranslateError",
        "UnicodeWarning", "UserWarning", "ValueError", "Warning", "ZeroDivisionError", "abs", "aiter", "all", "anext",
        "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes", "callable", "chr", "classmethod", "compile",
        "complex", "copyright", "credits", "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit",
        "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input",
        "int", "isinstance", "issubclass", "iter", "len", "license", "list", "locals", "map", "max", "memoryview",
        "min", "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr", "reversed",
        "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars",
        "zip",
    ]

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
                    if words.count >= 3, words[1] == "as" {
                        names.insert(words[2])
                    } else if let first = words.first {
                        names.insert(String(first.split(separator: ".").first ?? ""))
                    }
                }
            } else if let range = statement.range(of: " import ") {
                for part in statement[range.upperBound...].replacingOccurrences(of: "(", with: "").replacingOccurrences(
                    of: ")", with: ""
                ).split(separator: ",") {
                    let words = part.split(separator: " ").map(String.init)
                    if words.count >= 3, words[1] == "as" {
                        names.insert(words[2])
                    } else if let first = words.first {
                        names.insert(first)
                    }
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
            let startsNew =
                depth == 0 && !(line.first?.isWhitespace ?? false)
                && !trimmed.hasPrefix("else") && !trimmed.hasPrefix("elif") && !trimmed.hasPrefix("except")
                && !trimmed.hasPrefix("finally") && !trimmed.hasPrefix(")") && !trimmed.hasPrefix("]")
                && !trimmed.hasPrefix("}")
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
