#!/usr/bin/env python3
"""-ff with -o FILE: one file FILE.TID per traced thread, as strace 6.1.

strace 6.1 (checked by running it) writes one file per THREAD (not per
process), with no pid on the lines; a call is split only when its own
thread's next line comes first (killed inside it: "name(args <unfinished
...>) = ?"); a non-leader's execve ends the thread's file with " <pid
changed to LEADER ...>" and completes in the leader's file after "+++
superseded by execve in pid T +++" as "<... execve resumed>) = 0". FILE
itself is not created. -ff with -c/-C is refused; -ff without -o is -f.

Each check runs `renacer -ff -o FILE --capture CAP`: the capture of the same
run, dumped by renacer-dump, is the -f trace (lines "TID  text") to compare
the files with: the set of FILE.TID is the set of tids in the -f trace, and
each file holds exactly that tid's calls and events, in order.

Run by ctest as integration_ff; by hand:
    python3 tests/integration/test_ff.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import os
import re
import shutil

import rntest as T
from rntest import check, check_eq, fixture


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def run_ff(cmd, opts=(), rc=0):
    """renacer -ff OPTS -o BASE --capture CAP -- CMD in a fresh directory;
    returns ({tid: file text}, the -f trace of the same run, directory)."""
    d = T.tmpfile("ffdir")
    os.mkdir(d)
    base = os.path.join(d, "out")
    cap = os.path.join(d, "capture")
    r = T.run(T.renacer_cmd() + ["-ff"] + list(opts) + ["-o", base, "--capture", cap, "--"] +
              list(cmd))
    check_eq(r.rc, rc, "renacer exit status\n" + r.describe())
    check(not os.path.exists(base), "FILE itself is not written")
    files = {}
    for name in os.listdir(d):
        m = re.match(r"^out\.(\d+)$", name)
        if m:
            files[int(m.group(1))] = T.read_text(os.path.join(d, name))
    dr = T.run([dump_cmd(), cap])
    check_eq(dr.rc, 0, "renacer-dump exit status\n" + dr.describe())
    return files, T.Trace(dr.out, origin=dr.describe()), d


def norm(text):
    """A line without its column padding: runs of spaces are one."""
    return re.sub(r" +", " ", text)


def check_files_match(prog, files, trace):
    check_eq(sorted(files), sorted(trace.pids()), "%s: a file per tid of the -f trace" % prog)
    for tid, text in files.items():
        ft = T.Trace(text, origin="file %d" % tid)
        check(all(l.pid is None for l in ft.lines) and not ft.other,
              "%s: file %d: no pid prefix, only trace lines\n%s" % (prog, tid, text[-1500:]))
        check("resumed>" not in text.replace("<... execve resumed>", ""),
              "%s: file %d: no call resumed (nothing of another thread comes between)" % (
                  prog, tid))
        got = [norm(l) for l in ft.texts()]
        want = [norm(l) for l in trace.of(tid)]
        check_eq(got, want, "%s: file %d = its lines of the -f trace" % (prog, tid))


def test_one_file_per_thread():
    for prog in ("fork_write", "fork_exec", "three_children", "threads4", "vfork_exec"):
        files, trace, _ = run_ff([fixture(prog)])
        check_files_match(prog, files, trace)
    files, _, _ = run_ff([fixture("threads4")])
    check_eq(len(files), 5, "threads4: the main thread and 4 threads, a file each")
    files, _, _ = run_ff([fixture("chain"), "5"], rc=5)
    check_eq(len(files), 6, "chain 5: six processes")
    exits = sorted(re.search(r"\+\+\+ exited with (\d+) \+\+\+", t).group(1)
                   for t in files.values())
    check_eq(exits, [str(k) for k in range(6)], "each file ends with its process's exit")


def test_killed_in_a_call():
    """A thread killed inside a call: its own file ends the line "= ?"."""
    files, trace, _ = run_ff([fixture("thread_exec")])
    leader = min(files)
    thread = [t for t in files if t != leader]
    check_eq(len(thread), 1, "thread_exec: two tids\n%r" % sorted(files))
    t = files[thread[0]]
    last = [l for l in t.splitlines() if l][-1]
    check(re.match(r'^execve\("/bin/true", .* <pid changed to %d \.\.\.>$' % leader, last),
          "the thread's file ends with its execve and the pid change: %r" % last)
    lead = files[leader].splitlines()
    i = [k for k, l in enumerate(lead) if l == "+++ superseded by execve in pid %d +++" %
         thread[0]]
    check_eq(len(i), 1, "the leader's file says it was superseded\n" + files[leader][-1500:])
    check(re.match(r"^<\.\.\. execve resumed>\) += 0$", lead[i[0] + 1]),
          "then the execve completes in the leader's file: %r" % lead[i[0] + 1])
    check(re.match(r"^[a-z_0-9]+\(.*\) += \?$", lead[i[0] - 1]),
          "the leader's call cut by the exec ends \"= ?\": %r" % lead[i[0] - 1])


def test_refusals_and_plain_f():
    for opts in (["-c"], ["-C"], ["--format", "json"]):
        r = T.run(T.renacer_cmd() + ["-ff"] + opts + ["-o", T.tmpfile("x"), "--",
                                                      fixture("fork_write")])
        check_eq(r.rc, 1, "-ff -o with %s refused\n%s" % (opts, r.describe()))
        check_eq(len(r.err.strip().splitlines()), 1, "one line\n" + r.describe())
    r = T.trace_stdout(["-ff"], [fixture("fork_write")])
    check_eq(r.rc, 0, "-ff without -o\n" + r.describe())
    check(len(r.trace.pids()) == 2, "-ff without -o is -f: [pid N] lines", r.trace)


def test_same_files_as_strace():
    """strace -ff makes as many files, of the same kinds of lines."""
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace")
    for prog in ("threads4", "fork_exec", "thread_exec", "child_killed"):
        files, _, _ = run_ff([fixture(prog)])
        d = T.tmpfile("straceff")
        os.mkdir(d)
        r = T.run([strace, "-ff", "-o", os.path.join(d, "out"), fixture(prog)])
        check_eq(r.rc, 0, "strace\n" + r.describe())
        theirs = sorted(os.listdir(d))
        check_eq(len(files), len(theirs), "%s: as many files as strace's %r" % (prog, theirs))

        def ends(texts):
            return sorted(re.sub(r"0x[0-9a-f]+", "ADDR",
                                 re.sub(r"\b\d+\b", "N", [l for l in t.splitlines() if l][-1]))
                          for t in texts)
        check_eq(ends(files.values()),
                 ends(T.read_text(os.path.join(d, n)) for n in theirs),
                 "%s: the files end as strace's" % prog)


if __name__ == "__main__":
    T.main([test_one_file_per_thread, test_killed_in_a_call, test_refusals_and_plain_f,
            test_same_files_as_strace])
