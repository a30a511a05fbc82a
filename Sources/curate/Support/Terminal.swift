import CurateCore
import Foundation

/// Writing to the terminal: stderr messages, a progress bar shown only on a TTY, and plain text tables.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((safe(message) + "\n").utf8))
    }

    /// Prints text that may hold task content, with control characters neutralized (see `safe`).
    static func print(_ text: String) {
        Swift.print(safe(text))
    }

    /// `text` with every control character except newline and tab (C0, DEL, C1, and the bidirectional overrides
    /// that reorder what a reader sees) shown as a visible `\u{…}` escape, so task text cannot drive the terminal.
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil }

    /// Renders rows as an aligned table with a header rule.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        let rows = rows.map { $0.map(safe) }
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var out = [line(headers), line(widths.map { String(repeating: "-", count: $0) })]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}

/// A one-line progress bar on stderr; silent when stderr is not a terminal or under CI.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    /// When the bar was made: the start of the rate the ETA extrapolates.
    private let started = Date()
    private let enabled = Terminal.stderrIsTTY

    init(_ label: String) { self.label = label }

    /// Runs `body` with a bar labelled `label` and clears the bar afterwards, also when `body` throws.
    static func showing<T>(_ label: String, _ body: (ProgressBar) throws -> T) rethrows -> T {
        let bar = ProgressBar(label)
        defer { bar.finish() }
        return try body(bar)
    }

    /// `showing` for an asynchronous `body`.
    static func showing<T>(_ label: String, _ body: (ProgressBar) async throws -> T) async rethrows -> T {
        let bar = ProgressBar(label)
        defer { bar.finish() }
        return try await body(bar)
    }

    /// Reports `done` of `total` units, with an optional suffix such as "42 MB/s".
    func update(_ done: Int, of total: Int, suffix: String = "") {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let width = 30
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta =
            ProgressETA.text(elapsed: now.timeIntervalSince(started), done: done, total: total).map { " " + $0 } ?? ""
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total) \(suffix)\(eta)\u{1B}[K".utf8))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
