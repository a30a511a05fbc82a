"""curate's sandbox launcher, run by the target interpreter as `python -I -S -B -c <source> <config JSON> <command...>`
(inside the worker's namespaces when it has them). In order: parent-death signal (when curate is its parent), the
worker's cgroups, System V IPC closed in its IPC namespace, the filesystem view (a fresh root), the seccomp filter;
then it execs <command>, the fork-server driver. All of it happens before any program under test runs, and every
step that was asked for and fails ends the launcher with exit code 97 and a message on stderr."""
import ctypes, json, os, sys

CONFIG = json.loads(sys.argv[1])
COMMAND = sys.argv[2:]
LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p)
LIBC.umount2.argtypes = (ctypes.c_char_p, ctypes.c_int)
LIBC.prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
LIBC.syscall.restype = ctypes.c_long

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP = 1, 38, 22
SECCOMP_MODE_FILTER = 2
MACHINE = os.uname().machine
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(MACHINE)


def fail(message):
    sys.stderr.write("curate sandbox launcher: %s\n" % message)
    sys.stderr.flush()
    os._exit(97)


def check(result, what):
    if result != 0:
        fail("%s: %s" % (what, os.strerror(ctypes.get_errno())))


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if isinstance(s, str) else s
    check(LIBC.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), "mount %s on %s" % (source or fstype, target))


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------- what the interpreter needs

def elf_dependencies(path):
    """The program interpreter (PT_INTERP), DT_NEEDED names and RUNPATH/RPATH directories of an ELF file, or
    nothing when it is not one this parser reads (64-bit little-endian)."""
    import mmap, struct
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    except (OSError, ValueError):
        return None, [], []
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None, [], []
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    loads, dynamic, interp = [], None, None
    for i in range(phnum):
        ptype, _, offset, vaddr, _, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if ptype == 1:
            loads.append((vaddr, offset, filesz))
        elif ptype == 2:
            dynamic = (offset, filesz)
        elif ptype == 3:
            interp = data[offset:offset + filesz].rstrip(b"\0").decode()
    if dynamic is None:
        return interp, [], []
    entries = [struct.unpack_from("<qQ", data, dynamic[0] + i) for i in range(0, dynamic[1], 16)]
    strtab = next((value for tag, value in entries if tag == 5), None)
    if strtab is None:
        return interp, [], []
    base = next((offset + strtab - vaddr for vaddr, offset, size in loads if vaddr <= strtab < vaddr + size), None)
    if base is None:
        return interp, [], []

    def string(at):
        return data[base + at:data.find(b"\0", base + at)].decode(errors="replace")

    needed = [string(value) for tag, value in entries if tag == 1]
    origin = os.path.dirname(os.path.realpath(path))
    runpath = [d.replace("$ORIGIN", origin).replace("${ORIGIN}", origin)
               for tag, value in entries if tag in (15, 29) for d in string(value).split(":") if d]
    return interp, needed, runpath


def library_directories():
    """Where the dynamic loader looks: /etc/ld.so.conf (with includes) and the default directories."""
    import glob, sysconfig
    dirs = []

    def read_conf(path):
        try:
            lines = open(path).read().splitlines()
        except OSError:
            return
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if line.startswith("include "):
                for pattern in line.split()[1:]:
                    for included in sorted(glob.glob(pattern if pattern.startswith("/") else "/etc/" + pattern)):
                        read_conf(included)
            elif line:
                dirs.append(line)

    read_conf("/etc/ld.so.conf")
    multiarch = sysconfig.get_config_var("MULTIARCH")
    for prefix in ("/lib", "/usr/lib"):
        if multiarch:
            dirs.append(prefix + "/" + multiarch)
    return dirs + ["/lib64", "/usr/lib64", "/lib", "/usr/lib"]


SHELL = "/bin/sh"


