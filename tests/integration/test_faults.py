#!/usr/bin/env python3
"""Faults: renacer killed, interrupted, unable to write; commands that die
of a signal; 1000 processes and 64 threads; tracees that try to trace.

- SIGKILL during a capture: the capture still dumps (renacer-dump exit 0 or
  2) and holds every event but those of about the last flush interval
  (--flush-interval 0.1: at most 7 ticks of 50 ms lost, see lost_allowed;
  one frame a second would lose 10-12); a spawned command dies with
  renacer (PTRACE_O_EXITKILL), an attached one runs on (state S/R, no
  tracer, still ticking).
- SIGINT/SIGTERM/SIGHUP: a spawned command is killed with that signal and
  renacer dies of it, as strace does when it is interruptible (strace -I2;
  strace's default with -o FILE COMMAND is -I3, which blocks those signals
  altogether: renacer is always interruptible); with -f the command's own
  child is let go and runs on, as under strace -I2; an attached one is let
  go and runs on; the -o file ends with a whole line, shows every tick the
  killed sleeper wrote (but perhaps the last), and the capture dumps (exit
  0) to exactly the -o file's text.
  Ctrl-C (SIGINT to the whole process group): the same, as strace -I2,
  whichever of the two signals renacer sees first.
- A write that fails (-o /dev/full, -o past RLIMIT_FSIZE, --capture past
  RLIMIT_FSIZE, --capture on a full 64 KiB tmpfs): exactly one error line,
  exit status 1, the attached sleeper detached and running; a spawned
  command let go, running to its end: a process tree (fanout_live 3) held
  until renacer has exited is then running, untraced, and ends with its own
  statuses (children 1, 2, 3 reaped by the parent, the parent 0).
- A command killed by SIGSEGV: the shell sees 139, as without renacer and
  under strace, with or without -f and a capture.
- fanout 1000 (exiting at once) and fanout_live 1000 (alive together) under
  -f: 1001 exits, one per pid, each with its code; threads64 (64 threads in
  syscalls at once, then an execve from one of them): every thread's end
  shown once (the execve's thread as strace's "superseded" line under the
  leader's pid), the execve from a thread returning 0 under the leader, the
  same ends as strace -f shows. renacer's own VmHWM within a budget
  (BUDGET_MIB below says why 64 MiB), and not growing with the trace's
  length.
- ptrace_probe: PTRACE_TRACEME, PTRACE_ATTACH and PTRACE_SEIZE give what
  they give under strace (EPERM with -f, success without); `strace true`
  and `gdb -batch` under renacer fail with -f as under strace -f and work
  without it; nothing hangs.
"""
import collections
import os
import re
import resource
import select
import shlex
import shutil
import signal
import subprocess
import time

import rntest as T
from rntest import Sleeper, check, check_eq, count_lines, fixture, not_stopped

FATAL = (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP)


def _child_setup(fsize=None):
    """preexec_fn: no core files, the fatal signals at their defaults (a
    test runner started in the background may have left SIGINT ignored,
    and the traced command would inherit that), and RLIMIT_FSIZE."""
    def setup():
        T._no_core()
        for s in FATAL:
            signal.signal(s, signal.SIG_DFL)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return setup


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def start(cmd, fsize=None, stdin=subprocess.DEVNULL):
    """Popen in its own session (kill_tree can clean up after a failure);
    stdout an unbuffered pipe (read_line's select sees every line), stderr
    a file (p.errfile): a tracee that renacer wrongly leaves alive keeps
    the pipe open, and finish() must not wait for it."""
    errfile = T.tmpfile("stderr")
    with open(errfile, "wb") as ef:
        p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=ef,
                             cwd=T.TMP, start_new_session=True, bufsize=0,
                             preexec_fn=_child_setup(fsize))
    p.errfile = errfile
    return p


