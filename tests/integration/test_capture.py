#!/usr/bin/env python3
"""Live tracing -> capture -> renacer-dump, end to end.

Expects renacer to take, with its usual text output:
  --capture FILE         also write the capture of the run to FILE
  --capture-size SIZE    rotate FILE past SIZE bytes (FILE.1, FILE.2, ...)
  --capture-files K      keep FILE and FILE.1 .. FILE.(K-1)
  --format text|json|csv the live output's format
and renacer-dump next to renacer. Checks that renacer-dump renders the
capture exactly as the live run printed it (text, JSON Lines, CSV), that the
file is private and never written through a symlink, that rotation keeps K
parts that dump in order, and that a tracer killed with SIGKILL leaves a
readable capture (at most the frame in progress is lost).

Run by ctest as integration_capture; by hand:
    python3 tests/integration/test_capture.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import csv
import io
import json
import os
import re
import signal
import stat
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def dump(args, expect=0):
    r = T.run([dump_cmd()] + list(args))
    check_eq(r.rc, expect, "renacer-dump exit status\n" + r.describe())
    return r


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def live(fmt_opts, cmd, capture):
    """renacer -f FMT_OPTS -o OUT --capture CAPTURE -- CMD; returns OUT's bytes."""
    out = T.tmpfile("live")
    full = T.renacer_cmd() + ["-f"] + list(fmt_opts) + ["-o", out, "--capture", capture,
                                                        "--"] + list(cmd)
    r = T.run(full)
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    check(os.path.exists(capture), "no capture written\n" + r.describe())
    return read_bytes(out)


def test_text_identical():
    for prog in ("fork_write", "threads4", "fork_exec", "thread_exec"):
        cap = T.tmpfile("cap")
        want = live([], [fixture(prog)], cap)
        got = dump([cap]).out.encode()
        check(got == want, "%s: dump differs from the live text\nlive:\n%s\ndump:\n%s" % (
            prog, want.decode(errors="replace")[-3000:], got.decode(errors="replace")[-3000:]))


def test_text_options_kept():
    """-x, -s and -y recorded in the header shape the dump as they shaped the run."""
    cap = T.tmpfile("cap")
    want = live(["-x", "-s", "8", "-y"], [fixture("simple_syscalls")], cap)
    check(dump([cap]).out.encode() == want, "dump with the run's -x -s 8 -y")


def test_json_identical_and_valid():
    cap = T.tmpfile("cap")
    want = live(["--format", "json"], [fixture("fork_write")], cap)
    got = dump(["--format", "json", cap]).out.encode()
    check(got == want, "JSON from the capture differs from the live JSON")
    objs = [json.loads(l) for l in want.decode().splitlines()]
    calls = [o for o in objs if "syscall" in o]
    check(any(o.get("event") == "exited" for o in objs), "an exited event")
    w = [c for c in calls if c["syscall"] == "write" and isinstance(c["args"].get("buf"), str)
         and c["args"]["buf"].startswith("child ")]
    check(len(w) == 1, "the child's write, typed: %r" % calls[-5:])
    check(w[0]["return"] == len(w[0]["args"]["buf"]), "write returns its length")
    wait = [c for c in calls if c["syscall"] == "wait4"]
    check(wait and wait[-1]["return"] == w[0]["pid"], "wait4 returns the child")


def test_csv_identical_and_valid():
    cap = T.tmpfile("cap")
    want = live(["--format", "csv"], [fixture("fork_write")], cap)
    got = dump(["--format", "csv", cap]).out.encode()
    check(got == want, "CSV from the capture differs from the live CSV")
    rows = list(csv.reader(io.StringIO(want.decode(), newline=""), strict=True))
    check_eq(rows[0], ["pid", "syscall", "arguments", "result", "seq", "ts_ns", "duration_ns",
                       "error", "tid", "time_ns", "return", "errno"], "CSV header")
    check(all(len(r) == 12 for r in rows), "12 columns everywhere")


def test_private_and_no_symlink():
    cap = T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["-o", T.tmpfile("o"), "--capture", cap, "--",
                                 fixture("fork_write")])
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    check_eq(stat.S_IMODE(os.lstat(cap).st_mode) & 0o077, 0, "capture mode (no group/other)")
    target = T.tmpfile("target")
    open(target, "w").close()
    link = T.tmpfile("link")
    os.symlink(target, link)
    r = T.run(T.renacer_cmd() + ["--capture", link, "--", fixture("fork_write")])
    check_eq(r.rc, 1, "renacer refuses a symlinked capture\n" + r.describe())
    check_eq(len(r.err.strip().splitlines()), 1, "one line on stderr\n" + r.describe())
    check_eq(os.path.getsize(target), 0, "the symlink's target untouched")


