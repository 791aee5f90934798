#!/usr/bin/env python3
"""Signals in the traced tree: children killed by SIGKILL (self-inflicted
and by the parent), a child that stops itself with SIGSTOP and is
continued by its parent (the group-stop must reach the real parent),
signals with a handler, blocked then unblocked, and ignored (each passed
on to the tracee exactly once)."""
import os
import re

import rntest as T
from rntest import check, check_eq, fixture

UID = os.getuid()


def out_of(r):
    return r.out if r.ofile else r.trace.program_output()


def root_of(t, children):
    """stdout traces: the parent's pid is the prefixed pid that is not a child."""
    others = [p for p in t.pids() if p not in children]
    check_eq(len(others), 1, "prefixed pids besides the children %r" % sorted(children), t)
    return others[0]


def check_killed(r):
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    out = out_of(r)
    a = int(re.search(r"^child A (\d+)$", out, re.M).group(1))
    b = int(re.search(r"^child B (\d+)$", out, re.M).group(1))
    check(re.search(r"^A %d signal 9$" % a, out, re.M) and re.search(r"^B %d signal 9$" % b, out, re.M),
          "program output %r" % out, t)
    if not r.ofile:  # stdout: the unprefixed lines are the parent's
        t.attribute_unprefixed(root_of(t, {a, b}))
    root = [l.pid for l in t.lines if l.text.startswith("execve(")][0]
    check_eq(t.exits(), [(a, "killed by SIGKILL"), (b, "killed by SIGKILL"), (root, "exited with 0")],
             "exit lines", t)
    check_eq(t.of(a)[-1], "+++ killed by SIGKILL +++", "A's last line", t)
    check_eq(t.of(b)[-1], "+++ killed by SIGKILL +++", "B's last line", t)
    # A dies inside its kill(): strace shows the call with no return value.
    check(re.match(r"^kill\(%d, (SIGKILL|9)\) += \?$" % a, t.of(a)[-2]),
          "A's kill(itself) line: 'kill(%d, SIGKILL) = ?', got %r" % (a, t.of(a)[-2]), t)
    for who, code in ((a, "CLD_KILLED"), (b, "CLD_KILLED")):
        want = ("--- SIGCHLD {si_signo=SIGCHLD, si_code=%s, si_pid=%d, si_uid=%d, "
                "si_status=SIGKILL, si_utime=N, si_stime=N} ---" % (code, who, UID))
        got = [T.mask_cpu_times(x) for x in t.of(root) if "si_pid=%d," % who in x]
        check_eq(got, [want], "SIGCHLD of %d" % who, t)


def test_killed_f_o():
    r = T.trace_o(["-f"], [fixture("child_killed")])
    check_killed(r)


def test_killed_f_stdout():
    r = T.trace_stdout(["-f"], [fixture("child_killed")])
    check_killed(r)


def test_killed_no_f():
    r = T.trace_o([], [fixture("child_killed")])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check_eq(t.exits(), [(None, "exited with 0")], "exit lines", t)
    check_eq(len(t.find(r"^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_KILLED, ")), 2, "SIGCHLD lines", t)


