#!/usr/bin/env python3
"""Filters against strace 6.1: -e trace=/status=/signal=/quiet=, -z, -Z,
-q/-qq and -P, with -f, on fixtures whose lines per process do not depend
on scheduling.  Each expression is run under strace and under renacer twice:
with seccomp-bpf (renacer's default when the set leaves syscalls out) and
with --no-seccomp-bpf (filtered in the tracer); all three traces must hold
EXACTLY the same lines, process by process, after normalisation (below).
Also: the seccomp filter is really installed (the tracee's own
/proc/self/status says "Seccomp: 2", as under strace --seccomp-bpf) and
untraced calls do not stop the tracee (its voluntary context switches);
-p with -e trace= (filtered in the tracer); bad expressions refused before
anything runs with strace's message; strace's default quiet set
(-o FILE with a command implies -q).

Normalisation (canon): unfinished/resumed joined; pids labelled P1, P1.1 ...
by their place in the process tree when the trace shows the creating calls
(rntest.process_tree_labels), otherwise Q1, Q2 ... by the rank of their own
lines with pids masked (processes with identical lines share a label); the
tracer's pid (what the root's getppid returns) TRACER; 0x... ADDR; the
padding before ' = ' one space; si_utime/si_stime N.  Processes are
compared as ordered sequences of lines each: only the interleaving of
processes, which is scheduling, is left out.
"""
import difflib
import os
import re
import shutil
import signal
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

# renacer's two ways of filtering; both must print what strace prints.
MODES = (("seccomp", []), ("tracer", ["--no-seccomp-bpf"]))


def strace_path():
    s = shutil.which(T.ARGS.strace)
    if not s:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    return s


class Run:
    def __init__(self, who, cmd, rc, out, err, trace, tracer_pid):
        self.who, self.cmd, self.rc, self.out, self.err = who, cmd, rc, out, err
        self.trace, self.tracer_pid = trace, tracer_pid

    def describe(self):
        return "%s: %s (exit status %s)" % (self.who, " ".join(self.cmd), self.rc)