def kill_tree(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if p.stdin:
        try:
            p.stdin.close()
        except OSError:
            pass
        p.stdin = None
    try:
        p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def finish(p, timeout, what):
    """Wait for p (started by start()) to exit, not for its stdout to
    close; its stderr."""
    try:
        p.wait(timeout=T.scaled(timeout))
    except subprocess.TimeoutExpired:
        kill_tree(p)
        raise AssertionError("%s: no exit within %ss" % (what, T.scaled(timeout)))
    return T.read_text(p.errfile)


def read_line(p, regex, timeout, what):
    """The next line of p's stdout, which must match regex (the match)."""
    r, _, _ = select.select([p.stdout], [], [], T.scaled(timeout))
    check(r, "%s: no line within %ss" % (what, T.scaled(timeout)))
    line = p.stdout.readline().decode("utf-8", "replace")
    m = re.match(regex, line)
    check(m, "%s: expected a line matching %r, got %r" % (what, regex, line))
    return m


def reap(pid):
    """Wait for pid (a child of ours: rntest makes this process the
    subreaper of orphaned tracees); its wait status, or None."""
    end = time.monotonic() + T.scaled(10)
    while time.monotonic() < end:
        try:
            got, st = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got == pid:
            return st
        time.sleep(0.02)
    return None


def kill_and_reap(pid):
    """Clean-up: SIGKILL pid if it is still there, then reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    reap(pid)


def fate(st):
    if st is None:
        return "unknown"
    if os.WIFSIGNALED(st):
        return "killed by " + signal.Signals(os.WTERMSIG(st)).name
    return "exited with %d" % os.WEXITSTATUS(st)


def error_lines(err):
    """stderr without the attach/detach notices."""
    return [l for l in err.splitlines()
            if l and not re.match(r"^renacer: Process \d+ (attached|detached)", l)]


def dumped_ticks(cap):
    """(renacer-dump's exit status, its stderr, the tick numbers written)."""
    r = T.run([dump_cmd(), cap], timeout=60)
    ticks = [int(n) for n in re.findall(r'write\(3, "tick (\d+)\\n"', r.out)]
    return r.rc, r.err, ticks


# ---------------------------------------------------------------- SIGKILL

FLUSH = 0.1  # --flush-interval of the SIGKILL checks, seconds


def lost_allowed():
    """Ticks a capture cut by SIGKILL may lack at its end: those of two
    flush intervals (one tick per 50 ms while traced) and 3 more in the
    pipeline (x RN_TIMEOUT_SCALE in sanitized builds). Measured: 0-4 with
    FLUSH 0.1, also with every CPU busy; a renacer that ends a frame only
    every second (the default interval) loses 10-12 and fails."""
    return round(FLUSH / 0.05) * 2 + int(3 * T.SCALE)


def test_sigkill_capture_spawned():
    """SIGKILL renacer: the spawned command dies with it, the capture
    dumps and has every tick but those of about the last flush interval.
    The kill comes ~1.5 s in, half-way between two frames of a renacer
    that would end them every second instead of every FLUSH."""
    cap, ticks = T.tmpfile("cap"), T.tmpfile("ticks")
    p = start(T.renacer_cmd() + ["-f", "--capture", cap, "--flush-interval", str(FLUSH),
                                 "-o", "/dev/null", "--", fixture("sleeper"), ticks])
    try:
        line = p.stdout.readline().decode()
        m = re.match(r"^sleeper (\d+)$", line)
        check(m, "sleeper did not start under renacer: %r" % line)
        spid = int(m.group(1))
        check(T.wait_for(lambda: count_lines(ticks) >= 30, 20), "the sleeper does not tick")
        p.send_signal(signal.SIGKILL)
        finish(p, 10, "renacer after SIGKILL")
        # EXITKILL: the tracee is killed by the kernel when its tracer dies.
        st = reap(spid)
        check_eq(fate(st), "killed by SIGKILL", "fate of the spawned sleeper")
    finally:
        kill_tree(p)
    written = count_lines(ticks)
    rc, err, got = dumped_ticks(cap)
    check(rc in (0, 2), "renacer-dump of a capture cut by SIGKILL: exit %d (want 0 or 2)\n%s"
          % (rc, err))
    check(got, "the capture holds no tick at all (the sleeper wrote %d)" % written)
    check_eq(got, list(range(len(got))), "ticks in the capture (in order, none missing)")
    # At most the last flush interval is lost (lost_allowed says how many).
    lost = written - len(got)
    allowed = lost_allowed()
    check(0 <= lost <= allowed, "the capture lost %d of %d ticks (at most %d allowed)"
          % (lost, written, allowed))


def test_sigkill_attached_runs_on():
    """SIGKILL renacer -p --capture: the attached sleeper runs on, not
    stopped, and the capture dumps with the ticks traced, in order, but at
    most those of about the last flush interval."""
    s = Sleeper()
    ofile, cap = T.tmpfile("trace"), T.tmpfile("cap")
    p = start(T.renacer_cmd() + ["-p", str(s.pid), "-o", ofile, "--capture", cap,
                                 "--flush-interval", str(FLUSH)])
    try:
        check(T.wait_for(lambda: T.read_text(ofile).count("tick") >= 10, 10),
              "not 10 ticks traced after attaching")
        p.send_signal(signal.SIGKILL)
        finish(p, 10, "renacer -p after SIGKILL")
        # The sleeper runs on: what it wrote by now bounds what was traced.
        written = count_lines(s.file)
        s.check_free_and_running("after renacer was SIGKILLed")
    finally:
        kill_tree(p)
        s.stop()
    rc, err, got = dumped_ticks(cap)
    check(rc in (0, 2), "renacer-dump of a capture cut by SIGKILL: exit %d (want 0 or 2)\n%s"
          % (rc, err))
    check(got, "the capture holds no tick at all")
    check_eq(got, list(range(got[0], got[0] + len(got))), "ticks in the capture (in order)")
    lost = written - 1 - got[-1]
    allowed = lost_allowed()
    check(0 <= lost <= allowed, "the capture ends at tick %d, the sleeper had written %d "
          "(at most %d lost allowed)" % (got[-1], written - 1, allowed))


# ---------------------------------------------------------------- SIGINT & co.

def signal_spawned(tracer, sig, extra=(), group=False):
    """tracer [-f] -o FILE [extra] sleeper; sig to the tracer once it ticks
    (group: to its whole process group, the command too, as a terminal's
    Ctrl-C). Returns (tracer's status, the sleeper's fate, -o FILE's text, stderr,
    the number of ticks the sleeper wrote)."""
    ofile, ticks = T.tmpfile("trace"), T.tmpfile("ticks")
    p = start(tracer + ["-f", "-o", ofile] + list(extra) + ["--", fixture("sleeper"), ticks])
    try:
        line = p.stdout.readline().decode()
        m = re.match(r"^sleeper (\d+)$", line)
        check(m, "sleeper did not start under %s: %r" % (tracer[0], line))
        spid = int(m.group(1))
        check(T.wait_for(lambda: count_lines(ticks) >= 5, 20), "the sleeper does not tick")
        if group:
            os.killpg(p.pid, sig)
        else:
            p.send_signal(sig)
        err = finish(p, 20, "%s after %s" % (tracer[0], sig.name))
        return p.returncode, fate(reap(spid)), T.read_text(ofile), err, count_lines(ticks)
    finally:
        kill_tree(p)


def check_signal(sig):
    cap = T.tmpfile("cap")
    rc, child, text, err, written = signal_spawned(T.renacer_cmd(), sig, ["--capture", cap])
    check_eq(rc, -sig, "renacer's status after %s (it dies of it)\n%s" % (sig.name, err))
    check_eq(child, "killed by " + sig.name, "the spawned command after renacer got " + sig.name)
    check(text.endswith("\n"), "the -o file does not end with a whole line: %r" % text[-80:])
    check(T.Trace(text).lines, "empty trace")
    # Nothing lost: every tick the sleeper wrote is traced, in order, but
    # perhaps the last (a write whose entry stop came while renacer was
    # letting the command go runs untraced before the signal kills it).
    traced = [int(n) for n in re.findall(r'write\(3, "tick (\d+)\\n"', text)]
    check(traced == list(range(len(traced))) and written - 1 <= len(traced) <= written,
          "the ticks in the -o file after %s: %s (the sleeper wrote %d)"
          % (sig.name, traced, written))
    r = T.run([dump_cmd(), cap], timeout=60)
    check_eq(r.rc, 0, "renacer-dump of the capture closed after %s\n%s" % (sig.name, r.describe()))
    # Both closed cleanly: the capture holds exactly what the -o file shows.
    check(r.out == text, "after %s the dumped capture differs from the -o file:\n%s"
          % (sig.name, diff_text(text, r.out)))
    if shutil.which(T.ARGS.strace):
        # The oracle, interruptible as renacer is (-I2).
        rc, child, _, _, _ = signal_spawned([T.ARGS.strace, "-I2"], sig)
        check_eq((rc, child), (-sig, "killed by " + sig.name), "strace -I2 itself after " + sig.name)


def test_ctrl_c_process_group():
    """SIGINT to renacer's whole process group, the command included (Ctrl-C
    in a terminal): as strace -I2, renacer and the command die of SIGINT.
    Which of the two signals renacer handles first is a race (the trace
    may end with the command's "+++ killed by SIGINT +++", renacer having
    reaped it, or with its detach): either way the command is dead of
    SIGINT, the -o file ends with a whole line and the capture dumps (exit
    0) to the same text."""
    cap = T.tmpfile("cap")
    rc, child, text, err, _ = signal_spawned(T.renacer_cmd(), signal.SIGINT, ["--capture", cap],
                                             group=True)
    check_eq(rc, -signal.SIGINT, "renacer's status after Ctrl-C\n%s" % err)
    check(text.endswith("\n"), "the -o file does not end with a whole line: %r" % text[-80:])
    check(child == "killed by SIGINT" or
          re.search(r"^\d+ +\+\+\+ killed by SIGINT \+\+\+$", text, re.M),
          "after Ctrl-C the command's fate is %r and the trace ends:\n%s"
          % (child, T.indent("\n".join(text.splitlines()[-3:]))))
    r = T.run([dump_cmd(), cap], timeout=60)
    check_eq(r.rc, 0, "renacer-dump of the capture closed after Ctrl-C\n%s" % r.describe())
    check(r.out == text, "after Ctrl-C the dumped capture differs from the -o file:\n%s"
          % diff_text(text, r.out))
    if shutil.which(T.ARGS.strace):
        got = signal_spawned([T.ARGS.strace, "-I2"], signal.SIGINT, group=True)[0]
        check_eq(got, -signal.SIGINT, "strace -I2's own status after Ctrl-C")


def diff_text(a, b):
    import difflib
    d = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "-o file", "dump", lineterm=""))
    return T.indent("\n".join(d[:40]) or "(only whitespace differs)")


