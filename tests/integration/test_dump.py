#!/usr/bin/env python3
"""renacer-dump's offline options, on captures of real runs.

Each check runs `renacer -f ... --capture CAP` on a fixture, then renders
CAP with renacer-dump (next to renacer) and checks the result against the
run itself (its text, or the same capture dumped as JSON):
  -z / -Z           only successful / failed calls, each call on one line;
                    the run's own -z/-Z/-e status=/signal=/-qq kept in the dump
  -t -tt -ttt -r -T a dump option overrides the run's; stamps come from the
                    capture's clock bases (-tt and -ttt agree, -r = the
                    differences of -ttt, -T = the JSON durations)
  -y                paths only when the run had -y (dump -y = the live -y text)
  --format stats    the -c table: byte for byte the live -c/-C/-w/-S/-U table;
                    counts = the completed calls of the JSON
  --format perfetto Chrome Trace Event JSON: valid, one track per process
                    named by its command, thread tracks, a slice per call and
                    per process lifetime, fork links; live --format perfetto
                    of the same run is the same document, its clock shifted
  -e                trace= selects calls offline; a bad set is one line, exit 1
  quiet             the run's "Process N attached" notes on stderr as live
                    (recorded -e quiet=none / implicit -q), -e quiet= overrides

Run by ctest as integration_dump; by hand:
    python3 tests/integration/test_dump.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import collections
import datetime
import json
import os
import re
import time

import rntest as T
from rntest import check, check_eq, fixture


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def dump(args, expect=0):
    r = T.run([dump_cmd()] + list(args))
    check_eq(r.rc, expect, "renacer-dump exit status\n" + r.describe())
    return r


def live(opts, cmd):
    """renacer -f OPTS -o OUT --capture CAP -- CMD; returns (OUT text, CAP)."""
    out, cap = T.tmpfile("live"), T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["-f"] + list(opts) + ["-o", out, "--capture", cap, "--"] +
              list(cmd))
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    return T.read_text(out), cap


def calls_json(cap):
    objs = [json.loads(l) for l in dump(["--format", "json", cap]).out.splitlines()]
    return [o for o in objs if "syscall" in o]


# "PID  " prefixed lines (the run had -o with -f); the text after it.
RE_LINE = re.compile(r"^(\d+) +(.*)$")
RE_CALL = re.compile(r"^(?:[0-9:.]+ (?:\(\+ *[0-9.]+\) )?)?([a-z_][a-z0-9_]*)\(")


def call_lines(text):
    """[(pid, text after the prefix)] of the syscall lines."""
    out = []
    for raw in text.splitlines():
        m = RE_LINE.match(raw)
        if m and RE_CALL.match(m.group(2)):
            out.append((int(m.group(1)), m.group(2)))
    return out


# ---------------------------------------------------------------- -z / -Z

def test_successful_failed_only():
    _, cap = live([], [fixture("simple_syscalls")])
    calls = [c for c in calls_json(cap) if c["result"] != "?"]
    ok = [c for c in calls if c["error"] is None]
    bad = [c for c in calls if c["error"] is not None]
    check(ok and bad, "the fixture makes calls that succeed and calls that fail")
    for flag, want in (("-z", ok), ("-Z", bad)):
        text = dump([flag, cap]).out
        check("<unfinished ...>" not in text and "resumed>" not in text,
              "%s: every call whole on one line\n%s" % (flag, text[-2000:]))
        lines = call_lines(text)
        check_eq([re.match(r"[a-z_0-9]+", l).group(0) for _, l in lines],
                 [c["syscall"] for c in want], "%s: the calls shown, in order" % flag)
        for (_, l), c in zip(lines, want):
            check(l.endswith("= " + c["result"]),
                  "%s: %r ends with its result %r" % (flag, l, c["result"]))
        check("+++ exited with 0 +++" in text, "%s: process events stay" % flag)
    # The same in every format: JSON with -Z has only the failed calls.
    objs = [json.loads(l) for l in dump(["-Z", "--format", "json", cap]).out.splitlines()]
    check(all(o["error"] for o in objs if "syscall" in o), "JSON -Z: failed calls only")
    check_eq(len([o for o in objs if "syscall" in o]), len(bad), "JSON -Z: how many")


def test_e_over_recorded_filter():
    """A dump's -e replaces only the qualifiers it names: -e trace= on a -Z
    capture keeps -Z (the live run with both shows the same lines)."""
    fx = [fixture("simple_syscalls")]
    _, cap = live(["-Z"], fx)
    got = call_lines(dump(["-e", "trace=access,chdir,openat", cap]).out)
    want_live, _ = live(["-Z", "-e", "trace=access,chdir,openat"], fx)
    want = call_lines(want_live)
    check(want, "the live run shows failed calls:\n" + want_live)
    check_eq([l for _, l in got], [l for _, l in want],
             "renacer-dump -e trace=... of a -Z capture vs live -Z -e trace=...")
    check(all(" = -1 " in l for _, l in got), "only failed calls: %r" % got)


def test_run_filters_recorded():
    """The run's -z/-Z/-e status=/signal=/-qq shaped its text: the dump of
    its capture shows the same (the capture itself holds every event)."""
    for opts in (["-z"], ["-Z"], ["-e", "status=failed,unfinished"], ["-e", "signal=none"],
                 ["-qq"]):
        for prog in ("fork_exec", "thread_exec"):
            want, cap = live(opts, [fixture(prog)])
            got = dump([cap]).out
            check(got == want, "%s %s: dump differs from the live text\nlive:\n%s\ndump:\n%s"
                  % (opts, prog, want[-2000:], got[-2000:]))


def test_z_threads_and_exec():
    """-z on a threaded run and a non-leader execve: no call split, the
    execve shown whole under the leader, nothing unfinished shown."""
    for prog in ("threads4", "thread_exec"):
        _, cap = live([], [fixture(prog)])
        text = dump(["-z", cap]).out
        check("<unfinished ...>" not in text and "resumed>" not in text,
              "%s -z: whole lines\n%s" % (prog, text[-2000:]))
        check(not re.search(r"\) += \?", text), "%s -z: no call that never returned" % prog)
        check(not re.search(r"= -1 E", text), "%s -z: no failed call" % prog)
        if prog == "thread_exec":
            ex = [l for _, l in call_lines(text) if l.startswith('execve("/bin/true"')]
            check_eq(len(ex), 1, "the thread's execve shown once, whole")


# ---------------------------------------------------------------- timestamps

RE_TTT = re.compile(r"^\d+ +(\d+)\.(\d{6}) ")
RE_TT = re.compile(r"^\d+ +(\d\d):(\d\d):(\d\d)\.(\d{6}) ")
RE_R = re.compile(r"^\d+ +\s*(\d+)\.(\d{6}) ")


def test_time_options_override():
    t0 = time.time()
    want, cap = live(["-T"], [fixture("fork_write")])
    t1 = time.time()
    check(dump([cap]).out == want, "the dump with the run's -T is the live text")
    ttt = [RE_TTT.match(l) for l in dump(["-ttt", cap]).out.splitlines()]
    check(all(ttt), "-ttt on every line")
    epoch = [int(m.group(1)) + int(m.group(2)) / 1e6 for m in ttt]
    check(t0 - 1 <= epoch[0] <= t1 + 1 and epoch == sorted(epoch),
          "-ttt: the run's wall clock (%s..%s), in order: %s" % (t0, t1, epoch[:3]))
    tt = [RE_TT.match(l) for l in dump(["-tt", cap]).out.splitlines()]
    check(all(tt), "-tt on every line")
    for e, m in zip(epoch, tt):
        lt = datetime.datetime.fromtimestamp(int(e))
        check_eq(m.groups(), ("%02d" % lt.hour, "%02d" % lt.minute, "%02d" % lt.second,
                              "%06d" % round((e - int(e)) * 1e6)), "-tt = -ttt in local time")
    rel = [RE_R.match(l) for l in dump(["-r", cap]).out.splitlines()]
    check(all(rel), "-r on every line")
    deltas = [int(m.group(1)) * 1000000 + int(m.group(2)) for m in rel]
    micros = [round(e * 1e6) for e in epoch]
    check_eq(deltas[0], 0, "-r: the first line")
    for i in range(1, len(deltas)):
        check(abs(deltas[i] - (micros[i] - micros[i - 1])) <= 1,
              "-r = difference of -ttt at line %d: %d vs %d" % (
                  i, deltas[i], micros[i] - micros[i - 1]))


def test_T_from_capture():
    _, cap = live([], [fixture("fork_write")])
    text = dump(["-T", cap]).out
    check("<0." not in dump([cap]).out, "no -T in the run: none in a plain dump")
    durs = {}
    for c in calls_json(cap):
        if c["duration_ns"] is not None:
            durs.setdefault((c["pid"], c["syscall"]), []).append(c["duration_ns"])
    seen = 0
    for raw in text.splitlines():
        m = RE_LINE.match(raw)
        l = m.group(2) if m else ""
        call = RE_CALL.match(l) or re.match(r"<\.\.\. ([a-z_0-9]+) resumed>", l)
        if not call or l.endswith("<unfinished ...>"):
            continue
        pid, name = int(m.group(1)), call.group(1)
        m = re.search(r" <(\d+)\.(\d{6})>$", l)
        if not m:
            check(re.search(r"= \?$", l), "-T on every returned call: %r" % l)
            continue
        us = int(m.group(1)) * 1000000 + int(m.group(2))
        ns = durs[(pid, name)].pop(0)
        check(abs(us - ns / 1000) <= 1, "%s: -T %d us vs duration_ns %d" % (name, us, ns))
        seen += 1
    check(seen > 20, "durations checked: %d" % seen)


# ---------------------------------------------------------------- -y

def test_fd_paths():
    want, cap = live(["-y"], [fixture("simple_syscalls")])
    check(re.search(r"\d+</", want), "the live -y text has paths")
    check(dump(["-y", cap]).out == want, "dump -y of a -y capture = the live text")
    check(dump([cap]).out == want, "dump of a -y capture shows its paths")
    _, plain = live([], [fixture("simple_syscalls")])
    r = dump(["-y", plain], expect=1)
    check_eq(len(r.err.strip().splitlines()), 1, "one line on stderr\n" + r.describe())
    check("-y" in r.err, "says why\n" + r.describe())


# ---------------------------------------------------------------- stats

def test_stats_identical_to_live():
    """A -c/-C run's capture dumps to the table the run printed."""
    for opts in (["-c"], ["-c", "-w"], ["-c", "-S", "calls", "-U", "calls,errors,name"],
                 ["-c", "-U", "name,calls,p50,p99"], ["-C"], ["-C", "-w", "-S", "name"]):
        want, cap = live(opts, [fixture("three_children")])
        check("% time" in want or "calls" in want, "%s: the live table\n%s" % (opts, want))
        got = dump([cap]).out
        check(got == want, "%s: dump differs from the live output\nlive:\n%s\ndump:\n%s" % (
            opts, want[-2500:], got[-2500:]))
        if opts[0] == "-c":
            check_eq(dump(["--format", "stats", cap]).out, want, "%s: --format stats" % opts)
            r = dump(["--format", "text", cap], expect=1)
            check("stats" in r.err, "a -c capture has no text\n" + r.describe())


