import ArgumentParser
import CurateCore

extension StageOptions {
    /// Throws the first out-of-range value as a usage error naming its flag (`renamed`: keys whose flag differs).
    func checkFlagsForCLI(renamed: [String: String] = [:]) throws {
        do { try checkFlags(renamed: renamed) } catch { throw ValidationError(error.errorDescription ?? "\(error)") }
    }
}
