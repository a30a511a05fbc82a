import ArgumentParser
import CurateCore
import Foundation

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a task: every revision, its provenance, content and flags.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Task id, e.g. mbpp/11.") var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let detail = try TaskCatalog(store: try storeOptions.open()).detail(id: id)
        if json {
            print(CanonicalJSON.string(detail, pretty: true))
            return
        }
        print("\(detail.id)  (dataset \(detail.dataset), \(detail.revisions.count) revision(s))")
        for revision in detail.revisions {
            print("\nrevision \(revision.number)  #\(revision.id)  \(revision.origin) by \(revision.author)  \(ISO8601DateFormatter().string(from: revision.createdAt))")
            print("  content sha256 \(revision.contentHash)")
            if let p = revision.provenance { print("  from \(p.sourcePath) \(p.location)  raw sha256 \(p.rawSHA256)") }
            if let note = revision.note { print("  note: \(note)") }
            let c = revision.content
            print("  description: \(c.description)")
            print("  entry point: \(c.entryPoint ?? "-")")
            print("  solution:\n" + indent(PythonSourceText.display(c.solution)))
            if !c.testSetup.isEmpty { print("  test setup:\n" + indent(PythonSourceText.display(c.testSetup))) }
            print("  tests:")
            for test in c.tests { print("    " + test) }
            if !c.challengeTests.isEmpty {
                print("  challenge tests:")
                for test in c.challengeTests { print("    " + test) }
            }
            if !c.metadata.isEmpty { print("  metadata: " + c.metadata.sorted { $0.key < $1.key }.filter { $0.key != "prompt" }.map { "\($0.key)=\($0.value.prefix(60))" }.joined(separator: ", ")) }
            if !revision.flags.isEmpty {
                print("  flags:")
                for f in revision.flags {
                    let state = f.superseded ? " (superseded)" : f.dismissed ? " (dismissed)" : ""
                    print("    #\(f.id) [\(f.severity)] \(f.code): \(f.message)\(state)")
                    for o in f.overrides { print("      override: \(o)") }
                }
            }
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}

/// Source text prepared for the terminal.
enum PythonSourceText {
    static func display(_ code: String) -> String { PythonSource.normalizedNewlines(code).replacingOccurrences(of: "\t", with: "    ") }
}
