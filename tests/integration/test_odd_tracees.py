#!/usr/bin/env python3
"""Tracees that step outside a plain 64-bit process tree; none may hang.

- fixtures/clone_ptrace: a child cloned with CLONE_PTRACE, which makes it
  renacer's tracee even without -f. Without -f it is let go at its first
  stop with "renacer: Detached unknown pid N" on stderr (strace's line,
  said unless -q / quiet=attach / -o FILE), and the parent's wait4 gets its
  exit status 3; with -f it is traced as any child. Every quiet setting,
  with and without -f, as strace.
- fixtures/personality: x32's getpid (39 | 0x40000000) and i386's getpid
  (20 through int $0x80). strace 6.1 names both from its x32 and i386
  tables; renacer has only the x86-64 one and shows them raw: the x32 call
  as the number the tracee passed (syscall_0x40000027, x86-64's ABI with
  x32's bit), the i386 call as syscall_0x14@32 with its six 32-bit
  arguments, never as x86-64's call 20 (writev). The result is strace's
  (ENOSYS for x32; for int $0x80 the pid, or a SIGSEGV where the kernel
  refuses it). Also with RENACER_WORKER_READS=1 and under a seccomp filter
  (which lets i386 calls through untraced: no line for them).
"""
import os
import re

import rntest as T
from rntest import check, check_eq, fixture

QUIETS = [[], ["-q"], ["-qq"], ["--quiet=attach,exit"], ["-e", "quiet=exit"],
          ["--quiet=attach"]]


def attach_quiet(opts):
    return any(o in ("-q", "-qq") or o.startswith("--quiet=attach")
               for o in opts)


def test_clone_ptrace_every_quiet():
    for follow in ([], ["-f"]):
        for q in QUIETS:
            opts = follow + q
            what = "renacer %s clone_ptrace" % " ".join(opts)
            # The trace on stdout (no -o: no implied -q), messages on stderr.
            r = T.trace_stdout(opts, [fixture("clone_ptrace")], timeout=20)
            text = "\n".join(re.sub(r" {2,}", " ", l) for l in r.trace.texts())
            check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
            check_eq(sorted(r.trace.program_output().splitlines()),
                     ["child", "child status 3"], what + ": the program's output")
            check(re.search(r"^clone\(child_stack=NULL, flags=CLONE_PTRACE\|SIGCHLD[) ]",
                            text, re.M), what + ": no clone line\n" + r.describe())
            # -f: the clone may be unfinished, resumed on an unprefixed line.
            m = re.search(r"(?:^clone\(child_stack=NULL, flags=CLONE_PTRACE\|SIGCHLD|"
                          r"<\.\.\. clone resumed>)\) += (\d+)$", text, re.M)
            check(m, what + ": no clone line\n" + r.describe())
            child = m.group(1)
            said = [l for l in r.err.splitlines() if "unknown pid" in l]
            want = [] if follow or attach_quiet(q) else \
                ["renacer: Detached unknown pid %s" % child]
            check_eq(said, want, what + ": the unknown pid lines")
            check(re.search(r"(?:wait4\(%s, |<\.\.\. wait4 resumed>)\[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 3\}\], "
                            r"0, NULL\) += %s$" % (child, child), text, re.M),
                  what + ": wait4 does not get the child's status\n" + r.describe())
            traced_child = [l for l in r.trace.of(int(child)) if
                            re.sub(r" {2,}", " ", l) == 'write(1, "child\\n", 6) = 6']
            check_eq(bool(traced_child), bool(follow), what + ": the child's write traced")
            exits = re.findall(r"\+\+\+ exited with (\d+) \+\+\+", text)
            shown = "-qq" not in q and not any("exit" in o for o in q)
            want = (["3", "0"] if follow else ["0"]) if shown else []
            check_eq(exits, want, what + ": the exit lines")


