#!/usr/bin/env python3
"""Tampering against strace 6.1: -e inject= (error=, retval=, signal=,
syscall=, delay_enter=, delay_exit=, when=) and -e fault=, on the
inject_calls fixture.  Each expression is run under strace -f and under
renacer -f twice (with its seccomp filter and with --no-seccomp-bpf, as
test_filter.py does), and:

  - the traces hold exactly the same lines, process by process, after
    test_filter's normalisation ("= -1 EPERM (...) (INJECTED)",
    "(DELAYED)", the signal lines);
  - the program's own output (each result and errno as it saw them) is
    byte for byte strace's, and what each when= form selects is checked
    against the call numbers the manual gives;
  - delays really delay: the delayed call took at least the delay (a lower
    bound only: nothing here depends on how fast a busy machine is);
  - bad expressions: the one line strace prints and its exit status 1;
    retval='s warnings the same line and exit 0.
"""
import re
import shutil

import rntest as T
import test_filter as F
from rntest import check, check_eq, fixture

TRACE = "trace=getuid,chdir,close"


def strace_path():
    s = shutil.which(T.ARGS.strace)
    if not s:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    return s


def compare(opts, mode, out_fix=lambda o: o):
    """strace -f OPTS and renacer -f [seccomp mode] OPTS on inject_calls
    MODE: the same trace lines and the same program output (after
    out_fix).  Returns (strace's canonical trace, its program output, the
    renacer runs)."""
    argv = [fixture("inject_calls"), mode]
    s = F.run_tracer("strace", [strace_path()], opts, argv)
    check_eq(s.rc, 0, "strace's exit status (%s; stderr %r)" % (s.describe(), s.err[-400:]))
    sc = F.canon(s.trace, s.tracer_pid)
    runs = []
    for name, mopts in F.MODES:
        r = F.run_tracer("renacer " + name, T.renacer_cmd(), mopts + list(opts), argv)
        check_eq(r.rc, 0, "renacer's exit status (%s; stderr %r)" % (r.describe(), r.err[-400:]))
        d = F.diff_canon(sc, F.canon(r.trace, r.tracer_pid), "strace", "renacer(%s)" % name)
        check(not d, "renacer -f %s differs from strace -f %s on inject_calls %s:\n%s\n%s"
              % (" ".join(mopts + list(opts)), " ".join(opts), mode, T.indent(d), r.trace.dump(30)))
        check_eq(out_fix(r.out), out_fix(s.out),
                 "what inject_calls %s saw under renacer %s (%s) and under strace"
                 % (mode, " ".join(opts), name))
        runs.append(r)
    return sc, s.out, runs


def results(out, name):
    """{call number: (r, e)} of the fixture's NAME lines."""
    got = {}
    for m in re.finditer(r"^%s (\d+) r=(-?\d+) e=(\w+)" % name, out, re.M):
        got[int(m.group(1))] = (int(m.group(2)), m.group(3))
    return got


def injected(out, name, want):
    """The call numbers whose result is `want` ((r, e))."""
    return sorted(i for i, res in results(out, name).items() if res == want)


def lines_of(c):
    return [l for lab in sorted(c) for l in c[lab]]


# ------------------------------------------------------------- results

def test_error():
    c, out, _ = compare(["-e", TRACE, "-e", "inject=chdir:error=ENOENT"], "seq")
    check_eq(injected(out, "chdir", (-1, "ENOENT")), [1, 2, 3], "every chdir fails with ENOENT")
    check_eq(lines_of(c).count('chdir("/") = -1 ENOENT (No such file or directory) (INJECTED)'), 3,
             "three chdir lines marked (INJECTED)\n" + F.dump_canon(c))
    check_eq(injected(out, "getuid", (-1, "ENOENT")), [], "getuid untouched")


def test_retval():
    c, out, _ = compare(["-e", TRACE, "-e", "inject=getuid:retval=42"], "seq")
    check_eq(injected(out, "getuid", (42, "0")), [1, 2, 3, 4, 5, 6], "every getuid returns 42")
    check_eq(lines_of(c).count("getuid() = 42 (INJECTED)"), 6, "(INJECTED) lines\n" + F.dump_canon(c))
    # a failing call made to succeed
    c, out, _ = compare(["-e", TRACE, "-e", "inject=close:retval=0"], "seq")
    check_eq(results(out, "close"), {1: (0, "0")}, "close(-1) returns 0")
    check("close(-1) = 0 (INJECTED)" in lines_of(c), "close's line\n" + F.dump_canon(c))


