import CurateCore
import CurateStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// The JSON API under `/api/`, used by the page and by scripts (docs/review-web.md lists every endpoint).
/// Task ids travel as `/api/tasks/DATASET/SOURCE`, the source id percent-encoded when it holds a slash.
struct ReviewAPI: Sendable {
    let desk: ReviewDesk

    func register(on api: RouterGroup<BasicRequestContext>) {
        api.get("info") { _, _ in
            JSONResponse.make(
                Info(
                    version: CurateVersion.string, store: desk.store.path, edits: desk.editsDirectory,
                    datasets: try desk.store.datasets(),
                    statuses: ReviewStatus.allCases.map(\.rawValue)))
        }
        api.get("queue") { request, _ in
            let query = request.uri.queryParameters
            let filter = ReviewQueueFilter(
                dataset: query.text("dataset"), flag: query.text("flag"),
                status: try query.text("status").map(Self.status),
                editor: query.text("editor"))
            return JSONResponse.make(try queuePage(filter))
        }
        api.get("audit") { request, _ in
            let query = request.uri.queryParameters
            guard let limit = Int(query.text("limit") ?? "500"), limit > 0 else {
                throw APIError(.badRequest, "bad-query", "'limit' must be a positive number")
            }
            let editor = query.text("editor")
            let entries = try desk.auditLog(dataset: query.text("dataset"), taskID: query.text("task"))
                .filter { editor == nil || $0.editor == editor }
            return JSONResponse.make(AuditPage(entries: Array(entries.prefix(limit))))
        }
        let task = api.group("tasks/:dataset/:source")
        task.get { _, context in JSONResponse.make(CorpusContext.adding(to: try desk.task(try Self.taskID(context)))) }
        task.post("revisions") { request, context in
            let id = try Self.taskID(context)
            let body = try await JSONBody.decode(SaveRequest.self, from: request)
            let result = try await desk.save(
                id, baseHash: body.baseHash, changes: body.content, editor: body.editor, reason: body.reason,
                allowFailing: body.allowFailing ?? false)
            return JSONResponse.make(result, status: .created)
        }
        task.post("preview") { request, context in
            let id = try Self.taskID(context)
            let body = try await JSONBody.decode(PreviewRequest.self, from: request)
            let current = try desk.task(id)
            guard let head = current.revisions.last else { throw ReviewError.unknownTask(id) }
            return JSONResponse.make(try await desk.revalidate(body.content.applied(to: head.content)))
        }
        task.post("status") { request, context in
            let id = try Self.taskID(context)
            let body = try await JSONBody.decode(StatusRequest.self, from: request)
            let entry = try desk.setStatus(id, try Self.status(body.status), editor: body.editor, reason: body.reason)
            return JSONResponse.make(entry, status: .created)
        }
        task.post("flags") { request, context in
            let id = try Self.taskID(context)
            let body = try await JSONBody.decode(FlagRequest.self, from: request)
            let severity =
                try body.severity.map { value in
                    guard let severity = FlagRecord.Severity(rawValue: value) else {
                        throw APIError(
                            .badRequest, "bad-severity",
                            "'severity' must be one of \(FlagRecord.Severity.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    return severity
                } ?? .warning
            let entry = try desk.raiseFlag(
                id, code: body.code, message: body.message, severity: severity, editor: body.editor,
                reason: body.reason ?? body.message)
            return JSONResponse.make(entry, status: .created)
        }
        task.post("flags/:flag/:action") { request, context in
            let id = try Self.taskID(context)
            guard let flagID = context.parameters.get("flag", as: Int64.self),
                let flag = try desk.store.flag(id: flagID), flag.taskID == id
            else {
                throw APIError(
                    .notFound, "unknown-flag", "task '\(id)' has no flag #\(context.parameters.get("flag") ?? "")")
            }
            let body = try await JSONBody.decode(DecisionRequest.self, from: request)
            let entry: ReviewAuditEntry
            switch context.parameters.get("action") {
            case "dismiss": entry = try desk.dismissFlag(flagID, editor: body.editor, reason: body.reason)
            case "reinstate": entry = try desk.reinstateFlag(flagID, editor: body.editor, reason: body.reason)
            default:
                throw APIError(
                    .notFound, "not-found",
                    "a flag can be dismissed or reinstated: POST …/flags/\(flagID)/dismiss or …/reinstate")
            }
            return JSONResponse.make(entry, status: .created)
        }
    }

    /// The queue with what the page's filters offer: datasets, flag codes and editor names.
    private func queuePage(_ filter: ReviewQueueFilter) throws -> QueuePage {
        let queue = try desk.queue(filter)
        let codes = Set(
            try desk.store.stats().filter { filter.dataset == nil || $0.dataset == filter.dataset }.flatMap(
                \.flags.keys))
        let editors = Set(try desk.auditLog(dataset: filter.dataset).map(\.editor))
        return QueuePage(
            items: queue.items, total: queue.total, reviewed: queue.reviewed, remaining: queue.remaining,
            flagged: queue.items.filter { !$0.flags.isEmpty || $0.conflict }.count,
            datasets: try desk.store.datasets(), flagCodes: codes.sorted(), editors: editors.sorted())
    }

    /// `dataset/source` from the path, percent-decoded.
    static func taskID(_ context: BasicRequestContext) throws -> String {
        guard let dataset = context.parameters.get("dataset")?.removingPercentEncoding,
            let source = context.parameters.get("source")?.removingPercentEncoding, !dataset.isEmpty, !source.isEmpty
        else {
            throw APIError(
                .badRequest, "bad-task-id",
                "the path must name a task as /api/tasks/DATASET/SOURCE_ID (percent-encode a '/' inside SOURCE_ID)")
        }
        return TaskID.make(dataset: dataset, sourceID: source)
    }

    static func status(_ text: String) throws -> ReviewStatus {
        guard let status = ReviewStatus(rawValue: text) else {
            throw APIError(
                .badRequest, "bad-status",
                "status '\(text)' is not one of \(ReviewStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }

    /// Errors of the review library as API errors: what the client did wrong gets a 4xx with a code it can act on.
    @Sendable static func translate(_ error: any Error) -> APIError? {
        if let error = error as? StoreError, case .unknownTask(let id) = error {
            return APIError(.notFound, "unknown-task", "no task '\(id)' in the store")
        }
        guard let error = error as? ReviewError else { return nil }
        let message = error.errorDescription ?? "\(error)"
        switch error {
        case .unknownTask(let id): return APIError(.notFound, "unknown-task", "no task '\(id)' in the store")
        case .unknownFlag(let id): return APIError(.notFound, "unknown-flag", "no flag #\(id) in the store")
        case .staleBase(let task, let base, let current):
            return APIError(
                .conflict, "conflict",
                "'\(task)' was changed by someone else since you opened it; nothing was saved. Compare with the current revision and save again on top of it.",
                details: ["baseHash": .string(base), "currentHash": .string(current)])
        case .noChanges: return APIError(.unprocessableContent, "no-changes", message)
        case .failingRevision(_, let verdict):
            return APIError(
                .unprocessableContent, "failing-revision",
                "the new revision does not pass its tests (\(verdict.summary)); nothing was saved. Fix it, or save with allowFailing.",
                details: ["verdict": JSONValue(parsing: CanonicalJSON.string(verdict)) ?? .null])
        case .missingEditor: return APIError(.badRequest, "missing-editor", "'editor' must name who makes the change")
        case .missingReason:
            return APIError(
                .badRequest, "missing-reason", "'reason' must say why; it is kept in the edit log and the audit trail")
        case .badFlagCode: return APIError(.badRequest, "bad-flag-code", message)
        default: return nil
        }
    }
}

extension FlatDictionary<Substring, Substring> {
    /// A query parameter's value, nil when absent or empty.
    func text(_ name: Substring) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return String(value)
    }
}

/// `GET /api/info`.
struct Info: Codable {
    var version: String
    var store: String
    var edits: String
    var datasets: [String]
    var statuses: [String]
}

/// `GET /api/queue`: the desk's queue plus the values the page's filters offer.
struct QueuePage: Codable {
    var items: [ReviewQueueItem]
    var total: Int
    var reviewed: Int
    var remaining: Int
    /// Listed tasks with an active flag or an edit conflict.
    var flagged: Int
    var datasets: [String]
    var flagCodes: [String]
    var editors: [String]
}

/// `GET /api/audit`.
struct AuditPage: Codable {
    var entries: [ReviewAuditEntry]
}

/// `POST …/revisions`: the changed fields on top of `baseHash`, the content the editor started from.
struct SaveRequest: Codable {
    var baseHash: String
    var content: TaskFieldChanges
    var editor: String
    var reason: String
    var allowFailing: Bool?
}

/// `POST …/preview`: run the tests of the current content with these changes, recording nothing.
struct PreviewRequest: Codable {
    var content: TaskFieldChanges
}

/// `POST …/status`.
struct StatusRequest: Codable {
    var status: String
    var editor: String
    var reason: String
}

/// `POST …/flags`.
struct FlagRequest: Codable {
    var code: String
    var message: String
    var editor: String
    var reason: String?
    var severity: String?
}

/// `POST …/flags/ID/dismiss` and `…/reinstate`.
struct DecisionRequest: Codable {
    var editor: String
    var reason: String
}