def test_stats_of_a_trace():
    _, cap = live([], [fixture("three_children")])
    table = dump(["--format", "stats", cap]).out
    check(table.startswith("% time"), "the table\n" + table)
    rows = {}
    for l in table.splitlines()[2:]:
        f = l.split()
        if len(f) >= 5 and not l.startswith("---") and f[-1] != "total":
            rows[f[-1]] = (int(f[3]), int(f[4]) if len(f) == 6 else 0)
    want = collections.Counter()
    errs = collections.Counter()
    for c in calls_json(cap):
        if c["duration_ns"] is not None:
            want[c["syscall"]] += 1
            errs[c["syscall"]] += c["error"] is not None
    check_eq({k: v[0] for k, v in rows.items()}, dict(want), "calls per syscall")
    check_eq({k: v[1] for k, v in rows.items()}, {k: errs[k] for k in want},
             "errors per syscall")
    wall = dump(["-w", "-S", "name", "-U", "name,calls", "--format", "stats", cap]).out
    names = [l.split()[0] for l in wall.splitlines()[2:] if not l.startswith("---")]
    check_eq(names[:-1], sorted(names[:-1]), "-S name")
    check_eq(wall.splitlines()[0].split(), ["syscall", "calls"], "-U name,calls")


# ---------------------------------------------------------------- perfetto

