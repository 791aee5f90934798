#!/usr/bin/env python3
"""renacer-dump reading a capture from standard input (`-` or /dev/stdin).

  same        a capture through a pipe dumps exactly as the file does (text,
              JSON, CSV), by `-` and by /dev/stdin; a regular file on stdin too
  damage      a damaged capture on a pipe: the same output, the same one line
              on stderr (named `-`), the same exit status 2
  refused     garbage, zeros without end, an empty pipe: one line, exit 1,
              within seconds; a terminal or device on stdin is refused unread;
              a FIFO named by its path stays refused (test_bad_input.py)
  memory      300 MiB through a pipe: the copy kept to seek back in stays
              small (its allocated size, and renacer-dump's VmHWM)

Run by ctest as integration_dump_stdin; by hand:
    python3 tests/integration/test_dump_stdin.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import os
import re
import shutil
import struct
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def capture(flush="0.05"):
    """A capture of several frames (one every 50 ms) of a process tree."""
    cap = T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["-f", "--capture", cap, "--flush-interval", flush, "-o",
                                 "/dev/null", "--", "sh", "-c",
                                 "for i in 1 2 3; do %s; sleep 0.05; done" %
                                 fixture("simple_syscalls")])
    check_eq(r.rc, 0, "capture run\n" + r.describe())
    with open(cap, "rb") as f:
        return cap, f.read()


def write_file(data):
    p = T.tmpfile("file")
    with open(p, "wb") as f:
        f.write(data)
    return p


def piped(args, path=None, feed=None, timeout=60):
    """renacer-dump ARGS with standard input a pipe fed from the file path
    (by cat) or by the shell command feed."""
    src = feed if feed else 'cat "$0"'
    cmd = ["sh", "-c", '%s | exec "$@"' % src, path or "-", dump_cmd()] + list(args)
    return T.run(cmd, timeout=timeout)


def frames(data):
    return [m.start() for m in re.finditer(re.escape(b"\x28\xb5\x2f\xfd"), data)]


def test_pipe_same_as_file():
    cap, _ = capture()
    for fmt in ([], ["--format", "json"], ["--format", "csv"], ["-tt", "-T"]):
        want = T.run([dump_cmd()] + fmt + [cap])
        check_eq((want.rc, want.err), (0, ""), "the file\n" + want.describe())
        check(want.out.count("\n") > 20, "the file's dump is short:\n" + want.out)
        for name in ("-", "/dev/stdin"):
            got = piped(fmt + [name], cap)
            check_eq((got.rc, got.err), (0, ""), "through a pipe\n" + got.describe())
            check(got.out == want.out, "%s %s through a pipe: the dump differs" % (fmt, name))
        with open(cap, "rb") as f:
            got = T.run([dump_cmd()] + fmt + ["-"], stdin=f)
        check_eq((got.rc, got.err), (0, ""), "a file on stdin\n" + got.describe())
        check(got.out == want.out, "%s: a file on stdin: the dump differs" % fmt)


def test_pipe_damage_as_file():
    _, data = capture()
    fr = frames(data)
    check(len(fr) >= 2, "want a header frame and events, got %d frames" % len(fr))
    # one frame of events damaged: one in the middle when there are several
    k = 2 if len(fr) >= 4 else 1
    bad = bytearray(data)
    bad[(fr[k] + (fr[k + 1] if k + 1 < len(fr) else len(data))) // 2] ^= 0xff
    cases = [("a damaged frame", bytes(bad)),
             ("cut short", data[:(fr[-1] + len(data)) // 2]),
             ("header damaged", data[:fr[1] // 2] + b"\xff" + data[fr[1] // 2 + 1:]),
             ("cut in its header", data[:fr[1] // 2])]
    for what, content in cases:
        p = write_file(content)
        want = T.run([dump_cmd(), p])
        check(want.rc in (1, 2) and want.err.count("\n") == 1,
              "%s: the file's dump\n%s" % (what, want.describe()))
        got = piped(["-"], p)
        check_eq((got.rc, got.err), (want.rc, want.err.replace(p + ":", "-:")),
                 what + " through a pipe")
        check(got.out == want.out, what + " through a pipe: the dump differs from the file's")


def one_line(r, message, what):
    lines = r.err.splitlines()
    check(len(lines) == 1 and re.match("renacer-dump: " + message + "$", lines[0]),
          "%s: want one line 'renacer-dump: %s'\n%s" % (what, message, r.describe()))
    check_eq((r.rc, r.out), (1, ""), what + ": exit status and stdout")


def test_pipe_refused():
    """Refused as the same bytes in a file are, and as soon: the 16 MiB
    window and the 64 MiB header limit hold for a pipe."""
    rand = write_file(os.urandom(32 << 20))
    cases = [
        ("random bytes", None, "cat \"$0\"", rand, r"-: not a renacer capture \(no zstd frame\)"),
        ("zeros without end", None, "cat /dev/zero", None,
         r"-: not a renacer capture \(no zstd frame\)"),
        ("an empty pipe", None, "true", None, r"-: empty file"),
        ("text", None, "echo hello", None, r"-: not a renacer capture \(no zstd frame\)"),
    ]
    if shutil.which("zstd"):
        cases.append(("a 1 GiB zstd frame", None, "head -c 1G /dev/zero | zstd -q -c", None,
                      r"-: not a renacer capture \(its first frame is not a header\)"))
    for what, _, feed, path, msg in cases:
        t0 = time.monotonic()
        r = piped(["-"], path, feed=feed, timeout=30)
        one_line(r, msg, what)
        check(time.monotonic() - t0 < T.scaled(10), "%s: took %.1fs" % (what, time.monotonic() - t0))
    # A device on standard input is not read (/dev/zero would never end).
    for dev in ("/dev/zero", "/dev/null"):
        with open(dev, "rb") as f:
            r = T.run([dump_cmd(), "-"], stdin=f, timeout=10)
        one_line(r, r"-: not a regular file or a pipe", dev + " on stdin")
    # `-` read once: named twice, the second is the same input.
    cap, _ = capture()
    want = T.run([dump_cmd(), cap])
    got = piped(["-", "-"], cap)
    check_eq((got.rc, got.err), (0, ""), "- twice\n" + got.describe())
    check(got.out == want.out, "- twice: the dump differs from the file's")


def skippable(payload):
    return b"\x50\x2a\x4d\x18" + struct.pack("<I", len(payload)) + payload


def vm_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def copy_bytes(pid):
    """Bytes allocated to renacer-dump's in-memory copies of its input
    (memfds), 0 when it has none."""
    seen = {}
    d = "/proc/%d/fd" % pid
    for fd in os.listdir(d):
        try:
            if os.readlink(os.path.join(d, fd)).startswith("/memfd:"):
                st = os.stat(os.path.join(d, fd))
                seen[(st.st_dev, st.st_ino)] = st.st_blocks * 512
        except OSError:
            pass
    return sum(seen.values())


def test_pipe_memory_bounded():
    """300 MiB of capture through a pipe (a real capture with 1 MiB
    skippable frames after its header and after its events): the copy kept
    to seek back in holds about the current frame, not everything read."""
    _, data = capture()
    fr = frames(data)
    check(len(fr) >= 2, "want a header frame and events, got %d frames" % len(fr))
    pad = skippable(b"\0" * (1 << 20))
    big = [data[:fr[1]], pad * 150, data[fr[1]:], pad * 151]
    want = T.run([dump_cmd(), write_file(data)])
    check_eq((want.rc, want.err), (0, ""), "the capture\n" + want.describe())
    out = T.tmpfile("out")
    with open(out, "wb") as o:
        p = subprocess.Popen([dump_cmd(), "-"], stdin=subprocess.PIPE, stdout=o,
                             stderr=subprocess.PIPE, cwd=T.TMP)
    most = hwm = 0
    try:
        sent = 0
        for piece in big:
            for i in range(0, len(piece), 4 << 20):
                try:
                    p.stdin.write(piece[i:i + (4 << 20)])
                except BrokenPipeError:
                    raise AssertionError("renacer-dump stopped reading after %d bytes: %s" % (
                        sent, p.stderr.read().decode()))
                sent += len(piece[i:i + (4 << 20)])
                most = max(most, copy_bytes(p.pid))
        p.stdin.flush()
        time.sleep(0.2)
        most = max(most, copy_bytes(p.pid))
        hwm = vm_kib(p.pid, "VmHWM")
        p.stdin.close()
        err = p.stderr.read().decode()
        p.wait(timeout=T.scaled(60))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(sent > 300 << 20, "sent only %d bytes" % sent)
    check_eq((p.returncode, err), (0, ""), "300 MiB through a pipe")
    check(T.read_text(out) == want.out, "300 MiB through a pipe: the dump differs")
    budget = 64 if not os.environ.get("RN_SANITIZE") else 256
    check(most < 48 << 20, "the copy of the input grew to %.1f MiB" % (most / 1048576))
    check(hwm < budget << 10, "VmHWM %d KiB (budget %d MiB)" % (hwm, budget))
    if T.ARGS.verbose:
        print("copy at most %.1f MiB, VmHWM %d KiB" % (most / 1048576, hwm))


if __name__ == "__main__":
    T.main([test_pipe_same_as_file, test_pipe_damage_as_file, test_pipe_refused,
            test_pipe_memory_bounded])
