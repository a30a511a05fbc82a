import Foundation

/// Options of the `release` stage and `curate release`: the version, what excludes a task, and the record layout.
/// The split policy comes from the `split` stage (`SplitStageOptions`).
public struct ReleaseStageOptions: StageOptions {
    /// The release's version (MAJOR.MINOR.PATCH); required.
    public var version: String?
    /// Flag codes (or prefixes ending in `/` or `*`) that exclude a task; nil: the default exclusions
    /// (`ReleaseConfiguration.defaultExcludeFlags`), unless `no_default_exclusions`.
    public var excludeFlags: [String]?
    /// Start from no exclusions: only `exclude_flags` exclude.
    public var noDefaultExclusions = false
    /// Record layout (`mbpp`, `mbpp-sanitized`, `humaneval`, `mathqa-python`, `canonical`); nil: by dataset.
    public var layout: String?
    /// Folder holding releases.
    public var output = "curated"
    /// Ship only tasks whose current content an editor gave this status (`approved`); others are excluded.
    public var requireReview: String?
    /// Release tasks whose newest revision has no stored verdict (refused otherwise).
    public var allowUnvalidated = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version
        case excludeFlags = "exclude_flags"
        case noDefaultExclusions = "no_default_exclusions"
        case layout, output
        case requireReview = "require_review"
        case allowUnvalidated = "allow_unvalidated"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// The CLI flags whose name is not the key with dashes.
    public static let flags = ["exclude_flags": "--exclude-flag"]

    public func problems() -> [OptionProblem] {
        [
            version == nil
                ? OptionProblem("version", "must be set (e.g. 1.0.0)")
                : ReleaseNames.versionProblem(version!).map { _ in
                    OptionProblem("version", "\(ReleaseNames.versionRule) (got '\(version!)')")
                },
            layout.flatMap { name in
                NativeLayout(rawValue: name) == nil
                    ? OptionProblem(
                        "layout",
                        "must be one of \(NativeLayout.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(name)')"
                    )
                    : nil
            },
            requireReview.flatMap {
                $0 == ReviewStatus.approved.rawValue
                    ? nil : OptionProblem("require_review", "must be 'approved' (got '\($0)')")
            },
        ].compactMap { $0 }
    }

    /// The flag codes that exclude a task: `exclude_flags` when set, else the defaults (none with
    /// `no_default_exclusions`).
    public var exclusions: [String] {
        excludeFlags ?? (noDefaultExclusions ? [] : ReleaseConfiguration.defaultExcludeFlags)
    }

    /// The release of `dataset` these options describe under `split`'s policy and few-shot selection.
    public func configuration(dataset: String, split: SplitStageConfiguration) -> ReleaseConfiguration {
        var config = ReleaseConfiguration(
            dataset: dataset, version: version ?? "", policy: split.policy, fewShot: split.fewShot,
            excludeFlags: exclusions, layout: layout.flatMap(NativeLayout.init(rawValue:)), outputRoot: output,
            pythonVersion: PythonVersion.current, requireReview: requireReview.flatMap(ReviewStatus.init(rawValue:)))
        config.requireValidated = !allowUnvalidated
        return config
    }
}
