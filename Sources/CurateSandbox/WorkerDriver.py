import gc
gc.disable()
import builtins, errno, fcntl, json, marshal, math, os, resource, secrets, select, shutil, signal, socket, struct, sys, tempfile, time

CONFIG = json.loads(sys.argv[1])
PROTO_IN = os.dup(0)
PROTO_OUT = os.dup(1)
_null = os.open(os.devnull, os.O_RDWR)
os.dup2(_null, 0)
os.dup2(_null, 1)
IS_INIT = os.getpid() == 1
try:
    PRIVATE_PROC = IS_INIT and os.readlink("/proc/self") == "1"
except OSError:
    PRIVATE_PROC = False
IS_ROOT = os.geteuid() == 0
UID = CONFIG["uid"]
GID = CONFIG["gid"]
PRIVATE_DIRS = [d for d in CONFIG.get("private_dirs", []) if os.path.isdir(d)]
SCRATCH_ROOT = CONFIG["scratch_root"]
SCRATCH = os.path.join(SCRATCH_ROOT, "run")
os.environ.update({"HOME": SCRATCH, "TMPDIR": SCRATCH})
PRELOAD = ("tempfile", "re", "math", "collections", "itertools", "heapq", "functools", "random", "datetime", "string",
           "bisect", "operator", "typing", "sys", "copy", "fractions", "decimal", "statistics", "cmath", "array")
for _name in PRELOAD:
    try:
        __import__(_name)
    except Exception:
        pass
import random as _random_module
import datetime as _datetime_module
import time as _time_module
EXIT_FORMAT = ">iddq"
MAX_RESULT_BYTES = 64 << 20
# Request fields the child needs besides the compiled phases.
CHILD_SETTINGS = ("memory_mb", "timeout", "max_file_size", "max_open_files", "max_processes", "random_seed", "clock_offset")
NONCE_BYTES = 32


def read_exact(read, n):
    chunks = []
    while n > 0:
        chunk = read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def send(obj):
    data = json.dumps(obj).encode("utf-8")
    frame = struct.pack(">I", len(data)) + data
    view = memoryview(frame)
    while view:
        written = os.write(PROTO_OUT, view)
        view = view[written:]


def private_tmp_mounted():
    try:
        with open("/proc/self/mountinfo") as f:
            mounts = {line.split()[4]: line for line in f}
        return bool(PRIVATE_DIRS) and all(d in mounts and " tmpfs " in mounts[d] for d in PRIVATE_DIRS)
    except OSError:
        return False


def network_isolated():
    try:
        return [name for _, name in socket.if_nameindex()] == ["lo"]
    except OSError:
        return False


# ---------------------------------------------------------------- child side

def child_main(req, phases, fds, nonce):
    _write = os.write
    _exit = os._exit
    _getpid = os.getpid
    _dumps = json.dumps
    _exec = exec
    _AssertionError = AssertionError
    _MemoryError = MemoryError
    _BaseException = BaseException
    _str = str
    _type = type
    os.setsid()
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in fds]
    os.dup2(high[0], 1)
    os.dup2(high[1], 2)
    res_fd = 3
    os.dup2(high[2], res_fd, inheritable=False)
    os.closerange(res_fd + 1, 1 << 20)
    me = _getpid()

    def report(obj):
        if _getpid() != me:
            _exit(0)
        if obj.get("o") == "pass":
            line = '%s{"k": "%s", "i": %d, "o": "pass"}\n' % (nonce, obj["k"], obj["i"])
        else:
            line = nonce + _dumps(obj) + "\n"
        data = line.encode("utf-8", "backslashreplace")
        view = memoryview(data)
        try:
            while view:
                view = view[_write(res_fd, view):]
        except OSError:
            pass

    mem = req["memory_mb"] * 1024 * 1024
    cpu = int(math.ceil(req["timeout"])) + 1
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, cpu), (resource.RLIMIT_FSIZE, req["max_file_size"]),
              (resource.RLIMIT_NOFILE, req["max_open_files"]), (resource.RLIMIT_NPROC, req["max_processes"])]
    for which, value in limits:
        hard = value + 1 if which == resource.RLIMIT_CPU else value
        resource.setrlimit(which, (value, hard))
    if IS_ROOT:
        os.chown(SCRATCH, UID, GID)
        os.setgroups([])
        os.setgid(GID)
        os.setuid(UID)
    os.umask(0o077)
    os.chdir(SCRATCH)
    sys.argv = [""]
    streams = (sys.stdout, sys.stderr)

    def flush():
        for stream in streams:
            try:
                stream.flush()
            except _BaseException:
                pass

    if req.get("random_seed") is not None:
        _random_module.seed(req["random_seed"])
    offset = req.get("clock_offset")
    if offset:
        install_clock_offset(offset)
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

    scope = {"__name__": "solution", "__builtins__": builtins}

    def run(kind, index, code, source):
        record = {"k": kind, "i": index}
        try:
            if code is None:
                code = compile(source, phase_name(kind, index), "exec")
            _exec(code, scope)
            record["o"] = "pass"
        except _BaseException as error:
            record["o"] = "assert" if isinstance(error, _AssertionError) else "error"
            record["t"] = _type(error).__name__
            try:
                record["m"] = _str(error)[:2000]
            except _BaseException:
                record["m"] = "<unprintable %s>" % _type(error).__name__
            if isinstance(error, _MemoryError):
                record["mem"] = True
        flush()
        report(record)
        return record["o"] == "pass"

    for kind, index, code, source in phases:
        if not run(kind, index, code, source) and kind != "test":
            break
    report({"k": "done"})
    flush()
    _exit(0)


