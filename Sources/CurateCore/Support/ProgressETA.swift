import Foundation

/// The time a job has left, estimated from its rate so far, as progress-bar text ("ETA 1m05s").
public enum ProgressETA {
    /// "ETA …" after `done` of `total` units took `elapsed` seconds; nil before the first unit and once finished.
    public static func text(elapsed: Double, done: Int, total: Int) -> String? {
        guard done > 0, total > done, elapsed > 0 else { return nil }
        return "ETA " + duration(elapsed / Double(done) * Double(total - done))
    }

    /// Whole seconds rounded up, as `42s`, `3m07s` or `2h05m`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
