import CurateCore
import Foundation

/// Runs driver scripts in one execution pool shared by the MathQA tests, so every process the tests start goes
/// through the engine's spawning (a second, Foundation-based spawner in the same test process raced with it
/// over inherited descriptors).
struct SharedPoolRunner: MathQAPythonRunner {
    private static let pool = Task { try await ExecutionPool(configuration: ExecutionPool.Configuration(jobs: 2)) }

    func run(script: String) async throws -> String {
        try await MathQAPoolRunner(pool: Self.pool.value).run(script: script)
    }
}