def interpreter_paths():
    """Every path the interpreter needs to start and import its standard library and installed packages: the
    executable, its library directories, and the directories of the shared libraries it and its extension modules
    load. Found from the running interpreter itself, so a venv or a pyenv build gets its own prefix. curate runs
    this once per pool (`plan`) and hands the list to every worker's launcher. Also /bin/sh (read-only, with the
    libraries it loads) so `os.system` and `shell=True` run the shell's builtins; no other program is there, so a
    command the shell does not have fails with "sh: 1: NAME: not found" and exit status 127."""
    import glob, sysconfig
    paths = {sys.executable, os.path.realpath(sys.executable)}
    for cfg in (os.path.join(os.path.dirname(sys.executable), "..", "pyvenv.cfg"),
                os.path.join(os.path.dirname(sys.executable), "pyvenv.cfg")):
        if os.path.exists(cfg):
            paths.add(os.path.normpath(cfg))
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    for scheme_vars in ({}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}):
        scheme = sysconfig.get_paths(vars=scheme_vars) if scheme_vars else sysconfig.get_paths()
        paths.update(scheme[name] for name in names)
    try:
        import site
        paths.update(site.getsitepackages())
    except Exception:
        pass
    paths.update(p for p in sys.path if p)
    paths = {os.path.normpath(p) for p in paths if os.path.exists(p)}
    search = library_directories()
    libraries, pending, seen = set(), [os.path.realpath(sys.executable)], set()
    if os.path.exists(SHELL):
        paths.add(SHELL)
        pending.append(os.path.realpath(SHELL))
    for path in list(paths):
        if os.path.isdir(path):
            pending += glob.glob(os.path.join(path, "lib-dynload", "*.so"))
    while pending:
        binary = pending.pop()
        if binary in seen:
            continue
        seen.add(binary)
        interp, needed, runpath = elf_dependencies(binary)
        if interp:
            paths.add(interp)
        for name in needed:
            for directory in runpath + search:
                candidate = os.path.join(directory, name)
                if os.path.exists(candidate):
                    libraries.add(candidate)
                    pending.append(os.path.realpath(candidate))
                    break
    for library in libraries:
        paths.update((os.path.dirname(library), os.path.dirname(os.path.realpath(library))))
    for extra in ("/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo", "/usr/lib/locale"):
        if os.path.exists(extra):
            paths.add(extra)
    return sorted(paths)


# ---------------------------------------------------------------- the view

class View:
    """Builds a fresh root on a tmpfs: read-only binds of the given host paths (symlinks on the way recreated),
    /dev with null, zero, random and urandom, the pid namespace's own /proc, and the private writable directories
    on one size-limited tmpfs."""

    def __init__(self, root):
        self.root = root
        self.binds = {}

    def plan(self, path):
        """Records the symlinks leading to `path` and the real file or directory to bind."""
        current = "/"
        parts = [p for p in path.split("/") if p]
        for index, part in enumerate(parts):
            candidate = os.path.join(current, part)
            if os.path.islink(candidate):
                target = os.readlink(candidate)
                self.binds.setdefault(candidate, ("link", target))
                resolved = os.path.normpath(os.path.join(current, target))
                self.plan("/".join([resolved] + parts[index + 1:]))
                return
            current = candidate
        if os.path.exists(current) and current not in self.binds:
            self.binds[current] = ("bind", os.open(current, os.O_PATH | os.O_CLOEXEC))

    def make_parents(self, inside):
        parent = os.path.dirname(inside)
        if not os.path.isdir(self.root + parent):
            os.makedirs(self.root + parent, 0o755, exist_ok=True)

    def build(self):
        covered = []
        for path in sorted(self.binds):
            kind, value = self.binds[path]
            if any(path == c or path.startswith(c + "/") for c in covered):
                continue
            target = self.root + path
            self.make_parents(path)
            if kind == "link":
                if not os.path.lexists(target):
                    os.symlink(value, target)
                continue
            covered.append(path)
            if os.path.isdir("/proc/self/fd/%d" % value):
                os.makedirs(target, 0o755, exist_ok=True)
            else:
                open(target, "a").close()
            source = "/proc/self/fd/%d" % value
            mount(source, target, None, MS_BIND)
            mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
            os.close(value)


