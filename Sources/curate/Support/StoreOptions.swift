import ArgumentParser
import CurateStore
import Foundation

/// `--store PATH`, shared by every subcommand that reads or writes the task store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite task store.")
    var store: String = ".curate/store.sqlite"

    func open() throws -> TaskStore { try TaskStore(path: store) }
}
