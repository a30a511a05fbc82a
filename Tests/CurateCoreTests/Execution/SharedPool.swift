import CurateCore

/// One pool shared by the tests of this target that execute programs (starting workers costs ~50 ms each).
enum SharedPool {
    static let pool = Task { try await ExecutionPool(configuration: .init(jobs: 2)) }
    static func get() async throws -> ExecutionPool { try await pool.value }
}
