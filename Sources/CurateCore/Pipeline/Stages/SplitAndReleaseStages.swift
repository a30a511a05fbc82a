import CurateStore
import Foundation

/// A split configuration problem, naming the parameter at fault.
struct SplitConfigurationError: Error {
    let parameter: String
    let message: String
}

/// The `split` stage's parameters as a policy and a few-shot selection.
public struct SplitStageConfiguration: Sendable, Hashable {
    public var policy: SplitPolicy
    public var fewShot: FewShotSelection

    static let parameters = [
        ParameterSpec("policy", .choice(["ranges", "hash", "field"]), required: true, "ranges by task id, a salted hash of the id, or a metadata field"),
        ParameterSpec("ranges", .rangeMap, "for ranges: split: [lower, upper] (inclusive)"),
        ParameterSpec("ratios", .ratioMap, "for hash: split: weight"),
        ParameterSpec("salt", .string, "for hash: the salt (default: the dataset name)"),
        ParameterSpec("stratify_by", .string, "for hash: a metadata key to stratify by"),
        ParameterSpec("field", .string, "for field: the metadata key whose value is the split (default split)"),
        ParameterSpec("splits", .strings, "for field: the allowed values, in release order"),
        ParameterSpec("few_shot_split", .string, "name of the few-shot split (default prompt)"),
        ParameterSpec("few_shot_ids", .strings, "fixed few-shot task ids"),
        ParameterSpec("few_shot_count", .int, "pick this many validated, unflagged tasks"),
        ParameterSpec("few_shot_pool", .string, "the split to pick few-shot tasks from"),
    ]

    init(_ p: StageParameters, dataset: String = "") throws {
        switch p.string("policy") {
        case "ranges":
            let entries = p.entries("ranges")
            guard !entries.isEmpty else { throw SplitConfigurationError(parameter: "policy", message: "policy 'ranges' needs 'ranges: {split: [lower, upper], …}'") }
            policy = .ranges(try entries.map { entry in
                guard case .list(let bounds) = entry.value, bounds.count == 2, case .int(let lower) = bounds[0], case .int(let upper) = bounds[1],
                    let range = SplitRange(parsing: "\(entry.key)=\(lower)-\(upper)")
                else {
                    throw SplitConfigurationError(parameter: "ranges", message: "stage 'split' parameter 'ranges': '\(entry.key)' must be [lower, upper] with integer bounds, lower <= upper")
                }
                return range
            })
        case "field":
            guard let splits = p.strings("splits"), !splits.isEmpty else {
                throw SplitConfigurationError(parameter: "policy", message: "policy 'field' needs 'splits: [name, …]' (the field's values, in release order)")
            }
            policy = .field(key: p.string("field") ?? "split", splits: splits)
        default:
            let entries = p.entries("ratios")
            guard !entries.isEmpty else { throw SplitConfigurationError(parameter: "policy", message: "policy 'hash' needs 'ratios: {split: weight, …}'") }
            policy = .hash(salt: p.string("salt") ?? dataset, ratios: entries.map { entry in
                let weight: Double
                switch entry.value {
                case .int(let i): weight = Double(i)
                case .double(let d): weight = d
                default: weight = 0
                }
                return SplitRatio(split: entry.key, weight: weight)
            }, stratifyBy: p.string("stratify_by"))
        }
        let fewShotSplit = p.string("few_shot_split") ?? "prompt"
        if let ids = p.strings("few_shot_ids") {
            fewShot = .fixed(split: fewShotSplit, sourceIDs: ids)
        } else if let count = p.int("few_shot_count") {
            guard let pool = p.string("few_shot_pool") else {
                throw SplitConfigurationError(parameter: "few_shot_count", message: "few_shot_count needs few_shot_pool (the split to pick from)")
            }
            fewShot = .pick(split: fewShotSplit, count: count, pool: pool, salt: p.string("salt") ?? dataset)
        } else {
            fewShot = .none
        }
    }
}

