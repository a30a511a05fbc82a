import CurateStore
import Foundation

/// The `split` stage's options resolved for the pipeline's dataset: a policy and a few-shot selection.
public struct SplitStageConfiguration: Sendable, Hashable {
    public var policy: SplitPolicy
    public var fewShot: FewShotSelection
    public var keepDuplicatesTogether: Bool
    public var trainingSplits: [String]

    /// Resolves the split options for `dataset`; a problem names the key at fault.
    public init(_ options: SplitStageOptions, dataset: String) throws(OptionProblem) {
        policy = try options.splitPolicy(dataset: dataset)
        fewShot = options.fewShot(dataset: dataset)
        keepDuplicatesTogether = options.keepDuplicatesTogether
        trainingSplits = options.trainingSide
    }

    /// These settings on a release configuration.
    func apply(to config: inout ReleaseConfiguration) {
        config.keepDuplicatesTogether = keepDuplicatesTogether
        config.trainingSplits = trainingSplits
    }

    /// Decodes the split stage's parameters and resolves them for `dataset`; a problem names the key at fault.
    init(_ parameters: [String: ParameterValue], dataset: String, edition: PipelineEdition) throws(OptionProblem) {
        try self.init(SplitStageOptions.decode(parameters, edition: edition), dataset: dataset)
    }
}

/// `split`: previews the split (counts per split); the assignment itself is written by `release`.
struct SplitStage: PipelineStage {
    static let spec = StageSpec(
        name: "split", summary: "assign tasks to splits", options: SplitStageOptions.self,
        implementation: ["Splits", "Review"], make: { SplitStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        try DatasetState.fingerprint(context.store, dataset: context.dataset)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        guard let split = context.split else {
            throw PipelineError.stageFailed(stage: "split", reason: "no split configuration")
        }
        var config = ReleaseConfiguration(
            dataset: context.dataset, version: "preview", policy: split.policy, fewShot: split.fewShot)
        split.apply(to: &config)
        let rendered = try ReleaseBuilder(store: context.store).render(config)
        let manifest = rendered.manifest
        let total = manifest.counts.values.reduce(0, +)
        context.progress(total, total)
        return StageReport(
            tasksIn: total, kept: total,
            notes: [manifest.splits.map { "\($0) \(manifest.counts[$0] ?? 0)" }.joined(separator: ", ")]
                + Self.duplicateNotes(leaks: rendered.leaks, moved: rendered.moved))
    }

    /// The duplicate pairs that cross into an evaluation split and the tasks moved to keep duplicates together.
    static func duplicateNotes(leaks: [SplitLeak], moved: [DuplicateMove]) -> [String] {
        var notes: [String] = []
        if !moved.isEmpty {
            notes.append(
                "kept duplicates together: "
                    + moved.map { "\($0.task) \($0.from)→\($0.to) (with \($0.with))" }.joined(separator: ", "))
        }
        if !leaks.isEmpty {
            notes.append(
                "\(leaks.count) duplicate pair(s) cross into an evaluation split: "
                    + leaks.prefix(5).map(\.description).joined(separator: "; ")
                    + (leaks.count > 5 ? "; …" : ""))
        }
        return notes
    }
}

/// `release`: writes `curated/DATASET/VERSION/` (or verifies an existing one is byte-identical).
struct ReleaseStage: PipelineStage {
    static let spec = StageSpec(
        name: "release", summary: "write an immutable, reproducible release", options: ReleaseStageOptions.self,
        implementation: ["Splits", "Review"], make: { ReleaseStage() })

    func configuration(_ context: StageContext) throws -> ReleaseConfiguration {
        guard let split = context.split else {
            throw PipelineError.stageFailed(stage: "release", reason: "no split stage before release")
        }
        var config = try context.options(ReleaseStageOptions.self).configuration(
            dataset: context.dataset, split: split)
        config.pipelineFile = context.pipeline.path
        config.editLog = try EditsStage.logPath(of: context.pipeline)
        config.expectedRevisions = context.seenRevisions
        return config
    }

    func inputFingerprint(_ context: StageContext) throws -> String {
        let editLog = try configuration(context).editLog.map { try DatasetState.filesFingerprint([$0]) } ?? ""
        return try DatasetState.fingerprint(context.store, dataset: context.dataset) + editLog
            + DatasetState.generatedTestsFingerprint(context.store, dataset: context.dataset)
    }

    func outputsExist(_ context: StageContext) throws -> Bool {
        let config = try configuration(context)
        let target = URL(fileURLWithPath: config.outputRoot).appendingPathComponent(config.dataset)
            .appendingPathComponent(config.version)
        return FileManager.default.fileExists(atPath: target.appendingPathComponent("manifest.json").path)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let config = try configuration(context)
        let outcome = try ReleaseBuilder(store: context.store).release(config)
        context.progress(1, 1)
        var flagged: [String: Int] = [:]
        for exclusion in outcome.exclusions {
            for reason in exclusion.reasons { flagged[String(reason.prefix { $0 != ":" }), default: 0] += 1 }
        }
        let verb = outcome.status == .written ? "wrote" : "verified byte-identical"
        return StageReport(
            tasksIn: outcome.kept + outcome.exclusions.count, kept: outcome.kept, flagged: flagged,
            notes: [
                "\(verb) \(outcome.path): "
                    + outcome.splits.map { "\($0) \(outcome.counts[$0] ?? 0)" }.joined(separator: ", ")
            ]
                + SplitStage.duplicateNotes(leaks: outcome.leaks, moved: outcome.moved))
    }
}

extension StageCatalog {
    /// Every stage curate provides.
    public static var standard: StageCatalog {
        StageCatalog(specs: [
            IngestStage.spec, EditsStage.spec, MathQAPipelineStage.spec, LintStage.spec, ValidateStage.spec,
            StabilityPipelineStage.spec, AmbiguityPipelineStage.spec,
            TestsGenerateStage.spec, TestsMutatePipelineStage.spec, DedupPipelineStage.spec,
            ContaminationPipelineStage.spec, SplitStage.spec,
            ReleaseStage.spec,
        ])
    }
}
