import ArgumentParser
import CurateCore
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Write the HTML report (inline SVG charts, no script) of a dataset's current state in the store, or of a release.",
        discussion:
            "DATASET draws the store's current state, split and filtered as the newest release under --root, with execution times. DATASET@VERSION copies that release's report.html."
    )

    @Argument(help: "DATASET or DATASET@VERSION") var target: String
    @Option(
        name: .shortAndLong,
        help: "File to write ('-' for standard output; default DATASET-report.html or DATASET-VERSION-report.html).")
    var output: String?
    @Option(help: "Folder that holds releases.") var root = "curated"
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let html: String
        if target.contains("@") {
            html = try ReleaseBuilder.committedReport(spec: target, root: root)
        } else {
            html = try ReleaseBuilder(store: try storeOptions.open()).currentReport(dataset: target, root: root)
        }
        let path = output ?? target.replacingOccurrences(of: "@", with: "-") + "-report.html"
        if path == "-" {
            FileHandle.standardOutput.write(Data(html.utf8))
            return
        }
        try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        print("wrote \(path)")
    }
}
