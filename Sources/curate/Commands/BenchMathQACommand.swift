import ArgumentParser
import CurateCore
import Foundation

/// `curate bench mathqa`: converts and verifies MathQA dev + test + challenge_test, timed, without a store.
struct BenchMathQACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mathqa",
        abstract:
            "Time converting and verifying MathQA dev + test + challenge_test (target: at most 10 s for 8,064 problems)."
    )

    @Option(help: "Directory holding dev.json, test.json and challenge_test.json.") var data = "raw/mathqa"
    @Flag var mode: MathQAMode = .compat
    @Option(help: "Parallel executions (default: number of CPUs).") var jobs: Int = ProcessInfo.processInfo
        .activeProcessorCount

    func run() async throws {
        let paths = ["dev", "test", "challenge_test"].map {
            URL(fileURLWithPath: data).appendingPathComponent("\($0).json").path
        }
        let report = try await MathQAJob.run(paths: paths, mode: mode, store: nil, jobs: jobs)
        print(MathQARender.splits(report.splits))
        print(
            String(
                format:
                    "\nmathqa %@: %d problems converted and verified in %.2f s (target ≤ 10 s); reading took %.2f s; %d jobs",
                mode.rawValue, report.problems, report.convertSeconds, report.readSeconds, jobs))
    }
}