def test_rotation():
    cap = T.tmpfile("cap")
    out = T.tmpfile("live")
    r = T.run(T.renacer_cmd() + ["-f", "-o", out, "--capture", cap, "--capture-size", "4096",
                                 "--capture-files", "3", "--", fixture("simple_syscalls")])
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    parts = sorted(p for p in os.listdir(os.path.dirname(cap))
                   if p == os.path.basename(cap) or p.startswith(os.path.basename(cap) + "."))
    check(len(parts) <= 3, "at most 3 parts: %s" % parts)
    d = dump([cap])
    want = read_bytes(out).decode(errors="replace").splitlines()
    got = d.out.splitlines()
    check(got and want[-1] == got[-1], "the newest part ends as the run ended")


def test_rotated_part_knows_its_processes():
    """A rotated run's later part begins with the processes alive then
    (pid, parent, start, command), so that it decodes on its own: the
    --process-summary of the parts kept by --capture-files gives every
    process the parent and command the live run gave it, also those that
    began in a part deleted since."""
    cap, out = T.tmpfile("cap"), T.tmpfile("live.json")
    # Small frames flushed often, so that the run's 4 KiB parts rotate.
    script = ("for i in $(seq 60); do /bin/true; sleep 0.01; done; "
              "sh -c 'for i in 1 2 3; do /bin/true; done'")
    env = dict(os.environ, RENACER_CAPTURE_FRAME_BYTES="2048")
    r = T.run(T.renacer_cmd() + ["-f", "--process-summary", "--format", "json", "-o", out,
                                 "--capture", cap, "--capture-size", "4096",
                                 "--capture-files", "2", "--flush-interval", "0.01", "--",
                                 "sh", "-c", script], env=env)
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    live_objs = [json.loads(l) for l in T.read_text(out).splitlines()]
    live = {o["pid"]: o for o in live_objs if o.get("type") == "process_summary"}
    sh = min(live.values(), key=lambda o: o["start_ns"])
    check(sh["command"].startswith("sh -c for i in"), "the live summary's first process: %r"
          % sh)
    parts = [p for p in os.listdir(os.path.dirname(cap))
             if p.startswith(os.path.basename(cap))]
    check_eq(len(parts), 2, "two parts kept: %s" % parts)
    got = [json.loads(l) for l in dump(["--format", "json", cap]).out.splitlines()]
    dumped = {o["pid"]: o for o in got if o.get("type") == "process_summary"}
    check(min(o["seq"] for o in got if "seq" in o) > 100,
          "the run's first part was deleted (the dump starts at seq %d)"
          % min(o["seq"] for o in got if "seq" in o))
    check(sh["pid"] in dumped, "the shell that began in a deleted part is in the dump's "
          "summary: %s" % sorted(dumped))
    check_eq(dumped[sh["pid"]]["duration_ns"], sh["duration_ns"],
             "the shell's duration, from its start in a deleted part")
    for pid, o in dumped.items():
        check(pid in live, "pid %d of the dump was not in the live run" % pid)
        check_eq((o["ppid"], o["command"], o["exit"], o["status"]),
                 (live[pid]["ppid"], live[pid]["command"], live[pid]["exit"],
                  live[pid]["status"]), "pid %d: parent, command and end" % pid)


