import Foundation

/// Turns a Stack Exchange post body (HTML) into plain text: entities decoded, `<pre>`/`<code>` content kept
/// line for line, block tags turned into line breaks, all other tags stripped.
enum HTMLText {
    private static let blockTags: Set<String> = [
        "p", "br", "div", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
        "hr",
    ]

    /// Plain text of `html`, as UTF-8 bytes appended to `out` (cleared first).
    static func text(_ html: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var bytes = Array(html.utf8)
        bytes.withUnsafeMutableBufferPointer { buf in
            let count = buf.count
            var i = 0
            while i < count {
                let b = buf[i]
                if b == UInt8(ascii: "<") {
                    var j = i + 1
                    while j < count && buf[j] != UInt8(ascii: ">") { j += 1 }
                    let name = tagName(buf, from: i + 1, to: j)
                    if blockTags.contains(name) && out.last != 0x0A && !out.isEmpty { out.append(0x0A) }
                    i = j + 1
                } else if b == UInt8(ascii: "&") {
                    var j = i + 1
                    while j < count && j - i <= 10 && buf[j] != UInt8(ascii: ";") && buf[j] != UInt8(ascii: "&") {
                        j += 1
                    }
                    if j < count && buf[j] == UInt8(ascii: ";"), let decoded = entity(buf, from: i + 1, to: j) {
                        out.append(contentsOf: decoded)
                        i = j + 1
                    } else {
                        out.append(b)
                        i += 1
                    }
                } else {
                    out.append(b)
                    i += 1
                }
            }
        }
        bytes.removeAll()
    }

    private static func tagName(_ buf: UnsafeMutableBufferPointer<UInt8>, from: Int, to: Int) -> String {
        var k = from
        if k < to && buf[k] == UInt8(ascii: "/") { k += 1 }
        var name: [UInt8] = []
        while k < to {
            let c = buf[k]
            let isAlnum = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
            if !isAlnum { break }
            name.append(c >= 65 && c <= 90 ? c | 0x20 : c)
            k += 1
        }
        return String(decoding: name, as: UTF8.self)
    }

    private static let named: [String: String] = [
        "lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "hellip": "…", "copy": "©", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“",
    ]

    private static func entity(_ buf: UnsafeMutableBufferPointer<UInt8>, from: Int, to: Int) -> [UInt8]? {
        let body = String(decoding: UnsafeBufferPointer(rebasing: buf[from..<to]), as: UTF8.self)
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits)
            }
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return Array(String(Character(scalar)).utf8)
        }
        return named[body].map { Array($0.utf8) }
    }
}
