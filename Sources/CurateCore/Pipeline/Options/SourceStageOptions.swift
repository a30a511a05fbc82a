/// Options of the `ingest` stage (the pipeline's dataset is the target) and `curate ingest`.
public struct IngestStageOptions: StageOptions {
    /// Input files, relative to the working directory.
    public var files: [String] = []
    /// Input format; `auto` detects it from each file's name and first bytes.
    public var format = IngestFormat.auto.rawValue
    /// Reject a whole file when a record is malformed.
    public var strict = false
    /// Largest unpacked size of one .gz input in MiB (a decompression-bomb guard).
    public var maxUnpackedMB = Gzip.defaultUnpackedLimit >> 20

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case files, format, strict
        case maxUnpackedMB = "max_unpacked_mb"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        let formats = IngestFormat.allCases.map(\.rawValue)
        return [
            files.isEmpty ? OptionProblem("files", "must list at least one input file") : nil,
            IngestFormat(rawValue: format) == nil
                ? OptionProblem("format", "must be one of \(formats.joined(separator: ", ")) (got '\(format)')") : nil,
            OptionCheck.atLeast("max_unpacked_mb", maxUnpackedMB, 1),
        ].compactMap { $0 }
    }

    /// The ingest settings for `dataset`.
    public func ingest(dataset: String?) -> IngestOptions {
        IngestOptions(
            dataset: dataset, format: IngestFormat(rawValue: format) ?? .auto, strict: strict,
            maxUnpackedBytes: maxUnpackedMB << 20)
    }
}

/// Options of the `mathqa` stage and `curate mathqa`.
public struct MathQAStageOptions: StageOptions {
    /// MathQA JSON files; the file name is the split (train, dev, test, challenge_test).
    public var files: [String] = []
    /// compat (the published conversion) or extended.
    public var mode = MathQAMode.compat.rawValue
    /// Executions at once; nil: the number of cores.
    public var jobs: Int?
    /// Python interpreter; nil: /usr/bin/python3, else python3 on PATH resolved past shims.
    public var python: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case files, mode, jobs, python }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        let modes = MathQAMode.allCases.map(\.rawValue)
        return [
            files.isEmpty ? OptionProblem("files", "must list at least one MathQA file") : nil,
            MathQAMode(rawValue: mode) == nil
                ? OptionProblem("mode", "must be one of \(modes.joined(separator: ", ")) (got '\(mode)')") : nil,
            jobs.flatMap { OptionCheck.atLeast("jobs", $0, 1) },
        ].compactMap { $0 }
    }

    /// The conversion mode these options set.
    public var conversion: MathQAMode { MathQAMode(rawValue: mode) ?? .compat }
}

/// The options of a stage that has none (`lint`).
public struct NoStageOptions: StageOptions {
    public init() {}
    public static var keys: [String] { [] }
    public func problems() -> [OptionProblem] { [] }
}
