#!/usr/bin/env python3
"""-c counted in the kernel with eBPF (tracer/bpf_count.c): no ptrace stop.

1. The path is the eBPF one: --stats-self says so, and the command's own
   /proc/self/status shows TracerPid 0 (under --no-bpf: renacer's pid).
2. The calls and errors of every row equal the --no-bpf (ptrace) path's
   and `strace -c`'s on fixtures where they are deterministic (the rows
   test_stats.py leaves out for scheduling aside; times are not compared).
3. -e trace= restricts the table as under ptrace; options that need the
   stops fall back to ptrace, and --stats-self says why.
4. Exit status and signals as under ptrace: the command's status, its
   death signal re-raised; SIGTERM to renacer kills the command and renacer
   dies of it, with the table written; after SIGKILL of renacer none of its
   eBPF programs stays loaded.
5. -p on the eBPF path: the calls an attached process (its threads and
   children with -f) makes after renacer says it is attached are counted
   exactly as `strace -c -p` and --no-bpf count them, the call it was
   blocked in included; renacer ends when they have (with -f when their
   descendants have too), or at SIGINT/SIGTERM with the table, leaving the
   process running, as under ptrace.
6. --process-summary with -c on the eBPF path: the same rows (tree,
   exits, commands, per-process calls and errors) as --no-bpf, with a
   command and with -p.
7. -C -o FILE: the trace and the table in FILE, by ptrace, the table's
   counts those of strace -C -o.

Every check is skipped (exit 77) with the reason when this renacer cannot
count in the kernel here (built without RN_BPF, no privilege, no BTF).
"""
import os
import re
import shutil
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture
import test_stats as S

_BPF_LINE = "renacer: self: -c counted in the kernel (eBPF)"
_why_not = []  # cached: [] unknown, [None] available, [reason]


def need_bpf():
    """Skip unless renacer takes the eBPF path for a plain -c here."""
    if not _why_not:
        r = T.run(T.renacer_cmd() + ["-c", "--stats-self", "-o", os.devnull, "--", "/bin/true"])
        if _BPF_LINE in r.err:
            _why_not.append(None)
        else:
            m = re.search(r"^renacer: self: -c by ptrace: (.*)$", r.err, re.M)
            _why_not.append(m.group(1) if m else "no path line from --stats-self:\n" + r.err)
    if _why_not[0]:
        raise T.Skip("-c is not counted in the kernel here: %s" % _why_not[0])


def counts3(opts, argv, racy=()):
    """(strace, ptrace, eBPF) tables of the same run, compared by calls and
    errors (S.comparable: the scheduling-dependent parts out)."""
    need_bpf()
    s = S.run_o(S.strace_cmd(), opts, argv)
    p = S.run_o(T.renacer_cmd(), ["--no-bpf", "--stats-self"] + opts, argv)
    b = S.run_o(T.renacer_cmd(), ["--stats-self"] + opts, argv)
    check(_BPF_LINE in b.err, "not the eBPF path:\n" + b.describe())
    check("-c by ptrace: --no-bpf" in p.err, "--no-bpf not by ptrace:\n" + p.describe())
    tables = [S.one_table(x.text, who) for x, who in ((s, "strace"), (p, "--no-bpf"), (b, "eBPF"))]
    for t, who in zip(tables, ("strace", "--no-bpf", "eBPF")):
        S.check_total(t, who)
    cs = [S.comparable(t.counts()) for t in tables]
    for c in cs:
        for name in racy:
            c.pop(name, None)
    for c, who in ((cs[0], "strace"), (cs[1], "--no-bpf")):
        diff = ["%-16s %s %-10s eBPF %s" % (n, who, c.get(n), cs[2].get(n))
                for n in sorted(set(c) | set(cs[2])) if c.get(n) != cs[2].get(n)]
        check(not diff, "%s: (calls, errors) per syscall, eBPF vs %s:\n%s\n%s\neBPF:\n%s"
              % (" ".join(argv), who, T.indent("\n".join(diff)),
                 tables[0 if who == "strace" else 1].dump(), tables[2].dump()))
    return tables


# ---------------------------------------------------------------- 1. the path

