import Foundation

/// Runs a self-contained Python script and returns what it printed; the bridge to the execution engine.
public protocol MathQAPythonRunner: Sendable {
    /// Runs `script` to completion and returns its stdout; throws when the run itself fails.
    func run(script: String) async throws -> String
}

/// Batched execution of generated programs: one script per chunk runs each program in a fresh namespace and
/// prints its `answer`, so thousands of programs cost a handful of interpreter runs.
public enum MathQAExecution {
    /// What executing one program gave.
    public enum Result: Sendable, Hashable {
        /// `float(answer)`.
        case value(Double)
        /// The program raised, or `answer` is missing or not a number.
        case failure(String)
    }

    /// The runner (`mathqa_runner.py`, compiled into the binary).
    static let runnerSource = String(decoding: PackageResources.mathqa_runner_py, as: UTF8.self)

    /// The driver script for a chunk of programs: the runner, then one call handing it the programs as data
    /// (base64 of a JSON array of strings).
    public static func script(_ programs: [String]) -> String {
        runnerSource + "\nrun(\"" + CanonicalJSON.encode(programs).base64EncodedString() + "\")\n"
    }

    /// Parses the driver's output into one result per program (`Double` reads repr's `inf`, `-inf` and `nan`).
    public static func parse(_ output: String, count: Int) -> [Result?] {
        var results = [Result?](repeating: nil, count: count)
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let i = Int(fields[0]), i >= 0, i < count else { continue }
            if fields[1] == "ok", let value = Double(fields[2]) {
                results[i] = .value(value)
            } else {
                results[i] = .failure(String(fields[2]))
            }
        }
        return results
    }

    /// Runs programs in chunks, concurrently, and returns their results in input order.
    public static func run(
        _ programs: [String], runner: any MathQAPythonRunner, chunkSize: Int, progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> [Result?] {
        let size = max(1, chunkSize)
        let chunks = stride(from: 0, to: programs.count, by: size).map { $0..<min($0 + size, programs.count) }
        var results = [Result?](repeating: nil, count: programs.count)
        var done = 0
        try await withThrowingTaskGroup(of: (Range<Int>, [Result?]).self) { group in
            for range in chunks {
                let slice = Array(programs[range])
                group.addTask {
                    let output = try await runner.run(script: script(slice))
                    return (range, parse(output, count: slice.count))
                }
            }
            for try await (range, chunkResults) in group {
                for (offset, result) in chunkResults.enumerated() { results[range.lowerBound + offset] = result }
                done += range.count
                progress?(done, programs.count)
            }
        }
        return results
    }
}
