#!/usr/bin/env python3
"""check_dump - renacer-dump on captures that the scripted trace does not
make (tests/unit/dump_gen.c), one part per ctest:

  unfinished  200000 tasks, each left inside read(): every format shows each
              unfinished call exactly once, oldest first, and the records
              are counted exactly (ctest's TIMEOUT bounds the run: the
              pending calls must not be scanned per call);
  joined      captures joined into one file (cat a b > ab): what comes
              before the second header is shown exactly as a alone would
              be, then one line on stderr and exit 2; a rotated set joined
              in its order is one capture (exit 0);
  hostile     records with numbers outside the ranges the format gives them
              are skipped and reported (exit 2), the good ones around them
              shown.

    python3 check_dump.py --gen BUILD/tests/unit/dump_gen \\
        --capture-gen BUILD/tests/unit/capture_gen --dump BUILD/renacer-dump PART
"""

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

ARGS = None
TMP = None
NTASKS = 200000
FIRST_TID = 1000


def dump(*args, expect=0):
    p = subprocess.run([ARGS.dump, *args], capture_output=True)
    if p.returncode != expect:
        raise AssertionError("renacer-dump %s: exit %d, expected %d; stderr: %s"
                             % (" ".join(args), p.returncode, expect, p.stderr.decode()))
    return p


def own_lines(p):
    return [l for l in p.stderr.decode().split("\n") if l.startswith("renacer-dump: ")]


# ---------------------------------------------------------------- unfinished

