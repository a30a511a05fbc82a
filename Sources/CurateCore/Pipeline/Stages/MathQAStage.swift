import CurateStore
import Foundation

/// `mathqa`: converts MathQA files to MathQA-Python tasks of the pipeline's dataset, each verified by execution.
struct MathQAPipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "mathqa", summary: "convert MathQA DSL programs to verified Python tasks",
        options: MathQAStageOptions.self,
        implementation: ["MathQA", "Execution", "@CurateSandbox"],
        make: { MathQAPipelineStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        let options = try context.options(MathQAStageOptions.self)
        let python = try PythonLocator.resolve(options.python)
        return SHA256.hex(
            "mode \(options.mode)\npython \(python)\n" + (try DatasetState.filesFingerprint(options.files)))
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try context.options(MathQAStageOptions.self)
        let mode = options.conversion
        let report = try await MathQAJob.run(
            paths: options.files, mode: mode, store: context.store, dataset: context.dataset,
            jobs: options.jobs ?? ProcessInfo.processInfo.activeProcessorCount, python: options.python,
            progress: context.progress)
        var dropped: [String: Int] = [:]
        for split in report.splits {
            for (reason, count) in split.dropped { dropped[reason, default: 0] += count }
        }
        let perSplit = report.splits.map { "\($0.split) \($0.kept)/\($0.total)" }.joined(separator: ", ")
        return StageReport(
            tasksIn: report.problems, kept: report.splits.reduce(0) { $0 + $1.kept }, flagged: dropped,
            notes: [
                "\(mode.rawValue) kept \(perSplit); \(report.newRevisions) new revision(s), \(report.unchanged) unchanged"
            ])
    }
}
