#!/usr/bin/env python3
"""Bad input: every refusal is exactly one line on stderr naming the
problem, the documented exit status, nothing traced (stdout empty, no -o
file written), no process left behind or stopped.

renacer exits 1 on bad input (as strace); renacer-dump exits 1 when
nothing could be read and 2 when damage was skipped (the capture format's
rule, capture/CAPTURE.md), with whatever was readable on stdout.

The table: CASES below, one row each.
"""
import os
import re
import shlex
import shutil
import signal
import struct
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture


def leftovers(exclude=()):
    """Processes that became ours (rntest is the subreaper) and are still
    there, but those in exclude: a refused run must leave none (stopped or
    not)."""
    me, found = os.getpid(), []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rindex(")") + 2:].split()
        if int(fields[1]) == me and fields[0] != "Z" and int(d) not in exclude:
            found.append("%s (%s, state %s)" % (d, s[s.index("(") + 1:s.rindex(")")], fields[0]))
    return found


def refused(argv, message, rc=1, prog="renacer", stdout_empty=True, timeout=30, exclude=()):
    """Run argv: want exit status rc and one stderr line matching
    'PROG: ' + message (a regex)."""
    r = T.run(argv, timeout=timeout)
    lines = r.err.splitlines()
    check(len(lines) == 1 and re.match(prog + ": (?:" + message + ")", lines[0]),
          "want exactly one stderr line matching %r\n%s" % (prog + ": " + message, r.describe()))
    check_eq(r.rc, rc, "exit status\n" + r.describe())
    if stdout_empty:
        check_eq(r.out, "", "stdout (nothing may be traced)")
    left = leftovers(exclude)
    check(not left, "processes left behind: %s" % ", ".join(left))
    return r


def renacer(*args):
    return T.renacer_cmd() + list(args)


def scratch():
    """A directory with: a non-executable file, a directory, a symlink."""
    d = T.tmpfile("bad")
    os.mkdir(d)
    with open(os.path.join(d, "noexec"), "w") as f:
        f.write("#!/bin/sh\necho should not run\n")
    os.chmod(os.path.join(d, "noexec"), 0o644)
    os.mkdir(os.path.join(d, "adir"))
    os.symlink(os.path.join(d, "target"), os.path.join(d, "link"))
    return d


ROOT = os.geteuid() == 0

