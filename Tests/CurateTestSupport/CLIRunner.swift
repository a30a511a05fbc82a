import CurateSupport
import Foundation

/// Runs the built `curate` binary the way a user does, in its own temporary working directory (removed with the
/// runner), reading stdout and stderr at the same time so a chatty command cannot block on a full pipe.
public struct CLIRunner: Sendable {
    /// The `curate` binary next to the test bundle (same build folder), else `.build/debug/curate`.
    public static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "curate")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let bundleParent = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("curate")
        if FileManager.default.isExecutableFile(atPath: bundleParent.path) { return bundleParent }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/curate")
    }()

    /// Exit status and everything the process wrote.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public let directory: TemporaryDirectory
    public var workingDirectory: URL { directory.url }

    /// A runner in a fresh temporary working directory.
    public init() throws {
        directory = try TemporaryDirectory("cli")
    }

    /// The package's root directory.
    public static var packageRoot: URL { Fixtures.packageRoot }

    /// The path of a committed fixture under `Tests/Fixtures`.
    public static func fixture(_ relative: String) -> String { Fixtures.path(relative) }

    @discardableResult
    public func run(_ arguments: String...) throws -> Result { try run(arguments) }

    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try Self.run(arguments, in: workingDirectory, environment: environment)
    }

    /// Runs the binary with `arguments` in `directory`, draining stdout on this thread and stderr on another.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws
        -> Result
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderrData = LockedValue(Data())
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData.get(), as: UTF8.self))
    }
}
