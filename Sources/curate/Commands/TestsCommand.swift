import ArgumentParser

/// `curate tests …`: generated tests and the analysis of each task's tests.
struct TestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tests",
        abstract: "Strengthen each task's tests: generated (plus) tests from mutated inputs, the reference as oracle.",
        subcommands: [
            TestsGenerateCommand.self
        ]
    )
}
