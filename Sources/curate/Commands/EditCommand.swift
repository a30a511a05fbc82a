import ArgumentParser
import CurateCore
import Foundation

/// Options every review command shares: the store, the edit log folder and who acts.
struct ReviewDeskOptions: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Folder of the committed edit logs (one DATASET.jsonl per dataset).")
    var edits = "edits"
    @Option(help: "Your name, kept in the edit log and the audit trail (default: $CURATE_EDITOR_NAME).")
    var editor: String?

    /// The editor's name from `--editor` or `CURATE_EDITOR_NAME`.
    func editorName() throws -> String {
        guard let name = editor ?? ProcessInfo.processInfo.environment["CURATE_EDITOR_NAME"], !name.isEmpty else {
            throw ReviewError.missingEditor
        }
        return name
    }

    func desk(pool: ExecutionPool? = nil) throws -> ReviewDesk {
        try ReviewDesk(store: try storeOptions.open(), pool: pool, editsDirectory: edits)
    }
}

/// `curate edit ID`: a task as one document in $EDITOR (or from a file, or field by field), revalidated and recorded.
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract:
            "Edit a task in $EDITOR (or --from FILE, or --set FIELD=@file): revalidated in the sandbox, then recorded as an editor revision and in edits/DATASET.jsonl."
    )

    @OptionGroup var desk: ReviewDeskOptions
    @Argument(help: "Task id, e.g. mbpp/704.") var id: String
    @Option(help: "Why you change the task; kept in the edit log, the audit trail and the release card.") var reason:
        String?
    @Option(
        name: .customLong("from"),
        help: "Take the task document from this file instead of opening an editor (write one with `--print`).")
    var fromFile: String?
    @Option(
        name: .customLong("set"),
        help:
            "FIELD=@FILE or FIELD=TEXT, repeatable: description, solution, test-setup, tests, challenge-tests, entry-point. For tests, FILE holds one test per line or a JSON array."
    )
    var sets: [String] = []
    @Flag(help: "Record the revision even if its tests fail.") var allowFailing = false
    @Flag(name: .customLong("print"), help: "Print the task document and exit (nothing is recorded).") var printOnly =
        false
    @Option(help: "Python interpreter for the revalidation (default /usr/bin/python3).") var python: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let reader = try desk.desk()
        let task = try reader.task(id)
        guard let head = task.revisions.last else { throw ReviewError.unknownTask(id) }
        let base = head.content
        let comments = [
            "curate edit \(id), revision \(head.number), base \(task.currentHash)",
            "Edit the sections below and save; lines starting with '#' up here are ignored.",
        ]
        if printOnly {
            print(TaskDocument.render(base, comments: comments), terminator: "")
            return
        }
        let editor = try desk.editorName()
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ReviewError.missingReason }
        var content = base
        if let fromFile {
            let text = try String(contentsOfFile: fromFile, encoding: .utf8)
            do {
                content = try TaskDocument.parse(text, base: base)
            } catch let error as TaskDocument.ParseError {
                throw ValidationError("\(fromFile): \(error.errorDescription!)")
            }
        } else if sets.isEmpty {
            content = try Self.editInteractively(TaskDocument.render(base, comments: comments), base: base, id: id)
        }
        for assignment in sets { content = try Self.apply(assignment, to: content) }
        guard content != base || task.conflict != nil else {
            print("No changes to \(id); nothing recorded.")
            return
        }
        if !json {
            print(UnifiedDiff.fields(base, content).joined(separator: "\n"))
            print("")
        }
        let outcome: ReviewSaveResult
        do {
            outcome = try await ExecutionPool.withPool(.init(python: python, jobs: 1)) { pool in
                try await ReviewDesk(store: reader.store, pool: pool, editsDirectory: desk.edits)
                    .save(
                        id, baseHash: task.currentHash, content: content, editor: editor, reason: reason,
                        allowFailing: allowFailing)
            }
        } catch ReviewError.failingRevision(let task, let verdict) {
            if !json { Self.printVerdict(verdict) }
            throw ReviewError.failingRevision(task: task, verdict: verdict)
        }
        if json {
            print(CanonicalJSON.string(outcome, pretty: true))
            return
        }
        Self.printVerdict(outcome.verdict)
        print(
            "Recorded revision \(outcome.revision.number) of \(id) (sha256 \(outcome.revision.contentHash.prefix(12))) by \(editor); logged in \(reader.logPath(task.dataset))."
        )
    }

    static func printVerdict(_ verdict: RevisionVerdict) {
        print("Revalidated in the sandbox: \(verdict.summary)")
        if let error = verdict.programError { print("  \(error)") }
        for item in verdict.asserts {
            print(
                "  \(item.passed ? "passed" : "FAILED")  \(item.statement)\(item.passed ? "" : "  → \(item.outcome)")")
        }
    }

    /// Opens the document in $EDITOR until it parses; a parse error reopens it with the message on top. Saving the
    /// file unchanged after an error gives up.
    static func editInteractively(_ document: String, base: TaskContent, id: String) throws -> TaskContent {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("curate-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(id.replacingOccurrences(of: "/", with: "-") + ".task")
        var shown = document
        while true {
            try shown.write(to: file, atomically: true, encoding: .utf8)
            try runEditor(file.path)
            let edited = try String(contentsOf: file, encoding: .utf8)
            do {
                return try TaskDocument.parse(edited, base: base)
            } catch let error as TaskDocument.ParseError {
                if edited == shown, shown != document {
                    throw ValidationError(
                        "the task document still does not parse (\(error.errorDescription!)); nothing recorded")
                }
                Terminal.error("\(file.lastPathComponent): \(error.errorDescription!); reopening the editor")
                let kept = TaskDocument.lines(edited).filter { !$0.hasPrefix("# error: ") }.joined(separator: "\n")
                shown = "# error: \(error.errorDescription!) (fix it and save; save unchanged to give up)\n" + kept
            }
        }
    }

    static func runEditor(_ path: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let editor =
            environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["EDITOR"].flatMap {
                $0.isEmpty ? nil : $0
            } ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "curate-edit", path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError(
                "the editor '\(editor)' exited with status \(process.terminationStatus); nothing recorded")
        }
    }

    /// One `--set FIELD=@FILE` or `FIELD=TEXT`.
    static func apply(_ assignment: String, to content: TaskContent) throws -> TaskContent {
        let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--set '\(assignment)' is not FIELD=@FILE or FIELD=TEXT") }
        var value = parts[1]
        if value.hasPrefix("@") {
            let path = String(value.dropFirst())
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("--set \(parts[0]): cannot read '\(path)'")
            }
            value = text
        }
        var result = content
        func list() throws -> [String] {
            if value.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("[") {
                guard let items = try? JSONDecoder().decode([String].self, from: Data(value.utf8)) else {
                    throw ValidationError("--set \(parts[0]): the JSON is not an array of strings")
                }
                return items
            }
            return TaskDocument.lines(value).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        switch parts[0].lowercased().replacingOccurrences(of: "_", with: "-") {
        case "description":
            result.description =
                value.hasSuffix("\n") && !content.description.hasSuffix("\n") ? String(value.dropLast()) : value
        case "solution": result.solution = value
        case "test-setup", "testsetup": result.testSetup = value
        case "tests": result.tests = try list()
        case "challenge-tests", "challengetests": result.challengeTests = try list()
        case "entry-point", "entrypoint":
            let name = value.trimmingCharacters(in: .whitespacesAndNewlines)
            result.entryPoint = name.isEmpty ? nil : name
        default:
            throw ValidationError(
                "--set: unknown field '\(parts[0])'; fields: description, solution, test-setup, tests, challenge-tests, entry-point"
            )
        }
        return result
    }
}
