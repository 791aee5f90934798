#!/usr/bin/env python3
"""renacer's own exit status: the command's exit code; the command's fatal
signal re-raised (a shell sees 128+N); exit 1 with one line on stderr when
the command cannot be run."""
import os
import re
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture


def sh(script, timeout=60):
    """Run a sh script (RLIMIT_CORE = 0); return its stdout."""
    r = T.run(["sh", "-c", script], timeout=timeout)
    return r


def q(s):
    return "'" + s.replace("'", "'\\''") + "'"


def rq():
    """renacer (and --renacer-opt options) quoted for sh."""
    return " ".join(q(a) for a in T.renacer_cmd())


def test_exit_7():
    r = T.trace_o([], [fixture("exit_code")])
    t = r.trace
    check_eq(r.rc, 7, "renacer's exit status\n" + r.describe(), t)
    check_eq(r.out, "exit_code %s 7\n" % re.search(r"^exit_code (\d+) 7$", r.out, re.M).group(1),
             "stdout (the program's only)", t)
    check(re.match(r"^exit_group\(7\) += \?$", t.texts()[-2]), "exit_group(7) = ?", t)
    check_eq(t.exits(), [(None, "exited with 7")], "exit lines", t)
    check_eq(t.lines[-1].text, "+++ exited with 7 +++", "last line", t)


def test_exit_codes_stdout():
    for code in (0, 1, 42, 255):
        r = T.trace_stdout([], [fixture("exit_code"), str(code)])
        t = r.trace
        check_eq(r.rc, code, "renacer's exit status for exit(%d)\n%s" % (code, r.describe()), t)
        check_eq(t.exits(), [(None, "exited with %d" % code)], "exit lines", t)


def test_exit_7_via_shell():
    r = sh("%s -o /dev/null %s; echo \"rc=$?\"" % (rq(), q(fixture("exit_code"))))
    check(r.out.endswith("rc=7\n"), "the shell must see 7:\n" + r.describe() + "\nstdout: %r" % r.out)


def test_exit_status_with_f_is_the_commands():
    """With -f the children's statuses do not matter: the command's does."""
    r = T.trace_o(["-f"], [fixture("three_children")])
    check_eq(r.rc, 0, "exit status\n" + r.describe(), r.trace)
    r = T.trace_o(["-f"], [fixture("fork_exec"), fixture("exit_code"), "3"])
    check_eq(r.rc, 0, "exit status (the child's 3 is not the command's)\n" + r.describe(), r.trace)


def test_segv_reraised():
    r = T.trace_o([], [fixture("segv")])
    t = r.trace
    check_eq(r.rc, -signal.SIGSEGV, "renacer must die of SIGSEGV\n" + r.describe(), t)
    check_eq([x for x in t.texts() if x.startswith("--- SIGSEGV")],
             ["--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"],
             "SIGSEGV line", t)
    check_eq(t.exits(), [(None, "killed by SIGSEGV")], "exit lines (RLIMIT_CORE = 0: no core)", t)
    check_eq(t.lines[-1].text, "+++ killed by SIGSEGV +++", "last line", t)
    # no core file from renacer re-raising, in its working directory
    check(not [f for f in os.listdir(T.TMP) if f.startswith("core")], "a core file was left", t)


def test_segv_via_shell_139():
    out = sh("ulimit -c 0; %s -o /dev/null %s; echo \"rc=$?\"" % (rq(), q(fixture("segv"))))
    check(out.out.endswith("rc=139\n"), "the shell must see 139 (128+SIGSEGV):\n" + out.describe() +
          "\nstdout: %r" % out.out)
    out = sh("ulimit -c 0; %s -f %s >/dev/null; echo \"rc=$?\"" % (rq(), q(fixture("segv"))))
    check(out.out.endswith("rc=139\n"), "stdout trace, the shell must see 139:\n" + out.describe())


def test_segv_of_a_child_is_not_renacers():
    r = T.trace_o(["-f"], [fixture("fork_exec"), fixture("segv")])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    child = int(re.search(r"^child (\d+) exec", r.out, re.M).group(1))
    check(re.search(r"^parent reaped %d status 139$" % child, r.out, re.M), "program output %r" % r.out, t)
    check_eq(t.exits(), [(child, "killed by SIGSEGV"), (t.lines[0].pid, "exited with 0")], "exit lines", t)


def test_command_killed_by_sigkill():
    """The command gets SIGKILL from outside: renacer dies of SIGKILL too."""
    ofile = T.tmpfile("trace")
    p = subprocess.Popen(T.renacer_cmd() + ["-o", ofile, fixture("sleeper")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=T.TMP)
    try:
        line = p.stdout.readline().decode()
        m = re.match(r"^sleeper (\d+)$", line)
        check(m, "sleeper did not start: %r" % line)
        pid = int(m.group(1))
        # let it run a little, traced
        ok = T.wait_for(lambda: "tick" in T.read_text(ofile), 10)
        check(ok, "no tick traced in 10 s:\n" + T.read_text(ofile)[-2000:])
        os.kill(pid, signal.SIGKILL)
        rc = p.wait(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    t = T.Trace(T.read_text(ofile), origin="renacer -o FILE sleeper; kill -9 sleeper")
    check_eq(rc, -signal.SIGKILL, "renacer must die of SIGKILL", t)
    check_eq(t.exits(), [(None, "killed by SIGKILL")], "exit lines", t)
    check_eq(t.lines[-1].text, "+++ killed by SIGKILL +++", "last line", t)


def check_cannot_run(cmd, what):
    for variant in ("stdout", "-o"):
        args = T.renacer_cmd() + (["-o", T.tmpfile("trace")] if variant == "-o" else []) + cmd
        r = T.run(args, timeout=30)
        lines = r.err.split("\n")
        check_eq(r.rc, 1, "%s (%s): exit status\n%s" % (what, variant, r.describe()))
        check_eq(r.out, "", "%s (%s): stdout\n%s" % (what, variant, r.describe()))
        check(len(lines) == 2 and lines[1] == "" and lines[0].startswith("renacer: "),
              "%s (%s): exactly one line 'renacer: ...' on stderr, got %r" % (what, variant, r.err))
        check(cmd[0] in lines[0] or os.path.basename(cmd[0]) in lines[0] or "ermission" in lines[0]
              or "No such file" in lines[0],
              "%s (%s): the message should say what failed: %r" % (what, variant, lines[0]))


def test_missing_program():
    check_cannot_run(["/nonexistent/program"], "missing path")
    check_cannot_run(["renacer-no-such-program-xyz"], "name not in PATH")


def test_non_executable():
    path = T.tmpfile("not-executable")
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho should not run\n")
    os.chmod(path, 0o644)
    check_cannot_run([path], "file without x bit")
    check_cannot_run([T.TMP], "a directory")


if __name__ == "__main__":
    T.main([test_exit_7, test_exit_codes_stdout, test_exit_7_via_shell,
            test_exit_status_with_f_is_the_commands, test_segv_reraised, test_segv_via_shell_139,
            test_segv_of_a_child_is_not_renacers, test_command_killed_by_sigkill,
            test_missing_program, test_non_executable])
