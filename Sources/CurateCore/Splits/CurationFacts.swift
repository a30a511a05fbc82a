import CurateStore
import Foundation

/// What the store knows about a dataset's newest revisions, as the dataset card and the HTML report show it.
public struct CurationFacts: Sendable {
    /// One effective flag on a task's newest revision.
    public struct Flag: Sendable, Hashable {
        public var taskID: String
        public var stage: String
        public var code: String
        public var severity: String
        public var message: String
        public var evidence: String?
        /// True when the task is in the release despite the flag (the flag is not an exclusion).
        public var released: Bool

        /// Report order: by stage, code, task id (naturally), message.
        static func precedes(_ a: Flag, _ b: Flag) -> Bool {
            if (a.stage, a.code) != (b.stage, b.code) { return (a.stage, a.code) < (b.stage, b.code) }
            if a.taskID != b.taskID { return TaskID.naturalLess(a.taskID, b.taskID) }
            return (a.message, a.evidence ?? "") < (b.message, b.evidence ?? "")
        }
    }
    /// A duplicate flag with both tasks' texts, for showing side by side.
    public struct Duplicate: Sendable, Hashable {
        public var later: String
        public var earlier: String
        public var similarity: Double
        public var crossSplit: Bool
        public var laterText: String
        public var earlierText: String
    }
    /// A contaminated task: the share of its grams and lines found, and its evidence.
    public struct Contaminated: Sendable, Hashable {
        public var taskID: String
        public var codes: [String]
        public var ngramShare: Double?
        public var lineShare: Double?
        public var messages: [String]
        public var evidence: [TaskEvidence]

        /// The larger share found first, then by task id.
        static func precedes(_ a: Contaminated, _ b: Contaminated) -> Bool {
            let x = max(a.ngramShare ?? 0, a.lineShare ?? 0), y = max(b.ngramShare ?? 0, b.lineShare ?? 0)
            return x != y ? x > y : TaskID.naturalLess(a.taskID, b.taskID)
        }
    }
    /// A revision written by an editor rather than ingest or conversion.
    public struct Edit: Sendable, Hashable {
        public var taskID: String
        public var revision: Int
        public var author: String
        public var note: String?
    }

    public var dataset: String
    public var tasks: Int
    /// Verdict category (or `not validated`) → tasks.
    public var verdicts: [String: Int]
    /// Wall-clock seconds of each task's newest reference run, ascending (machine-dependent: never in a release).
    public var wallSeconds: [Double]
    /// Sorted by stage, code and task id.
    public var flags: [Flag]
    public var duplicates: [Duplicate]
    public var contaminated: [Contaminated]
    public var edits: [Edit]
    /// Each task's description, by task id.
    public var texts: [String: String]

    /// Flag codes whose presence depends on the machine's speed and load, like execution times.
    public static let machineDependentCodes: Set<String> = [FilterReason.timingSensitive.code]

