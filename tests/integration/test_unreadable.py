#!/usr/bin/env python3
"""Arguments that point at memory the tracee cannot read are shown as
their address, as strace shows them, never as the bytes read so far.

fixtures/mem_edge passes a string that is the last byte of a mapped page
before an unmapped one (faccessat's path, add_key's type and description,
delete_module's name), a 32-byte path there, a 32-byte string whose 33rd
byte (-s 32 reads one more) is unmapped, a longer string (readable past
-s: cut, as strace), and epoll_pwait2 timeouts in the unmapped page, half
in it, at -1. Every line from its chdir("/renacer-mem-edge") on must be
strace's (addresses compared as ADDR: the two runs map differently), in
the live path (the worker reads the stopped tracee) and the tracer's copy
(RENACER_WORKER_READS=1 forces worker reads; without it the tracer copies
what the decoders will read), with -f, a filter, -s 64, -x.
"""
import os
import re

import rntest as T
from rntest import check_eq, fixture

MARK = 'chdir("/renacer-mem-edge")'


def calls(text):
    out, on = [], False
    for l in text.splitlines():
        l = re.sub(r"^\d+ +", "", l)
        if l.startswith(MARK):
            on = True
        if on:
            out.append(re.sub(r"0x[0-9a-f]{6,}", "ADDR", re.sub(r" {2,}", " ", l)))
    return out


def test_like_strace():
    modes = [[], ["-f"], ["-s", "64"], ["-x"], ["-s", "31"],
             ["-f", "-e", "trace=faccessat,add_key,delete_module,epoll_pwait2,chdir"]]
    for opts in modes:
        s = T.tmpfile("strace")
        r = T.run([T.ARGS.strace] + opts + ["-o", s, fixture("mem_edge")], timeout=20)
        check_eq(r.rc, 0, "strace exit status\n" + r.describe())
        want = calls(T.read_text(s))
        check_eq(len(want) > 8, True, "strace's lines: %r" % want)
        for env in (None, {"RENACER_WORKER_READS": "1"}):
            what = "renacer %s%s" % (" ".join(opts), " (worker reads)" if env else "")
            e = dict(os.environ, **env) if env else None
            r = T.trace_o(opts, [fixture("mem_edge")], timeout=20, env=e)
            check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
            check_eq(calls(T.read_text(r.ofile)), want, what + ": the lines")


if __name__ == "__main__":
    T.main([test_like_strace])
