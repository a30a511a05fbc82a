import CurateStore
import Foundation

/// `mathqa`: converts MathQA files to MathQA-Python tasks of the pipeline's dataset, each verified by execution.
struct MathQAPipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "mathqa", summary: "convert MathQA DSL programs to verified Python tasks",
        parameters: [
            ParameterSpec("files", .strings, required: true, "MathQA JSON files; the file name is the split (train, dev, test, challenge_test)"),
            ParameterSpec("mode", .choice(MathQAMode.allCases.map(\.rawValue)), "compat (the published conversion, default) or extended"),
        ] + StagePool.poolParameters,
        implementation: ["MathQA", "Execution"],
        make: { MathQAPipelineStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        let mode = context.parameters.string("mode") ?? MathQAMode.compat.rawValue
        let python = try PythonLocator.resolve(context.parameters.string("python"))
        return SHA256.hex("mode \(mode)\npython \(python)\n" + (try DatasetState.filesFingerprint(context.parameters.strings("files") ?? [])))
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let p = context.parameters
        let mode = MathQAMode(rawValue: p.string("mode") ?? MathQAMode.compat.rawValue) ?? .compat
        let pool = StagePool.configuration(p)
        let report = try await MathQAJob.run(
            paths: p.strings("files") ?? [], mode: mode, store: context.store, dataset: context.dataset,
            jobs: pool.jobs, python: pool.python, progress: context.progress)
        var dropped: [String: Int] = [:]
        for split in report.splits {
            for (reason, count) in split.dropped { dropped[reason, default: 0] += count }
        }
        let perSplit = report.splits.map { "\($0.split) \($0.kept)/\($0.total)" }.joined(separator: ", ")
        return StageReport(
            tasksIn: report.problems, kept: report.splits.reduce(0) { $0 + $1.kept }, flagged: dropped,
            notes: ["\(mode.rawValue) kept \(perSplit); \(report.newRevisions) new revision(s), \(report.unchanged) unchanged"])
    }
}
