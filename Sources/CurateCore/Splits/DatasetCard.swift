import Foundation
import Yams

/// The `README.md` of a release: a Hugging Face dataset card whose YAML front matter (written by Yams) declares
/// `configs`/`data_files` and features so `load_dataset` reads the folder, and whose body documents the curation.
enum DatasetCard {
    /// The front matter, in the order the Hub shows it.
    struct FrontMatter: Encodable {
        struct Config: Encodable {
            struct DataFile: Encodable { var split: String; var path: String }
            var name: String
            var dataFiles: [DataFile]
            enum CodingKeys: String, CodingKey { case name = "config_name", dataFiles = "data_files" }
        }
        struct Feature: Encodable { var name: String; var dtype: String?; var sequence: String? }
        struct SplitInfo: Encodable {
            var name: String
            var bytes: Int
            var examples: Int
            enum CodingKeys: String, CodingKey { case name, bytes = "num_bytes", examples = "num_examples" }
        }
        struct Info: Encodable { var features: [Feature]; var splits: [SplitInfo] }
        var prettyName: String
        var license: String
        var language: [String]
        var taskCategories: [String]
        var sizeCategories: [String]
        var tags: [String]
        var configs: [Config]
        var datasetInfo: Info
        enum CodingKeys: String, CodingKey {
            case prettyName = "pretty_name", license, language, taskCategories = "task_categories", sizeCategories =
                "size_categories", tags, configs
            case datasetInfo = "dataset_info"
        }
    }

    /// What each released field holds, by field name.
    static let fieldDescriptions: [String: String] = [
        "text": "the problem statement", "prompt": "the prompt given to a model",
        "description": "the problem statement", "code": "the reference solution (Python)",
        "canonical_solution": "the reference solution's body, to append to the prompt",
        "task_id": "the source dataset's task id",
        "test_setup_code": "code run before the tests (imports, helpers)", "test_imports": "imports the tests need",
        "test_list": "assert statements the solution must pass",
        "challenge_test_list": "harder assert statements (may be empty)",
        "test": "a `check(candidate)` function with the tests", "entry_point": "the function the tests call",
        "source_file": "the file of the original dataset the task came from", "dsl_code": "MathQA's linear formula",
        "reasoning": "MathQA's rationale", "answer": "the numeric answer the program prints",
        "metadata": "other fields, as a JSON object",
        "plus_test_list": "generated assert statements (curate tests generate); apart from `test_list`",
    ]