def test_when_forms():
    col = F.Collect()
    want = {"3": [3], "2..4": [2, 3, 4], "2+": [2, 3, 4, 5, 6], "2+3": [2, 5],
            "1..5+2": [1, 3, 5], "4..4": [4]}
    for when, calls in want.items():
        def one(when=when, calls=calls):
            _, out, _ = compare(["-e", TRACE, "-e", "inject=getuid:error=EPERM:when=" + when], "seq")
            check_eq(injected(out, "getuid", (-1, "EPERM")), calls, "when=%s selects" % when)
        col(one)
    col.done()


def test_fault():
    c, out, _ = compare(["-e", TRACE, "-e", "fault=chdir"], "seq")
    check_eq(injected(out, "chdir", (-1, "ENOSYS")), [1, 2, 3], "fault= fails with ENOSYS")
    check_eq(lines_of(c).count('chdir("/") = -1 ENOSYS (Function not implemented) (INJECTED)'), 3,
             "fault= lines\n" + F.dump_canon(c))
    _, out, _ = compare(["-e", TRACE, "-e", "fault=getuid:error=EACCES:when=2"], "seq")
    check_eq(injected(out, "getuid", (-1, "EACCES")), [2], "fault=...:error=EACCES:when=2")


def test_expressions_combine():
    """Different sets add up; for a call named again the later rule
    replaces the earlier one entirely."""
    _, out, _ = compare(["-e", TRACE, "-e", "inject=getuid:retval=5",
                         "-e", "inject=chdir:error=EIO:when=3"], "seq")
    check_eq(injected(out, "getuid", (5, "0")), [1, 2, 3, 4, 5, 6], "getuid's rule")
    check_eq(injected(out, "chdir", (-1, "EIO")), [3], "chdir's rule")
    _, out, _ = compare(["-e", TRACE, "-e", "inject=getuid,chdir:retval=1",
                         "-e", "inject=getuid:retval=2:when=2"], "seq")
    check_eq(injected(out, "getuid", (1, "0")), [], "getuid's first rule is replaced")
    check_eq(injected(out, "getuid", (2, "0")), [2], "getuid's second rule")
    check_eq(injected(out, "chdir", (1, "0")), [1, 2, 3], "chdir keeps the first rule")


def test_counted_per_process():
    """when= counts each process's calls: the child starts at zero; the
    parent's count goes on after the fork."""
    _, out, _ = compare(["-e", "trace=getuid", "-e", "inject=getuid:retval=7:when=2"], "fork")
    lines = [l for l in out.splitlines() if l.startswith("getuid ")]
    check_eq(len(lines), 9, "the parent's 3, the child's 3, the parent's 3 (%r)" % out)
    check_eq([i for i, l in enumerate(lines) if " r=7 " in l], [1, 4],
             "injected: the parent's 2nd and the child's 2nd getuid (%r)" % out)


def test_syscall_replaced():
    c, out, _ = compare(["-e", TRACE, "-e", "inject=chdir:syscall=getuid:retval=3:when=2"], "seq")
    check_eq(injected(out, "chdir", (3, "0")), [2], "chdir 2 returns 3")
    check('chdir("/") = 3 (INJECTED)' in lines_of(c), "its line\n" + F.dump_canon(c))


def test_not_in_trace_set():
    """strace 6.1 tampers only with traced calls: getuid left out of
    trace= is neither shown nor changed."""
    c, out, _ = compare(["-e", "trace=chdir", "-e", "inject=getuid:retval=7"], "seq")
    check_eq(injected(out, "getuid", (7, "0")), [], "getuid untouched")
    check(not any(l.startswith("getuid(") for l in lines_of(c)), "no getuid line\n" + F.dump_canon(c))