def install_clock_offset(offset):
    real_time, real_time_ns = _time_module.time, _time_module.time_ns
    _time_module.time = lambda: real_time() + offset
    _time_module.time_ns = lambda: real_time_ns() + int(offset * 1e9)
    base = _datetime_module.datetime
    shift = _datetime_module.timedelta(seconds=offset)

    class ShiftedDatetime(base):
        @classmethod
        def now(cls, tz=None):
            return base.now(tz) + shift

        @classmethod
        def utcnow(cls):
            return base.utcnow() + shift

        @classmethod
        def today(cls):
            return base.today() + shift

    class ShiftedDate(_datetime_module.date):
        @classmethod
        def today(cls):
            return (base.today() + shift).date()

    _datetime_module.datetime = ShiftedDatetime
    _datetime_module.date = ShiftedDate


# ---------------------------------------------------------------- zygote

def zygote(sock):
    while True:
        header, fds, _, _ = socket.recv_fds(sock, 4 + NONCE_BYTES, 3)
        if len(header) < 4 + NONCE_BYTES or len(fds) != 3:
            os._exit(0)
        length, nonce = struct.unpack(">I%ds" % NONCE_BYTES, header)
        body = read_exact(sock.recv, length)
        if body is None:
            os._exit(0)
        req, phases = marshal.loads(body)
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            try:
                gc.enable()
                sock.close()
                child_main(req, phases, fds, nonce.decode())
            except BaseException as error:
                try:
                    os.write(2, ("curate harness failure: %r\n" % (error,)).encode())
                except BaseException:
                    pass
            os._exit(70)
        for fd in fds:
            os.close(fd)
        del req, phases, body
        sock.sendall(struct.pack(">i", pid))
        _, status, usage = os.wait4(pid, 0)
        sock.sendall(struct.pack(EXIT_FORMAT, status, usage.ru_utime + usage.ru_stime, 0.0, usage.ru_maxrss))


def start_zygote():
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        ours.close()
        os.close(PROTO_IN)
        os.close(PROTO_OUT)
        try:
            zygote(theirs)
        finally:
            os._exit(0)
    theirs.close()
    return pid, ours


# ---------------------------------------------------------------- supervisor

def kill_survivors(pid):
    """Kills what the child left: in a private pid namespace every process but us and the zygote, otherwise the
    processes of the child's group or session or of the sandbox uid. Returns how many there were. Sweeps until
    none is left (a killed process still needs CPU time to exit, which a loaded machine may not give it at once),
    for at most 5 seconds."""
    killed = set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    spared = {os.getpid(), ZYGOTE_PID}
    deadline = time.monotonic() + 5.0
    while True:
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in spared:
                continue
            if not PRIVATE_PROC:
                try:
                    with open("/proc/%s/stat" % entry) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    owner = os.stat("/proc/%s" % entry).st_uid
                except OSError:
                    continue
                if not (int(fields[2]) == pid or int(fields[3]) == pid or (IS_ROOT and owner == UID)):
                    continue
            found.append(int(entry))
        for victim in found:
            try:
                os.kill(victim, signal.SIGKILL)
            except OSError:
                pass
        killed.update(found)
        reap()
        if not found or time.monotonic() > deadline:
            break
        time.sleep(0.002)
    return len(killed)


def reap():
    while True:
        try:
            reaped, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if reaped == 0:
            return
        if reaped == ZYGOTE_PID:
            os._exit(3)


def wipe(path):
    try:
        entries = os.listdir(path)
    except OSError:
        return
    for entry in entries:
        full = os.path.join(path, entry)
        if full == SCRATCH_ROOT:
            continue
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, onerror=force_remove)
        else:
            try:
                os.unlink(full)
            except OSError:
                pass