def perfetto(cap):
    out = dump(["--format", "perfetto", cap]).out
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise AssertionError("not JSON: %s\n%s" % (e, out[:2000]))
    check(isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list),
          "{\"traceEvents\": [...]}")
    evs = doc["traceEvents"]
    for e in evs:
        check(e.get("ph") in ("X", "i", "s", "f", "M"), "known phase: %r" % e)
        check(isinstance(e.get("pid"), int) and isinstance(e.get("tid"), int),
              "pid and tid: %r" % e)
        if e["ph"] != "M":
            check(isinstance(e.get("ts"), (int, float)), "ts: %r" % e)
        if e["ph"] == "X":
            check(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0, "dur: %r" % e)
    return evs


def test_perfetto_processes():
    _, cap = live([], [fixture("fork_exec")])
    evs = perfetto(cap)
    calls = calls_json(cap)
    names = {e["pid"]: e["args"]["name"] for e in evs
             if e["ph"] == "M" and e["name"] == "process_name"}
    check_eq(len(names), 2, "two process tracks: %r" % names)
    parent, child = sorted(names)
    check(names[parent].startswith(fixture("fork_exec")),
          "the parent named by its command: %r" % names[parent])
    check_eq(names[child], "/bin/true", "the child named by what it exec'd")
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in evs
               if e["ph"] == "M" and e["name"] == "thread_name"}
    check_eq(threads.get((child, child)), "true", "thread track named by the basename")
    slices = [e for e in evs if e["ph"] == "X" and e.get("cat") == "syscall"]
    check_eq(len(slices), len(calls), "one slice per call of the JSON")
    for s, c in zip(sorted(slices, key=lambda e: e["args"]["seq"]),
                    sorted(calls, key=lambda c: c["seq"])):
        check_eq((s["tid"], s["name"], s["args"]["arguments"], s["args"]["result"]),
                 (c["pid"], c["syscall"], c["arguments"], c["result"]), "slice = call")
        if c["duration_ns"] is not None:
            check(abs(s["dur"] * 1000 - c["duration_ns"]) < 1.5, "dur in us: %r" % s)
    life = {e["pid"]: e for e in evs if e["ph"] == "X" and e.get("cat") == "process"}
    check_eq(sorted(life), [parent, child], "a lifetime slice per process")
    check_eq(life[child]["args"]["status"], "exited with 0", "the child's end")
    check_eq(life[child]["args"]["parent"], parent, "the child's parent")
    for s in slices:
        p = life[s["pid"]]
        if s["tid"] == s["pid"]:
            check(p["ts"] <= s["ts"] + 0.001 and s["ts"] + s["dur"] <= p["ts"] + p["dur"] + 0.001,
                  "the calls of a leader nest in its lifetime: %r in %r" % (s, p))
    flows = [e for e in evs if e["ph"] in "sf"]
    check_eq(sorted(e["ph"] for e in flows), ["f", "s"], "one fork link")
    s = [e for e in flows if e["ph"] == "s"][0]
    f = [e for e in flows if e["ph"] == "f"][0]
    check_eq((s["id"], s["pid"], f["pid"], f["tid"]), (f["id"], parent, child, child),
             "the link goes from the parent to the child")
    clone = [e for e in slices if e["name"] == "clone" and e["pid"] == parent][0]
    check(clone["ts"] <= s["ts"] <= clone["ts"] + clone["dur"], "it starts in the clone call")
    execs = [e for e in evs if e["ph"] == "i" and e["name"] == "exec"]
    check_eq(sorted(e["args"]["filename"] for e in execs if e["pid"] == child), ["/bin/true"],
             "the child's exec")