def test_path_is_bpf():
    """The command is not traced: its own TracerPid is 0."""
    need_bpf()
    cmd = ["/bin/sh", "-c", "grep TracerPid /proc/self/status"]
    r = T.run(T.renacer_cmd() + ["-f", "-c", "--stats-self", "-o", T.tmpfile("c"), "--"] + cmd)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    check(_BPF_LINE in r.err, "--stats-self does not name the eBPF path\n" + r.describe())
    check_eq(r.out.split(), ["TracerPid:", "0"], "the command's TracerPid\n" + r.describe())
    r = T.run(T.renacer_cmd() + ["-f", "-c", "--no-bpf", "-o", T.tmpfile("c"), "--"] + cmd)
    check(r.out.split()[:1] == ["TracerPid:"] and r.out.split()[1] != "0",
          "under --no-bpf the command is traced\n" + r.out + r.describe())


# ---------------------------------------------------------------- 2. counts

def test_counts_simple_syscalls():
    counts3(["-c"], [fixture("simple_syscalls")])


def test_counts_fork_exec():
    counts3(["-f", "-c"], [fixture("fork_exec")])


def test_counts_threads4():
    counts3(["-f", "-c"], [fixture("threads4")])


def test_counts_three_children():
    counts3(["-f", "-c"], [fixture("three_children")])


def test_counts_no_f():
    """Without -f only the command itself is counted."""
    counts3(["-c"], [fixture("three_children")])


def test_counts_child_killed():
    """Calls a SIGKILL ends inside (pause) or right at their return (kill
    of oneself) are not counted: ptrace never sees their exit."""
    counts3(["-f", "-c"], [fixture("child_killed")])


def test_counts_wall():
    counts3(["-f", "-c", "-w"], [fixture("fork_exec")])


def test_time_is_cpu_time():
    """A call that sleeps is charged the little CPU it ran, not its wait;
    with -w the wait."""
    need_bpf()
    cmd = ["/bin/sleep", "0.3"]
    for opts, lo, hi in ((["-c"], 0.0, 0.05), (["-c", "-w"], 0.29, 5.0)):
        r = S.run_o(T.renacer_cmd(), opts, cmd)
        t = S.one_table(r.text, " ".join(opts))
        row = [x for x in t.rows if x["syscall"] == "clock_nanosleep"]
        check(row, "no clock_nanosleep row\n" + t.dump())
        secs = float(row[0]["seconds"])
        check(lo <= secs < hi, "%s: clock_nanosleep %.6f s, not in [%s, %s)\n%s"
              % (" ".join(opts), secs, lo, hi, t.dump()))


def test_trace_set_restricts_the_table():
    _, p, b = counts3(["-f", "-c", "-e", "trace=openat,close,write"], [fixture("fork_exec")])
    check(set(b.names()) <= {"openat", "close", "write"} and b.names(),
          "rows outside trace=\n" + b.dump())


# ---------------------------------------------------------------- 3. fallback

def test_fallback_says_why():
    need_bpf()
    for opts, why in ((["-C"], "-C shows the trace too"),
                      (["-c", "--no-bpf"], "--no-bpf"),
                      (["-c", "-U", "calls,p50,name"], "percentiles"),
                      (["-c", "-z"], "-e status="),
                      (["-c", "--syscall-limit", "1000"], "--syscall-limit")):
        out = T.tmpfile("c")
        r = T.run(T.renacer_cmd() + ["--stats-self", "-o", out] + opts
                  + ["--", fixture("simple_syscalls")])
        check_eq(r.rc, 0, "exit status\n" + r.describe())
        check(re.search(r"^renacer: self: -c by ptrace: .*" + re.escape(why), r.err, re.M),
              "%s: no 'by ptrace: ...%s' line\n%s" % (opts, why, r.describe()))
        check(S.find_tables(T.read_text(out)), "%s: no table\n%s" % (opts, r.describe()))
    # Silent without --stats-self.
    r = T.run(T.renacer_cmd() + ["-c", "-o", T.tmpfile("c"), "--",
                                 fixture("simple_syscalls")])
    check_eq(r.err, "", "stderr without --stats-self")


