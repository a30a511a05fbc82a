import ArgumentParser
import CurateCore
import CurateStore
import Foundation

/// `curate review …`: the review pass from the terminal (the same actions as the web workbench).
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract:
            "Review a dataset: the queue, statuses, manual flags, flag dismissals and the audit log (all kept in edits/DATASET.jsonl).",
        subcommands: [
            ReviewStatusCommand.self,
            ReviewQueueCommand.self,
            ReviewApproveCommand.self,
            ReviewNeedsWorkCommand.self,
            ReviewExcludeCommand.self,
            ReviewUnreviewCommand.self,
            ReviewFlagCommand.self,
            ReviewDismissCommand.self,
            ReviewReinstateCommand.self,
            ReviewLogCommand.self,
            ReviewServeCommand.self,
        ]
    )
}

/// `curate review status [ID]`: one task's status, flags and conflict, or the counts of a dataset.
struct ReviewStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a task's review status, flags and conflict, or a dataset's counts.")

    @OptionGroup var desk: ReviewDeskOptions
    @Argument(help: "Task id; without it, counts per dataset.") var id: String?
    @Option(help: "Only this dataset (for counts).") var dataset: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let reviewDesk = try desk.desk()
        guard let id else {
            let datasets = try dataset.map { [$0] } ?? reviewDesk.store.datasets()
            let queues = try datasets.map { ($0, try reviewDesk.queue(ReviewQueueFilter(dataset: $0))) }
            if json {
                print(
                    CanonicalJSON.string(
                        Dictionary(uniqueKeysWithValues: queues.map { ($0.0, ReviewCounts($0.1)) }), pretty: true))
                return
            }
            print(
                Terminal.table(
                    [
                        "dataset", "tasks", "reviewed", "remaining", "approved", "needs-work", "excluded", "flagged",
                        "conflicts",
                    ],
                    queues.map { name, queue in
                        let c = ReviewCounts(queue)
                        return [
                            name, "\(c.total)", "\(c.reviewed)", "\(c.remaining)", "\(c.approved)", "\(c.needsWork)",
                            "\(c.excluded)", "\(c.flagged)", "\(c.conflicts)",
                        ]
                    }))
            return
        }
        let task = try reviewDesk.task(id)
        if json {
            print(CanonicalJSON.string(task, pretty: true))
            return
        }
        let head = task.revisions.last!
        print(
            "\(id)  revision \(head.number) (\(head.origin) by \(head.editor))  sha256 \(task.currentHash.prefix(12))")
        let status = task.status
        if status.current {
            print(
                "status: \(status.status.rawValue)" + (status.editor.map { " by \($0): \(status.reason ?? "")" } ?? ""))
        } else {
            print(
                "status: unreviewed (\(status.editor ?? "") approved earlier content: \(status.reason ?? ""); review the current revision)"
            )
        }
        if let verdict = task.verdict { print("verdict: \(verdict.summary)") } else { print("verdict: not validated") }
        for flag in task.flags {
            print(
                "flag #\(flag.id) [\(flag.severity)] \(flag.code): \(flag.message)\(flag.dismissed ? " (dismissed)" : "")"
            )
        }
        if let conflict = task.conflict {
            print(
                "CONFLICT: the raw record changed under an editor's revision (raw sha256 \(conflict.rawHash.prefix(12))). Resolve with `curate edit \(id)`."
            )
            for field in conflict.fields {
                print(
                    "  \(field.field):\n    raw:    \(CanonicalJSON.string(field.raw))\n    editor: \(CanonicalJSON.string(field.editor))"
                )
            }
        }
    }
}

/// Counts of a review queue for `curate review status`.
struct ReviewCounts: Codable {
    var total, reviewed, remaining, approved, needsWork, excluded, flagged, conflicts: Int

    init(_ queue: ReviewQueue) {
        total = queue.total
        reviewed = queue.reviewed
        remaining = queue.remaining
        approved = queue.items.filter { $0.status == .approved }.count
        needsWork = queue.items.filter { $0.status == .needsWork }.count
        excluded = queue.items.filter { $0.status == .excluded }.count
        flagged = queue.items.filter { !$0.flags.isEmpty }.count
        conflicts = queue.items.filter(\.conflict).count
    }
}

