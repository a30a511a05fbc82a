import Foundation

/// A fresh directory under the system's temporary directory, removed with everything in it when the last reference
/// to it goes away (at the end of the test that made it).
public final class TemporaryDirectory: Sendable {
    public let url: URL

    /// Creates `curate-<label>-<uuid>`.
    public init(_ label: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("curate-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    /// The URL of `relative` inside the directory (nothing is created).
    public func appendingPathComponent(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes `contents` to `relative` inside the directory, creating its parent directories, and returns its path.
    @discardableResult
    public func write(_ contents: String, to relative: String) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: file)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