def test_unprivileged_falls_back():
    """Without CAP_BPF and CAP_PERFMON the kernel refuses the program:
    the same table comes from ptrace, silently (--stats-self says why)."""
    need_bpf()
    setpriv = shutil.which("setpriv")
    if not setpriv or os.getuid() != 0:
        raise T.Skip("needs root and setpriv(1) to drop to an unprivileged user")
    drop = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all"]
    exe = fixture("simple_syscalls")
    r = T.run(drop + T.renacer_cmd() + ["-c", "--stats-self", "--", exe], cwd="/")
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    check(re.search(r"^renacer: self: -c by ptrace: cannot load the eBPF program", r.err, re.M),
          "no fallback line\n" + r.describe())
    mine = S.comparable(S.one_table(r.out, "unprivileged -c").counts())
    r = T.run(drop + T.renacer_cmd() + ["-c", "--", exe], cwd="/")
    check_eq(r.err, "", "stderr of the silent fallback")
    b = S.run_o(T.renacer_cmd(), ["-c"], [exe])
    check_eq(mine, S.comparable(S.one_table(b.text, "eBPF -c").counts()),
             "(calls, errors) unprivileged (ptrace) vs eBPF")


# ---------------------------------------------------------------- 4. ending

def test_exit_status_and_death_signal():
    need_bpf()
    r = T.run(T.renacer_cmd() + ["-f", "-c", "-o", T.tmpfile("c"), "--",
                                 fixture("exit_code"), "42"])
    check_eq(r.rc, 42, "exit status of exit_code 42\n" + r.describe())
    r = T.run(T.renacer_cmd() + ["-f", "-c", "-o", T.tmpfile("c"), "--", fixture("segv")])
    check_eq(r.rc, -signal.SIGSEGV, "a command killed by SIGSEGV\n" + r.describe())


def start_sleeper(opts):
    """renacer OPTS -c -o FILE -- sleeper TICKS, once it ticks: (renacer's
    Popen, the sleeper's pid, the -c file, the ticks file)."""
    out, ticks = T.tmpfile("c"), T.tmpfile("ticks")
    p = subprocess.Popen(T.renacer_cmd() + opts + ["-c", "-o", out, "--", fixture("sleeper"), ticks],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, cwd=T.TMP)
    line = p.stdout.readline().decode()
    m = re.match(r"^sleeper (\d+)$", line)
    if not m:
        p.kill()
        p.wait()
        raise AssertionError("sleeper did not start under renacer: %r" % line)
    pid = int(m.group(1))
    check(T.wait_for(lambda: T.count_lines(ticks) >= 2, 5), "sleeper does not tick")
    return p, pid, out, ticks


def test_sigterm_kills_the_command():
    need_bpf()
    p, pid, out, _ = start_sleeper(["-f"])
    try:
        check_eq(T.tracer_pid(pid), 0, "the sleeper's TracerPid")
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=T.scaled(10))
        check_eq(p.returncode, -signal.SIGTERM, "renacer's end")
        check(T.wait_for(lambda: T.proc_state(pid) in (None, "Z"), 5),
              "the command outlived SIGTERM to renacer")
        t = S.one_table(T.read_text(out), "the -c file")
        check("write" in t.names(), "the sleeper's writes not counted\n" + t.dump())
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        if T.proc_state(pid) not in (None, "Z"):
            os.kill(pid, signal.SIGKILL)


def test_fatal_signal_counts_the_interrupted_call():
    """A command killed by SIGTERM in a call: ptrace sees that call end
    (ERESTART..., counted as failed), then the signal; the eBPF path, where
    the kernel makes the signal a SIGKILL of the untraced process, counts
    it too. Errors per syscall compared (the number of calls depends on
    when the signal comes)."""
    need_bpf()
    errors = []
    for opts in (["-f"], ["-f", "--no-bpf"]):
        p, pid, out, _ = start_sleeper(opts)
        try:
            os.kill(pid, signal.SIGTERM)
            p.wait(timeout=T.scaled(10))
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        check_eq(p.returncode, -signal.SIGTERM, "renacer %s: dies of the command's signal"
                 % " ".join(opts))
        t = S.one_table(T.read_text(out), "the -c file")
        errors.append(({n: e for n, (c, e) in t.counts().items() if e}, t))
    check_eq(errors[0][0], errors[1][0], "failed calls per syscall, eBPF vs --no-bpf\n"
             "eBPF:\n%s\n--no-bpf:\n%s" % (errors[0][1].dump(), errors[1][1].dump()))
    check(sum(errors[0][0].values()) >= 1, "the interrupted call is not counted as failed\n"
          + errors[0][1].dump())