/// `curate review queue`: tasks to review, flagged first.
struct ReviewQueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List tasks to review: flagged and conflicted first, then by id.")

    @OptionGroup var desk: ReviewDeskOptions
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Only tasks carrying this flag code (or code prefix).") var flag: String?
    @Option(help: "Only tasks with this status: \(ReviewStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: String?
    @Option(name: .customLong("by"), help: "Only tasks this editor acted on.") var by: String?
    @Option(help: "Show at most this many tasks.") var limit = 50
    @Flag(help: "Print JSON (every matching task).") var json = false

    func run() throws {
        let wanted = try status.map { name in
            guard let status = ReviewStatus(rawValue: name) else {
                throw ValidationError(
                    "--status must be one of \(ReviewStatus.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'"
                )
            }
            return status
        }
        let queue = try desk.desk().queue(ReviewQueueFilter(dataset: dataset, flag: flag, status: wanted, editor: by))
        if json {
            print(CanonicalJSON.string(queue, pretty: true))
            return
        }
        print("\(queue.total) task(s): \(queue.reviewed) reviewed, \(queue.remaining) remaining")
        print(
            Terminal.table(
                ["task", "status", "flags", "description"],
                queue.items.prefix(limit).map { item in
                    [
                        item.id, item.status.rawValue + (item.conflict ? " CONFLICT" : ""),
                        item.flags.joined(separator: ", "), String(item.title.prefix(70)),
                    ]
                }))
        if queue.items.count > limit { print("… and \(queue.items.count - limit) more (--limit N)") }
    }
}

/// Shared body of the status-setting subcommands.
struct ReviewStatusSetter: ParsableArguments {
    @OptionGroup var desk: ReviewDeskOptions
    @Argument(help: "Task id.") var id: String
    @Option(help: "Why; kept in the edit log and the audit trail.") var reason: String

    func set(_ status: ReviewStatus) throws {
        let entry = try desk.desk().setStatus(id, status, editor: try desk.editorName(), reason: reason)
        print("\(id): \(entry.summary) by \(entry.editor) (\(entry.reason)).")
    }
}

struct ReviewApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a task's current content.")
    @OptionGroup var options: ReviewStatusSetter
    func run() throws { try options.set(.approved) }
}

struct ReviewNeedsWorkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "needs-work", abstract: "Mark a task as needing work.")
    @OptionGroup var options: ReviewStatusSetter
    func run() throws { try options.set(.needsWork) }
}

struct ReviewExcludeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exclude",
        abstract: "Exclude a task from releases (the reason is listed in the manifest and card).")
    @OptionGroup var options: ReviewStatusSetter
    func run() throws { try options.set(.excluded) }
}

struct ReviewUnreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unreview", abstract: "Set a task back to unreviewed (e.g. to undo an exclusion).")
    @OptionGroup var options: ReviewStatusSetter
    func run() throws { try options.set(.unreviewed) }
}

/// `curate review flag ID --code editor/… --message …`.
struct ReviewFlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag", abstract: "Raise a manual flag (code editor/…) on a task's current revision.")

    @OptionGroup var desk: ReviewDeskOptions
    @Argument(help: "Task id.") var id: String
    @Option(help: "Flag code, e.g. editor/ambiguous-description.") var code: String
    @Option(help: "What is wrong, for the next reader.") var message: String
    @Option(help: "warning (default) or error (an error flag can exclude the task through exclude_flags).")
    var severity = "warning"
    @Option(help: "Why (default: the message).") var reason: String?

    func run() throws {
        guard let level = FlagRecord.Severity(rawValue: severity), level != .info else {
            throw ValidationError("--severity must be warning or error")
        }
        let entry = try desk.desk().raiseFlag(
            id, code: code, message: message, severity: level, editor: try desk.editorName(), reason: reason ?? message)
        print("\(id): \(entry.summary) by \(entry.editor).")
    }
}

/// Shared body of dismiss and reinstate.
struct ReviewFlagDecision: ParsableArguments {
    @OptionGroup var desk: ReviewDeskOptions
    @Argument(help: "Id of the flag (see `curate review status TASK` or `curate show TASK`).") var flagID: Int64
    @Option(help: "Why; kept in the edit log and the audit trail.") var reason: String
}

struct ReviewDismissCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dismiss", abstract: "Dismiss a flag (it stops counting for this content, also when raised again)."
    )
    @OptionGroup var options: ReviewFlagDecision
    func run() throws {
        let entry = try options.desk.desk().dismissFlag(
            options.flagID, editor: try options.desk.editorName(), reason: options.reason)
        print("\(entry.task): \(entry.summary) (flag #\(options.flagID)) by \(entry.editor).")
    }
}

struct ReviewReinstateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reinstate", abstract: "Reinstate a dismissed flag.")
    @OptionGroup var options: ReviewFlagDecision
    func run() throws {
        let entry = try options.desk.desk().reinstateFlag(
            options.flagID, editor: try options.desk.editorName(), reason: options.reason)
        print("\(entry.task): \(entry.summary) (flag #\(options.flagID)) by \(entry.editor).")
    }
}

/// `curate review log`: the audit trail.
struct ReviewLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Show the audit trail of the review pass, newest first.")

    @OptionGroup var desk: ReviewDeskOptions
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Only this task.") var task: String?
    @Option(help: "At most this many entries.") var limit = 50
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let entries = try desk.desk().auditLog(dataset: dataset, taskID: task, limit: limit)
        if json {
            print(CanonicalJSON.string(entries, pretty: true))
            return
        }
        let dates = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["when", "task", "editor", "action", "reason"],
                entries.map {
                    [dates.string(from: $0.at), $0.task, $0.editor, $0.summary, $0.reason]
                }))
    }
}