    /// Gathers the facts for `heads`, whose effective flags are `flags` and contents `contents`; `released` says
    /// which tasks are in the release. Without `machineDependent`, execution times and timing flags are left out, so
    /// the same inputs give the same facts on any machine.
    static func gather(
        store: TaskStore, dataset: String, heads: [TaskHead], flags: [Int64: [FlagRecord]],
        contents: [String: TaskContent],
        machineDependent: Bool, released: (String) -> Bool
    ) throws -> CurationFacts {
        let executions = try store.latestExecutions(revisionIDs: heads.compactMap(\.revision.id))
        var verdicts: [String: Int] = [:]
        var wall: [Double] = []
        var all: [Flag] = []
        var edits: [Edit] = []
        for head in heads {
            if let record = executions[head.revision.id!], let verdict = try? ExecutionVerdict(stored: record) {
                verdicts[VerdictCategory(verdict).rawValue, default: 0] += 1
                if machineDependent { wall.append(record.wallSeconds) }
            } else {
                verdicts["not validated", default: 0] += 1
            }
            for flag in flags[head.revision.id!] ?? []
            where machineDependent || !Self.machineDependentCodes.contains(flag.code) {
                all.append(
                    Flag(
                        taskID: head.task.id, stage: flag.stage, code: flag.code, severity: flag.severity.rawValue,
                        message: flag.message,
                        evidence: flag.evidence, released: released(head.task.id)))
            }
            if head.revision.origin == .editor {
                edits.append(
                    Edit(
                        taskID: head.task.id, revision: head.revision.number, author: head.revision.author,
                        note: head.revision.note))
            }
        }
        all = Array(Set(all)).sorted(by: Flag.precedes)
        let texts = contents.mapValues(\.description)
        var duplicates: [Duplicate] = []
        for flag in all
        where flag.stage == FilterReason.duplicate.stage && flag.code.hasPrefix(FilterReason.duplicate.code) {
            guard let data = flag.evidence?.data(using: .utf8),
                let evidence = try? JSONDecoder().decode(DuplicateEvidence.self, from: data)
            else { continue }
            let pair = evidence.matches.first { $0.earlier == evidence.duplicateOf }
            duplicates.append(
                Duplicate(
                    later: flag.taskID, earlier: evidence.duplicateOf, similarity: pair?.similarity ?? 1,
                    crossSplit: evidence.crossSplit,
                    laterText: texts[flag.taskID] ?? "", earlierText: texts[evidence.duplicateOf] ?? ""))
        }
        var contaminated: [String: Contaminated] = [:]
        for flag in all where flag.stage == "contamination" {
            var entry =
                contaminated[flag.taskID] ?? Contaminated(taskID: flag.taskID, codes: [], messages: [], evidence: [])
            entry.codes.append(flag.code)
            entry.messages.append(flag.message)
            let share = Self.share(flag.message)
            if flag.code == "contaminated:lines" { entry.lineShare = share } else { entry.ngramShare = share }
            if let data = flag.evidence?.data(using: .utf8),
                let items = try? JSONDecoder().decode([TaskEvidence].self, from: data)
            {
                entry.evidence += items
            }
            contaminated[flag.taskID] = entry
        }
        return CurationFacts(
            dataset: dataset, tasks: heads.count, verdicts: verdicts, wallSeconds: wall.sorted(), flags: all,
            duplicates: duplicates,
            contaminated: contaminated.values.sorted(by: Contaminated.precedes),
            edits: edits.sorted { TaskID.naturalLess($0.taskID, $1.taskID) }, texts: texts)
    }

    /// The found share a contamination flag's message states: every "A/B" or "A of B" pair, summed.
    static func share(_ message: String) -> Double? {
        let words = message.split(separator: " ")
        var found = 0, total = 0
        for (index, word) in words.enumerated() {
            let parts = word.trimmingCharacters(in: CharacterSet(charactersIn: ",.;:()")).split(separator: "/")
            if parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) {
                found += a
                total += b
            } else if word == "of", index > 0, index + 1 < words.count, let a = Int(words[index - 1]),
                let b = Int(words[index + 1])
            {
                found += a
                total += b
            }
        }
        return total == 0 ? nil : Double(found) / Double(total)
    }

    /// Effective flags counted by stage, then code.
    public var flagCounts: [(stage: String, code: String, count: Int)] {
        var counts: [String: [String: Int]] = [:]
        for flag in flags { counts[flag.stage, default: [:]][flag.code, default: 0] += 1 }
        return counts.keys.sorted().flatMap { stage in
            counts[stage]!.keys.sorted().map { (stage, $0, counts[stage]![$0]!) }
        }
    }

    /// Verdict categories in a fixed order (passed first), then any others, with their counts.
    public var verdictCounts: [(String, Int)] {
        let order = VerdictCategory.allCases.map(\.rawValue) + ["not validated"]
        return order.compactMap { key in verdicts[key].map { (key, $0) } }
    }

    /// Flags raised by one stage.
    public func flags(stage: String) -> [Flag] { flags.filter { $0.stage == stage } }
}
