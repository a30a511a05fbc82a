import Foundation

/// An option value the user must change: the YAML key that sets it (the CLI flag is derived) and what is wrong.
public struct OptionProblem: Error, Sendable, Hashable {
    public var key: String
    public var message: String

    public init(_ key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    /// The command-line flag that sets `key`: `timing_fraction` is `--timing-fraction`.
    public var flag: String { "--" + key.replacingOccurrences(of: "_", with: "-") }
}

/// A stage's options, shared by its pipeline stage and its CLI command: `Codable` under the YAML keys, defaults in
/// `init()`, range checks in `problems()` (run for YAML and CLI alike).
public protocol StageOptions: Codable, Sendable, Hashable {
    init()
    /// Every YAML key, in declaration order.
    static var keys: [String] { get }
    /// Values out of range, each naming its key.
    func problems() -> [OptionProblem]
    /// The defaults a pipeline file of `edition` gets; `init()` is the current edition's (the command line's).
    static func defaults(edition: PipelineEdition) -> Self
}

extension StageOptions {
    public static func defaults(edition: PipelineEdition) -> Self { Self() }

    /// Decodes a pipeline stage's parameters over `edition`'s defaults (a key without a value keeps its default), then
    /// checks ranges; a problem names the key at fault.
    public static func decode(_ parameters: [String: ParameterValue], edition: PipelineEdition = .current)
        throws(OptionProblem) -> Self
    {
        var object: [String: Any] = [:]
        if let data = try? JSONEncoder().encode(Self.defaults(edition: edition)),
            let defaults = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            object = defaults
        }
        for (key, value) in parameters where value != .null {
            guard let json = value.jsonValue else { throw OptionProblem(key, "must be a finite number") }
            object[key] = json
        }
        let options: Self
        do {
            options = try JSONDecoder().decode(Self.self, from: JSONSerialization.data(withJSONObject: object))
        } catch let error as DecodingError {
            var problem = Self.problem(error)
            if let value = parameters[problem.key], problem.message.hasPrefix("must be") {
                problem.message += ", got \(value.typeName)"
            }
            throw problem
        } catch {
            throw OptionProblem(parameters.keys.sorted().first ?? "", "\(error)")
        }
        if let problem = options.problems().first { throw problem }
        return options
    }

    /// The first problem of `options` as an error naming the CLI flag to change, or nothing; `renamed` maps a key to
    /// its flag where the flag is not the key with dashes (`metrics` is `--metric`).
    public func checkFlags(renamed: [String: String] = [:]) throws(OptionFlagError) {
        if let problem = problems().first {
            throw OptionFlagError(problem: problem, flag: renamed[problem.key] ?? problem.flag)
        }
    }

    private static func problem(_ error: DecodingError) -> OptionProblem {
        func key(_ context: DecodingError.Context) -> String { context.codingPath.first?.stringValue ?? "" }
        func expected(_ type: Any.Type, _ context: DecodingError.Context) -> String {
            context.codingPath.count > 1 ? "entries must be \(describe(type))" : "must be \(describe(type))"
        }
        switch error {
        case .typeMismatch(let type, let context): return OptionProblem(key(context), expected(type, context))
        case .valueNotFound(let type, let context): return OptionProblem(key(context), expected(type, context))
        case .keyNotFound(let missing, _): return OptionProblem(missing.stringValue, "must be set")
        case .dataCorrupted(let context): return OptionProblem(key(context), context.debugDescription)
        @unknown default: return OptionProblem("", "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case is [String].Type, is [Any].Type: return "a list of strings"
        default: return "\(type)"
        }
    }
}

extension OptionProblem: LocalizedError {
    public var errorDescription: String? { "parameter '\(key)' \(message)" }
}

/// A stage option set on the command line is out of range; names the flag.
public struct OptionFlagError: LocalizedError, Sendable {
    public var problem: OptionProblem
    public var flag: String
    public init(problem: OptionProblem, flag: String? = nil) {
        self.problem = problem
        self.flag = flag ?? problem.flag
    }
    public var errorDescription: String? { "\(flag) \(problem.message)" }
}

/// Range checks shared by the option types.
enum OptionCheck {
    /// A problem when `value` is not a finite number above zero.
    static func positive(_ key: String, _ value: Double) -> OptionProblem? {
        value.isFinite && value > 0 ? nil : OptionProblem(key, "must be a finite number greater than 0 (got \(value))")
    }

    /// A problem when `value` is below `minimum`.
    static func atLeast(_ key: String, _ value: Int, _ minimum: Int) -> OptionProblem? {
        value >= minimum ? nil : OptionProblem(key, "must be at least \(minimum) (got \(value))")
    }

    /// A problem when `value` is outside `range` (a fraction, a threshold).
    static func within(_ key: String, _ value: Double, _ range: ClosedRange<Double>, excludingLower: Bool = false)
        -> OptionProblem?
    {
        range.contains(value) && !(excludingLower && value == range.lowerBound)
            ? nil
            : OptionProblem(
                key, "must be in \(excludingLower ? "(" : "[")\(range.lowerBound), \(range.upperBound)] (got \(value))")
    }
}

/// The sandbox settings of a stage that runs Python: per-run limits and the worker pool.
public protocol SandboxedOptions: StageOptions {
    /// Wall-clock limit of a run in seconds.
    var timeout: Double { get set }
    /// Address-space limit per run in MiB.
    var memory: Int { get set }
    /// Executions at once; nil: the number of cores.
    var jobs: Int? { get set }
    /// Python interpreter; nil: /usr/bin/python3, else python3 on PATH resolved past shims.
    var python: String? { get set }
}

extension SandboxedOptions {
    /// The run limits these options set.
    public var limits: ExecutionLimits {
        var limits = ExecutionLimits.default
        limits.timeoutSeconds = timeout
        limits.memoryMB = memory
        return limits
    }

    /// The pool these options set.
    public var pool: ExecutionPool.Configuration {
        .init(python: python, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Range checks of the sandbox settings.
    public var sandboxProblems: [OptionProblem] { SandboxChecks.problems(timeout: timeout, memory: memory, jobs: jobs) }
}

/// The range checks of the sandbox settings, for option types and the CLI's shared sandbox flags.
public enum SandboxChecks {
    /// Timeout finite and above 0, memory at least 32 MiB, jobs at least 1.
    public static func problems(timeout: Double, memory: Int, jobs: Int?) -> [OptionProblem] {
        [
            OptionCheck.positive("timeout", timeout), OptionCheck.atLeast("memory", memory, 32),
            jobs.flatMap { OptionCheck.atLeast("jobs", $0, 1) },
        ]
        .compactMap { $0 }
    }
}

extension ParameterValue {
    /// The value as a JSON object for `JSONSerialization`; a mapping becomes a list of `{"key", "value"}` objects so its
    /// order survives (see `OrderedSplitRanges`); nil for a number that is not finite.
    var jsonValue: Any? {
        switch self {
        case .string(let s): return s
        case .int(let i): return i
        case .double(let d): return d.isFinite ? d : nil
        case .bool(let b): return b
        case .null: return NSNull()
        case .list(let items):
            let values = items.map(\.jsonValue)
            return values.contains { $0 == nil } ? nil : values.map { $0! }
        case .map(let entries):
            var ordered: [Any] = []
            for entry in entries {
                guard let value = entry.value.jsonValue else { return nil }
                ordered.append(["key": entry.key, "value": value])
            }
            return ordered
        }
    }
}