    static func render(
        _ m: ReleaseManifest, layout: NativeLayout, sizes: [String: Int], license: String?, facts: CurationFacts,
        example: String?
    ) throws -> String {
        let source = SourceDataset.forLayout(layout)
        let total = m.counts.values.reduce(0, +)
        let features = layout.features + (m.plusTests.map { [($0.field, "[string]")] } ?? [])
        let front = FrontMatter(
            prettyName: "\(m.dataset) \(m.version)", license: license ?? source.license, language: ["en"],
            taskCategories: source.taskCategories,
            sizeCategories: [SourceDataset.sizeCategory(total)], tags: source.tags + ["curate"],
            configs: [.init(name: "default", dataFiles: m.splits.map { .init(split: $0, path: "\($0).jsonl") })],
            datasetInfo: .init(
                features: features.map { feature in
                    feature.type.hasPrefix("[")
                        ? .init(name: feature.name, dtype: nil, sequence: String(feature.type.dropFirst().dropLast()))
                        : .init(name: feature.name, dtype: feature.type, sequence: nil)
                },
                splits: m.splits.map { .init(name: $0, bytes: sizes["\($0).jsonl"] ?? 0, examples: m.counts[$0] ?? 0) })
        )
        var out = "---\n" + (try YAMLEncoder().encode(front)) + "---\n\n"
        var lines: [String] = ["# \(m.dataset) \(m.version)", "", "## Summary", "", source.summary, ""]
        lines.append(
            "This release of \(source.title) holds \(total) task(s) in \(m.splits.count) split(s), built by \(m.tool)\(m.python.map { " with Python \($0)" } ?? "") in the `\(m.layout)` record layout from \(facts.tasks) task(s) in the store; \(m.exclusions.count) were excluded. `report.html` next to this card draws the same results as charts."
        )
        lines += ["", "| split | tasks | bytes |", "| --- | ---: | ---: |"]
        lines += m.splits.map { "| \($0) | \(m.counts[$0] ?? 0) | \(sizes["\($0).jsonl"] ?? 0) |" }
        lines += [
            "", "```python", "from datasets import load_dataset",
            "dataset = load_dataset(\"path/to/\(m.dataset)/\(m.version)\")", "```", "",
        ]
        lines += ["## Fields", "", "| field | type | description |", "| --- | --- | --- |"]
        lines += features.map {
            "| `\($0.name)` | \($0.type.hasPrefix("[") ? "list of \($0.type.dropFirst().dropLast())" : $0.type) | \(fieldDescriptions[$0.name] ?? "") |"
        }
        if let example {
            lines += ["", "An example record (the first of `\(m.splits.first ?? "")`):", "", "```json", example, "```"]
        }
        lines += ["", "## Split policy", "", policyText(m), ""]
        lines += curationSection(m, facts: facts)
        lines += plusTestsSection(m)
        lines += knownIssues(facts)
        lines += [
            "## License", "",
            "`\(license ?? source.license)`, the license of the source dataset; curate's edits are released under the same terms.",
            "",
        ]
        lines += ["## Citation", ""]
        if source.citations.isEmpty {
            lines += [
                "No paper is recorded for this dataset's source. Cite this release by its name, version and `manifest.json` sha256.",
                "",
            ]
        } else {
            lines += ["Cite the source dataset's paper(s):", ""]
            for citation in source.citations { lines += ["```bibtex", citation, "```", ""] }
        }
        lines += ["## Provenance", "", "Inputs:", ""]
        lines += m.inputs.map { "- `\($0.path)` (sha256 `\($0.sha256)`)" }
        if let pipeline = m.pipeline { lines.append("- pipeline `\(pipeline.path)` (sha256 `\(pipeline.sha256)`)") }
        lines += [
            "", "`manifest.json` lists every file's sha256, every input, and each task's split and revision.", "",
        ]
        out += lines.joined(separator: "\n")
        return out
    }

    /// The split policy and few-shot selection, in words.
    static func policyText(_ m: ReleaseManifest) -> String {
        var text: String
        switch m.policy {
        case .ranges(let ranges):
            text =
                "Tasks are assigned by numeric task id: "
                + ranges.map { "\($0.split) \($0.lower)–\($0.upper)" }.joined(separator: ", ") + "."
        case .hash(let salt, let ratios, let stratify):
            text =
                "Tasks are assigned by a hash of their id salted with `\(salt)`, in the weights "
                + ratios.map { "\($0.split) \(OrderedJSON.pythonRepr($0.weight))" }.joined(separator: ", ")
                + (stratify.map { ", stratified by `\($0)`" } ?? "") + "."
        case .field(let key, let splits):
            text =
                "Each task's split is its `\(key)` metadata field; allowed values: " + splits.joined(separator: ", ")
                + "."
        }
        switch m.fewShot {
        case .none: break
        case .fixed(let split, let ids):
            text += " The `\(split)` split holds the fixed few-shot tasks " + ids.joined(separator: ", ") + "."
        case .pick(let split, let count, let pool, _):
            text += " The `\(split)` split holds \(count) validated, unflagged tasks picked from `\(pool)`."
        }
        if !m.excludeFlags.isEmpty {
            text +=
                " Tasks with a flag matching " + m.excludeFlags.map { "`\($0)`" }.joined(separator: ", ")
                + " are excluded."
        }
        return text
    }

    /// Each curation step with its results.
    static func curationSection(_ m: ReleaseManifest, facts: CurationFacts) -> [String] {
        var lines = [
            "## Curation", "",
            "Each step ran over the store's newest revision of every task; flags stay in the store, and only the exclusions above remove tasks.",
            "",
        ]
        lines += [
            "### Validation", "", "Reference solutions ran against their tests in curate's sandbox.", "",
            "| verdict | tasks |", "| --- | ---: |",
        ]
        lines += facts.verdictCounts.map { "| \($0.0) | \($0.1) |" }
        func counted(_ stage: String, _ none: String) -> [String] {
            let counts = facts.flagCounts.filter { $0.stage == stage }
            return counts.isEmpty ? [none] : counts.map { "- `\($0.code)`: \($0.count) task(s)" }
        }
        lines += [
            "", "### Stability", "",
            "Solutions were re-run to find nondeterministic tests. Timing-sensitive tests depend on the machine, so the card leaves them out (`curate report` shows them).",
            "",
        ]
        lines += counted("stability", "No task was flagged.")
        let cross = facts.duplicates.filter(\.crossSplit).count
        lines += [
            "", "### Duplicates", "",
            "\(facts.duplicates.count) near- or exact-duplicate pair(s), \(cross) of them across splits.", "",
        ]
        lines += facts.duplicates.prefix(20).map {
            "- \($0.later) duplicates \($0.earlier) (similarity \(String(format: "%.2f", $0.similarity))\($0.crossSplit ? ", across splits" : ""))"
        }
        if facts.duplicates.count > 20 { lines.append("- … and \(facts.duplicates.count - 20) more, in `report.html`") }
        lines += [
            "", "### Contamination", "",
            facts.contaminated.isEmpty
                ? "No task was flagged as found in a pretraining corpus (with no corpus configured, the audit flags nothing)."
                : "\(facts.contaminated.count) task(s) flagged as found in the audited corpus:",
        ]
        if !facts.contaminated.isEmpty { lines += [""] + counted("contamination", "") }
        lines += ["", "### Lint", "", "MBPP's crowdworker guidelines, checked on every task.", ""]
        lines += counted("lint", "No findings.")
        lines += ["", "### Edits", ""]
        lines +=
            facts.edits.isEmpty
            ? ["No task was edited: every record is as ingested or converted."]
            : facts.edits.map {
                "- \($0.taskID) revision \($0.revision) by \($0.author)\($0.note.map { ": \($0)" } ?? "")"
            }
        if let review = m.review {
            lines += [
                "", "### Review", "",
                "Review pass: \(review.edited.count) task(s) edited, \(review.approved) approved, \(review.needsWork) needing work, \(review.excluded) excluded by editors"
                    + (review.requireReview.map { " (only \($0) tasks ship)" } ?? "") + ".", "",
            ]
            lines += review.edited.map {
                "- \($0.id) (revision \($0.revision)) by \($0.editors.joined(separator: ", ")): \($0.reasons.joined(separator: "; "))"
            }
            if let log = review.log { lines.append("- edit log `\(log.path)` (sha256 `\(log.sha256)`)") }
        }
        lines += [
            "", "### Exclusions", "",
            "Excluded: \(m.exclusions.count) task(s)\(m.excludeFlags.isEmpty ? "" : " (flags \(m.excludeFlags.joined(separator: ", ")))").",
        ]
        lines += m.exclusions.prefix(50).map { "- \($0.id): \($0.reasons.joined(separator: "; "))" }
        if m.exclusions.count > 50 { lines.append("- … and \(m.exclusions.count - 50) more, listed in manifest.json") }
        return lines + [""]
    }

    /// Flags left on released tasks: what a user of the release should know.
    /// What the generated tests are and where they came from; nothing when the release carries none.
    static func plusTestsSection(_ m: ReleaseManifest) -> [String] {
        guard let plus = m.plusTests else { return [] }
        let which = plus.selection == "reduced" ? "the reduced subset (every mutant kill kept) of the " : ""
        return [
            "### Generated tests", "",
            "`\(plus.field)` holds \(which)\(plus.tests) generated assert statement(s) for \(plus.tasks) task(s), made by `curate tests generate`: the inputs each task's tests pass to its entry point, mutated by type, with the reference solution's outputs as expected values (inputs on which it raised, timed out or answered differently across seeded runs were discarded), each assert in the shape of the original test that made the call, and kept only when the reference passes it. They are never mixed into `test_list`; run them after the task's setup code and solution, like `test_list`.",
            "",
            "Generator digest(s): \(plus.generators.map { "`\($0)`" }.joined(separator: ", ")); seed(s): \(plus.seeds.map(String.init).joined(separator: ", ")).",
            "",
        ]
    }

    static func knownIssues(_ facts: CurationFacts) -> [String] {
        let kept = facts.flags.filter(\.released)
        var lines = ["## Known issues", ""]
        guard !kept.isEmpty else { return lines + ["No released task carries a flag.", ""] }
        var counts: [String: Int] = [:]
        for flag in kept {
            counts[flag.code.hasPrefix("\(flag.stage)/") ? flag.code : "\(flag.stage)/\(flag.code)", default: 0] += 1
        }
        lines.append("Released tasks that carry a flag (kept by the split policy; see `report.html` for every one):")
        lines.append("")
        lines += counts.keys.sorted().map { "- `\($0)`: \(counts[$0]!) task(s)" }
        lines += ["", "First findings:", ""]
        lines += kept.prefix(15).map {
            "- \($0.taskID) `\($0.code)`: \($0.message.replacingOccurrences(of: "\n", with: " "))"
        }
        return lines + [""]
    }
}
