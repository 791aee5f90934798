#!/usr/bin/env python3
"""The differential acceptance suite: strace 6.1 vs renacer on
the fixtures of tests/fixtures/diff/ (one small program per family of
system calls) and on a few real programs.

Each fixture runs under `strace -f -o A` and then `renacer -f -o B`, in the
same freshly emptied working directory (the fixtures use relative paths with
fixed names).  Only the trace from the fixture's marker line on is compared
(DIFF_BEGIN in tests/fixtures/diff/diff.h).  Lines are normalised as in
test_differential.py (rntest.normalize: unfinished/resumed joined, pids by
their place in the process tree, 0x... as ADDR, the column padding), then
the values that change from one run to the next are masked (VOLATILE below,
each with the reason).  The comparison is a multiset match:

  * per fixture, >= 97% of strace's lines have an identical line in
    renacer's trace, and >= 97% of renacer's lines one in strace's (no
    invented or doubled lines); the rates are printed for every fixture;
  * across the fixtures, strace's traces name >= 150 distinct system calls
    (after the marker);
  * real programs (sh -c 'ls / | wc -l', tar cf of a small directory, git
    status in a temporary repository, python3 -c pass), whole traces:
    >= 95% both ways.

    python3 tests/integration/test_diff_suite.py --renacer build/renacer \\
        --fixtures build/tests/fixtures [-k FIXTURE] [-v] [--keep]

-v prints every differing line (not only for failures); --jobs N (default
3) fixtures run at a time; --part fixtures|real runs only that part (ctest
runs the two as integration_diff_fixtures and integration_diff_real).
"""
import collections
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import rntest as T
from rntest import check

MARKER = "/renacer-differential-begin"
FIXTURE_RATE = 0.97
REAL_RATE = 0.95
MIN_DISTINCT = 150
SRC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "diff")

# ---------------------------------------------------------------- masking

# Values that differ between two runs of the same program whoever traces it,
# masked after rntest.normalize.  (syscall names or None for all lines,
# regex, replacement, why).
_TIME_CALLS = {"clock_gettime", "gettimeofday", "timer_gettime", "timerfd_gettime",
               "timerfd_settime", "timer_settime", "setitimer", "getitimer",
               "clock_nanosleep", "nanosleep", "rt_sigtimedwait"}
