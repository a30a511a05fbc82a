import Foundation

/// How corpus files are read.
public enum CorpusFormat: String, Codable, Sendable, CaseIterable {
    /// Pick by extension and content.
    case auto
    /// One document per file (source code, plain text).
    case text
    /// One document per line; the text is a string field of the JSON object.
    case jsonl
    /// Stack Exchange `Posts.xml`: one document per `<row>`, its HTML `Body` turned into text.
    case posts
    /// Wikipedia XML dump: one document per `<page>`, its `<text>`.
    case wiki
}

/// One file of the corpus with how it will be read; `index` is its place in the sorted list (the sharding key).
public struct CorpusFile: Codable, Sendable, Hashable {
    public var index: Int
    public var path: String
    public var format: CorpusFormat
    public var compression: CorpusCompression
}

/// Lists corpus files: directories recursively with include/exclude globs, in byte order of their paths for a stable
/// order. Below the given paths nothing is stat'ed but entries readdir gives no type for (sizes are learned when a
/// worker opens the file); JSONL and XML candidates have their first 4 KB read to tell the format.
public enum CorpusListing {
    /// Files under `paths`, each with its resolved format. Globs match the path relative to the given directory
    /// or the file name. Directories that cannot be opened (the given ones or any below them) are skipped, each with
    /// an error diagnostic naming its path and the reason.
    public static func files(
        _ paths: [String], format: CorpusFormat, include: [String], exclude: [String]
    ) throws -> (files: [CorpusFile], diagnostics: [Diagnostic]) {
        var runs: [[String]] = []
        var diagnostics: [Diagnostic] = []
        let filter = PathFilter(include: include, exclude: exclude)
        for root in paths {
            var st = stat()
            guard stat(root, &st) == 0 else { throw ContaminationError.missingCorpus(root) }
            if (st.st_mode & S_IFMT) != S_IFDIR {
                runs.append([root])
                continue
            }
            let prefix = String((root as NSString).appendingPathComponent("x").dropLast())
            var walker = DirectoryWalker(prefix: prefix, filter: filter)
            walker.visit(shownAs: root)
            runs.append(walker.found)
            for (path, reason) in walker.skipped.sorted(by: { PathOrder.precedes($0.path, $1.path) }) {
                diagnostics.append(
                    Diagnostic(.error, file: path, "\(Self.unopenedDirectory) (\(reason)); its files skipped"))
            }
            for path in walker.loops {
                diagnostics.append(
                    Diagnostic(
                        .warning, file: path,
                        "symbolic link loop: this directory is already being listed above it; not entered again"))
            }
        }
        var files: [CorpusFile] = []
        for path in PathOrder.merged(runs) {
            let named = format == .auto ? NamedFormat(path) : nil
            let compression = CorpusCompression.named(path)
            // A dump candidate not named compressed has its head read once: for a compression magic and, when plain,
            // for the XML sniff. Compressed content under any other name is recognized by the reader.
            let dump = named.map { $0 != .text } ?? (format != .text)
            let head = compression == nil && dump ? readHead(path) : []
            let resolvedCompression = compression ?? head.withUnsafeBytes(CorpusCompression.magic)
            let resolved: CorpusFormat
            switch named {
            case nil: resolved = format
            case .jsonl: resolved = .jsonl
            case .text: resolved = .text
            case .xml:
                resolved =
                    resolvedCompression == .none
                    ? Self.xmlFormat(head: head) : Self.xmlFormat(path: path, compression: resolvedCompression)
            }
            files.append(CorpusFile(index: files.count, path: path, format: resolved, compression: resolvedCompression))
        }
        return (files, diagnostics)
    }

    /// sha256 of the listing (paths in order, one per line): identical on every rank of a sharded scan.
    public static func fingerprint(_ files: [CorpusFile]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(files.reduce(0) { $0 + $1.path.utf8.count + 1 })
        for file in files {
            text += file.path.utf8
            text.append(UInt8(ascii: "\n"))
        }
        return SHA256.hex(text)
    }

    /// What a file's name says of its format, without its compression suffix: JSONL, an XML dump candidate, or text.
    private enum NamedFormat {
        case jsonl, xml, text

