#!/usr/bin/env python3
"""-D / -DD / -DDD / --daemonize[=grandchild|pgroup|session], against
strace 6.1: the process started is the command itself (the pid the caller
started, its parent the caller: getppid() in the trace is the test's own
pid), the tracer a detached grandchild; "Process N attached" on stderr
with N that pid; the command's exit status is what the caller sees; -c
works (by ptrace); bad uses refused in strace's words.

-b execve / --detach-on=execve, against strace 6.1: a traced process that
calls execve (but the command's first) is let go there, its execve line
ending " <detached ...>" and "Process N detached" said on stderr; the rest
of the tree traced on; the program it runs not traced; renacer's exit
status then 0, as strace's; -b anything else refused in strace's words.
"""
import os
import re
import shutil
import subprocess

import rntest as T
from rntest import check, check_eq, fixture


def need_strace():
    if not shutil.which(T.ARGS.strace):
        raise T.Skip("no strace")


def run_detached(cmd, opts, prog, ofile=None):
    """CMD OPTS [-o OFILE] PROG: (the pid started, exit status, stdout,
    stderr); returns once the tracer, which holds stdout and stderr, is
    gone too."""
    full = cmd + opts + (["-o", ofile] if ofile else []) + ["--"] + prog
    p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=T.TMP)
    out, err = p.communicate(timeout=T.scaled(60))
    return p.pid, p.returncode, out.decode(), err.decode()


def test_daemonize():
    need_strace()
    prog = [fixture("exit_code"), "5"]
    for opts in (["-D"], ["-DD"], ["-DDD"], ["--daemonize"], ["--daemonize=pgroup"],
                 ["--daemonize=session"], ["--daemonize=grandchild"]):
        got = {}
        for name, cmd in (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd())):
            pid, rc, out, err = run_detached(cmd, opts + ["-e", "trace=getppid,exit_group"],
                                             prog)
            check_eq(rc, 5, "%s %s: the command's status\n%s" % (name, opts, err))
            # renacer's trace on stdout, after the command's line; strace's
            # on stderr
            out_lines, lines = out.splitlines(), err.splitlines()
            check_eq(out_lines[0], "exit_code %d 5" % pid,
                     "%s %s: the command keeps the pid started" % (name, opts))
            check_eq(lines[0], "%s: Process %d attached" % (name, pid),
                     "%s %s: the first line on stderr" % (name, opts))
            trace = lines[1:] if name == "strace" else out_lines[1:]
            check_eq(len(lines), 1 if name == "renacer" else 3, "%s %s: stderr" % (name, opts))
            got[name] = [re.sub(r" +=", " =", l) for l in trace]
        check_eq(got["renacer"], got["strace"], "renacer %s: strace's trace" % opts)
        check_eq(got["renacer"], ["exit_group(5) = ?", "+++ exited with 5 +++"],
                 "renacer %s: the trace" % opts)


def test_daemonize_parent():
    """The command's parent is the caller (without -D: the tracer)."""
    need_strace()
    prog = [fixture("strace_flags")]
    for opts, parent_is_caller in ((["-D"], True), (["-DDD"], True), ([], False)):
        for name, cmd in (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd())):
            ofile = T.tmpfile(name)
            pid, rc, out, err = run_detached(cmd, opts + ["-e", "trace=getppid"], prog, ofile)
            check_eq(rc, 0, "%s %s\n%s" % (name, opts, err))
            text = T.read_text(ofile)
            m = re.search(r"^getppid\(\) += (\d+)$", text, re.M)
            check(m, "%s %s: no getppid\n%s" % (name, opts, text))
            want = os.getpid() if parent_is_caller else pid
            check_eq(int(m.group(1)), want, "%s %s: getppid()" % (name, opts))


def test_daemonize_count():
    prog = [fixture("exit_code"), "0"]
    pid, rc, out, err = run_detached(T.renacer_cmd(), ["-D", "-c", "--stats-self"], prog)
    check_eq(rc, 0, err)
    check("-c by ptrace: -D" in err, "-D -c: counted by ptrace\n" + err)
    check(re.search(r"^100\.00 .* total$", out, re.M), "-D -c: no table\n" + out)


