#!/usr/bin/env python3
"""Faults: renacer killed, interrupted, unable to write; commands that die
of a signal; 1000 processes and 64 threads; tracees that try to trace.

- SIGKILL during a capture: the capture still dumps (renacer-dump exit 0 or
  2) and holds every event but at most the last flush interval's; a
  spawned command dies with renacer (PTRACE_O_EXITKILL), an attached one
  runs on (state S/R, no tracer, still ticking).
- SIGINT/SIGTERM/SIGHUP: a spawned command is killed with that signal and
  renacer dies of it, as strace does when it is interruptible (strace -I2;
  strace's default with -o FILE COMMAND is -I3, which blocks those signals
  altogether: renacer is always interruptible); the -o file ends with a
  whole line, the capture dumps intact.
- A write that fails (-o /dev/full, -o past RLIMIT_FSIZE, --capture past
  RLIMIT_FSIZE): one line on stderr naming the problem, exit status 1, the
  attached sleeper detached and running.
- A command killed by SIGSEGV: the shell sees 139, with or without -f and
  a capture.
- fanout 1000 under -f: 1001 exits, renacer's max RSS < 256 MiB;
  threads64 (64 threads in syscalls at once, then an execve from one of
  them): every thread's end shown, as many as strace -f shows.
- ptrace_probe under -f: PTRACE_TRACEME, PTRACE_ATTACH and PTRACE_SEIZE
  fail with EPERM, nothing hangs; `strace true` and `gdb -batch` under
  renacer -f fail as they would under strace, promptly.
"""
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture

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


def start(cmd, fsize=None):
    """Popen in its own session (kill_tree can clean up after a failure)."""
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=T.TMP, start_new_session=True,
                            preexec_fn=_child_setup(fsize))


def kill_tree(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def communicate(p, timeout, what):
    try:
        out, err = p.communicate(timeout=T.scaled(timeout))
    except subprocess.TimeoutExpired:
        kill_tree(p)
        raise AssertionError("%s: no exit within %ss" % (what, T.scaled(timeout)))
    return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


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


def fate(st):
    if st is None:
        return "unknown"
    if os.WIFSIGNALED(st):
        return "killed by " + signal.Signals(os.WTERMSIG(st)).name
    return "exited with %d" % os.WEXITSTATUS(st)


def not_stopped(pid, what):
    """pid running free for ~0.5 s: state S or R, no tracer."""
    for _ in range(10):
        st = T.proc_state(pid)
        check(st in ("S", "R"), "%s: process %d is in state %r (must be S or R)" % (what, pid, st))
        time.sleep(0.05)
    check_eq(T.tracer_pid(pid), 0, "%s: TracerPid of %d" % (what, pid))


class Sleeper:
    """fixtures/sleeper, started by the test (for -p), ticking into a file."""

    def __init__(self):
        self.file = T.tmpfile("ticks")
        self.p = subprocess.Popen([fixture("sleeper"), self.file], stdout=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, cwd=T.TMP)
        line = self.p.stdout.readline().decode()
        check(re.match(r"^sleeper \d+$", line), "sleeper did not start: %r" % line)
        self.pid = self.p.pid
        check(T.wait_for(lambda: count_lines(self.file) >= 1, 5), "sleeper does not tick")

    def check_free(self, what):
        not_stopped(self.pid, what)
        n = count_lines(self.file)
        check(T.wait_for(lambda: count_lines(self.file) >= n + 3, 5),
              "%s: sleeper %d stopped ticking" % (what, self.pid))
        check(self.p.poll() is None, "%s: sleeper died: %r" % (what, self.p.returncode))

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


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

FLUSH = 0.2  # --flush-interval of the SIGKILL checks, seconds


def test_sigkill_capture_spawned():
    """SIGKILL renacer: the spawned command dies with it, the capture
    dumps and has every tick but those of about the last flush interval."""
    cap, ticks = T.tmpfile("cap"), T.tmpfile("ticks")
    p = start(T.renacer_cmd() + ["-f", "--capture", cap, "--flush-interval", str(FLUSH),
                                 "-o", "/dev/null", "--", fixture("sleeper"), ticks])
    try:
        line = p.stdout.readline().decode()
        m = re.match(r"^sleeper (\d+)$", line)
        check(m, "sleeper did not start under renacer: %r" % line)
        spid = int(m.group(1))
        check(T.wait_for(lambda: count_lines(ticks) >= 20, 20), "the sleeper does not tick")
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=T.scaled(10))
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
    # At most the last flush interval is lost: the ticks of FLUSH seconds
    # (one per 50 ms while traced) plus those in the pipeline.
    lost = written - len(got)
    allowed = int(FLUSH / 0.05) * 3 + 5
    check(0 <= lost <= allowed, "the capture lost %d of %d ticks (at most %d allowed)"
          % (lost, written, allowed))


