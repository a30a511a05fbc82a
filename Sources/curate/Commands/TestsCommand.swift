import ArgumentParser

/// `curate tests`: generated tests and mutation analysis of each task's tests.
struct TestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tests",
        abstract: "Judge each task's tests: mutation analysis against the original and generated tests.",
        subcommands: [TestsMutateCommand.self]
    )
}
