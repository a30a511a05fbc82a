import CurateCore
import CurateStore
import Foundation
import Hummingbird

/// The JSON API under `/api/`, used by the page and by scripts (docs/review-web.md lists every endpoint).
struct ReviewAPI: Sendable {
    let store: TaskStore

    func register(on api: RouterGroup<BasicRequestContext>) {
        api.get("info") { _, _ in
            JSONResponse.make(Info(version: CurateVersion.string, store: store.path, datasets: try store.datasets()))
        }
    }

    /// Errors of the store and the review library as API errors.
    @Sendable static func translate(_ error: any Error) -> APIError? {
        if let error = error as? StoreError, case .unknownTask(let id) = error {
            return APIError(.notFound, "unknown-task", "no task '\(id)' in the store")
        }
        return nil
    }
}

/// `GET /api/info`.
struct Info: Codable {
    var version: String
    var store: String
    var datasets: [String]
}
