import CurateStore
import Foundation

/// One stage's line in the final table.
public struct StageOutcome: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable { case ran, skipped }
    public var stage: String
    public var status: Status
    public var report: StageReport
    public var seconds: Double
}

/// Receives the runner's progress: stage starts, progress within a stage, stage ends.
public protocol PipelineObserver: Sendable {
    func stageStarted(_ index: Int, of total: Int, name: String)
    func stageProgress(_ name: String, done: Int, total: Int)
    func stageFinished(_ outcome: StageOutcome)
    /// Stage runs (`index:stage`) an earlier process left `running` and the runner marked abandoned before starting.
    func abandonedRunsMarked(_ stages: [String])
}

extension PipelineObserver {
    public func abandonedRunsMarked(_ stages: [String]) {}
}

/// Runs a pipeline file's stages in order, skipping each whose inputs and parameters are unchanged since its last
/// successful run; an interrupted run resumes at the first stage that did not finish, and the stage runs it left
/// `running` are marked abandoned.
public struct PipelineRunner: Sendable {
    public let store: TaskStore
    public let catalog: StageCatalog

    public init(store: TaskStore, catalog: StageCatalog = .standard) {
        self.store = store
        self.catalog = catalog
    }

    public func run(_ file: PipelineFile, force: Bool = false, observer: (any PipelineObserver)? = nil) async throws
        -> [StageOutcome]
    {
        removeStaleStaging(file)
        let abandoned = try store.markAbandonedRuns(pipeline: file.path)
        if !abandoned.isEmpty { observer?.abandonedRunsMarked(abandoned.map(\.stage)) }
        let split = try file.stages.first { $0.name == "split" }.map {
            try SplitStageConfiguration($0.parameters, dataset: file.dataset)
        }
        var outcomes: [StageOutcome] = []
        var seenRevisions: Set<Int64>?
        for (index, declaration) in file.stages.enumerated() {
            guard let spec = catalog.spec(declaration.name) else {
                throw PipelineError.invalid(
                    path: file.path, line: declaration.line, problem: "unknown stage '\(declaration.name)'")
            }
            observer?.stageStarted(index + 1, of: file.stages.count, name: declaration.name)
            let stage = spec.make()
            let name = declaration.name
            if Self.inputStages.contains(name) {
                seenRevisions = nil
            } else if seenRevisions == nil {
                seenRevisions = Set(try store.heads(dataset: file.dataset).compactMap(\.revision.id))
            }
            let context = StageContext(
                store: store, pipeline: file, parameters: StageParameters(declaration.parameters), split: split,
                progress: { done, total in observer?.stageProgress(name, done: done, total: total) },
                seenRevisions: seenRevisions)
            let started = Date()
            let fingerprint = try self.fingerprint(declaration, spec: spec, stage: stage, context: context)
            let stageKey = "\(index):\(declaration.name)"
            if !force, try stage.outputsExist(context),
                let previous = try store.succeededRun(pipeline: file.path, stage: stageKey, fingerprint: fingerprint),
                let summary = previous.summary,
                var report = try? JSONDecoder().decode(StageReport.self, from: Data(summary.utf8))
            {
                let when = ISO8601DateFormatter().string(from: previous.finishedAt ?? previous.startedAt)
                if !report.notes.isEmpty { report.notes[0] = "earlier run (\(when)): " + report.notes[0] }
                let outcome = StageOutcome(
                    stage: declaration.name, status: .skipped, report: report,
                    seconds: Date().timeIntervalSince(started))
                observer?.stageFinished(outcome)
                outcomes.append(outcome)
                continue
            }
            let run = try store.beginRun(pipeline: file.path, stage: stageKey, fingerprint: fingerprint)
            do {
                let report = try await stage.run(context)
                try store.finishRun(id: run.id!, status: .succeeded, summary: CanonicalJSON.string(report))
                FaultInjection.checkpoint("stage-finished")
                let outcome = StageOutcome(
                    stage: declaration.name, status: .ran, report: report, seconds: Date().timeIntervalSince(started))
                observer?.stageFinished(outcome)
                outcomes.append(outcome)
            } catch {
                try? store.finishRun(id: run.id!, status: .failed, summary: nil)
                if error is PipelineError { throw error }
                throw PipelineError.stageFailed(
                    stage: declaration.name, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        return outcomes
    }

    /// Stages that put revisions into the store; the stages after them must all see the same revisions.
    static let inputStages: Set<String> = ["ingest", "edits", "mathqa"]

    /// sha256 of the stage's implementation version, its parameters and its inputs.
    func fingerprint(_ declaration: StageDeclaration, spec: StageSpec, stage: any PipelineStage, context: StageContext)
        throws -> String
    {
        let parameters = CanonicalJSON.string(
            declaration.parameters.sorted { $0.key < $1.key }.map { [$0.key, CanonicalJSON.string($0.value)] })
        let split =
            context.split.map {
                CanonicalJSON.string([CanonicalJSON.string($0.policy), CanonicalJSON.string($0.fewShot)])
            } ?? ""
        return SHA256.hex(
            "\(spec.implementationVersion)\n\(declaration.name)\n\(parameters)\n\(split)\n\(try stage.inputFingerprint(context))"
        )
    }

    /// Removes half-written release folders left by an interrupted run.
    func removeStaleStaging(_ file: PipelineFile) {
        for declaration in file.stages where declaration.name == "release" {
            let output =
                (try? ReleaseStageOptions.decode(declaration.parameters))?.output ?? ReleaseStageOptions().output
            let folder = URL(fileURLWithPath: output).appendingPathComponent(file.dataset)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            where name.hasPrefix(".tmp-") {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }
}
