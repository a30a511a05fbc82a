import gc
gc.disable()
import base64, builtins, collections, ctypes, fcntl, importlib, itertools, json, marshal, math, operator, os, resource, select, signal, socket, stat, struct, sys, tempfile, time, types

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
# The tests process's uid (and gid): not the solution's, so the solution can neither signal nor trace it.
TESTS_UID = CONFIG.get("tests_uid", UID + (1 << 30))
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
CHILD_SETTINGS = ("memory_mb", "timeout", "max_file_size", "max_open_files", "max_processes", "random_seed", "clock_offset",
                  "entry_point", "capture", "probe", "probe_views")
# Descriptors the zygote hands each child: stdout and stderr pipes, the outcome file and the tests file.
CHILD_FDS = 4


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


# ---------------------------------------------------------------- values crossing between the two processes
#
# The tests process never runs the solution's code and never holds its objects. What crosses is tagged JSON: None,
# bool, int, float and str as themselves, everything else a list whose first item is a tag. Plain data (containers
# of plain data) crosses by value and is rebuilt from fresh builtin types on the other side; every other object stays
# where it lives and crosses as a reference ("h"), which the other side can call, read and set attributes on, but
# compares only by identity. Modules and classes or functions of a few pure standard modules cross by name ("m",
# "g"), and the receiving side uses its own copy.

MAX_DEPTH = 100
MAX_FRAME = 64 << 20
# Capture and probe limits: calls recorded per run, and the longest tagged JSON text one argument list or result keeps.
MAX_CAPTURED_CALLS = 2000
MAX_CAPTURED_TEXT = 100000
BIG_INT = 1 << 12000
SEQUENCE_TAGS = {list: "l", tuple: "t", set: "s", frozenset: "f"}
SEQUENCE_TYPES = {"l": list, "t": tuple, "s": set, "f": frozenset, "q": collections.deque}
MAPPING_TYPES = {"d": dict, "o": collections.OrderedDict, "k": collections.Counter}
PLAIN_BASES = (int, float, complex, str, bytes, bytearray, tuple, list, dict, set, frozenset)
MUTABLE = (list, dict, set, bytearray)
LOCAL_MODULES = frozenset((
    "builtins", "math", "cmath", "operator", "itertools", "functools", "heapq", "bisect", "collections", "re",
    "string", "statistics", "fractions", "decimal", "datetime", "copy", "random", "typing", "array", "numbers",
    "enum", "calendar", "textwrap", "unicodedata"))
# Builtins the tests process never takes by name from the solution's side: they could run code or reach the harness.
DENIED_BUILTINS = frozenset((
    "exec", "eval", "compile", "open", "input", "breakpoint", "setattr", "delattr", "getattr", "globals", "locals",
    "vars", "exit", "quit", "help", "memoryview"))
OPERATIONS = {"len": len, "bool": bool, "str": str, "repr": repr, "getitem": operator.getitem,
              "setitem": operator.setitem, "contains": operator.contains, "iter": iter, "next": next}


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


def encode(obj, other, depth=0):
    """`obj` as tagged JSON; `other(obj)` encodes what is not plain data (a reference, or an error)."""
    kind = type(obj)
    if kind is str or kind is bool or kind is float or obj is None:
        return obj
    if kind is int:
        return obj if -BIG_INT < obj < BIG_INT else ["x", hex(obj)]
    if depth >= MAX_DEPTH:
        return other(obj)
    depth += 1
    tag = SEQUENCE_TAGS.get(kind)
    if tag is not None:
        return [tag] + [encode(item, other, depth) for item in obj]
    if kind is dict or kind is collections.OrderedDict or kind is collections.Counter:
        node = ["d" if kind is dict else "o" if kind is collections.OrderedDict else "k"]
        for key, value in dict.items(obj):
            node.append(encode(key, other, depth))
            node.append(encode(value, other, depth))
        return node
    if kind is bytes or kind is bytearray:
        return ["y" if kind is bytes else "Y", base64.b64encode(obj).decode("ascii")]
    if kind is complex:
        return ["c", obj.real, obj.imag]
    if kind is collections.deque:
        return ["q"] + [encode(item, other, depth) for item in obj]
    for base in PLAIN_BASES:
        if isinstance(obj, base):
            return encode(base(obj), other, depth - 1)
    return other(obj)


