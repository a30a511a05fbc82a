import CurateCore

/// Runs driver scripts in the test target's shared execution pool (`SharedPool`).
struct SharedPoolRunner: MathQAPythonRunner {
    func run(script: String) async throws -> String {
        try await MathQAPoolRunner(pool: SharedPool.get()).run(script: script)
    }
}
