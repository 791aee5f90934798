#!/usr/bin/env python3
"""Process trees: fork, fork+exec, vfork+exec, several children, clone3
(process), many short-lived children, a fan-out of 200; with -f and without,
to a -o file and to stdout.  Exact pids, counts and exit codes."""
import os
import re

import rntest as T
from rntest import check, check_eq, fixture

EXECVE_RE = r'^execve\(%s, \[%s\], 0x[0-9a-f]+ /\* \d+ vars \*/\) += 0$'


def execve_re(path, argv):
    """Regex of a successful execve line: the path in full, argv strings cut
    at the default -s 32 like strace."""
    return EXECVE_RE % (re.escape(T.squote(path)),
                        re.escape(", ".join(T.squote(a, 32) for a in argv)))


def prog_out(r, regex):
    """Parse the program's own output (stdout, or Trace.other when the trace
    shares stdout): all matches of regex, as tuples of ints where possible."""
    text = r.out if r.trace is None or r.ofile else r.trace.program_output()
    out = []
    for m in re.finditer(regex, text, re.M):
        out.append(tuple(int(g) if g.isdigit() else g for g in m.groups()))
    return out


def check_common_o(r, root_expected_exit="exited with 0"):
    """Checks for any -f -o run: every line prefixed, the first line is the
    command's execve, the last is the root's exit, ' = ' aligned."""
    t = r.trace
    check(t.lines, "empty trace", t)
    check(not any(l.pid is None for l in t.lines),
          "-f -o: every line must carry the 'PID ' prefix", t)
    for l in t.lines:
        check(re.match(r"^\d+ +", l.raw) and l.raw.startswith("%-5d " % l.pid),
              "prefix must be '%%-5d ': %r" % l.raw, t)
    root = t.lines[0].pid
    check(t.lines[0].text.startswith("execve("),
          "the first line must be the command's execve (nothing before it is shown): %r"
          % t.lines[0].raw, t)
    check_eq((t.lines[-1].pid, t.lines[-1].text), (root, "+++ %s +++" % root_expected_exit),
             "last line", t)
    bad = T.alignment_errors(t)
    check(not bad, "' = ' not at strace's column: %r" % bad[:5], t)
    return root


def creator_returns(t, pid):
    """Return values of pid's successful fork/vfork/clone/clone3 lines."""
    out = []
    for text in t.of(pid):
        m = re.match(r"^(clone|clone3|fork|vfork)\(.*\) += (\d+)$", text)
        if m:
            out.append(int(m.group(2)))
    return out


def wait_returns(t, pid):
    out = []
    for text in t.of(pid):
        m = re.match(r"^wait4\(.*\) += (-?\d+)", text)
        if m:
            out.append(int(m.group(1)))
    return out


# ------------------------------------------------------------------ fork

def test_fork_f_o():
    exe = fixture("fork_write")
    r = T.trace_o(["-f"], [exe])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    (child,), = prog_out(r, r"^child (\d+)$")
    check_eq(prog_out(r, r"^parent reaped (\d+) status (\d+)$"), [(child, 0)], "program output", t)
    root = check_common_o(r)
    check(re.match(execve_re(exe, [exe]), t.joined[0].text),
          "execve line: %r" % t.joined[0].text, t)
    check_eq(sorted(t.pids()), sorted([root, child]), "pids in the trace", t)
    check_eq(creator_returns(t, root), [child], "fork/clone return values of the parent", t)
    # The child's write, attributed to the child, byte for byte.
    want = 'write(1, "child %d\\n", %d) = %d' % (child, len("child %d\n" % child),
                                               len("child %d\n" % child))
    writes = [re.sub(r"\) +=", ") =", x) for x in t.of(child) if x.startswith("write(")]
    check_eq(writes, [want], "the child's write lines", t)
    check_eq(wait_returns(t, root), [child], "wait4 return values of the parent", t)
    check_eq([x for x in t.of(child) if x.startswith("execve(")], [], "execve lines of the child", t)
    check_eq(t.exits(), [(child, "exited with 0"), (root, "exited with 0")], "exit lines", t)
    sig = [x for x in t.of(root) if x.startswith("--- SIGCHLD")]
    check(len(sig) == 1 and re.match(
        r"^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=%d, si_uid=%d, "
        r"si_status=0, si_utime=N, si_stime=N\} ---$" % (child, os.getuid()),
        T.mask_cpu_times(sig[0])),
        "one SIGCHLD (CLD_EXITED, si_pid=%d, si_status=0) for the parent, got %r" % (child, sig), t)
    # Nothing of the child before the parent's fork returned it?  Not
    # required (the child may run first); but nothing after its exit line.
    idx = [i for i, l in enumerate(t.lines) if l.pid == child]
    check(t.lines[idx[-1]].text == "+++ exited with 0 +++", "child's last line must be its exit", t)