def decode(node, resolve, depth=0):
    """A value rebuilt from tagged JSON out of fresh builtin objects; `resolve(node)` rebuilds references."""
    kind = type(node)
    if kind is str or kind is int or kind is float or kind is bool or node is None:
        return node
    if kind is not list or not node or type(node[0]) is not str or depth > MAX_DEPTH:
        raise ProtocolError("malformed value")
    tag = node[0]
    depth += 1
    builder = SEQUENCE_TYPES.get(tag)
    if builder is not None:
        items = [decode(item, resolve, depth) for item in itertools.islice(node, 1, None)]
        return items if builder is list else builder(items)
    builder = MAPPING_TYPES.get(tag)
    if builder is not None:
        if len(node) % 2 != 1:
            raise ProtocolError("malformed mapping")
        pairs = [(decode(node[i], resolve, depth), decode(node[i + 1], resolve, depth)) for i in range(1, len(node), 2)]
        return builder(pairs) if builder is not collections.Counter else collections.Counter(dict(pairs))
    if tag in ("y", "Y") and len(node) == 2 and type(node[1]) is str:
        data = base64.b64decode(node[1], validate=True)
        return data if tag == "y" else bytearray(data)
    if tag == "c" and len(node) == 3 and all(type(part) in (int, float) for part in node[1:]):
        return complex(node[1], node[2])
    if tag == "x" and len(node) == 2 and type(node[1]) is str and len(node[1]) < 8192:
        return int(node[1], 16)
    return resolve(node)


def by_name(obj):
    """The ("m"/"g") name under which the other side finds its own copy of `obj`, or None."""
    try:
        if type(obj) is types.ModuleType:
            name = obj.__name__
            return ["m", name] if name in LOCAL_MODULES and sys.modules.get(name) is obj else None
        if isinstance(obj, (type, types.BuiltinFunctionType, types.FunctionType)):
            node = ["g", obj.__module__, obj.__qualname__]
            return node if named(node) is obj else None
    except Exception:
        pass
    return None


def named(node):
    """The object a "m"/"g" node names, from this process's own modules; ProtocolError for any other name."""
    if node[0] == "m" and len(node) == 2 and node[1] in LOCAL_MODULES:
        return importlib.import_module(node[1])
    if node[0] != "g" or len(node) != 3 or node[1] not in LOCAL_MODULES or type(node[2]) is not str:
        raise ProtocolError("malformed reference")
    parts = node[2].split(".")
    if any(not part or part.startswith("_") for part in parts) or (node[1] == "builtins" and parts[0] in DENIED_BUILTINS):
        raise ProtocolError("%s.%s cannot cross by name" % (node[1], node[2]))
    obj = importlib.import_module(node[1])
    for part in parts:
        obj = getattr(obj, part)
    if type(obj) is types.ModuleType:
        raise ProtocolError("modules cross as \"m\"")
    return obj


def frame(obj, dumps):
    data = dumps(obj).encode("utf-8")
    if len(data) > MAX_FRAME:
        raise OverflowError("a value of %d bytes is too large to return (limit %d)" % (len(data), MAX_FRAME))
    return struct.pack(">I", len(data)) + data


def write_all(fd, data, write=os.write):
    view = memoryview(data)
    while view:
        view = view[write(fd, view):]


