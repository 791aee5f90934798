#!/usr/bin/env python3
"""The machine-readable outputs as their users read them, and --help.

  summaries  --process-summary with --format json is JSON Lines through
             and through (jq reads every line; the summary is one
             "type":"process_summary" object per process, the same live and
             from renacer-dump); CSV refuses it (live) or leaves it out
             (dump); a -C capture dumped as JSON/CSV holds no text table
  stdin      renacer-dump - reads a capture from a pipe, the same as from
             the file; a pipe of garbage is refused as a file of it is
  schema     pid (thread group), tid, ts_ns, time_ns, return, errno,
             errno_name in JSON (jq, Debian's python3) and in CSV (pandas
             under /usr/bin/python3), exact for threads4 and simple_syscalls
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
