extension ExecutionPool {
    /// Starts a pool, runs `body` with it and shuts the pool down afterwards, also when `body` throws.
    public static func withPool<T: Sendable>(
        _ configuration: Configuration, _ body: (ExecutionPool) async throws -> T
    ) async throws -> T {
        let pool = try await ExecutionPool(configuration: configuration)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}
