#!/usr/bin/env python3
"""System call numbers no table names, in every mode.

fixtures/bad_nr makes syscall(NR, 1, 2, 3, 4, 5, 6) for NUMBERS below: -1,
the size of renacer's table (451) and 7 past it, numbers newer kernels
define (463, 470), x32's bit on getpid (0x40000027) and 2^31-1. Each must
be traced and let run, never crash renacer or stop the command:

- text (plain, -f, -y, -T, a filter that lets unknown numbers through and
  one that stops only at them, with and without a seccomp filter, -C): the
  command ends with "survived 7", renacer exits 0, and each call is one
  line exactly as strace shows it (strace is the oracle; x32 differs on
  purpose: strace names the call from its x32 table, renacer shows the
  number the tracee passed, which this kernel refuses with ENOSYS);
- -c: renacer's summary counts what strace's native table counts (both
  leave numbers without a name out of it);
- JSON and CSV: one record per call, named syscall_0x..., arguments 1..6;
- --capture and renacer-dump: the dump's text is the -o text;
- -p: an attached bad_nr is traced and runs to its end.
"""
import csv
import io
import json
import os
import re
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

NUMBERS = ["-1", "451", "458", "463", "470", "0x40000027", "0x7fffffff"]
NAMES = ["syscall_0xffffffffffffffff", "syscall_0x1c3", "syscall_0x1ca",
         "syscall_0x1cf", "syscall_0x1d6", "syscall_0x40000027",
         "syscall_0x7fffffff"]
ARGS = "0x1, 0x2, 0x3, 0x4, 0x5, 0x6"
CALL_RE = re.compile(r"^(syscall_0x[0-9a-f]+)\((.*)\) += (.*)$")


