import Foundation
import GRDB

extension TaskStore {
    /// Marks every run of `pipeline`'s stages still `running` as `abandoned`, with a note in its summary, in one
    /// transaction, and returns them as marked. A stage run stays `running` only when the process running it died
    /// (a crash or `kill -9`); call this before running the pipeline again, not while another process runs it.
    @discardableResult
    public func markAbandonedRuns(pipeline: String, now: Date = Date()) throws -> [StageRunRecord] {
        let note =
            "abandoned: still running when the pipeline was run again at \(ISO8601DateFormatter().string(from: now)); the process running it ended without finishing"
        let summary = String(decoding: try JSONEncoder().encode(["note": note]), as: UTF8.self)
        return try write { db in
            let running = StageRunRecord.filter(
                StageRunRecord.Columns.pipeline == pipeline
                    && StageRunRecord.Columns.status == StageRunRecord.Status.running.rawValue)
            let runs = try running.order(StageRunRecord.Columns.id).fetchAll(db)
            try running.updateAll(
                db, StageRunRecord.Columns.status.set(to: StageRunRecord.Status.abandoned.rawValue),
                StageRunRecord.Columns.summary.set(to: summary),
                StageRunRecord.Columns.finishedAt.set(to: now))
            return runs.map { run in
                var marked = run
                marked.status = .abandoned
                marked.summary = summary
                marked.finishedAt = now
                return marked
            }
        }
    }

    /// The runs of `pipeline`'s stages, oldest first.
    public func stageRuns(pipeline: String) throws -> [StageRunRecord] {
        try read { db in
            try StageRunRecord.filter(StageRunRecord.Columns.pipeline == pipeline).order(StageRunRecord.Columns.id)
                .fetchAll(db)
        }
    }
}