VOLATILE = [
    # the current time, and the time left on a timer, when the call returns
    (_TIME_CALLS, r"(tv_sec|tv_nsec|tv_usec)=\d+", r"\1=N", "current/remaining time"),
    (_TIME_CALLS, r" /\* [0-9T:.+-]+ \*/", "", "date comment of a current time"),
    ({"time"}, r"\d{6,}", "N", "seconds since the epoch"),
    ({"time"}, r"\d{4}-\d\d-\d\dT[\d:]+[+-]\d{4}", "DATE", "the current date"),
    ({"recvmmsg", "select", "pselect6", "ppoll"}, r"(left \{tv_sec=)\d+(, tv_u?n?sec=)\d+",
     r"\1N\2N", "the time left of a timeout"),
    # CPU and memory figures of the process and the system
    ({"times"}, r"(tms_\w+)=\d+", r"\1=N", "CPU ticks used"),
    ({"times"}, r"= \d+$", "= N", "ticks since boot"),
    (None, r"(ru_\w+)=(?:\{tv_sec=\d+, tv_usec=\d+\}|\d+)", r"\1=N", "resource usage"),
    ({"sysinfo"}, r"(uptime|loads|totalram|freeram|sharedram|bufferram|totalswap|freeswap|"
                  r"procs|totalhigh|freehigh)=(?:\[[\d, ]+\]|\d+)", r"\1=N", "system load"),
    ({"statfs", "fstatfs"}, r"(f_bfree|f_bavail|f_ffree)=\d+", r"\1=N", "free space"),
    ({"getcpu"}, r"\[\d+\]", "[N]", "the CPU the process runs on"),
    ({"adjtimex", "clock_adjtime"}, r"\b(offset|freq|maxerror|esterror|constant|precision|"
     r"tolerance|tv_sec|tv_usec|tick|ppsfreq|jitter|shift|stabil|jitcnt|calcnt|errcnt|stbcnt|"
     r"tai)=-?\d+", r"\1=N", "the kernel clock's state"),
    # names the kernel hands out
    ({"getdents", "getdents64"}, r"d_ino=\d+", "d_ino=N", "inode numbers of new files"),
    (None, r"/dev/pts/\d+", "/dev/pts/N", "pty number"),
    ({"ioctl"}, r"TIOCGPTN, \[\d+\]", "TIOCGPTN, [N]", "pty number"),
    (None, r"sin6?_port=htons\((3[2-9]\d{3}|[45]\d{4}|60\d{3})\)", "sin_port=htons(EPHEMERAL)",
     "ephemeral port of a client"),
    (None, r"(shm_[acd]time|sem_[oc]time|msg_[src]time)=\d+", r"\1=N", "IPC object times"),
    # random bytes
    ({"getrandom"}, r'^(\S+ getrandom\()"(?:[^"\\]|\\.)*"(\.\.\.)?', r'\1"RANDOM"\2',
     "random bytes"),
    ({"name_to_handle_at"}, r'f_handle="[^"]*"', 'f_handle="HANDLE"',
     "a file handle holds the inode number and generation of a new file"),
]
_RE_NAME = re.compile(r"^\S+ ([a-z_0-9]+)\(")
_IPC_GETS = ("shmget", "semget", "msgget")
_IPC_USERS = ("shmat", "shmctl", "semop", "semtimedop", "semctl", "msgsnd", "msgrcv", "msgctl")


# Per fixture: (regex, replacement, why).
FIXTURE_VOLATILE = {
    "fd_signalfd": [(r'^(\S+ read\(3, )"(?:[^"\\]|\\.)*"(\.\.\.)?', r'\1"SIGINFO"\2',
                     "a signalfd_siginfo holds the sender's pid in binary")],
}


def mask(lines, fixture=None):
    """VOLATILE applied to normalised lines, and the ids of System V IPC
    objects (shmget/semget/msgget's return values, new each run) renamed
    IPC1, IPC2... in order of appearance, in the lines that use them."""
    ids = {}
    out = []
    for l in lines:
        m = _RE_NAME.match(l)
        name = m.group(1) if m else None
        if name in _IPC_GETS:
            r = re.search(r" = (\d+)$", l)
            if r and r.group(1) not in ids:
                ids[r.group(1)] = "IPC%d" % (len(ids) + 1)
            if r:
                l = l[:r.start(1)] + ids[r.group(1)]
        elif name in _IPC_USERS:
            if re.search(r"\((\d+, ){1,2}(IPC_INFO|(SHM|SEM|MSG)_(INFO|STAT|STAT_ANY))\b", l):
                # these take an index into the kernel's table (shared with
                # every process), not an id, and return one
                l = re.sub(r"(?<=\()\d+(?=,)", "INDEX", l, count=1)
                l = re.sub(r" = \d+$", " = INDEX", l)
            else:
                l = re.sub(r"(?<=\()(\d+)(?=,)", lambda mm: ids.get(mm.group(1), mm.group(1)),
                           l, count=1)
        for names, rx, rep, _why in VOLATILE:
            if names is None or name in names:
                l = re.sub(rx, rep, l)
        for rx, rep, _why in FIXTURE_VOLATILE.get(fixture, ()):
            l = re.sub(rx, rep, l)
        out.append(l)
    return out


def syscall_names(lines):
    """The system call names in normalised lines."""
    names = set()
    for l in lines:
        m = _RE_NAME.match(l)
        if m:
            names.add(m.group(1))
        m = re.match(r"^\S+ <\.\.\. ([a-z_0-9]+) resumed>", l)
        if m:
            names.add(m.group(1))
    return names