def test_sigint_spawned():
    check_signal(signal.SIGINT)


def test_sigterm_spawned():
    check_signal(signal.SIGTERM)


def test_sighup_spawned():
    check_signal(signal.SIGHUP)


def descendant_after_signal(tracer, sig):
    """tracer -f -o FILE -- sh -c 'BACKGROUND SLEEPER & exec SLEEPER'; sig
    to the tracer once both tick. (tracer's status, the command's fate,
    whether the background sleeper was then running free and ticking)."""
    t1, t2 = T.tmpfile("ticks"), T.tmpfile("ticks")
    # A background job of sh ignores SIGINT and SIGQUIT: env gives them back
    # their defaults, so a tracer that sent the signal on would kill it.
    script = 'echo "sh $$"; env --default-signal=INT,QUIT "$0" "$1" & exec "$0" "$2"'
    p = start(tracer + ["-f", "-o", T.tmpfile("trace"), "--", "sh", "-c", script,
                        fixture("sleeper"), t1, t2])
    bg = None
    try:
        what = "%s -f -- sh -c ..." % tracer[0]
        cmd = int(read_line(p, r"^sh (\d+)$", 20, what).group(1))
        pids = {int(read_line(p, r"^sleeper (\d+)$", 20, what).group(1)) for _ in range(2)}
        check(cmd in pids and len(pids) == 2, "%s: sleepers %s, the command %d"
              % (what, sorted(pids), cmd))
        bg = (pids - {cmd}).pop()
        check(T.wait_for(lambda: count_lines(t1) >= 3 and count_lines(t2) >= 3, 20),
              "%s: the sleepers do not tick" % what)
        p.send_signal(sig)
        err = finish(p, 20, "%s after %s" % (what, sig.name))
        command = fate(reap(cmd))
        try:
            not_stopped(bg, "the background sleeper")
            n = count_lines(t1)
            free = bool(T.wait_for(lambda: count_lines(t1) >= n + 3, 5))
        except AssertionError as e:
            free = str(e)
        return p.returncode, command, free, err
    finally:
        if bg:
            kill_and_reap(bg)
        kill_tree(p)