def run_tracer(who, prefix, opts, argv, timeout=60):
    """PREFIX -f OPTS -o FILE -- ARGV in the scratch directory."""
    ofile = T.tmpfile(who.replace(" ", "_"))
    cmd = list(prefix) + ["-f"] + list(opts) + ["-o", ofile, "--"] + list(argv)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, cwd=T.TMP, preexec_fn=T._no_core)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise AssertionError("%s timed out: %s" % (who, " ".join(cmd)))
    trace = T.Trace(T.read_text(ofile), origin=" ".join(cmd))
    r = Run(who, cmd, p.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"), trace, p.pid)
    if T.ARGS.verbose:
        print(r.describe() + "\n" + trace.dump(limit=None))
    return r


# ---------------------------------------------------------------- normalising

_RE_PADDED = re.compile(r"^(.*\)) +(= .*)$")
# Where a pid of a process without a line of its own can appear.
_RE_PID_SPOTS = [
    re.compile(r"(si_pid=)(\d+)"),
    re.compile(r"^((?:kill|tkill|wait4|waitid|pidfd_open)\()(\d+)"),
    re.compile(r"^((?:clone3?|v?fork|wait4|waitid)\(.*\) = )(\d+)$"),
]


def _plain(text):
    t = _RE_PADDED.sub(r"\1 \2", text)
    t = re.sub(r"0x[0-9a-f]+", "ADDR", t)
    return T.mask_cpu_times(t)


def canon(trace, tracer_pid):
    """{label: [normalised lines of that process, in order]}."""
    joined = trace.joined
    pids = trace.pids()
    known = set(pids)

    def sub(text, labels):
        t = T.pid_labels_in(_plain(text), labels)
        for rx in _RE_PID_SPOTS:
            t = rx.sub(lambda m: m.group(1) + ("PID" if m.group(2).isdigit() else m.group(2)), t)
        return t

    # The tracer's pid shows only as the root's getppid() result; masked
    # there alone (elsewhere the same number is a size: mmap(NULL, 8192...)
    # with a tracer of pid 8192).
    tracers = {tracer_pid}
    for l in joined:  # the root's parent, when a wrapper runs the tracer
        m = re.match(r"^getppid\(\) += (\d+)$", l.text)
        if m and int(m.group(1)) not in pids:
            tracers.add(int(m.group(1)))
    labels = {}

    def line(text, labels):
        m = re.match(r"^(getppid\(\) += )(\d+)$", text)
        if m and int(m.group(2)) in tracers:
            return m.group(1) + "TRACER"
        return sub(text, labels)

    if joined and joined[0].text.startswith("execve("):
        for pid, lab in T.process_tree_labels(joined).items():
            if not lab.startswith("?"):
                labels[pid] = lab
    rest = [p for p in pids if p not in labels]
    if rest:
        masked = dict((p, tuple(line(l.text, dict((k, "PID") for k in known)) for l in joined
                                if l.pid == p)) for p in rest)
        ranks = sorted(set(masked.values()))
        for p in rest:
            labels[p] = "Q%d" % (ranks.index(masked[p]) + 1)
    out = {}
    for l in joined:
        lab = labels.get(l.pid, "-") if l.pid is not None else "P1"
        out.setdefault(lab, []).append(line(l.text, labels))
    return out


def diff_canon(a, b, name_a, name_b):
    """'' if equal, else a readable per-process diff."""
    if a == b:
        return ""
    parts = []
    for lab in sorted(set(a) | set(b)):
        la, lb = a.get(lab, []), b.get(lab, [])
        if la != lb:
            d = difflib.unified_diff(la, lb, name_a + " " + lab, name_b + " " + lab, lineterm="", n=2)
            parts.append("\n".join(list(d)[:60]))
    return "\n".join(parts)


def dump_canon(c):
    return "\n".join("%s %s" % (lab, l) for lab in sorted(c) for l in c[lab])


# ---------------------------------------------------------------- comparing

def file_size_masked(c):
    """A canonical trace with each process's st_size of a file it fstat'ed,
    and the length of its mmap of that size, as SIZE; a process's mmap of
    another length keeps its number (and then differs from strace's).  For
    a file another program may rewrite between the runs (/etc/ld.so.cache,
    by ldconfig after an apt-get): the calls, their descriptors and that
    each tracer's mmap maps what its fstat measured are still compared."""
    out = {}
    for lab, lines in c.items():
        sizes = set(m.group(1) for l in lines for m in re.finditer(r"\bst_size=(\d+)", l))
        fixed = []
        for l in lines:
            l = re.sub(r"\bst_size=\d+", "st_size=SIZE", l)
            m = re.match(r"^(mmap\([^,]+, )(\d+)(,.*)$", l)
            if m and m.group(2) in sizes:
                l = m.group(1) + "SIZE" + m.group(3)
            fixed.append(l)
        out[lab] = fixed
    return out


def strace_lost_a_resumed_half(trace):
    """True when strace left a call "<unfinished ...>" in a process that
    went on to make other calls: it never printed the call's end.  strace
    6.1 does this now and then under -z on a busy machine (a wait4 that
    another process's lines interrupted, and that then succeeded); the
    oracle is run again rather than the comparison weakened."""
    seen_later = set()
    for l in reversed(trace.joined):
        if T._RE_UNFINISHED.match(l.text) and l.pid in seen_later:
            return True
        if not l.text.startswith(("+++ ", "--- ")):
            seen_later.add(l.pid)
    return False


def compare(opts, argv, rc=0, modes=MODES, min_lines=1, fix=None):
    """strace -f OPTS and renacer -f [mode] OPTS on argv: the same lines
    (after fix(canonical trace), when given).  Returns strace's canonical
    trace."""
    fix = fix or (lambda c: c)
    s = run_tracer("strace", [strace_path()], opts, argv)
    for _ in range(2):
        if not strace_lost_a_resumed_half(s.trace):
            break
        s = run_tracer("strace", [strace_path()], opts, argv)
    check_eq(s.rc, rc, "strace's exit status (%s; stderr %r)" % (s.describe(), s.err[-400:]))
    sc = fix(canon(s.trace, s.tracer_pid))
    n = sum(len(v) for v in sc.values())
    check(n >= min_lines, "strace printed %d lines (expected >= %d): %s\n%s"
          % (n, min_lines, s.describe(), s.trace.dump()))
    for mode, mopts in modes:
        r = run_tracer("renacer " + mode, T.renacer_cmd(), mopts + list(opts), argv)
        check_eq(r.rc, rc, "renacer's exit status (%s; stderr %r)" % (r.describe(), r.err[-400:]))
        rcanon = fix(canon(r.trace, r.tracer_pid))
        d = diff_canon(sc, rcanon, "strace", "renacer(%s)" % mode)
        check(not d, "renacer -f %s differs from strace -f %s on %s:\n%s\n%s"
              % (" ".join(mopts + list(opts)), " ".join(opts), " ".join(os.path.basename(a) for a in argv),
                 T.indent(d), r.trace.dump(30)))
        # (its lines sorted: three_children's order is scheduling)
        check_eq(sorted(re.sub(r"\d+", "N", r.out).split("\n")), sorted(re.sub(r"\d+", "N", s.out).split("\n")),
                 "the program's output under renacer (%s) and strace" % mode)
    return sc


def mix(*opts, **kw):
    return compare(list(opts), [fixture("filter_mix")], **kw)


class Collect:
    """Runs several comparisons of one check and reports every failure, not
    only the first: `c = Collect(); x = c(mix, "-z"); ...; c.done()`.
    A failed call returns None."""

    def __init__(self):
        self.errs = []

    def __call__(self, fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except AssertionError as e:
            self.errs.append(str(e))
            return None

    def done(self):
        check(not self.errs, ("\n\n".join(self.errs)))


def lines_of(c):
    return [l for lab in sorted(c) for l in c[lab]]


# ------------------------------------------------- filter_mix: trace=

def test_trace_class_process():
    c = mix("-e", "trace=%process")
    ls = lines_of(c)
    check(any(l.startswith("clone(") for l in ls) and any(l.startswith("execve(") for l in ls)
          and any(l.startswith("wait4(") for l in ls), "%process: clone, execve, wait4\n" + dump_canon(c))
    check(not any(l.startswith(("openat(", "close(", "write(")) for l in ls),
          "%process: no file/desc call\n" + dump_canon(c))


def test_trace_class_file():
    c = mix("-e", "trace=%file")
    ls = lines_of(c)
    check(any('"filter-missing.txt"' in l for l in ls) and any(l.startswith("unlink(") for l in ls),
          "%file: the fixture's own paths\n" + dump_canon(c))
    check(not any(l.startswith(("close(", "write(", "clone(")) for l in ls),
          "%file: no close/write/clone\n" + dump_canon(c))


def test_trace_bare_class_name():
    """trace=file is %file (and network, process, ... likewise)."""
    c = Collect()
    a = c(mix, "-e", "trace=file")
    b = c(mix, "-e", "trace=%file")
    c(mix, "-e", "trace=process")
    c(mix, "-e", "trace=signal,desc")
    c.done()
    check_eq(a, b, "strace's trace=file vs trace=%file")


def test_trace_other_classes():
    c = Collect()
    for cls in ("%signal", "%desc", "%memory", "%creds", "%clock", "%stat", "%%stat", "%pure"):
        c(mix, "-e", "trace=" + cls, min_lines=0)
    c.done()


def test_trace_negation():
    col = Collect()
    c = col(mix, "-e", "trace=!close")
    col(mix, "-e", "trace=!%file,%process")  # the whole list negated
    col(mix, "-e", "trace=!/^(rt_|mmap|mprotect)")
    col.done()
    ls = lines_of(c)
    check(not any(l.startswith("close(") for l in ls), "!close: no close line\n" + dump_canon(c))
    check(any(l.startswith("openat(") for l in ls), "!close: everything else\n" + dump_canon(c))


def test_trace_regex():
    c = mix("-e", "trace=/^(open|close)")
    ls = lines_of(c)
    check(ls and all(re.match(r"^(openat|close)\(|^--- |^\+\+\+ ", l) for l in ls),
          "/^(open|close)/: only openat and close\n" + dump_canon(c))
    mix("-e", "trace=/wait|kill")


def test_trace_none():
    c = mix("-e", "trace=none")
    ls = lines_of(c)
    check(ls and all(l.startswith(("--- ", "+++ ")) for l in ls),
          "trace=none: only signals and exits\n" + dump_canon(c))


def test_trace_all():
    c = Collect()
    a = c(mix, "-e", "trace=all")
    b = c(compare, [], [fixture("filter_mix")], modes=MODES[:1])
    c(mix, "-e", "trace=!none")
    c.done()
    check_eq(a, b, "strace: trace=all vs no -e")


def test_trace_list_and_question_mark():
    c = Collect()
    c(mix, "-e", "trace=openat,close,write")
    c(mix, "-e", "trace=?nosuchcall,write,?%nosuchclass")
    c(mix, "-e", "trace=getppid,kill")
    c(mix, "-e", "trace=62,openat@64")  # 62 = kill
    c.done()


def test_trace_repeated_last_wins():
    c = Collect()
    a = c(mix, "-e", "trace=%file", "-e", "trace=%process")
    b = c(mix, "-e", "trace=%process")
    c(mix, "-e", "trace=none", "-e", "trace=write")
    c(mix, "--trace=%file", "-e", "trace=close")
    c(mix, "-e", "signal=none", "-e", "signal=SIGUSR1", "-e", "status=failed", "-e", "status=successful")
    c.done()
    check_eq(a, b, "strace: -e trace=%file -e trace=%process vs -e trace=%process")


# ------------------------------------------------- status=, -z, -Z

def test_status_failed():
    col = Collect()
    c = col(mix, "-e", "status=failed")
    col(mix, "-e", "status=successful")
    col(mix, "-e", "status=!failed")
    col(mix, "-e", "status=unfinished")
    col(mix, "-e", "status=failed,unfinished", "-e", "trace=%file,exit_group")
    col.done()
    ls = lines_of(c)
    check(ls and all(re.search(r" = -1 E[A-Z]+ ", l) or l.startswith(("--- ", "+++ ")) for l in ls),
          "status=failed: failed calls only\n" + dump_canon(c))


def test_z_and_Z():
    col = Collect()
    col(mix, "-z")
    c = col(mix, "-Z")
    col(mix, "-z", "-e", "trace=%file")
    col(mix, "-Z", "-e", "trace=close")
    col(compare, ["-Z"], [fixture("simple_syscalls")], min_lines=20)
    col.done()
    check(any("ENOENT" in l for l in lines_of(c)), "-Z: the failed open\n" + dump_canon(c))


# ------------------------------------------------- signal=, -q, -qq

def test_signal_none():
    c = mix("-e", "signal=none")
    check(not any(l.startswith("--- ") for l in lines_of(c)), "signal=none\n" + dump_canon(c))


def test_signal_sets():
    col = Collect()
    c = col(mix, "-e", "signal=!SIGCHLD")
    col(mix, "-e", "signal=SIGCHLD")
    col(mix, "-e", "signal=usr1,17")
    col(mix, "-e", "signal=all", "-e", "trace=none")
    col(compare, ["-e", "signal=SIGUSR2"], [fixture("signal_handler")])
    col(compare, ["-e", "signal=!SIGUSR1", "-e", "trace=%signal"], [fixture("signal_handler")])
    col.done()
    ls = lines_of(c)
    check(any(l.startswith("--- SIGUSR1 ") for l in ls) and not any(l.startswith("--- SIGCHLD ") for l in ls),
          "signal=!SIGCHLD\n" + dump_canon(c))


def test_qq_no_exit_lines():
    col = Collect()
    c = col(mix, "-qq")
    col(mix, "-qq", "-e", "trace=%process")
    col(mix, "-q")
    col(mix, "-e", "quiet=exit")
    col(mix, "-e", "quiet=all", "-e", "trace=none")
    col.done()
    check(not any(l.startswith("+++ ") for l in lines_of(c)), "-qq: no exit line\n" + dump_canon(c))


# ------------------------------------------------- -P

def test_trace_path():
    col = Collect()
    c = col(mix, "-P", "filter-b.txt")
    # Absolute: the calls that name it through a descriptor (/proc/PID/fd).
    col(mix, "-P", os.path.join(T.TMP, "filter-b.txt"))
    col(mix, "-P", "filter-a.txt", "-P", "filter-missing.txt")
    # The loader's open, fstat, mmap and close of its cache; its size is
    # whatever ldconfig last wrote (file_size_masked).
    ld = col(mix, "-P", "/etc/ld.so.cache", fix=file_size_masked)
    col(mix, "-P", "filter-b.txt", "-e", "trace=openat")
    col(mix, "-P", "filter-b.txt", "-z")
    col.done()
    check(any('"filter-b.txt"' in l for l in lines_of(c)), "-P: the path's calls\n" + dump_canon(c))
    check(not any('"filter-a.txt"' in l for l in lines_of(c)), "-P: not the others\n" + dump_canon(c))
    if ld is not None:
        check(any(l.startswith("mmap(NULL, SIZE, ") for l in lines_of(ld)),
              "-P /etc/ld.so.cache: the loader's mmap of the whole cache\n" + dump_canon(ld))


def summary_counts(text):
    """-c's table as {syscall: (calls, errors)}."""
    rows = {}
    for l in text.splitlines():
        f = l.split()
        if len(f) >= 5 and re.match(r"^\d+\.\d+$", f[0]) and f[-1] != "total":
            calls, errors = int(f[3]), int(f[4]) if len(f) == 6 else 0
            rows[f[-1]] = (calls, errors)
    return rows


def test_count_with_path():
    """-c -P counts only the calls that touch the path (strace's counts)."""
    strace = strace_path()
    for opts in (["-c", "-P", "filter-b.txt"], ["-c", "-P", "filter-a.txt", "-e", "trace=%desc"]):
        s = run_tracer("strace", [strace], opts, [fixture("filter_mix")])
        r = run_tracer("renacer", T.renacer_cmd(), opts, [fixture("filter_mix")])
        check_eq(r.rc, s.rc, "exit status of renacer -f %s" % " ".join(opts))
        want, got = summary_counts(T.read_text(s.cmd[-3])), summary_counts(T.read_text(r.cmd[-3]))
        check(want, "strace -f %s counted something: %r" % (" ".join(opts), T.read_text(s.cmd[-3])))
        check_eq(got, want, "renacer -f %s: calls and errors per syscall vs strace's"
                 % " ".join(opts))


def test_status_in_json_and_csv():
    """-z / -Z / -e status= shape JSON and CSV as they shape the text."""
    import csv
    import json
    fx = [fixture("simple_syscalls")]
    for flag, want_error in (("-z", False), ("-Z", True)):
        r = T.trace_o([flag, "--format", "json"], fx)
        calls = [o for o in map(json.loads, T.read_text(r.ofile).splitlines()) if "syscall" in o]
        check(calls, "%s --format json: some calls\n%s" % (flag, r.describe()))
        check(all((o["error"] is not None) == want_error for o in calls),
              "%s --format json: only %s calls: %r" % (flag, "failed" if want_error else
                                                       "successful", calls[:5]))
        r = T.trace_o([flag, "--format", "csv"], fx)
        rows = list(csv.DictReader(T.read_text(r.ofile).splitlines()))
        calls = [row for row in rows if row.get("syscall") and not row["syscall"].startswith(("-", "+"))]
        check(calls, "%s --format csv: some calls\n%s" % (flag, r.describe()))
        check(all(bool(re.match(r"^(-1|\?) E[A-Z0-9]+ ", row["result"])) == want_error
                  for row in calls),
              "%s --format csv: only %s calls: %r" % (flag, "failed" if want_error else
                                                      "successful", calls[:5]))


def test_threads_known_without_clone_traced():
    """A trace set without clone/clone3: under seccomp the clone has no entry
    stop, yet its child is still known as a thread (4 threads of threads4),
    in seccomp mode and filtered in the tracer alike."""
    import json
    for extra in ([], ["--no-seccomp-bpf"]):
        for trace in ("trace=write", "trace=clone,write"):
            r = T.trace_o(extra + ["-f", "-e", trace, "--format", "json"], [fixture("threads4")])
            check_eq(r.rc, 0, "exit status\n" + r.describe())
            ev = [o for o in map(json.loads, T.read_text(r.ofile).splitlines()) if "event" in o]
            new = [o for o in ev if o["event"] in ("fork", "vfork", "clone")]
            check_eq(sorted(o["thread"] for o in new), [True] * 4,
                     "-e %s %s: the new tasks are threads: %r" % (trace, " ".join(extra), new))


# ------------------------------------------------- other fixtures

def test_fork_exec():
    c = Collect()
    fe = [fixture("fork_exec")]
    c(compare, ["-e", "trace=%process"], fe)
    c(compare, ["-e", "trace=%file"], fe)
    c(compare, ["-e", "trace=none"], fe)
    c(compare, ["-qq", "-e", "trace=execve,write"], fe)
    c(compare, ["-e", "trace=!wait4", "-e", "signal=none"], fe)
    c.done()


def test_three_threads_stop_signals():
    c = Collect()
    # three_children: which child wait4(-1) reaps first (and so the order of
    # the parent's "reaped" writes), how many SIGCHLD get merged and whether
    # one interrupts a fork (clone = ? ERESTARTNOINTR) is scheduling: only
    # the exits.
    c(compare, ["-e", "trace=exit_group", "-e", "signal=none"], [fixture("three_children")])
    c(compare, ["-e", "trace=%process", "-e", "signal=none"], [fixture("threads4")], min_lines=10)
    c(compare, ["-e", "trace=exit,write", "-e", "signal=none"], [fixture("threads4")], min_lines=10)
    c(compare, ["-e", "trace=kill", "-e", "signal=SIGSTOP"], [fixture("stop_cont")])
    c(compare, ["-e", "trace=none", "-e", "signal=none"], [fixture("stop_cont")])
    # "--- stopped by SIGSTOP ---" is a SIGSTOP line for signal=
    c(compare, ["-e", "trace=none", "-e", "signal=!SIGSTOP,SIGCHLD"], [fixture("stop_cont")])
    c(compare, ["-e", "trace=none"], [fixture("signal_handler")])
    c(compare, ["-e", "trace=kill,write"], [fixture("signal_handler")])
    c.done()


# ------------------------------------------------- seccomp-bpf

N_GETPPID = 20000


def probe(prefix, opts=("-e", "trace=write")):
    """seccomp_probe under a tracer: (Seccomp value, voluntary context
    switches during N getppid calls, the trace's lines, Run)."""
    r = run_tracer(os.path.basename(prefix[0]), prefix, opts,
                   [fixture("seccomp_probe"), str(N_GETPPID)])
    check_eq(r.rc, 0, "exit status of %s (stderr %r)" % (r.describe(), r.err[-300:]))
    m1 = re.search(r"^Seccomp: (-?\d+)$", r.out, re.M)
    m2 = re.search(r"^ctxsw (\d+)$", r.out, re.M)
    check(m1 and m2, "seccomp_probe's output: %r" % r.out)
    return int(m1.group(1)), int(m2.group(1)), [l.text for l in r.trace.joined], r


def test_seccomp_filter_installed():
    s = strace_path()
    seccomp, ctxsw, lines, r = probe(T.renacer_cmd())
    check_eq(seccomp, 2, "Seccomp: of the tracee under renacer -f -e trace=write (filter mode)")
    # Without a stop per getppid the tracee hardly ever sleeps; with them it
    # sleeps twice per call (entry and exit stop).
    check(ctxsw < N_GETPPID // 10,
          "renacer -e trace=write: %d voluntary context switches during %d getppid calls: "
          "the untraced calls still stop the tracee" % (ctxsw, N_GETPPID))
    want = [r'^write\(1, "Seccomp: 2\\n", 11\) += 11$', r'^write\(1, "ctxsw \d+\\n", \d+\) += \d+$',
            r'^write\(1, "done\\n", 5\) += 5$', r"^\+\+\+ exited with 0 \+\+\+$"]
    check(len(lines) == len(want) and all(re.match(w, l) for w, l in zip(want, lines)),
          "the trace: only the writes and the exit: %r" % lines)
    ss, sctx, _, _ = probe([s, "--seccomp-bpf"])
    check_eq(seccomp, ss, "Seccomp: under renacer and under strace --seccomp-bpf")

    seccomp, ctxsw, lines, r = probe(T.renacer_cmd(), ["--no-seccomp-bpf", "-e", "trace=write"])
    check_eq(seccomp, 0, "Seccomp: of the tracee under renacer --no-seccomp-bpf")
    check(ctxsw >= N_GETPPID, "--no-seccomp-bpf: every getppid stops the tracee (%d voluntary "
          "context switches for %d calls)" % (ctxsw, N_GETPPID))
    check_eq(len(lines), 4, "--no-seccomp-bpf: the same four lines (%r)" % lines)
    ss, _, _, _ = probe([s])
    check_eq(seccomp, ss, "Seccomp: under renacer --no-seccomp-bpf and plain strace")

    # Every syscall traced: no filter to install (strace --seccomp-bpf says so and does not).
    for opts in (["-e", "trace=all"], ["-e", "trace=all", "--seccomp-bpf"]):
        seccomp, ctxsw, _, r = probe(T.renacer_cmd(), opts)
        check_eq(seccomp, 0, "Seccomp: under renacer %s" % " ".join(opts))


def test_seccomp_children_inherit():
    """The forked and exec'd processes run under the filter too: their
    untraced calls are not seen, their traced ones are (filter_mix's child
    reads filter-b.txt; the exec'd /bin/true opens the loader's files)."""
    c = mix("-e", "trace=read,openat", modes=MODES[:1])
    labs = [lab for lab in c if lab != "P1"]
    check(len(labs) >= 2, "lines of both children under a seccomp filter\n" + dump_canon(c))


# ------------------------------------------------- -p

def test_attach_with_trace_set():
    """-p PID -e trace=write: filtered in the tracer (no seccomp filter on a
    process that was not started under it): only the tick writes."""
    strace = strace_path()
    for who, prefix in (("renacer", T.renacer_cmd()), ("renacer", T.renacer_cmd() + ["--seccomp-bpf"]),
                        ("strace", [strace])):
        ticks = T.tmpfile("ticks")
        sl = subprocess.Popen([fixture("sleeper"), ticks], stdout=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, cwd=T.TMP)
        try:
            first = sl.stdout.readline().decode()
            check(first.startswith("sleeper "), "sleeper did not start: %r" % first)
            ofile = T.tmpfile("ptrace")
            cmd = prefix + ["-e", "trace=write", "-p", str(sl.pid), "-o", ofile]
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, cwd=T.TMP)
            check(T.wait_for(lambda: T.read_text(ofile).count("tick") >= 4, 10),
                  "%s: no tick written in 10 s: %r" % (who, T.read_text(ofile)))
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=20)
            lines = [l for l in T.read_text(ofile).split("\n") if l]
            # (the last one may have been cut by the detach)
            if lines and re.match(r'^write\(3, "tick \d+\\n", 7 ?<(?:detached|unfinished) \.\.\.>$', lines[-1]):
                lines.pop()
            bad = [l for l in lines if not re.match(r'^write\(3, "tick \d+\\n", (\d+)\) += \1$', l)]
            check(lines and not bad, "%s -e trace=write -p: only the tick writes; other lines: %r"
                  % (" ".join(cmd), bad[:5]))
            check_eq(T.tracer_pid(sl.pid), 0, "%s: sleeper detached" % who)
            check(sl.poll() is None, "%s: sleeper still running" % who)
        finally:
            sl.kill()
            sl.wait()


