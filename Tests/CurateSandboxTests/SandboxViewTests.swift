import Foundation
import Testing

@testable import CurateSandbox

/// The filesystem view built around the chosen interpreter.
@Suite(.enabled(if: runningAsRoot))
struct SandboxViewTests {
    /// A venv's files are part of the view, so its own packages import; a venv under /tmp, which the view replaces
    /// with a private tmpfs, is refused with a reason instead of starting workers that cannot find it.
    @Test func theViewFollowsTheInterpreterAndRefusesOneItWouldHide() async throws {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("curate-venv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: venv) }
        // `Spawn` closes every inherited descriptor (a Foundation `Process` child would hold those of concurrent tests).
        _ = try Spawn.capture(["/usr/bin/python3", "-m", "venv", "--without-pip", venv.path])
        let python = venv.appendingPathComponent("bin/python").path
        let plan = try SandboxLauncher.plan(python: python)
        #expect(plan.contains { $0.hasPrefix(venv.path) }, "\(plan)")
        await #expect {
            _ = try await ExecutionPool(configuration: .init(python: python, jobs: 1, isolation: .required))
        } throws: { error in
            "\(error.localizedDescription)".contains("which the sandbox replaces")
        }
    }
}
