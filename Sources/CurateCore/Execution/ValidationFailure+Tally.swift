import Foundation

extension ValidationFailure {
    /// The first failing statement and its outcome (or the setup/solution error, or the run's detail).
    public static func describe(
        taskID: String, revisionID: Int64, request: ExecutionRequest, verdict: ExecutionVerdict,
        category: VerdictCategory
    ) -> ValidationFailure {
        var statement = "<run>", outcome = verdict.detail
        if let error = verdict.programError {
            statement = "<\(error.phase)>"
            outcome = TestOutcome.error(type: error.type, message: error.message).summary
        } else if let first = verdict.firstFailure {
            statement = request.tests[first.index]
            outcome = first.outcome == .notReached && !verdict.detail.isEmpty ? verdict.detail : first.outcome.summary
        }
        return ValidationFailure(
            taskID: taskID, revisionID: revisionID, category: category, statement: statement, outcome: outcome,
            detail: verdict.detail)
    }

    /// Counts the verdicts by category and describes each that did not pass (nil where it passed, in verdict order);
    /// `task` gives the task id and revision id of a verdict's index.
    public static func tally(
        _ verdicts: [ExecutionVerdict], requests: [ExecutionRequest], task: (Int) -> (id: String, revisionID: Int64)
    ) -> (counts: [VerdictCategory: Int], failures: [ValidationFailure?]) {
        var counts: [VerdictCategory: Int] = [:]
        var failures = [ValidationFailure?](repeating: nil, count: verdicts.count)
        for (index, verdict) in verdicts.enumerated() {
            let category = VerdictCategory(verdict)
            counts[category, default: 0] += 1
            if category != .passed {
                let (taskID, revisionID) = task(index)
                failures[index] = describe(
                    taskID: taskID, revisionID: revisionID, request: requests[index], verdict: verdict,
                    category: category)
            }
        }
        return (counts, failures)
    }
}