def test_command_execve_untouched():
    """The execve that starts the command is not counted nor tampered
    with (strace's): when=1 is the shell's own exec, when=2 nothing."""
    sh = shutil.which("sh")
    for when, rc in (("1", 126), ("2", 0)):
        opts = ["-e", "trace=execve", "-e", "inject=execve:error=EACCES:when=" + when]
        argv = [sh, "-c", "exec /bin/true"]
        s = F.run_tracer("strace", [strace_path()], opts, argv)
        check_eq(s.rc, rc, "strace's exit status (%s)" % s.describe())
        sc = F.canon(s.trace, s.tracer_pid)
        for name, mopts in F.MODES:
            r = F.run_tracer("renacer " + name, T.renacer_cmd(), mopts + opts, argv)
            check_eq(r.rc, rc, "renacer's exit status (%s; %r)" % (r.describe(), r.err))
            d = F.diff_canon(sc, F.canon(r.trace, r.tracer_pid), "strace", "renacer(%s)" % name)
            check(not d, "when=%s:\n%s" % (when, T.indent(d)))
        check_eq(sum("(INJECTED)" in l for l in lines_of(sc)), 1 if rc else 0,
                 "strace's (INJECTED) lines\n" + F.dump_canon(sc))


# ------------------------------------------------------------- signals, delays

def test_signal():
    c, out, _ = compare(["-e", "trace=getuid", "-e", "inject=getuid:signal=SIGUSR1:when=2"], "signal")
    check("handled 1\n" in out, "the handler ran once: %r" % out)
    check_eq(injected(out, "getuid", (-1, "EPERM")), [], "no error injected")
    ls = lines_of(c)
    check("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---" in ls, "the signal line\n"
          + F.dump_canon(c))
    check(not any("(INJECTED)" in l for l in ls), "signal= alone is not (INJECTED)\n" + F.dump_canon(c))
    _, out, _ = compare(["-e", "trace=getuid", "-e", "inject=getuid:signal=USR1:error=EPERM:when=2+"],
                        "signal")
    check("handled 2\n" in out, "the handler ran twice: %r" % out)
    check_eq(injected(out, "getuid", (-1, "EPERM")), [2, 3], "EPERM with the signal")


def no_ms(out):
    return re.sub(r" ms=\d+", "", out)


def took(out):
    return dict((int(m.group(1)), int(m.group(2)))
                for m in re.finditer(r"^getuid (\d+) .* ms=(\d+)$", out, re.M))


def test_delays():
    # each call's time is only checked from below: a busy machine may make
    # any call slow, never a delayed one fast
    c, _, runs = compare(["-e", "trace=getuid", "-e", "inject=getuid:delay_enter=300ms:when=2"],
                         "delay", out_fix=no_ms)
    check_eq(lines_of(c).count("getuid() = 0 (DELAYED)"), 1, "one (DELAYED) line\n" + F.dump_canon(c))
    for r in runs:
        check(took(r.out).get(2, 0) >= 290, "renacer (%s): delay_enter: %r" % (r.who, took(r.out)))
    c, _, runs = compare(["-e", "trace=getuid",
                          "-e", "inject=getuid:delay_exit=250000:error=EPERM:when=1"],
                         "delay", out_fix=no_ms)
    check("getuid() = -1 EPERM (Operation not permitted) (INJECTED) (DELAYED)" in lines_of(c),
          "(INJECTED) (DELAYED)\n" + F.dump_canon(c))
    for r in runs:
        check(took(r.out).get(1, 0) >= 240, "renacer (%s): delay_exit: %r" % (r.who, took(r.out)))
    c, _, runs = compare(["-e", "trace=getuid",
                          "-e", "inject=getuid:delay_enter=0.1s:delay_exit=100ms:when=3"],
                         "delay", out_fix=no_ms)
    check_eq(lines_of(c).count("getuid() = 0 (DELAYED)"), 1, "one (DELAYED) line\n" + F.dump_canon(c))
    for r in runs:
        check(took(r.out).get(3, 0) >= 190, "renacer (%s): both delays: %r" % (r.who, took(r.out)))


def count_rows(text):
    """{syscall: (calls, errors)} of a -c table."""
    rows = {}
    for l in text.splitlines():
        f = l.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            rows[f[-1]] = (int(f[3]), int(f[4]) if len(f) == 6 else 0)
    return rows


