import Foundation

/// Runs the built `curate` binary the way a user does, capturing its output.
struct CLIRunner {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `curate` binary next to the test bundle (same build folder), else `.build/debug/curate`.
    static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("curate")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let bundleParent = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("curate")
        if FileManager.default.isExecutableFile(atPath: bundleParent.path) { return bundleParent }
        return packageRoot.appendingPathComponent(".build/debug/curate")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let workingDirectory: URL

    /// A runner in a fresh temporary working directory.
    init() throws {
        workingDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("curate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
    }

    static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Result { try run(arguments) }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
