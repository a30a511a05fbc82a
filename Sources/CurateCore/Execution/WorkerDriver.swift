/// The fork-server driver run by each pool worker (`python -B -s -c <source> <config JSON>`).
///
/// It is Python because it runs inside the target interpreter: it reads length-prefixed JSON requests on fd 0,
/// forks one child per request (new session, rlimits, unprivileged uid, scrubbed environment, fresh scratch
/// directory, stdin from /dev/null, stdout/stderr into capped pipes), runs setup, solution and each test in the
/// child, reports outcomes over a private nonce-tagged pipe, enforces the wall-clock limit by killing the child's
/// process group from outside, kills every survivor, removes the scratch directory and replies with raw facts.
/// `VerdictBuilder` turns those facts into an `ExecutionVerdict` on the Swift side.
enum WorkerDriver {
    /// Bumped whenever the driver's behaviour changes, so cached verdicts keyed by `ExecutionRequest.key` expire.
    static let version = "1"

    static let source = #"""
import builtins, errno, json, math, os, resource, secrets, select, shutil, signal, socket, struct, sys, time

CONFIG = json.loads(sys.argv[1])
PROTO_IN = os.dup(0)
PROTO_OUT = os.dup(1)
_null = os.open(os.devnull, os.O_RDWR)
os.dup2(_null, 0)
os.dup2(_null, 1)
IS_INIT = os.getpid() == 1
IS_ROOT = os.geteuid() == 0
UID = CONFIG["uid"]
GID = CONFIG["gid"]
PRIVATE_DIRS = [d for d in CONFIG.get("private_dirs", []) if os.path.isdir(d)]
SCRATCH_ROOT = CONFIG["scratch_root"]
PRELOAD = ("re", "math", "collections", "itertools", "heapq", "functools", "random", "datetime", "string",
           "bisect", "operator", "typing", "sys", "copy", "fractions", "decimal", "statistics", "cmath", "array")
for _name in PRELOAD:
    try:
        __import__(_name)
    except Exception:
        pass
import random as _random_module
import datetime as _datetime_module
import time as _time_module


def read_exact(n):
    chunks = []
    while n > 0:
        chunk = os.read(PROTO_IN, n)
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

def child_main(req, scratch, out_w, err_w, res_w, nonce):
    _write = os.write
    _exit = os._exit
    _getpid = os.getpid
    _dumps = json.dumps
    _compile = compile
    _exec = exec
    _AssertionError = AssertionError
    _MemoryError = MemoryError
    _BaseException = BaseException
    _str = str
    _type = type
    os.setsid()
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    fd_in = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd_in, 0)
    res_fd = 3
    os.dup2(res_w, res_fd)
    os.closerange(res_fd + 1, 1 << 20)
    me = _getpid()

    def report(obj):
        if _getpid() != me:
            _exit(0)
        data = (nonce + _dumps(obj) + "\n").encode("utf-8", "backslashreplace")
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
        os.chown(scratch, UID, GID)
        os.setgroups([])
        os.setgid(GID)
        os.setuid(UID)
    os.umask(0o077)
    os.chdir(scratch)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch,
                       "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                       "PYTHONHASHSEED": str(req["hash_seed"])})
    import tempfile
    tempfile.tempdir = None
    sys.argv = [""]
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    streams = (sys.stdout, sys.stderr)

    def flush():
        for stream in streams:
            try:
                stream.flush()
            except _BaseException:
                pass

    if req.get("random_seed") is not None:
        _random_module.seed(req["random_seed"])
    else:
        _random_module.seed()
    offset = req.get("clock_offset")
    if offset:
        install_clock_offset(offset)
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

    scope = {"__name__": "solution", "__builtins__": builtins}

    def run(kind, index, source):
        record = {"k": kind, "i": index}
        try:
            _exec(_compile(source, "<%s>" % (kind if index < 0 else "test %d" % index), "exec"), scope)
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

    if run("setup", -1, req["setup"]) and run("solution", -1, req["solution"]):
        for index, test in enumerate(req["tests"]):
            run("test", index, test)
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


# ---------------------------------------------------------------- worker side