# ---------------------------------------------------------------- running

def run_one(tracer_cmd, argv, workdir, ofile, env=None, timeout=60):
    """Trace argv with tracer_cmd (-f -o ofile), in workdir; returns a dict
    (trace, pid of the tracer, out, err, rc, cmd, secs)."""
    cmd = tracer_cmd + ["-f", "-o", ofile] + argv
    t0 = time.monotonic()
    timeout = T.scaled(timeout) if hasattr(T, "scaled") else timeout
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, cwd=workdir, env=env,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # the tracer and its tracees (which hold the pipes) are one group
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise AssertionError("timed out after %ds: %s" % (timeout, " ".join(cmd)))
    trace = T.Trace(T.read_text(ofile), origin=" ".join(cmd))
    return dict(trace=trace, pid=p.pid, out=out.decode("utf-8", "replace"),
                err=err.decode("utf-8", "replace"), rc=p.returncode, cmd=cmd,
                secs=time.monotonic() - t0)


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def run_pair(argv, workdir, marker, prepare=None, env=None, fixture=None):
    """argv under strace, then under renacer, each in a fresh workdir (or
    one prepared by prepare(workdir)); normalised and masked lines."""
    strace = shutil.which(T.ARGS.strace)
    res = {}
    for name, tracer in (("strace", [strace]), ("renacer", T.renacer_cmd())):
        if prepare:
            prepare(workdir)
        else:
            fresh(workdir)
        r = run_one(tracer, argv, workdir, workdir + "." + name, env=env)
        extra = {r["pid"]: "TRACER"}
        r["norm"] = mask(T.normalize(r["trace"], marker=marker, extra_pids=extra), fixture)
        # the same lines with the numbers in the text left alone: a value
        # that equals a pid in one run only (a size, a count) matches there
        r["raw"] = mask(T.normalize(r["trace"], marker=marker, extra_pids=extra,
                                    subst_pids=False), fixture)
        res[name] = r
    return res


def compare(res):
    """(rate of strace's lines matched, rate of renacer's, only-strace lines,
    only-renacer lines), the lists in trace order.  Lines match when equal
    with pids as labels, or else equal with the numbers as they are."""
    s, r = res["strace"]["norm"], res["renacer"]["norm"]
    sc, rc = collections.Counter(s), collections.Counter(r)
    common = sum((sc & rc).values())
    only_s, only_r = sc - rc, rc - sc

    def left_over(norm, extra):
        """The indexes of the lines not matched, in trace order."""
        left = collections.Counter(extra)
        out = []
        for i, l in enumerate(norm):
            if left[l] > 0:
                left[l] -= 1
                out.append(i)
        return out
    ls = left_over(s, only_s)
    lr = left_over(r, only_r)
    # second chance, numbers as they are
    raw_r = collections.Counter(res["renacer"]["raw"][i] for i in lr)
    keep_s = []
    for i in ls:
        k = res["strace"]["raw"][i]
        if raw_r[k] > 0:
            raw_r[k] -= 1
            common += 1
        else:
            keep_s.append(i)
    raw_s = collections.Counter(res["strace"]["raw"][i] for i in ls)
    keep_r = []
    for i in lr:
        k = res["renacer"]["raw"][i]
        if raw_s[k] > 0:
            raw_s[k] -= 1
        else:
            keep_r.append(i)
    return (common / len(s) if s else 0.0, common / len(r) if r else 0.0,
            [s[i] for i in keep_s], [r[i] for i in keep_r])


def report(what, res, rate_s, rate_r, only_s, only_r, need, show=False):
    ns, nr = len(res["strace"]["norm"]), len(res["renacer"]["norm"])
    line = "  %-14s strace %4d lines, %5.1f%% matched; renacer %4d lines, %5.1f%% matched" % (
        what, ns, 100 * rate_s, nr, 100 * rate_r)
    print(line, flush=True)
    detail = "only in strace (%d):\n%s\nonly in renacer (%d):\n%s" % (
        len(only_s), T.indent("\n".join(only_s[:40]) or "(none)"),
        len(only_r), T.indent("\n".join(only_r[:40]) or "(none)"))
    if show or rate_s < need or rate_r < need:
        print(T.indent(detail), flush=True)
    return line + "\n" + detail