def test_clone_ptrace_o_file():
    # -o FILE PROG is -q: no line on stderr, as strace.
    r = T.trace_o([], [fixture("clone_ptrace")], timeout=20)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    check_eq(r.err, "", "stderr")
    check_eq(r.out, "child\nchild status 3\n", "the program's output")
    s = T.run([T.ARGS.strace, "-o", T.tmpfile("s"), fixture("clone_ptrace")], timeout=20)
    check_eq(s.err, "", "strace's stderr")


def untraced():
    r = T.run([fixture("personality")], timeout=20)
    check_eq(r.rc, 0, "personality untraced\n" + r.describe())
    return r.out


def check_personality(r, what, prog, i386_shown=True):
    check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
    if r.ofile is None:
        # The program's lines may land inside a trace line: taken out
        # (each is the payload of its write(1, ...) line), and only their
        # presence is checked here (the -o run checks them exactly).
        for l in prog.splitlines():
            check(l in r.out, what + ": %r not in the program's output" % l)
        text, _ = T.unsplice(r.out, 1)
    else:
        text = T.read_text(r.ofile)
        check_eq(r.out, prog, what + ": the program's output")
    lines = [re.sub(r"^(\[pid +\d+\] |\d+ +)", "", l) for l in text.splitlines()]
    lines = [re.sub(r" {2,}", " ", l) for l in lines]
    x32 = [l for l in lines if l.startswith("syscall_0x40000027(")]
    check_eq(x32, ["syscall_0x40000027(0x1, 0x2, 0x3, %s) = -1 ENOSYS "
                   "(Function not implemented)" % x32[0].split(", ", 3)[3].split(")")[0]]
             if x32 else ["(one x32 line)"], what + ": the x32 call")
    check(not [l for l in lines if l.startswith("writev(")],
          what + ": an i386 call named from the x86-64 table\n" + text)
    i386 = [l for l in lines if "@32(" in l]
    if "i386 SIGSEGV" in prog or not i386_shown:
        check_eq(i386, [], what + ": i386 lines")
        return
    check_eq(len(i386), 1, what + ": one i386 line\n" + text)
    m = re.match(r"^syscall_0x14@32\(((?:0x[0-9a-f]{1,8}|0), ){5}(0x[0-9a-f]{1,8}|0)\) = (\d+)$",
                 i386[0])
    check(m, what + ": the i386 line: %r" % i386[0])
    if r.ofile is not None:
        pid = [l for l in lines if l.startswith("getpid() = ")]
        check_eq([m.group(3)], [p.split(" = ")[1] for p in pid],
                 what + ": its result, the pid")


def test_personality_every_mode():
    prog = untraced()
    s = T.run([T.ARGS.strace, "-o", T.tmpfile("s"), fixture("personality")], timeout=20)
    check_eq((s.rc, s.out), (0, prog), "strace: exit status and output")
    modes = [([], None), (["-f"], None), (["-q"], None), (["-qq"], None),
             (["--no-seccomp-bpf"], None), (["--workers", "1"], None),
             ([], {"RENACER_WORKER_READS": "1"}), (["-f", "-y"], None)]
    for opts, env in modes:
        what = "renacer %s%s" % (" ".join(opts), " (worker reads)" if env else "")
        e = dict(os.environ, **env) if env else None
        r = T.trace_stdout(opts, [fixture("personality")], timeout=20, env=e)
        r.ofile = None
        check_personality(r, what, prog)
        r = T.trace_o(opts, [fixture("personality")], timeout=20, env=e)
        check_personality(r, what + " -o", prog)


def test_personality_seccomp():
    prog = untraced()
    # A trace set other than "all" leaves i386 calls out, with a seccomp
    # filter (-f: it lets other ABIs through, no stop) or without; x32's
    # number is an unknown one, always traced.
    for opts in (["-e", "trace=write"], ["-f", "-e", "trace=write"],
                 ["-f", "--no-seccomp-bpf", "-e", "trace=getpid"]):
        r = T.trace_o(opts, [fixture("personality")], timeout=20)
        check_personality(r, "renacer %s" % " ".join(opts), prog, i386_shown=False)


if __name__ == "__main__":
    T.main([test_clone_ptrace_every_quiet, test_clone_ptrace_o_file,
            test_personality_every_mode, test_personality_seccomp])