def test_perfetto_threads():
    _, cap = live([], [fixture("threads4")])
    evs = perfetto(cap)
    procs = [e for e in evs if e["ph"] == "M" and e["name"] == "process_name"]
    check_eq(len(procs), 1, "one process")
    tids = {e["tid"] for e in evs if e["ph"] == "M" and e["name"] == "thread_name"}
    check_eq(len(tids), 5, "five thread tracks")
    for tid in tids:
        check(any(e["ph"] == "X" and e["tid"] == tid for e in evs), "slices on thread %d" % tid)
    clones = [e for e in evs if e["ph"] == "s" and e["cat"] == "clone"]
    check_eq(len(clones), 4, "a link per thread")


def test_perfetto_live_is_dumped():
    """Live --format perfetto and renacer-dump --format perfetto of the
    same run's capture are one sink fed the same events: the same document
    except the clock's zero (live: the first event; dump: the capture's
    start), so every "ts" differs by one constant and everything else is
    equal. --process-summary adds no table after the document."""
    out, cap = T.tmpfile("live"), T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["-f", "--format", "perfetto", "--process-summary", "-o", out,
                                 "--capture", cap, "--", fixture("fork_exec")])
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    text = T.read_text(out)
    try:
        live_doc = json.loads(text)
    except ValueError as e:
        raise AssertionError("live output is not JSON: %s\n%s" % (e, text[-2000:]))
    perfetto(cap)  # the dump's document is valid
    dumped = json.loads(dump(["--format", "perfetto", cap]).out)
    levs, devs = live_doc["traceEvents"], dumped["traceEvents"]
    check_eq(len(levs), len(devs), "as many trace events live as dumped")
    check(any(e["ph"] == "X" and e.get("cat") == "syscall" for e in levs), "syscall slices")
    shifts = set()
    for a, b in zip(levs, devs):
        if "ts" in a or "ts" in b:
            shifts.add(round(b["ts"] * 1000) - round(a["ts"] * 1000))
        check_eq({k: v for k, v in a.items() if k != "ts"},
                 {k: v for k, v in b.items() if k != "ts"}, "the same event, ts aside")
    check_eq(len(shifts), 1, "one clock shift (ns) for every ts: %r" % sorted(shifts))
    check_eq({k: v for k, v in live_doc.items() if k != "traceEvents"},
             {k: v for k, v in dumped.items() if k != "traceEvents"},
             "the same displayTimeUnit and otherData")


