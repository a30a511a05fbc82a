import CurateStore
import Foundation

/// A duplicate pair as a split sees it: the later task's effective `dedup` flag and the earlier task it names.
public struct DuplicateLink: Sendable, Hashable, Codable {
    public var earlier: String
    public var later: String
    /// The flag on the later task (`duplicate`, `duplicate/behavioural`, `duplicate/near`) and its id, the one an
    /// editor dismisses.
    public var code: String
    public var flagID: Int64
    /// exact, near or behavioural.
    public var kind: String

    /// The pairs that effective `dedup` flags record, from each task's effective flags, in order of the later task.
    public static func links(effectiveFlags: [String: [FlagRecord]]) -> [DuplicateLink] {
        var links: Set<DuplicateLink> = []
        for (taskID, flags) in effectiveFlags {
            for flag in flags
            where flag.stage == FilterReason.duplicate.stage && flag.code.hasPrefix(FilterReason.duplicate.code) {
                guard let data = flag.evidence?.data(using: .utf8),
                    let evidence = try? JSONDecoder().decode(DuplicateEvidence.self, from: data)
                else { continue }
                for match in evidence.matches where match.later == taskID {
                    links.insert(
                        DuplicateLink(
                            earlier: match.earlier, later: taskID, code: flag.code, flagID: flag.id ?? 0,
                            kind: match.kind.rawValue))
                }
            }
        }
        return links.sorted {
            $0.later != $1.later
                ? TaskID.naturalLess($0.later, $1.later)
                : $0.earlier != $1.earlier ? TaskID.naturalLess($0.earlier, $1.earlier) : $0.code < $1.code
        }
    }
}

/// A duplicate pair whose tasks a split puts on both sides of the training/evaluation line.
public struct SplitLeak: Sendable, Hashable, Codable {
    public var earlier: String
    public var earlierSplit: String
    public var later: String
    public var laterSplit: String
    public var code: String
    public var flagID: Int64
    public var kind: String

    /// `mbpp/704 [train] duplicates mbpp/248 [test] (duplicate/behavioural, flag #12)`.
    public var description: String {
        "\(later) [\(laterSplit)] duplicates \(earlier) [\(earlierSplit)] (\(code), flag #\(flagID))"
    }
}

/// A task the split moved to keep it with its duplicates.
public struct DuplicateMove: Sendable, Hashable, Codable {
    public var task: String
    public var from: String
    public var to: String
    /// The earliest task of its group of duplicates, whose split the group takes.
    public var with: String
}

/// Checks a split against the duplicate pairs: which cross into an evaluation split, and keeping them together.
public enum DuplicateSplitCheck {
    /// Puts every group of connected duplicates (among `tasks`) into the split of its earliest task by natural id
    /// order, so no pair crosses splits; returns the moves in task order. Deterministic for the same inputs.
    public static func keepTogether(
        _ assignment: inout [String: String], links: [DuplicateLink], tasks: Set<String>
    ) -> [DuplicateMove] {
        var parent: [String: String] = [:]
        func root(_ id: String) -> String {
            var node = id
            while let next = parent[node], next != node { node = next }
            return node
        }
        for link in links where tasks.contains(link.earlier) && tasks.contains(link.later) {
            let a = root(link.earlier), b = root(link.later)
            guard a != b else { continue }
            if TaskID.naturalLess(a, b) { parent[b] = a } else { parent[a] = b }
        }
        var moves: [DuplicateMove] = []
        for task in parent.keys.sorted(by: TaskID.naturalLess) {
            let head = root(task)
            guard head != task, let target = assignment[head], let current = assignment[task], current != target
            else { continue }
            assignment[task] = target
            moves.append(DuplicateMove(task: task, from: current, to: target, with: head))
        }
        return moves
    }

    /// The pairs among `tasks` whose two tasks land in different splits with at least one an evaluation split
    /// (any split not in `trainingSplits`).
    public static func leaks(
        links: [DuplicateLink], assignment: [String: String], tasks: Set<String>, trainingSplits: Set<String>
    ) -> [SplitLeak] {
        links.compactMap { link in
            guard tasks.contains(link.earlier), tasks.contains(link.later),
                let earlierSplit = assignment[link.earlier], let laterSplit = assignment[link.later],
                earlierSplit != laterSplit,
                !trainingSplits.contains(earlierSplit) || !trainingSplits.contains(laterSplit)
            else { return nil }
            return SplitLeak(
                earlier: link.earlier, earlierSplit: earlierSplit, later: link.later, laterSplit: laterSplit,
                code: link.code, flagID: link.flagID, kind: link.kind)
        }
    }
}