# ------------------------------------------------- refusals

# strace names itself by its path: "/usr/bin/strace: invalid ...".
STRACE_PFX = re.compile(r"^\S*strace: ", re.M)

REFUSED = [
    ["-e", "trace=nosuchcall"],
    ["-e", "trace=%nosuchclass"],
    ["-e", "trace=nosuchclass"],
    ["-e", "trace=/("],
    ["-e", "trace=/^zzz_matches_nothing"],
    ["-e", "trace="],
    ["-e", "trace=!!"],
    ["-e", "trace=%file,!openat"],
    ["-e", "trace=open@65"],
    ["-e", "bogus=1"],
    ["-e", "status=nosuchstatus"],
    ["-e", "status="],
    ["-e", "signal=SIGNOSUCH"],
    ["-e", "signal=256"],
    ["-e", "signal=SIGRT_33"],
    ["-e", "trace=%FILE"],
    ["-e", "trace=1000"],
    ["-e", "quiet=!"],
    ["-e", "signal="],
    ["-e", "quiet=nosuchmessage"],
    ["-e", "quiet="],
    ["-q", "-e", "quiet=exit"],
    ["-e", "quiet=exit", "-qq"],
    ["--trace=nosuchcall"],
    ["--status=foo"],
    ["--signal=SIGFOO"],
    ["--quiet=foo"],
    ["-e", "trace=write", "-e", "trace=nosuchcall"],
]