def bpf_prog_ids(pid):
    """Ids of the eBPF programs process pid holds descriptors of."""
    ids = set()
    d = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(d):
        try:
            with open(os.path.join(d, fd)) as f:
                for l in f:
                    if l.startswith("prog_id:"):
                        ids.add(int(l.split()[1]))
        except OSError:
            pass
    return ids


def test_nothing_loaded_after_sigkill():
    """The programs and links are held by renacer's descriptors only: when
    renacer is killed outright the kernel unloads them. The command, no
    longer tied to a tracer, runs on (unlike under ptrace)."""
    need_bpf()
    bpftool = shutil.which("bpftool") or shutil.which("/usr/sbin/bpftool")
    if not bpftool:
        raise T.Skip("no bpftool to list the loaded programs")
    p, pid, _, ticks = start_sleeper(["-f"])
    try:
        ids = bpf_prog_ids(p.pid)
        check(ids, "renacer holds no eBPF program")
        p.kill()
        p.wait()

        def gone():
            return all(subprocess.run([bpftool, "prog", "show", "id", str(i)],
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode != 0 for i in ids)
        check(T.wait_for(gone, 5), "programs %s still loaded after SIGKILL" % sorted(ids))
        n = T.count_lines(ticks)
        check(T.wait_for(lambda: T.count_lines(ticks) > n, 5), "the command stopped running")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        if T.proc_state(pid) not in (None, "Z"):
            os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- 5. -p

def tasks_of(pid):
    try:
        return sorted(int(t) for t in os.listdir("/proc/%d/task" % pid))
    except OSError:
        return []


def task_status(pid, tid):
    """(TracerPid, state letter, voluntary context switches) of a task."""
    try:
        with open("/proc/%d/task/%d/status" % (pid, tid)) as f:
            st = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        return (int(st["TracerPid"]), st["State"].split()[0],
                int(st["voluntary_ctxt_switches"]))
    except (OSError, KeyError, ValueError):
        return (None, None, 0)


def all_in_read(pid):
    """Every task of pid blocked in read(2) (/proc/TID/syscall: nr 0)."""
    def blocked(tid):
        try:
            with open("/proc/%d/task/%d/syscall" % (pid, tid)) as f:
                return f.read().split()[:1] == ["0"]
        except OSError:
            return False
    return all(blocked(t) for t in tasks_of(pid))


def attach_run(tracer, opts, argv, ready, timeout=30):
    """Start ARGV (stdin a pipe), wait for ready(Popen) to give its pid
    once every task of it waits in read(2), attach TRACER OPTS -p PID -o
    FILE to it, and once the tracer says it is attached (and a ptrace
    tracer has taken over every task: below), send it a byte and wait for
    both to end. Returns (tracer's status, its stderr, FILE's text, the
    target's TracerPid while attached, its pid)."""
    tgt = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, cwd=T.TMP)
    p = None
    try:
        pid = ready(tgt)
        check(T.wait_for(lambda: all_in_read(pid), T.scaled(10)),
              "not every task of %d blocked in read" % pid)
        # The tasks a tracer attaches to: without -f only the pid's own.
        before = dict((t, task_status(pid, t)[2]) for t in tasks_of(pid)
                      if "-f" in opts or t == pid)
        ofile, efile = T.tmpfile("c"), T.tmpfile("err")
        with open(efile, "w") as ef:
            p = subprocess.Popen(tracer + opts + ["-p", str(pid), "-o", ofile], stderr=ef,
                                 stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=T.TMP)
        line = re.compile(r"^\S+: Process %d attached" % pid, re.M)
        check(T.wait_for(lambda: line.search(T.read_text(efile)) or p.poll() is not None,
                         T.scaled(20)) and p.poll() is None,
              "%s did not attach to %d:\n%s" % (" ".join(tracer + opts), pid, T.read_text(efile)))
        traced_by = T.tracer_pid(pid)
        if traced_by:
            # A ptrace tracer says "attached" once it has seized the
            # tasks; a task whose read got its byte before the tracer's
            # interrupt stopped it would end that read unseen (strace
            # and --no-bpf alike). Interrupted, stopped and back in the
            # restarted read under the tracer, it has switched out twice.
            def settled():
                for t, n in before.items():
                    tp, state, vol = task_status(pid, t)
                    if not tp or state != "S" or vol < n + 2:
                        return False
                return True
            check(T.wait_for(settled, T.scaled(20)), "%s: the tasks of %d not back in read "
                  "under the tracer" % (" ".join(tracer + opts), pid))
        tgt.stdin.write(b"x\n")
        tgt.stdin.close()
        tgt.wait(timeout=T.scaled(timeout))
        p.wait(timeout=T.scaled(timeout))
        return p.returncode, T.read_text(efile), T.read_text(ofile), traced_by, pid
    finally:
        for x in (p, tgt):
            if x is not None and x.poll() is None:
                x.kill()
                x.wait()


