import ArgumentParser

/// `curate bench …`: measurements of speed and memory on real data (never timed unit tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks on the bundled real data.",
        subcommands: [
            BenchStabilityCommand.self,
            BenchValidateCommand.self,
            BenchContaminationCommand.self,
            BenchMathQACommand.self,
            BenchReviewCommand.self,
            BenchTestsCommand.self,
        ]
    )
}
