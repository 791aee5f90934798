#!/usr/bin/env python3
"""The machine-readable outputs as their users read them, and --help.

  summaries  --process-summary with --format json is JSON Lines through
             and through (jq reads every line; the summary is one
             "type":"process_summary" object per process, the same live and
             from renacer-dump); CSV refuses it (live) or leaves it out
             (dump); a -C capture dumped as JSON/CSV holds no text table
  stdin      renacer-dump - reads a capture from a pipe, the same as from
             the file; a pipe of garbage is refused as a file of it is
  schema     pid (thread group), tid, ts_ns, time_ns, return, errno, error
             in JSON (jq) and in CSV (pandas under Debian's /usr/bin/python3),
             exact for threads4 and simple_syscalls; fd one type with -y
  help       --help's synopsis has strace's shape; every -S name it offers
             is accepted (as strace 6.1 accepts them)

Run by ctest as integration_outputs; by hand:
    python3 tests/integration/test_outputs.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import json
import os
import re
import shutil
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

# Debian's interpreter, whatever python3 PATH finds first (pyenv's has no
# pandas): what an analyst on the box would run.
SYSTEM_PYTHON = "/usr/bin/python3"


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def ok(cmd, what, **kw):
    r = T.run(cmd, **kw)
    check_eq(r.rc, 0, what + " exit status\n" + r.describe())
    return r


def jq_lines(path_or_text, program=".", from_text=False):
    """jq -c PROGRAM over a file (or text): one line of output per result;
    jq fails on anything that is not JSON."""
    jq = shutil.which("jq")
    if not jq:
        raise T.Skip("jq is not installed (apt-get install jq)")
    if from_text:
        p = subprocess.run([jq, "-c", program], input=path_or_text.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    else:
        p = subprocess.run([jq, "-c", program, path_or_text], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    check(p.returncode == 0, "jq %s failed (rc %d): %s" % (program, p.returncode,
                                                          p.stderr.decode()))
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


# ---------------------------------------------------------------- summaries

PROC_KEYS = ["type", "pid", "ppid", "command", "start_ns", "duration_ns", "syscalls",
             "errors", "syscall_ns", "exit", "status", "signal", "core_dumped"]


def check_process_summary(objs, what):
    summ = [o for o in objs if o.get("type") == "process_summary"]
    check_eq(len(summ), 2, what + ": process_summary objects (sh and its child)")
    for o in summ:
        check_eq(list(o.keys()), PROC_KEYS, what + ": process_summary keys")
    root = [o for o in summ if o["command"].startswith("sh -c")]
    check_eq(len(root), 1, what + ": the sh row")
    child = [o for o in summ if o is not root[0]][0]
    check_eq(child["ppid"], root[0]["pid"], what + ": the child's ppid")
    check_eq((root[0]["exit"], root[0]["status"], root[0]["signal"]), ("exited", 3, None),
             what + ": sh exit")
    check_eq(child["exit"], "exited", what + ": the child's exit")
    calls = [o for o in objs if "syscall" in o]
    for o in summ:
        mine = [c for c in calls if c["pid"] == o["pid"] and c["result"] != "?"]
        check_eq(o["syscalls"], len(mine), what + ": syscalls of %d" % o["pid"])
    # the summary comes last: nothing of the trace follows it
    check(all(o.get("type") == "process_summary" for o in objs[-2:]),
          what + ": summary objects end the stream")


def test_process_summary_json_live():
    out = T.tmpfile("ps.json")
    r = T.run(T.renacer_cmd() + ["-f", "--format", "json", "--process-summary", "-o", out,
                                 "--", "sh", "-c", "/bin/true; exit 3"])
    check_eq(r.rc, 3, "renacer exit status\n" + r.describe())
    check_process_summary(jq_lines(out), "live")


def test_process_summary_json_dump():
    cap = T.tmpfile("ps.cap")
    r = T.run(T.renacer_cmd() + ["-f", "--process-summary", "-o", "/dev/null", "--capture",
                                 cap, "--", "sh", "-c", "/bin/true; exit 3"])
    check_eq(r.rc, 3, "renacer exit status\n" + r.describe())
    d = ok([dump_cmd(), "--format", "json", cap], "renacer-dump")
    check_process_summary(jq_lines(d.out, from_text=True), "dump")


def test_process_summary_csv_refused():
    r = T.run(T.renacer_cmd() + ["--format", "csv", "--process-summary", "-o",
                                 T.tmpfile("ps.csv"), "--", "true"])
    check_eq(r.rc, 1, "renacer exit status\n" + r.describe())
    check_eq(r.err.strip(), "renacer: --process-summary prints a table: --format csv cannot "
             "hold it (use --format json, or a capture and renacer-dump)", "the refusal")


def test_summaries_never_in_csv_dump():
    """A capture of a -C --process-summary run, dumped as CSV: rows only
    (every record has the header's columns); as JSON: objects only."""
    cap = T.tmpfile("c.cap")
    r = T.run(T.renacer_cmd() + ["-C", "--process-summary", "-o", "/dev/null", "--capture",
                                 cap, "--", "true"])
    check_eq(r.rc, 0, "renacer exit status\n" + r.describe())
    d = ok([dump_cmd(), "--format", "csv", cap], "renacer-dump")
    import csv
    import io
    rows = list(csv.reader(io.StringIO(d.out, newline="")))
    check(len(rows) > 5, "CSV rows\n" + d.out[-2000:])
    bad = [r for r in rows if len(r) != len(rows[0])]
    check(not bad, "rows that are not records of the header's columns: %r" % bad[:3])
    j = ok([dump_cmd(), "--format", "json", cap], "renacer-dump")
    objs = jq_lines(j.out, from_text=True)
    check(any("syscall" in o for o in objs), "calls in the JSON")
    check_eq([o["type"] for o in objs if "type" in o and o["type"] != "process_summary"],
             ["syscall_summary"] * len([o for o in objs if o.get("type") == "syscall_summary"]),
             "summary object types")
    check(any(o.get("type") == "syscall_summary" for o in objs),
          "the -C table as syscall_summary objects")


# ---------------------------------------------------------------- schema

CALL_KEYS = ["pid", "tid", "syscall", "arguments", "result", "seq", "ts_ns", "time_ns",
             "duration_ns", "error", "return", "errno", "args", "fd_paths"]
CSV_COLUMNS = ["pid", "syscall", "arguments", "result", "seq", "ts_ns", "duration_ns",
               "error", "tid", "time_ns", "return", "errno"]

# Run under Debian's python3 with pandas: the CSV as an analyst reads it.
# Prints one JSON object per line of what the test checks.
PANDAS_PROG = r"""
import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1], keep_default_na=False, dtype=str)
print(json.dumps(list(df.columns)))
num = pd.read_csv(sys.argv[1])
print(json.dumps({c: str(num[c].dtype) for c in ("pid", "tid", "ts_ns", "time_ns")}))
for _, r in df.iterrows():
    print(json.dumps({k: r[k] for k in df.columns}))
"""


def pandas_rows(path):
    if not os.path.exists(SYSTEM_PYTHON):
        raise T.Skip("no " + SYSTEM_PYTHON)
    p = subprocess.run([SYSTEM_PYTHON, "-c", PANDAS_PROG, path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode and b"No module named 'pandas'" in p.stderr:
        raise T.Skip("pandas is not installed for %s (apt-get install python3-pandas)" %
                     SYSTEM_PYTHON)
    check(p.returncode == 0, "pandas failed: " + p.stderr.decode())
    lines = p.stdout.decode().splitlines()
    return json.loads(lines[0]), json.loads(lines[1]), [json.loads(l) for l in lines[2:]]


def thread_lines(text):
    """threads4's own "thread I tid T pid P" lines: {I: (T, P)}."""
    return {int(m.group(1)): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"thread (\d) tid (\d+) pid (\d+)", text)}


def test_schema_json_jq():
    """threads4: every write of "thread I tid T pid P" is a line with
    "pid":P and "tid":T (jq); the failed chdir of simple_syscalls has
    return -1, errno 2, error ENOENT; every call line has the keys in the
    documented order; time_ns - ts_ns is one offset, near the wall clock."""
    import time
    out = T.tmpfile("t4.json")
    t0 = time.time_ns()
    r = ok(T.renacer_cmd() + ["-f", "--format", "json", "-o", out, "--", fixture("threads4")],
           "renacer")
    t1 = time.time_ns()
    want = thread_lines(r.out)
    check_eq(sorted(want), [0, 1, 2, 3], "threads4's output\n" + r.out)
    got = jq_lines(out, 'select(.syscall == "write" and (.args.buf | type) == "string" and '
                        '(.args.buf | startswith("thread "))) | [.args.buf, .pid, .tid]')
    check_eq(sorted(got), sorted(["thread %d tid %d pid %d\n" % (i, t, p), p, t]
                                 for i, (t, p) in want.items()), "pid/tid of the writes")
    keys = jq_lines(out, 'select(.syscall) | keys_unsorted')
    check(keys and all(k == CALL_KEYS for k in keys),
          "call keys: %r" % [k for k in keys if k != CALL_KEYS][:1])
    types = jq_lines(out, 'select(.syscall) | [(.pid|type), (.tid|type), (.ts_ns|type), '
                          '(.time_ns|type), (.fd_paths|type)]')
    check_eq(set(map(tuple, types)), {("number", "number", "number", "number", "object")},
             "key types")
    # Exact values with Python's json: jq reads numbers as doubles, and
    # time_ns is past 2^53 (capture/CAPTURE.md, 2.3).
    calls = [o for o in map(json.loads, T.read_text(out).splitlines()) if "syscall" in o]
    offs = {o["time_ns"] - o["ts_ns"] for o in calls if o["ts_ns"]}
    check_eq(len(offs), 1, "one realtime-minus-monotonic offset")
    first = calls[0]["time_ns"]
    check(t0 - 10**9 <= first <= t1, "time_ns %d within the run [%d, %d]" % (first, t0, t1))
    ev = jq_lines(out, 'select(.event) | [.event, .pid, .tid, (.time_ns|type)]')
    for i, (t, p) in want.items():
        check(["exited", p, t, "number"] in ev, "thread %d's exit as pid %d tid %d: %r" %
              (i, p, t, ev))

    out2 = T.tmpfile("ss.json")
    r = ok(T.renacer_cmd() + ["--format", "json", "-o", out2, "--", fixture("simple_syscalls")],
           "renacer")
    fail = jq_lines(out2, 'select(.syscall == "chdir" and .args.filename == '
                          '"/renacer-differential-begin") | [.return, .errno, .error, .pid, .tid]')
    check_eq(len(fail), 1, "the chdir line")
    check_eq(fail[0][:3], [-1, 2, "ENOENT"], "chdir's return, errno, error")
    check_eq(fail[0][3], fail[0][4], "a one-thread process: pid = tid")
    ok_calls = jq_lines(out2, 'select(.syscall == "getpid") | [.return, .errno, .error, .pid]')
    check(ok_calls and all(c == [c[3], None, None, c[3]] for c in ok_calls),
          "getpid returns the pid, no errno: %r" % ok_calls)


def test_schema_fd_one_type():
    """-y or not, an fd argument is a number; the path is in fd_paths."""
    plain, withy = T.tmpfile("p.json"), T.tmpfile("y.json")
    prog = fixture("simple_syscalls")
    ok(T.renacer_cmd() + ["--format", "json", "-o", plain, "--", prog], "renacer")
    ok(T.renacer_cmd() + ["-y", "--format", "json", "-o", withy, "--", prog], "renacer")
    q = 'select(.syscall == "write" or .syscall == "close") | [(.args.fd|type), .args.fd, .fd_paths]'
    a, b = jq_lines(plain, q), jq_lines(withy, q)
    check(a and b, "write and close lines")
    check(all(x[0] == "number" and x[2] == {} for x in a), "without -y: %r" % a[:2])
    check(all(x[0] == "number" for x in b), "with -y, fd a number: %r" % b[:2])
    # stdout is the test's pipe; fd -1 and 999 (failed writes) have no path
    check(any(x[1] == 1 and x[2].get("1", "").startswith("pipe:[") for x in b),
          "with -y, fd_paths names the descriptor: %r" % b)
    check(all(x[2] == {} for x in b if x[1] in (-1, 999)), "no path for a bad fd: %r" % b)


def test_schema_csv_pandas():
    """CSV read by pandas under /usr/bin/python3: the documented columns
    with or without timing options, integer pid/tid/ts_ns/time_ns, and
    the values of the JSON of the same capture."""
    cap = T.tmpfile("t4.cap")
    r = ok(T.renacer_cmd() + ["-f", "-o", "/dev/null", "--capture", cap, "--",
                              fixture("threads4")], "renacer")
    want = thread_lines(r.out)
    csvf = T.tmpfile("t4.csv")
    with open(csvf, "w") as f:
        f.write(ok([dump_cmd(), "--format", "csv", cap], "renacer-dump").out)
    cols, dtypes, rows = pandas_rows(csvf)
    check_eq(cols, CSV_COLUMNS, "CSV columns")
    check_eq(dtypes, {"pid": "int64", "tid": "int64", "ts_ns": "int64", "time_ns": "int64"},
             "pandas dtypes")
    writes = {r["arguments"]: (int(r["pid"]), int(r["tid"])) for r in rows
              if r["syscall"] == "write" and "thread " in r["arguments"]}
    check_eq(sorted(writes.values()), sorted((p, t) for t, p in want.values()),
             "pid/tid of the writes")
    j = [[o[k] for k in ("seq", "pid", "tid", "ts_ns", "time_ns", "return", "errno")]
         for o in map(json.loads, ok([dump_cmd(), "--format", "json", cap],
                                     "renacer-dump").out.splitlines()) if "syscall" in o]
    c = [[int(r["seq"]), int(r["pid"]), int(r["tid"]), int(r["ts_ns"]),
          int(r["time_ns"]), None if r["return"] == "" else int(r["return"]),
          None if r["errno"] == "" else int(r["errno"])]
         for r in rows if not r["syscall"].startswith(("+++", "---"))]
    check_eq(c, j, "CSV = JSON for seq,pid,tid,ts_ns,time_ns,return,errno")

    cap2 = T.tmpfile("ss.cap")
    ok(T.renacer_cmd() + ["-o", "/dev/null", "--capture", cap2, "--",
                          fixture("simple_syscalls")], "renacer")
    csv2 = T.tmpfile("ss.csv")
    with open(csv2, "w") as f:
        f.write(ok([dump_cmd(), "--format", "csv", cap2], "renacer-dump").out)
    _, _, rows2 = pandas_rows(csv2)
    ch = [r for r in rows2 if r["syscall"] == "chdir" and
          r["arguments"] == '"/renacer-differential-begin"']
    check_eq(len(ch), 1, "the chdir row")
    check_eq((ch[0]["return"], ch[0]["errno"], ch[0]["error"], ch[0]["pid"] == ch[0]["tid"]),
             ("-1", "2", "ENOENT", True), "chdir's return, errno, error")


# ---------------------------------------------------------------- help

def test_help_synopsis():
    r = ok(T.renacer_cmd() + ["--help"], "renacer --help")
    lines = r.out.splitlines()
    check(lines[0].startswith("usage: renacer [-"), "first line: %r" % lines[0])
    synopsis = []
    for l in lines:
        if not l.strip():
            break
        synopsis.append(l)
    text = " ".join(synopsis)
    for want in ("-o FILE", "-e EXPR", "-s STRSIZE", "-p PID", "COMMAND [ARGS]", "or: renacer -c"):
        check(want in text, "synopsis lacks %r:\n%s" % (want, "\n".join(synopsis)))
    for tuning in ("--workers", "--spin"):
        check(tuning not in text, "tuning option %s in the synopsis:\n%s" % (tuning, text))
    body = r.out[len("\n".join(synopsis)):]
    check(body.index("  -f ") < body.index("  --workers ") and
          body.index("  -o ") < body.index("  --spin "),
          "common options come before tuning ones:\n" + body)


def test_help_sort_names_accepted():
    r = ok(T.renacer_cmd() + ["--help"], "renacer --help")
    m = re.search(r"-S SORTBY\s+sort the summary by ([^\n]*(?:\n {10,}[^\n]*)*)", r.out)
    check(m, "no -S line:\n" + r.out)
    names = re.findall(r"[a-z][a-z0-9_-]*", m.group(1).replace("default", ""))
    names = [n for n in names if n not in ("or", "by", "the")]
    check(len(names) >= 8, "-S names offered: %r" % names)
    for n in names:
        s = T.run(T.renacer_cmd() + ["-c", "-S", n, "-o", "/dev/null", "--", "true"])
        check_eq(s.rc, 0, "-S %s offered by --help but refused\n%s" % (n, s.describe()))
    for n in ("avgtime", "mintime"):  # strace 6.1 refuses these too
        s = T.run(T.renacer_cmd() + ["-c", "-S", n, "-o", "/dev/null", "--", "true"])
        check_eq(s.err.strip(), "renacer: invalid sortby: '%s'" % n, "-S %s" % n)


if __name__ == "__main__":
    T.main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