def target_ready(tgt):
    m = re.match(r"^attach_target (\d+)$", tgt.stdout.readline().decode())
    check(m, "attach_target did not start")
    return int(m.group(1))


def in_read(tgt):
    """A process that blocks reading its stdin, once it does."""
    def blocked():
        try:
            with open("/proc/%d/syscall" % tgt.pid) as f:
                return f.read().split()[:2] == ["0", "0x0"]
        except OSError:
            return False
    check(T.wait_for(blocked, T.scaled(10)), "pid %d never blocked in read(0)" % tgt.pid)
    return tgt.pid


def attach3(opts, argv, ready=target_ready):
    """strace, --no-bpf and the eBPF path attached (-p) to fresh runs of
    argv: the three tables' (calls, errors) per syscall are equal (futex,
    the threads' joins, and restarted calls aside: S.comparable). Returns
    the eBPF table and its run's stderr."""
    need_bpf()
    runs = []
    for who, tracer, extra in (("strace", S.strace_cmd(), []),
                               ("--no-bpf", T.renacer_cmd(), ["--no-bpf", "--stats-self"]),
                               ("eBPF", T.renacer_cmd(), ["--stats-self"])):
        rc, err, text, traced_by, pid = attach_run(tracer, extra + opts, argv, ready)
        check_eq(rc, 0, "%s %s -p: exit status after the process ended\n%s"
                 % (who, " ".join(opts), err))
        if who == "eBPF":
            check(_BPF_LINE in err, "not the eBPF path:\n" + err)
            check_eq(traced_by, 0, "TracerPid of the process attached by the eBPF path")
        elif who == "--no-bpf":
            check(traced_by not in (0, None), "--no-bpf -p: the process is not traced")
        t = S.one_table(text, who)
        S.check_total(t, who)
        runs.append((who, t, err))
    cs = [S.comparable(t.counts()) for _, t, _ in runs]
    for (who, t, _), c in zip(runs[:2], cs[:2]):
        diff = ["%-16s %s %-10s eBPF %s" % (n, who, c.get(n), cs[2].get(n))
                for n in sorted(set(c) | set(cs[2])) if c.get(n) != cs[2].get(n)]
        check(not diff, "%s -p %s: (calls, errors) per syscall, eBPF vs %s:\n%s\n%s\neBPF:\n%s"
              % (" ".join(opts), " ".join(argv), who, T.indent("\n".join(diff)), t.dump(),
                 runs[2][1].dump()))
    return runs[2][1], runs[2][2]


