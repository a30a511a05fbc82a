import Foundation

/// Paths of the committed test fixtures under `Tests/Fixtures`.
public enum Fixtures {
    /// The package's root directory.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
    public static let root = packageRoot.appendingPathComponent("Tests/Fixtures")

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    public static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }
}
