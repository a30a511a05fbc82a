import Foundation

/// The defaults a pipeline file's stages get. A committed release records its pipeline file by sha256, so the file
/// cannot change to keep its old behaviour when curate's defaults improve; instead a file names its edition (`edition:
/// 2`), and a file without one is edition 1, which keeps the defaults it was written against.
public enum PipelineEdition: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Pipelines written before duplicates were confirmed by execution: `dedup` compares shingles only, and a
    /// release excludes only what `exclude_flags` names, may ship unvalidated tasks, does not check for leaks and
    /// carries no generated tests.
    case first = 1
    /// Today's defaults: `dedup` also pairs paraphrased descriptions and identical code and confirms each pair by
    /// execution; a release applies the default exclusions, refuses unvalidated tasks and leaks, and carries the
    /// generated tests (`plus_test_list`) of tasks that have them.
    case second = 2

    /// The edition of the command line and of new pipeline files.
    public static let current = PipelineEdition.second
}
