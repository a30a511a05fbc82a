import Foundation
import Yams

/// A parameter value from a pipeline file, with the line it was written on.
public indirect enum ParameterValue: Sendable, Hashable, Codable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case list([ParameterValue])
    case map([MapEntry])

    public struct MapEntry: Sendable, Hashable, Codable {
        public var key: String
        public var value: ParameterValue
        public var line: Int
    }

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a number"
        case .bool: return "a boolean"
        case .null: return "nothing"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}

/// One stage as declared in a pipeline file.
public struct StageDeclaration: Sendable, Hashable {
    public var name: String
    public var line: Int
    public var parameters: [String: ParameterValue]
    public var parameterLines: [String: Int]
}

/// A parsed pipeline file: `pipeline`, `dataset`, and an ordered list of stages with parameters.
public struct PipelineFile: Sendable, Hashable {
    public var path: String
    public var name: String
    public var dataset: String
    public var stages: [StageDeclaration]
    /// sha256 of the file's bytes.
    public var sha256: String
}

/// Problems with a pipeline file, each located as `file:line`.
public enum PipelineError: LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case invalidYAML(path: String, line: Int, column: Int, problem: String)
    case invalid(path: String, line: Int, problem: String)
    case stageFailed(stage: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason): return "cannot read pipeline '\(path)': \(reason)."
        case .invalidYAML(let path, let line, let column, let problem):
            return "\(path):\(line):\(column): invalid YAML: \(problem)."
        case .invalid(let path, let line, let problem): return "\(path):\(line): \(problem)."
        case .stageFailed(let stage, let reason): return "stage '\(stage)' failed: \(reason)"
        }
    }
}

extension PipelineFile {
    /// Parses and validates a pipeline file against the stage catalog.
    public static func load(path: String, catalog: StageCatalog = .standard) throws -> PipelineFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PipelineError.unreadable(
                path: path,
                reason: FileManager.default.fileExists(atPath: path) ? "\(error.localizedDescription)" : "no such file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path, sha256: SHA256.hex(data), catalog: catalog)
    }

    static func parse(_ text: String, path: String, sha256: String, catalog: StageCatalog) throws -> PipelineFile {
        let root: Node
        do {
            let parser = try Yams.Parser(yaml: text)
            guard let node = try parser.singleRoot() else {
                throw PipelineError.invalid(
                    path: path, line: 1, problem: "the file is empty; expected keys pipeline, dataset, stages")
            }
            // Node anchors are weak references the parser owns, so look for them while it lives.
            if let line = withExtendedLifetime(parser, { firstAnchorLine(node) }) {
                throw PipelineError.invalid(
                    path: path, line: line,
                    problem:
                        "YAML anchors and aliases (&name, *name) are not allowed in pipeline files (they can expand exponentially); write the value out"
                )
            }
            root = node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                throw PipelineError.invalidYAML(path: path, line: mark.line, column: mark.column, problem: problem)
            default:
                throw PipelineError.invalidYAML(path: path, line: 1, column: 1, problem: "\(error)")
            }
        }
        func line(_ node: Node) -> Int { node.mark?.line ?? 1 }
        guard case .mapping(let top) = root else {
            throw PipelineError.invalid(
                path: path, line: line(root), problem: "expected a mapping with keys pipeline, dataset, stages")
        }
        var name: String?, dataset: String?, stagesNode: Node?
        for (key, value) in top {
            switch key.string ?? "" {
            case "pipeline": name = value.string
            case "dataset": dataset = value.string
            case "stages": stagesNode = value
            default:
                throw PipelineError.invalid(
                    path: path, line: line(key),
                    problem: "unknown key '\(key.string ?? "?")'; valid keys: pipeline, dataset, stages")
            }
        }
        guard let dataset, !dataset.isEmpty else {
            throw PipelineError.invalid(path: path, line: line(root), problem: "missing 'dataset: NAME'")
        }
        if let problem = ReleaseNames.datasetProblem(dataset) {
            throw PipelineError.invalid(
                path: path, line: top.first { $0.key.string == "dataset" }.map { line($0.value) } ?? line(root),
                problem: "'dataset': \(problem)")
        }
        guard let stagesNode, case .sequence(let sequence) = stagesNode else {
            throw PipelineError.invalid(
                path: path, line: stagesNode.map(line) ?? line(root), problem: "missing 'stages:' list")
        }
        var stages: [StageDeclaration] = []
        for item in sequence {
            guard case .mapping(let mapping) = item, let stageName = mapping["stage"]?.string else {
                throw PipelineError.invalid(
                    path: path, line: line(item),
                    problem:
                        "each stage is a mapping starting with 'stage: NAME'; valid stages: \(catalog.names.joined(separator: ", "))"
                )
            }
            guard let spec = catalog.spec(stageName) else {
                throw PipelineError.invalid(
                    path: path, line: line(item),
                    problem: "unknown stage '\(stageName)'; valid stages: \(catalog.names.joined(separator: ", "))")
            }
            var parameters: [String: ParameterValue] = [:]
            var lines: [String: Int] = [:]
            for (key, value) in mapping {
                guard let keyName = key.string, keyName != "stage" else { continue }
                guard spec.keys.contains(keyName) else {
                    let valid = spec.keys
                    throw PipelineError.invalid(
                        path: path, line: line(key),
                        problem:
                            "stage '\(stageName)' has no parameter '\(keyName)'; valid: \(valid.isEmpty ? "none" : valid.joined(separator: ", "))"
                    )
                }
                let converted = convert(value)
                parameters[keyName] = converted
                lines[keyName] = line(key)
            }
            do {
                _ = try spec.options.decode(parameters)
            } catch {
                throw PipelineError.invalid(
                    path: path, line: lines[error.key] ?? line(item),
                    problem: "stage '\(stageName)' parameter '\(error.key)' \(error.message)")
            }
            stages.append(
                StageDeclaration(name: stageName, line: line(item), parameters: parameters, parameterLines: lines))
        }
        let file = PipelineFile(path: path, name: name ?? dataset, dataset: dataset, stages: stages, sha256: sha256)
        try catalog.validateOrder(file)
        return file
    }

    /// The line of the first anchored node, depth first; stops there, so an alias bomb is never walked.
    static func firstAnchorLine(_ node: Node) -> Int? {
        switch node {
        case .scalar(let scalar): return scalar.anchor == nil ? nil : scalar.mark?.line ?? 1
        case .alias(let alias): return alias.mark?.line ?? 1
        case .sequence(let sequence):
            if sequence.anchor != nil { return sequence.mark?.line ?? 1 }
            for item in sequence { if let line = firstAnchorLine(item) { return line } }
            return nil
        case .mapping(let mapping):
            if mapping.anchor != nil { return mapping.mark?.line ?? 1 }
            for (key, value) in mapping { if let line = firstAnchorLine(key) ?? firstAnchorLine(value) { return line } }
            return nil
        }
    }

    static func convert(_ node: Node) -> ParameterValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .int(i) }
                if let d = node.float { return .double(d) }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .list(sequence.map(convert))
        case .mapping(let mapping):
            return .map(
                mapping.map {
                    ParameterValue.MapEntry(
                        key: $0.key.string ?? "", value: convert($0.value), line: $0.key.mark?.line ?? 1)
                })
        case .alias:
            return .null
        }
    }
}