# (name, arguments after renacer (D = scratch dir, FREEPID = a pid not in
# use, ZOMBIE = a zombie child of the test), message regex). Each message
# is the whole line (anchored at both ends); where strace refuses the same
# input, it is strace's line.
CASES = [
    ("no command", [], r"must have PROG \[ARGS\] or -p PID$"),
    ("unknown long option", ["--bogus", "true"], r"unrecognized option '--bogus'$"),
    ("unknown short option", ["-Q", "true"], r"invalid option -- 'Q'$"),
    ("strace option renacer lacks", ["-k", "true"], r"invalid option -- 'k'$"),
    ("-I out of range", ["-I", "5", "true"], r"invalid -I argument: '5'$"),
    ("-o without its argument", ["-o"], r"option requires an argument -- 'o'$"),
    ("--capture without its argument", ["--capture"],
     r"option '--capture' requires an argument$"),
    ("-e unknown syscall", ["-e", "trace=nosuch", "true"], r"invalid system call 'nosuch'$"),
    ("-e empty", ["-e", "trace=", "true"], r"invalid system call ''$"),
    ("-e lone negation", ["-e", "trace=!", "true"], r"invalid system call '!'$"),
    ("-e bad regex", ["-e", "trace=/[/", "true"],
     r"regcomp: \[/: Unmatched \[, \[\^, \[:, \[\., or \[=$"),
    ("-e unknown qualifier", ["-e", "bogus=1", "true"], r"invalid system call 'bogus=1'$"),
    ("-e unsupported qualifier", ["-e", "kvm=vcpu", "true"],
     r"-e kvm= is not supported by renacer \(supported: trace, signal, status, quiet, "
     r"abbrev, verbose, raw, read, write, inject, fault\)$"),
    ("-e bad inject", ["-e", "inject=open:error=FOO", "true"],
     r"invalid inject argument 'open:error=FOO'$"),
    ("-e unknown signal", ["-e", "signal=SIGFOO", "true"], r"invalid signal 'SIGFOO'$"),
    ("-e unknown status", ["-e", "status=bogus", "true"], r"invalid status 'bogus'$"),
    ("-e unknown quiet", ["-e", "quiet=bogus", "true"], r"invalid quiet 'bogus'$"),
    ("-s not a number", ["-s", "abc", "true"], r"invalid -s argument: 'abc'$"),
    ("-s empty", ["-s", "", "true"], r"invalid -s argument: ''$"),
    ("-s negative", ["-s", "-1", "true"], r"invalid -s argument: '-1'$"),
    ("-s too large", ["-s", "99999999999", "true"], r"invalid -s argument: '99999999999'$"),
    ("-p not a number", ["-p", "abc"], r"Invalid process id: 'abc'$"),
    ("-p zero", ["-p", "0"], r"Invalid process id: '0'$"),
    ("-p negative", ["-p", "-5"], r"Invalid process id: '-5'$"),
    ("-p list with a bad pid", ["-p", "FREEPID,abc"], r"Invalid process id: 'abc'$"),
    ("-p no such process", ["-p", "999999999"],
     r"attach: ptrace\(PTRACE_SEIZE, 999999999\): No such process$"),
    ("-p a free pid", ["-p", "FREEPID"],
     r"attach: ptrace\(PTRACE_SEIZE, \d+\): No such process$"),
    ("-p a zombie", ["-p", "ZOMBIE"],
     r"attach: ptrace\(PTRACE_SEIZE, \d+\): Operation not permitted$"),
    ("-o a directory", ["-o", "D/adir", "true"], r"Can't fopen '.*/adir': Is a directory$"),
    ("-o in a missing directory", ["-o", "D/missing/trace", "true"],
     r"Can't fopen '.*/missing/trace': No such file or directory$"),
    ("-o empty", ["-o", "", "true"], r"Can't fopen '': No such file or directory$"),
    ("--format unknown", ["--format", "xml", "true"],
     r"invalid --format argument: 'xml' \(text, json, csv, perfetto, report, compile-db or files\)$"),
    ("--format empty", ["--format", "", "true"],
     r"invalid --format argument: '' \(text, json, csv, perfetto, report, compile-db or files\)$"),
    ("-c with --format json", ["-c", "--format", "json", "true"],
     r"-c/-C print a text table: --format json/csv cannot go with them \(use a capture and "
     r"renacer-dump --format stats\)$"),
    ("-C with --format csv", ["-C", "--format", "csv", "true"],
     r"-c/-C print a text table: --format json/csv cannot go with them \(use a capture and "
     r"renacer-dump --format stats\)$"),
    ("-ff -o with -c", ["-ff", "-c", "-o", "D/ff", "true"],
     r"\(-c/--summary-only or -C/--summary\) and -ff/--output-separately are mutually "
     r"exclusive$"),
    ("-ff -o with --format json", ["-ff", "--format", "json", "-o", "D/ff", "true"],
     r"-ff with -o writes strace's text: --format json/csv need one file$"),
    ("-t with --absolute-timestamps", ["-t", "--absolute-timestamps", "true"],
     r"-t and --absolute-timestamps cannot be provided simultaneously$"),
    ("-u with -p only", ["-u", "root", "-p", "1"],
     r"-u USER applies to a command renacer starts: there is none with -p only$" if ROOT
     else r"You must be root to use the -u/--username option$"),
    ("-u unknown user", ["-u", "no-such-user-rn", "true"],
     r"Cannot find user 'no-such-user-rn'$" if ROOT
     else r"You must be root to use the -u/--username option$"),
    ("-S unknown key", ["-c", "-S", "bogus", "true"], r"invalid sortby: 'bogus'$"),
    ("-U unknown column", ["-c", "-U", "bogus", "true"], r"unknown column name: 'bogus'$"),
    ("--workers zero", ["--workers", "0", "true"], r"invalid --workers argument: '0'$"),
    ("--flush-interval zero", ["--capture", "D/never", "--flush-interval", "0", "true"],
     r"invalid --flush-interval argument: '0'$"),
    ("--capture-size bad suffix", ["--capture", "D/never", "--capture-size", "1Q", "true"],
     r"invalid --capture-size argument: '1Q'$"),
    ("program not found in PATH", ["no-such-program-rn"],
     r"Can't stat 'no-such-program-rn': No such file or directory$"),
    ("program path missing", ["D/missing/prog"],
     r"Can't stat '.*/missing/prog': No such file or directory$"),
    ("program not executable", ["D/noexec"], r"Can't execute '.*/noexec': Permission denied$"),
    ("program is a directory", ["D/adir"], r"Can't execute '.*/adir': Is a directory$"),
    ("--capture empty", ["--capture", "", "true"], r"invalid --capture argument: ''$"),
    ("--capture a directory", ["--capture", "D/adir", "true"], r"capture '.*/adir': Is a directory$"),
    ("--capture in a missing directory", ["--capture", "D/missing/cap", "true"],
     r"capture '.*/missing/cap': No such file or directory$"),
    ("--capture through a symlink", ["--capture", "D/link", "true"],
     r"capture '.*/link': refusing to write through a symlink$"),
    ("--capture not a regular file", ["--capture", "/dev/null", "true"],
     r"capture '/dev/null': not a regular file$"),
    # More of what a user plausibly types.
    ("-- and no command", ["--"], r"must have PROG \[ARGS\] or -p PID$"),
    ("-u and no command", ["-u", "nobody"], r"must have PROG \[ARGS\] or -p PID$"),
    ("--format without its argument", ["--format"], r"option '--format' requires an argument$"),
    ("-e empty expression", ["-e", "", "true"], r"invalid system call ''$"),
    ("-e unknown class", ["-e", "trace=%nosuchclass", "true"],
     r"invalid system call '%nosuchclass'$"),
    ("-e unknown syscall after a class", ["-e", "trace=%file,nosuch", "true"],
     r"invalid system call 'nosuch'$"),
    ("-e empty signal set", ["-e", "signal=", "true"], r"invalid signal ''$"),
    ("-s trailing garbage", ["-s", "1x", "true"], r"invalid -s argument: '1x'$"),
    ("-s hex", ["-s", "0x10", "true"], r"invalid -s argument: '0x10'$"),
    ("-p trailing garbage", ["-p", "5x"], r"Invalid process id: '5x'$"),
    ("-p too large", ["-p", "99999999999999999999"],
     r"Invalid process id: '99999999999999999999'$"),
    ("-p list with zero", ["-p", "FREEPID,0"], r"Invalid process id: '0'$"),
    ("-ff -o with -C", ["-ff", "-C", "-o", "D/ff", "true"],
     r"\(-c/--summary-only or -C/--summary\) and -ff/--output-separately are mutually "
     r"exclusive$"),
    ("-ff -o with --format csv", ["-ff", "--format", "csv", "-o", "D/ff", "true"],
     r"-ff with -o writes strace's text: --format json/csv need one file$"),
    ("--workers not a number", ["--workers", "abc", "true"], r"invalid --workers argument: 'abc'$"),
    ("--workers too many", ["--workers", "100000", "true"],
     r"invalid --workers argument: '100000'$"),
    ("--spin not a number", ["--spin", "abc", "true"], r"invalid --spin argument: 'abc'$"),
    ("--spin negative", ["--spin", "-1", "true"], r"invalid --spin argument: '-1'$"),
    ("--flush-interval not a number", ["--capture", "D/never", "--flush-interval", "abc", "true"],
     r"invalid --flush-interval argument: 'abc'$"),
    ("--flush-interval nan", ["--capture", "D/never", "--flush-interval", "nan", "true"],
     r"invalid --flush-interval argument: 'nan'$"),
    ("--flush-interval empty", ["--capture", "D/never", "--flush-interval", "", "true"],
     r"invalid --flush-interval argument: ''$"),
    ("--capture-size zero", ["--capture", "D/never", "--capture-size", "0", "true"],
     r"invalid --capture-size argument: '0'$"),
    ("--capture-size empty", ["--capture", "D/never", "--capture-size", "", "true"],
     r"invalid --capture-size argument: ''$"),
    ("--capture-size overflow", ["--capture", "D/never", "--capture-size", "17179869184G", "true"],
     r"invalid --capture-size argument: '17179869184G'$"),
    ("--capture-files not a number", ["--capture", "D/never", "--capture-files", "abc", "true"],
     r"invalid --capture-files argument: 'abc'$"),
    ("--capture-files negative", ["--capture", "D/never", "--capture-files", "-1", "true"],
     r"invalid --capture-files argument: '-1'$"),
    ("--capture-size without --capture", ["--capture-size", "1M", "true"],
     r"--capture-size must be given with --capture$"),
    ("--capture-files without --capture", ["--capture-files", "2", "true"],
     r"--capture-files must be given with --capture$"),
    ("--flush-interval without --capture", ["--flush-interval", "2", "true"],
     r"--flush-interval must be given with --capture$"),
    ("-c with -C", ["-c", "-C", "true"], r"-c/--summary-only and -C/--summary are mutually exclusive$"),
    ("-C with -c", ["-C", "-c", "true"], r"-c/--summary-only and -C/--summary are mutually exclusive$"),
    ("-w without a summary", ["-w", "true"],
     r"-w/--summary-wall-clock must be given with \(-c/--summary-only or -C/--summary or "
     r"--process-summary\)$"),
    ("-U without a summary", ["-U", "calls", "true"],
     r"-U/--summary-columns must be given with \(-c/--summary-only or -C/--summary\)$"),
    ("-p empty item", ["-p", ","], r"Invalid process id: ''$"),
    ("-p leading blank", ["-p", " 5"], r"Invalid process id: ''$"),
    ("-p two separators", ["-p", "5,,6"], r"Invalid process id: ''$"),
    ("a long option with a short one's letter, no argument", ["--summary-sort-by"],
     r"option '--summary-sort-by' requires an argument$"),
    ("a value to a long option that takes none", ["--version=3"],
     r"option '--version' doesn't allow an argument$"),
]
if os.path.exists("/proc/2/comm") and open("/proc/2/comm").read().strip() == "kthreadd":
    CASES.append(("-p a kernel thread", ["-p", "2"],
                  r"attach: ptrace\(PTRACE_SEIZE, 2\): Operation not permitted$"))


