import ArgumentParser
import CurateCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List tasks with their newest revision and active flags.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Only tasks carrying this flag code (or code prefix, e.g. lint/).") var flag: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let tasks = try TaskCatalog(store: try storeOptions.open()).list(dataset: dataset, flag: flag)
        if json {
            print(CanonicalJSON.string(tasks, pretty: true))
            return
        }
        print(
            Terminal.table(
                ["id", "rev", "entry point", "tests", "flags", "description"],
                tasks.map { t in
                    let text = t.description.replacingOccurrences(of: "\n", with: " ")
                    return [
                        t.id, "\(t.revision)", t.entryPoint ?? "-", "\(t.tests)",
                        t.flags.isEmpty ? "-" : t.flags.joined(separator: ","),
                        text.count > 60 ? String(text.prefix(57)) + "..." : text,
                    ]
                }))
        print("\(tasks.count) task(s)")
    }
}
