import CurateCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A refused request as the API reports it: an HTTP status and `{"error": {"code", "message", …details}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable machine code, e.g. `unknown-task`, `conflict`, `body-too-large`.
    public var code: String
    public var message: String
    /// Extra fields a client acts on (a conflict's current hash and revision).
    public var details: [String: JSONValue]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var headers: HTTPFields { [:] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = details
        body["code"] = .string(code)
        body["message"] = .string(message)
        return JSONResponse.make(["error": JSONValue.object(body)], status: status)
    }
}

/// Turns every error a handler throws into a JSON error response, so a client never sees HTML or an empty 500.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Maps errors of the library the server calls (unknown task, conflict, …) to API errors.
    let translate: @Sendable (any Error) -> APIError?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try APIError.bodyTooLarge.response(from: request, context: context)
        } catch let error as HTTPError {
            let code =
                error.status == .notFound
                ? "not-found" : error.status == .methodNotAllowed ? "method-not-allowed" : "http-\(error.status.code)"
            let message =
                error.body
                ?? (error.status == .notFound
                    ? "no such page or endpoint: \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            return try APIError(error.status, code, message).response(from: request, context: context)
        } catch {
            if let mapped = translate(error) { return try mapped.response(from: request, context: context) }
            context.logger.error("\(request.method) \(request.uri.path): \(error)")
            return try APIError(.internalServerError, "internal", String(describing: error.localizedDescription))
                .response(from: request, context: context)
        }
    }
}

extension APIError {
    /// Largest request body accepted, in bytes.
    public static let maximumBodyBytes = 1 << 20

    static var bodyTooLarge: APIError {
        APIError(.contentTooLarge, "body-too-large", "the request body is larger than \(maximumBodyBytes / 1024) KiB")
    }
}

/// JSON responses of the API.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data =
            (try? encoder.encode(value))
            ?? Data(#"{"error":{"code":"internal","message":"response not encodable"}}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Request bodies: collected up to the limit and decoded with an error that names the field.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > APIError.maximumBodyBytes {
            throw APIError.bodyTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: APIError.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge
        }
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, "malformed-body", "the request has no body; send a JSON object")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, "malformed-body", describe(error))
        }
    }

    /// One sentence naming the field and what was expected.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "the body"
                : "'" + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(expected(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(expected(type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "the body is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "the body is not the expected JSON"
        }
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is [String].Type, is [Any].Type: return "an array"
        default: return type == [String: Any].self ? "an object" : "\(type)"
        }
    }
}
