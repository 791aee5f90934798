#!/usr/bin/env python3
"""tools/rnc_read.py, the Python reader written from capture/CAPTURE.md,
against renacer-dump.

A capture of real runs (a shell doing file, process and pipe work, with -y;
fixtures with threads, an exec in a thread, signals and a killed child,
written in many small frames with a flush every few ms) is decoded by
`/usr/bin/python3 tools/rnc_read.py F` and by `renacer-dump --format json
F`: the same objects, in the same order, with the same values (pid, tid,
seq, ts_ns, time_ns, duration_ns, syscall, error, return, errno, args,
fd_paths, a process event's fields), all but the strace text ("arguments",
"result") the Python reader does not rebuild. Then the capture cut short
at offsets inside the header frame, at and around frame starts and inside
blocks, and with bytes changed: the Python reader shows what renacer-dump
shows (events up to the last check record that whole blocks hold) and
exits as it does (2 when something was skipped, 1 when nothing is
readable). A renacer killed with SIGKILL (a frame that never ended), and
the parts of a rotated run joined with cat, read the same by both too.

Skipped (77) when /usr/bin/python3 lacks zstandard or msgpack (Debian's
python3-zstandard, python3-msgpack; tools/dev.sh deps installs them).

Run by ctest as integration_py_reader; by hand:
    python3 tests/integration/test_py_reader.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import json
import os
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

PYTHON = "/usr/bin/python3"
READER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                      "rnc_read.py")

SHELL_WORK = (
    "d=$(mktemp -d); echo one > $d/a; cat $d/a $d/a | tr a-z A-Z > $d/b; "
    "cp $d/b $d/c; ls $d /renacer-no-such-dir 2>/dev/null | wc -l > /dev/null; "
    "(echo sub; exit 3); sh -c 'exit 4'; wc -c < $d/c > /dev/null; rm -r $d; true")


def need_modules():
    if not os.access(PYTHON, os.X_OK):
        raise T.Skip("no %s" % PYTHON)
    r = subprocess.run([PYTHON, "-c", "import zstandard, msgpack"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        raise T.Skip("%s lacks zstandard or msgpack (python3-zstandard, python3-msgpack)"
                     % PYTHON)


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def objects(text, what):
    out = []
    # JSON Lines end at "\n" only: str.splitlines() would also cut at
    # U+2028 and the like, which a JSON string may hold unescaped
    for n, line in enumerate(text.rstrip("\n").split("\n") if text else [], 1):
        try:
            out.append(json.loads(line))
        except ValueError:
            raise AssertionError("%s: line %d is not JSON: %r" % (what, n, line[:200]))
    return out


def decode_both(path):
    """(python objects, rc), (renacer-dump objects without the text, rc)."""
    py = T.run([PYTHON, READER, path], timeout=60)
    dm = T.run([dump_cmd(), "--format", "json", path], timeout=60)
    a = objects(py.out, "rnc_read.py " + path)
    b = objects(dm.out, "renacer-dump " + path)
    for o in b:
        o.pop("arguments", None)
        o.pop("result", None)
    return (a, py), (b, dm)


def same(a, b, what):
    """The same objects, in order; the first difference shown."""
    check_eq(len(a), len(b), what + ": how many objects")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            keys = sorted(set(x) | set(y))
            diff = ["  %s: python %r, renacer-dump %r" % (k, x.get(k), y.get(k))
                    for k in keys if x.get(k) != y.get(k)]
            raise AssertionError("%s: object %d differs:\n%s\npython:       %s\nrenacer-dump: %s"
                                 % (what, i, "\n".join(diff), json.dumps(x)[:600],
                                    json.dumps(y)[:600]))


def capture(opts, cmd, env=None, expect_rc=0):
    path = T.tmpfile("cap") + ".rncap"
    r = T.run(T.renacer_cmd() + ["-f"] + list(opts) + ["--capture", path, "--"] + list(cmd),
              timeout=60, env=env)
    if expect_rc is not None:
        check_eq(r.rc, expect_rc, "renacer exit status\n" + r.describe())
    check(os.path.exists(path), "no capture written\n" + r.describe())
    return path


def compare_whole(path, what):
    (a, py), (b, dm) = decode_both(path)
    check_eq(dm.rc, 0, what + ": renacer-dump exit status\n" + dm.describe())
    check_eq(py.rc, 0, what + ": rnc_read.py exit status\n" + py.describe())
    check(len(b) > 20, what + ": renacer-dump gave only %d objects" % len(b))
    same(a, b, what)
    return a


def test_shell_run():
    need_modules()
    path = capture(["-y"], ["sh", "-c", SHELL_WORK])
    objs = compare_whole(path, "sh -c (file, process and pipe work)")
    calls = {o["syscall"] for o in objs if "syscall" in o}
    for name in ("execve", "openat", "read", "write", "pipe2", "clone", "wait4", "close"):
        check(name in calls or (name == "pipe2" and "pipe" in calls),
              "no %s call decoded: %s" % (name, sorted(calls)))
    events = [o["event"] for o in objs if "event" in o]
    check(events.count("fork") >= 5, "fork events: %r" % events)
    check({3, 4} <= {o.get("status") for o in objs if o.get("event") == "exited"},
          "the subshells' exit codes 3 and 4")
    check(any(o.get("errno") == 2 for o in objs), "no failed call (ENOENT) decoded")
    check(any(o["fd_paths"] for o in objs if "syscall" in o), "no -y path decoded")


def many_frames_env():
    # Frames end every 4 KB of output and a flush comes every 2 ms: many
    # frames, string tables and delta bases that restart, check records at
    # flushes as well as every 4 KiB of msgpack.
    return dict(os.environ, RENACER_CAPTURE_FRAME_BYTES="4000")


def test_fixtures():
    need_modules()
    for prog, rc in (("threads4", 0), ("thread_exec", 0), ("signal_handler", 0),
                     ("child_killed", 0), ("fork_exec", 0)):
        path = capture(["--flush-interval", "0.002"], [fixture(prog)],
                       env=many_frames_env(), expect_rc=None)
        compare_whole(path, prog)


def cut_offsets(data):
    """Offsets inside the header frame, at and around every frame magic
    (a frame's start, a byte before, a few after), and spread between."""
    magics, i = [], data.find(b"\x28\xb5\x2f\xfd")
    while i >= 0:
        magics.append(i)
        i = data.find(b"\x28\xb5\x2f\xfd", i + 1)
    offs = {1, 10, 100}
    for m in magics[1:8]:
        offs.update((m - 1, m, m + 3, m + 9))
    offs.update(len(data) * k // 13 for k in range(1, 13))
    offs.add(len(data) - 1)
    return sorted(o for o in offs if 0 < o < len(data)), magics


def test_cut_short():
    need_modules()
    path = capture(["-y", "--flush-interval", "0.002"], ["sh", "-c", SHELL_WORK],
                   env=many_frames_env())
    with open(path, "rb") as f:
        data = f.read()
    offs, magics = cut_offsets(data)
    check(len(magics) >= 4, "only %d frames in the capture" % len(magics))
    full = len(decode_both(path)[1][0])
    cut = T.tmpfile("cut") + ".rncap"
    shown = set()
    for off in offs:
        with open(cut, "wb") as f:
            f.write(data[:off])
        (a, py), (b, dm) = decode_both(cut)
        what = "cut at %d of %d" % (off, len(data))
        check(dm.rc in (0, 1, 2), what + ": renacer-dump\n" + dm.describe())
        check_eq(py.rc, dm.rc, what + ": exit status as renacer-dump's\n" + py.describe()
                 + "\n" + dm.describe())
        same(a, b, what)
        shown.add(len(b))
    check(len(shown) >= 4 and min(shown) < full,
          "the cuts showed too few different lengths: %r of %d" % (sorted(shown), full))


def test_damaged():
    need_modules()
    path = capture(["--flush-interval", "0.002"], [fixture("threads4")],
                   env=many_frames_env())
    with open(path, "rb") as f:
        data = f.read()
    offs, magics = cut_offsets(data)
    bad = T.tmpfile("bad") + ".rncap"
    resynced = 0
    for off in offs[3::3]:
        for change in (lambda b: b ^ 0x40, lambda b: 0):
            d = bytearray(data)
            d[off] = change(d[off])
            if d == data:
                continue
            with open(bad, "wb") as f:
                f.write(d)
            (a, py), (b, dm) = decode_both(bad)
            what = "byte %d of %d changed" % (off, len(data))
            if off < magics[1]:
                # The header lost: its syscall names with it. renacer-dump
                # knows its own; a reader of the file alone says
                # syscall_0xN, as for a number the table does not name.
                for o in a + b:
                    o.pop("syscall", None)
            check_eq(py.rc, dm.rc, what + ": exit status as renacer-dump's\n" + py.describe()
                     + "\n" + dm.describe())
            same(a, b, what)
            resynced += dm.rc == 2 and any(o["seq"] > 20 for o in b)
    check(resynced > 0, "no damage was read past")


def test_killed():
    """renacer killed with SIGKILL: its last frame never ended, and is read
    up to its last check record by both."""
    need_modules()
    path = T.tmpfile("killed") + ".rncap"
    loop = "while :; do cat /etc/passwd > /dev/null; sleep 0.005; done"
    p = subprocess.Popen(T.renacer_cmd() + ["-f", "--flush-interval", "0.05", "--capture",
                                            path, "--", "sh", "-c", loop],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=T.TMP)
    try:
        T.wait_for(lambda: os.path.exists(path) and os.path.getsize(path) > 30000,
                   timeout=20)
    finally:
        p.kill()  # SIGKILL; the traced loop dies with it (PTRACE_O_EXITKILL)
        p.wait()
    (a, py), (b, dm) = decode_both(path)
    check_eq(py.rc, dm.rc, "exit status as renacer-dump's\n" + py.describe() + "\n"
             + dm.describe())
    check(len(b) > 100, "renacer-dump gave only %d objects" % len(b))
    same(a, b, "a capture of a renacer killed with SIGKILL")


def test_rotated_joined():
    """The parts of a rotated run joined in order read as the run; the same
    capture twice ends at the second header."""
    need_modules()
    path = capture(["--capture-size", "20000", "--flush-interval", "0.005"],
                   ["sh", "-c", "for i in $(seq 30); do "
                    "cat /etc/passwd > /dev/null; sleep 0.003; done"])
    parts = [path]
    while os.path.exists("%s.%d" % (path, len(parts))):
        parts.append("%s.%d" % (path, len(parts)))
    check(len(parts) >= 3, "only %d parts" % len(parts))
    for name, files, rc in (("joined", parts[::-1], 0), ("twice", [path, path], 2)):
        out = T.tmpfile(name) + ".rncap"
        with open(out, "wb") as f:
            for x in files:
                with open(x, "rb") as g:
                    f.write(g.read())
        (a, py), (b, dm) = decode_both(out)
        check_eq(dm.rc, rc, name + ": renacer-dump's exit status\n" + dm.describe())
        check_eq(py.rc, rc, name + ": rnc_read.py's exit status\n" + py.describe())
        same(a, b, name)


if __name__ == "__main__":
    T.main([test_shell_run, test_fixtures, test_cut_short, test_damaged, test_killed,
            test_rotated_joined])