def printable(text):
    """`text` with lone surrogates spelled out, so every record is valid UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def exception_record(error):
    try:
        message = str(error)[:2000]
    except BaseException:
        message = "<unprintable %s>" % type(error).__name__
    return type(error).__name__, message


# ---------------------------------------------------------------- child side

def child_main(req, solution, fds):
    """The zygote's child: forks the tests process first thing (so its start overlaps the work here), then becomes
    the solution process. The solution runs in the process the zygote waits for, so its exit status and resource
    use are the run's, as in a single process; the tests process reads the tests and waits for it to be ready."""
    os.setsid()
    if IS_ROOT:
        os.chown(SCRATCH, UID, GID)
        os.chmod(SCRATCH, 0o770)
    calls_r, calls_w = os.pipe()
    replies_r, replies_w = os.pipe()
    solution_pid = os.getpid()
    tests_pid = os.fork()
    if tests_pid == 0:
        os.close(calls_r)
        os.close(replies_w)
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in fds]
        os.dup2(high[0], 1)
        os.dup2(high[1], 2)
        for fd in fds + high[:2]:
            os.close(fd)
        hide_from_other_processes()
        set_limits(req)
        if IS_ROOT:
            os.setgroups([GID])
            os.setgid(TESTS_UID)
            os.setuid(TESTS_UID)
        os.umask(0o007)
        tests_main(req, solution_pid, calls_w, replies_r, high[2], high[3])
    os.dup2(fds[0], 1)
    os.dup2(fds[1], 2)
    ends = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (calls_r, replies_w)]
    os.dup2(ends[0], 3, inheritable=False)
    os.dup2(ends[1], 4, inheritable=False)
    os.closerange(5, 1 << 20)
    set_limits(req)
    if IS_ROOT:
        os.setgroups([])
        os.setgid(GID)
        os.setuid(UID)
    os.umask(0o007)
    solution_main(req, solution, 3, 4, tests_pid)


def set_limits(req):
    """The request's rlimits but the address space (set last, once the process is ready to run task code), and
    its clock offset."""
    cpu = int(math.ceil(req["timeout"])) + 1
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, cpu), (resource.RLIMIT_FSIZE, req["max_file_size"]),
              (resource.RLIMIT_NOFILE, req["max_open_files"]), (resource.RLIMIT_NPROC, req["max_processes"])]
    for which, value in limits:
        hard = value + 1 if which == resource.RLIMIT_CPU else value
        resource.setrlimit(which, (value, hard))
    offset = req.get("clock_offset")
    if offset:
        install_clock_offset(offset)


def hide_from_other_processes():
    """Makes this process non-dumpable: no process of another (or, without root, of the same) uid may ptrace it
    or open its /proc memory and descriptors."""
    if PRCTL is not None:
        PRCTL(PR_SET_DUMPABLE, 0, 0, 0, 0)


PR_SET_DUMPABLE = 4
try:
    PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    PRCTL = None


def prepare_process(req, mem):
    """What both processes do before running task code: work directory, arguments, seed, address-space limit."""
    os.chdir(SCRATCH)
    sys.argv = [""]
    if req.get("random_seed") is not None:
        _random_module.seed(req["random_seed"])
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))