def test_attach_counts():
    """The calls made after the attach, exactly: without -f the process's
    main thread, with -f its threads and children too; the call each was
    blocked in at the attach counted once."""
    n = 9
    t, _ = attach3(["-c"], [fixture("attach_target"), str(n), "2", "1"])
    got = S.comparable(t.counts())
    want = {"read": (1, 0), "write": (2, 0), "getpid": (n, 0), "close": (n, n),
            "clone": (1, 0), "wait4": (1, 0)}
    check_eq(got, want, "-c -p: the main thread's calls\n" + t.dump())
    t, err = attach3(["-f", "-c"], [fixture("attach_target"), str(n), "2", "2"])
    got = S.comparable(t.counts())
    want = {"read": (3, 0), "write": (2, 0), "getpid": (3 * n, 0), "close": (n, n),
            "clone": (2, 0), "wait4": (2, 0), "getppid": (2 * n, 0), "madvise": (2, 0),
            "rt_sigprocmask": (2, 0), "set_robust_list": (2, 0)}
    check_eq(got, want, "-f -c -p: every thread's and child's calls\n" + t.dump())
    check(re.search(r"^renacer: Process \d+ attached with 3 threads$", err, re.M),
          "-f: 'attached with 3 threads'\n" + err)
    check_eq(len(re.findall(r"^renacer: Process \d+ attached$", err, re.M)), 2,
             "-f: 'Process N attached' for each child, as the tracer says it\n" + err)


def test_attach_f_outlived():
    """-f -p: the attached shell ends before a descendant (orphan's child,
    reparented away from the tree): renacer waits for that one too and
    counts its calls, as the tracer does."""
    attach3(["-f", "-c"], ["/bin/sh", "-c", "read x; %s" % fixture("orphan")], ready=in_read)