# ---------------------------------------------------------------- fixtures

def fixture_names():
    names = sorted(f[:-2] for f in os.listdir(SRC_DIR) if f.endswith(".c"))
    if T.ARGS.only:
        names = [n for n in names if T.ARGS.only in n or T.ARGS.only in "test_" + n]
    return names


_RESULTS = {}


# Names the fixtures make in namespaces the machine shares (System V keys,
# message queues, abstract sockets, ports) carry a number of this run, the
# same for strace and renacer (tests/fixtures/diff/diff.h).
FIXTURE_ENV = dict(os.environ, RN_DIFF_TOKEN=str(os.getpid() % 10000),
                   RN_DIFF_PORT=str(61000 + (os.getpid() % 400) * 10))


def _run_fixture(name):
    exe = os.path.join(T.ARGS.fixtures, "diff", name)
    if not os.access(exe, os.X_OK):
        return name, AssertionError("fixture %s not built (looked for %s)" % (name, exe))
    try:
        return name, run_pair([exe], os.path.join(T.TMP, "work-" + name), MARKER,
                              env=FIXTURE_ENV, fixture=name)
    except AssertionError as e:
        return name, e


def results():
    """Every selected fixture traced by both (JOBS at a time), once."""
    if not _RESULTS:
        if not shutil.which(T.ARGS.strace):
            raise T.Skip("no strace (%s) here" % T.ARGS.strace)
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
            for name, r in ex.map(_run_fixture, fixture_names()):
                _RESULTS[name] = r
        print("  (%d fixtures traced twice in %.1fs, %d at a time)"
              % (len(_RESULTS), time.monotonic() - t0, JOBS), flush=True)
    return _RESULTS


def make_fixture_check(name):
    def fn():
        res = results()[name]
        if isinstance(res, AssertionError):
            raise res
        for who in ("strace", "renacer"):
            r = res[who]
            check(r["rc"] == 0, "%s exited %s: %s\nstderr: %s" % (who, r["rc"], " ".join(r["cmd"]),
                                                                 r["err"][-800:]), r["trace"])
            check(r["norm"], "%s: no line after the marker" % who, r["trace"])
        rate_s, rate_r, only_s, only_r = compare(res)
        detail = report(name, res, rate_s, rate_r, only_s, only_r, FIXTURE_RATE, T.ARGS.verbose)
        check(rate_s >= FIXTURE_RATE and rate_r >= FIXTURE_RATE,
              "%s: below %d%%\n%s" % (name, 100 * FIXTURE_RATE, detail))
        dig = lambda s: re.sub(r"\d+", "N", s)
        check(dig(res["renacer"]["out"]) == dig(res["strace"]["out"]),
              "the program's output differs: strace %r, renacer %r"
              % (res["strace"]["out"], res["renacer"]["out"]))
    fn.__name__ = "test_" + name
    return fn


def test_distinct_syscalls():
    """strace's traces, after the markers, name >= 150 distinct calls."""
    if T.ARGS.only:
        raise T.Skip("needs every fixture")
    names = set()
    for res in results().values():
        if not isinstance(res, AssertionError):
            names |= syscall_names(res["strace"]["norm"])
    print("  %d distinct system calls in strace's traces" % len(names), flush=True)
    if T.ARGS.verbose:
        print(T.indent(" ".join(sorted(names))))
    check(len(names) >= MIN_DISTINCT, "only %d distinct system calls (need %d): %s"
          % (len(names), MIN_DISTINCT, " ".join(sorted(names))))


# ---------------------------------------------------------------- real programs

def hermetic_env(home):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "LANG": "C", "LC_ALL": "C",
           "TZ": "UTC", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z", "GIT_OPTIONAL_LOCKS": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    return env