def build_view(config):
    view_root = "/tmp"
    view = View(view_root)
    replaced = config["private_dirs"] + ["/dev", "/proc"]
    for path in config.get("expose") or interpreter_paths():
        hidden = [d for d in replaced if path == d or path.startswith(d + "/")]
        if hidden:
            fail("the interpreter needs '%s', inside '%s', which the sandbox replaces; use an interpreter installed "
                 "elsewhere" % (path, hidden[0]))
        view.plan(path)
    devices = ["/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"]
    device_fds = {d: os.open(d, os.O_PATH | os.O_CLOEXEC) for d in devices}
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("curate-root", view_root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    view.build()
    os.makedirs(view_root + "/dev", 0o755, exist_ok=True)
    for device, fd in device_fds.items():
        open(view_root + device, "a").close()
        mount("/proc/self/fd/%d" % fd, view_root + device, None, MS_BIND)
        mount(None, view_root + device, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC)
        os.close(fd)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, view_root + "/dev/" + name)
    staging = view_root + "/.rw"
    os.mkdir(staging, 0o700)
    mount("curate-rw", staging, "tmpfs", MS_NOSUID | MS_NODEV, "size=%dm,mode=0755" % config["writable_mb"])
    for directory in config["private_dirs"]:
        backing = staging + "/" + directory.strip("/").replace("/", "-")
        os.mkdir(backing)
        os.chmod(backing, 0o1777)
        os.makedirs(view_root + directory, 0o755, exist_ok=True)
        mount(backing, view_root + directory, None, MS_BIND)
    check(LIBC.umount2(staging.encode(), MNT_DETACH), "umount " + staging)
    os.rmdir(staging)
    os.mkdir(view_root + "/proc", 0o555)
    mount("proc", view_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(view_root)
    os.mkdir(".old")
    if SYS_PIVOT_ROOT is None:
        fail("pivot_root: unsupported machine " + MACHINE)
    check(LIBC.syscall(SYS_PIVOT_ROOT, b".", b".old"), "pivot_root")
    os.chdir("/")
    check(LIBC.umount2(b"/.old", MNT_DETACH), "umount the old root")
    os.rmdir("/.old")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)

