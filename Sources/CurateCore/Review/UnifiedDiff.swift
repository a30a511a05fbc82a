import Foundation

/// A line diff of two texts in unified format (`-` old, `+` new, ` ` context), for revisions and releases.
public enum UnifiedDiff {
    /// The unified diff of `old` and `new` with `context` lines around each change; empty when they are equal.
    public static func lines(_ old: String, _ new: String, context: Int = 3) -> [String] {
        let a = split(old), b = split(new)
        guard a != b else { return [] }
        let ops = operations(a, b)
        var out: [String] = []
        var index = 0, previousEnd = 0
        while index < ops.count {
            guard ops[index].kind != " " else {
                index += 1
                continue
            }
            let start = max(previousEnd, index - context)
            var end = index
            var quiet = 0
            while end < ops.count {
                if ops[end].kind == " " {
                    quiet += 1
                    if quiet > 2 * context { break }
                } else {
                    quiet = 0
                }
                end += 1
            }
            end = min(ops.count, end - max(0, quiet - context))
            let oldStart = ops[start].oldLine, newStart = ops[start].newLine
            let hunk = ops[start..<end]
            out.append(
                "@@ -\(oldStart + 1),\(hunk.filter { $0.kind != "+" }.count) +\(newStart + 1),\(hunk.filter { $0.kind != "-" }.count) @@"
            )
            out += hunk.map { "\($0.kind)\($0.text)" }
            index = end
            previousEnd = end
        }
        return out
    }

    private struct Operation {
        var kind: Character
        var text: String
        var oldLine: Int
        var newLine: Int
    }

    private static func split(_ text: String) -> [String] {
        text.isEmpty ? [] : TaskDocument.lines(text.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    /// Edit script from a longest common subsequence table (texts of a task are small).
    private static func operations(_ a: [String], _ b: [String]) -> [Operation] {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var ops: [Operation] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                ops.append(Operation(kind: " ", text: a[i], oldLine: i, newLine: j))
                i += 1
                j += 1
            } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
                ops.append(Operation(kind: "-", text: a[i], oldLine: i, newLine: j))
                i += 1
            } else {
                ops.append(Operation(kind: "+", text: b[j], oldLine: i, newLine: j))
                j += 1
            }
        }
        return ops
    }

    /// The diff of two task contents, field by field, as `curate show --diff` and `curate edit` print it.
    public static func fields(_ old: TaskContent, _ new: TaskContent) -> [String] {
        var out: [String] = []
        for (name, a, b) in texts(old, new) {
            let diff = lines(a, b)
            guard !diff.isEmpty else { continue }
            out += ["--- \(name)", "+++ \(name)"] + diff
        }
        return out
    }

    /// Each shown field of both contents as text (tests one per line block).
    static func texts(_ old: TaskContent, _ new: TaskContent) -> [(String, String, String)] {
        func tests(_ list: [String]) -> String { list.joined(separator: "\n") }
        return [
            ("description", old.description, new.description), ("solution", old.solution, new.solution),
            ("test setup", old.testSetup, new.testSetup), ("tests", tests(old.tests), tests(new.tests)),
            ("challenge tests", tests(old.challengeTests), tests(new.challengeTests)),
            ("entry point", old.entryPoint ?? "", new.entryPoint ?? ""),
            ("imports", tests(old.imports), tests(new.imports)),
            (
                "metadata", CanonicalJSON.string(old.metadata, pretty: true),
                CanonicalJSON.string(new.metadata, pretty: true)
            ),
        ]
    }
}