def kill_survivors(pid):
    killed = 0
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if IS_INIT:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    else:
        for _ in range(20):
            found = 0
            for entry in os.listdir("/proc"):
                if not entry.isdigit() or int(entry) == os.getpid():
                    continue
                try:
                    with open("/proc/%s/stat" % entry) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    owner = os.stat("/proc/%s" % entry).st_uid
                except OSError:
                    continue
                pgrp, session = int(fields[2]), int(fields[3])
                if pgrp == pid or session == pid or (IS_ROOT and owner == UID):
                    try:
                        os.kill(int(entry), signal.SIGKILL)
                        found += 1
                    except OSError:
                        pass
            killed += found
            if not found:
                break
            time.sleep(0.005)
    while True:
        try:
            reaped, _ = os.waitpid(-1, 0 if IS_INIT else os.WNOHANG)
        except ChildProcessError:
            break
        if reaped == 0:
            break
        killed += 1
    return killed


def wipe(path, keep_self):
    try:
        entries = os.listdir(path)
    except OSError:
        return
    for entry in entries:
        full = os.path.join(path, entry)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, onerror=force_remove)
        else:
            try:
                os.unlink(full)
            except OSError:
                pass
    if not keep_self:
        try:
            os.rmdir(path)
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


def execute(req):
    cap = req["max_output"]
    keep = min(cap, req["keep_output"])
    nonce = secrets.token_hex(16)
    scratch = os.path.join(SCRATCH_ROOT, "run-" + secrets.token_hex(8))
    os.mkdir(scratch, 0o700)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    res_r, res_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(PROTO_IN)
            os.close(PROTO_OUT)
            child_main(req, scratch, out_w, err_w, res_w, nonce)
        except BaseException as error:
            try:
                os.write(2, ("curate harness failure: %r\n" % (error,)).encode())
            except BaseException:
                pass
        os._exit(70)
    for fd in (out_w, err_w, res_w):
        os.close(fd)
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    buffers = {out_r: bytearray(), err_r: bytearray(), res_r: bytearray()}
    totals = {out_r: 0, err_r: 0}
    poller = select.poll()
    for fd in buffers:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    open_fds = set(buffers)
    deadline = start + req["timeout"]
    timed_out = output_exceeded = exited = False
    status = rusage = None

    def take(fd):
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            poller.unregister(fd)
            open_fds.discard(fd)
            return False
        if fd == res_r:
            buffers[fd] += data
        else:
            totals[fd] += len(data)
            room = keep - len(buffers[fd])
            if room > 0:
                buffers[fd] += data[:room]
        return True

    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        wait_ms = remaining * 1000 if pidfd is not None else min(remaining * 1000, 10)
        for fd, _ in poller.poll(max(1, int(math.ceil(wait_ms)))):
            if fd == pidfd:
                exited = True
            else:
                take(fd)
        if totals[out_r] + totals[err_r] > cap:
            output_exceeded = True
            break
        if pidfd is None:
            done_pid, done_status, done_usage = os.wait4(pid, os.WNOHANG)
            if done_pid:
                status, rusage, exited = done_status, done_usage, True
        if exited:
            break
    wall = time.monotonic() - start
    if not exited:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    if status is None:
        _, status, rusage = os.wait4(pid, 0)
    survivors = kill_survivors(pid)
    for fd in list(open_fds):
        os.set_blocking(fd, False)
    drain_deadline = time.monotonic() + 1.0
    while open_fds and time.monotonic() < drain_deadline:
        for fd, _ in poller.poll(50):
            take(fd)
    for fd in list(buffers) + ([pidfd] if pidfd is not None else []):
        os.close(fd)
    records = []
    for line in bytes(buffers[res_r]).split(b"\n"):
        text = line.decode("utf-8", "replace")
        if text.startswith(nonce):
            try:
                records.append(json.loads(text[len(nonce):]))
            except ValueError:
                pass
    shutil.rmtree(scratch, onerror=force_remove)
    for directory in PRIVATE_DIRS:
        wipe(directory, True)
    if not os.path.isdir(SCRATCH_ROOT):
        os.makedirs(SCRATCH_ROOT, 0o711, exist_ok=True)
    return {
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "wall_timeout": timed_out,
        "output_limit": output_exceeded,
        "cpu": rusage.ru_utime + rusage.ru_stime,
        "wall": wall,
        "maxrss_kb": rusage.ru_maxrss,
        "stdout": bytes(buffers[out_r]).decode("utf-8", "replace"),
        "stderr": bytes(buffers[err_r]).decode("utf-8", "replace"),
        "stdout_bytes": totals[out_r],
        "stderr_bytes": totals[err_r],
        "records": records,
        "survivors": survivors,
    }


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
        header = read_exact(4)
        if header is None:
            break
        body = read_exact(struct.unpack(">I", header)[0])
        if body is None:
            break
        send(execute(json.loads(body)))


main()
"""#
}