# ---------------------------------------------------------------- seccomp

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
# Calls refused with EPERM, by name: (x86_64 number, aarch64 number), None where the machine has no such call.
# Namespaces, mounts and root changes, tracing and other processes' memory, the kernel keyring, BPF, perf,
# userfaultfd, io_uring, kexec, modules, and administration (swap, reboot, clock, accounting, I/O ports).
BLOCKED = {
    "unshare": (272, 97), "setns": (308, 268), "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41),
    "chroot": (161, 51), "open_tree": (428, 428), "move_mount": (429, 429), "fsopen": (430, 430),
    "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433), "mount_setattr": (442, 442),
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271), "kcmp": (312, 272),
    "pidfd_getfd": (438, 438), "keyctl": (250, 219), "add_key": (248, 217), "request_key": (249, 218),
    "bpf": (321, 280), "perf_event_open": (298, 241), "userfaultfd": (323, 282), "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426), "io_uring_register": (427, 427), "kexec_load": (246, 104),
    "kexec_file_load": (320, 294), "init_module": (175, 105), "finit_module": (313, 273),
    "delete_module": (176, 106), "open_by_handle_at": (304, 265), "name_to_handle_at": (303, 264),
    "swapon": (167, 224), "swapoff": (168, 225), "reboot": (169, 142), "acct": (163, 89), "quotactl": (179, 60),
    "quotactl_fd": (443, 443), "syslog": (103, 116), "iopl": (172, None), "ioperm": (173, None),
    "settimeofday": (164, 170), "clock_settime": (227, 112), "clock_adjtime": (305, 266), "adjtimex": (159, 171),
    "sethostname": (170, 161), "setdomainname": (171, 162), "vhangup": (153, 58), "lookup_dcookie": (212, 18),
    "fanotify_init": (300, 262), "uselib": (134, None),
}
MACHINES = ("x86_64", "aarch64")
CLONE = {"x86_64": 56, "aarch64": 220}
CLONE3 = 435
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET (CLONE_NEWTIME shares its bit with the exit
# signal in clone's flags; it only exists for clone3 and unshare, both refused).
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
X32_SYSCALL_BIT = 0x40000000
RET_KILL_PROCESS, RET_ALLOW, RET_ERRNO = 0x80000000, 0x7FFF0000, 0x00050000
LD_W_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
EPERM, ENOSYS = 1, 38


def seccomp_program(machine):
    """The BPF program: kill a process calling through a foreign ABI (i386, x32), refuse BLOCKED with EPERM,
    clone with a namespace flag with EPERM, clone3 with ENOSYS (so the C library falls back to clone, whose flags
    the filter can read), allow the rest."""
    column = MACHINES.index(machine)
    blocked = sorted({numbers[column] for numbers in BLOCKED.values() if numbers[column] is not None})
    code = [(LD_W_ABS, 0, 0, 4), (JEQ, 1, 0, AUDIT_ARCH[machine]), (RET, 0, 0, RET_KILL_PROCESS), (LD_W_ABS, 0, 0, 0)]
    if machine == "x86_64":
        code += [(JGE, 0, 1, X32_SYSCALL_BIT), (RET, 0, 0, RET_KILL_PROCESS)]
    # After the jumps below: [ret ALLOW, ret EPERM, ret ENOSYS, clone: ld flags, jset, ret ALLOW, ret EPERM].
    jumps = [(nr, "eperm") for nr in blocked] + [(CLONE3, "enosys"), (CLONE[machine], "clone")]
    targets = {"eperm": 1, "enosys": 2, "clone": 3}
    for index, (nr, target) in enumerate(jumps):
        code.append((JEQ, len(jumps) - index - 1 + targets[target], 0, nr))
    code += [(RET, 0, 0, RET_ALLOW), (RET, 0, 0, RET_ERRNO | EPERM), (RET, 0, 0, RET_ERRNO | ENOSYS),
             (LD_W_ABS, 0, 0, 16), (JSET, 1, 0, CLONE_NAMESPACES), (RET, 0, 0, RET_ALLOW), (RET, 0, 0, RET_ERRNO | EPERM)]
    return code


def install_seccomp():
    if MACHINE not in AUDIT_ARCH:
        fail("no seccomp filter for machine %r; run with isolation 'none' on this machine" % MACHINE)
    code = seccomp_program(MACHINE)

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    filters = (Filter * len(code))(*[Filter(*instruction) for instruction in code])
    program = Program(len(code), filters)
    check(LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    check(LIBC.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(program), 0, 0), "prctl(PR_SET_SECCOMP)")


def close_ipc(host_namespace):
    """In the worker's own IPC namespace (never the host's): System V shared memory dies with the last process that
    created or attached it, and message queues, semaphore sets and POSIX message queues, which would outlive an
    execution and carry data to the next one, cannot be created (Python's standard library uses none of them)."""
    if os.readlink("/proc/self/ns/ipc") == host_namespace:
        fail("the worker is not in an IPC namespace of its own")
    for name, value in (("kernel/shm_rmid_forced", "1"), ("kernel/msgmni", "0"), ("kernel/sem", "0 0 0 0"),
                        ("fs/mqueue/queues_max", "0")):
        write_file("/proc/sys/" + name, value)


def main():
    if CONFIG.get("plan"):
        sys.stdout.write(json.dumps(interpreter_paths()))
        sys.stdout.flush()
        os._exit(0)
    if CONFIG.get("parent"):
        check(LIBC.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
        if os.getppid() != CONFIG["parent"]:
            os._exit(0)
    for procs in CONFIG.get("cgroups", []):
        write_file(procs, "0")
    if CONFIG.get("host_ipc_namespace"):
        close_ipc(CONFIG["host_ipc_namespace"])
    if CONFIG.get("view"):
        build_view(CONFIG)
    if CONFIG.get("seccomp"):
        install_seccomp()
    os.execv(COMMAND[0], COMMAND)


main()