def test_sigkill_attached_runs_on():
    """SIGKILL renacer -p: the attached sleeper runs on, not stopped."""
    s = Sleeper()
    ofile = T.tmpfile("trace")
    p = start(T.renacer_cmd() + ["-p", str(s.pid), "-o", ofile])
    try:
        check(T.wait_for(lambda: "tick" in T.read_text(ofile), 10),
              "no tick traced after attaching")
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=T.scaled(10))
        s.check_free("after renacer was SIGKILLed")
    finally:
        kill_tree(p)
        s.stop()


# ---------------------------------------------------------------- SIGINT & co.

def signal_spawned(tracer, sig, extra=()):
    """tracer [-f] -o FILE [extra] sleeper; sig to the tracer once it ticks.
    Returns (tracer's status, the sleeper's fate, -o FILE's text, stderr)."""
    ofile, ticks = T.tmpfile("trace"), T.tmpfile("ticks")
    p = start(tracer + ["-f", "-o", ofile] + list(extra) + ["--", fixture("sleeper"), ticks])
    try:
        line = p.stdout.readline().decode()
        m = re.match(r"^sleeper (\d+)$", line)
        check(m, "sleeper did not start under %s: %r" % (tracer[0], line))
        spid = int(m.group(1))
        check(T.wait_for(lambda: count_lines(ticks) >= 5, 20), "the sleeper does not tick")
        p.send_signal(sig)
        _, err = communicate(p, 20, "%s after %s" % (tracer[0], sig.name))
        return p.returncode, fate(reap(spid)), T.read_text(ofile), err
    finally:
        kill_tree(p)


def check_signal(sig):
    cap = T.tmpfile("cap")
    rc, child, text, err = signal_spawned(T.renacer_cmd(), sig, ["--capture", cap])
    check_eq(rc, -sig, "renacer's status after %s (it dies of it)\n%s" % (sig.name, err))
    check_eq(child, "killed by " + sig.name, "the spawned command after renacer got " + sig.name)
    check(text.endswith("\n"), "the -o file does not end with a whole line: %r" % text[-80:])
    check(T.Trace(text).lines, "empty trace")
    r = T.run([dump_cmd(), cap], timeout=60)
    check_eq(r.rc, 0, "renacer-dump of the capture closed after %s\n%s" % (sig.name, r.describe()))
    if shutil.which(T.ARGS.strace):
        # The oracle, interruptible as renacer is (-I2).
        rc, child, _, _ = signal_spawned([T.ARGS.strace, "-I2"], sig)
        check_eq((rc, child), (-sig, "killed by " + sig.name), "strace -I2 itself after " + sig.name)


def test_sigint_spawned():
    check_signal(signal.SIGINT)


def test_sigterm_spawned():
    check_signal(signal.SIGTERM)


