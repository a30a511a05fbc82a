import ArgumentParser
import CurateCore
import Foundation

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a task: every revision, its provenance, content and flags.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Task id, e.g. mbpp/11.") var id: String
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show a unified diff between each revision and the one before it (who changed what, and why).")
    var diff = false

    func run() throws {
        let detail = try TaskCatalog(store: try storeOptions.open()).detail(id: id)
        if diff, !json {
            printDiffs(detail)
            return
        }
        if json {
            print(CanonicalJSON.string(detail, pretty: true))
            return
        }
        Terminal.print("\(detail.id)  (dataset \(detail.dataset), \(detail.revisions.count) revision(s))")
        for revision in detail.revisions {
            Terminal.print(
                "\nrevision \(revision.number)  #\(revision.id)  \(revision.origin) by \(revision.author)  \(ISO8601DateFormatter().string(from: revision.createdAt))"
            )
            Terminal.print("  content sha256 \(revision.contentHash)")
            if let p = revision.provenance {
                Terminal.print("  from \(p.sourcePath) \(p.location)  raw sha256 \(p.rawSHA256)")
            }
            if let note = revision.note { Terminal.print("  note: \(note)") }
            let c = revision.content
            Terminal.print("  description: \(c.description)")
            Terminal.print("  entry point: \(c.entryPoint ?? "-")")
            Terminal.print("  solution:\n" + indent(PythonSourceText.display(c.solution)))
            if !c.testSetup.isEmpty {
                Terminal.print("  test setup:\n" + indent(PythonSourceText.display(c.testSetup)))
            }
            Terminal.print("  tests:")
            for test in c.tests { Terminal.print("    " + test) }
            if !c.challengeTests.isEmpty {
                Terminal.print("  challenge tests:")
                for test in c.challengeTests { Terminal.print("    " + test) }
            }
            if !c.metadata.isEmpty {
                Terminal.print(
                    "  metadata: "
                        + c.metadata.sorted { $0.key < $1.key }.filter { $0.key != "prompt" }.map {
                            "\($0.key)=\($0.value.prefix(60))"
                        }.joined(separator: ", "))
            }
            if let stored = revision.verdict {
                let v = stored.verdict
                Terminal.print(
                    String(
                        format: "  verdict: %@  (Python %@, wall %.3f s, cpu %.3f s, peak %d KiB, limit %.1f s)",
                        v.passed ? "passed" : v.status.rawValue, stored.pythonVersion, v.wallSeconds, v.cpuSeconds,
                        v.peakMemoryKB,
                        stored.calibratedTimeoutSeconds ?? stored.timeoutSeconds))
                let statements = c.tests + Array(c.challengeTests.prefix(max(0, v.tests.count - c.tests.count)))
                for (index, outcome) in v.tests.enumerated() {
                    let statement = index < statements.count ? statements[index] : "test \(index + 1)"
                    Terminal.print("    \(Self.describe(outcome))  \(statement.prefix(80))")
                }
            }
            if let mutation = revision.mutation { Terminal.print(Self.describe(mutation)) }
            if !revision.flags.isEmpty {
                Terminal.print("  flags:")
                for f in revision.flags {
                    let state = f.superseded ? " (superseded)" : f.dismissed ? " (dismissed)" : ""
                    Terminal.print("    #\(f.id) [\(f.severity)] \(f.code): \(f.message)\(state)")
                    for o in f.overrides { Terminal.print("      override: \(o)") }
                }
            }
        }
    }

    /// A mutation run's counts, then each mutant the original tests miss and which generated tests kill it.
    static func describe(_ mutation: MutationRunDetail) -> String {
        let run = mutation.run
        var lines = [
            "  mutation analysis: \(run.mutants) mutants, \(run.killedByOriginal) killed by the tests, \(run.killedOnlyByGenerated) only by generated tests, \(run.survived) \(run.generatedTests > 0 ? "likely equivalent" : "surviving (no generated tests)")"
        ]
        for mutant in mutation.mutants where mutant.outcome != .killedByOriginal {
            let how =
                mutant.outcome == .survived
                ? "survives every test" : "killed by generated test(s) \(mutant.killingTests)"
            lines.append(
                "    line \(mutant.line) \(mutant.mutationOperator): \(mutant.original.prefix(60)) → \(mutant.replacement.prefix(60))  (\(how))"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Each revision against its predecessor, field by field.
    private func printDiffs(_ detail: TaskDetail) {
        print("\(detail.id)  (dataset \(detail.dataset), \(detail.revisions.count) revision(s))")
        for (old, new) in zip(detail.revisions, detail.revisions.dropFirst()) {
            print(
                "\nrevision \(old.number) → \(new.number)  \(new.origin) by \(new.author)  \(ISO8601DateFormatter().string(from: new.createdAt))"
                    + (new.note.map { "\n  reason: \($0)" } ?? ""))
            let lines = UnifiedDiff.fields(old.content, new.content)
            print(lines.isEmpty ? "  (same content)" : lines.joined(separator: "\n"))
        }
        if detail.revisions.count < 2 { print("\nonly one revision: nothing to compare") }
    }

    static func describe(_ outcome: TestOutcome) -> String {
        switch outcome {
        case .passed: return "passed     "
        case .assertionFailed(let message): return "FAILED     " + (message.isEmpty ? "" : "(\(message)) ")
        case .error(let type, let message): return "ERROR \(type): \(message.prefix(60)) "
        case .notReached: return "not reached"
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}

/// Source text prepared for the terminal.
enum PythonSourceText {
    static func display(_ code: String) -> String {
        PythonSource.normalizedNewlines(code).replacingOccurrences(of: "\t", with: "    ")
    }
}