def test_attach_end_signal():
    """SIGINT or SIGTERM: the table, 'Process N attached/detached' on
    stderr, renacer dies of the signal, the process runs on untraced."""
    need_bpf()
    for sig in (signal.SIGINT, signal.SIGTERM):
        s = T.Sleeper()
        p = None
        try:
            out, efile = T.tmpfile("c"), T.tmpfile("err")
            with open(efile, "w") as ef:
                p = subprocess.Popen(T.renacer_cmd() + ["-c", "--stats-self", "-p", str(s.pid),
                                                        "-o", out], stderr=ef, cwd=T.TMP,
                                     stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            check(T.wait_for(lambda: "Process %d attached" % s.pid in T.read_text(efile),
                             T.scaled(20)), "not attached:\n" + T.read_text(efile))
            n = s.ticks()
            check(T.wait_for(lambda: s.ticks() >= n + 2, 10), "the sleeper does not tick")
            check_eq(T.tracer_pid(s.pid), 0, "the sleeper's TracerPid")
            p.send_signal(sig)
            p.wait(timeout=T.scaled(10))
            err = T.read_text(efile)
            check(_BPF_LINE in err, "not the eBPF path:\n" + err)
            check_eq(p.returncode, -sig, "renacer's end after %s\n%s" % (sig.name, err))
            for what in ("attached", "detached"):
                check_eq(err.count("renacer: Process %d %s\n" % (s.pid, what)), 1,
                         "'Process %d %s' once on stderr\n%s" % (s.pid, what, err))
            t = S.one_table(T.read_text(out), "the -c file")
            check(t.counts().get("write", (0, 0))[0] >= 2, "the ticks' writes not counted\n"
                  + t.dump())
            s.check_free_and_running("after %s" % sig.name)
        finally:
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
            s.stop()


# ---------------------------------------------------------------- 6. --process-summary

def ps_rows(text, who, command=True):
    """The process summary's rows, pids aside: (command cell with its
    indentation or only the indentation, syscalls, errors, exit)."""
    ts = S.find_tables(text)
    check_eq(len(ts), 2, "%s: the -c table and the process summary\n%s" % (who, text[-3000:]))
    c, t = ts
    check_eq(t.cols, S.PS_HEADER_COLS, "%s: the process summary second" % who)
    rows = []
    for x in t.rows:
        cmd = x["command"] if command else x["command"][:len(x["command"])
                                                          - len(x["command"].lstrip(" \\_"))].rstrip()
        rows.append((cmd, int(x["syscalls"]), int(x["errors"] or 0), x["exit"]))
    check_eq(sum(r[1] for r in rows), int(c.total["calls"]),
             "%s: the processes' calls add up to the -c total\n%s\n%s" % (who, c.dump(), t.dump()))
    return rows, t


def test_process_summary_rows():
    need_bpf()
    for argv, rc in (([fixture("fork_exec")], 0), ([fixture("child_killed")], 0),
                     ([fixture("chain"), "3"], 3), ([fixture("segv")], -signal.SIGSEGV),
                     ([fixture("fork_exec"), fixture("exit_code"), "9"], 0)):
        opts = ["-f", "-c", "--process-summary"]
        p = S.run_o(T.renacer_cmd(), ["--no-bpf"] + opts, argv, rc=rc)
        b = S.run_o(T.renacer_cmd(), ["--stats-self"] + opts, argv, rc=rc)
        check(_BPF_LINE in b.err, "not the eBPF path:\n" + b.describe())
        (pr, pt), (br, bt) = ps_rows(p.text, "--no-bpf"), ps_rows(b.text, "eBPF")
        check_eq(br, pr, "%s: rows (command, syscalls, errors, exit), eBPF vs --no-bpf\n"
                 "--no-bpf:\n%s\neBPF:\n%s" % (" ".join(argv), pt.dump(), bt.dump()))


def test_process_summary_attached():
    """-p: the attached process and its children, the same rows as under
    ptrace (whose command column is empty for a process it attached to;
    the eBPF path shows its /proc/PID/cmdline)."""
    need_bpf()
    n = 5
    argv = [fixture("attach_target"), str(n), "0", "2"]
    opts = ["-f", "-c", "--process-summary"]
    got = []
    for extra in (["--no-bpf"], []):
        rc, err, text, _, pid = attach_run(T.renacer_cmd(), extra + opts, argv, target_ready)
        check_eq(rc, 0, "exit status\n" + err)
        rows, t = ps_rows(text, " ".join(extra) or "eBPF", command=False)
        got.append((rows, t, pid))
    (pr, pt, _), (br, bt, pid) = got
    check_eq(br, pr, "rows (indentation, syscalls, errors, exit), eBPF vs --no-bpf\n"
             "--no-bpf:\n%s\neBPF:\n%s" % (pt.dump(), bt.dump()))
    check_eq(int(bt.rows[0]["pid"]), pid, "the attached process is the root\n" + bt.dump())
    check_eq([x["command"] for x in bt.rows], [" ".join(argv)] + [" \\_ " + " ".join(argv)] * 2,
             "eBPF: the commands (the attached one's cmdline, inherited by its children)\n"
             + bt.dump())
    check_eq(br[0][1:], (1 + n + n + 2 + 2, n, "exit 0"),
             "the attached process: read, getpid, close, clone and wait4\n" + bt.dump())


# ---------------------------------------------------------------- 7. -C -o

def test_C_o_is_ptrace():
    """-C needs the stops for its trace, and its table counts the same
    stops: by ptrace, the trace then the table in FILE, as strace -C -o."""
    need_bpf()
    argv = ["-f", "-C"]
    exe = [fixture("fork_exec")]
    s = S.run_o(S.strace_cmd(), argv, exe)
    r = S.run_o(T.renacer_cmd(), ["--stats-self"] + argv, exe)
    check(re.search(r"^renacer: self: -c by ptrace: -C shows the trace too$", r.err, re.M),
          "-C -o: not by ptrace, or not said why\n" + r.describe())
    st, rt = S.one_table(s.text, "strace -C -o"), S.one_table(r.text, "renacer -C -o")
    check(rt.first > 0 and "execve(" in r.text.split("\n")[0], "-C -o: the trace first\n"
          + r.text[:2000])
    check_eq(r.text.rstrip("\n").split("\n")[rt.first:], rt.lines, "-C -o: the table last")
    check_eq(S.comparable(rt.counts()), S.comparable(st.counts()),
             "-C -o: (calls, errors) per syscall vs strace -C -o\n%s\n%s" % (st.dump(), rt.dump()))


if __name__ == "__main__":
    T.main([test_path_is_bpf, test_counts_simple_syscalls, test_counts_fork_exec,
            test_counts_threads4, test_counts_three_children, test_counts_no_f,
            test_counts_child_killed, test_counts_wall, test_time_is_cpu_time,
            test_trace_set_restricts_the_table,
            test_fallback_says_why, test_unprivileged_falls_back,
            test_exit_status_and_death_signal,
            test_sigterm_kills_the_command, test_fatal_signal_counts_the_interrupted_call,
            test_nothing_loaded_after_sigkill,
            test_attach_counts, test_attach_f_outlived, test_attach_end_signal,
            test_process_summary_rows, test_process_summary_attached,
            test_C_o_is_ptrace])
