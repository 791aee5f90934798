"""rntest - shared helpers of renacer's integration tests (stdlib only).

Each test script is run by ctest as

    python3 test_X.py --renacer PATH/TO/renacer --fixtures BUILD/tests/fixtures

and may be run by hand the same way; `-k SUBSTRING` runs only the checks
whose name contains SUBSTRING, `-v` prints every trace it parses.

What is here:
  * argument parsing and a tiny check runner (`main(checks)`): every check
    is a function; an AssertionError fails it with its message, every
    check runs, the script exits 1 if any failed (77 = skipped, for ctest);
  * running the tracer (`run`, `trace_o`, `trace_stdout`) with a timeout,
    RLIMIT_CORE = 0 and a private temporary directory;
  * parsing strace-format text into `Line(pid, text, raw)`:
      - "[pid  1234] text"  (stdout, several live tracees) -> pid 1234
      - "1234  text"        (-o FILE with -f / several -p)  -> pid 1234
      - "text"              (a single tracee)               -> pid None
    Lines that are not trace lines (the traced program's own output, when
    both go to stdout) are kept apart in `Trace.other`;
  * joining "<unfinished ...>" with the same pid's "<... name resumed>";
  * normalisation for the differential test (pids as positions in the
    process tree, hex as ADDR, no column padding).
"""

import argparse
import collections
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback

# ---------------------------------------------------------------- options

ARGS = None


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--renacer", required=True, help="the tracer under test")
    p.add_argument("--fixtures", required=True,
                   help="directory of the built fixture programs")
    p.add_argument("--renacer-opt", action="append", default=[],
                   help="an extra option given to renacer first on every run "
                        "(repeatable; --renacer-opt=--workers --renacer-opt=1)")
    p.add_argument("--strace", default="strace",
                   help="the reference tracer (differential test)")
    p.add_argument("-k", dest="only", default=None,
                   help="run only the checks whose name contains this")
    p.add_argument("-v", dest="verbose", action="store_true",
                   help="print every trace parsed")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory")
    return p.parse_args(argv)


# Sanitized builds run slower: ctest sets RN_TIMEOUT_SCALE (3 for ASan, 4
# for TSan) and every time limit of run() and wait_for() is multiplied by it.
SCALE = float(os.environ.get("RN_TIMEOUT_SCALE") or 1)


def scaled(seconds):
    """A time limit, scaled for sanitized builds (None stays None)."""
    return None if seconds is None else seconds * SCALE


def renacer_cmd():
    """renacer and the --renacer-opt options: the start of every command."""
    return [ARGS.renacer] + ARGS.renacer_opt


def fixture(name):
    path = os.path.join(ARGS.fixtures, name)
    if not os.access(path, os.X_OK):
        raise AssertionError("fixture %s not built (looked for %s)" % (name, path))
    return path


# ---------------------------------------------------------------- checks

class Skip(Exception):
    """Raised by a check that cannot run here (exit code 77 if all skip)."""


def main(checks):
    """Run every check (a list of functions), report, exit 0/1/77."""
    global ARGS, TMP
    ARGS = parse_args()
    ARGS.renacer = os.path.abspath(ARGS.renacer)
    ARGS.fixtures = os.path.abspath(ARGS.fixtures)
    TMP = tempfile.mkdtemp(prefix="rntest.")
    _become_subreaper()
    failed, skipped, ran = [], [], 0
    for fn in checks:
        _reap_orphans()
        name = fn.__name__
        if ARGS.only and ARGS.only not in name:
            continue
        ran += 1
        t0 = time.monotonic()
        try:
            fn()
        except Skip as e:
            skipped.append(name)
            print("SKIP %s: %s" % (name, e), flush=True)
            continue
        except AssertionError as e:
            failed.append(name)
            print("FAIL %s (%.1fs)\n%s" % (name, time.monotonic() - t0,
                                           indent(str(e) or traceback.format_exc())),
                  flush=True)
            continue
        except Exception:
            failed.append(name)
            print("FAIL %s: unexpected exception\n%s" % (name, indent(traceback.format_exc())),
                  flush=True)
            continue
        print("ok   %s (%.1fs)" % (name, time.monotonic() - t0), flush=True)
    _reap_orphans()
    if not ARGS.keep:
        subprocess.run(["rm", "-rf", TMP])
    else:
        print("kept %s" % TMP)
    print("%d checks: %d failed, %d skipped" % (ran, len(failed), len(skipped)))
    if failed:
        print("failed: " + " ".join(failed))
        sys.exit(1)
    if ran and len(skipped) == ran:
        sys.exit(77)
    sys.exit(0)