def test_fork_no_f():
    exe = fixture("fork_write")
    r = T.trace_o([], [exe])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    (child,), = prog_out(r, r"^child (\d+)$")
    check(t.lines, "empty trace", t)
    check_eq([l.raw for l in t.lines if l.pid is not None], [],
             "without -f a single tracee: no pid prefixes", t)
    check(t.lines[0].text.startswith('execve("%s", ' % exe), "first line must be the execve", t)
    check_eq(t.find(r'^write\(1, "child '), [], "the untraced child's write must not appear", t)
    check_eq(t.exits(), [(None, "exited with 0")], "exit lines (only the parent's)", t)
    check_eq(creator_returns(t, None), [child], "fork/clone return values", t)
    check_eq(wait_returns(t, None), [child], "wait4 return values", t)
    check_eq(len(t.find(r"^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=%d, " % child)),
             1, "SIGCHLD lines", t)
    check_eq(len(t.find(r'^write\(1, "parent reaped %d status 0\\n", \d+\) += \d+$' % child)),
             1, "parent's write line", t)
    bad = T.alignment_errors(t)
    check(not bad, "' = ' not at strace's column: %r" % bad[:5], t)


def test_fork_f_stdout():
    exe = fixture("fork_write")
    r = T.trace_stdout(["-f"], [exe])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    (child,), = prog_out(r, r"^child (\d+)$")
    check_eq(prog_out(r, r"^parent reaped (\d+) status (\d+)$"), [(child, 0)],
             "program output (mixed into stdout)", t)
    check(t.lines and t.lines[0].pid is None and t.lines[0].text.startswith('execve("%s", ' % exe),
          "first trace line: the execve, no prefix (one tracee)", t)
    pfx = "[pid %5u] " % child
    cl = [l for l in t.lines if l.pid == child]
    check(cl, "no line of the child %d" % child, t)
    for l in cl:
        check(l.raw.startswith(pfx), "child line without the exact %r prefix: %r" % (pfx, l.raw), t)
    want = 'write(1, "child %d\\n", %d)' % (child, len("child %d\n" % child))
    check_eq(len([l for l in t.joined if l.pid == child and l.text.startswith(want)]), 1,
             "the child's write line under [pid %d]" % child, t)
    check_eq(t.exits(), [(child, "exited with 0"), (None, "exited with 0")],
             "exit lines: the child's with prefix, the parent's alone at the end without", t)
    check(t.lines[-1].text == "+++ exited with 0 +++", "last trace line", t)
    bad = T.alignment_errors(t)
    check(not bad, "' = ' not at strace's column: %r" % bad[:5], t)


# ------------------------------------------------------------------ exec

def test_path_lookup_and_env_count():
    """A bare command name is looked up in PATH (execve shows the path found
    and argv as given); the envp comment counts the variables passed."""
    import shutil
    path = "/usr/local/bin:/usr/bin:/bin"
    env = {"PATH": path, "RN_A": "1", "RN_B": "two words"}
    found = shutil.which("true", path=path)
    check(found, "no 'true' in %s" % path)
    r = T.trace_o([], ["true", "--ignored"], env=env)
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    want = r'^execve\(%s, \[%s\], 0x[0-9a-f]+ /\* 3 vars \*/\) += 0$' % (
        re.escape(T.squote(found)), re.escape('"true", "--ignored"'))
    check(re.match(want, t.joined[0].text), "execve line: want /%s/, got %r" % (want, t.joined[0].text), t)
    check_eq(t.exits(), [(None, "exited with 0")], "exit lines", t)


