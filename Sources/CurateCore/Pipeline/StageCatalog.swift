import CurateStore
import Foundation

/// Typed access to a declared stage's parameters (already checked against the spec).
public struct StageParameters: Sendable, Hashable {
    public let values: [String: ParameterValue]
    public init(_ values: [String: ParameterValue]) { self.values = values }

    public func string(_ name: String) -> String? { if case .string(let s)? = values[name] { return s }; return nil }
    public func int(_ name: String) -> Int? { if case .int(let i)? = values[name] { return i }; return nil }
    public func number(_ name: String) -> Double? {
        switch values[name] {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }
    public func bool(_ name: String) -> Bool? { if case .bool(let b)? = values[name] { return b }; return nil }
    public func strings(_ name: String) -> [String]? {
        guard case .list(let items)? = values[name] else { return nil }
        return items.compactMap {
            if case .string(let s) = $0 { return s }; return nil
        }
    }
}

/// What a stage did, for the final table.
public struct StageReport: Sendable, Codable, Hashable {
    public var tasksIn: Int
    public var kept: Int
    /// Flagged or dropped tasks per reason (flag code).
    public var flagged: [String: Int]
    public var notes: [String]

    public init(tasksIn: Int = 0, kept: Int = 0, flagged: [String: Int] = [:], notes: [String] = []) {
        self.tasksIn = tasksIn
        self.kept = kept
        self.flagged = flagged
        self.notes = notes
    }
}

/// Everything a running stage may use.
public struct StageContext: Sendable {
    public var store: TaskStore
    public var pipeline: PipelineFile
    public var parameters: StageParameters
    /// The split configuration declared by the pipeline's `split` stage, if any.
    public var split: SplitStageConfiguration?
    /// Reports progress: done, total.
    public var progress: @Sendable (Int, Int) -> Void
    /// The dataset's head revision ids when the first stage after the input stages began (nil before then): what
    /// every later stage saw, so a release can refuse revisions that arrived in between.
    public var seenRevisions: Set<Int64>? = nil
    public var dataset: String { pipeline.dataset }
}

/// A runnable pipeline stage.
public protocol PipelineStage: Sendable {
    /// A hash of what the stage reads (files, store state), so an unchanged stage can be skipped.
    func inputFingerprint(_ context: StageContext) throws -> String
    /// Does the work; writes are the store's transactions, so an interrupted stage can simply run again.
    func run(_ context: StageContext) async throws -> StageReport
    /// False when what the stage writes outside the store is missing, so it must run even if unchanged.
    func outputsExist(_ context: StageContext) throws -> Bool
}

extension PipelineStage {
    public func outputsExist(_ context: StageContext) throws -> Bool { true }
}

/// A stage's name, options type and implementation.
public struct StageSpec: Sendable {
    public var name: String
    public var summary: String
    /// A digest of the code and resources that decide the stage's output; part of its fingerprint, so a changed
    /// implementation re-runs the stage instead of reporting it skipped.
    public var implementationVersion: String
    /// The stage's options type: its keys are the stage's parameters and it checks their values.
    public var options: any StageOptions.Type
    public var make: @Sendable () -> any PipelineStage

    /// `implementation` names the folders and files of CurateCore (or "@Target" for a dependency) whose content
    /// decides the stage's output, in addition to `StageSpec.sharedImplementation`.
    public init<Options: StageOptions>(
        name: String, summary: String, options: Options.Type, implementation: [String],
        make: @escaping @Sendable () -> any PipelineStage
    ) {
        self.name = name
        self.summary = summary
        self.implementationVersion = ContentDigest.of(Self.sharedImplementation + implementation)
        self.options = options
        self.make = make
    }

    /// The parameter names a pipeline may set.
    public var keys: [String] { options.keys }

    /// What every stage's output depends on: the pipeline runner and stages, the task model, support code and the store.
    static let sharedImplementation = ["Pipeline", "Model", "Support", "@CurateStore", "@CurateSupport"]
}

/// The stages a pipeline file may use.
public struct StageCatalog: Sendable {
    public var specs: [StageSpec]
    public var names: [String] { specs.map(\.name) }
    public func spec(_ name: String) -> StageSpec? { specs.first { $0.name == name } }

    /// Checks cross-stage rules (e.g. release needs a split before it).
    func validateOrder(_ file: PipelineFile) throws {
        if let release = file.stages.firstIndex(where: { $0.name == "release" }) {
            guard file.stages[..<release].contains(where: { $0.name == "split" }) else {
                throw PipelineError.invalid(
                    path: file.path, line: file.stages[release].line,
                    problem: "stage 'release' needs a 'split' stage before it")
            }
        }
        if let split = file.stages.first(where: { $0.name == "split" }) {
            do {
                _ = try SplitStageConfiguration(split.parameters, dataset: file.dataset)
            } catch {
                throw PipelineError.invalid(
                    path: file.path, line: split.parameterLines[error.key] ?? split.line,
                    problem: "stage 'split' parameter '\(error.key)' \(error.message)")
            }
        }
    }
}