def _become_subreaper():
    """Processes orphaned by a check (children of a killed fixture) become
    ours instead of init's, so that _reap_orphans leaves no zombie behind."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except Exception:
        pass


def _reap_orphans():
    """Reap whatever child is left over (between checks: every Popen of the
    previous check has been waited for)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def indent(s, pfx="    "):
    return "\n".join(pfx + l for l in s.rstrip("\n").split("\n"))


def check(cond, msg, trace=None):
    """assert with a message; appends (the tail of) a trace on failure."""
    if not cond:
        if trace is not None:
            msg += "\n" + trace.dump()
        raise AssertionError(msg)


def check_eq(actual, expected, what, trace=None):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual), trace)


# ---------------------------------------------------------------- running

TMP = None
_counter = 0


def tmpfile(stem):
    global _counter
    _counter += 1
    return os.path.join(TMP, "%s.%d" % (stem, _counter))


def _no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Result:
    """One run: rc (negative = killed by that signal, as subprocess says),
    out / err (text), trace (Trace, from the -o file or from stdout)."""

    def __init__(self, cmd, rc, out, err, trace=None, ofile=None):
        self.cmd, self.rc, self.out, self.err = cmd, rc, out, err
        self.trace, self.ofile = trace, ofile

    def describe(self):
        return "command: %s\nexit status: %s\nstderr:\n%s" % (
            " ".join(shlex.quote(c) for c in self.cmd), self.rc,
            indent(self.err or "(empty)"))


def run(cmd, timeout=60, stdin=subprocess.DEVNULL, env=None, cwd=None):
    """Run cmd, return Result (no trace parsing). A timeout (scaled) is a
    failure."""
    timeout = scaled(timeout)
    try:
        p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env,
                           cwd=cwd or TMP, preexec_fn=_no_core)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        raise AssertionError("timed out after %ss: %s\nstdout so far:\n%s" % (
            timeout, " ".join(shlex.quote(c) for c in cmd), indent(out[-3000:])))
    return Result(cmd, p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"))


def trace_o(opts, cmd, timeout=60, **kw):
    """renacer OPTS -o FILE -- CMD; parses FILE (prefixes "1234  ")."""
    ofile = tmpfile("trace")
    full = renacer_cmd() + list(opts) + ["-o", ofile, "--"] + list(cmd)
    r = run(full, timeout=timeout, **kw)
    text = read_text(ofile) if os.path.exists(ofile) else ""
    r.trace = Trace(text, origin=r.describe())
    r.ofile = ofile
    if ARGS.verbose:
        print(r.describe() + "\n" + r.trace.dump(limit=None))
    return r


def trace_stdout(opts, cmd, timeout=60, **kw):
    """renacer OPTS -- CMD with the trace on stdout ("[pid  1234] " prefixes).
    The traced program's own output (same stdout) is taken out of the trace
    lines (see unsplice): r.trace.program_output() has it."""
    full = renacer_cmd() + list(opts) + ["--"] + list(cmd)
    r = run(full, timeout=timeout, **kw)
    r.trace = Trace(r.out, origin=r.describe(), unsplice_fd=1)
    if ARGS.verbose:
        print(r.describe() + "\n" + r.trace.dump(limit=None))
    return r


def read_text(path):
    """The file's text ('' while it does not exist yet)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def wait_for(pred, timeout, step=0.02):
    """Poll pred() until true (returns its value) or timeout (scaled;
    returns None)."""
    end = time.monotonic() + scaled(timeout)
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            return None
        time.sleep(step)


def proc_state(pid):
    """The state letter of /proc/PID/stat (R S D T t Z ...), None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(")") + 2]


