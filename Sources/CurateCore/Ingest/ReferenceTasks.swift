import Foundation

/// Reads a task file outside the store, as the benchmarks and tests need it: the ingest readers without storing.
public enum ReferenceTasks {
    /// The tasks and diagnostics of a (possibly gzipped) file read in `format`; throws `IngestError.unreadable`.
    public static func read(_ path: String, format: IngestFormat) throws -> SourceReadResult {
        let data = try Ingestor.readBytes(path)
        return format.reader.read(data, path: path, dataset: format.defaultDataset)
    }
}
