import Foundation

/// Fatal problems of the execution engine.
public enum ExecutionError: LocalizedError, Equatable {
    case pythonNotFound(searched: [String])
    case pythonNotRunnable(path: String, reason: String)
    case workerLaunchFailed(python: String, reason: String)
    case isolationUnavailable(reason: String)
    case poolShutDown

    public var errorDescription: String? {
        switch self {
        case .pythonNotFound(let searched):
            return
                "no Python 3 interpreter found (looked at \(searched.map { "'\($0)'" }.joined(separator: ", "))). Install python3 or pass --python PATH."
        case .pythonNotRunnable(let path, let reason):
            return
                "cannot run the Python interpreter '\(path)': \(reason). Pass a working interpreter with --python PATH."
        case .workerLaunchFailed(let python, let reason):
            return
                "cannot start a sandbox worker with '\(python)': \(reason). Check the interpreter with `\(python) -c 'print(1)'`."
        case .isolationUnavailable(let reason):
            return
                "the sandbox cannot isolate programs here: \(reason). Run as root on Linux with util-linux `unshare`, or allow unisolated runs."
        case .poolShutDown:
            return "the execution pool was shut down; create a new ExecutionPool."
        }
    }
}
