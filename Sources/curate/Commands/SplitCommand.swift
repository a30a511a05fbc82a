import ArgumentParser
import CurateCore

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Preview how a dataset splits under a policy: counts per split and the excluded tasks with reasons.")

    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Dataset name.") var dataset: String
    @OptionGroup var split: SplitOptions
    @Flag(help: "Print JSON (counts, exclusions, and each task's split).") var json = false

    func run() throws {
        var release = split.releaseOptions()
        release.version = "0.0.0-preview"
        release.allowUnvalidated = true  // a preview, not a release
        let configuration = try split.configuration(dataset: dataset, release: release)
        let manifest = try ReleaseBuilder(store: try storeOptions.open()).render(configuration).manifest
        if json {
            print(
                CanonicalJSON.string(
                    SplitPreview(
                        counts: manifest.counts, splits: manifest.splits, exclusions: manifest.exclusions,
                        assignment: manifest.tasks.mapValues(\.split)), pretty: true))
            return
        }
        print(Terminal.table(["split", "tasks"], manifest.splits.map { [$0, "\(manifest.counts[$0] ?? 0)"] }))
        if let fewShot = SplitPreview.fewShotSplit(manifest.fewShot) {
            let picked = manifest.tasks.filter { $0.value.split == fewShot }.keys.sorted(by: TaskID.naturalLess)
            print(
                "\nfew-shot split '\(fewShot)' (\(picked.count)): \(picked.isEmpty ? "none" : picked.joined(separator: ", "))"
            )
        }
        if !manifest.exclusions.isEmpty {
            print("\nexcluded \(manifest.exclusions.count):")
            for e in manifest.exclusions { print("  \(e.id): \(e.reasons.joined(separator: "; "))") }
        }
    }
}

/// `curate split --json` output.
struct SplitPreview: Codable {
    /// The split few-shot tasks go to, when the policy picks any.
    static func fewShotSplit(_ selection: FewShotSelection) -> String? {
        switch selection {
        case .none: return nil
        case .fixed(let split, _), .pick(let split, _, _, _): return split
        }
    }

    var counts: [String: Int]
    var splits: [String]
    var exclusions: [ReleaseManifest.Exclusion]
    var assignment: [String: String]
}