def tracer_pid(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for l in f:
                if l.startswith("TracerPid:"):
                    return int(l.split()[1])
    except OSError:
        return None
    return None


def count_lines(path):
    """Lines in the file so far (0 while it does not exist)."""
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def not_stopped(pids, what):
    """pids (one pid or several) running free for ~0.5 s, watched together:
    state S or R, no tracer."""
    pids = [pids] if isinstance(pids, int) else list(pids)
    for _ in range(10):
        for pid in pids:
            st = proc_state(pid)
            check(st in ("S", "R"), "%s: process %d is in state %r (must be S or R)"
                  % (what, pid, st))
        time.sleep(0.05)
    for pid in pids:
        check_eq(tracer_pid(pid), 0, "%s: TracerPid of %d" % (what, pid))


class Sleeper:
    """A running fixtures/sleeper writing "tick N" lines to its own file
    (a target for -p, or a process that must be left running)."""

    def __init__(self):
        self.file = tmpfile("ticks")
        self.p = subprocess.Popen([fixture("sleeper"), self.file], stdout=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, cwd=TMP)
        line = self.p.stdout.readline().decode()
        m = re.match(r"^sleeper (\d+)$", line)
        if not m:
            self.stop()
            raise AssertionError("sleeper did not start: %r" % line)
        self.pid = int(m.group(1))
        check_eq(self.pid, self.p.pid, "sleeper pid")
        check(wait_for(lambda: self.ticks() >= 1, 5), "sleeper does not tick")

    def ticks(self):
        return count_lines(self.file)

    def check_free_and_running(self, what):
        """Not stopped, not traced (checked for ~0.5 s), still ticking."""
        not_stopped(self.pid, what)
        n = self.ticks()
        check(wait_for(lambda: self.ticks() >= n + 3, 5),
              "%s: sleeper %d stopped ticking" % (what, self.pid))
        check(self.p.poll() is None, "%s: sleeper died: %r" % (what, self.p.returncode))

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


# ---------------------------------------------------------------- parsing

Line = collections.namedtuple("Line", "pid text raw")

_RE_BRACKET = re.compile(r"^\[pid +(\d+)\] (.*)$")
_RE_NUMERIC = re.compile(r"^(\d+) +(.*)$")
# What a trace line looks like once its pid prefix is gone.
_RE_TRACE = re.compile(r"^(?:[a-z_][a-z0-9_]*\(|<\.\.\. |--- |\+\+\+ )")
_RE_UNFINISHED = re.compile(r"^(.*?) ?<unfinished \.\.\.>$")
_RE_RESUMED = re.compile(r"^<\.\.\. ([a-z_0-9]+) resumed>(.*)$")
_RE_SYSCALL = re.compile(r"^([a-z_][a-z0-9_]*)\((.*)$")


class Trace:
    """Parsed strace-format text.

    lines: trace lines in order (Line(pid, text, raw)); pid None = no prefix.
    other: the other lines (program output mixed into stdout).
    joined: lines with every "<unfinished ...>" merged with its
            "<... name resumed>" (same pid), at the position of the resumed
            half; unmatched halves are kept as they are.
    """

    def __init__(self, text, origin="", unsplice_fd=None):
        self.text = text
        self.origin = origin
        self.lines, self.other = [], []
        self.spliced = []
        if unsplice_fd is not None:
            text, self.spliced = unsplice(text, unsplice_fd)
        for raw in text.split("\n"):
            if raw == "":
                continue
            m = _RE_BRACKET.match(raw) or _RE_NUMERIC.match(raw)
            if m and _RE_TRACE.match(m.group(2)):
                self.lines.append(Line(int(m.group(1)), m.group(2), raw))
            elif _RE_TRACE.match(raw):
                self.lines.append(Line(None, raw, raw))
            else:
                self.other.append(raw)
        self.joined = join_unfinished(self.lines)

    def attribute_unprefixed(self, pid):
        """Give the unprefixed lines (printed while one tracee was alive) to
        pid; for stdout traces where that tracee is known to be pid."""
        self.lines = [l._replace(pid=pid) if l.pid is None else l for l in self.lines]
        self.joined = join_unfinished(self.lines)

    def program_output(self):
        """The traced program's output found in a shared stdout: the
        payloads unspliced from write heads, then the lines that were not
        trace lines (as text; order between the two kinds is lost)."""
        return "".join(self.spliced) + "".join(l + "\n" for l in self.other)

    # -- queries (on joined lines unless said otherwise)
    def pids(self):
        """Distinct pids in order of first appearance (None excluded)."""
        seen = []
        for l in self.lines:
            if l.pid is not None and l.pid not in seen:
                seen.append(l.pid)
        return seen

    def of(self, pid, joined=True):
        return [l.text for l in (self.joined if joined else self.lines) if l.pid == pid]

    def texts(self, joined=True):
        return [l.text for l in (self.joined if joined else self.lines)]

    def find(self, regex, joined=True):
        """Lines (Line) whose text matches regex (re.search)."""
        r = re.compile(regex)
        return [l for l in (self.joined if joined else self.lines) if r.search(l.text)]

    def exits(self):
        """[(pid, 'exited with 3' | 'killed by SIGKILL' | ...)] in order."""
        out = []
        for l in self.lines:
            m = re.match(r"^\+\+\+ (exited with \d+|killed by SIG[A-Z0-9]+(?: \(core dumped\))?) \+\+\+$",
                         l.text)
            if m:
                out.append((l.pid, m.group(1)))
        return out

    def retval(self, text):
        """The return value (an int) of a complete syscall line, or None."""
        m = re.search(r"\) += (-?\d+)(?: [A-Z]|$)", text)
        return int(m.group(1)) if m else None

    def dump(self, limit=80):
        lines = self.text.rstrip("\n").split("\n")
        head = "trace (%d lines%s) from\n%s\n" % (
            len(lines), "" if limit is None or len(lines) <= limit
            else ", last %d shown" % limit, indent(self.origin))
        if limit is not None:
            lines = lines[-limit:]
        return head + indent("\n".join(lines) or "(empty)", "  | ")


_RE_WRITE_HEAD = re.compile(r'write\(%s, ("(?:[^"\\]|\\.)*")(\.\.\.)?, (\d+)')


def unquote(q):
    """Inverse of squote for the quoted part (without a trailing ...)."""
    body, out, i = q[1:-1], bytearray(), 0
    simple = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
        elif body[i + 1] in simple:
            out.append(simple[body[i + 1]])
            i += 2
        else:
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
    return bytes(out)


def unsplice(text, fd):
    """Take the traced program's own output out of a trace that shares its
    stdout.

    The tracer writes a line in pieces (strace prints `write(1, "...", N`
    when the call starts and the rest when it returns, or " <unfinished
    ...>" when another tracee's event comes first), and the program's
    output lands between two such writes: right after the head of its own
    write(1, ...) as with strace, or anywhere else if the tracer prints
    later than the events happen.  Every such output is the payload of a
    `write(FD, "...", N)` line of the trace; fixtures only write whole lines,
    one write(2) per line, so a payload is N bytes ending in a raw newline,
    which a trace line (where it is escaped as \\n) cannot contain.  Each
    payload is looked up (by its text, or its -s prefix and its length when
    the trace cut it) and removed.  Returns (text without the payloads,
    [the payloads, in the order of their write lines])."""
    rx = re.compile(_RE_WRITE_HEAD.pattern % fd)
    heads = []
    for m in rx.finditer(text):
        n = int(m.group(3))
        want = unquote(m.group(1)).decode("utf-8", "replace")
        if n <= 0 or not want:
            continue
        if m.group(2):  # cut at -s: prefix + the rest of one line
            k = n - len(want)
            if k < 1:
                continue
            heads.append(re.compile(re.escape(want) + "[^\n]{%d}\n" % (k - 1)))
        elif want.endswith("\n"):
            heads.append(re.compile(re.escape(want)))
    taken = []
    for h in heads:
        m = h.search(text)
        if m:
            taken.append(m.group(0))
            text = text[:m.start()] + text[m.end():]
    return text, taken


def join_unfinished(lines):
    """Merge "name(args <unfinished ...>" with the next
    "<... name resumed>rest" of the same pid into "name(args" + "rest",
    placed where the resumed half was.  An unfinished line never resumed
    (the tracee was killed, or detached) stays where it was, as it is."""
    out = []
    pending = {}  # pid -> (name, head, index of the unfinished line in out)
    for l in lines:
        m = _RE_UNFINISHED.match(l.text)
        mc = _RE_SYSCALL.match(l.text)
        if m and mc:
            pending[l.pid] = (mc.group(1), m.group(1), len(out))
            out.append(l)
            continue
        m = _RE_RESUMED.match(l.text)
        if m and l.pid in pending and pending[l.pid][0] == m.group(1):
            name, head, idx = pending.pop(l.pid)
            first = out[idx]
            out[idx] = None
            out.append(Line(l.pid, head + m.group(2), first.raw + "\n" + l.raw))
            continue
        out.append(l)
    return [l for l in out if l is not None]


def squote(data, limit=None):
    """bytes (or str) quoted as strace prints them: "..." with \\t \\n \\v
    \\f \\r \\" \\\\ escapes, other non-printable bytes in octal (three
    digits when an octal digit follows), cut at `limit` bytes with a
    trailing ... as -s does."""
    if isinstance(data, str):
        data = data.encode()
    cut = limit is not None and len(data) > limit
    if cut:
        data = data[:limit]
    esc = {9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\"}
    out = []
    for i, b in enumerate(data):
        if b in esc:
            out.append(esc[b])
        elif 0x20 <= b < 0x7f:
            out.append(chr(b))
        else:
            nxt = data[i + 1] if i + 1 < len(data) else None
            if nxt is not None and 0x30 <= nxt <= 0x37:
                out.append("\\%03o" % b)
            else:
                out.append("\\%o" % b)
    return '"' + "".join(out) + '"' + ("..." if cut else "")


# The spacing strace puts before " = ": the call is padded with spaces to
# column 39 of the whole line (pid prefix included), then " = ".
_RE_PADDED = re.compile(r"^(.*\)) +(= .*)$")


def alignment_errors(trace):
    """Raw lines whose ' = ' is not where strace would put it."""
    bad = []
    for l in trace.lines:
        m = _RE_PADDED.match(l.raw)
        if not m:
            continue
        head = m.group(1)
        want = head + " " * max(0, 39 - len(head)) + " " + m.group(2)
        if l.raw != want:
            bad.append(l.raw)
    return bad


# ---------------------------------------------------------------- normalising

_CREATORS = ("clone", "clone3", "fork", "vfork")


def process_tree_labels(joined, root=None):
    """Map pid -> label: the root (first pid, or `root`) is P1, the k-th
    child/thread created by process X (k-th successful clone/clone3/fork/vfork
    of X in X's own line order) is X.k.  Deterministic across runs and
    tracers, unlike first-seen order.  Pids that no creator line explains get
    '?N' in order of first appearance."""
    pids = []
    for l in joined:
        if l.pid is not None and l.pid not in pids:
            pids.append(l.pid)
    if not pids:
        return {}
    children = collections.defaultdict(list)
    for l in joined:
        mc = _RE_SYSCALL.match(l.text)
        if mc and mc.group(1) in _CREATORS:
            m = re.search(r"\) += (\d+)$", l.text)
            if m and int(m.group(1)) > 0:
                children[l.pid].append(int(m.group(1)))
    labels = {}
    root = pids[0] if root is None else root
    todo = [(root, "P1")]
    while todo:
        pid, lab = todo.pop(0)
        if pid in labels:
            continue
        labels[pid] = lab
        for k, c in enumerate(children.get(pid, []), 1):
            todo.append((c, "%s.%d" % (lab, k)))
    n = 0
    for p in pids:
        if p not in labels:
            n += 1
            labels[p] = "?%d" % n
    return labels


# A child's CPU time in a SIGCHLD's siginfo, in clock ticks: "si_utime=0"
# or, once the child used a tick, "si_utime=3 /* 0.03 s */" (strace and
# renacer alike).  Whether a short-lived child used a tick depends on the
# machine's load, not on the tracer: the number and its comment go together.
_RE_CPU_TIME = re.compile(r"(si_[us]time)=\d+(?: /\* \d+\.\d+ s \*/)?")


def mask_cpu_times(text):
    """text with every si_utime=/si_stime= value, and the seconds comment
    that follows a non-zero one, as "si_utime=N"."""
    return _RE_CPU_TIME.sub(r"\1=N", text)


def normalize(trace, marker=None, extra_pids=None, subst_pids=True):
    """Lines of a Trace as comparable strings "LABEL text".

    - lines before the first one containing `marker` (file order) dropped;
    - unfinished/resumed joined; pids -> process_tree_labels, also inside
      the text (return values, buffers, si_pid=...);
    - extra_pids: {pid: label} for pids that are not tracees (the tracer);
    - 0x... -> ADDR; si_utime/si_stime values -> N (mask_cpu_times);
    - the column padding before " = " reduced to one space.
    With subst_pids false, the numbers in the text are left as they are
    (only the line's own pid becomes its label): a number that happens to
    equal a pid (a size, a port) then compares as itself."""
    lines = trace.lines
    if marker is not None:
        for i, l in enumerate(lines):
            if marker in l.text:
                lines = lines[i:]
                break
        else:
            lines = []
    joined = join_unfinished(lines)
    labels = process_tree_labels(joined)
    labels.update(extra_pids or {})

    out = []
    for l in joined:
        t = _RE_PADDED.sub(r"\1 \2", l.text)
        t = re.sub(r"0x[0-9a-f]+", "ADDR", t)
        t = mask_cpu_times(t)
        if labels and subst_pids:
            t = pid_labels_in(t, labels)
        out.append("%s %s" % (labels.get(l.pid, "-") if l.pid is not None else "-", t))
    return out


# Syscalls whose leading arguments may be pids (name -> how many of them),
# and those whose return value is one.  Elsewhere a number that happens to
# equal a pid (an mmap length of 24576 when a tracee is pid 24576: a CI
# flake) is a size, not a pid.
_PID_ARGS = {
    "kill": 1, "tkill": 1, "tgkill": 2, "wait4": 1, "waitid": 2,
    "ptrace": 2, "setpgid": 2, "getpgid": 1, "getsid": 1, "prlimit64": 1,
    "sched_setaffinity": 1, "sched_getaffinity": 1,
    "sched_setscheduler": 1, "sched_getscheduler": 1, "sched_setparam": 1,
    "sched_getparam": 1, "sched_setattr": 1, "sched_getattr": 1,
    "sched_rr_get_interval": 1, "getpriority": 2, "setpriority": 2,
    "ioprio_get": 2, "ioprio_set": 2, "pidfd_open": 1,
    "rt_sigqueueinfo": 1, "rt_tgsigqueueinfo": 2, "process_vm_readv": 1,
    "process_vm_writev": 1, "kcmp": 2, "get_robust_list": 1,
    "move_pages": 1, "migrate_pages": 1, "perf_event_open": 2}
_PID_RET_CALLS = frozenset(_CREATORS + (
    "wait4", "waitid", "getpid", "getppid", "gettid", "set_tid_address",
    "getpgid", "getpgrp", "getsid", "setsid"))
_RE_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
_RE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_RE_PID_FIELD = re.compile(r"[pt]id=\[?$")  # si_pid=, parent_tid=[, shm_cpid=
_RE_STRING_LEN = re.compile(r'", (\d+)\) = \1$')
_RE_RETVAL = re.compile(r"\) = (\d+)")


def pid_labels_in(t, labels):
    """t with the numbers standing for pids replaced by their labels: all of
    them on a line that is not a syscall (+++, ---) and inside quoted
    strings (a fixture writes its pid) and after a field named *pid= or
    *tid= (si_pid=, parent_tid=[...]); in a syscall's arguments only for
    the leading arguments of the calls that take pids; as the return value
    only for the calls that return one.  A pid never has a leading zero (mode 0600 stays 0600)."""
    mc = _RE_SYSCALL.match(t)
    name = mc.group(1) if mc else None
    spans = [m.span() for m in _RE_QUOTED.finditer(t)]
    mr = _RE_RETVAL.search(t)
    ret_at = mr.start(1) if mr else -1
    # End of the leading arguments that may be pids: after the k-th comma
    # outside brackets and strings.
    args_end = -1
    if name in _PID_ARGS:
        args_end, depth, left = len(t), 0, _PID_ARGS[name]
        for i in range(mc.start(2), len(t)):
            if any(a <= i < b for a, b in spans):
                continue
            c = t[i]
            if c in "[{(":
                depth += 1
            elif c in "]})":
                if depth == 0:
                    args_end = i
                    break
                depth -= 1
            elif c == "," and depth == 0:
                left -= 1
                if left == 0:
                    args_end = i
                    break

    in_string = []

    def sub(m):
        s = m.group(0)
        if len(s) > 1 and s[0] == "0":
            return s
        v = int(s)
        if v not in labels:
            return s
        at = m.start()
        if any(a <= at < b for a, b in spans):
            in_string.append(v)
            return labels[v]
        if (name is None or at < args_end or
                (at == ret_at and (name in _PID_RET_CALLS or
                                   (name == "semctl" and "GETPID" in t))) or
                _RE_PID_FIELD.search(t, max(0, at - 6), at)):
            return labels[v]
        return s
    t = _RE_NUMBER.sub(sub, t)
    if in_string:
        # The string's length depends on how many digits the pid had:
        # write(1, "child 999\n", 10) = 10 and "child 1001\n", 11) = 11.
        t = _RE_STRING_LEN.sub(r'", LEN) = LEN', t)
    return t
