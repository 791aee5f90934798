#!/usr/bin/env python3
"""strace's flags that build and test scripts give, each against strace
6.1 on the fixture strace_flags (or, where 6.1 lacks the flag, against
strace 7's manual, quoted in the check).

-A / --output-append-mode: -o FILE opened for appending, and with -ff each
FILE.PID (strace 6.1 appends to both; without -A both are truncated); -A
without -o is warned about in strace's words and changes nothing.

-E VAR=VAL / -E VAR / --env=...: the command's environment as strace 6.1
gives it (the entry replaced in place or added at the end, removed, in the
order given; an empty name changes nothing), the execve line's "N vars" as
strace's, and renacer's own PATH still finding the command.

--seccomp-bpf: the filter in the command (its /proc/self/status says
"Seccomp: 2") where strace 6.1 puts it, and strace's warnings where it
cannot (without -f, with -p, nothing to filter); without the flag renacer
uses it all the same (its default), --no-seccomp-bpf never.

-n / --syscall-number: "[  62] " after the pid and the time and before the
line, counted in -a's column; on a signal's and an exit's line the
thread's last syscall, traced or not (with renacer's seccomp filter, the
last one the filter stopped, which is what strace --seccomp-bpf shows: its
filter always stops at execve); as strace 6.1 prints it with one process,
with -f and -o, and with -ff.

-i / --instruction-pointer: "[00007f0123456789] " after -n's number, where
the thread stopped ("[????????????????] " on an exit's line), as strace
6.1 prints it: the same addresses when both run the fixture without
address space randomization (setarch -R); --format json's "ip" of each
call and signal is the text's.

--always-show-pid (strace 7; 6.1 lacks it): strace 7's manual, "Show PID
prefix also for the process started by strace. Implied when -f and -o are
both specified.": every line of one process as strace 6.1's own -f -o
lines are ("PID   " then the line, the column counting it), to a file and
to standard output; with -f -o nothing changes; -ff's files stay bare.

--syscall-limit=N (strace 7; 6.1 lacks it): strace 7's manual, "Detach all
tracees when limit number of syscalls have been captured.": the first N
calls shown and nothing after them (no exit lines: the tracees were let go),
the calls -e trace= and -z/-Z leave out not counted, the command running on
to its end, renacer exiting 0, -c's table counting the N calls.

--kill-on-exit (strace 7; 6.1 lacks it): strace 7's manual, "Set
PTRACE_O_EXITKILL ptrace option to all tracee processes (which send a
SIGKILL signal to the tracee if the tracer exits) and do not detach them on
cleanup so they will not be left running after the tracer exit.": a -p
sleeper dies of SIGKILL when renacer ends on SIGINT (renacer still dies of
its SIGINT) or is killed with SIGKILL; without the flag it runs on.

-I N / --interruptible=N: strace 6.1's manual, "1, anywhere: no signals are
blocked; 2, waiting: fatal signals are blocked while decoding syscall
(default); 3, never: fatal signals are always blocked; 4, never_tstp: fatal
signals and SIGTSTP (CTRL-Z) are always blocked", as strace 6.1 behaves on
SIGTERM and SIGINT sent to the tracer alone: with 1 it dies at once (the
line it was writing left unfinished) and the command runs on; with 2 it
lets go (" <detached ...>"), the command dies of the signal and so does
the tracer; with 3 and 4 the signal changes nothing and the tracer ends
with the command's status; SIGTSTP stops the tracer but with 4. The names,
in any case, and bad values refused in strace's words.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time

import rntest as T
from rntest import check, check_eq, fixture

MARKER = "renacer-differential-begin"


def need_strace():
    if not shutil.which(T.ARGS.strace):
        raise T.Skip("no strace")


def tracers():
    """(name, command start) of strace and renacer."""
    return (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd()))


def after_marker(text):
    """The lines from the first one with MARKER on."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if MARKER in l:
            return lines[i:]
    return []


def shape(text):
    """What -A is about in a file: the lines that are not the tracer's
    (written before it), and each execve line as "execve"."""
    out = []
    for l in text.splitlines():
        if l.startswith("execve("):
            out.append("execve")
        elif not l.startswith(("+++", "---")) and "(" not in l:
            out.append(l)
    return out


