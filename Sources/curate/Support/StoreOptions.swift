import ArgumentParser
import CurateStore
import Foundation

/// `--store PATH`, shared by every subcommand that reads or writes the task store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite task store.")
    var store: String = ".curate/store.sqlite"

    /// Opens an existing store; commands that only read or annotate tasks never create one.
    func open() throws -> TaskStore {
        guard FileManager.default.fileExists(atPath: store) else { throw StoreMissing(path: store) }
        return try TaskStore(path: store)
    }

    /// Opens the store, creating it (and its folder) when absent: for the commands that put tasks in.
    func openOrCreate() throws -> TaskStore { try TaskStore(path: store) }
}

/// No store where `--store` points.
struct StoreMissing: LocalizedError {
    let path: String

    var errorDescription: String? {
        "no task store at '\(path)'. Create one by ingesting tasks (`curate ingest FILE…` or `curate run PIPELINE.yaml`) in this directory, or pass --store PATH of an existing store."
    }
}
