#!/usr/bin/env python3
"""Attaching with -p: 'renacer: Process N attached' on stderr, the
process's system calls traced, and on SIGINT / SIGTERM / SIGHUP renacer
detaches, leaving the process running, not stopped, not traced, and dies
of that signal itself as strace does.  Also several pids (-p A,B and
-p A -p B), and -f -p on a tree that forks all the time."""
import os
import re
import signal
import subprocess
import time

import rntest as T
from rntest import Sleeper, check, check_eq, fixture

# renacer's exit status after it detached on SIGINT/SIGTERM/SIGHUP, as
# subprocess reports it.  strace 6.1 (the oracle) detaches and then dies of
# the same signal (so a shell sees 130 after ^C), and renacer does the same:
# -signal, so that a shell sees the same status with or without the tracer.
def status_after(sig):
    return -sig


def attach(pid_args, stdout_trace=False, extra=()):
    """Start renacer -p ... in the background; returns (Popen, ofile|None)."""
    ofile = None if stdout_trace else T.tmpfile("trace")
    cmd = T.renacer_cmd() + list(extra) + list(pid_args) + ([] if stdout_trace else ["-o", ofile])
    # Own session: the cleanup can kill whatever renacer started (kill_tree).
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, cwd=T.TMP, start_new_session=True)
    return p, ofile, cmd