def test_signals_spawned_descendants():
    """-f and a command that has a child of its own, then SIGINT / SIGTERM /
    SIGHUP: as strace -I2 does (it kills only the command it started and
    detaches the rest), the command is killed with the signal, renacer
    dies of it, and the command's child is let go: running, not stopped,
    not traced, still ticking."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        want = (-sig, "killed by " + sig.name, True)
        rc, command, free, err = descendant_after_signal(T.renacer_cmd(), sig)
        check_eq((rc, command, free), want, "after %s: renacer's status, the command's "
                 "fate, its child running free\n%s" % (sig.name, err))
        if shutil.which(T.ARGS.strace):
            got = descendant_after_signal([T.ARGS.strace, "-I2"], sig)[:3]
            check_eq(got, want, "strace -I2 itself after " + sig.name)


def test_sigterm_attached_and_spawned():
    """-p SLEEPER and a command at once, then SIGTERM: the attached sleeper
    is let go and runs on, the spawned command is killed with SIGTERM."""
    s = Sleeper()
    ticks = T.tmpfile("ticks")
    p = start(T.renacer_cmd() + ["-p", str(s.pid), "-o", T.tmpfile("trace"), "--",
                                 fixture("sleeper"), ticks])
    try:
        m = re.match(r"^sleeper (\d+)$", p.stdout.readline().decode())
        check(m, "the spawned sleeper did not start")
        spid = int(m.group(1))
        check(T.wait_for(lambda: count_lines(ticks) >= 5, 20), "the spawned sleeper does not tick")
        p.send_signal(signal.SIGTERM)
        err = finish(p, 20, "renacer after SIGTERM")
        check_eq(p.returncode, -signal.SIGTERM, "renacer's status\n" + err)
        check_eq(fate(reap(spid)), "killed by SIGTERM", "the spawned sleeper")
        s.check_free_and_running("the attached sleeper after SIGTERM")
    finally:
        kill_tree(p)
        s.stop()


def test_signals_attached_capture():
    """-p SLEEPER -o FILE --capture CAP, then SIGINT / SIGTERM / SIGHUP:
    renacer dies of the signal, the sleeper is let go and runs on, the -o
    file ends with a whole line and the capture dumps to exactly the -o
    file's text (both outputs closed cleanly, nothing lost at the end)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        s = Sleeper()
        ofile, cap = T.tmpfile("trace"), T.tmpfile("cap")
        p = start(T.renacer_cmd() + ["-p", str(s.pid), "-o", ofile, "--capture", cap])
        try:
            check(T.wait_for(lambda: T.read_text(ofile).count("tick") >= 3, 10),
                  "no tick traced after attaching")
            p.send_signal(sig)
            err = finish(p, 20, "renacer -p after " + sig.name)
            check_eq(p.returncode, -sig, "renacer's status after %s\n%s" % (sig.name, err))
            s.check_free_and_running("the attached sleeper after " + sig.name)
        finally:
            kill_tree(p)
            s.stop()
        text = T.read_text(ofile)
        check(text.endswith("\n"), "%s: the -o file does not end with a whole line: %r"
              % (sig.name, text[-80:]))
        r = T.run([dump_cmd(), cap], timeout=60)
        check_eq(r.rc, 0, "renacer-dump of the capture after %s\n%s" % (sig.name, r.describe()))
        check(r.out == text, "after %s the dumped capture differs from the -o file:\n%s"
              % (sig.name, diff_text(text, r.out)))


# ---------------------------------------------------------------- write failures

def write_failure(opts, fsize, message, cmd_start=start):
    """renacer -p SLEEPER OPTS, whose output cannot be written: exactly the
    error line `message` (attach/detach notices aside), exit status 1, the
    sleeper let go, running."""
    s = Sleeper()
    p = cmd_start(T.renacer_cmd() + ["-p", str(s.pid)] + list(opts), fsize=fsize)
    try:
        err = finish(p, 60, "renacer %s" % " ".join(opts))
        check_eq(error_lines(err), [message], "stderr's error lines")
        check_eq(p.returncode, 1, "exit status after a failed write")
        s.check_free_and_running("after the failed write")
    finally:
        kill_tree(p)
        s.stop()


def test_write_failure_dev_full():
    write_failure(["-o", "/dev/full"], None, "renacer: /dev/full: No space left on device")


def test_write_failure_fsize_output():
    out = T.tmpfile("trace")
    write_failure(["-o", out], 4096, "renacer: %s: File too large" % out)


def test_write_failure_fsize_capture():
    cap = T.tmpfile("cap")
    write_failure(["-o", "/dev/null", "--capture", cap, "--flush-interval", "0.1"], 8192,
                  "renacer: capture '%s': File too large" % cap)