def free_pid():
    """A pid that is not in use (a child that exited and was reaped)."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def zombie():
    """A child of ours that exited and is not reaped yet (reap it after)."""
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    check(T.wait_for(lambda: T.proc_state(pid) == "Z", 5), "no zombie")
    return pid


def expand(args, d, zpid):
    args = [a.replace("D/", d + "/") for a in args]
    args = [a.replace("FREEPID", str(free_pid())) for a in args]
    return [str(zpid) if a == "ZOMBIE" else a for a in args]


def test_renacer_bad_input():
    d = scratch()
    zpid = zombie()
    failures = []
    try:
        for name, args, msg in CASES:
            try:
                refused(renacer(*expand(args, d, zpid)), msg, exclude=(zpid,))
            except AssertionError as e:
                failures.append("%s:\n%s" % (name, T.indent(str(e))))
        check_eq(T.proc_state(zpid), "Z", "the zombie after renacer -p ZOMBIE")
    finally:
        os.waitpid(zpid, 0)
    check(not os.path.exists(os.path.join(d, "target")), "a capture was written through the link")
    check(not any(f.startswith("ff") for f in os.listdir(d)), "a -ff file was written")
    check(not os.path.exists(os.path.join(d, "never")), "a refused run created its capture")
    check(not failures, "\n".join(failures))


def test_nothing_traced():
    """A refused run writes no trace: its -o file (and capture) stay
    unwritten, whatever was refused. (renacer, like strace, opens -o before
    it attaches: a -p that fails leaves an empty file, as strace's.)"""
    d = scratch()
    for name, args in (("bad -e", ["-e", "trace=nosuch", "--", "true"]),
                       ("bad -s", ["-s", "abc", "--", "true"]),
                       ("bad --format", ["--format", "xml", "--", "true"]),
                       ("conflict", ["-c", "--format", "json", "--", "true"]),
                       ("missing program", ["--", "no-such-program-rn"]),
                       ("not executable", ["--", d + "/noexec"]),
                       ("free pid", ["-p", str(free_pid())])):
        out, cap = T.tmpfile("out"), T.tmpfile("cap")
        r = T.run(renacer("-o", out, "--capture", cap, *args), timeout=30)
        check_eq(r.rc, 1, "%s: exit status\n%s" % (name, r.describe()))
        check_eq(len(r.err.splitlines()), 1, "%s: stderr lines\n%s" % (name, r.describe()))
        check_eq(T.read_text(out), "", "%s: the -o file" % name)
        check(not os.path.exists(cap) or os.path.getsize(cap) == 0 or
              T.run([dump_cmd(), cap], timeout=30).out == "",
              "%s: the capture holds a trace" % name)


def test_exec_refused_by_kernel():
    """A program that passes the checks but that the kernel will not run (no
    known format: ENOEXEC; a #! interpreter that does not exist: ENOENT):
    as strace, the failed execve is the whole trace, then its exit; one
    line on stderr says why, exit status 1. The spawner's own error report
    and exit_group are not traced (strace hides them too, except its error
    write under -e trace=write; renacer hides it in every mode)."""
    d = scratch()
    garbage = os.path.join(d, "garbage")
    with open(garbage, "w") as f:
        f.write("not a program\n")
    os.chmod(garbage, 0o755)
    noint = os.path.join(d, "noint")
    with open(noint, "w") as f:
        f.write("#!/no/such/interpreter-rn\n")
    os.chmod(noint, 0o755)
    for prog, err, text in ((garbage, "ENOEXEC", "Exec format error"),
                            (noint, "ENOENT", "No such file or directory")):
        for opts in ([], ["-f"], ["-e", "trace=write"], ["-e", "trace=write", "--no-seccomp-bpf"]):
            what = "%s %s" % (" ".join(opts), os.path.basename(prog))
            out = T.tmpfile("out")
            r = T.run(renacer(*opts, "-s", "256", "-o", out, "--", prog), timeout=30)
            check_eq(r.rc, 1, "%s: exit status\n%s" % (what, r.describe()))
            check_eq(r.err, "renacer: exec: %s\n" % text, "%s: stderr" % what)
            lines = T.read_text(out).splitlines()
            pid = r"\d+ +" if "-f" in opts else ""
            want = ([pid + r'execve\("%s", \["%s"\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = -1 %s \(%s\)$'
                     % (re.escape(prog), re.escape(prog), err, re.escape(text))]
                    if "trace=write" not in opts else []) + [pid + r"\+\+\+ exited with 1 \+\+\+$"]
            check(len(lines) == len(want) and all(re.match(w, l) for w, l in zip(want, lines)),
                  "%s: the trace\n%s\nexpected:\n%s" % (what, T.indent("\n".join(lines)),
                                                      T.indent("\n".join(want))))


def test_attach_one_bad_pid_of_two():
    """-p GOOD -p FREEPID: as strace, one line about the bad pid, the good
    one traced; on SIGINT it is let go, running, not stopped."""
    sl = subprocess.Popen([fixture("sleeper")], stdout=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, cwd=T.TMP)
    ofile = T.tmpfile("trace")
    p = None
    try:
        m = re.match(r"^sleeper (\d+)$", sl.stdout.readline().decode())
        check(m, "sleeper did not start")
        bad = free_pid()
        p = subprocess.Popen(renacer("-p", str(sl.pid), "-p", str(bad), "-o", ofile),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=T.TMP, start_new_session=True)
        check(T.wait_for(lambda: "nanosleep" in T.read_text(ofile), 10),
              "the good pid is not traced")
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=T.scaled(20))
        err = err.decode()
        check_eq([l for l in err.splitlines() if "attach: " in l],
                 ["renacer: attach: ptrace(PTRACE_SEIZE, %d): No such process" % bad],
                 "the bad pid's line\n" + err)
        for _ in range(10):
            check(T.proc_state(sl.pid) in ("S", "R"),
                  "the good pid is in state %r" % T.proc_state(sl.pid))
            time.sleep(0.05)
        check_eq(T.tracer_pid(sl.pid), 0, "the good pid's tracer after SIGINT")
    finally:
        if p is not None and p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        sl.kill()
        sl.wait()


