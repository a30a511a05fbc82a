import Foundation

/// The parts of a task compared for duplicates.
public enum DedupField: String, Sendable, Hashable, Codable, CaseIterable {
    case description, code, tests
}

/// Normalizes task text into token streams so that layout, case, comments and line endings do not hide a copy.
public enum DedupNormalizer {
    /// Lowercase words of a description; punctuation and whitespace are separators.
    public static func descriptionTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Python-ish tokens of code: identifiers, numbers, string literals and operators, with comments and
    /// whitespace dropped (so CRLF, tabs and indentation width do not matter).
    public static func codeTokens(_ code: String) -> [String] {
        let chars = Array(code.unicodeScalars)
        var tokens: [String] = []
        var i = 0
        func isIdent(_ c: Unicode.Scalar) -> Bool { c == "_" || CharacterSet.alphanumerics.contains(c) }
        while i < chars.count {
            let c = chars[i]
            if CharacterSet.whitespacesAndNewlines.contains(c) || c == "\\" {
                i += 1
            } else if c == "#" {
                while i < chars.count, chars[i] != "\n", chars[i] != "\r" { i += 1 }
            } else if c == "\"" || c == "'" {
                let start = i
                let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                let quoteLength = triple ? 3 : 1
                i += quoteLength
                while i < chars.count {
                    if chars[i] == "\\" { i += 2; continue }
                    if chars[i] == c, !triple || (i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c) {
                        i += quoteLength
                        break
                    }
                    if !triple, chars[i] == "\n" { break }
                    i += 1
                }
                var literal = String.UnicodeScalarView()
                literal.append(contentsOf: chars[start..<min(i, chars.count)])
                tokens.append(String(literal).replacingOccurrences(of: "'", with: "\""))
            } else if isIdent(c) {
                var word = String.UnicodeScalarView()
                while i < chars.count,
                    isIdent(chars[i])
                        || (chars[i] == "." && word.first.map { CharacterSet.decimalDigits.contains($0) } == true)
                {
                    word.append(chars[i])
                    i += 1
                }
                tokens.append(String(word))
            } else {
                tokens.append(String(c))
                i += 1
            }
        }
        return tokens
    }

    /// Tokens of one field of a task.
    public static func tokens(_ field: DedupField, of content: TaskContent) -> [String] {
        switch field {
        case .description: descriptionTokens(content.description)
        case .code: codeTokens(content.solution)
        case .tests: codeTokens((content.tests + content.challengeTests).joined(separator: "\n"))
        }
    }
}

/// Hashed token k-grams ("shingles") of a token stream, as a multiset: the n-th repeat of a k-gram is its own
/// shingle, so `j*j*j*j` and `j*j*j*j*j` differ. A stream shorter than k gives one shingle of all of it.
public enum Shingler {
    public static func shingles(_ tokens: [String], size: Int, salt: String = "") -> Set<UInt64> {
        guard !tokens.isEmpty else { return [] }
        let k = max(1, size)
        if tokens.count <= k { return [fnv1a(salt, tokens[...])] }
        var result = Set<UInt64>()
        var seen: [UInt64: UInt64] = [:]
        for start in 0...(tokens.count - k) {
            let hash = fnv1a(salt, tokens[start..<(start + k)])
            var repeatIndex = seen[hash, default: 0]
            seen[hash] = repeatIndex + 1
            result.insert(repeatIndex == 0 ? hash : hash ^ MinHasher.splitmix(&repeatIndex))
        }
        return result
    }

    /// 64-bit FNV-1a over the salt and the tokens, with a separator byte between tokens.
    static func fnv1a(_ salt: String, _ tokens: ArraySlice<String>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for byte in salt.utf8 { feed(byte) }
        for token in tokens {
            feed(0x1f)
            for byte in token.utf8 { feed(byte) }
        }
        return hash
    }
}
