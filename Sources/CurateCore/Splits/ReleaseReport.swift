import Foundation

/// `report.html`: one self-contained page (inline CSS and SVG, no script) drawing a dataset's curation results.
public enum ReleaseReport {
    /// What one page shows.
    public struct Input: Sendable {
        public var title: String
        public var manifest: ReleaseManifest
        public var facts: CurationFacts
        /// The diff against the previous release, nil for a first release.
        public var diff: ReleaseDiff?
        /// Draw the execution-time histogram (machine-dependent, so never inside a release).
        public var includeTimings: Bool
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d2430;background:#fff}
        h1{margin:.2em 0}h2{border-bottom:2px solid #e3e7ee;padding-bottom:4px;margin-top:1.8em}
        nav a{margin-right:12px;color:#2f5d95}
        .tiles{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
        .tile{background:#f4f6fa;border-radius:8px;padding:10px 16px;min-width:120px}.tile b{display:block;font-size:24px}
        .chart text{font-size:12px;fill:#1d2430}.chart .small{font-size:10px}.chart .muted,.muted{fill:#68707d;color:#68707d}
        table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #e3e7ee;padding:4px 8px;vertical-align:top;text-align:left}
        th{background:#f4f6fa}pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:12px}
        .pair td{width:45%}.badge{background:#e45756;color:#fff;border-radius:4px;padding:0 6px;font-size:12px}
        .grid{display:flex;flex-wrap:wrap;gap:24px}
        """

    /// Verdict colours: green for passed, warm for every way of not passing.
    static func verdictColor(_ verdict: String) -> String {
        switch verdict {
        case "passed": return "#54a24b"
        case "not validated": return "#9d9da3"
        case "timeout": return "#f58518"
        default: return "#e45756"
        }
    }

    static let stageColors = [
        "lint": "#72b7b2", "validate": "#e45756", "stability": "#f58518", "dedup": "#b279a2",
        "contamination": "#eeca3b", "ambiguity": "#9d755d",
    ]

    /// The page, deterministic for the same input.
    public static func render(_ input: Input) -> String {
        let m = input.manifest, facts = input.facts
        let released = m.counts.values.reduce(0, +)
        var h =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(htmlEscape(input.title))</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n"
        h +=
            "<h1>\(htmlEscape(input.title))</h1>\n<p class=\"muted\">Built by \(htmlEscape(m.tool))\(m.python.map { " with Python " + htmlEscape($0) } ?? "") in the <code>\(htmlEscape(m.layout))</code> layout.</p>\n"
        h +=
            "<nav><a href=\"#validation\">Validation</a><a href=\"#flags\">Flags</a><a href=\"#splits\">Splits</a><a href=\"#duplicates\">Duplicates</a><a href=\"#contamination\">Contamination</a><a href=\"#lint\">Lint</a><a href=\"#diff\">Diff</a></nav>\n"
        h += "<div class=\"tiles\">"
        for (label, value) in [
            ("tasks in store", facts.tasks), ("released", released), ("excluded", m.exclusions.count),
            ("flags", facts.flags.count),
            ("duplicate pairs", facts.duplicates.count), ("contaminated", facts.contaminated.count),
        ] + (m.plusTests.map { [("generated tests", $0.tests)] } ?? []) {
            h += "<div class=\"tile\"><b>\(value)</b>\(label)</div>"
        }
        h += "</div>\n"
        h += validation(input)
        h += "<section id=\"flags\">\n<h2>Flags by stage</h2>\n"
        h += SVGChart.bars(
            facts.flagCounts.map { flag in
                .init(
                    label: flag.code.hasPrefix("\(flag.stage)/") ? flag.code : "\(flag.stage) · \(flag.code)",
                    value: flag.count, color: stageColors[flag.stage] ?? "#4c78a8")
            }, title: "Flags by stage and code")
        h += "\n</section>\n"
        h += "<section id=\"splits\">\n<h2>Split sizes</h2>\n"
        h += SVGChart.bars(
            m.splits.map { .init(label: $0, value: m.counts[$0] ?? 0) } + [
                .init(label: "excluded", value: m.exclusions.count, color: "#e45756")
            ], title: "Tasks per split")
        h += "\n<p>\(htmlEscape(DatasetCard.policyText(m)))</p>\n</section>\n"
        h += duplicates(facts)
        h += contamination(facts)
        h += lint(facts)
        h += diffSection(input.diff)
        return h + "</body>\n</html>\n"
    }

    static func validation(_ input: Input) -> String {
        var h = "<section id=\"validation\">\n<h2>Validation</h2>\n<div class=\"grid\"><div><h3>Verdicts</h3>"
        h += SVGChart.bars(
            input.facts.verdictCounts.map { .init(label: $0.0, value: $0.1, color: verdictColor($0.0)) },
            title: "Verdict counts", width: 460)
        h += "</div><div><h3>Execution time of the reference run</h3>"
        if input.includeTimings {
            let values = input.facts.wallSeconds
            let edges = [0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, max(30, (values.last ?? 0))]
            h += SVGChart.columns(
                SVGChart.histogram(values, edges: edges, format: seconds, color: "#4c78a8"),
                title: "Execution time distribution", xLabel: "wall-clock seconds per task", width: 560)
        } else {
            h +=
                "<p>Times (and timing-sensitive flags) depend on the machine, so a release does not record them: <code>curate report \(htmlEscape(input.manifest.dataset))</code> draws their distribution from the store.</p>"
        }
        return h + "</div></div>\n</section>\n"
    }

    static func seconds(_ value: Double) -> String {
        value >= 1 ? String(format: "%.0fs", value) : String(format: "%.0fms", value * 1000)
    }

    static func duplicates(_ facts: CurationFacts) -> String {
        var h = "<section id=\"duplicates\">\n<h2>Duplicate pairs</h2>\n"
        let cross = facts.duplicates.filter(\.crossSplit).count
        h += "<p>\(facts.duplicates.count) pair(s), \(cross) across splits.</p>\n"
        guard !facts.duplicates.isEmpty else { return h + "</section>\n" }
        h += "<table class=\"pair\"><tr><th>earlier task</th><th>later task (flagged)</th><th>similarity</th></tr>\n"
        for pair in facts.duplicates.prefix(50) {
            h +=
                "<tr><td><b>\(htmlEscape(pair.earlier))</b><pre>\(htmlEscape(pair.earlierText))</pre></td><td><b>\(htmlEscape(pair.later))</b><pre>\(htmlEscape(pair.laterText))</pre></td>"
            h +=
                "<td>\(String(format: "%.2f", pair.similarity))\(pair.crossSplit ? " <span class=\"badge\">across splits</span>" : "")</td></tr>\n"
        }
        if facts.duplicates.count > 50 {
            h += "<tr><td colspan=\"3\">… and \(facts.duplicates.count - 50) more</td></tr>\n"
        }
        return h + "</table>\n</section>\n"
    }

    static func contamination(_ facts: CurationFacts) -> String {
        var h = "<section id=\"contamination\">\n<h2>Contamination</h2>\n"
        h +=
            "<p>\(facts.contaminated.count) task(s) flagged as found in the audited corpus (with no corpus configured, the audit flags nothing).</p>\n"
        let edges = (0...10).map { Double($0) / 10 }
        let percent = { (value: Double) in String(format: "%.0f", value * 100) }
        h += "<div class=\"grid\"><div><h3>Share of n-grams found, per flagged task</h3>"
        h += SVGChart.columns(
            SVGChart.histogram(
                facts.contaminated.compactMap(\.ngramShare), edges: edges, format: percent, color: "#eeca3b"),
            title: "Share of n-grams found", xLabel: "% of the task's n-grams found", width: 520)
        h += "</div><div><h3>Share of solution lines found, per flagged task</h3>"
        h += SVGChart.columns(
            SVGChart.histogram(
                facts.contaminated.compactMap(\.lineShare), edges: edges, format: percent, color: "#f58518"),
            title: "Share of lines found", xLabel: "% of the task's solution lines found", width: 520)
        h += "</div></div>\n"
        guard !facts.contaminated.isEmpty else { return h + "</section>\n" }
        h +=
            "<h3>Top tasks</h3>\n<table><tr><th>task</th><th>findings</th><th>evidence (corpus place and context)</th></tr>\n"
        for task in facts.contaminated.prefix(10) {
            h +=
                "<tr><td><b>\(htmlEscape(task.taskID))</b><pre>\(htmlEscape(facts.texts[task.taskID] ?? ""))</pre></td><td>"
            h += task.messages.map { htmlEscape($0) }.joined(separator: "<br>") + "</td><td>"
            for item in task.evidence.prefix(3) {
                let place = [item.location.file, item.location.document].compactMap { $0 }.joined(separator: " · ")
                h +=
                    "<p><code>\(htmlEscape(item.gram))</code> in \(htmlEscape(place))</p><pre>\(htmlEscape(item.location.text))</pre>"
            }
            h += "</td></tr>\n"
        }
        return h + "</table>\n</section>\n"
    }

    static func lint(_ facts: CurationFacts) -> String {
        let findings = facts.flags(stage: "lint")
        var h = "<section id=\"lint\">\n<h2>Lint findings</h2>\n"
        h += SVGChart.bars(
            facts.flagCounts.filter { $0.stage == "lint" }.map {
                .init(label: $0.code, value: $0.count, color: "#72b7b2")
            }, title: "Lint findings by rule")
        guard !findings.isEmpty else { return h + "\n<p>No findings.</p>\n</section>\n" }
        h += "\n<table><tr><th>task</th><th>rule</th><th>finding</th><th>task text</th></tr>\n"
        for flag in findings.prefix(50) {
            let text = facts.texts[flag.taskID] ?? ""
            h +=
                "<tr><td>\(htmlEscape(flag.taskID))</td><td><code>\(htmlEscape(flag.code))</code></td><td>\(htmlEscape(flag.message))</td>"
            h += "<td>\(htmlEscape(text.count > 240 ? String(text.prefix(240)) + "…" : text))</td></tr>\n"
        }
        if findings.count > 50 { h += "<tr><td colspan=\"4\">… and \(findings.count - 50) more</td></tr>\n" }
        return h + "</table>\n</section>\n"
    }

    static func diffSection(_ diff: ReleaseDiff?) -> String {
        var h = "<section id=\"diff\">\n<h2>Changes since the previous release</h2>\n"
        guard let diff else { return h + "<p>This is the dataset's first release.</p>\n</section>\n" }
        h += "<p>From <code>\(htmlEscape(diff.from))</code> to <code>\(htmlEscape(diff.to))</code>.</p>\n"
        h += SVGChart.bars(
            [
                .init(label: "added", value: diff.added.count, color: "#54a24b"),
                .init(label: "removed", value: diff.removed.count, color: "#e45756"),
                .init(label: "changed", value: diff.changed.count, color: "#4c78a8"),
                .init(label: "moved", value: diff.moved.count, color: "#b279a2"),
            ], title: "Tasks added, removed, changed and moved")
        let rows =
            diff.added.map { ("added", $0.id, "\($0.split): \($0.reason)") }
            + diff.removed.map { ("removed", $0.id, "\($0.split): \($0.reason)") }
            + diff.changed.map { ("changed", $0.id, "\($0.fields.joined(separator: ", ")): \($0.reason)") }
            + diff.moved.map { ("moved", $0.id, "\($0.from) → \($0.to)") }
        if !rows.isEmpty {
            h += "\n<table><tr><th>change</th><th>task</th><th>detail</th></tr>\n"
            for row in rows.prefix(100) {
                h += "<tr><td>\(row.0)</td><td>\(htmlEscape(row.1))</td><td>\(htmlEscape(row.2))</td></tr>\n"
            }
            if rows.count > 100 { h += "<tr><td colspan=\"3\">… and \(rows.count - 100) more</td></tr>\n" }
            h += "</table>\n"
        }
        return h + "</section>\n"
    }
}