def force_remove(func, path, _info):
    try:
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def results_file():
    """An anonymous file for the child's outcome records: a memfd, or an unlinked temporary file where there is none."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("curate-results", os.MFD_CLOEXEC)
    fd, path = tempfile.mkstemp(dir=SCRATCH_ROOT)
    os.unlink(path)
    return fd


def phase_name(kind, index):
    return "<%s>" % (kind if index < 0 else "test %d" % index)


def compiled_request(req):
    """What the zygote gets: the child's settings and each phase compiled here, marshalled. Compiling in the
    supervisor (whose pages no child shares) spares the zygote the copy-on-write faults of compiling between forks;
    a phase that does not compile travels as source, and the child compiles it again under its limits to report
    the error."""
    settings = {name: req.get(name) for name in CHILD_SETTINGS}
    sources = [("solution", -1, req["solution"]), ("setup", -1, req["setup"])]
    sources += [("test", index, test) for index, test in enumerate(req["tests"])]
    phases = []
    for kind, index, source in sources:
        try:
            phases.append((kind, index, compile(source, phase_name(kind, index), "exec"), None))
        except BaseException:
            phases.append((kind, index, None, source))
    return marshal.dumps((settings, tuple(phases)))


def execute(body):
    req = json.loads(body)
    payload = compiled_request(req)
    cap = req["max_output"]
    keep = min(cap, req["keep_output"])
    nonce = secrets.token_hex(NONCE_BYTES // 2)
    if os.path.lexists(SCRATCH):
        shutil.rmtree(SCRATCH, onerror=force_remove)
    os.mkdir(SCRATCH, 0o700)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    results = results_file()
    start = time.monotonic()
    socket.send_fds(ZYGOTE, [struct.pack(">I%ds" % NONCE_BYTES, len(payload), nonce.encode())], [out_w, err_w, results])
    ZYGOTE.sendall(payload)
    for fd in (out_w, err_w):
        os.close(fd)
    pid_bytes = read_exact(ZYGOTE.recv, 4)
    if pid_bytes is None:
        os._exit(3)
    pid = struct.unpack(">i", pid_bytes)[0]
    buffers = {out_r: bytearray(), err_r: bytearray()}
    totals = {out_r: 0, err_r: 0}
    poller = select.poll()
    for fd in buffers:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    exit_fd = ZYGOTE.fileno()
    poller.register(exit_fd, select.POLLIN)
    open_fds = set(buffers)
    deadline = start + req["timeout"]
    timed_out = output_exceeded = exited = False

    def take(fd):
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            poller.unregister(fd)
            open_fds.discard(fd)
        else:
            totals[fd] += len(data)
            room = keep - len(buffers[fd])
            if room > 0:
                buffers[fd] += data[:room]

    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for fd, _ in poller.poll(max(1, int(math.ceil(remaining * 1000)))):
            if fd == exit_fd:
                exited = True
            else:
                take(fd)
        if totals[out_r] + totals[err_r] > cap:
            output_exceeded = True
            break
        if exited:
            break
    wall = time.monotonic() - start
    if not exited:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    exit_bytes = read_exact(ZYGOTE.recv, struct.calcsize(EXIT_FORMAT))
    if exit_bytes is None:
        os._exit(3)
    status, cpu, _, maxrss = struct.unpack(EXIT_FORMAT, exit_bytes)
    survivors = kill_survivors(pid)
    for fd in list(open_fds):
        os.set_blocking(fd, False)
    drain_deadline = time.monotonic() + 1.0
    while open_fds and time.monotonic() < drain_deadline:
        for fd, _ in poller.poll(50):
            if fd != exit_fd:
                take(fd)
    for fd in buffers:
        os.close(fd)
    size = min(os.fstat(results).st_size, MAX_RESULT_BYTES)
    written = os.pread(results, size, 0) if size > 0 else b""
    os.close(results)
    records = []
    for line in written.split(b"\n"):
        text = line.decode("utf-8", "replace")
        if text.startswith(nonce):
            try:
                records.append(json.loads(text[len(nonce):]))
            except ValueError:
                pass
    return {
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "wall_timeout": timed_out,
        "output_limit": output_exceeded,
        "cpu": cpu,
        "wall": wall,
        "maxrss_kb": maxrss,
        "stdout": bytes(buffers[out_r]).decode("utf-8", "replace"),
        "stderr": bytes(buffers[err_r]).decode("utf-8", "replace"),
        "stdout_bytes": totals[out_r],
        "stderr_bytes": totals[err_r],
        "records": records,
        "survivors": survivors,
    }


def clean_up():
    """Removes the scratch directory and whatever the program left in the private temporary directories; runs
    after the reply is sent, while the pool digests it, and always before the next request starts."""
    try:
        os.rmdir(SCRATCH)
    except OSError:
        shutil.rmtree(SCRATCH, onerror=force_remove)
    for directory in PRIVATE_DIRS:
        wipe(directory)


def main():
    os.makedirs(SCRATCH_ROOT, 0o711, exist_ok=True)
    send({
        "python": "%d.%d.%d" % sys.version_info[:3],
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "pid_namespace": IS_INIT,
        "network_isolated": network_isolated(),
        "private_tmp": private_tmp_mounted(),
        "drops_privileges": IS_ROOT,
        "hash_seed": os.environ.get("PYTHONHASHSEED", ""),
    })
    os.dup2(_null, 2)
    while True:
        header = read_exact(lambda n: os.read(PROTO_IN, n), 4)
        if header is None:
            break
        body = read_exact(lambda n: os.read(PROTO_IN, n), struct.unpack(">I", header)[0])
        if body is None:
            break
        send(execute(body))
        clean_up()


ZYGOTE_PID, ZYGOTE = start_zygote()
main()
