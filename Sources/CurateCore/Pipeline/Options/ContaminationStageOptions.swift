import Foundation

/// Options of the `contamination` stage and `curate contamination run`.
public struct ContaminationStageOptions: StageOptions {
    /// Corpus files or directories; empty: the stage audits nothing.
    public var corpus: [String] = []
    /// N-gram size for text and code-token n-grams, 8–13.
    public var ngram = ContaminationOptions().n
    /// Comparisons to run: text, code, line.
    public var metrics = GramKind.allCases.map { "\($0)" }
    /// Corpus format: auto, text, jsonl, posts, wiki.
    public var format = CorpusFormat.auto.rawValue
    /// JSON field holding a JSONL record's text.
    public var textField = ContaminationOptions().textField
    /// Globs of corpus files to read.
    public var include: [String] = []
    /// Globs of corpus files to skip.
    public var exclude: [String] = []
    /// Ignore n-grams found in more than this many corpus documents.
    public var maxDocFrequency = ContaminationOptions().maxDocumentFrequency
    /// Evidence items kept per task.
    public var evidence = ContaminationOptions().evidencePerTask
    /// Flag contaminated:ngram when the fraction of text n-grams found exceeds this.
    public var ngramThreshold = ContaminationOptions().ngramThreshold
    /// Flag contaminated:ngram when at least this fraction of code-token n-grams is found…
    public var codeThreshold = ContaminationOptions().codeThreshold
    /// …and at least this many code-token n-grams are found.
    public var codeMinFound = ContaminationOptions().codeMinimumFound
    /// Flag contaminated:lines when more than this fraction of solution lines is found.
    public var lineThreshold = ContaminationOptions().lineThreshold
    /// Write the per-task JSONL report with evidence here.
    public var report: String?
    /// Scan workers; nil: the number of cores.
    public var jobs: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case corpus, ngram, metrics, format
        case textField = "text_field"
        case include, exclude
        case maxDocFrequency = "max_doc_frequency"
        case evidence
        case ngramThreshold = "ngram_threshold"
        case codeThreshold = "code_threshold"
        case codeMinFound = "code_min_found"
        case lineThreshold = "line_threshold"
        case report, jobs
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public func problems() -> [OptionProblem] {
        let kinds = GramKind.allCases.map { "\($0)" }, formats = CorpusFormat.allCases.map(\.rawValue)
        return [
            (8...13).contains(ngram) ? nil : OptionProblem("ngram", "must be between 8 and 13 (got \(ngram))"),
            metrics.isEmpty ? OptionProblem("metrics", "needs at least one of \(kinds.joined(separator: ", "))") : nil,
            metrics.first { !kinds.contains($0) }.map {
                OptionProblem("metrics", "must be among \(kinds.joined(separator: ", ")) (got '\($0)')")
            },
            formats.contains(format)
                ? nil : OptionProblem("format", "must be one of \(formats.joined(separator: ", ")) (got '\(format)')"),
            OptionCheck.atLeast("max_doc_frequency", maxDocFrequency, 1), OptionCheck.atLeast("evidence", evidence, 0),
            OptionCheck.within("ngram_threshold", ngramThreshold, 0...1),
            OptionCheck.within("code_threshold", codeThreshold, 0...1),
            OptionCheck.atLeast("code_min_found", codeMinFound, 0),
            OptionCheck.within("line_threshold", lineThreshold, 0...1),
            jobs.flatMap { OptionCheck.atLeast("jobs", $0, 1) },
        ].compactMap { $0 }
    }

    /// The scan settings these options set.
    public var scan: ContaminationOptions {
        var options = ContaminationOptions()
        options.n = ngram
        options.metrics = GramKind.allCases.filter { metrics.contains("\($0)") }
        options.format = CorpusFormat(rawValue: format) ?? .auto
        options.textField = textField
        options.include = include
        options.exclude = exclude
        options.maxDocumentFrequency = maxDocFrequency
        options.evidencePerTask = evidence
        options.ngramThreshold = ngramThreshold
        options.codeThreshold = codeThreshold
        options.codeMinimumFound = codeMinFound
        options.lineThreshold = lineThreshold
        options.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        return options
    }
}
