import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cgroup hierarchy whose memory and pids controllers curate can use, found from `/proc/self/mountinfo` and
/// `/proc/self/cgroup`, and the directories below which worker cgroups are made.
enum CgroupHierarchy: Sendable, Hashable {
    /// v2: below curate's own cgroup when it can enable the memory controller there (no other process in it),
    /// otherwise below the nearest ancestor that already hands the memory controller to its children.
    case unified(parent: String)
    /// v1: below curate's own cgroup in the memory tree and, when mounted and writable, the pids tree.
    case separate(memory: String, pids: String?)

    /// Prefix of every cgroup curate makes: `curate-<pid>-<pool>-<slot>`, so a later run can tell a crashed run's
    /// leftovers (dead pid) from a live one's.
    static let namePrefix = "curate-"

    /// The usable hierarchy, or why there is none (for the pool's warning).
    static func detect() -> Result<CgroupHierarchy, CgroupUnavailable> {
        guard let mountInfo = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8),
            let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        else {
            return .failure(CgroupUnavailable(reason: "/proc/self/cgroup is not readable (not Linux?)"))
        }
        let (v2Directory, v1Directories) = ownDirectories(mountInfo: mountInfo, membership: membership)
        var reasons: [String] = []
        if let (mountPoint, own) = v2Directory {
            let control = own + "/cgroup.subtree_control"
            let refused = writeControlFile(control, "+memory +pids").flatMap { _ in writeControlFile(control, "+memory")
            }
            if refused == nil { return .success(.unified(parent: own)) }
            var ancestor = own
            while ancestor.count > mountPoint.count {
                ancestor = (ancestor as NSString).deletingLastPathComponent
                let enabled = (try? String(contentsOfFile: ancestor + "/cgroup.subtree_control", encoding: .utf8)) ?? ""
                if enabled.split(whereSeparator: \.isWhitespace).contains("memory") && access(ancestor, W_OK) == 0 {
                    return .success(.unified(parent: ancestor))
                }
            }
            if v1Directories["memory"] == nil {
                reasons.append(
                    "cgroup v2: cannot enable the memory controller below '\(own)' (\(refused!)) and no writable ancestor enables it"
                )
            }
        }
        if let memory = v1Directories["memory"] {
            if access(memory, W_OK) == 0 {
                let pids = v1Directories["pids"].flatMap { access($0, W_OK) == 0 ? $0 : nil }
                return .success(.separate(memory: memory, pids: pids))
            }
            reasons.append("cgroup v1: '\(memory)' is not writable")
        }
        if reasons.isEmpty { reasons.append("no cgroup memory controller is mounted") }
        return .failure(CgroupUnavailable(reason: reasons.joined(separator: "; ")))
    }

    /// Where this process's cgroup is in each mounted tree: the v2 mount point and directory, and the v1 directories
    /// of the memory and pids controllers, from the texts of `/proc/self/mountinfo` and `/proc/self/cgroup`.
    static func ownDirectories(mountInfo: String, membership: String) -> (
        unified: (mountPoint: String, own: String)?, separate: [String: String]
    ) {
        var ownV2: String?
        var ownV1: [String: String] = [:]
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" && fields[1].isEmpty {
                ownV2 = String(fields[2])
            } else {
                for controller in fields[1].split(separator: ",") { ownV1[String(controller)] = String(fields[2]) }
            }
        }
        var unified: (mountPoint: String, own: String)?
        var separate: [String: String] = [:]
        for line in mountInfo.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let mountFields = halves[0].split(separator: " ").map(String.init)
            let typeFields = halves[1].split(separator: " ").map(String.init)
            guard mountFields.count >= 5, typeFields.count >= 3 else { continue }
            let root = mountFields[3], point = mountFields[4]
            if typeFields[0] == "cgroup2", let own = ownV2 {
                unified = (point, directory(mountPoint: point, mountRoot: root, own: own))
            } else if typeFields[0] == "cgroup" {
                for controller in typeFields[2].split(separator: ",")
                where controller == "memory" || controller == "pids" {
                    if let own = ownV1[String(controller)] {
                        separate[String(controller)] = directory(mountPoint: point, mountRoot: root, own: own)
                    }
                }
            }
        }
        return (unified, separate)
    }

    private static func directory(mountPoint: String, mountRoot: String, own: String) -> String {
        let relative = own.hasPrefix(mountRoot) ? String(own.dropFirst(mountRoot.count)) : own
        let trimmed = relative.hasPrefix("/") ? String(relative.dropFirst()) : relative
        return trimmed.isEmpty ? mountPoint : mountPoint + "/" + trimmed
    }

    /// The directories (one per tree) below which worker cgroups are made.
    var parents: [String] {
        switch self {
        case .unified(let parent): return [parent]
        case .separate(let memory, let pids): return [memory] + (pids.map { [$0] } ?? [])
        }
    }

    /// Removes the cgroups of curate processes that no longer exist (a run killed before it could clean up), with
    /// whatever still runs in them.
    func removeStale() {
        for parent in parents {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
            for entry in entries where entry.hasPrefix(Self.namePrefix) {
                let pidText = entry.dropFirst(Self.namePrefix.count).prefix { $0.isNumber }
                guard let pid = pid_t(pidText), kill(pid, 0) != 0, errno == ESRCH else { continue }
                WorkerCgroup.empty(parent + "/" + entry)
            }
        }
    }
}