def test_renacer_u_needs_root():
    if os.geteuid() == 0:
        # As nobody (a real unprivileged user), renacer -u must refuse.
        r = T.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] +
                  renacer("-u", "root", "true"), timeout=30) if shutil.which("setpriv") else None
        if r is None:
            raise T.Skip("no setpriv to drop root")
    else:
        r = T.run(renacer("-u", "root", "true"), timeout=30)
    lines = r.err.splitlines()
    check(len(lines) == 1 and lines[0] == "renacer: You must be root to use the -u/--username option",
          "-u as a non-root user\n" + r.describe())
    check_eq(r.rc, 1, "exit status")
    check_eq(r.out, "", "stdout")


def test_attach_untraceable():
    """-p of a process that another tracer holds: EPERM, one line, the
    process left as it was (running, under its tracer)."""
    other = subprocess.Popen(renacer("-o", "/dev/null", "--", fixture("sleeper")),
                             stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=T.TMP,
                             start_new_session=True)
    try:
        m = re.match(r"^sleeper (\d+)$", other.stdout.readline().decode())
        check(m, "sleeper did not start")
        pid = int(m.group(1))
        refused(renacer("-p", str(pid)),
                r"attach: ptrace\(PTRACE_SEIZE, %d\): Operation not permitted$" % pid,
                exclude=(other.pid,))
        check_eq(T.tracer_pid(pid), other.pid, "the sleeper's tracer afterwards")
        check(T.proc_state(pid) in ("S", "R"), "the sleeper is in state %r" % T.proc_state(pid))
    finally:
        os.killpg(other.pid, signal.SIGKILL)
        other.wait()


def test_attach_own_pid():
    # sh execs renacer: its $$ is renacer's own pid.
    script = "exec " + " ".join(shlex.quote(a) for a in renacer()) + ' -p "$$"'
    refused(["sh", "-c", script], r"I'm sorry, I can't let you do that, Dave\.$")


def test_refused_command_not_run():
    """A refused run never starts its command: the command would create a
    file, and after the refusal that file does not exist (stdout empty
    proves nothing when the command is `true`)."""
    d = scratch()
    failures = []
    for name, args, msg in (
            ("bad -e", ["-e", "trace=nosuch"], r"invalid system call 'nosuch'$"),
            ("bad -s", ["-s", "abc"], r"invalid -s argument: 'abc'$"),
            ("bad --format", ["--format", "xml"],
             r"invalid --format argument: 'xml' \(text, json, csv, perfetto, report, compile-db or files\)$"),
            ("conflict", ["-t", "--absolute-timestamps"],
             r"-t and --absolute-timestamps cannot be provided simultaneously$"),
            ("bad -o", ["-o", d + "/adir"], r"Can't fopen '.*/adir': Is a directory$"),
            ("bad --capture", ["--capture", d + "/link"],
             r"capture '.*/link': refusing to write through a symlink$"),
            ("bad --workers", ["--workers", "0"], r"invalid --workers argument: '0'$"),
            ("bad -p with a command", ["-p", "abc"], r"Invalid process id: 'abc'$"),
            ("unknown -u user", ["-u", "no-such-user-rn"],
             r"Cannot find user 'no-such-user-rn'$" if ROOT
             else r"You must be root to use the -u/--username option$")):
        marker = T.tmpfile("ran")
        try:
            refused(renacer(*args) + ["--", "sh", "-c", 'echo ran > "$1"', "sh", marker], msg)
            check(not os.path.exists(marker), "the command ran")
        except AssertionError as e:
            failures.append("%s:\n%s" % (name, T.indent(str(e))))
    check(not failures, "\n".join(failures))