def test_count_table():
    """-c counts an injected error as an error (and -c then counts by
    ptrace, not in the kernel: the calls must stop to be tampered with)."""
    opts = ["-c", "-e", "trace=getuid,chdir", "-e", "inject=chdir:error=ENOENT:when=2+"]
    argv = [fixture("inject_calls"), "seq"]
    s = F.run_tracer("strace", [strace_path()], opts, argv)
    r = F.run_tracer("renacer", T.renacer_cmd(), opts, argv)
    want = {"getuid": (6, 0), "chdir": (3, 2)}
    check_eq(count_rows(T.read_text(s.cmd[s.cmd.index("-o") + 1])), want, "strace's -c table")
    check_eq(count_rows(T.read_text(r.cmd[r.cmd.index("-o") + 1])), want, "renacer's -c table")
    check_eq(r.out, s.out, "what inject_calls saw under renacer -c and strace -c")


# ------------------------------------------------------------- bad input

BAD = [
    "inject=open:error=FOO", "inject=open", "inject=open:retval=1:error=ENOENT",
    "inject=open:when=0", "inject=open:error=1:when=65536", "inject=open:error=1:when=2..1",
    "inject=open:error=1:when=1..65535", "inject=open:error=4096", "inject=open:error=0",
    "inject=open:signal=FOO", "inject=open:signal=0", "inject=open:signal=65",
    "inject=open:delay_enter=x", "inject=open:delay_enter=-1", "inject=open:delay_enter=10h",
    "inject=open:delay_enter=", "inject=open:delay_exit=0x10", "inject=open:error=1:foo=2",
    "fault=open:retval=1", "fault=open:signal=SIGUSR1", "fault=open:delay_enter=1",
    "inject=foo:error=1", "inject=:error=1", "inject=open:error=1:error=2",
    "inject=open:signal=1:signal=2", "inject=open:error=1:when=", "inject=open:error=1:when=2+0",
    "inject=open:error=1:when=2..", "inject=open:error=1:when=2++",
    "inject=open:syscall=open:error=1", "inject=open:syscall=getpid",
    "inject=open:retval=abc", "inject=open:retval=99999999999999999999",
    "fault=open:error=EPERM:error=EIO",
    "inject=chdir:poke_enter=@arg1=2f0", "inject=chdir:poke_enter=@arg8=00",
    "inject=chdir:poke_enter=@arg0=00", "inject=chdir:poke_enter=arg1=00",
    "inject=chdir:poke_enter=@arg1=", "inject=chdir:poke_enter=@arg1=zz",
    "inject=chdir:poke_enter=@arg1=00,@arg1=01", "inject=chdir:poke_enter=@arg1=00:poke_enter=@arg2=00",
    "inject=chdir:poke_enter=@arg01=00", "inject=chdir:poke_enter=@ARG1=00",
    "inject=chdir:poke_enter=@arg1=" + "00" * 1025, "fault=chdir:poke_enter=@arg1=00",
    "inject=chdir:poke_enter=@arg1=x0",
]
GOOD = [
    "inject=open:error=enoent", "inject=open:signal=usr1", "inject=open:signal=64",
    "inject=open:signal=SIGRT_32", "inject=open:delay_enter=1.5s", "inject=open:delay_exit=5ns",
    "inject=open:error=1:", "inject=open::error=1", "inject=open:error=1:when=+2",
    "inject=open:error=1:when=1..65534+65535", "inject=none:error=1", "inject=open:error=4095",
    "inject=open:error=ERESTARTSYS", "inject=open:retval=0x10", "fault=open:syscall=getpid",
    "fault=open:when=3", "inject=open:error=1:when=2:when=3",
    "inject=chdir:poke_enter=@arg1=00,@arg2=01", "inject=chdir:poke_enter=@arg7=00",
    "inject=chdir:poke_enter=@arg1=2F", "inject=chdir:poke_enter=@arg1=" + "00" * 1024,
    "inject=chdir:poke_enter=,@arg1=00,", "inject=chdir:poke_exit=@arg1=00:retval=1",
    "inject=chdir:poke_enter=@arg1=0x00", "inject=chdir:poke_enter=,",
    "inject=chdir:poke_enter=@arg1=00:syscall=getpid", "inject=chdir:syscall=getpid:signal=USR1",
    # strace's warnings: one line, exit 0
    "inject=open:retval=-1", "inject=open:retval=-4096", "inject=open:retval=4294967295",
    "inject=open:retval=4294967296",
]