/// Why no cgroup bounds the workers.
struct CgroupUnavailable: Error, Sendable, Hashable {
    var reason: String
}

/// The cgroup (a directory in each tree) of one worker slot: it bounds the memory (anonymous memory, tmpfs and
/// memfd pages, System V shared memory, kernel memory) and the number of tasks of everything the worker runs, and
/// counts the kernel's OOM kills inside it. The launcher moves the worker into it before anything else runs.
final class WorkerCgroup: Sendable {
    let hierarchy: CgroupHierarchy
    /// The slot's directory in each tree (memory first).
    let directories: [String]

    /// Makes the slot's directories (removing leftovers of the same name first).
    init(hierarchy: CgroupHierarchy, name: String) throws(CgroupUnavailable) {
        self.hierarchy = hierarchy
        directories = hierarchy.parents.map { $0 + "/" + name }
        for directory in directories {
            Self.empty(directory)
            guard mkdir(directory, 0o755) == 0 else {
                let reason = String(cString: strerror(errno))
                for made in directories { rmdir(made) }
                throw CgroupUnavailable(reason: "cannot create cgroup '\(directory)': \(reason)")
            }
        }
    }

    /// The files the launcher writes its pid to.
    var processFiles: [String] { directories.map { $0 + "/cgroup.procs" } }

    /// Sets the memory limit (swap included, where the kernel accounts it) and the task limit; nil when accepted,
    /// otherwise what the kernel said (a lower memory limit is refused while more is in use).
    @discardableResult
    func setLimits(memoryBytes: Int, tasks: Int) -> String? {
        var failures: [String] = []
        switch hierarchy {
        case .unified:
            let directory = directories[0]
            failures += [writeControlFile(directory + "/memory.max", "\(memoryBytes)")].compactMap { $0 }
            _ = writeControlFile(directory + "/memory.swap.max", "0")
            if access(directory + "/pids.max", F_OK) == 0 {
                failures += [writeControlFile(directory + "/pids.max", "\(tasks)")].compactMap { $0 }
            }
        case .separate(_, let pids):
            let memory = directories[0]
            let swap = memory + "/memory.memsw.limit_in_bytes"
            let hasSwap = access(swap, F_OK) == 0
            // memsw must stay >= the memory limit: raise it first when growing, lower it after when shrinking.
            if hasSwap { _ = writeControlFile(swap, "\(memoryBytes)") }
            failures += [writeControlFile(memory + "/memory.limit_in_bytes", "\(memoryBytes)")].compactMap { $0 }
            if hasSwap { _ = writeControlFile(swap, "\(memoryBytes)") }
            if pids != nil {
                failures += [writeControlFile(directories[1] + "/pids.max", "\(tasks)")].compactMap { $0 }
            }
        }
        return failures.isEmpty ? nil : failures.joined(separator: "; ")
    }

    /// How many processes the kernel's OOM killer has killed in this cgroup so far.
    func oomKills() -> Int {
        let file: String
        switch hierarchy {
        case .unified: file = directories[0] + "/memory.events"
        case .separate: file = directories[0] + "/memory.oom_control"
        }
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return Int(line.dropFirst("oom_kill ".count)) ?? 0
        }
        return 0
    }

    /// Kills whatever still runs in the slot's cgroups and removes them.
    func remove() {
        for directory in directories { Self.empty(directory) }
    }

    /// SIGKILLs every process listed in a cgroup directory until none is left (at most 5 s), then removes it.
    static func empty(_ directory: String) {
        guard access(directory, F_OK) == 0 else { return }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let listed = (try? String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8)) ?? ""
            let pids = listed.split(separator: "\n").compactMap { pid_t($0) }
            if pids.isEmpty && rmdir(directory) == 0 { return }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(2_000)
        }
    }
}

/// Writes a cgroup control file in one `write`; nil on success, otherwise the error.
func writeControlFile(_ path: String, _ value: String) -> String? {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return "\(path): \(String(cString: strerror(errno)))" }
    defer { close(fd) }
    let written = value.withCString { write(fd, $0, strlen($0)) }
    return written < 0 ? "\(path): \(String(cString: strerror(errno)))" : nil
}