def check_stop_cont(r):
    t = r.trace
    check_eq(r.rc, 0, "exit status (1 = the parent did not see the stop)\n" + r.describe(), t)
    out = out_of(r)
    c = int(re.search(r"^child (\d+) stopping$", out, re.M).group(1))
    check(re.search(r"^parent saw stop 19$", out, re.M), "the parent must see the stop: %r" % out, t)
    check(re.search(r"^child %d continued$" % c, out, re.M), "the child must be continued: %r" % out, t)
    check(re.search(r"^parent reaped %d status 0$" % c, out, re.M), "reaped: %r" % out, t)
    if not r.ofile:  # stdout: the unprefixed lines are the parent's
        t.attribute_unprefixed(root_of(t, {c}))
    root = [l.pid for l in t.lines if l.text.startswith("execve(")][0]
    mine = t.of(c)
    sig = "--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=%d, si_uid=%d} ---" % (c, UID)
    check(sig in mine, "the child's %r line" % sig, t)
    check("--- stopped by SIGSTOP ---" in mine, "the child's '--- stopped by SIGSTOP ---' line", t)
    i_sig, i_stop = mine.index(sig), mine.index("--- stopped by SIGSTOP ---")
    check(i_sig < i_stop, "SIGSTOP delivery before the stop", t)
    check_eq(mine.count("--- stopped by SIGSTOP ---"), 1, "stop lines", t)
    cont = "--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=%d, si_uid=%d} ---" % (root, UID)
    check(cont in mine and mine.index(cont) > i_stop, "the child's %r line after the stop" % cont, t)
    line = "child %d continued\n" % c
    w = [i for i, x in enumerate(mine) if x.startswith("write(1, %s, %d)" % (T.squote(line), len(line)))]
    check(len(w) == 1 and w[0] > i_stop, "the child's write of %r after the stop" % line, t)
    check_eq(t.exits(), [(c, "exited with 0"), (root, "exited with 0")], "exit lines", t)
    stopped = [x for x in t.of(root) if x.startswith("--- SIGCHLD") and "CLD_STOPPED" in x]
    check_eq(len(stopped), 1, "the parent's SIGCHLD CLD_STOPPED lines", t)
    check(re.match(r"^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_STOPPED, si_pid=%d, si_uid=%d, "
                   r"si_status=SIGSTOP, si_utime=\d+, si_stime=\d+\} ---$" % (c, UID), stopped[0]),
          "SIGCHLD CLD_STOPPED line: %r" % stopped[0], t)


def test_stop_cont_f_o():
    r = T.trace_o(["-f"], [fixture("stop_cont")], timeout=30)
    check_stop_cont(r)


def test_stop_cont_f_stdout():
    r = T.trace_stdout(["-f"], [fixture("stop_cont")], timeout=30)
    check_stop_cont(r)


def test_stop_cont_no_f():
    r = T.trace_o([], [fixture("stop_cont")], timeout=30)
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check(re.search(r"^parent saw stop 19$", r.out, re.M), "program output %r" % r.out, t)
    check_eq(t.exits(), [(None, "exited with 0")], "exit lines", t)
    check_eq(t.find(r"stopped by"), [], "no stop lines (the child is not traced)", t)


def check_handler(r):
    t = r.trace
    check_eq(r.rc, 0, "exit status (1: a signal was lost or doubled)\n" + r.describe(), t)
    check_eq(out_of(r), "handled 2\nhandled 3\n", "program output", t)
    gp = [T.Trace.retval(t, x) for x in t.texts() if x.startswith("getpid(")]
    check_eq(len(gp), 1, "getpid lines", t)
    pid = gp[0]
    texts = t.texts()
    usr1 = "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=%d, si_uid=%d} ---" % (pid, UID)
    usr2 = "--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=%d, si_uid=%d} ---" % (pid, UID)
    check_eq(texts.count(usr1), 3, "SIGUSR1 lines", t)
    check_eq(texts.count(usr2), 1, "SIGUSR2 lines (ignored, but a tracee still reports it)", t)
    for i, x in enumerate(texts):
        if x == usr1:
            check(i + 1 < len(texts) and texts[i + 1].startswith("rt_sigreturn("),
                  "the line after a SIGUSR1 delivery must be rt_sigreturn(...), got %r" % texts[i + 1:i + 2], t)
    check_eq(t.exits(), [(t.lines[-1].pid, "exited with 0")], "exit lines", t)


def test_signal_handler_o():
    check_handler(T.trace_o([], [fixture("signal_handler")]))


def test_signal_handler_f_stdout():
    check_handler(T.trace_stdout(["-f"], [fixture("signal_handler")]))


if __name__ == "__main__":
    T.main([test_killed_f_o, test_killed_f_stdout, test_killed_no_f,
            test_stop_cont_f_o, test_stop_cont_f_stdout, test_stop_cont_no_f,
            test_signal_handler_o, test_signal_handler_f_stdout])
