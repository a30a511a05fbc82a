import CurateStore
import Foundation

/// Saves a conversion: kept problems as tasks of the mode's dataset, drop decisions in `mathqaDrop`.
public enum MathQAStoreWriter {
    /// The author recorded on converted revisions.
    public static let author = "mathqa-convert"

    /// The task content of a kept problem: description, generated code, a test asserting the answer within 1%,
    /// and MathQA-Python's native fields in metadata.
    public static func content(_ outcome: MathQAOutcome, record: MathQAPythonRecord, mode: MathQAMode) -> TaskContent {
        let answer = PythonFloat.repr(record.answer)
        var metadata = [
            "text": record.text, "dsl_code": record.dslCode, "reasoning": record.reasoning, "answer": answer,
            "task_id": record.taskID, "options": outcome.problem.options, "correct": outcome.problem.correct,
            "category": outcome.problem.category, "annotated_formula": outcome.problem.annotatedFormula,
            "split": outcome.split, "mode": mode.rawValue, "license": "Apache-2.0",
        ]
        if let recovery = outcome.recovery { metadata["recovery"] = recovery }
        return TaskContent(
            description: outcome.problem.problem, solution: record.code, testSetup: "import math",
            tests: ["assert math.isclose(answer, \(answer), rel_tol=0.01)"], imports: ["import math"],
            metadata: metadata)
    }

    /// Writes each converted file's kept problems with an `ingestedFile` row (one transaction per file, so releases
    /// list the MathQA files as inputs) and replaces the drops of the converted files (another), in `dataset`
    /// (default: the mode's dataset).
    @discardableResult
    public static func save(
        _ outcomes: [MathQAOutcome], mode: MathQAMode, store: TaskStore, dataset: String? = nil, now: Date = Date()
    ) throws -> StoreOutcome {
        let dataset = dataset ?? mode.dataset
        var revisions: [String: [IncomingRevision]] = [:]
        var drops: [MathQADropRecord] = []
        var files: [String: (sha256: String?, records: Int)] = [:]
        for outcome in outcomes {
            files[outcome.sourcePath, default: (outcome.sourceSHA256, 0)].records += 1
            if let record = outcome.record {
                let content = content(outcome, record: record, mode: mode)
                revisions[outcome.sourcePath, default: []].append(
                    IncomingRevision(
                        taskID: TaskID.make(dataset: dataset, sourceID: record.taskID), dataset: dataset,
                        sourceID: record.taskID,
                        content: content, origin: .conversion, author: author,
                        note: outcome.recovery.map { "recovered: \($0)" },
                        sourcePath: outcome.sourcePath, sourceLocation: "record \(outcome.index)",
                        rawSHA256: outcome.problem.rawSHA256))
            } else if let drop = outcome.drop {
                drops.append(
                    MathQADropRecord(
                        dataset: dataset, split: outcome.split, sourcePath: outcome.sourcePath,
                        recordIndex: outcome.index,
                        reason: drop.reason.rawValue, message: drop.message, location: drop.location,
                        linearFormula: outcome.problem.linearFormula, createdAt: now))
            }
        }
        let paths = files.keys.sorted()
        var result = StoreOutcome()
        for path in paths {
            let kept = revisions[path] ?? []
            let file = files[path]!.sha256.map { sha256 in
                IngestedFileRecord(
                    path: path, sha256: sha256, format: "mathqa-\(mode.rawValue)", dataset: dataset,
                    accepted: kept.count, rejected: files[path]!.records - kept.count, createdAt: now)
            }
            let outcome = try store.store(kept, file: file, now: now)
            result.newTasks += outcome.newTasks
            result.newRevisions += outcome.newRevisions
            result.unchanged += outcome.unchanged
            result.flagsInserted += outcome.flagsInserted
        }
        try MathQADropRecord.replace(in: store, dataset: dataset, sourcePaths: paths, with: drops)
        return result
    }
}

/// `curate mathqa report`: kept, recovered and dropped counts per split, read back from the store.
public struct MathQAReport: Sendable, Codable {
    public var dataset: String
    public var splits: [MathQASplitSummary]
    /// Drops of the requested reason (all when none was requested), for listing.
    public var drops: [MathQADropRecord]

    /// Builds the report of `dataset` from its tasks and its `mathqaDrop` rows.
    public static func make(store: TaskStore, dataset: String, reason: String? = nil) throws -> MathQAReport {
        var summaries: [String: MathQASplitSummary] = [:]
        for head in try store.heads(dataset: dataset) {
            guard let content = try? TaskContent.decode(head.revision.content) else { continue }
            let split = content.metadata["split"] ?? "?"
            summaries[split, default: MathQASplitSummary(split: split)].kept += 1
            summaries[split]!.total += 1
            if let recovery = content.metadata["recovery"] { summaries[split]!.recovered[recovery, default: 0] += 1 }
        }
        let allDrops = try MathQADropRecord.fetch(in: store, dataset: dataset)
        for drop in allDrops {
            summaries[drop.split, default: MathQASplitSummary(split: drop.split)].dropped[drop.reason, default: 0] += 1
            summaries[drop.split]!.total += 1
        }
        let order = MathQAFile.splits
        let splits = summaries.values.sorted {
            (order.firstIndex(of: $0.split) ?? order.count, $0.split) < (
                order.firstIndex(of: $1.split) ?? order.count, $1.split
            )
        }
        let listed = reason.map { r in allDrops.filter { $0.reason == r } } ?? allDrops
        return MathQAReport(dataset: dataset, splits: splits, drops: listed)
    }
}
