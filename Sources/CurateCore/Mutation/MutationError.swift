import Foundation

/// Fatal problems of mutation analysis.
public enum MutationError: LocalizedError, Equatable {
    case generatorFailed(python: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .generatorFailed(let python, let reason):
            return
                "the mutant generator could not run with '\(python)': \(reason). Pass --python with a Python 3.9 or newer interpreter."
        }
    }
}