def solution_main(req, solution, from_tests, to_tests, tests_pid):
    """The solution process: runs the solution, sends the names the tests refer to, then serves the tests process's
    calls until it hangs up, and ends as the tests process ended. Everything it uses is bound here, before the
    solution runs and can replace builtins or module attributes."""
    _exit = os._exit
    _waitpid, _kill, _getpid, _signal = os.waitpid, os.kill, os.getpid, signal.signal
    _read = os.read
    _write = os.write
    _exec = exec
    _compile = compile
    _BaseException = BaseException
    _MemoryError = MemoryError
    _type = type
    _dumps = json.JSONEncoder(separators=(",", ":")).encode
    _loads = json.JSONDecoder().decode
    _unpack = struct.unpack
    _encode, _decode, _frame, _write_all, _by_name, _named = encode, decode, frame, write_all, by_name, named
    _exception_record, _operations = exception_record, dict(OPERATIONS)
    _MUTABLE, _ProtocolError = MUTABLE, ProtocolError
    streams = (sys.stdout, sys.stderr)
    handles = []

    def flush():
        for stream in streams:
            try:
                stream.flush()
            except _BaseException:
                pass

    def reference(obj):
        node = _by_name(obj)
        if node is None:
            handles.append(obj)
            node = ["h", len(handles) - 1]
        return node

    def resolve(node):
        if node[0] == "h" and len(node) == 2 and _type(node[1]) is int and 0 <= node[1] < len(handles):
            return handles[node[1]]
        return _named(node)

    def enc(obj):
        return _encode(obj, reference)

    def dec(node):
        return _decode(node, resolve)

    def finish():
        """Waits for the tests process and ends the way it ended (its wait status decides nothing: the outcome
        records do; this keeps a failure of the harness visible)."""
        _, status = _waitpid(tests_pid, 0)
        if os.WIFSIGNALED(status):
            _signal(os.WTERMSIG(status), signal.SIG_DFL)
            _kill(_getpid(), os.WTERMSIG(status))
        _exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)

    def send(message):
        try:
            data = _frame(message, _dumps)
        except _BaseException as error:
            data = _frame(raised(error), _dumps)
        try:
            _write_all(to_tests, data, _write)
        except OSError:
            finish()

    def receive():
        header = read_exact(lambda n: _read(from_tests, n), 4)
        if header is None:
            finish()
        body = read_exact(lambda n: _read(from_tests, n), _unpack(">I", header)[0])
        if body is None:
            finish()
        return _loads(body.decode("utf-8"))

    def names():
        """The solution's values of the names the tests refer to (a name whose value cannot be sent is left out)."""
        found = {}
        for name in req["names"]:
            if name in scope:
                try:
                    found[name] = enc(scope[name])
                except _BaseException:
                    pass
        return found

    def raised(error):
        name, message = _exception_record(error)
        try:
            args = enc(list(error.args))
        except _BaseException:
            args = None
        return ["raise", name, message, args]

    def answer(message):
        op = message[0]
        if op == "call":
            args = [dec(node) for node in message[2]]
            kwargs = {key: dec(node) for key, node in message[3].items()}
            result = enc(dec(message[1])(*args, **kwargs))
            back = []
            for index, arg in enumerate(args):
                if _type(arg) in _MUTABLE:
                    node = enc(arg)
                    if node != message[2][index]:
                        back.append([index, node])
            for key, arg in kwargs.items():
                if _type(arg) in _MUTABLE:
                    node = enc(arg)
                    if node != message[3][key]:
                        back.append([key, node])
            return ["ok", result, back]
        if op == "getattr":
            return ["ok", enc(getattr(dec(message[1]), message[2]))]
        if op == "setattr":
            setattr(dec(message[1]), message[2], dec(message[3]))
            return ["ok", None]
        if op == "op":
            return ["ok", enc(_operations[message[2]](dec(message[1]), *[dec(node) for node in message[3]]))]
        raise _ProtocolError("unknown request %r" % (op,))

    mem = req["memory_mb"] * 1024 * 1024
    prepare_process(req, mem)
    code, source = solution
    scope = {"__name__": "solution", "__builtins__": builtins}
    try:
        if code is None:
            code = _compile(source, "<solution>", "exec")
        _exec(code, scope)
        ready = ["ready", names()]
    except _BaseException as error:
        name, message = _exception_record(error)
        ready = ["failed", name, message, isinstance(error, _MemoryError)]
    flush()
    send(ready)
    if ready[0] != "ready":
        finish()
    while True:
        message = receive()
        try:
            reply = answer(message)
        except _BaseException as error:
            reply = raised(error)
        flush()
        send(reply)


