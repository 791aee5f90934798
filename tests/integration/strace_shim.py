#!/usr/bin/env python3
"""strace_shim - strace dressed as renacer, to check the tests themselves.

    python3 test_X.py --renacer tests/integration/strace_shim.py --fixtures ...

Accepts renacer's command line (-f, -o FILE, -p PID[,PID...], -s N,
--workers N, --, COMMAND...), runs strace with it and makes strace's
behaviour look like renacer's where they differ by design:
  * without -o the trace goes to stdout (strace writes it to stderr);
  * strace's own messages ("strace: ...") go to stderr as "renacer: ...";
  * SIGINT / SIGTERM / SIGHUP are passed on to strace (which detaches);
  * the exit status is strace's; if strace died of a signal, so does this.
The traced program's stderr is strace's stderr: its lines that do not start
with "strace: " end up on stdout.  Only for testing the tests.
"""
import os
import signal
import subprocess
import sys

STRACE = os.environ.get("STRACE", "strace")


def main(argv):
    out = [STRACE]
    have_o = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--workers":
            i += 2
            continue
        if a.startswith("--workers="):
            i += 1
            continue
        if a in ("-o", "-p", "-s", "-S", "-U"):
            have_o = have_o or a == "-o"
            out += [a, argv[i + 1]]
            i += 2
            continue
        if a == "--":
            out += argv[i:]
            break
        if a == "--no-seccomp-bpf":  # strace's default
            i += 1
            continue
        if a.startswith("-"):
            out.append(a)
            i += 1
            continue
        out += argv[i:]
        break
    # strace -qq would hide "Process N attached"; keep strace's defaults.
    p = subprocess.Popen(out, stderr=subprocess.PIPE, bufsize=0)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, lambda sig, _f: p.send_signal(sig))
    rest = b""
    while True:
        try:
            chunk = p.stderr.read(65536)
        except InterruptedError:
            continue
        if not chunk:
            break
        rest += chunk
        *lines, rest = rest.split(b"\n")
        for l in lines:
            route(l + b"\n", have_o)
    if rest:
        route(rest, have_o)
    while True:
        try:
            rc = p.wait()
            break
        except InterruptedError:
            continue
    if rc < 0:
        if -rc not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(-rc, signal.SIG_DFL)
        os.kill(os.getpid(), -rc)
    return rc


def route(line, have_o):
    if line.startswith(b"strace: "):
        os.write(2, b"renacer: " + line[len(b"strace: "):])
    elif b"strace: " in line and not have_o:
        # "wait4(-1, strace: Process N attached\n <unfinished ...>\n":
        # the message goes out, the trace line is continued by the next one.
        head, msg = line.split(b"strace: ", 1)
        os.write(2, b"renacer: " + msg)
        os.write(1, head)
    else:
        os.write(1, line)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