def test_sighup_spawned():
    check_signal(signal.SIGHUP)


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
        _, err = communicate(p, 20, "renacer after SIGTERM")
        check_eq(p.returncode, -signal.SIGTERM, "renacer's status\n" + err)
        check_eq(fate(reap(spid)), "killed by SIGTERM", "the spawned sleeper")
        s.check_free("the attached sleeper after SIGTERM")
    finally:
        kill_tree(p)
        s.stop()


# ---------------------------------------------------------------- write failures

def write_failure(opts, fsize, reason):
    """renacer -p SLEEPER OPTS, whose output cannot be written: one error
    line naming `reason`, exit status 1, the sleeper let go, running."""
    s = Sleeper()
    p = start(T.renacer_cmd() + ["-p", str(s.pid)] + list(opts), fsize=fsize)
    try:
        _, err = communicate(p, 60, "renacer %s" % " ".join(opts))
        errs = error_lines(err)
        check(len(errs) == 1 and reason in errs[0],
              "want one error line saying %r, got:\n%s" % (reason, T.indent(err or "(nothing)")))
        check_eq(p.returncode, 1, "exit status after a failed write")
        s.check_free("after the failed write")
    finally:
        kill_tree(p)
        s.stop()


def test_write_failure_dev_full():
    write_failure(["-o", "/dev/full"], None, "No space left on device")


def test_write_failure_fsize_output():
    write_failure(["-o", T.tmpfile("trace")], 4096, "File too large")


def test_write_failure_fsize_capture():
    cap = T.tmpfile("cap")
    write_failure(["-o", "/dev/null", "--capture", cap, "--flush-interval", "0.1"], 8192,
                  "File too large")


def test_write_failure_spawned():
    """The same for a spawned command: renacer stops, says why, exits 1;
    the command is let go and runs to its end."""
    r = T.run(T.renacer_cmd() + ["-f", "-o", "/dev/full", "--", fixture("fork_write")],
              timeout=30)
    errs = error_lines(r.err)
    check(len(errs) == 1 and "No space left on device" in errs[0],
          "want one error line, got:\n" + r.describe())
    check_eq(r.rc, 1, "exit status\n" + r.describe())


# ---------------------------------------------------------------- a fatal signal

def test_command_killed_by_sigsegv():
    for opts in ([], ["-f"], ["-f", "--capture", T.tmpfile("cap")]):
        script = " ".join(shlex.quote(a) for a in T.renacer_cmd() + opts +
                          ["-o", "/dev/null", "--", fixture("segv")]) + '; echo "status $?"'
        r = T.run(["sh", "-c", script], timeout=30)
        check("status 139" in r.out, "sh should see 139 (128 + SIGSEGV) with %s\n%s"
              % (opts, r.describe() + "\nstdout: " + r.out))


# ---------------------------------------------------------------- scale

MAX_RSS_MIB = 256


def run_rusage(cmd, timeout):
    """Run cmd; (status, stdout, stderr, max RSS in MiB of it and the
    children it waited for)."""
    p = start(cmd)
    out, err = communicate(p, timeout, cmd[0])
    # communicate() reaped it already: the rusage of the children waited
    # for so far is the bound (rntest's other processes are tiny).
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return p.returncode, out, err, rss


def test_fanout_1000():
    ofile = T.tmpfile("trace")
    rc, out, err, rss = run_rusage(T.renacer_cmd() + ["-f", "-o", ofile, "--",
                                                      fixture("fanout"), "1000"], 300)
    tr = T.Trace(T.read_text(ofile))
    check_eq(rc, 0, "exit status (stderr: %s)" % err.strip())
    check("fanout 1000 reaped 1000 mismatches 0" in out, "fanout's own report: %r" % out)
    check_eq(len(tr.exits()), 1001, "exit lines (+++ exited ... +++)", tr)
    check_eq(len(tr.pids()), 1001, "distinct pids")
    check(rss < MAX_RSS_MIB, "max RSS %.0f MiB (bound %d MiB)" % (rss, MAX_RSS_MIB))


