#!/usr/bin/env python3
"""A call that blocks shows at once what strace 6.1 shows at its entry.

blocked_calls MODE blocks about 1.5 s in poll, ppoll, select, pselect6,
epoll_pwait, read or wait4. While it does, the trace is read (-o FILE, a
regular file renacer writes within 20 ms; and a pipe on stdout, written at
once): its last line must be the call's entry part exactly as strace's at
the same moment (poll([{fd=5, events=POLLIN}], 1, 1500), not a bare "poll(".
After the return the whole line must be strace's, and a tracee killed in
the call ends the line " <unfinished ...>) = ?" as under strace.
"""
import os
import re
import select
import shutil
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture

MODES = ("poll", "ppoll", "select", "pselect6", "epoll_pwait", "read", "wait4")
MARKER = "/blocked-calls-begin"


def need_strace():
    if not shutil.which(T.ARGS.strace):
        raise T.Skip("no strace")


def after_marker(text):
    i = text.find(MARKER)
    if i < 0:
        return None
    nl = text.find("\n", i)
    return None if nl < 0 else text[nl + 1:]


def partial(read_now, mode, what):
    """What follows the marker's line once the blocked call's entry is
    there (read again 200 ms later, so that nothing is still on its way)."""
    deadline = time.monotonic() + T.scaled(1.0)
    while time.monotonic() < deadline:
        rest = after_marker(read_now())
        if rest and rest.splitlines()[-1].startswith(mode + "("):
            break
        time.sleep(0.02)
    time.sleep(0.2)
    rest = after_marker(read_now())
    check(rest is not None, "%s: no trace after the marker" % what)
    return rest.splitlines()[-1] if rest else ""


def started(cmd, out_pipe):
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE if out_pipe else subprocess.DEVNULL,
                            stderr=subprocess.PIPE if out_pipe else subprocess.DEVNULL,
                            cwd=T.TMP)


class PipeReader:
    def __init__(self, f):
        self.f, self.data = f, b""
        os.set_blocking(f.fileno(), False)

    def __call__(self):
        while select.select([self.f], [], [], 0)[0]:
            b = os.read(self.f.fileno(), 65536)
            if not b:
                break
            self.data += b
        return self.data.decode("utf-8", "replace")


def blocked(tracer, mode, out_pipe):
    """The blocked call's line while it blocks, and its line once done."""
    opts = [] if out_pipe else ["-o", T.tmpfile("trace")]
    p = started(tracer + opts + ["--", fixture("blocked_calls"), mode], out_pipe)
    try:
        if out_pipe:
            # strace writes to stderr, renacer to stdout
            read_now = PipeReader(p.stderr if tracer[0] == T.ARGS.strace else p.stdout)
        else:
            read_now = lambda: T.read_text(opts[1])  # noqa: E731
        during = partial(read_now, mode, " ".join(tracer + [mode]))
        p.wait(timeout=T.scaled(20))
        text = read_now()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check_eq(p.returncode, 0, "%s %s: exit status" % (tracer, mode))
    done = [l for l in (after_marker(text) or "").splitlines() if l.startswith(mode + "(")]
    return during, done[:1]


def normal(line):
    # wait4's child and read's: the pid returned differs from run to run
    return re.sub(r"= \d+$", "= PID", line) if line.startswith("wait4(") else line


def test_entry_shown_while_blocked_file():
    need_strace()
    for mode in MODES:
        s_during, s_done = blocked([T.ARGS.strace], mode, False)
        r_during, r_done = blocked(T.renacer_cmd(), mode, False)
        check_eq(r_during, s_during, "%s blocked, -o FILE: the entry part strace shows" % mode)
        check_eq([normal(l) for l in r_done], [normal(l) for l in s_done],
                 "%s: the whole line after its return" % mode)


def test_entry_shown_while_blocked_pipe():
    need_strace()
    for mode in MODES:
        s_during, _ = blocked([T.ARGS.strace], mode, True)
        r_during, _ = blocked(T.renacer_cmd(), mode, True)
        check_eq(r_during, s_during, "%s blocked, a pipe: the entry part strace shows" % mode)


def killed_in(tracer, mode):
    out = T.tmpfile("killed")
    p = subprocess.Popen(tracer + ["-o", out, "--", fixture("blocked_calls"), mode],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=T.TMP)
    try:
        partial(lambda: T.read_text(out), mode, "%s %s" % (tracer, mode))
        kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(p.pid)],
                              stdout=subprocess.PIPE, text=True).stdout.split()
        check(kids, "no tracee under %d" % p.pid)
        os.kill(int(kids[0]), signal.SIGKILL)
        p.wait(timeout=T.scaled(20))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return (after_marker(T.read_text(out)) or "").splitlines()[-2:]


def test_killed_while_blocked():
    need_strace()
    for mode in ("poll", "select", "read"):
        check_eq(killed_in(T.renacer_cmd(), mode), killed_in([T.ARGS.strace], mode),
                 "%s killed while blocked: strace's last lines" % mode)


if __name__ == "__main__":
    T.main([test_entry_shown_while_blocked_file, test_entry_shown_while_blocked_pipe,
            test_killed_while_blocked])