def test_bad_input_spares_attach_target():
    """Bad input given with -p of a live process: refused before attaching,
    the process left running, untraced, never stopped."""
    d = scratch()
    sl = T.Sleeper()
    failures = []
    try:
        p = str(sl.pid)
        for name, args, msg in (
                ("bad pid in the list", ["-p", p + ",abc"], r"Invalid process id: 'abc'$"),
                ("bad pid after it", ["-p", p, "-p", "0"], r"Invalid process id: '0'$"),
                ("bad -e", ["-p", p, "-e", "trace=nosuch"], r"invalid system call 'nosuch'$"),
                ("bad -s", ["-p", p, "-s", "abc"], r"invalid -s argument: 'abc'$"),
                ("bad --format", ["-p", p, "--format", "xml"],
                 r"invalid --format argument: 'xml' \(text, json, csv, perfetto, report, compile-db or files\)$"),
                ("bad -o", ["-p", p, "-o", d + "/adir"], r"Can't fopen '.*/adir': Is a directory$"),
                ("bad --capture", ["-p", p, "--capture", "/dev/null"],
                 r"capture '/dev/null': not a regular file$"),
                ("-u with -p only", ["-p", p, "-u", "root"],
                 r"-u USER applies to a command renacer starts: there is none with -p only$"
                 if ROOT else r"You must be root to use the -u/--username option$"),
                ("missing program too", ["-p", p, "--", "no-such-program-rn"],
                 r"Can't stat 'no-such-program-rn': No such file or directory$")):
            try:
                refused(renacer(*args), msg, exclude=(sl.pid,))
                # renacer has exited: had it attached, the sleeper would
                # be stopped or traced now.
                check(T.proc_state(sl.pid) in ("S", "R"),
                      "the sleeper is in state %r" % T.proc_state(sl.pid))
                check_eq(T.tracer_pid(sl.pid), 0, "the sleeper's tracer")
            except AssertionError as e:
                failures.append("%s:\n%s" % (name, T.indent(str(e))))
        sl.check_free_and_running("after every refusal")
    finally:
        sl.stop()
    check(not failures, "\n".join(failures))


def test_o_not_writable():
    """-o FILE that the user may not write (a read-only file, as a user
    that is not root): strace's line, nothing run."""
    import tempfile
    d = tempfile.mkdtemp(prefix="rn-ro.")
    try:
        os.chmod(d, 0o755)
        ro = os.path.join(d, "ro")
        with open(ro, "w"):
            pass
        os.chmod(ro, 0o444)
        marker = os.path.join(d, "ran")
        cmd = renacer("-o", ro, "--", "sh", "-c", 'echo ran > "$1"', "sh", marker)
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                raise T.Skip("no setpriv to drop root")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        refused(cmd, r"Can't fopen '%s': Permission denied$" % re.escape(ro))
        check_eq(os.path.getsize(ro), 0, "the read-only file's size")
        check(not os.path.exists(marker), "the command ran")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- renacer-dump

def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def make_capture():
    """A capture of several frames (a frame every 50 ms of a 0.4 s run: each
    flush ends one, as RENACER_CAPTURE_FRAME_BYTES=1 asks)."""
    cap = T.tmpfile("cap")
    env = dict(os.environ, RENACER_CAPTURE_FRAME_BYTES="1")
    r = T.run(renacer("-f", "--capture", cap, "--flush-interval", "0.05", "-o", "/dev/null",
                      "--", "sh", "-c", "for i in 1 2 3 4; do sleep 0.1; done"), timeout=60,
              env=env)
    check_eq(r.rc, 0, "capture run\n" + r.describe())
    with open(cap, "rb") as f:
        return cap, f.read()


def write_file(data):
    p = T.tmpfile("file")
    with open(p, "wb") as f:
        f.write(data)
    return p


def zstd_frames(data):
    """The offsets of the zstd frames of a capture (magic 28 b5 2f fd)."""
    return [m.start() for m in re.finditer(re.escape(b"\x28\xb5\x2f\xfd"), data)]


def test_outputs_one_file():
    """Two outputs that are one file are refused before either is written:
    -o and --capture by name, through ./, a hard link, a dangling symlink;
    --capture named like one of -ff's FILE.TID; -o named like a part of a
    rotated capture; the trace's stdout redirected into the capture;
    --capture twice. An existing file keeps its content."""
    d = scratch()
    keep = os.path.join(d, "G")
    with open(keep, "w") as f:
        f.write("keep\n")
    os.link(keep, os.path.join(d, "H"))
    os.symlink("C", os.path.join(d, "L"))
    cases = [
        (["-o", "G", "--capture", "G"], r"-o 'G' and --capture 'G' are the same file$"),
        (["-o", "G", "--capture", "./G"], r"-o 'G' and --capture '\./G' are the same file$"),
        (["-o", "G", "--capture", "H"], r"-o 'G' and --capture 'H' are the same file$"),
        (["-o", "L", "--capture", "C"], r"-o 'L' and --capture 'C' are the same file$"),
        (["-o", d + "/G", "--capture", "G"],
         r"-o '.*/G' and --capture 'G' are the same file$"),
        (["-ff", "-o", "T", "--capture", "T.12"],
         r"--capture 'T\.12' is named like one of -ff's files 'T\.TID'$"),
        (["-ff", "-o", "C", "--capture", "C", "--capture-size", "1M"],
         r"-ff -o 'C' and a rotated --capture 'C' would both write 'C\.N'$"),
        (["-o", "C.3", "--capture", "C", "--capture-size", "1M"],
         r"-o 'C\.3' is named like a part of the rotated capture 'C\.N'$"),
        (["--capture", "C", "--capture", "D"],
         r"--capture given twice \('C', 'D'\): one capture per run$"),
    ]
    for args, msg in cases:
        r = T.run(renacer(*args, "--", "true"), cwd=d)
        lines = r.err.splitlines()
        check(len(lines) == 1 and re.match("renacer: " + msg, lines[0]),
              "want one line matching %r\n%s" % (msg, r.describe()))
        check_eq(r.rc, 1, "exit status\n" + r.describe())
        with open(keep) as f:
            check_eq(f.read(), "keep\n", "%s: G's content" % args)
        for name in ("C", "D", "T", "T.12", "C.3"):
            check(not os.path.exists(os.path.join(d, name)), "%s: %s was created" % (args, name))
    # stdout (the trace's output) is the capture file.
    cap = os.path.join(d, "C")
    with open(cap, "wb") as out:
        p = subprocess.run(renacer("--capture", cap, "--", "true"), stdout=out,
                           stderr=subprocess.PIPE, cwd=d, timeout=T.scaled(30))
    check_eq(p.returncode, 1, "stdout into the capture: exit status")
    check_eq(p.stderr.decode(), "renacer: the trace's output (standard output) is the "
             "capture file '%s'\n" % cap, "stdout into the capture: stderr")
    check_eq(os.path.getsize(cap), 0, "the capture file was written")