/// `split`: previews the split (counts per split); the assignment itself is written by `release`.
struct SplitStage: PipelineStage {
    static let spec = StageSpec(name: "split", summary: "assign tasks to splits", parameters: SplitStageConfiguration.parameters, implementation: ["Splits", "Review"], make: { SplitStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        try DatasetState.fingerprint(context.store, dataset: context.dataset)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        guard let split = context.split else { throw PipelineError.stageFailed(stage: "split", reason: "no split configuration") }
        let config = ReleaseConfiguration(dataset: context.dataset, version: "preview", policy: split.policy, fewShot: split.fewShot)
        let manifest = try ReleaseBuilder(store: context.store).render(config).manifest
        let total = manifest.counts.values.reduce(0, +)
        context.progress(total, total)
        return StageReport(tasksIn: total, kept: total, notes: [manifest.splits.map { "\($0) \(manifest.counts[$0] ?? 0)" }.joined(separator: ", ")])
    }
}

/// `release`: writes `curated/DATASET/VERSION/` (or verifies an existing one is byte-identical).
struct ReleaseStage: PipelineStage {
    static let spec = StageSpec(
        name: "release", summary: "write an immutable, reproducible release",
        parameters: [
            ParameterSpec("version", .string, required: true, "release version, e.g. 1.0.0"),
            ParameterSpec("exclude_flags", .strings, "flag codes (or prefixes ending in / or *) that exclude a task"),
            ParameterSpec("layout", .choice(NativeLayout.allCases.map(\.rawValue)), "record layout (default: by dataset)"),
            ParameterSpec("output", .string, "releases folder (default curated)"),
            ParameterSpec("require_review", .choice([ReviewStatus.approved.rawValue]), "ship only tasks an editor approved (others are excluded)"),
        ],
        implementation: ["Splits", "Review"],
        make: { ReleaseStage() })

    func configuration(_ context: StageContext) throws -> ReleaseConfiguration {
        guard let split = context.split else { throw PipelineError.stageFailed(stage: "release", reason: "no split stage before release") }
        var config = ReleaseConfiguration(
            dataset: context.dataset, version: context.parameters.string("version") ?? "0.0.0", policy: split.policy, fewShot: split.fewShot,
            excludeFlags: context.parameters.strings("exclude_flags") ?? [],
            layout: context.parameters.string("layout").flatMap(NativeLayout.init(rawValue:)),
            outputRoot: context.parameters.string("output") ?? "curated", pipelineFile: context.pipeline.path,
            pythonVersion: PythonVersion.current, requireReview: context.parameters.string("require_review").flatMap(ReviewStatus.init(rawValue:)),
            editLog: try EditsStage.logPath(of: context.pipeline))
        config.expectedRevisions = context.seenRevisions
        return config
    }

    func inputFingerprint(_ context: StageContext) throws -> String {
        let editLog = try configuration(context).editLog.map { try DatasetState.filesFingerprint([$0]) } ?? ""
        return try DatasetState.fingerprint(context.store, dataset: context.dataset) + editLog
    }

    func outputsExist(_ context: StageContext) throws -> Bool {
        let config = try configuration(context)
        let target = URL(fileURLWithPath: config.outputRoot).appendingPathComponent(config.dataset).appendingPathComponent(config.version)
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
            notes: ["\(verb) \(outcome.path): " + outcome.splits.map { "\($0) \(outcome.counts[$0] ?? 0)" }.joined(separator: ", ")])
    }
}

extension StageCatalog {
    /// Every stage curate provides.
    public static var standard: StageCatalog {
        StageCatalog(specs: [
            IngestStage.spec, EditsStage.spec, MathQAPipelineStage.spec, LintStage.spec, ValidateStage.spec, StabilityPipelineStage.spec, AmbiguityPipelineStage.spec,
            DedupPipelineStage.spec, ContaminationPipelineStage.spec, SplitStage.spec, ReleaseStage.spec,
        ])
    }
}