def test_write_failure_tmpfs_capture():
    """A real full disk: the capture on a 64 KiB tmpfs (mounted in a mount
    namespace of its own, gone with it) that a filler leaves one page of.
    Needs root (unshare -m, mount)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        raise T.Skip("needs root and unshare(1) to mount a small tmpfs")
    d = T.tmpfile("mnt")
    os.mkdir(d)
    mount = 'mount -t tmpfs -o size=64k rntest "$0" && head -c 61440 /dev/zero > "$0/filler"'
    probe = T.run(["unshare", "-m", "--propagation", "private", "sh", "-c", mount, d],
                  timeout=10)
    if probe.rc != 0:
        raise T.Skip("cannot mount a tmpfs here: " + probe.err.strip())
    cap = os.path.join(d, "cap")

    def in_namespace(cmd, fsize=None):
        return start(["unshare", "-m", "--propagation", "private", "sh", "-c",
                      mount + ' && exec "$@"', d] + cmd, fsize=fsize)
    write_failure(["-o", "/dev/null", "--capture", cap, "--flush-interval", "0.05"], None,
                  "renacer: capture '%s': No space left on device" % cap, in_namespace)
    check(not os.path.exists(cap), "the tmpfs outlived its mount namespace")


def test_write_failure_spawned():
    """The same for a spawned command: renacer stops, says why, exits 1;
    the command is let go (not killed, not stopped) and runs on: fork_write
    to its end (its child too), the sleeper ticking after renacer exited."""
    r = T.run(T.renacer_cmd() + ["-f", "-o", "/dev/full", "--", fixture("fork_write")],
              timeout=30)
    check_eq(error_lines(r.err), ["renacer: /dev/full: No space left on device"],
             "stderr's error lines\n" + r.describe())
    check_eq(r.rc, 1, "exit status\n" + r.describe())
    check(re.search(r"^child \d+$", r.out, re.M) and
          re.search(r"^parent reaped \d+ status 0$", r.out, re.M),
          "fork_write did not run to its end after the failed write: %r" % r.out)
    # A long-running command: its stdout (a pipe) and stderr (a file) stay
    # open after renacer exits, so no communicate() here.
    ticks, errfile = T.tmpfile("ticks"), T.tmpfile("stderr")
    with open(errfile, "wb") as ef:
        p = subprocess.Popen(T.renacer_cmd() + ["-f", "-o", "/dev/full", "--",
                                                fixture("sleeper"), ticks],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=ef,
                             cwd=T.TMP, start_new_session=True, preexec_fn=_child_setup())
    spid = None
    try:
        m = re.match(r"^sleeper (\d+)$", p.stdout.readline().decode())
        check(m, "the sleeper did not start")
        spid = int(m.group(1))
        try:
            p.wait(timeout=T.scaled(30))
        except subprocess.TimeoutExpired:
            raise AssertionError("renacer -o /dev/full did not exit")
        err = T.read_text(errfile)
        check_eq(error_lines(err), ["renacer: /dev/full: No space left on device"],
                 "stderr's error lines (spawned sleeper)")
        check_eq(p.returncode, 1, "exit status (spawned sleeper)")
        not_stopped(spid, "the spawned sleeper after renacer's failed write")
        n = count_lines(ticks)
        check(T.wait_for(lambda: count_lines(ticks) >= n + 3, 5),
              "the spawned sleeper stopped ticking after renacer exited")
    finally:
        if spid:
            kill_and_reap(spid)
        kill_tree(p)


def test_write_failure_spawned_tree():
    """A spawned process tree that outlives renacer's failed write (-o
    /dev/full; --capture past RLIMIT_FSIZE): fanout_live 3 under -f (after
    a dd that makes the capture grow), held on its stdin by the test.
    renacer exits 1 with its one error line while the tree waits; then the
    parent and its 3 children are running, not stopped, not traced; once
    released the children exit with their own codes (1, 2, 3), the parent
    reaps them all and exits 0 (its status seen here: we reap orphans)."""
    script = ('echo "pid $$"; dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null; '
              'exec "$0" 3')
    cap = T.tmpfile("cap")
    cases = ((["-o", "/dev/full"], None, "renacer: /dev/full: No space left on device"),
             (["-o", "/dev/null", "--capture", cap, "--flush-interval", "0.05"], 8192,
              "renacer: capture '%s': File too large" % cap))
    for opts, fsize, message in cases:
        what = "renacer -f %s (fsize %s)" % (" ".join(opts), fsize)
        p = start(T.renacer_cmd() + ["-f"] + opts + ["--", "sh", "-c", script,
                                                      fixture("fanout_live")],
                  fsize=fsize, stdin=subprocess.PIPE)
        pid = None
        try:
            pid = int(read_line(p, r"^pid (\d+)$", 20, what).group(1))
            err = finish(p, 30, what)
            check_eq(error_lines(err), [message], what + ": stderr's error lines")
            check_eq(p.returncode, 1, what + ": exit status")
            read_line(p, r"^live 3$", 20, what + ": after renacer's exit")
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = [int(k) for k in f.read().split()]
            check_eq(len(kids), 3, what + ": fanout_live's children")
            not_stopped([pid] + kids, what + ": after renacer's exit")
            p.stdin.write(b"\n")
            p.stdin.flush()
            read_line(p, r"^fanout_live 3 reaped 3 mismatches 0$", 20,
                      what + ": fanout_live's report")
            p.stdin.close()
            check_eq(fate(reap(pid)), "exited with 0", what + ": fanout_live's own status")
            pid = None
        finally:
            if pid:
                kill_and_reap(pid)
            kill_tree(p)


# ---------------------------------------------------------------- a fatal signal

def test_command_killed_by_sigsegv():
    """The shell sees 139 (128 + SIGSEGV) after renacer as after the command
    alone and after strace, with or without -f and a capture;
    renacer says nothing more: stderr is what sh says of the command alone
    ("Segmentation fault")."""
    def status(cmd):
        script = " ".join(shlex.quote(a) for a in cmd) + '; echo "status $?"'
        r = T.run(["sh", "-c", script], timeout=30)
        m = re.search(r"^status (\d+)$", r.out, re.M)
        check(m, "no status from sh -c %r\n%s" % (script, r.describe()))
        return int(m.group(1)), r
    alone, r0 = status([fixture("segv")])
    check_eq(alone, 139, "segv alone")
    if shutil.which(T.ARGS.strace):
        check_eq(status([T.ARGS.strace, "-o", "/dev/null", fixture("segv")])[0], 139,
                 "segv under strace")
    for opts in ([], ["-f"], ["-f", "--capture", T.tmpfile("cap")]):
        rc, r = status(T.renacer_cmd() + opts + ["-o", "/dev/null", "--", fixture("segv")])
        check_eq(rc, 139, "the shell's $? after renacer %s\n%s" % (" ".join(opts), r.describe()))
        check_eq(r.err, r0.err, "stderr with %s (the shell's own report only)" % opts)


# ---------------------------------------------------------------- scale

# Memory budget of renacer itself (its VmHWM: the peak resident memory of
# the renacer process, all its threads, no other process) while it traces
# 1000 live processes, and while it traces 64 threads making system calls
# at once. The budget for 1000 live tracees is 64 MiB;
# perf/RESULTS.md measured 4.7 MiB for 1000 live sleepers (perf/bench.sh),
# and this test measures 4-5 MiB, 7-8.5 MiB with a capture (~2 KiB per
# live process over ~2.6 MiB for 10), 3.7 MiB for threads64. renacer's
# memory grows with the number of live tracees (its process table), not
# with the length of the trace (test_memory_flat_over_trace_length checks
# that separately, much more tightly). The budget leaves room for another
# machine's allocator, CPU count (one worker per CPU) and page size; it
# fails when the per-process cost passes ~60 KiB (30 times today's) or
# when any other buffer grows by tens of MiB. README.md ("Reliability")
# states the same.
# Sanitized builds (ctest passes RN_SANITIZE from CMake) carry the runtimes'
# shadow memory and allocator: measured ASan+UBSan 30-44 MiB, TSan 29-44 MiB
# on these runs, so their budget is twice as large.
BUDGET_MIB = 64
SANITIZER_FACTOR = 2


def budget_mib():
    return BUDGET_MIB * (SANITIZER_FACTOR if os.environ.get("RN_SANITIZE") else 1)


def vm_hwm_kib(pid):
    """VmHWM of pid in KiB, or None once it is gone (or a zombie)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for l in f:
                if l.startswith("VmHWM:"):
                    return int(l.split()[1])
    except OSError:
        pass
    return None