def test_append():
    need_strace()
    prog = [fixture("strace_flags")]
    shapes = {}
    for name, cmd in tracers():
        for opts in (["-A"], ["--output-append-mode"], []):
            out = T.tmpfile(name)
            with open(out, "w") as f:
                f.write("before\n")
            for _ in range(2):
                r = T.run(cmd + opts + ["-o", out, "--"] + prog, timeout=30)
                check_eq((r.rc, r.err), (0, ""), "%s %s -o FILE\n%s" % (name, opts,
                                                                     r.describe()))
            shapes[(name, tuple(opts))] = shape(T.read_text(out))
    for opts in (["-A"], ["--output-append-mode"], []):
        want = shapes[("strace", tuple(opts))]
        check_eq(shapes[("renacer", tuple(opts))], want,
                 "renacer %s -o FILE twice: strace's file" % opts)
    check_eq(shapes[("strace", ("-A",))], ["before", "execve", "execve"],
             "strace -A: the file kept and both runs appended")
    check_eq(shapes[("strace", ())], ["execve"], "strace: the file truncated")


def test_append_without_output():
    need_strace()
    prog = [fixture("strace_flags")]
    firsts = {}
    for name, cmd in tracers():
        r = T.run(cmd + ["-A", "-e", "trace=getppid", "-e", "signal=none", "--"] + prog,
                  timeout=30)
        check_eq(r.rc, 0, "%s -A without -o\n%s" % (name, r.describe()))
        lines = r.err.splitlines()
        # strace's trace goes to stderr, renacer's to stdout
        check("getppid()" in r.out + r.err, "%s -A without -o: no trace\n%s" % (
            name, r.describe()))
        check(lines, "%s -A without -o: nothing said" % name)
        firsts[name] = lines[0].replace(name + ":", "TRACER:", 1)
    check_eq(firsts["renacer"], firsts["strace"], "renacer -A without -o: strace's warning")


