#!/usr/bin/env python3
"""Differential test against strace: the same fixture under `strace -f -o A`
and `renacer -f -o B`; after normalisation at least 95% of strace's lines
must have an identical line in renacer's trace (multiset match), and at
least 95% of renacer's lines one in strace's (no invented or doubled lines).

Choice of what is compared: the fixtures are ordinary dynamically linked
programs; their first system call in main() is chdir(SIMPLE_MARKER) and
only the trace from the first line containing the marker on is compared.
The dynamic loader's calls before it (openat/mmap/mprotect with flags this
milestone prints raw) are thus left out, whatever libc does at start-up.
After the marker the fixtures make only calls whose arguments are ints,
fds, pids, paths and read/write buffers (see tests/fixtures/simple_ops.h).

Normalisation (rntest.normalize): unfinished/resumed pairs joined into one
line; pids replaced by their place in the process tree (P1, P1.1, ... from
the clone/fork return values, so the labels do not depend on scheduling),
also inside the text (return values, si_pid=, buffers); the tracer's own
pid (what getppid returns in the root) by TRACER; 0x... by ADDR;
si_utime/si_stime by N; the column padding before ' = ' by one space.
"""
import collections
import os
import re
import shutil
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

MARKER = "/renacer-differential-begin"
THRESHOLD = 0.95


def run_pair(argv, s_opt=None):
    """Trace argv under strace and renacer (-f -o); both normalised."""
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    res = {}
    for name, tracer in (("strace", [strace]), ("renacer", T.renacer_cmd())):
        ofile = T.tmpfile(name)
        cmd = tracer + ["-f"] + (["-s", str(s_opt)] if s_opt is not None else []) + ["-o", ofile] + argv
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, cwd=T.TMP)
        try:
            out, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise AssertionError("%s timed out: %s" % (name, " ".join(cmd)))
        trace = T.Trace(T.read_text(ofile), origin=" ".join(cmd))
        check_eq(p.returncode, 0, "%s's exit status (stderr %r)" % (name, err.decode()[-500:]), trace)
        norm = T.normalize(trace, marker=MARKER, extra_pids={p.pid: "TRACER"})
        check(norm, "%s: no line after the marker %s" % (name, MARKER), trace)
        res[name] = (trace, norm, out.decode("utf-8", "replace"))
    return res


def compare(res):
    s_trace, s_norm, s_out = res["strace"]
    r_trace, r_norm, r_out = res["renacer"]
    sc, rc = collections.Counter(s_norm), collections.Counter(r_norm)
    common = sum((sc & rc).values())
    rate_s = common / len(s_norm)
    rate_r = common / len(r_norm) if r_norm else 0.0
    only_s = list((sc - rc).elements())
    only_r = list((rc - sc).elements())
    report = ("strace lines matched by renacer: %d/%d = %.1f%%; renacer lines matched by strace: "
              "%d/%d = %.1f%%" % (common, len(s_norm), 100 * rate_s, common, len(r_norm), 100 * rate_r))
    print("    " + report)
    first_s = [l for l in s_norm if l in set(only_s)][:25]
    first_r = [l for l in r_norm if l in set(only_r)][:25]
    detail = "%s\nonly in strace (first 25, in order):\n%s\nonly in renacer (first 25, in order):\n%s" % (
        report, T.indent("\n".join(first_s) or "(none)"), T.indent("\n".join(first_r) or "(none)"))
    if T.ARGS.verbose or rate_s < THRESHOLD or rate_r < THRESHOLD:
        print(T.indent(detail))
    check(rate_s >= THRESHOLD, "only %.1f%% of strace's lines in renacer's trace (need %d%%)\n%s\n%s"
          % (100 * rate_s, 100 * THRESHOLD, detail, r_trace.dump(60)))
    check(rate_r >= THRESHOLD, "only %.1f%% of renacer's lines in strace's trace (need %d%%)\n%s"
          % (100 * rate_r, 100 * THRESHOLD, detail))
    check_eq(re.sub(r"\d+", "N", r_out), re.sub(r"\d+", "N", s_out), "the program's output (digits as N)")
    return only_s, only_r


def test_simple_syscalls():
    res = run_pair([fixture("simple_syscalls")])
    s_norm = res["strace"][1]
    check(len(s_norm) >= 80, "strace saw only %d lines after the marker" % len(s_norm))
    compare(res)


def test_simple_syscalls_s8():
    """-s 8: strings cut at 8 bytes, with the trailing ... after the quote."""
    res = run_pair([fixture("simple_syscalls")], s_opt=8)
    compare(res)


def test_simple_syscalls_s100():
    res = run_pair([fixture("simple_syscalls")], s_opt=100)
    compare(res)


def test_simple_fork():
    res = run_pair([fixture("simple_fork")])
    s_norm = res["strace"][1]
    labels = set(l.split(" ", 1)[0] for l in s_norm)
    check_eq(labels, {"P1", "P1.1"}, "strace's process labels")
    check(len(s_norm) >= 160, "strace saw only %d lines after the marker" % len(s_norm))
    compare(res)


if __name__ == "__main__":
    T.main([test_simple_syscalls, test_simple_syscalls_s8, test_simple_syscalls_s100, test_simple_fork])
