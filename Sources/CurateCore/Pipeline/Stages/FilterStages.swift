import CurateStore
import Foundation

/// What a stage that runs Python reads besides its options.
enum StagePool {
    /// The dataset's content fingerprint plus the resolved interpreter: what a stage that runs Python reads.
    static func fingerprint(_ context: StageContext) throws -> String {
        let python = try PythonLocator.resolve(context.parameters.string("python"))
        return SHA256.hex(try DatasetState.contentFingerprint(context.store, dataset: context.dataset) + "\n" + python)
    }
}

extension StageReport {
    /// A filter's summary as a stage report.
    init(_ summary: FilterSummary, notes: [String] = []) {
        self.init(tasksIn: summary.judged, kept: summary.kept, flagged: summary.dropsByReason, notes: notes)
    }
}

/// `stability`: K perturbed runs per task; flags `nondeterministic` and `timing-sensitive`.
struct StabilityPipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "stability", summary: "flag nondeterministic and timing-sensitive tasks",
        options: StabilityStageOptions.self,
        implementation: ["Filters", "Execution", "@CurateSandbox"],
        make: { StabilityPipelineStage() })

    func inputFingerprint(_ context: StageContext) throws -> String { try StagePool.fingerprint(context) }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try context.options(StabilityStageOptions.self)
        let report = try await ExecutionPool.withPool(options.pool) { pool in
            try await StabilityFilter.run(
                store: context.store, datasets: [context.dataset], pool: pool, options: options.analysis,
                progress: context.progress)
        }
        return StageReport(
            report.summary,
            notes: ["\(report.executions) programs, \(report.reusedVerdicts) run-0 verdicts reused from validation"])
    }
}

/// `ambiguity`: runs model samples against each task; flags `ambiguous-or-too-hard` when none passes.
struct AmbiguityPipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "ambiguity", summary: "pass@k from model samples; flag tasks no sample solves",
        options: AmbiguityStageOptions.self,
        implementation: ["Filters", "Execution", "@CurateSandbox"],
        make: { AmbiguityPipelineStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        let samples = context.parameters.string("samples") ?? ""
        let hash =
            FileManager.default.fileExists(atPath: samples)
            ? try SHA256.hex(fileAt: URL(fileURLWithPath: samples)) : "missing"
        return try StagePool.fingerprint(context) + hash
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try context.options(AmbiguityStageOptions.self)
        let report = try await ExecutionPool.withPool(options.pool) { pool in
            try await AmbiguityFilter.run(
                store: context.store, samplesPath: options.samples, datasets: [context.dataset], pool: pool,
                options: options.judging,
                progress: context.progress)
        }
        return StageReport(
            report.summary,
            notes: ["\(report.executions) samples executed"] + report.diagnostics.prefix(3).map(\.description))
    }
}

