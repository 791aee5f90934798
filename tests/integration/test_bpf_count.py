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
                      (["-c", "--process-summary"], "--process-summary")):
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


if __name__ == "__main__":
    T.main([test_path_is_bpf, test_counts_simple_syscalls, test_counts_fork_exec,
            test_counts_threads4, test_counts_three_children, test_counts_no_f,
            test_counts_child_killed, test_counts_wall, test_time_is_cpu_time,
            test_trace_set_restricts_the_table,
            test_fallback_says_why, test_unprivileged_falls_back,
            test_exit_status_and_death_signal,
            test_sigterm_kills_the_command, test_fatal_signal_counts_the_interrupted_call,
            test_nothing_loaded_after_sigkill])