def test_threads64_exec():
    ofile = T.tmpfile("trace")
    rc, out, err, rss = run_rusage(T.renacer_cmd() + ["-f", "-o", ofile, "--",
                                                      fixture("threads64")], 300)
    text = T.read_text(ofile)
    tr = T.Trace(text)
    check_eq(rc, 0, "exit status (stderr: %s)" % err.strip())
    done = re.findall(r"^thread (\d+) done (\d+)$", out, re.M)
    check_eq(sorted(int(i) for i, _ in done), list(range(64)), "threads that reported")
    check(all(n == "20" for _, n in done), "a thread's calls failed: %r" % done)
    check_eq(len(tr.pids()), 65, "tids in the trace")
    ends = re.findall(r"^\d+ +\+\+\+ (exited with \d+|superseded by execve in pid \d+) \+\+\+$",
                      text, re.M)
    check_eq(len(ends), 65, "ends of threads (exited / superseded)", tr)
    check(re.search(r"^\d+ +execve\(\"/bin/true\"", text, re.M), "no execve from a thread", tr)
    check(rss < MAX_RSS_MIB, "max RSS %.0f MiB (bound %d MiB)" % (rss, MAX_RSS_MIB))
    if shutil.which(T.ARGS.strace):
        sfile = T.tmpfile("strace")
        T.run([T.ARGS.strace, "-f", "-o", sfile, "--", fixture("threads64")], timeout=120)
        want = re.findall(r"^\d+ +\+\+\+ (exited with \d+|superseded by execve in pid \d+) \+\+\+$",
                          T.read_text(sfile), re.M)
        check_eq(sorted(re.sub(r"\d+", "N", e) for e in ends),
                 sorted(re.sub(r"\d+", "N", e) for e in want), "ends, renacer vs strace -f")


# ---------------------------------------------------------------- tracees that trace

def test_tracee_ptraces():
    r = T.trace_o(["-f"], [fixture("ptrace_probe")], timeout=30)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    for what in ("traceme", "attach", "seize"):
        check(re.search(r"^%s -1 EPERM$" % what, r.out, re.M),
              "%s under renacer -f: want -1 EPERM, got:\n%s" % (what, r.out))
    check("ptrace_probe done" in r.out, "the probe did not finish: " + r.out)
    check(r.trace.find(r"^ptrace\(PTRACE_TRACEME\) += -1 EPERM"),
          "the failed PTRACE_TRACEME in the trace", r.trace)


def test_strace_under_renacer():
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace")
    t0 = time.monotonic()
    r = T.run(T.renacer_cmd() + ["-f", "-o", "/dev/null", "--", strace, "-o", "/dev/null",
                                 "true"], timeout=30)
    check(r.rc != 0 and "Operation not permitted" in r.err,
          "strace under renacer -f should fail to trace (EPERM)\n" + r.describe())
    check(time.monotonic() - t0 < T.scaled(10), "slow: %.1fs" % (time.monotonic() - t0))


def test_gdb_under_renacer():
    gdb = shutil.which("gdb")
    if not gdb:
        raise T.Skip("no gdb")
    r = T.run(T.renacer_cmd() + ["-f", "-o", "/dev/null", "--", gdb, "-nx", "-batch",
                                 "-ex", "run", "--args", fixture("simple_syscalls")], timeout=60)
    check("Operation not permitted" in r.out + r.err,
          "gdb under renacer -f should be refused ptrace\n" + r.describe() + "\n" + r.out)


if __name__ == "__main__":
    T.main([test_sigkill_capture_spawned, test_sigkill_attached_runs_on,
            test_sigint_spawned, test_sigterm_spawned, test_sighup_spawned,
            test_sigterm_attached_and_spawned,
            test_write_failure_dev_full, test_write_failure_fsize_output,
            test_write_failure_fsize_capture, test_write_failure_spawned,
            test_command_killed_by_sigsegv, test_fanout_1000, test_threads64_exec,
            test_tracee_ptraces, test_strace_under_renacer, test_gdb_under_renacer])
