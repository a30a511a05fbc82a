import ArgumentParser
import CurateCore

@main
struct Curate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curate",
        abstract: "Build, audit and release code-synthesis benchmark datasets.",
        version: CurateVersion.string,
        subcommands: [
            IngestCommand.self,
            ListCommand.self,
            ShowCommand.self,
            StatsCommand.self,
            MathQACommand.self,
            BenchCommand.self,
        ]
    )
}
