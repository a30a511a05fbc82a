import Foundation

/// The store's shared SQL definitions, so every query means the same by "newest revision" and "effective flag".
enum StoreSQL {
    /// The id of a task's newest revision (the highest revision number), for the task id expression `task`.
    static func newestRevisionID(ofTask task: String) -> String {
        "(SELECT id FROM taskRevision WHERE taskID = \(task) ORDER BY number DESC LIMIT 1)"
    }

    /// The action of the latest editor decision on the flag row `flag` (NULL when never decided): a review decision
    /// on its code for its revision's content (which also reaches the flag when a stage raises it again), else the
    /// latest override of the row.
    static func latestOverrideAction(ofFlag flag: String) -> String {
        "COALESCE(\(ReviewSQL.latestDecision(ofFlag: flag)), (SELECT action FROM flagOverride WHERE flagID = \(flag).id ORDER BY id DESC LIMIT 1))"
    }

    /// The flag row `flag` is active: no later evaluation by its stage superseded it.
    static func isActiveFlag(_ flag: String) -> String {
        "\(flag).supersededAt IS NULL"
    }

    /// The flag row `flag` is effective: active, and its latest editor override (if any) does not dismiss it.
    static func isEffectiveFlag(_ flag: String) -> String {
        "\(isActiveFlag(flag)) AND COALESCE(\(latestOverrideAction(ofFlag: flag)), '') != 'dismiss'"
    }

    /// `values` in slices small enough for one `IN (…)` list.
    static func chunks<T>(_ values: [T], size: Int = 500) -> [ArraySlice<T>] {
        stride(from: 0, to: values.count, by: size).map { values[$0..<min($0 + size, values.count)] }
    }
}
