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

    /// The driver script for a chunk of programs.
    public static func script(_ programs: [String]) -> String {
        let encoded = programs.map { "\"" + Data($0.utf8).base64EncodedString() + "\"" }.joined(separator: ",\n")
        return """
            import base64
            _programs = [
            \(encoded)
            ]
            for _i, _source in enumerate(_programs):
                _namespace = {}
                try:
                    exec(base64.b64decode(_source).decode("utf-8"), _namespace)
                except BaseException as _error:
                    _text = (type(_error).__name__ + ": " + str(_error)).replace("\\n", " ").replace("\\t", " ")[:120]
                    print(_i, "error", _text, sep="\\t")
                    continue
                if "answer" not in _namespace:
                    print(_i, "error", "no answer variable", sep="\\t")
                    continue
                try:
                    _value = float(_namespace["answer"])
                except BaseException as _error:
                    print(_i, "error", "answer is not a number: " + type(_namespace["answer"]).__name__, sep="\\t")
                    continue
                print(_i, "ok", repr(_value), sep="\\t")

            """
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
