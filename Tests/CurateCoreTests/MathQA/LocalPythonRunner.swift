import CurateCore
import Foundation

/// Runs the driver script with the machine's Python, for tests of the generated programs (no isolation needed:
/// the scripts are our own straight-line arithmetic).
struct LocalPythonRunner: MathQAPythonRunner {
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/bin/env"

    func run(script: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = Self.python == "/usr/bin/env" ? ["python3", "-"] : ["-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
