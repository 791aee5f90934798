#!/usr/bin/env python3
"""strace 6.1's long forms of the short options renacer has: each does
what its letter does.

--follow-forks (-f: the CLONE_PTRACE child's write traced under its pid),
--output=FILE and --output FILE (-o), --string-limit=N (-s N: strings cut
at N), --user=USER (-u: the command's uid), --attach=PID (-p: an attached
sleeper traced and let go).
"""
import re
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture


def test_follow_forks_output_string_limit():
    for opts in (["--follow-forks", "--string-limit=4", "--output"],
                 ["--follow-forks", "--string-limit", "4", "--output"]):
        out = T.tmpfile("long")
        r = T.run(T.renacer_cmd() + opts + [out, "--", fixture("clone_ptrace")], timeout=20)
        what = "renacer %s FILE" % " ".join(opts)
        check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
        check_eq(r.out, "child\nchild status 3\n", what + ": the program's output")
        text = T.read_text(out)
        # -f: the write may be cut in two by the parent's wait4
        check(re.search(r'^\d+ +write\(1, "chil"\.\.\., 6(\) += 6| <unfinished \.\.\.>)$',
                        text, re.M),
              what + ": the child's write, cut at 4, under its pid\n" + text)


def test_user():
    r = T.run(T.renacer_cmd() + ["--user=nobody", "-o", T.tmpfile("u"), "--", "id", "-u"],
              timeout=20)
    check_eq((r.rc, r.out.strip()), (0, "65534"), "renacer --user=nobody id -u\n" + r.describe())


def test_attach():
    s = T.Sleeper()
    try:
        out = T.tmpfile("attach")
        p = subprocess.Popen(T.renacer_cmd() + ["--attach=%d" % s.pid, "-o", out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(T.wait_for(lambda: T.tracer_pid(s.pid) == p.pid, 10), "not attached")
        time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=T.scaled(20))
        # renacer dies of the SIGINT it let its tracee go on (as strace)
        check_eq(p.returncode, -signal.SIGINT, "renacer --attach: its end; stderr %r" % err)
        check(T.read_text(out).strip(), "nothing traced")
        T.not_stopped(s.pid, "after --attach")
    finally:
        s.stop()


if __name__ == "__main__":
    T.main([test_follow_forks_output_string_limit, test_user, test_attach])
