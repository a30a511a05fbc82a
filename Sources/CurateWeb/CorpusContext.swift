import CurateCore
import Foundation

/// The corpus text around a contamination match, read back from the corpus file the evidence names, so the task
/// page shows the match in its surroundings. Plain text and JSONL files are read at the recorded offset; for others
/// (compressed, XML dumps) or a file that moved, the evidence keeps only the matched text it recorded.
enum CorpusContext {
    /// Characters of context on each side of the match.
    static let margin = 320

    /// `task` with a `context` (`before`, `match`, `after`) added to each contamination evidence item it could read.
    static func adding(to task: ReviewTask) -> ReviewTask {
        var task = task
        task.flags = task.flags.map { flag in
            guard flag.stage == "contamination", case .array(let items)? = flag.evidence else { return flag }
            var flag = flag
            flag.evidence = .array(
                items.map { item in
                    guard case .object(var fields) = item, let context = context(of: fields) else { return item }
                    fields["context"] = .object([
                        "before": .string(context.before), "match": .string(context.match),
                        "after": .string(context.after),
                    ])
                    return .object(fields)
                })
            return flag
        }
        return task
    }

    /// The text around one evidence item's match, or nil when its file cannot be read back.
    static func context(of item: [String: JSONValue]) -> (before: String, match: String, after: String)? {
        guard case .object(let location)? = item["location"], case .string(let path)? = location["file"],
            case .int(let offset)? = location["offset"], case .int(let position)? = location["position"],
            case .string(let matched)? = location["text"], !matched.isEmpty
        else { return nil }
        let lowered = path.lowercased()
        guard ![".gz", ".zst", ".xml", ".bz2", ".xz"].contains(where: lowered.hasSuffix),
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        let document: [UInt8]
        let start: Int
        if case .string(let label)? = location["document"], label.hasPrefix("line ") {
            // JSONL: the offset is the record's line; the position is inside its decoded text field.
            guard
                let line = try? read(handle, from: Int(offset), count: 1 << 20).split(separator: 0x0A, maxSplits: 1)
                    .first,
                let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let text = object.values.compactMap({ $0 as? String }).first(where: { $0.utf8.contains(matched.utf8) })
            else { return nil }
            document = Array(text.utf8)
            start = Int(position)
        } else {
            // A plain text file: the offset is the match itself.
            let from = max(0, Int(offset) - margin * 4)
            guard let bytes = try? read(handle, from: from, count: margin * 8 + matched.utf8.count) else { return nil }
            document = bytes
            start = Int(offset) - from
        }
        let match = Array(matched.utf8)
        guard start >= 0, start + match.count <= document.count, Array(document[start..<start + match.count]) == match
        else { return nil }
        let before = String(decoding: document[..<start], as: UTF8.self)
        let after = String(decoding: document[(start + match.count)...], as: UTF8.self)
        return (String(before.suffix(margin)), matched, String(after.prefix(margin)))
    }

    private static func read(_ handle: FileHandle, from offset: Int, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: UInt64(offset))
        return Array(try handle.read(upToCount: count) ?? Data())
    }
}
