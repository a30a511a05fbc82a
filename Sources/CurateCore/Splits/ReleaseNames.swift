import Foundation

/// Checks of the names that become path components of a release (`curated/DATASET/VERSION/`), so that no name can
/// point outside the releases folder.
public enum ReleaseNames {
    /// Why `name` is not a valid dataset name (letters, digits, '.', '_', '-', starting with a letter or digit, at
    /// most 64 characters), or nil when it is.
    public static func datasetProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 64, isAlphanumeric(bytes[0]),
            bytes.allSatisfy({
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            })
        else {
            return
                "dataset name '\(name)' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. mbpp, mbpp-sanitized)"
        }
        return nil
    }

    /// Why `version` is not semver-like (MAJOR.MINOR.PATCH with optional -PRERELEASE and +BUILD of letters, digits,
    /// '.' and '-'), or nil when it is.
    public static func versionProblem(_ version: String) -> String? {
        let main = version.prefix { $0 != "-" && $0 != "+" }
        let numbers = main.split(separator: ".", omittingEmptySubsequences: false)
        let tail = version.dropFirst(main.count)
        let numeric =
            numbers.count == 3 && numbers.allSatisfy { !$0.isEmpty && $0.count <= 9 && $0.utf8.allSatisfy(isDigit) }
        let suffixOK =
            tail.utf8.allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
            }
            && !tail.contains("..") && tail.count <= 64 && (tail.isEmpty || tail.count > 1)
        guard numeric, suffixOK else { return "release version '\(version)' \(versionRule)" }
        return nil
    }

    /// What a release version must look like.
    public static let versionRule =
        "must be semver-like MAJOR.MINOR.PATCH with an optional -PRERELEASE or +BUILD of letters, digits, '.' and '-' (e.g. 1.0.0, 2.1.0-rc.1)"

    /// Throws `ReleaseError.badName` when the dataset or the version could lead a release path astray.
    public static func check(dataset: String, version: String) throws {
        if let problem = datasetProblem(dataset) ?? versionProblem(version) { throw ReleaseError.badName(problem) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }
}
