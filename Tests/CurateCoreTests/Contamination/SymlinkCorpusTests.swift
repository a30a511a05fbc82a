import CurateStore
import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

/// Corpora reached through symbolic links: links to files and directories are followed, a link back to a directory
/// being listed is not entered again, and a scan that read nothing never replaces earlier flags.
@Suite struct SymlinkCorpusTests {
    static let corpus = ContaminationFixtureTests.corpus

    /// Paths of a listing relative to `root`.
    static func relative(_ listing: (files: [CorpusFile], diagnostics: [Diagnostic]), to root: String) -> [String] {
        listing.files.map { String($0.path.dropFirst(root.count + 1)) }
    }

    @Test func linksToDirectoriesAndFilesAreFollowed() async throws {
        let farm = try TemporaryDirectory("links")
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: farm.path + "/code", withDestinationPath: Self.corpus + "/code")
        try manager.createSymbolicLink(atPath: farm.path + "/dumps", withDestinationPath: Self.corpus + "/dumps")
        try manager.createSymbolicLink(
            atPath: farm.path + "/numbers-again.py", withDestinationPath: Self.corpus + "/code/numbers.py")
        let real = try CorpusListing.files([Self.corpus], format: .auto, include: [], exclude: [])
        let linked = try CorpusListing.files([farm.path], format: .auto, include: [], exclude: [])
        #expect(Self.relative(linked, to: farm.path) == Self.relative(real, to: Self.corpus) + ["numbers-again.py"])
        #expect(linked.diagnostics.isEmpty)

        let result = try await ContaminationAudit.scan(
            tasks: ContaminationFixtureTests.referenceTasks(), corpus: [farm.path],
            options: ContaminationFixtureTests.options()
        ).result()
        #expect(
            Set(result.tasks.filter { !$0.flags.isEmpty }.map(\.taskID)) == Set(ContaminationFixtureTests.planted.keys))
    }

    @Test func aLinkBackToADirectoryBeingListedIsNotEnteredAgain() throws {
        let root = try TemporaryDirectory("loop")
        try root.write("x = 1\n", to: "a/x.py")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/a/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/a/self", withDestinationPath: ".")
        let listing = try CorpusListing.files([root.path], format: .auto, include: [], exclude: [])
        #expect(Self.relative(listing, to: root.path) == ["a/x.py"])
        #expect(listing.diagnostics.map(\.file) == [root.path + "/a/self", root.path + "/a/up"])
        #expect(
            listing.diagnostics.allSatisfy { $0.severity == .warning && $0.message.hasPrefix("symbolic link loop") })
    }

    @Test func aScanThatReadNothingKeepsTheEarlierFlags() async throws {
        let store = try SeededStore.ingested(
            ["contamination/mbpp-sample.jsonl"], options: IngestOptions(dataset: "mbpp", format: .mbpp))
        let tasks = try ContaminationAudit.tasks(store: store, dataset: "mbpp")
        let found = try await ContaminationAudit.scan(
            tasks: tasks, corpus: [Self.corpus], options: ContaminationFixtureTests.options()
        ).result()
        try ContaminationAudit.record(found, store: store)
        let flagged = try TaskCatalog(store: store).list(flag: "contaminated").map(\.id)
        #expect(flagged.count == ContaminationFixtureTests.planted.count)

        let empty = try TemporaryDirectory("empty-corpus")
        try FileManager.default.createSymbolicLink(
            atPath: empty.path + "/gone.py", withDestinationPath: empty.path + "/missing.py")
        let nothing = try await ContaminationAudit.scan(
            tasks: tasks, corpus: [empty.path], options: ContaminationFixtureTests.options()
        ).result()
        #expect(nothing.stats.files == 0 && nothing.stats.textBytes == 0)
        #expect(
            throws: ContaminationError.nothingScanned(
                files: 0, binaryFiles: 0, filesWithErrors: 0, unopenedDirectories: 0)
        ) {
            try ContaminationAudit.record(nothing, store: store)
        }
        #expect(try TaskCatalog(store: store).list(flag: "contaminated").map(\.id) == flagged)
    }
}
