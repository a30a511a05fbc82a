import Foundation

/// Why the review server cannot start.
public enum ReviewServerError: LocalizedError, Equatable {
    case tokenRequired(host: String)
    case weakToken(minimumLength: Int)
    case invalidPort(Int)

    public var errorDescription: String? {
        switch self {
        case .tokenRequired(let host):
            return
                "binding '\(host)' exposes a server that runs submitted code to other machines; pass --token TOKEN (at least \(AccessPolicy.minimumTokenLength) characters, e.g. `--token $(openssl rand -hex 32)`) or bind 127.0.0.1"
        case .weakToken(let minimumLength):
            return
                "--token must be at least \(minimumLength) characters without spaces; e.g. `--token $(openssl rand -hex 32)`"
        case .invalidPort(let port):
            return "--port \(port) is not a TCP port; use 0 (any free port) to 65535"
        }
    }
}