def test_bad_input_like_strace():
    strace = strace_path()
    errs = []
    for expr in BAD + GOOD:
        for form in (["-e", expr], ["--" + expr]):
            s = T.run([strace, "-o", "/dev/null"] + form + ["true"])
            r = T.run(T.renacer_cmd() + ["-o", "/dev/null"] + form + ["true"])
            want = (s.rc, F.STRACE_PFX.sub("renacer: ", s.err))
            if (r.rc, r.err) != want:
                errs.append("%s: renacer %r, strace %r" % (" ".join(form), (r.rc, r.err), want))
        if expr in BAD and s.rc != 1:
            errs.append("%s: strace itself took it (%d)" % (expr, s.rc))
    check(not errs, "\n".join(errs))


def test_warnings_of_two_expressions():
    strace = strace_path()
    form = ["-e", "inject=open:retval=-1", "-e", "inject=close:retval=4294967296"]
    s = T.run([strace, "-o", "/dev/null"] + form + ["true"])
    r = T.run(T.renacer_cmd() + ["-o", "/dev/null"] + form + ["true"])
    check_eq(len(s.err.splitlines()), 2, "strace's two warnings (%r)" % s.err)
    check_eq((r.rc, r.err), (s.rc, F.STRACE_PFX.sub("renacer: ", s.err)), "renacer's warnings")


def test_poke():
    """poke_enter= writes before the entry is shown (the line has the new
    path), poke_exit= after the call; "(INJECTED: args)", with ", retval"
    when the result was injected too."""
    c, out, _ = compare(["-e", "trace=chdir", "-e", "inject=chdir:poke_enter=@arg1=2f00:when=2"], "poke")
    check_eq(out, "chdir 1 r=-1 e=ENOENT buf=/nonexistent\nchdir 2 r=0 e=0 buf=/\n",
             "the second chdir's path made \"/\"")
    check('chdir("/") = 0 (INJECTED: args)' in lines_of(c), "its line\n" + F.dump_canon(c))
    c, out, _ = compare(["-e", "trace=chdir", "-e", "inject=chdir:poke_exit=@arg1=58595a00:error=EIO"],
                        "poke")
    check_eq(out, "chdir 1 r=-1 e=EIO buf=XYZ\nchdir 2 r=-1 e=EIO buf=XYZ\n", "written after the call")
    check_eq(lines_of(c).count('chdir("/nonexistent") = -1 EIO (Input/output error) '
                               '(INJECTED: args, retval)'), 2, "the lines\n" + F.dump_canon(c))
    # an empty list writes nothing and says nothing
    c, out, _ = compare(["-e", "trace=chdir", "-e", "inject=chdir:poke_enter=,"], "poke")
    check(not any("INJECTED" in l for l in lines_of(c)), "no (INJECTED)\n" + F.dump_canon(c))


def test_poke_past_the_arguments():
    """@arg7 of chdir: strace's message, and the call untouched."""
    argv = [fixture("inject_calls"), "poke"]
    opts = ["-e", "trace=chdir", "-e", "inject=chdir:poke_enter=@arg7=2f00:when=2"]
    s = F.run_tracer("strace", [strace_path()], opts, argv)
    r = F.run_tracer("renacer", T.renacer_cmd(), opts, argv)
    check_eq(r.out, s.out, "the program's output")
    def msg(err):
        return re.sub(r"process \d+", "process N", F.STRACE_PFX.sub("renacer: ", err))
    check_eq(msg(r.err), msg(s.err), "the message")
    check_eq(msg(r.err), "renacer: poke_tcb: Failed to tamper with process N: requested to tamper "
             "with argument #7, but system call 'chdir' has only 1 arguments\n", "the message")


if __name__ == "__main__":
    T.main([test_error, test_retval, test_when_forms, test_fault, test_expressions_combine,
            test_counted_per_process, test_syscall_replaced, test_not_in_trace_set,
            test_command_execve_untouched,
            test_signal, test_delays, test_count_table, test_bad_input_like_strace,
            test_warnings_of_two_expressions, test_poke, test_poke_past_the_arguments])