class Measured:
    """renacer started with a pipe on its stdin (passed on to the command)
    and its VmHWM sampled from /proc every 5 ms until it exits. (Not
    wait4's ru_maxrss: for a process forked from this Python test it is at
    least the size of the Python process it was forked from, ~14 MiB.)"""

    def __init__(self, cmd, timeout):
        self.cmd = cmd
        self.timeout = T.scaled(timeout)
        self.end = time.monotonic() + self.timeout
        self.p = start(cmd, stdin=subprocess.PIPE)
        self.errfile = self.p.errfile
        self.peak = 0
        self.out = b""

    def sample(self):
        h = vm_hwm_kib(self.p.pid)
        if h:
            self.peak = max(self.peak, h)
        return h

    def _timeout(self, what):
        kill_tree(self.p)
        raise AssertionError("%s: %s within %ss" % (" ".join(self.cmd), what, self.timeout))

    def read_line(self, regex):
        """Sample while waiting for a line of the command's stdout matching
        regex; the line."""
        fd = self.p.stdout.fileno()
        while True:
            m = re.search(regex, self.out.decode("utf-8", "replace"), re.M)
            if m:
                return m.group(0)
            self.sample()
            if time.monotonic() > self.end:
                self._timeout("no line matching %r" % regex)
            r, _, _ = select.select([fd], [], [], 0.005)
            if r:
                b = os.read(fd, 65536)
                if not b:
                    self._timeout("stdout closed before a line matching %r" % regex)
                self.out += b

    def release(self, close=False):
        """A newline to the command's stdin (close: end-of-file instead)."""
        if close:
            self.p.stdin.close()
        else:
            self.p.stdin.write(b"\n")

    def finish(self):
        """Sample until renacer exits; (status, stdout, stderr, peak MiB)."""
        if not self.p.stdin.closed:
            self.p.stdin.close()
        fd = self.p.stdout.fileno()
        while True:
            got, st, _ = os.wait4(self.p.pid, os.WNOHANG)
            if got:
                break
            self.sample()
            if time.monotonic() > self.end:
                self._timeout("no exit")
            r, _, _ = select.select([fd], [], [], 0.005)
            if r:
                self.out += os.read(fd, 65536)
        self.p.returncode = os.waitstatus_to_exitcode(st)
        self.out += self.p.stdout.read()
        self.p.stdout.close()
        return (self.p.returncode, self.out.decode("utf-8", "replace"),
                T.read_text(self.errfile), self.peak / 1024.0)


def check_budget(peak, what):
    b = budget_mib()
    print("     %s: renacer's VmHWM %.1f MiB (budget %d MiB)" % (what, peak, b), flush=True)
    check(peak > 0, "%s: renacer's VmHWM was never read" % what)
    check(peak <= b, "%s: renacer's VmHWM %.1f MiB is over the budget of %d MiB"
          % (what, peak, b))


def test_fanout_1000():
    """1000 children forked and exiting at once (-f): every exit shown,
    one per pid, each with its own code."""
    ofile = T.tmpfile("trace")
    m = Measured(T.renacer_cmd() + ["-f", "-o", ofile, "--", fixture("fanout"), "1000"], 300)
    rc, out, err, peak = m.finish()
    tr = T.Trace(T.read_text(ofile))
    check_eq(rc, 0, "exit status (stderr: %s)" % err.strip())
    check("fanout 1000 reaped 1000 mismatches 0" in out, "fanout's own report: %r" % out)
    check_eq(len(tr.exits()), 1001, "exit lines (+++ exited ... +++)", tr)
    check_eq(len(tr.pids()), 1001, "distinct pids")
    check_eq(sorted(p for p, _ in tr.exits()), sorted(tr.pids()), "the pids of the exit lines")
    codes = collections.Counter(e for _, e in tr.exits())
    want = collections.Counter("exited with %d" % ((i + 1) % 256) for i in range(1000))
    want["exited with 0"] += 1  # the parent
    check(codes == want, "exit codes differ from the children's (i+1)%%256: missing %s, "
          "extra %s" % (dict(want - codes), dict(codes - want)), tr)
    check_budget(peak, "fanout 1000")


