import ArgumentParser
import CurateCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Count tasks, revisions and active flags per dataset.")

    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let stats = try TaskCatalog(store: try storeOptions.open()).stats()
        if json {
            print(CanonicalJSON.string(stats, pretty: true))
            return
        }
        print(
            Terminal.table(
                ["dataset", "tasks", "revisions", "flagged"],
                stats.map { s in
                    [s.dataset, "\(s.tasks)", "\(s.revisions)", "\(s.flags.values.reduce(0, +))"]
                }))
        for s in stats where !s.flags.isEmpty {
            print("\n\(s.dataset) flags:")
            print(
                Terminal.table(["code", "tasks"], s.flags.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] }))
        }
    }
}
