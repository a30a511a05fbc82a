import CurateStore
import Foundation

/// Options of the `edits` stage.
public struct EditsStageOptions: StageOptions {
    /// The edit log to replay; nil: `edits/DATASET.jsonl`.
    public var log: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case log }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        log?.isEmpty == true ? [OptionProblem("log", "must name the edit log file")] : []
    }

    /// The log replayed for `dataset`.
    public func logPath(dataset: String) -> String { log ?? EditLog.path(directory: "edits", dataset: dataset) }
}

/// `edits`: replays the dataset's committed edit log after ingest, so a run from an empty store rebuilds releases
/// that contain editor revisions; also keeps editor revisions on top of re-ingested raw records.
struct EditsStage: PipelineStage {
    static let spec = StageSpec(
        name: "edits", summary: "replay the committed edit log (editor revisions, review statuses, flags)",
        options: EditsStageOptions.self,
        implementation: ["Review"], make: { EditsStage() })

    /// The log the pipeline's `edits` stage replays, if it has one.
    static func logPath(of pipeline: PipelineFile) throws -> String? {
        try pipeline.stages.first { $0.name == "edits" }.map {
            try EditsStageOptions.decode($0.parameters).logPath(dataset: pipeline.dataset)
        }
    }

    func inputFingerprint(_ context: StageContext) throws -> String {
        let path = try EditsStageOptions.decode(context.parameters.values).logPath(dataset: context.dataset)
        return SHA256.hex(
            try DatasetState.filesFingerprint([path]) + "\n"
                + DatasetState.contentFingerprint(context.store, dataset: context.dataset))
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let path = try EditsStageOptions.decode(context.parameters.values).logPath(dataset: context.dataset)
        let dataset = context.dataset
        guard try !context.store.heads(dataset: dataset).isEmpty else {
            throw PipelineError.stageFailed(
                stage: "edits", reason: "dataset '\(dataset)' has no tasks yet; put the edits stage after ingest")
        }
        let report = try context.store.reviewTransaction { tx in
            var report = try EditReplay.applyMissing(path: path, dataset: dataset, in: tx)
            report.add(try EditReplay.reconcile(dataset: dataset, in: tx))
            return report
        }
        context.progress(report.lines, report.lines)
        let conflicts = try ReviewState(store: context.store, dataset: dataset).conflictedTasks
        var notes = [
            FileManager.default.fileExists(atPath: path)
                ? "\(report.lines) line(s) in \(path): \(report.applied) edit(s) applied, \(report.already + report.known) already in the store, \(report.actions) review action(s)"
                : "no edit log at \(path): nothing to replay"
        ]
        if !report.kept.isEmpty {
            notes.append("kept editor revisions of \(report.kept.joined(separator: ", ")) over re-ingested raw records")
        }
        if !conflicts.isEmpty {
            notes.append("unresolved conflicts: \(conflicts.joined(separator: ", ")) (resolve with `curate edit ID`)")
        }
        let tasks = try context.store.heads(dataset: dataset).count
        return StageReport(
            tasksIn: tasks, kept: tasks, flagged: conflicts.isEmpty ? [:] : ["review/conflict": conflicts.count],
            notes: notes)
    }
}
