import Foundation
import GRDB

extension TaskStore {
    /// Stores reference-run verdicts and sets the `stage` flags of the validated revisions in one transaction, so
    /// a crash leaves both or neither. `flags` are all the revisions' flags of the stage: a revision whose current
    /// flags already say the same (code, severity, message, evidence) keeps them; the others are superseded.
    public func recordValidation(
        executions: [ExecutionRecord], stage: String, revisionIDs: [Int64],
        flags: [(revisionID: Int64, taskID: String, flag: NewFlag)], now: Date = Date()
    ) throws {
        try write { db in
            for record in executions { try record.replace(db) }
            let wanted = Dictionary(grouping: flags, by: \.revisionID)
            for chunk in stride(from: 0, to: revisionIDs.count, by: 500) {
                let ids = Array(revisionIDs[chunk..<min(chunk + 500, revisionIDs.count)])
                let current = Dictionary(
                    grouping:
                        try FlagRecord
                        .filter(
                            ids.contains(Column("revisionID")) && Column("stage") == stage
                                && Column("supersededAt") == nil
                        )
                        .fetchAll(db), by: \.revisionID)
                for id in ids {
                    let old = current[id] ?? [], new = wanted[id] ?? []
                    let same =
                        old.map { FlagContent($0.code, $0.severity, $0.message, $0.evidence) }.sorted()
                        == new.map { FlagContent($0.flag.code, $0.flag.severity, $0.flag.message, $0.flag.evidence) }
                        .sorted()
                    if same { continue }
                    try FlagRecord.filter(old.compactMap(\.id).contains(Column("id"))).updateAll(
                        db, Column("supersededAt").set(to: now))
                    for item in new {
                        var record = FlagRecord(
                            revisionID: item.revisionID, taskID: item.taskID, stage: stage, code: item.flag.code,
                            severity: item.flag.severity, message: item.flag.message, evidence: item.flag.evidence,
                            createdAt: now)
                        try record.insert(db)
                    }
                }
            }
        }
    }
}

/// What makes two flags of one stage and revision say the same thing.
private struct FlagContent: Comparable {
    var code: String
    var severity: String
    var message: String
    var evidence: String

    init(_ code: String, _ severity: FlagRecord.Severity, _ message: String, _ evidence: String?) {
        self.code = code
        self.severity = severity.rawValue
        self.message = message
        self.evidence = evidence ?? ""
    }

    static func < (a: FlagContent, b: FlagContent) -> Bool {
        (a.code, a.severity, a.message, a.evidence) < (b.code, b.severity, b.message, b.evidence)
    }
}
