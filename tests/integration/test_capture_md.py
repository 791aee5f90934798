#!/usr/bin/env python3
"""The JSON Lines and CSV examples of capture/CAPTURE.md are real output.

Each example of sections 2 and 3 is an indented block whose first line is
`$ COMMAND` (a trailing backslash continues it) and whose other lines are
what the command prints; a line indented further continues the one above
(a long JSON object, wrapped where a key begins). The check runs every
COMMAND with the build's renacer and renacer-dump first in PATH, in a
scratch directory, and wants every line the block shows in its standard
output, in that order (the block may leave lines out). Pids, times,
sequence numbers and counts differ from run to run and from machine to
machine, so they are compared as "a number"; everything else (the keys and
their order, the text, the flags, the return values, the CSV columns) must
be exactly as documented. So the examples cannot drift from what renacer
prints.

Run by ctest as integration_capture_md; by hand:
    python3 tests/integration/test_capture_md.py --renacer build/renacer \
        --fixtures build/tests/fixtures
"""
import csv
import os
import re
import subprocess

import rntest as T
from rntest import check

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "capture",
                   "CAPTURE.md")

# The JSON keys and CSV columns whose numbers depend on the run.
VARYING = ("pid", "tid", "ppid", "parent", "seq", "ts_ns", "time_ns", "duration_ns", "start_ns",
           "syscalls", "errors", "syscall_ns", "calls", "total_ns", "min_ns", "max_ns", "avg_ns")
RE_VARYING = re.compile(r'"(%s)":-?[0-9]+' % "|".join(VARYING))
CSV_HEADER = "pid,syscall,"


def examples():
    """[(line number, command, [output lines])] of the JSON and CSV sections."""
    with open(DOC, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("## 2. JSON Lines"))
    out = []
    i = start
    while i < len(lines):
        if lines[i].startswith("    $ ") and (i == 0 or not lines[i - 1].strip()):
            at = i + 1
            cmd = lines[i][6:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            shown = []
            i += 1
            while i < len(lines) and lines[i].startswith("    "):
                if lines[i].startswith("     ") and shown:
                    shown[-1] += lines[i].strip()
                else:
                    shown.append(lines[i][4:])
                i += 1
            out.append((at, cmd, shown))
            continue
        i += 1
    return out


def normalized(lines):
    """Each line with its varying numbers made N; CSV rows (after a header
    line) by column."""
    out, header = [], None
    for line in lines:
        if line.startswith(CSV_HEADER):
            header = line.split(",")
            out.append(line)
        elif header and not line.startswith("{"):
            row = next(csv.reader([line]))
            row = ["N" if i < len(header) and header[i] in VARYING and re.match(r"-?[0-9]+$", v)
                   else v for i, v in enumerate(row)]
            out.append(repr(row))
        else:
            out.append(RE_VARYING.sub(r'"\1":N', line))
    return out


def test_examples_are_real_output():
    found = examples()
    check(len(found) >= 4, "want the JSON call, summary and CSV examples of %s as `$ COMMAND` "
          "blocks, found %d" % (DOC, len(found)))
    bindir = os.path.dirname(T.ARGS.renacer)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    failures = []
    for at, cmd, shown in found:
        work = T.tmpfile("example")
        os.mkdir(work)
        try:
            p = subprocess.run(["sh", "-c", cmd], cwd=work, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=T.scaled(60))
        except subprocess.TimeoutExpired:
            failures.append("CAPTURE.md:%d: %s: timed out" % (at, cmd))
            continue
        real = p.stdout.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
        want, have = normalized(shown), normalized(real)
        k = 0
        for j, w in enumerate(want):
            while k < len(have) and have[k] != w:
                k += 1
            if k == len(have):
                failures.append(
                    "CAPTURE.md:%d: %s\n  the example's line %d is not in the output (after the "
                    "lines before it):\n    %s\n  output (normalized):\n%s\n  stderr: %s"
                    % (at, cmd, j + 1, shown[j], T.indent("\n".join(have[:40]), "    "),
                       p.stderr.decode("utf-8", "replace").strip()[:500]))
                break
            k += 1
    check(not failures, "\n".join(failures))


if __name__ == "__main__":
    T.main([test_examples_are_real_output])
