#!/usr/bin/env python3
"""Ending when the output is not read, and on every terminating signal.

- -o FIFO that a process holds open and never reads (the pipe fills, the
  writer blocks in write(2), then the rings, then the tracer): SIGTERM,
  SIGINT, SIGHUP or SIGUSR1 ends renacer anyway, within END_LIMIT seconds
  (its grace is 1 s), dying of that signal, with one line on stderr that
  says the output was not read. No traced process is left stopped or
  traced: a spawned command is killed with the signal (as strace -I2), an
  attached one is let go and runs on. With -y (tracees held for a worker's
  read) too, and with a capture beside the FIFO.
- -o FIFO with no reader at all: renacer waits in open(2) as strace does,
  and SIGTERM ends it there (it used to block the signals first).
- USR1, USR2, ALRM and a real-time signal end a trace as SIGTERM does:
  the -o file ends with a whole line, renacer dies of the signal, an
  attached sleeper is let go.
"""
import os
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq

END_LIMIT = 6  # seconds (scaled): 1 s of grace, then the joins' checks


def descendants(pid):
    """pid's children, theirs, and so on (as /proc shows them now)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    kids = [int(c) for c in f.read().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def session_pids(sid):
    """Every process of session sid (the test starts renacer in its own)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rindex(")") + 2:].split()
        if int(fields[3]) == sid:
            out.append(int(d))
    return out


def start(cmd):
    errfile = T.tmpfile("stderr")
    with open(errfile, "wb") as ef:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=ef, cwd=T.TMP, start_new_session=True,
                             preexec_fn=lambda: [signal.signal(s, signal.SIG_DFL)
                                                 for s in (signal.SIGINT, signal.SIGQUIT)])
    p.errfile = errfile
    return p