def test_memory_1000_live():
    """1000 processes alive and traced at once (fanout_live, held until the
    test releases them, with a capture too): renacer's VmHWM within the
    budget while they live, after all 1000 exits were handled, and up to
    its own exit; every exit shown, each with its own code."""
    ofile, cap = T.tmpfile("trace"), T.tmpfile("cap")
    m = Measured(T.renacer_cmd() + ["-f", "-o", ofile, "--capture", cap, "--",
                                    fixture("fanout_live"), "1000"], 300)
    m.read_line(r"^live 1000$")
    time.sleep(0.2)  # let the writer catch up with 1000 forks
    m.sample()
    live = m.peak / 1024.0
    m.release()
    m.read_line(r"^fanout_live 1000 reaped \d+ mismatches \d+$")
    time.sleep(0.2)
    m.sample()
    rc, out, err, peak = m.finish()
    check_eq(rc, 0, "exit status (stderr: %s)" % err.strip())
    check("fanout_live 1000 reaped 1000 mismatches 0" in out, "fanout_live's report: %r" % out)
    text = T.read_text(ofile)
    tr = T.Trace(text)
    check_eq(len(tr.pids()), 1001, "distinct pids")
    codes = collections.Counter(e for _, e in tr.exits())
    want = collections.Counter("exited with %d" % ((i + 1) % 256) for i in range(1000))
    want["exited with 0"] += 1  # the parent
    check(codes == want, "exit lines: %d, codes differ from the children's (i+1)%%256: "
          "missing %s, extra %s" % (sum(codes.values()), dict(want - codes), dict(codes - want)),
          tr)
    check_budget(live, "1000 live processes")
    check_budget(peak, "1000 live processes, up to renacer's exit")


def test_memory_flat_over_trace_length():
    """Memory does not grow with the length of the trace: dd making 8000 or
    80000 system calls (1-byte reads and writes, each buffer decoded), with
    a capture flushed every 0.1 s: renacer's VmHWM at most 3 MiB larger for
    the 10 times longer trace (measured: 5.5 and 6.2 MiB; without the
    capture 3.6 and 3.9). 3 MiB over 72000 more calls fails for anything
    kept of ~40 bytes a call or more. Skipped in sanitized builds, whose
    allocators keep freed memory in quarantine."""
    if os.environ.get("RN_SANITIZE"):
        raise T.Skip("sanitized build: quarantined frees grow with the number of events")
    peaks = []
    for n in (4000, 40000):
        m = Measured(T.renacer_cmd() + ["-o", "/dev/null", "--capture", T.tmpfile("cap"),
                                        "--flush-interval", "0.1", "--",
                                        "dd", "if=/dev/zero", "of=/dev/null", "bs=1",
                                        "count=%d" % n], 120)
        rc, _, err, peak = m.finish()
        check_eq(rc, 0, "renacer ... dd count=%d (stderr: %s)" % (n, err.strip()))
        check_budget(peak, "dd count=%d" % n)
        peaks.append(peak)
    check(peaks[1] - peaks[0] <= 3, "renacer's VmHWM grew from %.1f MiB to %.1f MiB with a "
          "trace 10 times longer (at most 3 MiB allowed)" % tuple(peaks))


def test_threads64_exec():
    ofile = T.tmpfile("trace")
    m = Measured(T.renacer_cmd() + ["-f", "-o", ofile, "--", fixture("threads64")], 300)
    rc, out, err, peak = m.finish()
    text = T.read_text(ofile)
    tr = T.Trace(text)
    check_eq(rc, 0, "exit status (stderr: %s)" % err.strip())
    done = re.findall(r"^thread (\d+) done (\d+)$", out, re.M)
    check_eq(sorted(int(i) for i, _ in done), list(range(64)), "threads that reported")
    check(all(n == "20" for _, n in done), "a thread's calls failed: %r" % done)
    check_eq(len(tr.pids()), 65, "tids in the trace")
    found = re.findall(r"^(\d+) +\+\+\+ (exited with \d+|superseded by execve in pid \d+) "
                       r"\+\+\+$", text, re.M)
    ends = [e for _, e in found]
    check_eq(len(ends), 65, "ends of threads (exited / superseded)", tr)
    leader = int(re.search(r"^leader (\d+)$", out, re.M).group(1))
    # strace's way: "superseded by execve in pid TID" is the end of thread
    # TID, the one that called execve, shown under the leader's pid (which
    # the program goes on with); every other tid has its own end.
    ended = [int(re.sub(r"\D+", "", e)) if e.startswith("superseded") else int(t)
             for t, e in found]
    check_eq(sorted(ended), sorted(tr.pids()), "the tids whose end is shown (one each)", tr)
    check_eq([int(t) for t, e in found if e.startswith("superseded")], [leader],
             "the pid of the superseded line", tr)
    execs = tr.find(r'^execve\("/bin/true"')
    check_eq([l.pid != leader for l in execs], [True], "execve of /bin/true from a thread "
             "that is not the leader", tr)
    check_eq([tr.retval(t) for t in tr.of(leader) if t.startswith("<... execve resumed>")],
             [0], "its result, under the leader's pid (as strace shows it)", tr)
    check_eq(found[-1], (str(leader), "exited with 0"), "the last end: /bin/true's, as the "
             "leader's pid", tr)
    check_budget(peak, "threads64")
    if shutil.which(T.ARGS.strace):
        sfile = T.tmpfile("strace")
        T.run([T.ARGS.strace, "-f", "-o", sfile, "--", fixture("threads64")], timeout=120)
        want = re.findall(r"^\d+ +\+\+\+ (exited with \d+|superseded by execve in pid \d+) \+\+\+$",
                          T.read_text(sfile), re.M)
        check_eq(sorted(re.sub(r"\d+", "N", e) for e in ends),
                 sorted(re.sub(r"\d+", "N", e) for e in want), "ends, renacer vs strace -f")


