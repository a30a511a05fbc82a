import ArgumentParser
import CurateCore

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "Compare two releases: tasks added, removed, changed (which fields) and moved between splits, with reasons."
    )

    @Argument(help: "DATASET@VERSION") var from: String
    @Argument(help: "DATASET@VERSION") var to: String
    @Option(help: "Folder that holds releases.") var root = "curated"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let diff = try ReleaseDiff.compare(from, to, root: root)
        if json {
            print(CanonicalJSON.string(diff, pretty: true))
            return
        }
        print(
            "\(from) → \(to): \(diff.added.count) added, \(diff.removed.count) removed, \(diff.changed.count) changed, \(diff.moved.count) moved"
        )
        for a in diff.added { print("+ \(a.id) [\(a.split)] \(a.reason)") }
        for r in diff.removed { print("- \(r.id) [\(r.split)] \(r.reason)") }
        for c in diff.changed {
            print("~ \(c.id) fields \(c.fields.joined(separator: ", ")): \(c.reason)")
            if !c.editors.isEmpty {
                print("    edited by \(c.editors.joined(separator: ", ")): \(c.reasons.joined(separator: "; "))")
            }
            for change in c.changes {
                print("    --- \(change.field) (\(from))\n    +++ \(change.field) (\(to))")
                for line in UnifiedDiff.lines(change.old, change.new) { print("    \(line)") }
            }
        }
        for m in diff.moved { print("> \(m.id) \(m.from) → \(m.to)") }
    }
}
