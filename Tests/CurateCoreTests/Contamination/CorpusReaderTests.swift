import CurateTestSupport
import Foundation
import Testing

@testable import CurateCore

@Suite struct CorpusReaderTests {
    private func field(_ line: String, _ key: String = "text") -> (JSONField.Result, String) {
        var out: [UInt8] = []
        var bytes = Array(line.utf8)
        let result = bytes.withUnsafeMutableBufferPointer {
            JSONField.extract(Array(key.utf8), from: UnsafeBufferPointer($0), into: &out)
        }
        return (result, String(decoding: out, as: UTF8.self))
    }

    @Test(arguments: [
        (#"{"text": "plain"}"#, JSONField.Result.found, "plain"),
        (#"{"id": 3, "meta": {"text": "nested", "a": [1, "x\"y"]}, "text": "top"}"#, .found, "top"),
        (#"{"text": "line\nbreak \"q\" \u00e9 \ud83d\ude00 \\"}"#, .found, "line\nbreak \"q\" é 😀 \\"),
        (#"{"other": "x"}"#, .missing, ""),
        (#"{"text": 12}"#, .invalid, ""),
        (#"not json"#, .invalid, ""),
        (#"{"text": "unterminated"#, .invalid, ""),
        (#"{"text": "0123456789abcdef"}"#, .found, "0123456789abcdef"),
        (
            #"{"text": "abcdefgh\"ijklmnop\\qrstuvwxyz0123456789", "n": 1}"#, .found,
            #"abcdefgh"ijklmnop\qrstuvwxyz0123456789"#
        ),
        (#"{"text": "lone \ud800 surrogate, a\/b"}"#, .found, "lone \u{FFFD} surrogate, a/b"),
        (#"{"text": "ends inside an escape \"#, .invalid, ""),
        (#"{"text": "0123456789 bad \u12g4"}"#, .invalid, ""),
    ])
    func jsonFieldExtraction(line: String, expected: JSONField.Result, text: String) {
        let (result, value) = field(line)
        #expect(result == expected)
        if expected == .found { #expect(value == text) }
    }

    /// Random strings over quotes, backslashes, control characters and non-ASCII scalars, written as JSON both by
    /// JSONEncoder (raw UTF-8) and ASCII-only (every non-ASCII scalar as \\u escapes, surrogate pairs above U+FFFF),
    /// decode to themselves: the word-at-a-time copy must stop exactly at every escape, wherever it falls.
    @Test func jsonStringsRoundTripAtEveryEscapePosition() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int { Int(MinHasher.splitmix(&state) % UInt64(bound)) }
        let palette: [String] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{01}", "\u{1F}", "é", "€", "😀", "\u{2028}",
        ]
        func asciiOnly(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case _ where scalar.value < 0x20 || scalar.value > 0x7E:
                    for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        for _ in 0..<400 {
            let text = (0..<next(40)).map { _ in palette[next(palette.count)] }.joined()
            let raw = String(decoding: try JSONEncoder().encode(["text": text]), as: UTF8.self)
            for line in [raw, #"{"text": "# + asciiOnly(text) + "}"] {
                let (result, value) = field(line)
                #expect(result == .found, "\(line)")
                #expect(value == text, "\(line)")
            }
        }
    }

    @Test func htmlBodiesKeepCodeLinesAndDecodeEntities() {
        var out: [UInt8] = []
        HTMLText.text(
            "<p>Try &lt;this&gt; &amp; that:</p><pre><code>def f(x):\n    return x &gt; 1\n</code></pre><p>Done&#33;</p>",
            into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "Try <this> & that:\ndef f(x):\n    return x > 1\nDone!\n")
    }

    @Test func autoFormatFollowsExtensionAndContent() throws {
        let fixtures = ContaminationFixtureTests.fixtures.path
        let listing = try CorpusListing.files([fixtures + "/corpus"], format: .auto, include: [], exclude: ["*.bin"])
        let formats = Dictionary(
            uniqueKeysWithValues: listing.files.map {
                (($0.path as NSString).lastPathComponent, "\($0.format)/\($0.compression)")
            })
        #expect(formats["web.jsonl.gz"] == "jsonl/gzip")
        #expect(formats["forum.jsonl.zst"] == "jsonl/zstd")
        #expect(formats["Posts.xml"] == "posts/none")
        #expect(formats["primes.py"] == "text/none")
        #expect(formats["blob.bin"] == nil)
        #expect(listing.files.map(\.path) == listing.files.map(\.path).sorted())
        #expect(listing.files.map(\.index) == Array(0..<listing.files.count))
    }

    @Test(arguments: [
        ("dump.JSONL.GZ", "jsonl/gzip"), ("a.NdJson", "jsonl/none"), ("x.jsonl.zst.gz", "jsonl/gzip"),
        ("y.ZSTD", "text/zstd"),
        ("notes.txt", "text/none"), ("gz", "text/none"), ("archive.tar.Gz", "text/gzip"), ("jsonl", "text/none"),
    ])
    func formatAndCompressionFollowTheNameIgnoringASCIICase(name: String, expected: String) {
        let compression = CorpusCompression.named("/corpus/" + name) ?? .none
        #expect(
            "\(CorpusListing.detectFormat(path: "/corpus/" + name, compression: compression))/\(compression)"
                == expected)
    }

    @Test func includeGlobsSelectFiles() throws {
        let fixtures = ContaminationFixtureTests.fixtures.path
        let listing = try CorpusListing.files(
            [fixtures + "/corpus"], format: .auto, include: ["*.py"], exclude: ["code/util/*"])
        #expect(
            listing.files.map { ($0.path as NSString).lastPathComponent }.sorted() == [
                "numbers.py", "primes.py", "shapes.py",
            ])
    }

    /// A directory nested deeper than PATH_MAX cannot be opened by path (ENAMETOOLONG, even as root): the audit must
    /// name it with the reason, count it, and still scan the rest of the corpus.
    @Test func unopenableDirectoriesAreReportedAndCounted() async throws {
        let directory = try TemporaryDirectory()
        let root = directory.path
        try Data("def f(x):\n    return x\n".utf8).write(to: URL(fileURLWithPath: root + "/top.py"))
        let name = String(repeating: "d", count: 200)
        var descriptors = [open(root, O_RDONLY | O_DIRECTORY)]
        defer {
            let last = descriptors[descriptors.count - 1]
            unlinkat(last, "deep.py", 0)
            for level in stride(from: descriptors.count - 1, to: 0, by: -1) {
                close(descriptors[level])
                unlinkat(descriptors[level - 1], name, AT_REMOVEDIR)
            }
            close(descriptors[0])
            try? FileManager.default.removeItem(atPath: root)
        }
        var depth = 0
        while root.utf8.count + depth * (name.utf8.count + 1) < Int(PATH_MAX) + 2 * name.utf8.count {
            let parent = descriptors[descriptors.count - 1]
            try #require(mkdirat(parent, name, 0o755) == 0)
            descriptors.append(openat(parent, name, O_RDONLY | O_DIRECTORY))
            try #require(descriptors[descriptors.count - 1] >= 0)
            depth += 1
        }
        let file = openat(descriptors[descriptors.count - 1], "deep.py", O_WRONLY | O_CREAT, 0o644)
        try #require(file >= 0)
        close(file)

        let listing = try CorpusListing.files([root], format: .auto, include: [], exclude: [])
        #expect(listing.files.map { ($0.path as NSString).lastPathComponent } == ["top.py"])
        let skipped = try #require(listing.diagnostics.first)
        #expect(listing.diagnostics.count == 1)
        #expect(skipped.severity == .error)
        #expect(skipped.file.hasPrefix(root + "/" + name + "/") && skipped.file.utf8.count >= Int(PATH_MAX))
        #expect(
            skipped.message == "cannot open directory (\(String(cString: strerror(ENAMETOOLONG)))); its files skipped")

        let result = try await ContaminationAudit.scan(
            tasks: ContaminationFixtureTests.referenceTasks(), corpus: [root],
            options: ContaminationFixtureTests.options()
        ).result()
        #expect(result.stats.files == 1 && result.stats.directoriesSkipped == 1)
        #expect(result.diagnostics == listing.diagnostics)
    }

    /// A temporary directory holding `files` at their relative paths (directories made as needed).
    private func temporaryDirectory(_ files: [String: Data]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let root = directory.path
        for (name, data) in files {
            let url = URL(fileURLWithPath: root + "/" + name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        return directory
    }

    /// The audit's result for a temporary directory holding `files`.
    private func scanDirectory(_ files: [String: Data]) async throws -> ContaminationResult {
        let directory = try temporaryDirectory(files)
        let root = directory.path
        return try await ContaminationAudit.scan(
            tasks: ContaminationFixtureTests.referenceTasks(), corpus: [root],
            options: ContaminationFixtureTests.options()
        ).result()
    }

    @Test func binaryExtensionsAreCountedAsSkippedWithoutProbing() async throws {
        let text = Data("def f(x):\n    return x\n".utf8)
        let result = try await scanDirectory([
            "keep.py": text, "mod.cpython-311.pyc": text, "logo.PNG": text, "archive.tar.xz": text, "x.pycx": text,
        ])
        #expect(result.stats.files == 5)
        #expect(result.stats.binaryFilesSkipped == 3)
        #expect(result.stats.textBytes == 2 * text.count)
        #expect(
            BinaryExtensions.contains("/a/b.so") && !BinaryExtensions.contains("/a.so/b")
                && !BinaryExtensions.contains("/a/so"))
    }

    @Test func compressedContentIsRecognizedWithoutItsExtension() async throws {
        let gzip = try Data(
            contentsOf: ContaminationFixtureTests.fixtures.appendingPathComponent("corpus/dumps/web.jsonl.gz"))
        let result = try await scanDirectory(["web-dump": gzip])
        #expect(result.stats.textBytes == (try Gzip.decompress(gzip)).count)
        #expect(result.stats.binaryFilesSkipped == 0 && result.diagnostics.isEmpty)
    }

    /// Compressed binary content is judged from its first bytes and neither scanned nor counted as text (a binary
    /// stream's first slice used to count).
    @Test func compressedBinaryContentIsSkippedAndNotCountedAsText() async throws {
        let gzip = try Data(contentsOf: ContaminationFixtureTests.fixtures.appendingPathComponent("binary-content.gz"))
        let result = try await scanDirectory(["blob.gz": gzip])
        #expect(result.stats.binaryFilesSkipped == 1)
        #expect(result.stats.textBytes == 0 && result.stats.documents == 0)
        #expect(result.stats.fileBytes > 0 && result.stats.fileBytes <= gzip.count)
    }

    /// A temporary directory holding a one-line Python file at each relative path.
    private func tree(_ files: [String]) throws -> TemporaryDirectory {
        try temporaryDirectory(Dictionary(uniqueKeysWithValues: files.map { ($0, Data("x = 1\n".utf8)) }))
    }

    /// Each directory's entries are sorted with a `/` after directory names, so the depth-first walk yields full paths
    /// in byte order (`a-b/` and `a.py` before `a/`, capitals before lowercase), the order sharding relies on; roots
    /// given out of order or nested give the same order without duplicates.
    @Test func listingIsInByteOrderOfPaths() throws {
        let files = [
            "a.py", "a/x.py", "a/b/y.py", "a-b/z.py", "a.d/w.py", "B/v.py", "a/b.py", "ab.py", "é.py", "Z.py",
            "a/b-c.py",
        ]
        let directory = try tree(files)
        let root = directory.path
        func byteOrder(_ paths: [String]) -> [String] {
            paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
        let listing = try CorpusListing.files([root], format: .auto, include: [], exclude: [])
        #expect(listing.files.map { String($0.path.dropFirst(root.count + 1)) } == byteOrder(files))
        let roots = try CorpusListing.files(
            [root + "/a", root + "/B", root + "/a/b", root + "/Z.py"], format: .auto, include: [], exclude: [])
        #expect(
            roots.files.map(\.path)
                == byteOrder(
                    files.filter { $0.hasPrefix("a/") || $0.hasPrefix("B/") || $0 == "Z.py" }.map { root + "/" + $0 }))
        #expect(roots.files.map(\.index) == Array(0..<roots.files.count))
    }

    @Test func bytecodeDirectoriesAreNotListed() throws {
        let kept = ["m.py", "pkg/__pycache__.py", "pkg/__pycache__x/y.py", "pkg/a.py"]
        let files =
            kept + ["__pycache__/m.cpython-311.pyc", "pkg/__pycache__/a.cpython-311.pyc", "pkg/__pycache__/notes.txt"]
        let directory = try tree(files)
        let root = directory.path
        let listing = try CorpusListing.files([root], format: .auto, include: [], exclude: [])
        #expect(listing.files.map { String($0.path.dropFirst(root.count + 1)) } == kept)
    }

    /// `*literal` globs are matched as suffixes without fnmatch; they must agree with fnmatch on the relative path or
    /// the name, as every other glob is matched.
    @Test(arguments: [
        "*.gz", "*.py", "*/test_*.py", "*", "*.tar.gz", "*[.]gz", "*.G?", "*/b.py", "*b.py", "*\\*.py", "*.py/x",
    ])
    func globsMatchAsFnmatchDoes(pattern: String) {
        let paths = [
            "a.gz", "x/y.tar.gz", "dir.gz/file", "b.py", "x/b.py", "test_a.py", "x/test_a.py", "x.GZ", "gz", ".gz",
            "x/ab.py", "a.py/x",
        ]
        for exclude in [true, false] {
            let filter =
                exclude ? PathFilter(include: [], exclude: [pattern]) : PathFilter(include: [pattern], exclude: [])
            for path in paths {
                let name = (path as NSString).lastPathComponent
                let matches = fnmatch(pattern, path, 0) == 0 || fnmatch(pattern, name, 0) == 0
                let kept = path.withCString { relative in
                    name.withCString { filter.keeps(relative: relative, count: path.utf8.count, name: $0) }
                }
                #expect(
                    kept == (exclude ? !matches : matches), "\(exclude ? "exclude" : "include") \(pattern) on \(path)")
            }
        }
    }

    @Test(arguments: [100, 9000, 70000])
    func fileThatGrewAfterListingIsReadToItsEnd(size: Int) throws {
        let directory = try temporaryDirectory(["grow.txt": Data(repeating: UInt8(ascii: "a"), count: size)])
        let root = directory.path
        let file = try #require(CorpusListing.files([root], format: .auto, include: [], exclude: []).files.first)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: UInt8(ascii: "b"), count: 3 * size))
        try handle.close()
        var seen: [UInt8] = []
        let outcome = CorpusReader(textField: "text").read(file) { buffer, _ in seen += buffer }
        #expect(outcome.bytes == 4 * size && seen.count == 4 * size)
        #expect(seen.first == UInt8(ascii: "a") && seen.last == UInt8(ascii: "b"))
    }

    @Test func wikipediaPagesAreDocuments() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wiki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let xml = """
            <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/"><page><title>Primes</title><id>7</id><revision><text xml:space="preserve">
            import math
            def is_not_prime(n):
                result = False
                for i in range(2,int(math.sqrt(n)) + 1):
                    if n % i == 0:
                        result = True
                return result
            </text></revision></page><page><title>Other</title><revision><text>nothing</text></revision></page></mediawiki>
            """
        let path = directory.appendingPathComponent("dump.xml")
        try xml.write(to: path, atomically: true, encoding: .utf8)
        let tasks = try ContaminationFixtureTests.referenceTasks()
        let result = try await ContaminationAudit.scan(
            tasks: tasks, corpus: [path.path], options: ContaminationOptions()
        ).result()
        #expect(result.stats.documents == 2)
        let task = try #require(result.tasks.first { $0.taskID == "mbpp/3" })
        #expect(task.flags.contains("contaminated:lines"))
        #expect(task.evidence.first?.location.document?.hasPrefix("title=Primes") == true)
    }
}
