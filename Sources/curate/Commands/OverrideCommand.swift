import ArgumentParser
import CurateCore
import CurateStore
import Foundation

/// `curate override FLAG_ID`: an editor dismisses (or reinstates) a flag; the decision is audited and logged in the
/// dataset's edit log (as `curate review dismiss|reinstate`), the flag kept.
struct OverrideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override",
        abstract: "Dismiss a flag as an editor (or reinstate it), with an audited reason.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Folder of the committed edit logs; the decision is appended to DATASET.jsonl there.")
    var edits = "edits"

    @Argument(help: "Id of the flag (see `curate show TASK`).")
    var flagID: Int64

    @Option(help: "Who decides.")
    var editor: String

    @Option(help: "Why; kept in the audit trail.")
    var reason: String

    @Flag(help: "Reinstate a dismissed flag instead of dismissing it.")
    var reinstate = false

    @Flag(help: "Print the override and the flag's audit trail as JSON.")
    var json = false

    func validate() throws {
        if editor.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--editor must name the editor")
        }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
    }

    func run() throws {
        let store = try storeOptions.open()
        guard let flag = try store.flag(id: flagID) else { throw StoreError.unknownFlag(flagID) }
        let desk = try ReviewDesk(store: store, editsDirectory: edits)
        if reinstate {
            try desk.reinstateFlag(flagID, editor: editor, reason: reason)
        } else {
            try desk.dismissFlag(flagID, editor: editor, reason: reason)
        }
        let trail = try store.overrides(flagIDs: [flagID])[flagID] ?? []
        if json {
            print(CanonicalJSON.string(OverrideReport(flag: flag, trail: trail), pretty: true))
            return
        }
        print(
            "Flag #\(flagID) \(flag.stage)/\(flag.code) on \(flag.taskID) (revision #\(flag.revisionID)) \(reinstate ? "reinstated" : "dismissed") by \(editor)."
        )
        print("")
        let dates = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["when", "editor", "action", "reason"],
                trail.map { [dates.string(from: $0.createdAt), $0.editor, $0.action.rawValue, $0.reason] }))
    }
}

/// JSON shape of `curate override --json`.
private struct OverrideReport: Encodable {
    var flag: FlagRecord
    var trail: [FlagOverrideRecord]
}
