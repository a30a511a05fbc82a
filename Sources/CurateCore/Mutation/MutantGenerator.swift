import Foundation

/// One mutant of a reference solution: the replaced node's span and text, and the whole mutated source.
public struct Mutant: Sendable, Hashable, Codable {
    /// `arithmetic`, `bitwise`, `augmented`, `comparison`, `boundary`, `logical`, `constant`, `negate-condition`,
    /// `remove-statement`, `return-value`, `swap-operands`, `slice`, `index`, `range-bound`.
    public var mutationOperator: String
    /// 1-based line and 0-based UTF-8 column of the replaced node's start and end in the reference.
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    /// The reference's text of that span.
    public var original: String
    /// The text that replaced it.
    public var replacement: String
    /// The mutated program.
    public var source: String

    enum CodingKeys: String, CodingKey {
        case mutationOperator = "operator"
        case line, column
        case endLine = "end_line"
        case endColumn = "end_column"
        case original, replacement, source
    }

    /// Unified diff of `reference` against this mutant, one line of context.
    public func diff(from reference: String) -> String {
        (["--- reference", "+++ mutant"] + UnifiedDiff.lines(reference, source, context: 1)).joined(separator: "\n")
    }
}

/// Writes mutants of reference solutions with `mutant_generator.py` (compiled into the binary), run by the real
/// interpreter beside curate: it parses and unparses the sources, and never executes task code, so it needs no
/// sandbox, and one process handles thousands of tasks.
public enum MutantGenerator {
    /// The generator's source, as embedded from `Mutation/mutant_generator.py`.
    static let source = String(decoding: PackageResources.mutant_generator_py, as: UTF8.self)

    /// Content digest of the generator: part of every mutation run's record and of the stage's fingerprint.
    public static let digest = ContentDigest.of(["Mutation/mutant_generator.py"])

    /// The mutants of one source, or why there are none.
    public enum Output: Sendable, Hashable {
        case mutants([Mutant])
        /// The source does not parse (the generator's message).
        case unparsable(String)
    }

    /// Mutants of each source (keyed by the given ids), at most `maxMutants` each, written by `processes` generator
    /// processes at once over contiguous chunks of the input.
    public static func mutants(
        of sources: [(id: String, source: String)], maxMutants: Int, python: String?, processes: Int = 1
    ) async throws -> [String: Output] {
        let interpreter = try PythonLocator.resolve(python)
        let size = max(1, (sources.count + max(1, processes) - 1) / max(1, processes))
        let chunks = stride(from: 0, to: sources.count, by: size).map {
            Array(sources[$0..<min($0 + size, sources.count)])
        }
        return try await withThrowingTaskGroup(of: [String: Output].self) { group in
            for chunk in chunks {
                let input = chunk.map { item in
                    String(decoding: CanonicalJSON.encode(["id": item.id, "source": item.source]), as: UTF8.self)
                }.joined(separator: "\n")
                group.addTask {
                    try parse(
                        try run(interpreter, input: Data((input + "\n").utf8), maxMutants: maxMutants),
                        python: interpreter)
                }
            }
            var all: [String: Output] = [:]
            for try await part in group { all.merge(part) { first, _ in first } }
            return all
        }
    }

    /// Runs the generator over `input` (JSON lines) and returns its standard output.
    private static func run(_ python: String, input: Data, maxMutants: Int) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-I", "-S", "-B", "-c", source, "{\"max_mutants\": \(maxMutants)}"]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw MutationError.generatorFailed(python: python, reason: error.localizedDescription)
        }
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = LockedValue(Data())
        let errorsRead = DispatchSemaphore(value: 0)
        let errorReader = Thread {
            errors.set(stderr.fileHandleForReading.readDataToEndOfFile())
            errorsRead.signal()
        }
        errorReader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorsRead.wait()
        guard process.terminationStatus == 0 else {
            let message =
                String(decoding: errors.get(), as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw MutationError.generatorFailed(
                python: python, reason: "it exited with status \(process.terminationStatus): \(message)")
        }
        return output
    }

    private static func parse(_ output: Data, python: String) throws -> [String: Output] {
        struct Line: Decodable {
            var id: String
            var mutants: [Mutant]?
            var error: String?
        }
        var result: [String: Output] = [:]
        let decoder = JSONDecoder()
        for (index, line) in output.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let item = try? decoder.decode(Line.self, from: Data(line)) else {
                throw MutationError.generatorFailed(
                    python: python, reason: "output line \(index + 1) is not a mutant record")
            }
            result[item.id] = item.error.map { .unparsable($0) } ?? .mutants(item.mutants ?? [])
        }
        return result
    }
}
