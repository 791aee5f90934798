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
