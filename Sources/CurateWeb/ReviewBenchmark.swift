import CurateCore
import CurateStore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `curate bench review`: save-to-verdict latency of the workbench, as an editor sees it. Ingests MBPP into a scratch
/// store, serves it on a loopback port with a warm sandbox pool, and for each task times one HTTP round trip of
/// `POST /api/tasks/…/revisions` (a changed solution, so the sandbox really runs it) until the verdict arrives.
public struct ReviewBenchmark: Sendable {
    public var mbppPath: String
    /// Tasks to save, in id order (0: all).
    public var tasks: Int
    /// Saves before the measured ones (not counted), so the first measurement is not a cold start.
    public var warmup: Int
    public var jobs: Int
    public var python: String?

    public init(mbppPath: String, tasks: Int = 0, warmup: Int = 5, jobs: Int = 2, python: String? = nil) {
        self.mbppPath = mbppPath
        self.tasks = tasks
        self.warmup = warmup
        self.jobs = jobs
        self.python = python
    }

    /// Latency figures in milliseconds.
    public struct Report: Sendable, Codable {
        public var tasks: Int
        public var warmup: Int
        public var jobs: Int
        public var pythonVersion: String
        public var passed: Int
        public var failed: Int
        public var p50: Double
        public var p95: Double
        public var p99: Double
        public var max: Double
        public var mean: Double
        /// The five slowest saves: task id and milliseconds.
        public var slowest: [Sample]
        /// Target: p95 under this many milliseconds.
        public var targetP95: Double
    }

    public struct Sample: Sendable, Codable {
        public var task: String
        public var milliseconds: Double
        public var passed: Bool
    }

    public func run(progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curate-bench-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try TaskStore(path: directory.appendingPathComponent("store.sqlite").path)
        let ingest = Ingestor(store: store).ingest(paths: [mbppPath], options: IngestOptions(dataset: "mbpp"))
        guard !ingest.hasRejections, let dataset = ingest.files.first?.dataset else {
            throw BenchmarkError.ingest(path: mbppPath, messages: ingest.diagnostics.map(\.description))
        }
        let ids = try store.heads(dataset: dataset).map(\.task.id).sorted(by: TaskID.naturalLess)
        let chosen = Array(ids.prefix(tasks > 0 ? warmup + tasks : ids.count))
        return try await ExecutionPool.withPool(.init(python: python, jobs: jobs)) { pool in
            let desk = try ReviewDesk(
                store: store, pool: pool, editsDirectory: directory.appendingPathComponent("edits").path)
            let server = try ReviewServer(host: "127.0.0.1", port: 0, logLevel: .critical)
            let (ready, continuation) = AsyncStream<String>.makeStream()
            let serving = Task { try await server.run(desk: desk) { continuation.yield($0) } }
            defer { serving.cancel() }
            var iterator = ready.makeAsyncIterator()
            guard let url = await iterator.next() else { throw BenchmarkError.serverDidNotStart }
            let client = Client(base: URL(string: url.components(separatedBy: "?")[0])!, token: server.policy.token)
            var samples: [Sample] = []
            for (index, id) in chosen.enumerated() {
                let head = try desk.task(id)
                let solution = head.revisions.last!.content.solution + "\n# reviewed"
                let started = DispatchTime.now().uptimeNanoseconds
                let passed = try await client.save(id, baseHash: head.currentHash, solution: solution)
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                if index >= min(warmup, chosen.count - 1) {
                    samples.append(Sample(task: id, milliseconds: milliseconds, passed: passed))
                }
                progress(index + 1, chosen.count)
            }
            return Self.report(
                samples, warmup: chosen.count - samples.count, jobs: jobs, pythonVersion: pool.pythonVersion)
        }
    }

    /// Nearest-rank percentiles of the samples.
    static func report(_ samples: [Sample], warmup: Int, jobs: Int, pythonVersion: String) -> Report {
        let sorted = samples.map(\.milliseconds).sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)]
        }
        return Report(
            tasks: samples.count, warmup: warmup, jobs: jobs, pythonVersion: pythonVersion,
            passed: samples.filter(\.passed).count,
            failed: samples.filter { !$0.passed }.count, p50: percentile(50), p95: percentile(95), p99: percentile(99),
            max: sorted.last ?? 0,
            mean: sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count),
            slowest: Array(samples.sorted { $0.milliseconds > $1.milliseconds }.prefix(5)), targetP95: 300)
    }

    /// The benchmark's HTTP client: what the page sends on Save.
    struct Client {
        let base: URL
        let token: String
        let session = URLSession(configuration: .ephemeral)

        /// Saves a new solution (allowing failing revisions, so every task is timed) and returns whether it passed.
        func save(_ id: String, baseHash: String, solution: String) async throws -> Bool {
            let split = TaskID.split(id)!
            let source = split.sourceID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? split.sourceID
            var request = URLRequest(url: base.appendingPathComponent("api/tasks/\(split.dataset)/\(source)/revisions"))
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(
                withJSONObject: [
                    "baseHash": baseHash, "content": ["solution": solution], "editor": "bench",
                    "reason": "benchmark save", "allowFailing": true,
                ] as [String: Any])
            let (data, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 201, let body = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let verdict = body["verdict"] as? [String: Any]
            else {
                throw BenchmarkError.saveFailed(
                    task: id, status: status, body: String(decoding: data.prefix(300), as: UTF8.self))
            }
            return verdict["passed"] as? Bool ?? false
        }
    }
}

/// Why the review benchmark could not measure.
public enum BenchmarkError: LocalizedError {
    case ingest(path: String, messages: [String])
    case serverDidNotStart
    case saveFailed(task: String, status: Int, body: String)

    public var errorDescription: String? {
        switch self {
        case .ingest(let path, let messages):
            return
                "cannot ingest '\(path)' for the benchmark: \(messages.prefix(3).joined(separator: "; ")). Pass --mbpp with the bundled raw/mbpp/mbpp.jsonl."
        case .serverDidNotStart: return "the review server did not start on a loopback port"
        case .saveFailed(let task, let status, let body): return "saving \(task) answered HTTP \(status): \(body)"
        }
    }
}