def test_daemonize_bad():
    need_strace()
    for opts in (["-DDDD", "true"], ["--daemonize=foo", "true"], ["-D", "-p", "1"],
                 ["--daemonize=", "true"]):
        msgs = {}
        for name, cmd in (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd())):
            r = T.run(cmd + opts, timeout=30)
            check_eq(r.rc, 1, "%s %s\n%s" % (name, opts, r.describe()))
            msgs[name] = r.err.splitlines()[0].split(":", 1)[1]
        check_eq(msgs["renacer"], msgs["strace"], "renacer %s: strace's message" % opts)


def masked(text):
    out = []
    for l in text.splitlines():
        l = re.sub(r"(si_[us]time)=\d+( /\* [^*]* \*/)?", r"\1=N", l)
        l = re.sub(r"0x[0-9a-f]{9,}", "ADDR", l)
        l = re.sub(r"\b\d{3,}\b", "PID", l)
        # a write of a pid: its length depends on the pid's digits, which
        # differ between the two tracers' runs (9999, then 10000)
        if re.match(r'^write\(\d+, ".*PID.*", ', l):
            l = re.sub(r", (\d+|PID)\) += (\d+|PID)$", ", LEN) = LEN", l)
        out.append(re.sub(r" +=", " =", l))
    return out


def per_process(text):
    """Each pid's lines, the pids in the order they first appear (which
    the scheduler does not change here: the parent's execve comes first),
    an unfinished call joined with its resumption (whether a call is cut
    in two depends on what another process did meanwhile), masked."""
    groups = {}
    for l in text.splitlines():
        m = re.match(r"^(\d+) +(.*)$", l)
        pid, rest = (m.group(1), m.group(2)) if m else ("", l)
        groups.setdefault(pid, []).append(rest)
    out = []
    for lines in groups.values():
        joined = []
        for l in lines:
            m = re.match(r"^<\.\.\. \w+ resumed>(.*)$", l)
            if m and joined and joined[-1].endswith(" <unfinished ...>"):
                joined[-1] = joined[-1][:-len(" <unfinished ...>")] + m.group(1)
            else:
                joined.append(l)
        out.append(masked("\n".join(joined)))
    return out


def test_bail_execve():
    need_strace()
    runs = ((["-f", "-b", "execve"], [fixture("fork_exec")], 0),
            (["-f", "--detach-on=execve"], [fixture("fork_exec"), fixture("exit_code"), "3"], 0),
            (["-b", "execve"], ["sh", "-c", "exec %s 4" % fixture("exit_code")], 0),
            (["-f"], [fixture("fork_exec")], 0))
    for opts, prog, rc in runs:
        got = {}
        for name, cmd in (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd())):
            ofile = T.tmpfile(name)
            r = T.run(cmd + opts + ["-e", "trace=execve,write,wait4,exit_group", "-o", ofile,
                                    "--"] + prog, timeout=60)
            check_eq(r.rc, rc, "%s %s\n%s" % (name, opts, r.describe()))
            got[name] = per_process(T.read_text(ofile))
        check_eq(got["renacer"], got["strace"], "renacer %s %s: strace's trace" % (opts, prog))
        flat = [l for g in got["renacer"] for l in g]
        detached = [l for l in flat if l.endswith(" <detached ...>")]
        check_eq(len(detached), 0 if "-f" in opts and len(opts) == 1 else 1,
                 "%s: the execve let go" % opts)
        if detached:
            check(detached[0].startswith("execve("), detached[0])
            # exit_code's own write of "exit_code PID CODE"
            check(not any('write(1, "exit_code' in l for l in flat),
                  "the program run is not traced")


def test_bail_bad():
    need_strace()
    for arg in ("foo", "execveat", ""):
        msgs = {}
        for name, cmd in (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd())):
            r = T.run(cmd + ["-b", arg, "true"], timeout=30)
            check_eq(r.rc, 1, "%s -b %r\n%s" % (name, arg, r.describe()))
            msgs[name] = r.err.splitlines()[0].split(":", 1)[1]
        check_eq(msgs["renacer"], msgs["strace"], "renacer -b %r: strace's message" % arg)


if __name__ == "__main__":
    T.main([test_daemonize, test_daemonize_parent, test_daemonize_count, test_daemonize_bad,
            test_bail_execve, test_bail_bad])
