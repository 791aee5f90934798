#!/usr/bin/env python3
"""Arguments at the edges of their types, shown as strace 6.1 shows them.

fixtures/decode_edge: uids and gids above INT_MAX (unsigned, 4294901760,
not -65536), close_range's first descriptor 4294967294 (unsigned, as its
last), a tv_nsec above INT64_MAX (unsigned), io_submit's 64-bit count and
its NULL context, creat's mode with bits past umode_t's 16 (000),
arch_prctl(ARCH_GET_XCOMP_SUPP, NULL) (an address: NULL), and an rlimit of
exactly 1024 (1024; 2048 would be 2*1024). Every line from its
chdir("/renacer-decode-edge") on must be strace's, byte for byte but the
column padding, in the live path and with RENACER_WORKER_READS=1, with
-f and with -y (close_range's 4294967294 is no descriptor to name;
AT_FDCWD is named with its directory, AT_FDCWD</cwd>).
"""
import json
import os
import re

import rntest as T
from rntest import check, check_eq, fixture

MARK = 'chdir("/renacer-decode-edge")'


def calls(text):
    out, on = [], False
    for l in text.splitlines():
        l = re.sub(r"^\d+ +", "", l)
        if l.startswith(MARK):
            on = True
        if on:
            out.append(re.sub(r"pipe:\[\d+\]", "pipe:[N]", re.sub(r" {2,}", " ", l)))
    return out


def test_like_strace():
    for opts in ([], ["-f"], ["-y"]):
        s = T.tmpfile("strace")
        r = T.run([T.ARGS.strace] + opts + ["-o", s, fixture("decode_edge")], timeout=20)
        check_eq(r.rc, 0, "strace exit status\n" + r.describe())
        want = calls(T.read_text(s))
        check(len(want) > 10, "strace's lines: %r" % want)
        for env in (None, {"RENACER_WORKER_READS": "1"}):
            what = "renacer %s%s" % (" ".join(opts), " (worker reads)" if env else "")
            e = dict(os.environ, **env) if env else None
            r = T.trace_o(opts, [fixture("decode_edge")], timeout=20, env=e)
            check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
            check_eq(calls(T.read_text(r.ofile)), want, what + ": the lines")


def restart_lines(tracer_cmd):
    out = T.tmpfile("restart")
    r = T.run(tracer_cmd + ["-f", "-o", out, fixture("restart_call")], timeout=20)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    # the halves of a call another process's line cut in two, joined
    return [re.sub(r" {2,}", " ", l.text) for l in T.Trace(T.read_text(out)).joined
            if l.text.startswith("restart_syscall(")]


def test_restart_syscall():
    """A sleep stopped and continued resumes as restart_syscall, named with
    the call it resumes, as strace names it."""
    # the child's; the parent's own sleep may be cut by the SIGCHLD of the
    # child's stop and resumed alike, or not (which comes first varies)
    want = {"restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0"}
    check_eq(set(restart_lines([T.ARGS.strace])), want, "strace's lines")
    check_eq(set(restart_lines(T.renacer_cmd())), want, "renacer's lines")


def test_json_arguments_like_text():
    """JSON's "arguments" is the text line's arguments, nothing more: no
    separator left over from values shown only after the return value
    (poll's "(Timeout)", its revents)."""
    r = T.trace_o(["--format", "json"], [fixture("decode_edge")], timeout=20)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    objs = [json.loads(l) for l in T.read_text(r.ofile).splitlines()]
    polls = [o for o in objs if o.get("syscall") in ("poll", "ppoll")]
    check_eq([o["arguments"] for o in polls],
             ["NULL, 0, 1", "NULL, 0, {tv_sec=0, tv_nsec=1000000}, NULL, 8", "[{fd=-1}], 1, 0"],
             "poll's arguments")
    check_eq([(o["result"], o["args"].get("timeout")) for o in polls], [("0", "Timeout")] * 3,
             "poll's result, and its Timeout in args")
    bad = [o["arguments"] for o in objs if o.get("arguments", "").endswith(", ")]
    check_eq(bad, [], "arguments ending in a separator")


if __name__ == "__main__":
    T.main([test_like_strace, test_restart_syscall, test_json_arguments_like_text])