        init(_ path: String) {
            var name = path.utf8[...]
            for suffix: StaticString in [".gz", ".zst", ".zstd"] where PathSuffix.matches(name, suffix) {
                name = name.dropLast(suffix.utf8CodeUnitCount)
            }
            if PathSuffix.matches(name, ".jsonl") || PathSuffix.matches(name, ".ndjson") {
                self = .jsonl
            } else {
                self = PathSuffix.matches(name, ".xml") ? .xml : .text
            }
        }
    }

    /// Start of the message of a skipped directory's diagnostic (the summary counts these).
    static let unopenedDirectory = "cannot open directory"

    /// Bytes of the XML head looked at for a dump's root element.
    private static let sniffBytes = 4096

    /// The first `sniffBytes` of a file (fewer if it is shorter; none if it cannot be read).
    private static func readHead(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: sniffBytes)
        let got = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, sniffBytes) }
        return Array(head.prefix(max(0, got)))
    }

    /// Format from the name without its compression suffix; `.xml` files are dumps only when their first kilobytes
    /// show a `<mediawiki>` or `<posts>`/`<row` dump (other XML, such as test data, is scanned as text).
    static func detectFormat(path: String, compression: CorpusCompression) -> CorpusFormat {
        switch NamedFormat(path) {
        case .jsonl: return .jsonl
        case .text: return .text
        case .xml: return xmlFormat(path: path, compression: compression)
        }
    }

    /// The dump format the first decompressed kilobytes of an XML file show.
    private static func xmlFormat(path: String, compression: CorpusCompression) -> CorpusFormat {
        guard let source = try? ChunkSource(path: path, compression: compression), let chunk = try? source.next() else {
            return .text
        }
        return xmlFormat(head: Array(chunk.prefix(sniffBytes)))
    }

    /// The dump format an XML head shows: a `<mediawiki>` or `<posts>`/`<row` dump, else text.
    private static func xmlFormat(head bytes: [UInt8]) -> CorpusFormat {
        let head = String(decoding: bytes, as: UTF8.self)
        if head.contains("<mediawiki") { return .wiki }
        return head.contains("<posts") || head.contains("<row ") ? .posts : .text
    }
}

/// Include/exclude globs (fnmatch) over a file's path relative to its root and over its name.
struct PathFilter {
    /// A glob as fnmatch takes it, or the literal a `*literal` glob ends with (matched as a suffix without fnmatch:
    /// such a glob matches the name only if it matches the relative path, which ends with the name).
    private enum Pattern {
        case suffix([UInt8])
        case glob([CChar])
    }

    private let include: [Pattern]
    private let exclude: [Pattern]

    init(include: [String], exclude: [String]) {
        func pattern(_ glob: String) -> Pattern {
            let bytes = Array(glob.utf8)
            let literal = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "*") && !literal.contains(where: { "*?[\\".utf8.contains($0) }) {
                return .suffix(Array(literal))
            }
            return .glob(Array(glob.utf8CString))
        }
        self.include = include.map(pattern)
        self.exclude = exclude.map(pattern)
    }

    var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    /// Whether the file whose NUL-terminated relative path (`count` bytes) and name are given is listed.
    func keeps(relative: UnsafePointer<CChar>, count: Int, name: UnsafePointer<CChar>) -> Bool {
        func matches(_ pattern: Pattern) -> Bool {
            switch pattern {
            case .suffix(let literal):
                return literal.count <= count && memcmp(relative + (count - literal.count), literal, literal.count) == 0
            case .glob(let glob):
                return glob.withUnsafeBufferPointer {
                    fnmatch($0.baseAddress!, relative, 0) == 0 || fnmatch($0.baseAddress!, name, 0) == 0
                }
            }
        }
        if !include.isEmpty && !include.contains(where: matches) { return false }
        return !exclude.contains(where: matches)
    }
}

/// Byte order of paths (the listing's order and the sharding key's).
enum PathOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Runs that are each sorted, combined into one sorted list without duplicates: concatenated when they do not
    /// overlap (the usual case: distinct roots), sorted again otherwise (nested or repeated roots).
    static func merged(_ runs: [[String]]) -> [String] {
        let ordered = runs.filter { !$0.isEmpty }.sorted { precedes($0[0], $1[0]) }
        var all: [String] = []
        all.reserveCapacity(ordered.reduce(0) { $0 + $1.count })
        var disjoint = true
        for run in ordered {
            if let last = all.last, !precedes(last, run[0]) { disjoint = false }
            all += run
        }
        if disjoint { return all }
        all.sort(by: precedes)
        var unique: [String] = []
        unique.reserveCapacity(all.count)
        for path in all where unique.last != path { unique.append(path) }
        return unique
    }
}