def test_fork_exec_true():
    exe = fixture("fork_exec")
    r = T.trace_o(["-f"], [exe])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    root = check_common_o(r)
    (child, _), = prog_out(r, r"^child (\d+) exec (\S+)$")
    check_eq(creator_returns(t, root), [child], "fork return values", t)
    ex = [x for x in t.of(child) if x.startswith("execve(")]
    check_eq(len(ex), 1, "execve lines of the child", t)
    check(re.match(execve_re("/bin/true", ["/bin/true"]), ex[0]), "child's execve: %r" % ex[0], t)
    check_eq(t.exits(), [(child, "exited with 0"), (root, "exited with 0")], "exit lines", t)
    check_eq(wait_returns(t, root), [child], "wait4 return values", t)


def test_fork_exec_fixture_args():
    """The exec'd program is another fixture with an argument; its own
    write (with its pid) must be traced under the same pid."""
    exe, target = fixture("fork_exec"), fixture("exit_code")
    r = T.trace_o(["-f"], [exe, target, "4"])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    root = check_common_o(r)
    (child, _), = prog_out(r, r"^child (\d+) exec (\S+)$")
    check_eq(prog_out(r, r"^exit_code (\d+) (\d+)$"), [(child, 4)], "exec'd program output", t)
    ex = [x for x in t.of(child) if x.startswith("execve(")]
    check(len(ex) == 1 and re.match(
        execve_re(target, [target, "4"]), ex[0]),
        "child's execve line: %r" % ex, t)
    want = 'write(1, "exit_code %d 4\\n", %d)' % (child, len("exit_code %d 4\n" % child))
    check_eq(len([x for x in t.of(child) if x.startswith(want)]), 1, "exec'd write line", t)
    check(any(re.match(r"^exit_group\(4\) += \?$", x) for x in t.of(child)), "exit_group(4) = ?", t)
    check_eq(t.exits(), [(child, "exited with 4"), (root, "exited with 0")], "exit lines", t)
    check_eq(prog_out(r, r"^parent reaped (\d+) status (\d+)$"), [(child, 4)], "parent output", t)


def test_vfork_exec():
    exe = fixture("vfork_exec")
    r = T.trace_o(["-f"], [exe])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    root = check_common_o(r)
    (child, st), = prog_out(r, r"^vfork child (\d+) status (\d+)$")
    check_eq(st, 0, "child status", t)
    check_eq(len([x for x in t.of(root) if re.match(r"^vfork\(\) += %d$" % child, x)]), 1,
             "exactly one 'vfork() = %d' line of the parent (joined if unfinished)" % child, t)
    ex = [x for x in t.of(child) if x.startswith("execve(")]
    check(len(ex) == 1 and re.match(execve_re("/bin/true", ["/bin/true"]), ex[0]),
          "child's execve line: %r" % ex, t)
    check_eq(t.exits(), [(child, "exited with 0"), (root, "exited with 0")], "exit lines", t)
    check_eq(wait_returns(t, root), [child], "wait4 return values", t)


# ------------------------------------------------------------------ several

def test_three_children():
    exe = fixture("three_children")
    r = T.trace_o(["-f"], [exe])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    root = check_common_o(r)
    kids = dict(prog_out(r, r"^child (\d+) exits (\d+)$"))
    check_eq(sorted(kids.values()), [3, 4, 5], "children's codes", t)
    check_eq(len(set(t.pids())), 4, "distinct pids", t)
    check_eq(set(t.pids()), set(kids) | {root}, "pids", t)
    check_eq(sorted(creator_returns(t, root)), sorted(kids), "fork return values", t)
    ex = t.exits()
    check_eq(sorted(ex[:-1]), sorted((p, "exited with %d" % c) for p, c in kids.items()),
             "children's exit lines", t)
    check_eq(ex[-1], (root, "exited with 0"), "parent's exit line", t)
    check_eq(sorted(wait_returns(t, root)), sorted(kids), "wait4 return values", t)
    for p, c in kids.items():
        check_eq(len([x for x in t.of(p) if x.startswith('write(1, "child %d exits %d\\n"' % (p, c))]),
                 1, "write line of child %d" % p, t)
    for x in t.of(root):
        if x.startswith("--- SIGCHLD"):
            m = re.match(r"^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=(\d+), "
                         r"si_uid=\d+, si_status=(\d+), si_utime=N, si_stime=N\} ---$",
                         T.mask_cpu_times(x))
            check(m and kids.get(int(m.group(1))) == int(m.group(2)), "bad SIGCHLD line %r" % x, t)