def test_refusals():
    strace = strace_path()
    bad = []
    for opts in REFUSED:
        marker = T.tmpfile("ran")
        argv = ["-f"] + opts + ["--", "/bin/sh", "-c", "echo > " + marker]
        s = T.run([strace] + argv)
        r = T.run(T.renacer_cmd() + argv)
        # "/usr/bin/strace: MESSAGE\n", sometimes followed by "Try '... -h'".
        m = re.match(r"^\S*strace: (.*\n)(?:Try '\S*strace -h' for more information\.\n)?$", s.err)
        s_msg = m.group(1) if m else None
        check(s.rc == 1 and s_msg,
              "strace refuses %r with one line (got status %s, %r)" % (opts, s.rc, s.err))
        problems = []
        if r.rc != 1:
            problems.append("exit status %s" % r.rc)
        if r.err != "renacer: " + s_msg:
            problems.append("stderr %r, strace's %r" % (r.err, s.err))
        if r.out:
            problems.append("stdout %r" % r.out[:200])
        if os.path.exists(marker):
            problems.append("the command ran")
        if problems:
            bad.append("renacer %s: %s" % (" ".join(opts), "; ".join(problems)))
    check(not bad, "refusals unlike strace's:\n" + T.indent("\n".join(bad)))


def test_accepted_like_strace():
    """Forms strace accepts (or warns about) that look odd."""
    strace = strace_path()
    for opts in (["-e", "trace=?nosuchcall"], ["-e", "trace=?/^zzz"], ["-e", "trace=open@64"],
                 ["-e", "trace=stat64"], ["-e", "trace=0,1"], ["-e", "t=write"],
                 ["-e", "signal=0"], ["-e", "status=FAILED"], ["-e", "quiet=!exit"],
                 ["-e", "signal=65"], ["-e", "signal=sigusr1"], ["-e", "trace=/"],
                 ["-z", "-Z"], ["-e", "trace=all,write"]):
        argv = ["-f", "-o", os.devnull] + opts + ["--", "/bin/true"]
        s = T.run([strace] + argv)
        r = T.run(T.renacer_cmd() + argv)
        check_eq(s.rc, 0, "strace accepts %r (stderr %r)" % (opts, s.err))
        check_eq((r.rc, r.err.replace("renacer: ", "strace: ")), (s.rc, STRACE_PFX.sub("strace: ", s.err)),
                 "renacer %s: exit status and stderr" % " ".join(opts))