def test_killed_tracer():
    cap = T.tmpfile("cap")
    p = subprocess.Popen(T.renacer_cmd() + ["-o", T.tmpfile("o"), "--capture", cap, "--",
                                            fixture("sleeper")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    r = T.run([dump_cmd(), cap])
    check(r.rc in (0, 2), "dump after SIGKILL: 0 or 2\n" + r.describe())
    ticks = r.out.count('"tick ')
    check(ticks >= 10, "at least a second of ticks survived (%d)\n%s" % (ticks, r.describe()))


def test_killed_tracer_short_interval():
    """--flush-interval 0.1: a renacer killed with SIGKILL loses about that
    much of the capture. The sleeper ticks every 50 ms into a file of its
    own; the capture must hold the ticks up to a few before the last one
    the file got (0.1 s of interval, and what was on its way)."""
    cap, ticks_file = T.tmpfile("cap"), T.tmpfile("ticks")
    p = subprocess.Popen(T.renacer_cmd() + ["--flush-interval", "0.1", "--capture", cap, "--",
                                            fixture("sleeper"), ticks_file],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def ticks():
        return [int(l.split()[1]) for l in T.read_text(ticks_file).splitlines()
                if l.startswith("tick ")]
    # a second of ticks, however long renacer and the sleeper took to start
    end = time.monotonic() + T.scaled(20)
    while len(ticks()) < 20 and time.monotonic() < end and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    time.sleep(0.2)  # the sleeper dies with its tracer (PTRACE_O_EXITKILL)
    done = ticks()
    check(len(done) >= 20, "the sleeper ticked (%d)" % len(done))
    r = T.run([dump_cmd(), cap])
    check(r.rc in (0, 2), "dump after SIGKILL: 0 or 2\n" + r.describe())
    got = [int(n) for n in re.findall(r'"tick (\d+)\\n"', r.out)]
    check(got, "ticks in the capture\n" + r.describe())
    lost = done[-1] - max(got)
    check(0 <= lost <= T.scaled(0.5) / 0.05,
          "ticks lost: %d (last written %d, last captured %d)" % (lost, done[-1], max(got)))


def test_dump_errors():
    r = dump([T.tmpfile("missing")], expect=1)
    check_eq(len(r.err.strip().splitlines()), 1, "one line\n" + r.describe())
    cap = T.tmpfile("cap")
    live([], [fixture("threads4")], cap)
    data = read_bytes(cap)
    cut = T.tmpfile("cut")
    with open(cut, "wb") as f:
        f.write(data[:-7])
    r = dump([cut], expect=2)
    check("skipped" in r.err, "says what was skipped\n" + r.describe())


def test_capture_only():
    """--capture alone: the capture and nothing else on stdout or stderr;
    the same run's text comes back from it as -o would have written it.
    --format or -o bring the trace back beside it; -C's table still shows."""
    for prog in ("fork_write", "threads4"):
        cap, out = T.tmpfile("cap"), T.tmpfile("live")
        r = T.run(T.renacer_cmd() + ["-f", "--capture", cap, "--", fixture(prog)])
        check_eq((r.rc, r.err), (0, ""), "%s: a capture alone\n%s" % (prog, r.describe()))
        check("execve(" not in r.out and "exited with" not in r.out,
              "%s: no trace on stdout\n%s" % (prog, r.describe()))
        text = dump([cap]).out
        check(re.search(r"^\d+ +execve\(|^execve\(", text, re.M) and "+++ exited with 0" in text,
              "%s: the capture holds the trace\n%s" % (prog, text[-1500:]))
    # --format text: the trace on stdout as well, the same as the dump
    cap = T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["--format", "text", "--capture", cap, "--", fixture("fork_write")])
    check_eq(r.rc, 0, "--format text --capture\n" + r.describe())
    check_eq(r.out.count("+++ exited with 0 +++"), 1, "--format text --capture: the trace\n" +
             r.describe())
    own = re.compile(r"^(child|parent reaped) \d+")  # fork_write's own stdout
    check_eq(dump([cap]).out.splitlines(), [l for l in r.out.splitlines() if not own.match(l)],
             "--format text --capture: the trace is the capture's")
    # -C: the table on stdout, no trace
    r = T.run(T.renacer_cmd() + ["-C", "--capture", cap, "--", fixture("fork_write")])
    check_eq(r.rc, 0, "-C --capture\n" + r.describe())
    check("% time" in r.out and "total" in r.out and "execve(" not in r.out,
          "-C --capture: the table alone\n" + r.describe())


def test_capture_level():
    """--capture-level: zstd's level; a capture renacer-dump reads at any
    level, smaller at 19 than at 1; out of 1-19 or without --capture refused."""
    caps = {}
    cmd = ["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do ls -la /usr/lib >/dev/null; done"]
    for level in ("1", "19"):
        caps[level] = T.tmpfile("cap" + level)
        r = T.run(T.renacer_cmd() + ["-f", "--capture-level", level, "--capture", caps[level],
                                     "--"] + cmd)
        check_eq((r.rc, r.err), (0, ""), "--capture-level %s\n%s" % (level, r.describe()))
        check("execve" in dump(["--format", "stats", caps[level]]).out,
              "--capture-level %s: the -c table of the capture" % level)
    one, nineteen = (os.path.getsize(caps[k]) for k in ("1", "19"))
    check(nineteen < one, "level 19 (%d bytes) smaller than level 1 (%d)" % (nineteen, one))
    for args, msg in ((["--capture-level", "20", "--capture", T.tmpfile("c")],
                       "renacer: invalid --capture-level argument: '20'"),
                      (["--capture-level", "5"],
                       "renacer: --capture-level must be given with --capture")):
        r = T.run(T.renacer_cmd() + args + ["--", "true"])
        check_eq((r.rc, r.err.strip()), (1, msg), "refused\n" + r.describe())


RNC_READ = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "tools", "rnc_read.py")


def detached_objects(cap):
    """The detached objects of renacer-dump --format json of CAP (and its
    stderr), checked against tools/rnc_read.py's where Debian's python3 has
    its modules, and the CSV rows' result column."""
    r = dump(["--format", "json", cap])
    objs = [json.loads(l) for l in r.out.splitlines()]
    det = [o for o in objs if o.get("event") == "detached"]
    if subprocess.run(["/usr/bin/python3", "-c", "import zstandard, msgpack"],
                      stderr=subprocess.DEVNULL).returncode == 0:
        py = T.run(["/usr/bin/python3", RNC_READ, cap])
        check_eq(py.rc, 0, "rnc_read.py\n" + py.describe())
        pyd = [json.loads(l) for l in py.out.splitlines()]
        check_eq([o for o in pyd if o.get("event") == "detached"], det,
                 "rnc_read.py's detached objects")
    rows = list(csv.reader(io.StringIO(dump(["--format", "csv", cap]).out)))
    results = [row[3] for row in rows[1:] if row[1] == "+++ detached"]
    return det, results, r.err


def test_let_go_reasons():
    """A task let go before its end says why in the capture: the end signal,
    --syscall-limit, an output that failed; renacer-dump shows it in JSON's
    detached object and CSV's result, and says it once on stderr (exit 0).
    A run whose tasks all end says nothing of the kind."""
    # An end signal: -p SLEEPER, SIGTERM.
    s = T.Sleeper()
    cap = T.tmpfile("cap")
    try:
        p = subprocess.Popen(T.renacer_cmd() + ["-p", str(s.pid), "--capture", cap],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        check(T.wait_for(lambda: T.tracer_pid(s.pid) == p.pid, 10), "not attached")
        n = s.ticks()
        check(T.wait_for(lambda: s.ticks() >= n + 2, 10), "the sleeper does not tick")
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=T.scaled(20))
        check_eq(p.returncode, -signal.SIGTERM, "renacer after SIGTERM")
        s.check_free_and_running("the sleeper after SIGTERM")
    finally:
        s.stop()
    det, results, err = detached_objects(cap)
    check_eq([(o["pid"], o["tid"], o["reason"], o["signal"]) for o in det],
             [(s.pid, s.pid, "signal", "SIGTERM")], "SIGTERM: the detached object")
    check_eq(results, ["SIGTERM"], "SIGTERM: the CSV row's result")
    check_eq(err, "renacer-dump: the run let 1 task go before it ended (SIGTERM reached "
             "renacer): what it did next is not in the capture\n", "SIGTERM: stderr")

    # --syscall-limit: a shell and the child it waits for, let go.
    cap = T.tmpfile("cap")
    flag = T.tmpfile("ran")
    r = T.run(T.renacer_cmd() + ["-f", "--syscall-limit=3", "-e", "trace=chdir", "--capture",
                                 cap, "--", "sh", "-c",
                                 "cd /; (cd /; cd /; cd /; sleep 0.5; echo on > %s) & wait"
                                 % flag], timeout=30)
    check_eq(r.rc, 0, "--syscall-limit: exit status\n" + r.describe())
    check(T.wait_for(lambda: T.read_text(flag) == "on\n", 10), "the command did not run on")
    det, results, err = detached_objects(cap)
    check_eq(sorted((o["reason"], o["signal"]) for o in det),
             [("syscall-limit", None)] * 2, "--syscall-limit: the detached objects")
    check_eq(results, ["syscall-limit"] * 2, "--syscall-limit: the CSV rows' result")
    check_eq(err, "renacer-dump: the run let 2 tasks go before they ended (--syscall-limit "
             "was reached): what they did next is not in the capture\n",
             "--syscall-limit: stderr")

    # The trace's output fails (-o /dev/full): the capture beside it says so.
    s = T.Sleeper()
    cap = T.tmpfile("cap")
    try:
        r = T.run(T.renacer_cmd() + ["-p", str(s.pid), "-o", "/dev/full", "--capture", cap],
                  timeout=60)
        check_eq(r.rc, 1, "-o /dev/full: exit status\n" + r.describe())
        s.check_free_and_running("the sleeper after -o /dev/full")
    finally:
        s.stop()
    det, results, err = detached_objects(cap)
    check_eq([(o["pid"], o["reason"], o["signal"]) for o in det],
             [(s.pid, "output-failed", None)], "-o /dev/full: the detached object")
    check_eq(results, ["output-failed"], "-o /dev/full: the CSV row's result")
    check("(the trace's output could not be written)" in err, "-o /dev/full: stderr\n" + err)

    # Every task ends: no detached event, nothing on stderr.
    cap = T.tmpfile("cap")
    live([], [fixture("fork_write")], cap)
    det, results, err = detached_objects(cap)
    check_eq((det, results, err), ([], [], ""), "a whole run: nothing let go")


if __name__ == "__main__":
    T.main([test_let_go_reasons, test_capture_only, test_capture_level, test_text_identical, test_text_options_kept, test_json_identical_and_valid,
            test_csv_identical_and_valid, test_private_and_no_symlink, test_rotation,
            test_rotated_part_knows_its_processes,
            test_killed_tracer,
            test_killed_tracer_short_interval, test_dump_errors])