def test_clone3_process():
    exe = fixture("clone3_proc")
    r = T.trace_o(["-f"], [exe, "nothread"])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    root = check_common_o(r)
    (child,), = prog_out(r, r"^clone3 child (\d+)$")
    check_eq([int(m.group(1)) for m in (re.match(r"^clone3\(.*\) += (\d+)$", x) for x in t.of(root)) if m],
             [child], "clone3 return values", t)
    want = 'write(1, "clone3 child %d\\n", %d)' % (child, len("clone3 child %d\n" % child))
    check_eq(len([x for x in t.of(child) if x.startswith(want)]), 1, "child's write line", t)
    check_eq(t.exits(), [(child, "exited with 0"), (root, "exited with 0")], "exit lines", t)
    check_eq(wait_returns(t, root), [child], "wait4 return values", t)


# ------------------------------------------------------------------ many

def check_immediate(r, n):
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    root = t.lines[0].pid
    kids = creator_returns(t, root)
    check_eq(len(kids), n, "fork return values of the parent", t)
    check_eq(len(set(kids)), n, "distinct child pids", t)
    check_eq(set(t.pids()), set(kids) | {root}, "pids in the trace", t)
    ex = t.exits()
    check_eq(len(ex), n + 1, "exit lines", t)
    check_eq(sorted(p for p, _ in ex), sorted(kids + [root]), "one exit line per pid", t)
    check(all(s == "exited with 0" for _, s in ex), "all exit 0", t)
    for k in kids:
        check_eq([re.sub(r" +=", " =", x) for x in t.of(k)], ["exit_group(0) = ?", "+++ exited with 0 +++"],
                 "lines of child %d (it only calls _exit(0))" % k, t)
    w = wait_returns(t, root)
    check_eq(sorted(w[:-1]), sorted(kids), "successful wait4 return values", t)
    check_eq(w[-1], -1, "the last wait4 fails (ECHILD)", t)
    check(any(re.match(r"^wait4\(-1, .*\) += -1 ECHILD \(No child processes\)$", x) for x in t.of(root)),
          "wait4 ... = -1 ECHILD (No child processes)", t)


def test_immediate_exit_50():
    r = T.trace_o(["-f"], [fixture("immediate_exit"), "50"])
    check_common_o(r)
    check_immediate(r, 50)


def test_immediate_exit_50_stdout():
    r = T.trace_stdout(["-f"], [fixture("immediate_exit"), "50"])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check_eq(t.program_output(), "reaped 50\n", "program output", t)
    ex = t.exits()
    check_eq(len(ex), 51, "exit lines", t)
    check_eq(len(set(p for p, _ in ex[:-1])), 50, "distinct children in exit lines", t)
    check(all(p is not None for p, _ in ex[:-1]), "children's exits carry [pid N]", t)
    check_eq(ex[-1], (None, "exited with 0"), "the parent's exit, alone, without prefix", t)


def test_immediate_exit_no_f():
    r = T.trace_o([], [fixture("immediate_exit"), "50"])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check_eq(set(l.pid for l in t.lines), {None}, "no prefix without -f", t)
    check_eq(t.exits(), [(None, "exited with 0")], "exit lines", t)
    check_eq(len(creator_returns(t, None)), 50, "fork lines", t)
    check_eq(len([x for x in t.texts() if x.startswith("exit_group(")]), 1, "exit_group lines", t)


def test_fanout_200():
    n = 200
    r = T.trace_o(["-f"], [fixture("fanout"), str(n)], timeout=100)
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check_eq(prog_out(r, r"^fanout (\d+) reaped (\d+) mismatches (\d+)$"), [(n, n, 0)], "program output", t)
    root = check_common_o(r)
    kids = creator_returns(t, root)
    check_eq(len(kids), n, "fork return values", t)
    check_eq(len(set(t.pids())), n + 1, "distinct pids", t)
    ex = dict()
    for p, s in t.exits():
        check(p not in ex, "two exit lines for pid %s" % p, t)
        ex[p] = s
    check_eq(len(ex), n + 1, "exit lines", t)
    missing = [k for k in kids if k not in ex]
    check(not missing, "children without an exit line: %r" % missing[:10], t)
    wrong = [(k, ex[k]) for i, k in enumerate(kids) if ex[k] != "exited with %d" % ((i + 1) % 256)]
    check(not wrong, "children with a wrong exit line (child i exits (i+1)%%256): %r" % wrong[:10], t)
    check_eq(ex[root], "exited with 0", "parent's exit", t)
    check_eq(sorted(x for x in wait_returns(t, root)), sorted(kids), "wait4 return values", t)


