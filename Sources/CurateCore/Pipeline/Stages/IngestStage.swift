import CurateStore
import Foundation

/// `ingest`: reads the declared files into the pipeline's dataset.
struct IngestStage: PipelineStage {
    static let spec = StageSpec(
        name: "ingest", summary: "read task files into the store", options: IngestStageOptions.self,
        implementation: ["Ingest"],
        make: { IngestStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        try DatasetState.filesFingerprint(context.parameters.strings("files") ?? [])
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let stageOptions = try context.options(IngestStageOptions.self)
        let files = stageOptions.files
        let options = stageOptions.ingest(dataset: context.dataset)
        let ingestor = Ingestor(store: context.store)
        var files_: [IngestFileReport] = []
        for (index, path) in files.enumerated() {
            files_.append(contentsOf: ingestor.ingest(paths: [path], options: options).files)
            context.progress(index + 1, files.count)
        }
        let report = IngestReport(files: files_)
        if report.hasRejections {
            throw PipelineError.stageFailed(
                stage: "ingest", reason: report.diagnostics.prefix(10).map(\.description).joined(separator: "\n"))
        }
        let records = report.files.reduce(0) { $0 + $1.records }
        return StageReport(
            tasksIn: records, kept: report.files.reduce(0) { $0 + $1.accepted },
            notes: [
                "\(report.files.reduce(0) { $0 + $1.newRevisions }) new revision(s), \(report.files.reduce(0) { $0 + $1.unchanged }) unchanged"
            ])
    }
}

/// `lint`: re-checks every newest revision against the crowdworker guidelines (flags stage `lint`).
struct LintStage: PipelineStage {
    static let spec = StageSpec(
        name: "lint", summary: "check the MBPP crowdworker guidelines", options: NoStageOptions.self,
        implementation: ["Ingest"], make: { LintStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        try DatasetState.contentFingerprint(context.store, dataset: context.dataset)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let heads = try context.store.heads(dataset: context.dataset)
        var flags: [(revisionID: Int64, taskID: String, flag: NewFlag)] = []
        var counts: [String: Int] = [:]
        for head in heads {
            for finding in GuidelineLint.findings(for: try TaskContent.decode(head.revision.content)) {
                flags.append(
                    (
                        head.revision.id!, head.task.id,
                        NewFlag(stage: "lint", code: finding.rule.id, severity: .warning, message: finding.message)
                    ))
                counts[finding.rule.id, default: 0] += 1
            }
        }
        try context.store.recordFlags(stage: "lint", revisionIDs: heads.compactMap(\.revision.id), flags: flags)
        context.progress(heads.count, heads.count)
        return StageReport(tasksIn: heads.count, kept: heads.count, flagged: counts)
    }
}
