#!/usr/bin/env python3
"""The status line: progress on stderr while renacer traces.

Expects renacer to draw, when stderr is a terminal and the trace goes to a
file (-o) or a capture and not to that terminal (or with --status-line,
wherever stderr goes), a line redrawn in place a few times a second:

    \\rrenacer: 1.2s | procs 1/2 | events 1234 (1.0k/s) | out 12.3 KiB
        | capture 3.4 KiB (5.1x) | stalls 0\\033[K

and to erase it ("\\r\\033[K") before its own stderr messages and at exit;
--no-status-line turns it off. Stderr is a pty here (pty.openpty), the trace
goes to a file, the command runs about a second.

Run by ctest as integration_status_line; by hand:
    python3 tests/integration/test_status_line.py --renacer build/renacer \\
        --fixtures build/tests/fixtures
"""
import os
import pty
import re
import select
import shutil
import subprocess
import time

import rntest as T
from rntest import check, check_eq

RE_STATUS = re.compile(rb"\rrenacer: (\d+\.\d)s \| procs (\d+)/(\d+) \| events (\S+) \((\S+)/s\)"
                       rb"(?: \| out ([^|\x1b]+))?(?: \| capture ([^|\x1b]+))?"
                       rb" \| stalls (\d+)\x1b\[K")
CLEAR = b"\r\x1b[K"


def sleep_cmd(seconds):
    s = shutil.which("sleep")
    if not s:
        raise T.Skip("no sleep(1)")
    return ["/bin/sh", "-c", "%s %s; %s 0.1" % (s, seconds, s)]


