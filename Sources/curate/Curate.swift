import ArgumentParser
import CurateCore

@main
struct Curate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curate",
        abstract: "Build, audit and release code-synthesis benchmark datasets.",
        discussion: "curate --version prints the tool's version.",
        subcommands: [
            IngestCommand.self,
            ListCommand.self,
            ShowCommand.self,
            StatsCommand.self,
            ValidateCommand.self,
            StabilityCommand.self,
            AmbiguityCommand.self,
            TestsCommand.self,
            DedupCommand.self,
            OverrideCommand.self,
            EditCommand.self,
            ReviewCommand.self,
            ContaminationCommand.self,
            SplitCommand.self,
            ReleaseCommand.self,
            DiffCommand.self,
            ReportCommand.self,
            RunCommand.self,
            MathQACommand.self,
            BenchCommand.self,
        ]
    )

    /// `curate --version`, answered before parsing rather than declared in the configuration, so that subcommands
    /// with a `--version` option of their own (`release`) list it once.
    static func main() async {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(CurateVersion.string)
            return
        }
        await main(nil)
    }
}
