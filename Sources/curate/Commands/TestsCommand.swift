import ArgumentParser

/// `curate tests …`: generated tests and the analysis of each task's tests.
struct TestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tests",
        abstract:
            "Strengthen and judge each task's tests: generated (plus) tests from mutated inputs, mutation analysis of the tests.",
        subcommands: [
            TestsGenerateCommand.self,
            TestsMutateCommand.self,
        ]
    )
}