def run_on_pty(args, timeout=30, stdout_too=False):
    """Run renacer ARGS with stderr (and stdout, if stdout_too) on a pty;
    returns (exit status, bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(T.renacer_cmd() + list(args), stdin=subprocess.DEVNULL,
                         stdout=slave if stdout_too else subprocess.DEVNULL, stderr=slave,
                         cwd=T.TMP)
    os.close(slave)
    out = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every slave end is closed
                break
            if not data:
                break
            out += data
        elif p.poll() is not None:
            break
    os.close(master)
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("renacer did not end\n%r" % out[-2000:])
    return rc, out


def test_shown_and_cleared():
    out = T.tmpfile("trace")
    rc, err = run_on_pty(["-f", "-o", out, "--"] + sleep_cmd(1))
    check_eq(rc, 0, "exit status\n%r" % err[-2000:])
    lines = list(RE_STATUS.finditer(err))
    check(len(lines) >= 2, "redrawn a few times a second: %d lines\n%r" % (len(lines), err[-2000:]))
    last = lines[-1]
    secs = [float(m.group(1)) for m in lines]
    check(secs == sorted(secs) and secs[-1] >= 0.8, "elapsed time grows: %r" % secs)
    alive, total = int(last.group(2)), int(last.group(3))
    check(total >= 2 and 1 <= alive <= total,
          "procs alive/total: the shell and its sleep (%r)" % last.group(0))
    check(last.group(6) and last.group(6).strip().endswith(b"B"), "bytes written shown")
    check_eq(last.group(8), b"0", "stalls")
    tail = err[last.end():]
    check(CLEAR in tail, "the line is erased at exit: %r" % tail)
    check(not RE_STATUS.search(tail), "nothing drawn after that")
    # Attach messages never land inside the status line.
    check(not re.search(rb"\x1b\[Krenacer: Process \d+ attached", err.replace(CLEAR, b"\n")),
          "an attach message comes after an erase, on its own line")
    for m in re.finditer(rb"renacer: Process \d+ attached", err):
        before = err[:m.start()]
        check(before.endswith(CLEAR) or before.endswith(b"\n") or not before,
              "message after an erased status line: %r" % err[max(0, m.start() - 80):m.end()])
    text = T.read_text(out)
    check("\x1b" not in text and "renacer:" not in text, "the trace file has no status in it")
    check(re.search(r"^\d+ +execve\(", text, re.M), "the trace itself")


def test_capture_ratio():
    cap = T.tmpfile("cap")
    rc, err = run_on_pty(["-f", "--capture", cap, "-o", T.tmpfile("trace"), "--"] +
                         sleep_cmd(1.2))
    check_eq(rc, 0, "exit status")
    lines = list(RE_STATUS.finditer(err))
    check(lines, "status lines\n%r" % err[-2000:])
    cap_field = lines[-1].group(7)
    check(cap_field and re.match(rb"^\d+(\.\d)? (B|KiB|MiB) \(\d+\.\dx\) ?$", cap_field),
          "capture bytes and compression ratio: %r" % lines[-1].group(0))


def test_capture_alone():
    """--capture alone on a terminal: the status line, and no trace on that
    terminal (stdout is the pty too)."""
    cap = T.tmpfile("cap")
    rc, err = run_on_pty(["-f", "--capture", cap, "--"] + sleep_cmd(1), stdout_too=True)
    check_eq(rc, 0, "exit status")
    check(len(list(RE_STATUS.finditer(err))) >= 2, "status lines\n%r" % err[-2000:])
    check(b"execve(" not in err and b"+++ exited" not in err,
          "no trace on the terminal\n%r" % err[-2000:])


def test_off():
    # --no-status-line
    rc, err = run_on_pty(["--no-status-line", "-o", T.tmpfile("trace"), "--"] + sleep_cmd(0.6))
    check_eq(rc, 0, "exit status")
    check(b"\rrenacer:" not in err, "--no-status-line: none\n%r" % err[-1000:])
    # the trace goes to stdout, not to a file: no status line either
    rc, err = run_on_pty(sleep_cmd(0.6))
    check_eq(rc, 0, "exit status")
    check(b"\rrenacer:" not in err, "trace on stdout: none\n%r" % err[-1000:])


def test_forced_without_terminal():
    r = T.run(T.renacer_cmd() + ["--status-line", "-o", T.tmpfile("trace"), "--"] +
              sleep_cmd(0.6))
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    raw = r.err.encode()
    check(RE_STATUS.search(raw), "--status-line: drawn on a pipe too\n" + r.describe())
    check(raw.rstrip(b"\n").endswith(CLEAR) or raw.endswith(CLEAR), "and erased at the end: %r"
          % raw[-200:])
    r = T.run(T.renacer_cmd() + ["-o", T.tmpfile("trace"), "--"] + sleep_cmd(0.3))
    check("\rrenacer:" not in r.err, "auto: stderr is not a terminal: none")


def test_tmux_never_blank():
    """Under tmux (what the user sees: capture-pane samples of the screen)
    the status line is there in every sample from its first drawing to the
    end of the run, while the command forks all the time (a fork used to
    erase the line until the next refresh, 250 ms later)."""
    tmux = shutil.which("tmux")
    if not tmux:
        raise T.Skip("no tmux")
    sock = T.tmpfile("tmux.sock")
    done = T.tmpfile("done")
    script = T.tmpfile("run.sh")
    with open(script, "w") as f:
        f.write("%s -f -o %s -- /bin/sh -c 'i=0; while [ $i -lt 150 ]; do /bin/true; "
                "i=$((i+1)); sleep 0.01; done'; echo $? > %s; sleep 30\n"
                % (" ".join(T.renacer_cmd()), T.tmpfile("trace"), done))
    base = [tmux, "-S", sock]
    subprocess.run(base + ["new-session", "-d", "-x", "200", "-y", "10", "/bin/sh " + script],
                   check=True, cwd=T.TMP)
    samples = []
    try:
        end = time.monotonic() + T.scaled(60)
        while not os.path.exists(done) and time.monotonic() < end:
            pane = subprocess.run(base + ["capture-pane", "-p"], stdout=subprocess.PIPE,
                                  text=True).stdout
            samples.append("renacer: " in pane)
            time.sleep(0.03)
    finally:
        subprocess.run(base + ["kill-server"], stderr=subprocess.DEVNULL)
    check(os.path.exists(done) and T.read_text(done).strip() == "0",
          "the traced command ended, exit status 0")
    shown = samples.index(True) if True in samples else None
    check(shown is not None, "a status line was drawn (%d samples)" % len(samples))
    # from its first drawing to its last: the line is erased at the end,
    # and the samples after that, to the command's end, see it gone
    last = len(samples) - 1 - samples[::-1].index(True)
    during = samples[shown:last + 1]
    run, longest = 0, 0
    for seen in during:
        run = 0 if seen else run + 1
        longest = max(longest, run)
    blank = during.count(False)
    # a sample may fall between an erase and the redraw that follows it at
    # once on a busy machine; a blank for a refresh period (250 ms, about 8
    # samples) may not happen
    check(longest <= 2, "blank in %d of %d samples, %d at most in a row" % (
        blank, len(during), longest))


if __name__ == "__main__":
    T.main([test_shown_and_cleared, test_capture_alone, test_capture_ratio, test_off, test_forced_without_terminal,
            test_tmux_never_blank])