/// `dedup`: duplicate tasks (shingles, paraphrased descriptions, identical code), each candidate confirmed or
/// refuted by execution; the later of a pair is flagged, cross-split pairs reported.
struct DedupPipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "dedup", summary: "flag exact, behavioural and near-duplicate tasks", options: DedupStageOptions.self,
        implementation: ["Filters", "Splits", "@CurateSandbox"],
        make: { DedupPipelineStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        let options = try context.options(DedupStageOptions.self)
        guard options.execute else {
            return try DatasetState.contentFingerprint(context.store, dataset: context.dataset)
        }
        let revisions = try context.store.heads(dataset: context.dataset).compactMap(\.revision.id)
        let generated = try context.store.generatedTests(revisionIDs: revisions)
        let tests = generated.keys.sorted().map { id in
            "\(id)\t" + generated[id]!.map(\.statement).joined(separator: "\u{1f}")
        }
        return SHA256.hex(try StagePool.fingerprint(context) + "\n" + tests.joined(separator: "\n"))
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try context.options(DedupStageOptions.self)
        var splits = SplitAssignment.none
        if let split = context.split {
            let candidates = try context.store.heads(dataset: context.dataset).map { head in
                SplitCandidate(
                    id: head.task.id, sourceID: head.task.sourceID,
                    metadata: try TaskContent.decode(head.revision.content).metadata)
            }
            splits = try SplitAssignment.policy(split.policy, tasks: candidates)
        }
        let splitAssignment = splits
        let find = { @Sendable (checker: BehaviourChecker?) in
            try await DedupFilter.run(
                store: context.store, datasets: [context.dataset], options: options.comparison,
                splits: splitAssignment, checker: checker, progress: context.progress)
        }
        let report =
            options.execute
            ? try await ExecutionPool.withPool(options.pool) { pool in
                try await find(BehaviourChecker(pool: pool, limits: options.limits, store: context.store))
            } : try await find(nil)
        return StageReport(
            report.summary,
            notes: [
                "\(report.exactPairs) exact, \(report.behaviouralPairs) behavioural, \(report.nearPairs) near pairs"
            ]
                + Self.crossSplitNote(report.crossSplitPairs))
    }

    /// Cross-split pairs in one line: every pair when there are a few, else counts per pair of splits and examples
    /// (`curate dedup` lists them all).
    static func crossSplitNote(_ pairs: [DuplicatePair]) -> [String] {
        guard !pairs.isEmpty else { return [] }
        let describe = { (pair: DuplicatePair) in
            "\(pair.earlier) [\(pair.earlierSplit ?? "-")] ≈ \(pair.later) [\(pair.laterSplit ?? "-")]"
        }
        if pairs.count <= 5 { return ["cross-split: " + pairs.map(describe).joined(separator: ", ")] }
        var bySplits: [String: Int] = [:]
        for pair in pairs {
            bySplits[[pair.earlierSplit ?? "-", pair.laterSplit ?? "-"].sorted().joined(separator: "≈"), default: 0] +=
                1
        }
        let counts = bySplits.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(
            separator: ", ")
        return [
            "cross-split: \(pairs.count) pairs (\(counts)), e.g. "
                + pairs.prefix(3).map(describe).joined(separator: ", ")
        ]
    }
}

/// `contamination`: n-gram and line overlap against a corpus; skipped (and says so) when no corpus is configured.
struct ContaminationPipelineStage: PipelineStage {
    static let spec = StageSpec(
        name: "contamination", summary: "audit n-gram and line overlap against a pretraining corpus",
        options: ContaminationStageOptions.self,
        implementation: ["Contamination", "@CScanKernels"],
        make: { ContaminationPipelineStage() })

    func inputFingerprint(_ context: StageContext) throws -> String {
        let stageOptions = try context.options(ContaminationStageOptions.self)
        let corpus = stageOptions.corpus
        var listing = ""
        if !corpus.isEmpty {
            let options = stageOptions.scan
            let files = try CorpusListing.files(
                corpus, format: options.format, include: options.include, exclude: options.exclude
            ).files
            for file in files {
                var st = stat()
                let found = stat(file.path, &st) == 0
                #if canImport(Glibc)
                    let modified = st.st_mtim
                #else
                    let modified = st.st_mtimespec
                #endif
                listing +=
                    "\(file.path)\t\(found ? Int(st.st_size) : -1)\t\(found ? modified.tv_sec : 0).\(found ? modified.tv_nsec : 0)\n"
            }
        }
        return SHA256.hex(try DatasetState.contentFingerprint(context.store, dataset: context.dataset) + "\n" + listing)
    }

    func run(_ context: StageContext) async throws -> StageReport {
        let options = try context.options(ContaminationStageOptions.self)
        let corpus = options.corpus
        let tasks = try ContaminationAudit.tasks(store: context.store, dataset: context.dataset)
        guard !corpus.isEmpty else {
            return StageReport(
                tasksIn: tasks.count, kept: tasks.count, notes: ["no corpus configured: nothing audited"])
        }
        let scan = try await ContaminationAudit.scan(
            tasks: tasks, corpus: corpus, options: options.scan,
            progress: { p in context.progress(p.filesDone, p.filesTotal) })
        let result = scan.result()
        try ContaminationAudit.record(result, store: context.store)
        if let report = options.report { try ContaminationAudit.writeReport(result, to: report) }
        var flagged: [String: Int] = [:]
        for task in result.tasks { for code in task.flags { flagged[code, default: 0] += 1 } }
        let s = result.summary
        return StageReport(
            tasksIn: s.tasks, kept: s.tasks - s.contaminatedAny, flagged: flagged,
            notes: [
                String(
                    format: "%d files, %.0f MB; lines: %.1f%% of tasks > half found, %.1f%% one or two",
                    result.stats.files,
                    Double(result.stats.textBytes) / 1e6, s.shareMoreThanHalfLines * 100, s.shareOneOrTwoLines * 100)
            ]
                + result.diagnostics.prefix(3).map(\.description))
    }
}