def real_check(what, argv, setup=None, need=REAL_RATE):
    """argv traced whole by both tracers, in a directory setup(dir) made
    once (so both see the same files)."""
    if not shutil.which(T.ARGS.strace):
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    work = os.path.join(T.TMP, "real-" + what)
    fresh(work)
    env = hermetic_env(work)
    if setup:
        setup(work, env)
    res = run_pair(argv, work, None, prepare=lambda d: None, env=env)
    for who in ("strace", "renacer"):
        check(res[who]["norm"], "%s: empty trace" % who, res[who]["trace"])
    rate_s, rate_r, only_s, only_r = compare(res)
    detail = report(what, res, rate_s, rate_r, only_s, only_r, need, T.ARGS.verbose)
    check(rate_s >= need and rate_r >= need, "%s: below %d%%\n%s" % (what, 100 * need, detail))
    check_rc = res["strace"]["rc"] == res["renacer"]["rc"]
    check(check_rc, "exit statuses differ: strace %s, renacer %s"
          % (res["strace"]["rc"], res["renacer"]["rc"]))


def test_real_sh_pipeline():
    real_check("sh-ls-wc", ["/bin/sh", "-c", "ls / | wc -l"])


def test_real_tar():
    def setup(work, env):
        src = os.path.join(work, "src")
        os.makedirs(os.path.join(src, "sub"))
        for i, n in enumerate(("a.txt", "b.bin", "sub/c.txt")):
            with open(os.path.join(src, n), "wb") as f:
                f.write(bytes(range(i * 30, i * 30 + 60)) * 5)
            os.utime(os.path.join(src, n), (1577836800, 1577836800))
        os.utime(os.path.join(src, "sub"), (1577836800, 1577836800))
        os.utime(src, (1577836800, 1577836800))
    real_check("tar", ["/bin/tar", "cf", "out.tar", "src"], setup)


def test_real_git_status():
    if not shutil.which("git"):
        raise T.Skip("no git")

    def setup(work, env):
        repo = os.path.join(work, "repo")
        os.makedirs(repo)
        for cmd in (["git", "init", "-q", "-b", "main", "."],
                    ["git", "config", "core.fsmonitor", "false"],
                    ["git", "config", "core.untrackedCache", "false"]):
            subprocess.run(cmd, cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(repo, "README"), "w") as f:
            f.write("hello\n")
        subprocess.run(["git", "add", "README"], cwd=repo, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "first"], cwd=repo, env=env, check=True)
        with open(os.path.join(repo, "README"), "a") as f:
            f.write("changed\n")
        with open(os.path.join(repo, "untracked"), "w") as f:
            f.write("new\n")
        # the index is refreshed by the first status: do it now, so that
        # both traced runs see the same index
        subprocess.run(["git", "status", "--porcelain"], cwd=repo, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    real_check("git-status", ["/usr/bin/git", "-C", "repo", "status"], setup)


def test_real_python():
    real_check("python3", ["/usr/bin/python3", "-c", "pass"])


JOBS = 3


def _take_option(argv, name):
    """Remove `name VALUE` from argv; returns VALUE or None."""
    if name not in argv:
        return None
    i = argv.index(name)
    value = argv[i + 1]
    del argv[i:i + 2]
    return value


def main():
    global JOBS
    argv = sys.argv[1:]
    JOBS = int(_take_option(argv, "--jobs") or JOBS)
    part = _take_option(argv, "--part") or "all"
    sys.argv[1:] = argv
    checks = []
    if part in ("all", "fixtures"):
        checks += [make_fixture_check(n) for n in sorted(f[:-2] for f in os.listdir(SRC_DIR)
                                                           if f.endswith(".c"))]
        checks.append(test_distinct_syscalls)
    if part in ("all", "real"):
        checks += [test_real_sh_pipeline, test_real_tar, test_real_git_status, test_real_python]
    T.main(checks)


if __name__ == "__main__":
    main()