def closed(*fds):
    def setup():
        T._no_core()
        for fd in fds:
            os.close(fd)
    return setup


def test_closed_std_fds():
    """renacer started with fd 0, 1 or 2 closed: nothing lands on them by
    accident (the capture, the -o file, an error), and the command still
    finds them closed."""
    d = scratch()
    # stdout closed and the trace meant for it: refused, nothing created.
    cap = os.path.join(d, "x.rnc")
    p = subprocess.run(renacer("--format", "text", "--capture", cap, "--", "ls", "/"),
                       stderr=subprocess.PIPE, preexec_fn=closed(1), cwd=d,
                       timeout=T.scaled(30))
    check_eq(p.returncode, 1, "stdout closed: exit status")
    check_eq(p.stderr.decode(), "renacer: standard output is closed: nothing to write the "
             "trace to (use -o FILE)\n", "stdout closed: stderr")
    check(not os.path.exists(cap), "stdout closed: the capture was created")
    # A capture alone needs no stdout: it is written, and the command
    # finds fd 1 closed (ls fails to write: 2), not the capture.
    p = subprocess.run(renacer("--capture", cap, "--", "ls", "/"), stderr=subprocess.PIPE,
                       preexec_fn=closed(1), cwd=d, timeout=T.scaled(30))
    check_eq((p.returncode, p.stderr.decode().count("renacer")), (2, 0),
             "a capture alone, stdout closed: ls's exit status, no word of renacer's")
    dumped = T.run([dump_cmd(), cap])
    check_eq(dumped.rc, 0, "a capture alone, stdout closed: the capture\n" + dumped.describe())
    check(re.search(r"^write\(1, .* = -1 EBADF", dumped.out, re.M),
          "a capture alone, stdout closed: no failed write(1, ...) in\n" + dumped.out[-800:])
    # stderr closed: the error goes nowhere, not into the -o file.
    out = os.path.join(d, "t.txt")
    p = subprocess.run(renacer("-o", out, "-p", str(free_pid())), stdout=subprocess.PIPE,
                       preexec_fn=closed(2), cwd=d, timeout=T.scaled(30))
    check_eq(p.returncode, 1, "stderr closed: exit status")
    check_eq(T.read_text(out), "", "stderr closed: the -o file")
    # The command sees the closed descriptors closed, as untraced.
    for fd, cmd, call in ((1, ["sh", "-c", "echo hi"], 'write(1, "hi\\n", 3) = -1 EBADF'),
                          (0, ["cat"], 'newfstatat(0, "", ')):
        p = subprocess.run(renacer("-o", out, "--", *cmd), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           preexec_fn=closed(fd), cwd=d, timeout=T.scaled(30))
        check_eq(p.returncode, 1, "fd %d closed: the command's exit status" % fd)
        lines = [re.sub(r" {2,}", " ", l) for l in T.read_text(out).splitlines()]
        check(any(l.startswith(call) for l in lines),
              "fd %d closed: no %r in the trace:\n%s" % (fd, call, "\n".join(lines[-8:])))
        check(any(l.startswith(call) and l.endswith("= -1 EBADF (Bad file descriptor)")
                  for l in lines), "fd %d closed: the call did not fail with EBADF" % fd)
    # renacer-dump with stdout closed.
    good = T.tmpfile("cap")
    T.run(renacer("-o", "/dev/null", "--capture", good, "--", "true"))
    p = subprocess.run([dump_cmd(), good], stderr=subprocess.PIPE, preexec_fn=closed(1),
                       timeout=T.scaled(30))
    check_eq(p.returncode, 1, "renacer-dump, stdout closed: exit status")
    check_eq(p.stderr.decode(), "renacer-dump: standard output is closed: nothing to write "
             "to\n", "renacer-dump, stdout closed: stderr")