/// Walks one root depth-first, listing regular files (hidden files included; symbolic links followed to files and
/// directories, a directory already on the path being walked not entered again) in byte order of their paths: each directory's entries are read (one directory open at a time), sorted by name with a `/`
/// after directory names, and visited in that order, which is the order of the full paths. Only entries whose type
/// readdir does not give are stat'ed. Directories named `__pycache__` are not entered: Python writes only compiled
/// bytecode there, which is never text, and in a Python installation they are a third of all directories.
struct DirectoryWalker {
    /// Full paths of the files kept, in order.
    private(set) var found: [String] = []
    /// Directories that could not be opened, with the reason (errno text).
    private(set) var skipped: [(path: String, reason: String)] = []
    /// Directories reached again through a symbolic link below themselves, not entered a second time.
    private(set) var loops: [String] = []
    /// Device and inode of each directory on the path being walked, to tell a symbolic link loop.
    private var ancestors: [(device: UInt64, inode: UInt64)] = []
    private let filter: PathFilter
    /// The current directory's full path, ending in `/`; entries are appended while they are handled.
    private var path: [UInt8]
    private let relativeStart: Int

    init(prefix: String, filter: PathFilter) {
        self.filter = filter
        path = Array(prefix.utf8)
        relativeStart = path.count
    }

    private static let slash = UInt8(ascii: "/")
    private static let bytecodeDirectory = Array("__pycache__".utf8)

    /// Lists the directory at `path`; `shownAs` names it in a diagnostic (the root as given, else its full path).
    mutating func visit(shownAs: String? = nil) {
        var names: [UInt8] = []
        var entries: [(start: Int, count: Int)] = []
        path.append(0)
        let handle = path.withUnsafeBufferPointer {
            opendir(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
        path.removeLast()
        guard let handle else {
            let reason = String(cString: strerror(errno))
            skipped.append((shownAs ?? String(decoding: path.dropLast(), as: UTF8.self), reason))
            return
        }
        let descriptor = dirfd(handle)
        var directoryStat = stat()
        var onPath = false
        if fstat(descriptor, &directoryStat) == 0 {
            let key = (device: UInt64(directoryStat.st_dev), inode: UInt64(directoryStat.st_ino))
            if ancestors.contains(where: { $0 == key }) {
                closedir(handle)
                loops.append(shownAs ?? String(decoding: path.dropLast(), as: UTF8.self))
                return
            }
            ancestors.append(key)
            onPath = true
        }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(handle) {
            let name = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self)
            let length = strlen(name)
            if name[0] == 0x2E && (length == 1 || (length == 2 && name[1] == 0x2E)) { continue }
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                var st = stat()
                guard fstatat(descriptor, name, &st, 0) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFREG: type = Int32(DT_REG)
                case S_IFDIR: type = Int32(DT_DIR)
                default: continue
                }
            }
            guard type == Int32(DT_REG) || type == Int32(DT_DIR) else { continue }
            if type == Int32(DT_DIR) && length == Self.bytecodeDirectory.count
                && memcmp(name, Self.bytecodeDirectory, length) == 0
            {
                continue
            }
            let start = names.count
            names.append(contentsOf: UnsafeRawBufferPointer(start: name, count: length))
            if type == Int32(DT_DIR) { names.append(Self.slash) }
            entries.append((start, names.count - start))
        }
        closedir(handle)
        defer { if onPath { ancestors.removeLast() } }
        if entries.count > 1 {
            names.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress!
                entries.sort { a, b in
                    let order = memcmp(base + a.start, base + b.start, min(a.count, b.count))
                    return order != 0 ? order < 0 : a.count < b.count
                }
            }
        }
        for entry in entries {
            let end = path.count
            path += names[entry.start..<entry.start + entry.count]
            if path[path.count - 1] == Self.slash {
                visit()
            } else if keep(nameStart: end) {
                found.append(String(decoding: path, as: UTF8.self))
            }
            path.removeSubrange(end...)
        }
    }

    private mutating func keep(nameStart: Int) -> Bool {
        if filter.isEmpty { return true }
        path.append(0)
        defer { path.removeLast() }
        return path.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            return filter.keeps(
                relative: base + relativeStart, count: bytes.count - 1 - relativeStart, name: base + nameStart)
        }
    }
}
