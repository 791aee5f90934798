#!/usr/bin/env python3
"""check_formats - renacer-dump on captures of the scripted trace
(tests/unit/capture_fixture.c, written by capture_gen):

  * text: byte-identical to what the live text sink printed for the same
    events (with and without the "PID " file prefix, with -x);
  * JSON Lines: every line parsed by python's json module (strictly), the
    typed arguments checked, non-UTF-8 bytes recovered exactly from "hex";
  * CSV: parsed by python's csv module (RFC 4180, CRLF), and every syscall
    row agrees with the JSON object of the same call;
  * -s N, --pid, rotated sets, and the exit status: 0 intact, 2 damage
    skipped (one line on stderr), 1 nothing readable (one line).

    python3 check_formats.py --gen BUILD/tests/unit/capture_gen --dump BUILD/renacer-dump
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
import traceback

ROUND = 37
ARGS = None
TMP = None


def gen(name, rounds, *flags):
    cap = os.path.join(TMP, name + ".cap")
    txt = os.path.join(TMP, name + ".txt")
    subprocess.run([ARGS.gen, *flags, cap, txt, str(rounds)], check=True,
                   stderr=subprocess.DEVNULL)
    with open(txt, "rb") as f:
        return cap, f.read()


def dump(*args, expect=0):
    p = subprocess.run([ARGS.dump, *args], capture_output=True, timeout=60)
    if p.returncode != expect:
        raise AssertionError("renacer-dump %s: exit %d, expected %d; stderr: %s"
                             % (" ".join(args), p.returncode, expect, p.stderr.decode()))
    return p


def no_dup_keys(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate keys %s" % keys
    return dict(pairs)


def reject_constant(name):
    raise AssertionError("not JSON: %s" % name)


def parse_json_lines(data):
    assert data.endswith(b"\n"), "JSON Lines end with a newline"
    objs = []
    for line in data.decode("utf-8").split("\n")[:-1]:
        objs.append(json.loads(line, object_pairs_hook=no_dup_keys,
                               parse_constant=reject_constant))
    return objs


CALL_KEYS = ["pid", "tid", "syscall", "arguments", "result", "seq", "ts_ns", "time_ns",
             "duration_ns", "error", "return", "errno", "args", "fd_paths"]
CSV_HEAD = ["pid", "syscall", "arguments", "result", "seq", "ts_ns", "duration_ns", "error",
            "tid", "time_ns", "return", "errno"]


def check_text():
    for name, flags in (("plain", []), ("prefix", ["--prefix"]), ("hex", ["-x"]),
                        ("times", ["--times"])):
        cap, want = gen(name, 3, *flags)
        got = dump(cap).stdout
        assert got == want, "%s: text differs from the live sink's (%d vs %d bytes)" % (
            name, len(got), len(want))
    assert b"[pid " in want and b"<unfinished ...>" in want


def check_json():
    cap, _ = gen("json", 3)
    objs = parse_json_lines(dump("--format", "json", cap).stdout)
    calls = [o for o in objs if "syscall" in o]
    events = [o for o in objs if "event" in o]
    assert len(calls) + len(events) == len(objs)
    # per round: 11 completed calls + 3 never returned (pause, exit_group, wait4)
    assert len(calls) == 3 * 14, len(calls)
    assert len(events) == 3 * 12, len(events)
    for c in calls:
        assert list(c) == CALL_KEYS, list(c)
    first = {}
    for c in calls:
        first.setdefault(c["syscall"], c)

    o = first["openat"]
    assert o["pid"] == 1000 and o["result"] == "3</etc/passwd>" and o["return"] == 3
    assert o["error"] is None and o["duration_ns"] == 1013
    assert o["args"] == {"dirfd": "AT_FDCWD", "pathname": "/etc/passwd",
                         "flags": ["O_RDONLY", "O_CLOEXEC"]}
    assert o["arguments"] == 'AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC'

    r = first["read"]["args"]
    assert r["fd"] == 3 and first["read"]["fd_paths"] == {"3": "/etc/passwd"}
    assert r["buf"]["truncated"] is True
    assert bytes.fromhex(r["buf"]["hex"]) == b"\xff\xfeab\x00c\xc3\xa9\xed\xa0\x80"

    w = first["write"]
    assert w["args"]["buf"] == 'h\u00e9llo "w\u00f6rld"\n\t\\,\x7f', w["args"]["buf"]
    assert w["arguments"] == r'1, "h\303\251llo \"w\303\266rld\"\n\t\\,\177", 20'

    failed = [c for c in calls if c["error"]]
    assert failed[0]["result"] == "-1 ENOENT (No such file or directory)"
    assert failed[0]["return"] == -1 and failed[0]["args"]["flags"] == [0x80000]
    assert failed[0]["errno"] == 2 and failed[0]["error"] == "ENOENT"
    assert failed[0]["args"]["mode"] == 0o644
    unk = first["syscall_0x3e7"]
    assert unk["error"] == "ENOSYS" and unk["args"] == {"arg0": 2**64 - 1, "arg1": 0x1234}

    a = first["accept"]["args"]
    assert a["addr"] == {"sa_family": "AF_UNIX", "sun_path": "/tmp/s", "...": True}
    assert a["addrlen"] == {"before": [128], "after": [16]}
    m = first["rt_sigprocmask"]["args"]
    assert m["set"] == ["CHLD", "USR1"] and m["oldset"] == {"items": ["RTMIN"], "inverted": True}
    mm = first["mmap"]
    assert mm["return"] == 0x7f0000001000 and mm["result"] == "0x7f0000001000"
    assert mm["args"]["prot"] == ["PROT_READ", 0x40] and mm["args"]["length"] == 8192 * 1024

    e = first["execve"]
    assert e["pid"] == 1000, "a non-leader execve completes in the leader's pid"
    assert e["args"]["argv"] == {"items": ["ls", "-l", ""], "truncated": True}
    assert e["args"]["envp"] == {"address": 0x7ffc1000, "count": 41}
    for name in ("pause", "exit_group", "wait4"):
        u = first[name]
        assert u["result"] == "?" and u["return"] is None and u["duration_ns"] is None, u
    assert first["wait4"]["args"]["rusage"] is None
    big = [c for c in calls if c["syscall"] == "write" and c["pid"] == 1004][0]
    assert len(big["args"]["buf"]) == 70000

    kinds = [(o["event"], o["tid"]) for o in events[:12]]
    assert [o["pid"] for o in events[:3]] == [1000, 1000, 1002], "pid: the thread group"
    assert kinds == [("fork", 1000), ("clone", 1001), ("fork", 1002), ("signal", 1000),
                     ("stopped", 1002), ("killed", 1002), ("exec", 1000), ("exited", 1000),
                     ("attached", 1003), ("detached", 1003), ("fork", 1004),
                     ("exited", 1004)], kinds
    ev = {o["event"]: o for o in events[:12]}
    assert ev["clone"]["parent"] == 1000 and ev["clone"]["thread"] is True
    assert ev["signal"]["siginfo"]["si_code"] == "CLD_EXITED"
    assert ev["killed"] == {"pid": 1002, "tid": 1002, "event": "killed", "signal": "SIGSEGV",
                            "core_dumped": True, "seq": 25, "ts_ns": ev["killed"]["ts_ns"],
                            "time_ns": ev["killed"]["time_ns"]}
    offs = {o["time_ns"] - o["ts_ns"] for o in objs if o.get("ts_ns")}
    assert len(offs) == 1, "time_ns = ts_ns + the header's realtime - monotonic"
    assert ev["exec"]["superseded_by"] == 1001
    seqs = [o["seq"] for o in events]
    assert seqs == sorted(seqs)
    return calls


def check_csv(calls):
    cap, _ = gen("csv", 3)
    for timing in (False, True):
        raw = dump("--format", "csv", *(["--timing"] if timing else []), cap).stdout
        assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), \
            "records end in CRLF; no bare LF"
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True))
        head = CSV_HEAD  # the same columns with or without --timing
        assert rows[0] == head, rows[0]
        assert all(len(r) == len(head) for r in rows)
        body = rows[1:]
        syscalls = [r for r in body if not r[1].startswith(("+++", "---"))]
        assert len(syscalls) == len(calls)
        for r, c in zip(syscalls, calls):
            assert r[:4] == [str(c["pid"]), c["syscall"], c["arguments"], c["result"]], (r, c)
            assert r[4] == str(c["seq"]) and r[5] == str(c["ts_ns"])
            assert r[6] == ("" if c["duration_ns"] is None else str(c["duration_ns"]))
            assert r[7] == (c["error"] or "")
            assert r[8:] == [str(c["tid"]), str(c["time_ns"]),
                             "" if c["return"] is None else str(c["return"]),
                             "" if c["errno"] is None else str(c["errno"])], (r, c)
        marks = [r[1] for r in body[:40] if r[1].startswith(("+++", "---"))]
        assert marks[:8] == ["+++ fork", "+++ clone", "+++ fork", "--- SIGCHLD",
                             "--- stopped", "+++ killed", "+++ superseded", "+++ exited"], marks
        killed = [r for r in body if r[1] == "+++ killed"][0]
        assert killed[3] == "SIGSEGV (core dumped)"


def check_strsize_and_pid():
    cap, _ = gen("opts", 1)
    objs = parse_json_lines(dump("--format", "json", "-s", "4", cap).stdout)
    first = {}
    for o in objs:
        if "syscall" in o:
            first.setdefault(o["syscall"], o)
    assert first["write"]["args"]["buf"] == {"str": "h\u00e9l", "truncated": True}
    assert first["read"]["args"]["buf"] == {"hex": "fffe6162", "truncated": True}
    assert first["openat"]["args"]["pathname"] == "/etc/passwd", "paths are not cut at -s"
    objs = parse_json_lines(dump("--format", "json", "-s", "1", cap).stdout)
    e = [o for o in objs if o.get("syscall") == "execve"][0]
    assert e["args"]["argv"] == {"items": [{"str": "l", "truncated": True}],
                                 "truncated": True}, e["args"]["argv"]
    text = dump("-s", "1", cap).stdout
    assert b'execve("/bin/ls", ["l"..., ...], ' in text, text[:2000]

    objs = parse_json_lines(dump("--format", "json", "--pid", "1000", cap).stdout)
    assert objs and {o["pid"] for o in objs} == {1000}, {o["pid"] for o in objs}
    assert {o["tid"] for o in objs} == {1000, 1001}, {o["tid"] for o in objs}
    objs = parse_json_lines(dump("--format", "json", "--pid", "1002", "--pid", "1004",
                                 cap).stdout)
    assert {o["pid"] for o in objs} == {1002, 1004}


def check_rotated():
    cap, want = gen("rot", 20, "--rotate", "3500")
    parts = sorted(f for f in os.listdir(TMP) if f.startswith("rot.cap"))
    assert len(parts) > 3, parts
    assert dump(cap).stdout == want, "a rotated set dumps whole, in order"
    # as a shell glob names them (newest first): the same
    assert dump(*[os.path.join(TMP, f) for f in parts]).stdout == want


def one_line(p):
    """renacer-dump's own line on stderr (the trace's attach messages, which
    the live run printed too, may precede it)."""
    mine = [l for l in p.stderr.decode().split("\n") if l.startswith("renacer-dump: ")]
    assert len(mine) == 1, repr(p.stderr.decode())
    return mine[0]


def check_exit_status():
    cap, want = gen("dmg", 6)
    data = open(cap, "rb").read()
    cut = os.path.join(TMP, "cut.cap")
    with open(cut, "wb") as f:
        f.write(data[: len(data) - 100])
    p = dump(cut, expect=2)
    err = one_line(p)
    assert "skipped bytes" in err and "truncated frame" in err, err
    assert want.startswith(p.stdout[:1000])

    bad = os.path.join(TMP, "bad.cap")
    with open(bad, "wb") as f:
        mid = len(data) // 2
        f.write(data[:mid] + bytes([data[mid] ^ 0x55]) + data[mid + 1:])
    err = one_line(dump("--format", "json", bad, expect=2))
    assert "corrupt frame" in err, err
    parse_json_lines(dump("--format", "json", bad, expect=2).stdout)

    err = one_line(dump(os.path.join(TMP, "missing.cap"), expect=1))
    assert "No such file" in err, err
    junk = os.path.join(TMP, "junk.cap")
    with open(junk, "wb") as f:
        f.write(b"this is not a capture\n" * 10)
    err = one_line(dump(junk, expect=1))
    assert "not a renacer capture" in err, err
    empty = os.path.join(TMP, "empty.cap")
    open(empty, "wb").close()
    assert "empty" in one_line(dump(empty, expect=1))
    assert b"renacer-dump" not in dump(cap).stderr
    dump("--format", "yaml", cap, expect=1)


CHECKS = [check_text, check_json, check_csv, check_strsize_and_pid, check_rotated,
          check_exit_status]


def main():
    global ARGS, TMP
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--keep", action="store_true")
    ARGS = ap.parse_args()
    TMP = tempfile.mkdtemp(prefix="rnfmt.")
    failed = 0
    calls = None
    try:
        for check in CHECKS:
            try:
                if check is check_csv:
                    check(calls)
                elif check is check_json:
                    calls = check()
                else:
                    check()
                print("ok   %s" % check.__name__)
            except Exception:
                failed += 1
                print("FAIL %s" % check.__name__)
                traceback.print_exc()
    finally:
        if not ARGS.keep:
            shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