def test_fanout_200_stdout():
    n = 200
    r = T.trace_stdout(["-f"], [fixture("fanout"), str(n)], timeout=100)
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check_eq(t.program_output(), "fanout %d reaped %d mismatches 0\n" % (n, n), "program output", t)
    ex = t.exits()
    check_eq(len(ex), n + 1, "exit lines", t)
    check_eq(len(set(p for p, _ in ex[:-1])), n, "distinct children", t)
    codes = sorted(int(s.split()[-1]) for _, s in ex[:-1])
    check_eq(codes, sorted((i + 1) % 256 for i in range(n)), "children's exit codes", t)


def test_orphan_traced_to_its_end():
    """The command exits first; its child, reparented, is still traced to
    its exit, and renacer waits for it (but exits with the command's 0)."""
    import time
    t0 = time.monotonic()
    r = T.trace_o(["-f"], [fixture("orphan")])
    took = time.monotonic() - t0
    t = r.trace
    check_eq(r.rc, 0, "exit status (the command's)\n" + r.describe(), t)
    m = re.search(r"^parent (\d+) leaves child (\d+)$", r.out, re.M)
    check(m, "program output %r" % r.out, t)
    root, child = int(m.group(1)), int(m.group(2))
    check(re.search(r"^orphan %d$" % child, r.out, re.M),
          "the orphan's output must be there when renacer has exited: %r" % r.out, t)
    check(took >= 0.3, "renacer exited after %.2fs, before the orphan's 300 ms sleep was over" % took, t)
    check_eq(t.exits(), [(root, "exited with 0"), (child, "exited with 6")], "exit lines, in order", t)
    line = "orphan %d\n" % child
    check_eq(len([x for x in t.of(child) if x.startswith("write(1, %s, %d)" % (T.squote(line), len(line)))]),
             1, "the orphan's write line", t)
    check_eq(t.lines[-1], t.lines[-1]._replace(pid=child, text="+++ exited with 6 +++"), "last line", t)


def test_chain_30():
    depth = 30
    r = T.trace_o(["-f"], [fixture("chain"), str(depth)])
    t = r.trace
    check_eq(r.rc, depth, "exit status (level 0 exits with DEPTH)\n" + r.describe(), t)
    levels = dict((d, p) for d, p in prog_out(r, r"^level (\d+) pid (\d+)$"))
    check_eq(sorted(levels), list(range(depth + 1)), "levels printed", t)
    check_eq(sorted(t.pids()), sorted(levels.values()), "pids in the trace", t)
    ex = t.exits()
    check_eq(sorted(ex), sorted((levels[d], "exited with %d" % (depth - d)) for d in range(depth + 1)),
             "exit lines: level d exits with DEPTH-d", t)
    # Exits happen leaf first: the order of the exit lines is fixed.
    check_eq(ex, [(levels[d], "exited with %d" % (depth - d)) for d in range(depth, -1, -1)],
             "exit lines in order (leaf first)", t)
    for d in range(depth):
        check_eq(creator_returns(t, levels[d]), [levels[d + 1]], "fork return of level %d" % d, t)
        check_eq(wait_returns(t, levels[d]), [levels[d + 1]], "wait4 return of level %d" % d, t)


if __name__ == "__main__":
    T.main([test_fork_f_o, test_fork_no_f, test_fork_f_stdout,
            test_path_lookup_and_env_count, test_fork_exec_true, test_fork_exec_fixture_args, test_vfork_exec,
            test_three_children, test_clone3_process,
            test_immediate_exit_50, test_immediate_exit_50_stdout, test_immediate_exit_no_f,
            test_fanout_200, test_fanout_200_stdout, test_orphan_traced_to_its_end, test_chain_30])
