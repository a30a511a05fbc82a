import CurateStore
import Foundation

/// `edits`: replays the dataset's committed edit log after ingest, so a run from an empty store rebuilds releases
/// that contain editor revisions; also keeps editor revisions on top of re-ingested raw records.
struct EditsStage: PipelineStage {
    static let spec = StageSpec(
        name: "edits", summary: "replay the committed edit log (editor revisions, review statuses, flags)",
        parameters: [ParameterSpec("log", .string, "the edit log (default edits/DATASET.jsonl)")],
        make: { EditsStage() })

    /// The log an edits stage with `parameters` replays (its own parameters unless given).
    static func logPath(_ context: StageContext, parameters: StageParameters? = nil) -> String {
        (parameters ?? context.parameters).string("log") ?? EditLog.path(directory: "edits", dataset: context.dataset)
    }

    func inputFingerprint(_ context: StageContext) throws -> String {
        SHA256.hex(try DatasetState.filesFingerprint([Self.logPath(context)]) + "\n" + DatasetState.contentFingerprint(context.store, dataset: context.dataset))
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let path = Self.logPath(context)
        let lines = try EditLog.read(path)
        let dataset = context.dataset
        guard try !context.store.heads(dataset: dataset).isEmpty else {
            throw PipelineError.stageFailed(stage: "edits", reason: "dataset '\(dataset)' has no tasks yet; put the edits stage after ingest")
        }
        let report = try context.store.reviewTransaction { tx in
            var report = try EditReplay.applyMissing(lines, path: path, dataset: dataset, in: tx)
            report.add(try EditReplay.reconcile(dataset: dataset, in: tx))
            return report
        }
        context.progress(lines.count, lines.count)
        let conflicts = try ReviewState(store: context.store, dataset: dataset).conflictedTasks
        var notes = [FileManager.default.fileExists(atPath: path)
            ? "\(lines.count) line(s) in \(path): \(report.applied) edit(s) applied, \(report.already + report.known) already in the store, \(report.actions) review action(s)"
            : "no edit log at \(path): nothing to replay"]
        if !report.kept.isEmpty { notes.append("kept editor revisions of \(report.kept.joined(separator: ", ")) over re-ingested raw records") }
        if !conflicts.isEmpty { notes.append("unresolved conflicts: \(conflicts.joined(separator: ", ")) (resolve with `curate edit ID`)") }
        let tasks = try context.store.heads(dataset: dataset).count
        return StageReport(tasksIn: tasks, kept: tasks, flagged: conflicts.isEmpty ? [:] : ["review/conflict": conflicts.count], notes: notes)
    }
}