def append_attached(cmd, opts):
    """CMD OPTS -o F -p SLEEPER for a moment with F.PID already holding
    "before\\n": what F.PID holds then."""
    s = T.Sleeper()
    try:
        base = T.tmpfile("ff")
        with open("%s.%d" % (base, s.pid), "w") as f:
            f.write("before\n")
        p = subprocess.Popen(cmd + opts + ["-o", base, "-p", str(s.pid)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        check(T.wait_for(lambda: T.tracer_pid(s.pid) == p.pid, 10), "not attached")
        n = s.ticks()
        check(T.wait_for(lambda: s.ticks() >= n + 2, 10), "the sleeper does not tick")
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=T.scaled(20))
        T.not_stopped(s.pid, "after the detach")
        return T.read_text("%s.%d" % (base, s.pid)).splitlines()
    finally:
        s.stop()


def test_append_ff():
    need_strace()
    for opts in (["-ff", "-A"], ["-ff"]):
        got = {}
        for name, cmd in tracers():
            lines = append_attached(cmd, opts)
            check(len(lines) >= 3, "%s %s: too little traced\n%s" % (name, opts, lines))
            got[name] = (lines[0] == "before", any("write(" in l for l in lines))
        check_eq(got["renacer"], got["strace"], "renacer %s -o F -p PID: F.PID as strace's" %
                 opts)
        check_eq(got["strace"], ("-A" in opts, True), "strace %s: F.PID kept or not" % opts)


ENV_BASE = {"A": "1", "B": "2", "C": "3", "PATH": "/usr/bin:/bin"}
ENV_EDITS = (["-E", "NEW=1", "-E", "B=x", "-E", "A", "--env=NEW2=2", "-E", "NEW=3",
              "-E", "=x", "-E", "", "-E", "C==", "--env", "D=4", "--env=D", "-E", "E=",
              "-E", "PATH=/nonexistent"],
             ["-E", "A", "-E", "A=again", "-E", "NOSUCH"], [])


def test_env():
    need_strace()
    for edits in ENV_EDITS:
        got = {}
        for name, cmd in tracers():
            out = T.tmpfile("env")
            # "env" is found by the tracer's PATH, not the one given the command
            r = T.run(cmd + edits + ["-e", "trace=execve", "-o", out, "env"], timeout=30,
                      env=ENV_BASE)
            check_eq(r.rc, 0, "%s %s env\n%s" % (name, edits, r.describe()))
            execve = [l for l in T.read_text(out).splitlines() if l.startswith("execve(")]
            check_eq(len(execve), 1, "%s %s: one execve" % (name, edits))
            got[name] = (r.out, re.sub(r"0x[0-9a-f]+", "ADDR", execve[0].split(", ")[-1]))
        check_eq(got["renacer"], got["strace"],
                 "renacer %s env: strace's environment and execve line" % edits)


def test_env_fixture():
    need_strace()
    prog = [fixture("strace_flags"), "A", "B", "NEW"]
    edits = ["-E", "A", "-E", "NEW=v a l", "-E", "B=="]
    outs = {}
    for name, cmd in tracers():
        r = T.run(cmd + edits + ["-o", T.tmpfile("envf"), "--"] + prog, timeout=30,
                  env=ENV_BASE)
        check_eq(r.rc, 0, "%s %s\n%s" % (name, edits, r.describe()))
        outs[name] = r.out
    check_eq(outs["strace"], "A unset\nB==\nNEW=v a l\nchild\n", "strace -E: the fixture's")
    check_eq(outs["renacer"], outs["strace"], "renacer -E: the fixture's output as strace's")


SECCOMP_CASES = (["-f", "-e", "trace=write"], ["-e", "trace=write"], ["-f"],
                 ["-f", "-e", "trace=all"], ["-f", "-e", "trace=none"],
                 ["-f", "-e", "trace=%process"], ["--follow-forks", "-e", "trace=!write"])


def seccomp_run(cmd, opts):
    """CMD OPTS -o F grep Seccomp: /proc/self/status: (stdout, stderr) with
    the tracer's name as TRACER."""
    r = T.run(cmd + opts + ["-o", T.tmpfile("sc"), "grep", "Seccomp:", "/proc/self/status"],
              timeout=30)
    check_eq(r.rc, 0, "%s %s\n%s" % (cmd, opts, r.describe()))
    return r.out, re.sub(r"^(strace|renacer):", "TRACER:", r.err, flags=re.M)


def test_seccomp_bpf():
    need_strace()
    for opts in SECCOMP_CASES:
        want = seccomp_run([T.ARGS.strace], ["--seccomp-bpf"] + opts)
        got = seccomp_run(T.renacer_cmd(), ["--seccomp-bpf"] + opts)
        check_eq(got, want, "renacer --seccomp-bpf %s: strace's filter and words" % opts)
        # renacer's default is strace's --seccomp-bpf, without its warnings
        got = seccomp_run(T.renacer_cmd(), opts)
        check_eq(got, (want[0], ""), "renacer %s: the filter by default" % opts)
        got = seccomp_run(T.renacer_cmd(), ["--no-seccomp-bpf"] + opts)
        check_eq(got, ("Seccomp:\t0\n", ""), "renacer --no-seccomp-bpf %s" % opts)
    s = T.Sleeper()
    try:
        errs = {}
        for name, cmd in tracers():
            p = subprocess.Popen(cmd + ["-f", "--seccomp-bpf", "-e", "trace=write", "-o",
                                        T.tmpfile("scp"), "-p", str(s.pid)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            check(T.wait_for(lambda: T.tracer_pid(s.pid) == p.pid, 10), "not attached")
            time.sleep(0.2)
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=T.scaled(20))
            errs[name] = err.decode().replace(name + ":", "TRACER:").splitlines()[0]
        check_eq(errs["renacer"], errs["strace"], "renacer --seccomp-bpf -p: strace's warning")
    finally:
        s.stop()


_RE_PID_ARG = re.compile(r"(si_pid=|kill\(|wait4\()\d+")
_RE_PID_RET = re.compile(r"^((?:TIME )?(?:\[[ 0-9a-f?]+\] )*(?:getpid|getppid|clone|wait4|"
                         r"<\.\.\. (?:clone|wait4) resumed>).*= )\d+$")
_RE_PAD = re.compile(r"\) +(= .*)$")


def masked(line):
    """line with pids as PID, addresses as ADDR, the padding before " = "
    as one space (alignment is checked on its own)."""
    line = re.sub(r"0x[0-9a-f]+", "ADDR", _RE_PID_ARG.sub(r"\1PID", line))
    return _RE_PAD.sub(r") \1", _RE_PID_RET.sub(r"\1PID", line))


def misaligned(lines, column):
    """The lines whose " = " strace's tabto would have put elsewhere: padded
    to column, the whole line before it counted, or one space past it."""
    bad = []
    for l in lines:
        m = re.match(r"^(.*\)) +(= .*)$", l)
        if m and l != m.group(1) + " " * max(1, column - len(m.group(1))) + m.group(2):
            bad.append(l)
    return bad


def joined_by_pid(lines, ff=False):
    """-f -o FILE's lines ("PID  text") as {label: [text...]}, each thread's
    "<unfinished ...>" joined with its "<... name resumed>" line (another
    thread's line may fall between them: scheduling), pids labelled by
    first appearance (the parent is first after the marker)."""
    by, open_, labels = {}, {}, {}
    for l in lines:
        m = re.match(r"^(\d+) +(.*)$", l)
        check(m, "no pid on %r" % l)
        pid, text = m.group(1), m.group(2)
        label = labels.setdefault(pid, "P%d" % len(labels))
        if text.endswith(" <unfinished ...>"):
            open_[pid] = text[:-len(" <unfinished ...>")]
            continue
        r = re.match(r"^((?:\[[ 0-9a-f?]+\] )*)<\.\.\. [a-z0-9_]+ resumed>(.*)$", text)
        if r and pid in open_:
            head = open_.pop(pid)
            check(head.startswith(r.group(1)), "resumed with another number: %r %r" % (
                head, text))
            text = head + r.group(2)
        by.setdefault(label, []).append(masked(text))
    return by


NR_CASES = ((["-n"], 40), (["--syscall-number"], 40), (["-n", "-a", "20"], 20),
            (["-n", "-a0"], 0), (["-n", "-e", "trace=write"], 40),
            (["-n", "-e", "trace=kill,getppid,exit_group"], 40),
            (["-n", "-tt", "-e", "trace=getppid"], 40), (["-n", "-e", "signal=none"], 40))


def test_syscall_number():
    need_strace()
    prog = [fixture("strace_flags")]
    for opts, column in NR_CASES:
        texts = {}
        for name, cmd in tracers():
            out = T.tmpfile(name)
            r = T.run(cmd + opts + ["-o", out, "--"] + prog, timeout=30)
            check_eq(r.rc, 0, "%s %s\n%s" % (name, opts, r.describe()))
            lines = after_marker(T.read_text(out))
            if "trace=" in " ".join(opts):  # no marker: the whole trace
                lines = T.read_text(out).splitlines()
            check(not misaligned(lines, column), "%s %s: not at column %d:\n%s" % (
                name, opts, column, "\n".join(misaligned(lines, column))))
            texts[name] = [masked(re.sub(r"\d\d:\d\d:\d\d\.\d{6}", "TIME", l))
                           for l in lines if not l.startswith("execve(")]
        check(texts["strace"], "strace %s: no trace" % opts)
        check_eq(texts["renacer"], texts["strace"], "renacer %s: strace's lines" % opts)


NR_F_CASES = ((["-n", "-f"], ["-n", "-f"]),
              (["-n", "-f", "-e", "trace=write,exit_group"],
               ["-n", "-f", "-e", "trace=write,exit_group", "--no-seccomp-bpf"]),
              (["-n", "-f", "--seccomp-bpf", "-e", "trace=write"],
               ["-n", "-f", "-e", "trace=write"]),
              (["-n", "-f", "--seccomp-bpf", "-e", "trace=%process"],
               ["-n", "-f", "-e", "trace=%process"]))


def test_syscall_number_f():
    need_strace()
    prog = [fixture("strace_flags")]
    for s_opts, r_opts in NR_F_CASES:
        got = {}
        for name, cmd, opts in (("strace", [T.ARGS.strace], s_opts),
                                ("renacer", T.renacer_cmd(), r_opts)):
            out = T.tmpfile(name)
            r = T.run(cmd + opts + ["-o", out, "--"] + prog, timeout=30)
            check_eq(r.rc, 0, "%s %s\n%s" % (name, opts, r.describe()))
            text = T.read_text(out)
            lines = after_marker(text) if "trace=" not in " ".join(opts) else \
                text.splitlines()
            check(not misaligned(lines, 40), "%s %s: not at column 40:\n%s" % (
                name, opts, "\n".join(misaligned(lines, 40))))
            got[name] = joined_by_pid([l for l in lines if "execve(" not in l])
        check_eq(got["renacer"], got["strace"], "renacer %s: strace %s's lines" % (
            r_opts, s_opts))
    # -ff: one file per process, the same prefixes
    files = {}
    for name, cmd in tracers():
        d = T.tmpfile("nff")
        os.mkdir(d)
        r = T.run(cmd + ["-n", "-ff", "-o", os.path.join(d, "t"), "--"] + prog, timeout=30)
        check_eq(r.rc, 0, "%s -n -ff\n%s" % (name, r.describe()))
        texts = sorted((T.read_text(os.path.join(d, n)) for n in os.listdir(d)), key=len)
        files[name] = [[masked(l) for l in (after_marker(t) or t.splitlines())]
                       for t in texts]
    check_eq(files["renacer"], files["strace"], "renacer -n -ff: strace's files")


def test_syscall_number_dump():
    prog = [fixture("strace_flags")]
    dump = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
    for opts in (["-f"], ["-f", "-e", "trace=write,kill,wait4", "--no-seccomp-bpf"]):
        cap, out = T.tmpfile("cap"), T.tmpfile("live")
        r = T.run(T.renacer_cmd() + opts + ["-n", "--capture", cap, "-o", out, "--"] + prog,
                  timeout=30)
        check_eq(r.rc, 0, r.describe())
        live = T.read_text(out)
        r = T.run([dump, "-n", cap], timeout=30)
        check_eq(r.rc, 0, r.describe())
        if "-e" not in opts:
            check_eq(r.out, live, "renacer-dump -n: the live -n text")
            continue
        last, got = {}, []
        for l in r.out.splitlines():
            m = re.match(r"^(\d+) +\[ *(\d+)\] (.*)$", l)
            check(m, "renacer-dump -n: no number on %r" % l)
            if m.group(3).startswith(("---", "+++")):
                check_eq(int(m.group(2)), last.get(m.group(1), 0),
                         "renacer-dump -n: %r numbered by its thread's last call" % l)
            else:
                last[m.group(1)] = int(m.group(2))
                got.append(l)
        want = [l for l in live.splitlines() if not re.search(r"\] (---|\+\+\+)", l)]
        check_eq(got, want, "renacer-dump -n %s: the calls' lines as live" % opts)


def need_setarch():
    need_strace()
    if not shutil.which("setarch"):
        raise T.Skip("no setarch")


IP_CASES = ((["-i"], 40), (["--instruction-pointer"], 40), (["-i", "-n"], 40),
            (["-n", "-i", "-a", "60"], 60), (["-i", "-e", "trace=kill,exit_group"], 40),
            (["-i", "-tt", "-e", "trace=getppid,rt_sigreturn"], 40))


def test_instruction_pointer():
    need_setarch()
    prog = [fixture("strace_flags")]
    for opts, column in IP_CASES:
        texts = {}
        for name, cmd in tracers():
            out = T.tmpfile(name)
            r = T.run(["setarch", "-R"] + cmd + opts + ["-o", out, "--"] + prog, timeout=30)
            check_eq(r.rc, 0, "%s %s\n%s" % (name, opts, r.describe()))
            text = T.read_text(out)
            lines = text.splitlines() if "trace=" in " ".join(opts) else after_marker(text)
            check(not misaligned(lines, column), "%s %s: not at column %d:\n%s" % (
                name, opts, column, "\n".join(misaligned(lines, column))))
            texts[name] = [masked(re.sub(r"\d\d:\d\d:\d\d\.\d{6}", "TIME", l))
                           for l in lines if "execve(" not in l]
        check(any(re.search(r"\[[0-9a-f]{16}\] ", l) for l in texts["strace"]),
              "strace %s: no address\n%s" % (opts, texts["strace"]))
        check_eq(texts["renacer"], texts["strace"], "renacer %s: strace's lines" % opts)
    got = {}
    for name, cmd in tracers():
        out = T.tmpfile(name)
        r = T.run(["setarch", "-R"] + cmd + ["-f", "-i", "-n", "-o", out, "--"] + prog,
                  timeout=30)
        check_eq(r.rc, 0, "%s -f -i -n\n%s" % (name, r.describe()))
        got[name] = joined_by_pid([l for l in after_marker(T.read_text(out))])
    check_eq(got["renacer"], got["strace"], "renacer -f -i -n: strace's lines")


def test_instruction_pointer_json():
    need_setarch()
    prog = [fixture("strace_flags")]
    runs = {}
    for fmt in ("text", "json"):
        out = T.tmpfile(fmt)
        r = T.run(["setarch", "-R"] + T.renacer_cmd() + ["-i", "--format", fmt, "-o", out,
                                                        "--"] + prog, timeout=30)
        check_eq(r.rc, 0, r.describe())
        runs[fmt] = T.read_text(out).splitlines()
    want = []
    for l in after_marker("\n".join(runs["text"])):
        m = re.match(r"^\[([0-9a-f]{16}|\?{16})\] (?:([a-z_0-9]+)\(|--- (SIG[A-Z0-9]+) )", l)
        if m and (m.group(2) or m.group(3)):
            want.append((m.group(2) or m.group(3),
                         None if m.group(1).startswith("?") else int(m.group(1), 16)))
    objs = [json.loads(l) for l in runs["json"]]
    first = next(i for i, o in enumerate(objs) if o.get("syscall") == "chdir")
    have = [(o.get("syscall") or o["signal"], o["ip"]) for o in objs[first:]
            if "syscall" in o or o.get("event") == "signal"]
    check(len(want) >= 10, "too few lines: %s" % want)
    check_eq(have, want, "--format json -i: each call's and signal's ip as the text's")
    out = T.tmpfile("noip")
    r = T.run(T.renacer_cmd() + ["--format", "json", "-o", out, "--"] + prog, timeout=30)
    check(r.rc == 0 and '"ip"' not in T.read_text(out), "no ip key without -i")


def unprefixed(lines):
    """lines, each checked to start with strace's "%-5u " of one pid, without it
    and masked."""
    pid = lines[0].split()[0] if lines else ""
    for l in lines:
        check(l.startswith("%-5s " % pid), "not the pid's prefix: %r" % l)
    return [masked(l[len("%-5s " % pid):]) for l in lines]


def test_always_show_pid():
    need_strace()
    prog = [fixture("strace_flags")]
    opts = ["-e", "trace=!clone,wait4,set_robust_list,write,exit_group"]
    # strace 6.1's own "PID   " lines: -f -o with only the parent's calls left
    out = T.tmpfile("strace")
    r = T.run([T.ARGS.strace, "-f", "-qq", "-e", "signal=!SIGCHLD"] + opts + ["-o", out, "--"] +
              prog, timeout=30)
    check_eq(r.rc, 0, r.describe())
    want = [l for l in after_marker(T.read_text(out))]
    pids = {l.split()[0] for l in want}
    check_eq(len(pids), 1, "strace -f: one process's lines\n%s" % want)
    check(not misaligned(want, 40), "strace: not at column 40")
    want = unprefixed(want)
    for where in ("file", "stdout"):
        cmd = T.renacer_cmd() + ["--always-show-pid", "-qq", "-e", "signal=!SIGCHLD"] + opts
        if where == "file":
            out = T.tmpfile("renacer")
            r = T.run(cmd + ["-o", out, "--"] + prog, timeout=30)
            text = T.read_text(out)
        else:
            # the fixture's own output elsewhere, so that no line is cut by it
            r = T.run(cmd + ["--", "sh", "-c", 'exec "$0" >/dev/null'] + prog, timeout=30)
            text = r.out
        check_eq(r.rc, 0, r.describe())
        got = after_marker(text)
        check(not misaligned(got, 40), "renacer --always-show-pid (%s): not at column 40:\n%s"
              % (where, "\n".join(misaligned(got, 40))))
        check_eq(unprefixed(got), want,
                 "renacer --always-show-pid to %s: strace -f -o's lines" % where)
    # with -f -o it is what -f -o already does; -ff's files have no prefix
    texts = {}
    for name, extra in (("plain", []), ("always", ["--always-show-pid"])):
        out = T.tmpfile(name)
        r = T.run(T.renacer_cmd() + extra + ["-f", "-e", "trace=write,getppid", "-o", out,
                                             "--"] + prog, timeout=30)
        check_eq(r.rc, 0, r.describe())
        texts[name] = sorted(masked(re.sub(r"^\d+ +", "", l))
                             for l in T.read_text(out).splitlines())
    check_eq(texts["always"], texts["plain"], "--always-show-pid -f -o: as -f -o")
    d = T.tmpfile("ff")
    os.mkdir(d)
    r = T.run(T.renacer_cmd() + ["--always-show-pid", "-ff", "-e", "trace=write,getppid", "-o",
                                 os.path.join(d, "t"), "--"] + prog, timeout=30)
    check_eq(r.rc, 0, r.describe())
    lines = [l for n in os.listdir(d) for l in T.read_text(os.path.join(d, n)).splitlines()]
    check(len(lines) >= 4 and all(not re.match(r"^\d", l) for l in lines),
          "--always-show-pid -ff: the files have no pid\n%s" % lines)


def test_syscall_limit():
    script = "cd /nonexist1; cd /nonexist2; cd /; cd /nonexist3; cd /; echo ran-on > %s"
    for opts, want in ((["--syscall-limit=3"], ['"/nonexist1"', '"/nonexist2"', '"/"']),
                       (["--syscall-limit", "2", "-Z"], ['"/nonexist1"', '"/nonexist2"']),
                       (["--syscall-limit=1", "-z"], ['"/"']),
                       (["--syscall-limit=3", "--status=failed"],
                        ['"/nonexist1"', '"/nonexist2"', '"/nonexist3"']),
                       (["--syscall-limit=2", "-f", "--seccomp-bpf"],
                        ['"/nonexist1"', '"/nonexist2"'])):
        flag = T.tmpfile("ran")
        r = T.trace_o(opts + ["-e", "trace=chdir"], ["sh", "-c", script % flag], timeout=30)
        check_eq(r.rc, 0, "renacer %s: exit status\n%s" % (opts, r.describe()))
        text = T.read_text(r.ofile)
        got = [m.group(1) for m in re.finditer(r"chdir\(([^)]*)\)", text)]
        check_eq(got, want, "renacer %s: the calls shown\n%s" % (opts, text))
        check("+++" not in text, "renacer %s: the tracee was let go, not followed to its "
              "end\n%s" % (opts, text))
        check(T.wait_for(lambda: T.read_text(flag) == "ran-on\n", 10),
              "renacer %s: the command did not run on" % opts)
    r = T.trace_o(["-c", "--syscall-limit=3", "-e", "trace=chdir"],
                  ["sh", "-c", script % T.tmpfile("ranc")], timeout=30)
    check_eq(r.rc, 0, r.describe())
    check(re.search(r"^ *[0-9.]+ +[0-9.]+ +\d+ +3 +2 chdir$", T.read_text(r.ofile), re.M),
          "-c --syscall-limit=3: the three calls (two failed) counted\n" + T.read_text(r.ofile))
    r = T.run(T.renacer_cmd() + ["--syscall-limit=0", "true"], timeout=30)
    check_eq((r.rc, r.err), (1, "renacer: invalid --syscall-limit argument: '0'\n"),
             "--syscall-limit=0 refused")


def test_kill_on_exit():
    for opts, end, dies in ((["--kill-on-exit"], signal.SIGINT, True),
                            (["--kill-on-exit", "-f"], signal.SIGTERM, True),
                            (["--kill-on-exit"], signal.SIGKILL, True),
                            ([], signal.SIGINT, False), ([], signal.SIGKILL, False)):
        s = T.Sleeper()
        try:
            p = subprocess.Popen(T.renacer_cmd() + opts + ["-o", T.tmpfile("koe"), "-p",
                                                           str(s.pid)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            check(T.wait_for(lambda: T.tracer_pid(s.pid) == p.pid, 10), "not attached")
            n = s.ticks()
            check(T.wait_for(lambda: s.ticks() >= n + 2, 10), "the sleeper does not tick")
            p.send_signal(end)
            p.communicate(timeout=T.scaled(20))
            check_eq(p.returncode, -end, "renacer %s -p, then %s: its end" % (opts, end.name))
            what = "renacer %s -p, then %s" % (opts, end.name)
            if dies:
                check(T.wait_for(lambda: s.p.poll() is not None, 10),
                      what + ": the sleeper still runs")
                check_eq(s.p.returncode, -signal.SIGKILL, what + ": the sleeper's end")
            else:
                s.check_free_and_running(what)
        finally:
            s.stop()


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def sleeping(pid):
    """The tracer's sh has started its sleep (strace's -o file is buffered:
    its text cannot tell)."""
    return any(children(c) for c in children(pid))


def interrupted(cmd, n, sig):
    """CMD -I N -o F sh -c 'sleep; touch FLAG; exit 3', SIGNAL sent to the
    tracer once the command runs: the tracer's end, whether the command ran
    on, and whether the trace ends " <detached ...>"."""
    flag, out = T.tmpfile("ran"), T.tmpfile("trace")
    p = subprocess.Popen(cmd + ["-I", str(n), "-o", out, "sh", "-c",
                                "sleep 1; echo ran > %s; exit 3" % flag],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(T.wait_for(lambda: sleeping(p.pid), 10), "%s: no sleep seen" % cmd)
    time.sleep(0.1)
    p.send_signal(sig)
    p.wait(timeout=T.scaled(20))
    ran = T.wait_for(lambda: T.read_text(flag) == "ran\n", 2) is not None
    return p.returncode, ran, T.read_text(out).endswith(" <detached ...>\n")


def test_interruptible():
    need_strace()
    for n, sig in ((1, signal.SIGTERM), (2, signal.SIGTERM), (2, signal.SIGINT),
                   (3, signal.SIGTERM), (3, signal.SIGINT), (4, signal.SIGHUP),
                   ("never", signal.SIGTERM), ("WAITING", signal.SIGINT),
                   ("Anywhere", signal.SIGTERM)):
        want = interrupted([T.ARGS.strace], n, sig)
        got = interrupted(T.renacer_cmd(), n, sig)
        check_eq(got, want, "renacer -I %s and %s: strace's end, the command's, the trace's" %
                 (n, sig.name))
    for n in (3, 4, "never_tstp"):
        stopped = {}
        for name, cmd in tracers():
            out = T.tmpfile("tstp")
            p = subprocess.Popen(cmd + ["-I", str(n), "-o", out, "sh", "-c", "sleep 1; exit 3"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            check(T.wait_for(lambda: sleeping(p.pid), 10), "no sleep seen")
            p.send_signal(signal.SIGTSTP)
            time.sleep(T.scaled(0.3))
            stopped[name] = T.proc_state(p.pid)
            p.send_signal(signal.SIGCONT)
            check_eq(p.wait(timeout=T.scaled(20)), 3, "%s -I %s: the command's status" % (name, n))
        check_eq(stopped["renacer"], stopped["strace"], "renacer -I %s: SIGTSTP as strace" % n)
    for bad in (["-I", "5"], ["-I", "0"], ["-I", "x"], ["-I", ""], ["-I", "4x"],
                ["--interruptible=sometimes"], ["--interruptible", "-1"]):
        lines = {}
        for name, cmd in tracers():
            r = T.run(cmd + bad + ["true"], timeout=30)
            lines[name] = (r.rc, (r.err.splitlines() or [""])[0].replace(name + ":", "TRACER:"))
        check_eq(lines["renacer"], lines["strace"], "renacer %s: strace's refusal" % bad)


def test_instruction_pointer_dump():
    prog = [fixture("strace_flags")]
    dump = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
    cap, out = T.tmpfile("cap"), T.tmpfile("live")
    r = T.run(T.renacer_cmd() + ["-f", "-i", "-n", "--capture", cap, "-o", out, "--"] + prog,
              timeout=30)
    check_eq(r.rc, 0, r.describe())
    live = T.read_text(out)
    check(re.search(r"^\d+ +\[ *\d+\] \[[0-9a-f]{16}\] ", live, re.M), "no address\n" + live)
    r = T.run([dump, "-i", "-n", cap], timeout=30)
    check_eq((r.rc, r.out), (0, live), "renacer-dump -i -n: the live text")
    r = T.run([dump, "-i", "--format", "json", cap], timeout=30)
    ips = [json.loads(l).get("ip") for l in r.out.splitlines()
           if '"syscall"' in l or '"event":"signal"' in l]
    check(ips and all(isinstance(ip, int) for ip in ips), "renacer-dump -i json: ip\n" + r.out)
    cap2 = T.tmpfile("cap")
    r = T.run(T.renacer_cmd() + ["--capture", cap2, "-e", "trace=getppid", "--"] + prog,
              timeout=30)
    check_eq(r.rc, 0, r.describe())
    r = T.run([dump, "-i", cap2], timeout=30)
    check(re.search(r"^\[\?{16}\] getppid\(\)", r.out, re.M),
          "renacer-dump -i of a capture made without -i\n" + r.out)


if __name__ == "__main__":
    T.main([test_append, test_append_without_output, test_append_ff, test_env,
            test_env_fixture, test_seccomp_bpf, test_syscall_number, test_syscall_number_f,
            test_syscall_number_dump, test_instruction_pointer, test_instruction_pointer_json,
            test_instruction_pointer_dump, test_always_show_pid, test_syscall_limit,
            test_kill_on_exit, test_interruptible])