# ------------------------------------------------- messages on stderr

def test_stderr_like_strace():
    """strace's own messages with -o FILE and a command: -o FILE PROG
    implies -q (no "Process N attached" for the followed children) unless
    -q or -e quiet= is given; -e quiet=exit then shows them."""
    strace = strace_path()
    bad = []
    for opts in ([], ["-e", "trace=%process"], ["-q"], ["-qq"], ["-e", "quiet=exit"],
                 ["-e", "quiet=none"], ["-e", "quiet=attach"]):
        s = run_tracer("strace", [strace], opts, [fixture("filter_mix")])
        r = run_tracer("renacer", T.renacer_cmd(), opts, [fixture("filter_mix")])
        norm = lambda e: sorted(re.sub(r"\d+", "N", l) for l in e.split("\n") if l)
        if norm(STRACE_PFX.sub("renacer: ", s.err)) != norm(r.err):
            bad.append("-f %s -o FILE: strace's stderr %r, renacer's %r" % (" ".join(opts), s.err, r.err))
    check(not bad, "\n".join(bad))


def test_seccomp_needs_follow_forks():
    """Without -f the command's children are not traced, so a filter they
    inherit would fail their traced calls with ENOSYS (nobody answers
    SECCOMP_RET_TRACE): seccomp only with -f, as strace. --seccomp-bpf where
    it cannot apply gets strace's warning, word for word."""
    strace = strace_path()
    cmd = ["sh", "-c", "cat /etc/hostname"]
    with open("/etc/hostname") as f:
        want = f.read()
    for opts in (["-e", "trace=openat"], ["--seccomp-bpf", "-e", "trace=openat"]):
        r = T.trace_o(opts, cmd)
        check_eq(r.rc, 0, "renacer %s (no -f) -- sh -c 'cat ...': exit status\n%s"
                 % (" ".join(opts), r.describe()))
        check_eq(r.out, want, "the child's output under renacer %s (no -f)" % " ".join(opts))
        check(any(l.text.startswith("openat(") for l in r.trace.joined),
              "the shell's openat calls are traced\n" + r.trace.dump())
    cases = [(["--seccomp-bpf", "-e", "trace=openat"], cmd),
             (["-f", "--seccomp-bpf"], ["true"])]
    for opts, argv in cases:
        s = T.run([strace] + opts + ["-o", "/dev/null", "--"] + argv)
        r = T.run(T.renacer_cmd() + opts + ["-o", "/dev/null", "--"] + argv)
        check_eq(r.rc, s.rc, "exit status of renacer %s" % " ".join(opts))
        check_eq(r.err, STRACE_PFX.sub("renacer: ", s.err),
                 "stderr of renacer %s vs strace's" % " ".join(opts))
        check_eq(len(r.err.splitlines()), 1, "one warning line for %s" % " ".join(opts))


if __name__ == "__main__":
    T.main([test_trace_class_process, test_trace_class_file, test_trace_bare_class_name,
            test_trace_other_classes, test_trace_negation, test_trace_regex, test_trace_none,
            test_trace_all, test_trace_list_and_question_mark, test_trace_repeated_last_wins,
            test_status_failed, test_z_and_Z, test_signal_none, test_signal_sets,
            test_qq_no_exit_lines, test_trace_path, test_count_with_path,
            test_status_in_json_and_csv, test_threads_known_without_clone_traced,
            test_fork_exec,
            test_three_threads_stop_signals,
            test_seccomp_filter_installed, test_seccomp_children_inherit,
            test_seccomp_needs_follow_forks,
            test_attach_with_trace_set, test_refusals, test_accepted_like_strace,
            test_stderr_like_strace])