def kill_session(p):
    for pid in session_pids(p.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if p.poll() is None:
        p.kill()
    p.wait()


def wait_end(p, what):
    try:
        return p.wait(timeout=T.scaled(END_LIMIT))
    except subprocess.TimeoutExpired:
        raise AssertionError("%s: renacer still running %ss after the signal"
                             % (what, T.scaled(END_LIMIT)))


def fifo_held_unread():
    """A FIFO and an fd that keeps it open for reading, never read."""
    path = T.tmpfile("fifo")
    os.mkfifo(path)
    holder = os.open(path, os.O_RDWR)
    return path, holder


def fifo_bytes(holder):
    import fcntl
    import struct
    import termios
    return struct.unpack("i", fcntl.ioctl(holder, termios.FIONREAD, b"\0\0\0\0"))[0]


def fifo_full(path, holder):
    """The FIFO's buffer is full, the writer blocked: it holds bytes and
    has not grown for 0.2 s (a pipe fills by pages: 52 KiB of short lines
    fill its 16 pages)."""
    before = fifo_bytes(holder)
    time.sleep(0.2)
    return before > 0 and fifo_bytes(holder) == before


def check_no_tracee_left(sid, renacer_pid, what):
    for pid in session_pids(sid):
        if pid == renacer_pid:
            continue
        st = T.proc_state(pid)
        check(st not in ("t", "T"), "%s: process %d left in state %r" % (what, pid, st))
        check(T.tracer_pid(pid) in (0, None), "%s: process %d still traced" % (what, pid))


LOOP = ["sh", "-c", "while :; do cat /etc/hostname; done >/dev/null"]


def test_signal_while_fifo_unread():
    for sig, opts in ((signal.SIGTERM, ["-f"]), (signal.SIGINT, ["-f", "-y"]),
                      (signal.SIGHUP, ["-f"]), (signal.SIGUSR1, ["-f", "-y"]),
                      (signal.SIGTERM, ["-f", "--capture", T.tmpfile("cap")])):
        what = "%s, renacer %s" % (sig.name, " ".join(opts))
        path, holder = fifo_held_unread()
        p = start(T.renacer_cmd() + opts + ["-o", path, "--"] + LOOP)
        try:
            check(T.wait_for(lambda: fifo_full(path, holder), 10),
                  what + ": the FIFO never filled")
            time.sleep(0.3)  # the rings fill behind it
            check(p.poll() is None, what + ": renacer ended early: %r" % p.returncode)
            p.send_signal(sig)
            rc = wait_end(p, what)
            err = T.read_text(p.errfile)
            check_eq(rc, -sig, what + ": renacer's end (dies of the signal)\n" + err)
            check("the output is not being read" in err,
                  what + ": no word about the output:\n" + err)
            check_eq(len(err.strip().splitlines()), 1, what + ": stderr lines\n" + err)
            check_no_tracee_left(p.pid, p.pid, what)
        finally:
            os.close(holder)
            kill_session(p)


def test_attached_let_go_while_fifo_unread():
    busy = subprocess.Popen(LOOP, stdin=subprocess.DEVNULL, cwd=T.TMP)
    path, holder = fifo_held_unread()
    p = start(T.renacer_cmd() + ["-f", "-y", "-o", path, "-p", str(busy.pid)])
    try:
        check(T.wait_for(lambda: fifo_full(path, holder), 10), "the FIFO never filled")
        time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        rc = wait_end(p, "-p")
        check_eq(rc, -signal.SIGTERM, "renacer's end\n" + T.read_text(p.errfile))
        # Not stopped and not traced (D: a moment inside fork or exec).
        for _ in range(10):
            check(T.proc_state(busy.pid) in ("S", "R", "D"),
                  "the attached loop is in state %r" % T.proc_state(busy.pid))
            time.sleep(0.05)
        check_eq(T.tracer_pid(busy.pid), 0, "the attached loop's TracerPid")
        check(busy.poll() is None, "the attached loop died: %r" % busy.returncode)
        # Its children: let go too (none stopped, none traced). Its own
        # descendants only: the test's session may hold other tracers'
        # tracees (a benchmark run from the same shell).
        for pid in descendants(busy.pid):
            check(T.tracer_pid(pid) in (0, None), "process %d still traced" % pid)
    finally:
        os.close(holder)
        kill_session(p)
        busy.kill()
        busy.wait()


def test_fifo_without_reader_interruptible():
    path = T.tmpfile("fifo")
    os.mkfifo(path)
    p = start(T.renacer_cmd() + ["-o", path, "--", "true"])
    try:
        time.sleep(0.5)
        check(p.poll() is None, "renacer did not wait for a reader: %r" % p.returncode)
        p.send_signal(signal.SIGTERM)
        rc = wait_end(p, "open of a FIFO without a reader")
        check_eq(rc, -signal.SIGTERM, "renacer's end")
    finally:
        kill_session(p)
    # With a reader it works as strace: the trace arrives through it.
    reader = subprocess.Popen(["cat", path], stdout=subprocess.PIPE, cwd=T.TMP)
    r = T.run(T.renacer_cmd() + ["-o", path, "--", "true"])
    out = reader.communicate(timeout=T.scaled(10))[0].decode()
    check_eq(r.rc, 0, "renacer -o FIFO with a reader\n" + r.describe())
    check(out.endswith("+++ exited with 0 +++\n"), "the FIFO's trace:\n" + out[-500:])


def test_other_terminating_signals():
    for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM, signal.SIGRTMIN + 6):
        # Spawned: killed with the signal; the -o file ends with a whole line.
        out = T.tmpfile("trace")
        p = start(T.renacer_cmd() + ["-o", out, "--", T.fixture("sleeper"), T.tmpfile("ticks")])
        try:
            check(T.wait_for(lambda: T.count_lines(out) >= 3, 10), "no trace")
            p.send_signal(sig)
            rc = wait_end(p, "signal %d" % sig)
            check_eq(rc, -sig, "signal %d: renacer's end\n%s" % (sig, T.read_text(p.errfile)))
            text = T.read_text(out)
            check(text.endswith("\n"), "signal %d: the -o file ends mid-line:\n%s"
                  % (sig, text[-300:]))
            check_no_tracee_left(p.pid, p.pid, "signal %d" % sig)
        finally:
            kill_session(p)
        # Attached: let go, running on.
        s = T.Sleeper()
        try:
            p = start(T.renacer_cmd() + ["-o", out, "-p", str(s.pid)])
            check(T.wait_for(lambda: T.tracer_pid(s.pid) == p.pid, 10), "not attached")
            p.send_signal(sig)
            rc = wait_end(p, "signal %d, -p" % sig)
            check_eq(rc, -sig, "signal %d -p: renacer's end" % sig)
            s.check_free_and_running("signal %d -p" % sig)
        finally:
            kill_session(p)
            s.stop()


def test_command_keeps_ignored_signals():
    """Signals ignored when renacer starts (nohup, `trap '' HUP`) are still
    ignored in the command it runs, as without renacer and under strace:
    renacer's own handling of them stays renacer's."""
    script = "trap '' HUP INT PIPE USR1 ALRM; exec %s grep -E '^Sig(Ign|Blk)' /proc/self/status"

    def sig_lines(prefix):
        r = T.run(["sh", "-c", script % prefix])
        check_eq(r.rc, 0, "sh -c %r\n%s" % (script % prefix, r.describe()))
        return r.out
    want = sig_lines("")
    check("SigIgn:\t0000000000003203" in want, "untraced: " + want)
    import shlex
    renacer = " ".join(shlex.quote(a) for a in T.renacer_cmd()) + " -o /dev/null --"
    check_eq(sig_lines(renacer), want, "the command's ignored and blocked signals under renacer")
    check_eq(sig_lines("%s -o /dev/null --" % T.ARGS.strace), want, "(and under strace)")


if __name__ == "__main__":
    T.main([test_signal_while_fifo_unread, test_attached_let_go_while_fifo_unread,
            test_fifo_without_reader_interruptible, test_other_terminating_signals,
            test_command_keeps_ignored_signals])