# ---------------------------------------------------------------- -e

def test_e_offline():
    """-e trace= selects calls offline: exactly the live run's write lines
    (and its process lines), nothing else; a bad set is one line, exit 1."""
    text, cap = live([], [fixture("fork_write")])
    out = dump(["-e", "trace=write", cap]).out
    calls = [l for l in out.splitlines() if not l.split(None, 1)[-1].startswith(("+++", "---"))]
    # Count calls by their entries: live, another pid may split a call
    # into "<unfinished ...>" and "<... write resumed>" lines.
    want = [l for l in text.splitlines() if " write(" in l]
    check(len(calls) >= 2, "the fixture's writes are shown\n" + out)
    check(all(" write(" in l or "<... write resumed>" in l for l in calls),
          "only write calls\n" + out)
    check_eq(len([l for l in calls if " write(" in l]), len(want), "as many write calls as live")
    r = dump(["-e", "trace=nosuchcall", cap], expect=1)
    check_eq(r.err.strip(), "renacer-dump: invalid system call 'nosuchcall'", r.describe())


# ---------------------------------------------------------------- quiet

RE_ATTACHED = re.compile(r"^renacer: Process \d+ attached$")


def test_quiet_recorded_and_overridden():
    """The "renacer: Process N attached" notes on stderr: as the run had them
    (its -e quiet=none, or strace's implicit -q with -o and a command), and
    the dump's -e quiet= overrides the run's, as it does live."""
    out, cap = T.tmpfile("live"), T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["-f", "-e", "quiet=none", "-o", out, "--capture", cap, "--",
                                 fixture("fork_exec")])
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    notes = [l for l in r.err.splitlines() if l.startswith("renacer:")]
    check(notes and all(RE_ATTACHED.match(l) for l in notes),
          "the live run's notes\n" + r.describe())
    check_eq(dump([cap]).err.splitlines(), notes, "the dump's notes: the live run's")
    check_eq(dump(["-e", "quiet=attach", cap]).err, "", "-e quiet=attach: no notes")
    _, quiet = live([], [fixture("fork_exec")])
    check_eq(dump([quiet]).err, "", "a run with -o and a command: quiet, no notes")
    lines = dump(["-e", "quiet=none", quiet]).err.splitlines()
    check(len(lines) == len(notes) and all(RE_ATTACHED.match(l) for l in lines),
          "-e quiet=none: the notes\n" + "\n".join(lines))


if __name__ == "__main__":
    T.main([test_e_over_recorded_filter, test_successful_failed_only, test_run_filters_recorded, test_z_threads_and_exec, test_time_options_override,
            test_T_from_capture, test_fd_paths, test_stats_identical_to_live,
            test_stats_of_a_trace, test_perfetto_processes, test_perfetto_threads,
            test_perfetto_live_is_dumped,
            test_e_offline, test_quiet_recorded_and_overridden])
