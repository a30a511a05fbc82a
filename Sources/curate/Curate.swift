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
            ValidateCommand.self,
            StabilityCommand.self,
            AmbiguityCommand.self,
            DedupCommand.self,
            OverrideCommand.self,
            EditCommand.self,
            ReviewCommand.self,
            ContaminationCommand.self,
            SplitCommand.self,
            ReleaseCommand.self,
            DiffCommand.self,
            RunCommand.self,
            MathQACommand.self,
            BenchCommand.self,
        ]
    )
}