def check_unfinished():
    cap = os.path.join(TMP, "unfinished.cap")
    subprocess.run([ARGS.gen, "unfinished", str(NTASKS), cap], check=True)
    tids = list(range(FIRST_TID, FIRST_TID + NTASKS))

    # JSON: a fork per task as it comes, then at the end of the trace every
    # call that never returned, in the order the calls began (seq): each
    # once. Compared whole, line for line.
    ts = lambda seq: 500000000000 + 100 * seq
    # the generator's header: realtime 1764000000000000000 at monotonic
    # 500000000000
    wall = lambda seq: 1764000000000000000 + 100 * seq
    want = [('{"pid":%d,"tid":%d,"event":"fork","parent":null,"thread":false,"seq":%d,'
             '"ts_ns":%d,"time_ns":%d}'
             % (t, t, 2 * k + 1, ts(2 * k + 1), wall(2 * k + 1))) for k, t in enumerate(tids)]
    want += [('{"pid":%d,"tid":%d,"syscall":"read","arguments":"%d","result":"?","seq":%d,'
              '"ts_ns":%d,"time_ns":%d,"duration_ns":null,"error":null,"return":null,'
              '"errno":null,"args":{"fd":%d},"fd_paths":{}}'
              % (t, t, k, 2 * k + 2, ts(2 * k + 2), wall(2 * k + 2), k))
             for k, t in enumerate(tids)]
    got = dump("--format", "json", cap).stdout.decode().split("\n")
    assert got[-1] == "", "JSON Lines end with a newline"
    assert len(got) - 1 == 2 * NTASKS, len(got) - 1
    bad = [k for k, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not bad, "JSON line %d: %r, expected %r" % (bad[0], got[bad[0]], want[bad[0]])
    json.loads(got[0]), json.loads(got[-2])

    # CSV: the header row, a "+++ fork" row per task, then a "?" row per call.
    rows = list(csv.reader(io.StringIO(dump("--format", "csv", cap).stdout.decode(),
                                       newline="")))
    assert rows[0] == ["pid", "syscall", "arguments", "result", "seq", "ts_ns", "duration_ns",
                       "error", "tid", "time_ns", "return", "errno"], rows[0]
    assert len(rows) == 1 + 2 * NTASKS, len(rows)
    col = lambda r: [str(x) for x in r]
    assert rows[1:NTASKS + 1] == [col([t, "+++ fork", "", "", 2 * k + 1, ts(2 * k + 1), "", "",
                                       t, wall(2 * k + 1), "", ""])
                                  for k, t in enumerate(tids)]
    assert rows[NTASKS + 1:] == [col([t, "read", k, "?", 2 * k + 2, ts(2 * k + 2), "", "", t,
                                      wall(2 * k + 2), "", ""]) for k, t in enumerate(tids)]

    # Perfetto: one syscall slice per task, each ending where the trace
    # does (one trace event per line).
    out = dump("--format", "perfetto", cap).stdout.decode().split("\n")
    slices = [json.loads(l.rstrip(",")) for l in out if '"cat":"syscall"' in l]
    assert len(slices) == NTASKS, len(slices)
    assert [e["tid"] for e in slices] == tids, "each unfinished call once, in order"
    end_us = (ts(2 * NTASKS) - 500000000000) / 1000
    for k, e in enumerate(slices):
        assert (e["name"], e["args"], round(e["ts"] + e["dur"], 3)) == \
            ("read", {"arguments": str(k), "result": "?", "seq": 2 * k + 2}, end_us), e

    # Text (which holds no call): each call's line once, cut by the next
    # task's, the last one left open as strace leaves it.
    text = dump(cap).stdout.decode().split("\n")
    want = ["read(0,  <unfinished ...>"]
    want += ["[pid %5d] read(%d,  <unfinished ...>" % (t, k) for k, t in enumerate(tids)][1:]
    want[-1] = "[pid %d] read(%d, " % (tids[-1], NTASKS - 1)
    assert text == want + [""], "text differs"


# ---------------------------------------------------------------- joined

def gen_trace(name, rounds, *flags):
    cap = os.path.join(TMP, name + ".cap")
    subprocess.run([ARGS.capture_gen, *flags, cap, os.path.join(TMP, name + ".txt"),
                    str(rounds)], check=True, stderr=subprocess.DEVNULL)
    return cap


def join(name, *parts):
    path = os.path.join(TMP, name)
    with open(path, "wb") as out:
        for p in parts:
            with open(p, "rb") as f:
                out.write(f.read())
    return path


def check_joined():
    a, b = gen_trace("a", 2), gen_trace("b", 3)
    size_a = os.path.getsize(a)
    for name, parts, what in (("ab.cap", (a, b), "another run"),
                              ("aa.cap", (a, a), "the same run again")):
        ab = join(name, *parts)
        size_ab = os.path.getsize(ab)
        for fmt in ("text", "json", "csv", "perfetto", "stats"):
            want = dump("--format", fmt, a).stdout
            p = dump("--format", fmt, ab, expect=2)
            assert p.stdout == want, "%s %s: what precedes the second header, as alone" % (
                name, fmt)
            mine = own_lines(p)
            assert len(mine) == 1, p.stderr.decode()
            assert mine[0].startswith("renacer-dump: %s: skipped bytes %d-%d (" % (
                ab, size_a, size_ab - 1)), mine[0]
            assert "another capture" in mine[0], mine[0]
    # Named with another file: that one is read as well, after it.
    c = gen_trace("c", 1)
    p = dump("--format", "json", join("ab2.cap", a, b), c, expect=2)
    assert p.stdout == dump("--format", "json", a, c).stdout
    assert len(own_lines(p)) == 1, p.stderr.decode()

    # The parts of one rotated run joined in their order are that run.
    rot = gen_trace("rot", 20, "--rotate", "3500")
    parts = sorted((f for f in os.listdir(TMP) if f.startswith("rot.cap.")),
                   key=lambda f: -int(f.rsplit(".", 1)[1]))
    assert len(parts) >= 3, parts
    whole = join("whole.cap", *[os.path.join(TMP, f) for f in parts], rot)
    with open(os.path.join(TMP, "rot.txt"), "rb") as f:
        want = f.read()
    p = dump(whole)
    assert p.stdout == want and not own_lines(p), "a rotated run joined in order"
    # Out of order (a part missing) it is not.
    skip = join("gap.cap", os.path.join(TMP, parts[0]), rot)
    p = dump(skip, expect=2)
    assert "another capture" in own_lines(p)[0], own_lines(p)


# ---------------------------------------------------------------- hostile

def check_hostile():
    cap = os.path.join(TMP, "hostile.cap")
    subprocess.run([ARGS.gen, "hostile", cap], check=True)
    for fmt in ("json", "csv", "text", "perfetto"):
        p = dump("--format", fmt, cap, expect=2)
        mine = own_lines(p)
        assert len(mine) == 1, p.stderr.decode()
        assert mine[0].count("skipped a malformed record") == 3 and \
            mine[0].endswith("; and 1 more"), mine[0]
    objs = [json.loads(l) for l in dump("--format", "json", cap, expect=2).stdout.split(b"\n")
            if l]
    calls = [(o["pid"], o["syscall"], o["result"]) for o in objs if "syscall" in o]
    assert calls == [(1000, "close", "0")] * 5 + [(1000, "close", "255"), (1000, "close", "0")], \
        calls


def main():
    global ARGS, TMP
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen", required=True)
    ap.add_argument("--capture-gen", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("part", choices=["unfinished", "joined", "hostile"])
    ARGS = ap.parse_args()
    TMP = tempfile.mkdtemp(prefix="rndump.")
    try:
        globals()["check_" + ARGS.part]()
        print("ok   %s" % ARGS.part)
    finally:
        if not ARGS.keep:
            shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
