/// What a validation run means for its exit status.
extension ValidationReport {
    /// Tasks whose reference solution did not pass (failed, timed out, crashed, …).
    public var notPassed: Int { counts.filter { $0.key != .passed }.values.reduce(0, +) }

    /// One line naming how many tasks did not pass and how, or nil when every task passed.
    public var failureSummary: String? {
        guard notPassed > 0 else { return nil }
        let kinds = VerdictCategory.allCases.compactMap { category -> String? in
            guard category != .passed, let count = counts[category], count > 0 else { return nil }
            return "\(count) \(category.rawValue)"
        }
        return "\(notPassed) of \(tasks) task(s) did not pass validation (\(kinds.joined(separator: ", ")))"
    }
}