# ---------------------------------------------------------------- tracees that trace

PROBE_LINES = r"^(traceme|attach|seize) (-?\d+) (\w+)$"


def probe_results(out):
    return re.findall(PROBE_LINES, out, re.M)


def test_tracee_ptraces():
    """ptrace_probe gets what it gets untraced or under strace: with -f its
    children are traced, so PTRACE_TRACEME, PTRACE_ATTACH and PTRACE_SEIZE
    fail with EPERM (as under strace -f); without -f they are not, and all
    three succeed (as untraced, as under strace). Nothing hangs."""
    want_f = [("traceme", "-1", "EPERM"), ("attach", "-1", "EPERM"), ("seize", "-1", "EPERM")]
    want_nof = [("traceme", "0", "OK"), ("attach", "0", "OK"), ("seize", "0", "OK")]
    plain = T.run([fixture("ptrace_probe")], timeout=30)
    check_eq(probe_results(plain.out), want_nof, "ptrace_probe untraced")
    for opts, want in ((["-f"], want_f), ([], want_nof)):
        t0 = time.monotonic()
        r = T.trace_o(opts, [fixture("ptrace_probe")], timeout=30)
        check_eq(r.rc, 0, "exit status with %s\n%s" % (opts, r.describe()))
        check_eq(probe_results(r.out), want, "ptrace_probe under renacer %s" % " ".join(opts))
        check("ptrace_probe done" in r.out, "the probe did not finish: " + r.out)
        check(time.monotonic() - t0 < T.scaled(10), "slow: %.1fs" % (time.monotonic() - t0))
        if opts:
            check(r.trace.find(r"^ptrace\(PTRACE_TRACEME\) += -1 EPERM"),
                  "the failed PTRACE_TRACEME in the trace", r.trace)
        if shutil.which(T.ARGS.strace):
            s = T.run([T.ARGS.strace] + opts + ["-o", "/dev/null", fixture("ptrace_probe")],
                      timeout=30)
            check_eq(probe_results(r.out), probe_results(s.out),
                     "ptrace_probe: renacer %s vs strace %s" % (opts, opts))


def test_strace_under_renacer():
    """strace run by a traced program: under -f its tracee is traced
    already (EPERM, strace exits 1 at once, as under strace -f); without
    -f it traces as usual."""
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace")
    cmd = [strace, "-o", "/dev/null", "true"]
    t0 = time.monotonic()
    r = T.run(T.renacer_cmd() + ["-f", "-o", "/dev/null", "--"] + cmd, timeout=30)
    check(time.monotonic() - t0 < T.scaled(10), "slow: %.1fs" % (time.monotonic() - t0))
    check("Operation not permitted" in r.err, "strace under renacer -f should fail to trace "
          "(EPERM)\n" + r.describe())
    o = T.run([strace, "-f", "-o", "/dev/null", "--"] + cmd, timeout=30)
    norm = lambda e: re.sub(r"\d+", "N", e)
    check_eq((r.rc, norm(r.err)), (o.rc, norm(o.err)),
             "strace's status and messages under renacer -f vs under strace -f (the oracle)")
    r = T.run(T.renacer_cmd() + ["-o", "/dev/null", "--"] + cmd, timeout=30)
    check_eq((r.rc, r.err), (0, ""), "strace under renacer without -f traces as usual")


def test_gdb_under_renacer():
    """gdb run by a traced program: under -f it cannot trace its inferior,
    and says what it says under strace -f; without -f it debugs as usual."""
    gdb = shutil.which("gdb")
    if not gdb:
        raise T.Skip("no gdb")
    cmd = [gdb, "-nx", "-batch", "-ex", "run", "--args", fixture("simple_syscalls")]
    t0 = time.monotonic()
    r = T.run(T.renacer_cmd() + ["-f", "-o", "/dev/null", "--"] + cmd, timeout=60)
    said = r.out + r.err
    check("warning: ptrace: Operation not permitted" in said,
          "gdb under renacer -f should be refused ptrace\n" + r.describe() + "\n" + r.out)
    check(time.monotonic() - t0 < T.scaled(20), "slow: %.1fs" % (time.monotonic() - t0))
    if shutil.which(T.ARGS.strace):
        o = T.run([T.ARGS.strace, "-f", "-o", "/dev/null", "--"] + cmd, timeout=60)
        check_eq(r.rc, o.rc, "gdb's status under renacer -f vs strace -f")
        for l in ("warning: Could not trace the inferior process.",
                  "warning: ptrace: Operation not permitted"):
            check_eq(l in said, l in o.out + o.err, "gdb says %r (as under strace -f)" % l)
    r = T.run(T.renacer_cmd() + ["-o", "/dev/null", "--"] + cmd, timeout=60)
    check(re.search(r"^\[Inferior 1 \(process \d+\) exited normally\]$", r.out, re.M)
          and "simple done" in r.out,
          "gdb under renacer without -f should debug as usual\n" + r.describe() + "\n" + r.out)


if __name__ == "__main__":
    T.main([test_sigkill_capture_spawned, test_sigkill_attached_runs_on,
            test_sigint_spawned, test_sigterm_spawned, test_sighup_spawned, test_ctrl_c_process_group,
            test_signals_spawned_descendants,
            test_sigterm_attached_and_spawned, test_signals_attached_capture,
            test_write_failure_dev_full, test_write_failure_fsize_output,
            test_write_failure_fsize_capture, test_write_failure_tmpfs_capture,
            test_write_failure_spawned, test_write_failure_spawned_tree,
            test_command_killed_by_sigsegv, test_fanout_1000, test_memory_1000_live,
            test_memory_flat_over_trace_length, test_threads64_exec,
            test_tracee_ptraces, test_strace_under_renacer, test_gdb_under_renacer])