def kill_tree(p):
    """SIGKILL the process group of p (started with start_new_session) and
    reap p; for the cleanup after a failure."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def finish(p, sig, timeout=10):
    """Send sig to renacer, wait for its exit; return (rc, stdout, stderr)."""
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise AssertionError("renacer did not exit within %ss of %s; stderr:\n%s"
                             % (timeout, signal.Signals(sig).name, err.decode()))
    return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def read_stream_until(p, pred, timeout):
    """Read p.stdout (non-blocking) until pred(text so far) or timeout."""
    os.set_blocking(p.stdout.fileno(), False)
    buf = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            chunk = p.stdout.read()
        except BlockingIOError:
            chunk = None
        if chunk:
            buf += chunk
            if pred(buf.decode("utf-8", "replace")):
                break
        elif p.poll() is not None:
            break
        time.sleep(0.02)
    os.set_blocking(p.stdout.fileno(), True)
    return buf


TICK = r'write\(3, "tick (\d+)\\n", \d+\) += \d+$'


def one_attach(sig, stdout_trace):
    s = Sleeper()
    p = None
    try:
        p, ofile, cmd = attach(["-p", str(s.pid)], stdout_trace)
        if stdout_trace:
            early = read_stream_until(p, lambda t: len(re.findall(TICK, t, re.M)) >= 3, 10)
        else:
            check(T.wait_for(lambda: len(re.findall(TICK, T.read_text(ofile), re.M)) >= 3, 10),
                  "no 3 traced ticks within 10 s; trace:\n" + T.read_text(ofile)[-2000:])
        check(p.poll() is None, "renacer exited early: %r" % p.returncode)
        check(T.tracer_pid(s.pid) not in (0, None), "the sleeper is not traced while attached")
        rc, out, err = finish(p, sig)
        text = (early.decode("utf-8", "replace") + out) if stdout_trace else T.read_text(ofile)
        t = T.Trace(text, origin="%s, then %s\nstderr:\n%s" % (
            " ".join(cmd), signal.Signals(sig).name, T.indent(err)))
        check_eq(rc, status_after(sig), "renacer's exit status after %s" % signal.Signals(sig).name, t)
        check_eq(err.count("renacer: Process %d attached\n" % s.pid), 1,
                 "'renacer: Process %d attached' on stderr" % s.pid, t)
        if not stdout_trace:
            check_eq(out, "", "stdout with -o", t)
        check_eq(set(l.pid for l in t.lines), {None}, "one tracee: no pid prefixes", t)
        ticks = [int(m.group(1)) for m in (re.search(TICK, x) for x in t.texts()) if m]
        check(len(ticks) >= 3, "at least 3 traced ticks", t)
        check_eq(ticks, list(range(ticks[0], ticks[0] + len(ticks))),
                 "consecutive ticks: none missed while attached", t)
        check(not any(x.startswith("execve(") for x in t.texts()), "no execve when attaching", t)
        check_eq(t.exits(), [], "exit lines (the process did not exit)", t)
        s.check_free_and_running("after %s" % signal.Signals(sig).name)
    finally:
        if p is not None:
            kill_tree(p)
        s.stop()


def test_attach_sigint_o():
    one_attach(signal.SIGINT, False)


def test_attach_sigterm_o():
    one_attach(signal.SIGTERM, False)


def test_attach_sighup_o():
    one_attach(signal.SIGHUP, False)


def test_attach_sigint_stdout():
    one_attach(signal.SIGINT, True)


def several(pid_args_of, stdout_trace):
    a, b = Sleeper(), None
    p = None
    try:
        b = Sleeper()
        p, ofile, cmd = attach(pid_args_of(a.pid, b.pid), stdout_trace)

        def both(text):
            t = T.Trace(text)
            return all(len([x for x in t.of(s.pid) if re.search(TICK, x)]) >= 2 for s in (a, b))

        if stdout_trace:
            early = read_stream_until(p, both, 10)
            check(both(early.decode("utf-8", "replace")), "both sleepers' ticks within 10 s:\n"
                  + early.decode("utf-8", "replace")[-2000:])
        else:
            check(T.wait_for(lambda: both(T.read_text(ofile)), 10),
                  "both sleepers' ticks within 10 s:\n" + T.read_text(ofile)[-2000:])
        rc, out, err = finish(p, signal.SIGINT)
        text = (early.decode("utf-8", "replace") + out) if stdout_trace else T.read_text(ofile)
        t = T.Trace(text, origin="%s, then SIGINT\nstderr:\n%s" % (" ".join(cmd), T.indent(err)))
        check_eq(rc, status_after(signal.SIGINT), "renacer's exit status after SIGINT", t)
        for s in (a, b):
            check_eq(err.count("renacer: Process %d attached\n" % s.pid), 1,
                     "'renacer: Process %d attached' on stderr" % s.pid, t)
        check_eq(set(l.pid for l in t.lines), {a.pid, b.pid},
                 "two tracees: every line prefixed with one of the two pids", t)
        for l in t.lines:
            want = ("[pid %5u] " if stdout_trace else "%-5d ") % l.pid
            check(l.raw.startswith(want), "prefix must be %r: %r" % (want, l.raw), t)
        a.check_free_and_running("after SIGINT (first pid)")
        b.check_free_and_running("after SIGINT (second pid)")
    finally:
        if p is not None:
            kill_tree(p)
        a.stop()
        if b:
            b.stop()


def test_attach_two_comma_o():
    several(lambda a, b: ["-p", "%d,%d" % (a, b)], False)


def test_attach_two_repeated_o():
    several(lambda a, b: ["-p", str(a), "-p", str(b)], False)


def test_attach_two_stdout():
    several(lambda a, b: ["-p", "%d,%d" % (a, b)], True)


def test_attach_then_process_exits():
    """The attached process is killed: its end is traced, renacer exits."""
    s = Sleeper()
    p = None
    try:
        p, ofile, cmd = attach(["-p", str(s.pid)])
        check(T.wait_for(lambda: re.search(TICK, T.read_text(ofile), re.M), 10), "no tick traced")
        os.kill(s.pid, signal.SIGTERM)
        s.p.wait(timeout=10)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError("renacer still running 10 s after its only tracee died")
        t = T.Trace(T.read_text(ofile), origin=" ".join(cmd))
        check_eq(t.lines[-1].text, "+++ killed by SIGTERM +++", "last line", t)
        check_eq([x for x in t.texts() if x.startswith("--- SIGTERM")][:1],
                 ["--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=%d, si_uid=%d} ---"
                  % (os.getpid(), os.getuid())], "SIGTERM line", t)
    finally:
        if p is not None:
            kill_tree(p)
        s.stop()


def descendants(pid):
    """pid and all its descendants now alive (from /proc)."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            ppid = int(st[st.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def test_attach_f_busy_tree():
    """-f -p on a shell that runs fork_write in a loop (new processes all
    the time, some created while renacer detaches): after SIGINT no process
    of the tree may be left stopped or traced, and the loop goes on."""
    progress = T.tmpfile("loop-output")
    loop = "while :; do %s >>%s; done" % (fixture("fork_write"), progress)

    def runs():
        return T.read_text(progress).count("parent reaped")

    sh = subprocess.Popen(["sh", "-c", loop], stdin=subprocess.DEVNULL, cwd=T.TMP,
                          start_new_session=True)
    p = None
    try:
        time.sleep(0.2)
        p, ofile, cmd = attach(["-p", str(sh.pid)], extra=["-f"])
        check(T.wait_for(lambda: T.read_text(ofile).count("+++ exited with 0 +++") >= 30, 20),
              "fewer than 30 processes traced in 20 s:\n" + T.read_text(ofile)[-2000:])
        rc, out, err = finish(p, signal.SIGINT)
        t = T.Trace(T.read_text(ofile), origin=" ".join(cmd) + ", then SIGINT\nstderr:\n" + T.indent(err[-2000:]))
        check_eq(rc, status_after(signal.SIGINT), "renacer's exit status after SIGINT", t)
        check(err.startswith("renacer: Process %d attached\n" % sh.pid), "first stderr line", t)
        # For 1 s: no process of the tree stopped or traced.
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            for q in descendants(sh.pid):
                st = T.proc_state(q)
                if st is None or st == "Z":
                    continue
                check(st not in ("T", "t"), "process %d of the tree left stopped (state %s) after detach"
                      % (q, st), t)
                tp = T.tracer_pid(q)
                check(tp in (0, None), "process %d of the tree still traced by %s after detach" % (q, tp), t)
            time.sleep(0.01)
        # And the loop goes on: 10 more runs of fork_write within 10 s.
        n = runs()
        check(T.wait_for(lambda: runs() >= n + 10, 10),
              "the loop did not go on after the detach (%d -> %d runs of fork_write); the tree now "
              "(pid, state, TracerPid): %r" % (n, runs(), [(q, T.proc_state(q), T.tracer_pid(q))
                                                        for q in descendants(sh.pid)]), t)
        check(sh.poll() is None, "the shell died: %r" % sh.returncode, t)
    finally:
        if p is not None:
            kill_tree(p)  # first the tracer: a tracee stays stopped while it lives
        kill_tree(sh)


def test_attach_quiet():
    """-q (and -e quiet=attach) drop "Process N attached/detached", as strace -q -p."""
    for extra in (["-q"], ["-e", "quiet=attach"]):
        s = Sleeper()
        p = None
        try:
            p, ofile, cmd = attach(["-p", str(s.pid)], False, extra)
            check(T.wait_for(lambda: re.search(TICK, T.read_text(ofile), re.M), 10),
                  "no traced tick within 10 s: %s" % " ".join(cmd))
            rc, out, err = finish(p, signal.SIGINT)
            check_eq(rc, status_after(signal.SIGINT), "exit status of %s after SIGINT" % " ".join(cmd))
            check_eq(err, "", "stderr of %s" % " ".join(cmd))
            s.check_free_and_running("after SIGINT")
        finally:
            if p is not None:
                kill_tree(p)
            s.stop()


if __name__ == "__main__":
    T.main([test_attach_sigint_o, test_attach_sigterm_o, test_attach_sighup_o,
            test_attach_sigint_stdout, test_attach_two_comma_o, test_attach_two_repeated_o,
            test_attach_two_stdout, test_attach_then_process_exits, test_attach_f_busy_tree,
            test_attach_quiet])