def test_dump_bad_input():
    cap, data = make_capture()
    d = scratch()
    frames = zstd_frames(data)
    check(len(frames) >= 3, "the capture has %d frames" % len(frames))
    # A byte flipped inside the last frame: that frame is skipped.
    damaged = bytearray(data)
    damaged[(frames[-1] + len(data)) // 2] ^= 0xff
    # A byte flipped inside the header (the first frame): skipped too; the
    # events are still rendered (with renacer-dump's own syscall table).
    damaged_header = bytearray(data)
    damaged_header[frames[1] // 2] ^= 0xff
    q = re.escape
    missing = T.tmpfile("missing")
    empty, notcap = write_file(b""), write_file(b"hello, world\n" * 10)
    dmg, dmgh = write_file(bytes(damaged)), write_file(bytes(damaged_header))
    trunc = write_file(data[:(frames[-1] + len(data)) // 2])
    # Cut inside the header frame (or in its magic): a capture cut short,
    # not "not a capture"; nothing readable, so exit 1 (man page).
    cut_header = write_file(data[:frames[1] // 2])
    cut_magic = write_file(data[:2])
    # The header frame alone (renacer killed at once), damaged.
    header_only = bytearray(data[:frames[1]])
    header_only[frames[1] // 2] ^= 0xff
    header_only = write_file(bytes(header_only))
    # The header's magic damaged: the events are still read.
    bad_magic = bytearray(data)
    bad_magic[0] ^= 0xff
    bad_magic = write_file(bytes(bad_magic))
    # Garbage beyond the first 16 MiB, then a capture: not a capture.
    far = write_file(b"x" * (17 << 20) + data)
    cases = [
        ("no capture file", [], r"must have a capture file$", 1),
        ("cut inside its header frame", [cut_header],
         q(cut_header) + r": nothing readable: skipped bytes 0-%d \(truncated frame\)$"
         % (frames[1] // 2 - 1), 1),
        ("cut inside its first magic", [cut_magic],
         q(cut_magic) + r": nothing readable: skipped bytes 0-1 \(truncated frame\)$", 1),
        ("only a damaged header", [header_only],
         q(header_only) + r": nothing readable: skipped bytes 0-%d \(corrupt frame: .+\)$"
         % (frames[1] - 1), 1),
        ("the header's magic damaged", [bad_magic],
         q(bad_magic) + r": skipped bytes 0-%d \(bytes that are not a zstd frame\)$"
         % (frames[1] - 1), 2),
        ("a capture after 17 MiB of garbage", [far],
         q(far) + r": not a renacer capture \(no zstd frame\)$", 1),
        ("missing file", [missing], q(missing) + r": No such file or directory$", 1),
        ("a directory", [d + "/adir"], q(d) + r"/adir: is a directory$", 1),
        ("empty file", [empty], q(empty) + r": empty file$", 1),
        ("not a capture", [notcap], q(notcap) + r": not a renacer capture \(no zstd frame\)$", 1),
        ("damaged frame", [dmg],
         q(dmg) + r": skipped bytes %d-%d \(corrupt frame: .+\)$" % (frames[-1], len(data) - 1),
         2),
        ("truncated file", [trunc],
         q(trunc) + r": skipped bytes %d-\d+ \(truncated frame\)$" % frames[-1], 2),
        ("one file of two missing", [cap, missing],
         q(missing) + r": not read: No such file or directory$", 2),
        ("unknown option", ["--bogus", cap], r"unrecognized option '--bogus'$", 1),
        ("unknown short option", ["-Q", cap], r"invalid option -- 'Q'$", 1),
        ("option without its argument", [cap, "--format"],
         r"option '--format' requires an argument$", 1),
        ("short option without its argument", [cap, "-s"],
         r"option requires an argument -- 's'$", 1),
        ("bad -s", ["-s", "abc", cap], r"invalid -s argument: 'abc'$", 1),
        ("unknown --format", ["--format", "xml", cap],
         r"invalid --format argument: 'xml' \(text, json, csv, stats, perfetto, report, compile-db or files\)$", 1),
        ("-C with --format json", ["-C", "--format", "json", cap],
         r"-C prints a text table: --format json/csv/perfetto cannot go with it$", 1),
        ("-c with -C", ["-c", "-C", cap],
         r"-C/--summary and -c/--format stats are mutually exclusive$", 1),
        ("a long option's value to one that takes none", ["--version=3", cap],
         r"option '--version' doesn't allow an argument$", 1),
        # More of what a user plausibly types.
        ("an empty file, then a capture", [empty, cap], q(empty) + r": not read: empty file$", 2),
        ("two files, both missing", [missing, missing + "x"],
         q(missing) + r": No such file or directory$", 1),
        ("--pid not a number", ["--pid", "abc", cap], r"invalid --pid argument: 'abc'$", 1),
        ("--pid zero", ["--pid", "0", cap], r"invalid --pid argument: '0'$", 1),
        ("--pid without its argument", [cap, "--pid"], r"option '--pid' requires an argument$", 1),
        ("-s negative", ["-s", "-1", cap], r"invalid -s argument: '-1'$", 1),
        ("-e unknown syscall", ["-e", "trace=nosuch", cap], r"invalid system call 'nosuch'$", 1),
        ("-e unknown signal", ["-e", "signal=SIGFOO", cap], r"invalid signal 'SIGFOO'$", 1),
        ("-S unknown key", ["-c", "-S", "bogus", cap], r"invalid sortby: 'bogus'$", 1),
        ("-U unknown column", ["-c", "-U", "bogus", cap], r"unknown column name: 'bogus'$", 1),
        ("-t with --absolute-timestamps", ["-t", "--absolute-timestamps", cap],
         r"-t and --absolute-timestamps cannot be provided simultaneously$", 1),
        ("bad --timestamps format", ["--timestamps=bogus", cap],
         r"invalid --timestamps argument: 'bogus'$", 1),
        ("-y on a capture without paths", ["-y", cap],
         r"-y: this capture has no descriptor paths \(record them with renacer -y\)$", 1),
    ]
    future = future_capture(data)
    if future:
        cases.append(("future format", [future],
                      q(future) + r": capture format 3 is newer than this reader \(2\)$", 1))
    failures = []
    for name, args, msg, rc in cases:
        try:
            r = refused([dump_cmd()] + args, msg, rc=rc, prog="renacer-dump",
                        stdout_empty=rc != 2)
            if rc == 2:
                check(r.out, "a damaged capture: what was readable is still shown")
        except AssertionError as e:
            failures.append("%s:\n%s" % (name, T.indent(str(e))))
    if not future:
        failures.append("future format: no zstd program to build the file")
    # The header lost: one line about it, exit 2, the events still shown,
    # and nothing else on stderr: the run's options are unknown, so the
    # "renacer: Process N attached" notes it may have written are not.
    try:
        refused([dump_cmd(), dmgh], q(dmgh) + r": skipped bytes 0-%d \(corrupt frame: .+\)$"
                % (frames[1] - 1), rc=2, prog="renacer-dump", stdout_empty=False,
                timeout=60)
    except AssertionError as e:
        failures.append("damaged header:\n%s" % T.indent(str(e)))
    # Garbage before an intact header: the header is still found, the dump
    # is the intact one's, the garbage reported.
    whole = T.run([dump_cmd(), cap], timeout=60)
    check_eq((whole.rc, whole.err), (0, ""), "the intact capture\n" + whole.describe())
    for name, junk, what in (("garbage", b"garbage!" * 125, r"bytes that are not a zstd frame"),
                             ("a damaged frame", b"\x28\xb5\x2f\xfd" + b"\xff" * 996,
                              r"(?:corrupt|truncated) frame.*")):
        lead = write_file(junk + data)
        try:
            r = refused([dump_cmd(), lead], q(lead) + r": skipped bytes 0-999 \(%s\)$" % what,
                        rc=2, prog="renacer-dump", stdout_empty=False, timeout=60)
            check(r.out == whole.out, "the dump differs from the intact one's\n" + r.out[:2000])
        except AssertionError as e:
            failures.append("%s before the header:\n%s" % (name, T.indent(str(e))))
    check(not failures, "\n".join(failures))


def test_dump_endless_input():
    """Input that never ends (or that is huge) and cannot be a capture is
    refused at once: devices and FIFOs are not read at all (a capture is a
    regular file), a regular file is refused once its first 16 MiB hold no
    frame, a zstd frame too large for a header once it passes 64 MiB. Each
    within a few seconds, one line, exit 1."""
    d = T.tmpfile("endless")
    os.mkdir(d)
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    sparse = os.path.join(d, "sparse")
    with open(sparse, "wb") as f:
        f.truncate(64 << 30)  # 64 GiB of zeros, sparse
    rand = write_file(os.urandom(32 << 20))
    failures = []

    def case(name, path, msg, exclude=()):
        try:
            refused([dump_cmd(), path], re.escape(path) + ": " + msg, prog="renacer-dump",
                    timeout=5, exclude=exclude)
        except AssertionError as e:
            failures.append("%s:\n%s" % (name, T.indent(str(e))))

    case("/dev/zero", "/dev/zero", r"not a regular file$")
    case("/dev/urandom", "/dev/urandom", r"not a regular file$")
    case("a FIFO nobody writes to", fifo, r"not a regular file$")
    # A FIFO that sends zeros (cat ends on EPIPE once the reader is gone,
    # or blocks in open when renacer-dump never opened it: killed).
    writer = subprocess.Popen(["sh", "-c", 'exec cat /dev/zero > "$1"', "sh", fifo],
                              stderr=subprocess.DEVNULL)
    try:
        # the feeder is ours and alive by design: not left behind by renacer-dump
        case("a FIFO of zeros", fifo, r"not a regular file$", exclude=(writer.pid,))
    finally:
        writer.kill()
        writer.wait()
    case("64 GiB of zeros", sparse, r"not a renacer capture \(no zstd frame\)$")
    case("32 MiB of random bytes", rand, r"not a renacer capture \(no zstd frame\)$")
    zstd = shutil.which("zstd")
    if zstd:
        # One zstd frame of 1 GiB of zeros (a few KiB compressed).
        big = os.path.join(d, "big.zst")
        with open(big, "wb") as out:
            subprocess.run("head -c 1G /dev/zero | %s -q -c" % shlex.quote(zstd), shell=True,
                           stdout=out, check=True)
        case("a 1 GiB zstd frame", big,
             r"not a renacer capture \(its first frame is not a header\)$")
    check(not failures, "\n".join(failures))


def test_dump_skippable_frames():
    """zstd's skippable frames (RFC 8878 3.1.2) are frames: stepped over
    before the header, between frames and at the end, the dump the same;
    one cut short is damage like any truncated frame."""
    cap, data = make_capture()
    frames = zstd_frames(data)
    whole = T.run([dump_cmd(), cap], timeout=60)
    check_eq((whole.rc, whole.err), (0, ""), "the intact capture\n" + whole.describe())

    def skippable(n, payload):
        return bytes([0x50 + n, 0x2a, 0x4d, 0x18]) + struct.pack("<I", len(payload)) + payload

    with_skips = (skippable(0, b"") + skippable(15, b"\x28\xb5\x2f\xfd" * 100) +
                  data[:frames[1]] + skippable(3, b"not a frame") + data[frames[1]:] +
                  skippable(1, b"the end"))
    p = write_file(with_skips)
    r = T.run([dump_cmd(), p], timeout=60)
    check_eq((r.rc, r.err), (0, ""), "skippable frames\n" + r.describe())
    check(r.out == whole.out, "skippable frames: the dump differs from the intact one's")
    cut = write_file(data + skippable(2, b"x" * 100)[:50])
    r = refused([dump_cmd(), cut], re.escape(cut) + r": skipped bytes %d-%d \(truncated frame\)$"
                % (len(data), len(data) + 49), rc=2, prog="renacer-dump", stdout_empty=False)
    check(r.out == whole.out, "a truncated skippable frame at the end: the rest the same")


def future_capture(data):
    """The capture rewritten with format 3 in its header (via zstd -d/-c),
    or None without the zstd program."""
    zstd = shutil.which("zstd")
    if not zstd:
        return None
    raw = subprocess.run([zstd, "-dc"], input=data, stdout=subprocess.PIPE, check=True).stdout
    key = b"\xa6format\x02"  # fixstr "format", then positive fixint 2
    check(key in raw[:4096], "no format key in the header")
    raw = raw.replace(key, b"\xa6format\x03", 1)
    comp = subprocess.run([zstd, "-qc"], input=raw, stdout=subprocess.PIPE, check=True).stdout
    return write_file(comp)


if __name__ == "__main__":
    T.main([test_renacer_bad_input, test_nothing_traced, test_outputs_one_file,
            test_closed_std_fds, test_attach_one_bad_pid_of_two,
            test_renacer_u_needs_root, test_attach_untraceable, test_attach_own_pid,
            test_exec_refused_by_kernel, test_refused_command_not_run, test_bad_input_spares_attach_target,
            test_o_not_writable, test_dump_bad_input, test_dump_endless_input, test_dump_skippable_frames])