def tests_main(req, solution_pid, to_solution, from_solution, results_fd, tests_fd):
    """The tests process: runs the test setup and the tests (trusted task data, which the solution process never
    sees), calling into the solution process for every name the solution defines, and alone writes the outcomes.
    With "capture" it also reports the arguments of every call the tests make to the entry point; with "probe" it
    then calls the entry point on each given input and reports what came back."""
    _monotonic = time.monotonic
    try:
        pidfd = os.pidfd_open(solution_pid)
    except (AttributeError, OSError):
        pidfd = None
    poller = select.poll()
    poller.register(from_solution, select.POLLIN | select.POLLHUP | select.POLLERR)
    if pidfd is not None:
        poller.register(pidfd, select.POLLIN)
    size = os.fstat(tests_fd).st_size
    phases = marshal.loads(os.pread(tests_fd, size, 0))
    os.close(tests_fd)
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".") and not entry.startswith(SCRATCH_ROOT)]
    streams = (sys.stdout, sys.stderr)
    foreign = {}
    # The entry point's handle while its calls are recorded ("capture"), and the phase running now.
    capture = {"ref": None, "kind": "setup", "index": -1, "count": 0}

    def flush():
        for stream in streams:
            try:
                stream.flush()
            except BaseException:
                pass

    def report(obj):
        line = json.dumps(obj) + "\n"
        try:
            write_all(results_fd, line.encode("utf-8"))
        except OSError:
            pass

    def lost():
        """The solution process died or broke the protocol: end without a "done" record, so the run is classified
        by what the solution process did (the zygote waits for it)."""
        flush()
        os._exit(0)

    def read_exact_from_solution(n):
        chunks = []
        while n > 0:
            events = dict(poller.poll())
            if from_solution not in events:
                lost()
            chunk = os.read(from_solution, min(n, 1 << 20))
            if not chunk:
                lost()
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def receive():
        length = struct.unpack(">I", read_exact_from_solution(4))[0]
        if length > MAX_FRAME:
            lost()
        try:
            message = json.loads(read_exact_from_solution(length).decode("utf-8"))
        except (ValueError, RecursionError, MemoryError):
            lost()
        if type(message) is not list or not message or type(message[0]) is not str:
            lost()
        return message

    def rebuilt(message):
        """The exception the solution raised, as this process's own exception of the same type name and message."""
        if len(message) != 4 or type(message[1]) is not str or type(message[2]) is not str:
            lost()
        name, text = message[1], message[2]
        cls = getattr(builtins, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            try:
                args = decode(message[3], resolve) if type(message[3]) is list else [text]
                error = cls(*args)
                if str(error) == text:
                    return error
            except Exception:
                pass
            try:
                error = cls(text)
                if str(error) == text:
                    return error
            except Exception:
                pass
        cls = foreign.get(name)
        if cls is None:
            try:
                cls = type(name, (Exception,), {"__module__": "solution"})
            except (TypeError, ValueError):
                cls = type("SolutionError", (Exception,), {"__module__": "solution"})
            foreign[name] = cls
        return cls(text)

    def request(message):
        try:
            write_all(to_solution, frame(message, json.dumps))
        except OSError:
            lost()
        reply = receive()
        if reply[0] == "ok" and len(reply) >= 2:
            return reply
        if reply[0] == "raise":
            raise rebuilt(reply)
        lost()

    def decoded(node):
        try:
            return decode(node, resolve)
        except (ProtocolError, ValueError, TypeError, RecursionError):
            lost()

    def value(message):
        return decoded(request(message)[1])

    class Remote:
        """An object that lives in the solution process: calls, attributes and a few protocols go there and come
        back as plain data; equality is identity, so no solution object can compare equal to an expected value."""
        __slots__ = ("_curate_ref",)

        def __init__(self, ref):
            object.__setattr__(self, "_curate_ref", ref)

        def __call__(self, *args, **kwargs):
            encoded = [encode(arg, local) for arg in args]
            named_args = {key: encode(arg, local) for key, arg in kwargs.items()}
            if self._curate_ref == capture["ref"]:
                record_call(encoded, named_args)
            reply = request(["call", ["h", self._curate_ref], encoded, named_args])
            result = decoded(reply[1])
            for change in (reply[2] if len(reply) > 2 and type(reply[2]) is list else []):
                if type(change) is not list or len(change) != 2:
                    lost()
                key, node = change
                original = args[key] if type(key) is int and 0 <= key < len(args) else kwargs.get(key) if type(key) is str else None
                carry_back(original, decoded(node))
            return result

        def __getattr__(self, name):
            return value(["getattr", ["h", self._curate_ref], name])

        def __setattr__(self, name, item):
            value(["setattr", ["h", self._curate_ref], name, encode(item, local)])

        def _curate_op(self, name, *args):
            return value(["op", ["h", self._curate_ref], name, [encode(arg, local) for arg in args]])

        def __eq__(self, other):
            return self is other

        def __ne__(self, other):
            return self is not other

        __hash__ = object.__hash__

        def __len__(self):
            return self._curate_op("len")

        def __bool__(self):
            return self._curate_op("bool")

        def __str__(self):
            return self._curate_op("str")

        def __repr__(self):
            return self._curate_op("repr")

        def __getitem__(self, key):
            return self._curate_op("getitem", key)

        def __setitem__(self, key, item):
            self._curate_op("setitem", key, item)

        def __contains__(self, item):
            return self._curate_op("contains", item)

        def __iter__(self):
            return self._curate_op("iter")

        def __next__(self):
            return self._curate_op("next")

    def resolve(node):
        if node[0] == "h" and len(node) == 2 and type(node[1]) is int and node[1] >= 0:
            return Remote(node[1])
        return named(node)

    def local(obj):
        if type(obj) is Remote:
            return ["h", obj._curate_ref]
        node = by_name(obj)
        if node is None:
            raise TypeError("a %s cannot be passed to the solution: only plain data and the solution's own objects "
                            "cross between the tests and the solution" % type(obj).__name__)
        return node

    def carry_back(original, new):
        """Applies the solution's in-place change of an argument to the caller's object."""
        kind = type(original)
        if kind is not type(new):
            return
        if kind is list or kind is bytearray:
            original[:] = new
        elif kind is dict or kind is set:
            original.clear()
            original.update(new)

    def record_call(encoded, named_args):
        """Reports the arguments of one call the tests make to the entry point (capture mode), as tagged JSON text."""
        if capture["count"] >= MAX_CAPTURED_CALLS:
            return
        capture["count"] += 1
        record = {"k": "call", "p": capture["kind"], "i": capture["index"]}
        text = json.dumps(encoded, separators=(",", ":"))
        if named_args:
            record["o"] = "keywords"
        elif len(text) > MAX_CAPTURED_TEXT:
            record["o"] = "too-large"
        else:
            record["o"] = "pass"
            record["a"] = text
        report(record)

    def not_plain(obj):
        raise TypeError("a %s is not plain data" % type(obj).__name__)

    def probe(entry, inputs, views, scope):
        """Calls the entry point on each input (tagged JSON argument lists) and reports, per input, the result as
        tagged JSON and `repr()` of the arguments, of the result and of each view (an expression over
        `_curate_result`), all computed here on the rebuilt plain values; or the exception; or "not plain data"."""
        compiled = []
        for view in views:
            try:
                compiled.append(compile(view, "<view>", "eval"))
            except BaseException as error:
                compiled.append(error)
        for index, node in enumerate(inputs):
            record = {"k": "probe", "i": index}
            try:
                nodes = json.loads(node)
                if type(nodes) is not list:
                    raise TypeError("a probe input is a list of arguments")
                args = [decode(item, named) for item in nodes]
                record["ra"] = printable(", ".join(repr(arg) for arg in args))
                started = _monotonic()
                result = entry(*args)
                record["d"] = _monotonic() - started
                try:
                    text = json.dumps(encode(result, not_plain), separators=(",", ":"))
                except (TypeError, ValueError):
                    record["o"] = "nonplain"
                    record["t"] = printable(type(result).__name__)
                else:
                    if len(text) > MAX_CAPTURED_TEXT:
                        raise OverflowError("the result takes %d bytes as tagged JSON (limit %d)" % (len(text), MAX_CAPTURED_TEXT))
                    record["o"] = "pass"
                    record["r"] = text
                    record["rr"] = printable(repr(literal(result)))
                    record["v"] = [view_outcome(code, result, scope) for code in compiled]
            except BaseException as error:
                name, message = exception_record(error)
                record["o"] = "error"
                record["t"] = printable(name)
                record["m"] = printable(message)
            flush()
            report(record)

    def literal(value):
        """`value` with its Counters and OrderedDicts (inside lists, tuples and dicts) as dicts, which compare equal
        to them, so its repr is a literal the tests can evaluate without importing collections."""
        kind = type(value)
        if kind is dict or kind is collections.Counter or kind is collections.OrderedDict:
            return {literal(key): literal(item) for key, item in dict.items(value)}
        if kind is list:
            return [literal(item) for item in value]
        if kind is tuple:
            return tuple(literal(item) for item in value)
        return value

    def view_outcome(code, result, scope):
        """`repr()` of a view's value for one result ("r"), or the exception it raised ("e")."""
        if isinstance(code, BaseException):
            return {"e": printable("%s: %s" % exception_record(code))}
        try:
            env = dict(scope)
            env["_curate_result"] = result
            return {"r": printable(repr(literal(eval(code, env))))}
        except BaseException as error:
            return {"e": printable("%s: %s" % exception_record(error))}

    def run(kind, index, code, source, scope):
        capture["kind"], capture["index"] = kind, index
        record = {"k": kind, "i": index}
        try:
            if code is None:
                code = compile(source, phase_name(kind, index), "exec")
            exec(code, scope)
            record["o"] = "pass"
        except BaseException as error:
            name, message = exception_record(error)
            record["o"] = "assert" if isinstance(error, AssertionError) else "error"
            record["t"] = printable(name)
            record["m"] = printable(message)
            if isinstance(error, MemoryError):
                record["mem"] = True
        flush()
        report(record)
        return record["o"] == "pass"

    mem = req["memory_mb"] * 1024 * 1024
    prepare_process(req, mem)
    scope = {"__name__": "solution", "__builtins__": builtins}
    ready = receive()
    if ready[0] == "ready" and len(ready) == 2 and type(ready[1]) is dict:
        report({"k": "solution", "i": -1, "o": "pass"})
        for name in req["names"]:
            if name in ready[1]:
                scope[name] = decoded(ready[1][name])
        entry = scope.get(req.get("entry_point") or "")
        if req.get("capture") and type(entry) is Remote:
            capture["ref"] = entry._curate_ref
        completed = True
        for kind, index, code, source in phases:
            if not run(kind, index, code, source, scope) and kind != "test":
                completed = False
                break
        capture["ref"] = None
        if completed and req.get("probe") is not None:
            if type(entry) is Remote:
                probe(entry, req["probe"], req.get("probe_views") or [], scope)
            else:
                report({"k": "probe", "i": -1, "o": "error", "t": "NameError",
                        "m": "the solution defines no function %r to probe" % (req.get("entry_point"),)})
    elif ready[0] == "failed" and len(ready) == 4 and type(ready[1]) is str and type(ready[2]) is str:
        record = {"k": "solution", "i": -1, "o": "error", "t": printable(ready[1]), "m": printable(ready[2])}
        if ready[3] is True:
            record["mem"] = True
        report(record)
    else:
        lost()
    report({"k": "done"})
    flush()
    os._exit(0)


def referenced_names(phases):
    """Every global name the test setup and tests (and functions they define) refer to, except dunder names."""
    names = set()
    stack = [code for _, _, code, _ in phases if code is not None]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        stack.extend(const for const in code.co_consts if type(const) is types.CodeType)
    return {name for name in names if not (name.startswith("__") and name.endswith("__"))}


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
        header, fds, _, _ = socket.recv_fds(sock, 4, CHILD_FDS)
        if len(header) < 4 or len(fds) != CHILD_FDS:
            os._exit(0)
        body = read_exact(sock.recv, struct.unpack(">I", header)[0])
        if body is None:
            os._exit(0)
        req, solution = marshal.loads(body)
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            try:
                gc.enable()
                sock.close()
                child_main(req, solution, fds)
            except BaseException as error:
                try:
                    os.write(2, ("curate harness failure: %r\n" % (error,)).encode())
                except BaseException:
                    pass
            os._exit(70)
        for fd in fds:
            os.close(fd)
        del req, solution, body
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
                if not (int(fields[2]) == pid or int(fields[3]) == pid or (IS_ROOT and owner in (UID, TESTS_UID))):
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
    """Removes everything in `path` but the scratch root."""
    try:
        entries = os.listdir(path)
    except OSError:
        return
    for entry in entries:
        full = os.path.join(path, entry)
        if full != SCRATCH_ROOT:
            remove_tree(full)


def remove_tree(path):
    """Removes `path` and everything under it, however deep: iteratively and by relative names from inside each
    directory (a program can nest directories deeper than Python's recursion limit and than PATH_MAX), making
    unreadable directories readable first; gives up on what cannot be removed instead of looping."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return
    except OSError:
        return
    home = os.open("/", os.O_RDONLY)
    names = []
    stuck = set()
    try:
        os.chmod(path, 0o700)
        os.chdir(path)
        while True:
            descended = False
            try:
                entries = list(os.scandir("."))
            except OSError:
                entries = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    if is_dir and (entry.inode(), os.lstat(entry.name).st_dev) in stuck:
                        continue
                    if not is_dir:
                        os.unlink(entry.name)
                        continue
                    os.chmod(entry.name, 0o700)
                    os.chdir(entry.name)
                except OSError:
                    continue
                names.append(entry.name)
                descended = True
                break
            if descended:
                continue
            if not names:
                break
            here = os.lstat(".")
            os.chdir("..")
            name = names.pop()
            try:
                os.rmdir(name)
            except OSError:
                stuck.add((here.st_ino, here.st_dev))
        os.fchdir(home)
        os.rmdir(path)
    except OSError:
        pass
    finally:
        os.fchdir(home)
        os.close(home)


def anonymous_file(name):
    """An anonymous file (the child's outcome records, the tests): a memfd, or an unlinked temporary file where
    there is none."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create(name, os.MFD_CLOEXEC)
    fd, path = tempfile.mkstemp(dir=SCRATCH_ROOT)
    os.unlink(path)
    return fd


def phase_name(kind, index):
    return "<%s>" % (kind if index < 0 else "test %d" % index)


def compiled_request(req):
    """What the zygote gets (the child's settings and the compiled solution, marshalled) and what only the tests
    process reads (the compiled setup and tests). Compiling in the supervisor (whose pages no child shares) spares
    the zygote the copy-on-write faults of compiling between forks; a phase that does not compile travels as source,
    and is compiled again under the limits to report the error."""
    settings = {name: req.get(name) for name in CHILD_SETTINGS}
    sources = [("solution", -1, req["solution"]), ("setup", -1, req["setup"])]
    sources += [("test", index, test) for index, test in enumerate(req["tests"])]
    phases = []
    for kind, index, source in sources:
        try:
            phases.append((kind, index, compile(source, phase_name(kind, index), "exec"), None))
        except BaseException:
            phases.append((kind, index, None, source))
    names = referenced_names(phases[1:]) | ({req.get("entry_point")} if req.get("probe") is not None else set())
    settings["names"] = sorted(names - (set(vars(builtins)) - {req.get("entry_point")}) - {None})
    solution = phases[0][2:]
    return marshal.dumps((settings, solution)), marshal.dumps(tuple(phases[1:]))


def execute(body):
    req = json.loads(body)
    payload, tests = compiled_request(req)
    cap = req["max_output"]
    keep = min(cap, req["keep_output"])
    if os.path.lexists(SCRATCH):
        remove_tree(SCRATCH)
    os.mkdir(SCRATCH, 0o700)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    results = anonymous_file("curate-results")
    tests_fd = anonymous_file("curate-tests")
    write_all(tests_fd, tests)
    start = time.monotonic()
    socket.send_fds(ZYGOTE, [struct.pack(">I", len(payload))], [out_w, err_w, results, tests_fd])
    ZYGOTE.sendall(payload)
    for fd in (out_w, err_w, tests_fd):
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
        try:
            records.append(json.loads(line))
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
    remove_tree(SCRATCH)
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