def unknown_calls(text):
    """(name, arguments, result) of every syscall_0x... line, in order
    (pid prefixes and -T's <...> taken off)."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\d+ +", "", line)
        line = re.sub(r" <\d+\.\d+>$", "", line)
        m = CALL_RE.match(line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def strace_calls():
    """What strace shows for the same calls: the oracle's results, the x32
    call included (its line named from strace's x32 table)."""
    out = T.tmpfile("strace")
    r = T.run([T.ARGS.strace, "-o", out, "--", fixture("bad_nr")] + NUMBERS)
    check_eq(r.rc, 0, "strace exit status\n" + r.describe())
    lines = [re.sub(r" {2,}", " ", l) for l in T.read_text(out).splitlines()]
    calls = unknown_calls("\n".join(lines))
    x32 = [l for l in lines if l.startswith("getpid() = ")]
    check_eq(len(x32), 1, "strace's x32 getpid lines")
    calls.insert(NAMES.index("syscall_0x40000027"),
                 ("syscall_0x40000027", ARGS, x32[0][len("getpid() = "):]))
    return calls


def expect_text(text, want, what):
    check_eq(unknown_calls(text), want, what + ": the unknown calls")


def test_text_every_mode():
    want = strace_calls()
    check_eq([c[0] for c in want], NAMES, "strace's names")
    modes = [[], ["-f"], ["-y"], ["-T"], ["-e", "trace=%file"],
             ["-e", "trace=%file", "--no-seccomp-bpf"], ["-e", "trace=getpid"],
             ["--no-seccomp-bpf"], ["-C"], ["-s", "0", "-x"], ["--workers", "1"]]
    for opts in modes:
        r = T.trace_o(opts, [fixture("bad_nr")] + NUMBERS)
        what = "renacer %s" % " ".join(opts)
        check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
        check_eq(r.out, "survived 7\n", what + ": the command's output")
        text = T.read_text(r.ofile)
        if opts == ["-C"]:
            text = text.split("% time")[0]
        expect_text(text, want, what)


def summary_total(text):
    m = re.search(r"^100\.00 +\S+ +\S+ +(\d+) +(\d*) *total$", text, re.M)
    check(m, "no total line in:\n" + T.indent(text))
    return int(m.group(1))


def test_summary():
    for opts in (["-c"], ["-c", "-f"], ["-c", "-e", "trace=%file"], ["-c", "-w"]):
        out = T.tmpfile("strace")
        r = T.run([T.ARGS.strace] + opts + ["-o", out, "--", fixture("bad_nr")] + NUMBERS)
        check_eq(r.rc, 0, "strace -c exit status\n" + r.describe())
        native = T.read_text(out).split("System call usage summary")[0]
        r = T.trace_o(opts, [fixture("bad_nr")] + NUMBERS)
        check_eq(r.rc, 0, "renacer %s: exit status\n%s" % (opts, r.describe()))
        check_eq(r.out, "survived 7\n", "the command's output")
        check_eq(summary_total(T.read_text(r.ofile)), summary_total(native),
                 "renacer %s: calls counted (strace counts the same)" % opts)


def records(opts, fmt):
    r = T.trace_o(["--format", fmt] + opts, [fixture("bad_nr")] + NUMBERS)
    check_eq(r.rc, 0, "--format %s: exit status\n%s" % (fmt, r.describe()))
    check_eq(r.out, "survived 7\n", "the command's output")
    with open(r.ofile, "rb") as f:
        data = f.read().decode("utf-8")
    return data


def test_json():
    for opts in ([], ["-y"], ["-f"]):
        rows = [json.loads(l) for l in records(opts, "json").splitlines()]
        unknown = [x for x in rows if x.get("syscall", "").startswith("syscall_")]
        check_eq([x["syscall"] for x in unknown], NAMES, "json %s: names" % opts)
        for x in unknown:
            check_eq(x["arguments"], ARGS, "json: the arguments text")
            check_eq(x["args"], {"arg%d" % i: i + 1 for i in range(6)}, "json: the args")
            check_eq(x["return"], -1, "json: the return value")


def test_csv():
    rows = list(csv.reader(io.StringIO(records(["-y"], "csv"))))
    unknown = [x for x in rows if x[1].startswith("syscall_")]
    check_eq([x[1] for x in unknown], NAMES, "csv: names")
    for x in unknown:
        check_eq(x[2], ARGS, "csv: the arguments")


def test_capture_dump():
    cap = T.tmpfile("cap") + ".rnc"
    for opts in ([], ["-y"], ["-f", "-e", "trace=%file"]):
        r = T.trace_o(opts + ["--capture", cap], [fixture("bad_nr")] + NUMBERS)
        check_eq(r.rc, 0, "renacer --capture: exit status\n" + r.describe())
        live = T.read_text(r.ofile)
        check_eq(len(unknown_calls(live)), len(NUMBERS), "unknown calls in the -o text")
        dumper = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
        d = T.run([dumper, cap])
        check_eq(d.rc, 0, "renacer-dump exit status\n" + d.describe())
        check_eq(d.out, live, "renacer-dump's text = the -o text (%s)" % opts)


def test_attach():
    p = subprocess.Popen([fixture("bad_nr"), "-l", str(T.scaled(1.5))] + NUMBERS,
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=T.TMP)
    try:
        check(p.stdout.readline().startswith(b"survived"), "bad_nr did not start")
        out = T.tmpfile("trace")
        r = T.run(T.renacer_cmd() + ["-o", out, "-p", str(p.pid)])
        check_eq(r.rc, 0, "renacer -p exit status\n" + r.describe())
        p.stdout.read()
        check_eq(p.wait(timeout=T.scaled(10)), 0, "bad_nr's exit status")
        calls = unknown_calls(T.read_text(out))
        check(len(calls) >= len(NUMBERS), "too few calls traced: %r" % calls)
        # Attached mid-round: whole rounds from the first -1 on.
        first = [c[0] for c in calls].index(NAMES[0])
        for i, c in enumerate(calls[first:]):
            check_eq(c[0], NAMES[i % len(NAMES)], "call %d's name" % i)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


if __name__ == "__main__":
    T.main([test_text_every_mode, test_summary, test_json, test_csv,
            test_capture_dump, test_attach])
