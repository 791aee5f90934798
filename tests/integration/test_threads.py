#!/usr/bin/env python3
"""Threads: four pthreads (each line under its own tid), a raw clone3
thread, and a non-leader thread that execs (the tid change)."""
import re

import rntest as T
from rntest import check, check_eq, fixture


def out_of(r):
    return r.out if r.ofile else r.trace.program_output()


def flat(text):
    """A joined line without the column padding before ' = '."""
    return re.sub(r"\) +(= .*)$", r") \1", text)


def check_threads4(r):
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    out = out_of(r)
    m = re.search(r"^main (\d+)$", out, re.M)
    check(m, "no 'main PID' in the program output %r" % out, t)
    pid = int(m.group(1))
    th = {int(i): (int(tid), int(p)) for i, tid, p in
          re.findall(r"^thread (\d) tid (\d+) pid (\d+)$", out, re.M)}
    check_eq(sorted(th), [0, 1, 2, 3], "threads that printed", t)
    tids = [th[i][0] for i in range(4)]
    check_eq(len(set(tids) | {pid}), 5, "4 distinct tids besides the pid", t)
    if not r.ofile:
        t.attribute_unprefixed(pid)  # stdout: unprefixed = the main thread alone
    main_label = pid
    for i in range(4):
        tid, p = th[i]
        check_eq(p, pid, "getpid() in thread %d" % i, t)
        line = "thread %d tid %d pid %d\n" % (i, tid, pid)
        want = "write(1, %s, %d) = %d" % (T.squote(line, 32), len(line), len(line))
        mine = [flat(x) for x in t.of(tid) if x.startswith("write(")]
        check_eq(mine, [want], "write lines of thread %d (tid %d)" % (i, tid), t)
        check_eq([flat(x) for x in t.of(tid) if x.startswith("getpid(")], ["getpid() = %d" % pid],
                 "getpid lines of tid %d" % tid, t)
        check_eq([flat(x) for x in t.of(tid) if x.startswith("gettid(")], ["gettid() = %d" % tid],
                 "gettid lines of tid %d" % tid, t)
        check_eq(t.of(tid)[-1], "+++ exited with 0 +++", "last line of tid %d" % tid, t)
        check(re.match(r"^exit\(0\) += \?$", t.of(tid)[-2]), "tid %d: 'exit(0) = ?' before its exit" % tid, t)
    ex = t.exits()
    check_eq(sorted(p for p, _ in ex[:-1]), sorted(tids), "threads' exit lines", t)
    check(all(s == "exited with 0" for _, s in ex), "all exit 0", t)
    check_eq(ex[-1], (main_label, "exited with 0"), "the main thread exits last", t)
    created = []
    for x in t.of(main_label):
        mm = re.match(r"^clone3?\(.*\) += (\d+)$", x)
        if mm:
            created.append(int(mm.group(1)))
    check_eq(sorted(created), sorted(tids), "clone/clone3 return values of the main thread", t)
    bad = T.alignment_errors(t)
    check(not bad, "' = ' not at strace's column: %r" % bad[:5], t)


def test_threads4_f_o():
    r = T.trace_o(["-f"], [fixture("threads4")])
    check(all(l.pid is not None for l in r.trace.lines), "-f -o: every line prefixed", r.trace)
    check_threads4(r)


def test_threads4_f_stdout():
    r = T.trace_stdout(["-f"], [fixture("threads4")])
    t = r.trace
    for l in t.lines:
        if l.pid is not None:
            check(l.raw.startswith("[pid %5u] " % l.pid), "prefix format: %r" % l.raw, t)
    # Before the first thread exists and after the last one is gone the main
    # thread is the only tracee: no prefix there.
    check(t.lines[0].pid is None and t.lines[-1].pid is None,
          "first and last lines (one tracee) without prefix", t)
    check_threads4(r)


def test_threads4_no_f():
    r = T.trace_o([], [fixture("threads4")])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    check_eq(set(l.pid for l in t.lines), {None}, "no prefixes without -f", t)
    check_eq(t.find(r'^write\(1, "thread '), [], "threads' writes must not be traced", t)
    check_eq(len(t.find(r'^write\(1, "main \d+\\n", ')), 1, "main's write", t)
    check_eq(len(t.find(r'^write\(1, "joined 4\\n", 9\) += 9$')), 1, "main's last write", t)
    check_eq(t.exits(), [(None, "exited with 0")], "exit lines", t)


def test_clone3_thread():
    r = T.trace_o(["-f"], [fixture("clone3_proc")])
    t = r.trace
    check_eq(r.rc, 0, "exit status\n" + r.describe(), t)
    out = r.out
    child = int(re.search(r"^clone3 child (\d+)$", out, re.M).group(1))
    tid = int(re.search(r"^clone3 thread (\d+)$", out, re.M).group(1))
    check(re.search(r"^clone3 thread %d done$" % tid, out, re.M), "program output %r" % out, t)
    root = t.lines[0].pid
    created = [int(m.group(1)) for m in (re.match(r"^clone3\(.*\) += (\d+)$", x) for x in t.of(root)) if m]
    check_eq(created, [child, tid], "clone3 return values", t)
    line = "clone3 thread %d\n" % tid
    check_eq([flat(x) for x in t.of(tid)],
             ["gettid() = %d" % tid,
              "write(1, %s, %d) = %d" % (T.squote(line), len(line), len(line)),
              "exit(0) = ?", "+++ exited with 0 +++"],
             "all lines of the clone3 thread", t)
    check_eq(t.exits(), [(child, "exited with 0"), (tid, "exited with 0"), (root, "exited with 0")],
             "exit lines", t)


def check_thread_exec(r, prog_argv, code):
    t = r.trace
    check_eq(r.rc, code, "exit status\n" + r.describe(), t)
    out = out_of(r)
    pid = int(re.search(r"^leader (\d+)$", out, re.M).group(1))
    tid = int(re.search(r"^thread (\d+) execs ", out, re.M).group(1))
    check(tid != pid, "thread tid equals the pid?", t)
    check_eq(t.lines[0].pid, pid, "the first line's pid", t)
    # The execve starts in the thread...
    head = "execve(%s, [%s], " % (T.squote(prog_argv[0]),
                                  ", ".join(T.squote(a, 32) for a in prog_argv))
    starts = [i for i, l in enumerate(t.lines) if l.pid == tid and l.text.startswith(head)]
    check_eq(len(starts), 1, "execve entry lines of tid %d (%s...)" % (tid, head), t)
    # ...and returns 0 in the process, now known by the leader's pid.
    done = [i for i, l in enumerate(t.lines) if l.pid == pid and
            (re.match(r"^<\.\.\. execve resumed>\) += 0$", l.text) or
             (l.text.startswith(head) and re.search(r"\) += 0$", l.text)))]
    check_eq(len(done), 1, "execve completions (= 0) under pid %d" % pid, t)
    check(done[0] > starts[0], "execve completion before its start", t)
    check_eq([l.text for l in t.lines if l.text.startswith("+++ superseded")],
             ["+++ superseded by execve in pid %d +++" % tid],
             "strace's 'superseded' line", t)
    check_eq([l.pid for l in t.lines if l.text.startswith("+++ superseded")], [pid],
             "the 'superseded' line is the old leader's", t)
    after = [l.raw for l in t.lines[done[0]:] if l.pid == tid]
    check_eq(after, [], "lines under the old tid %d after the exec" % tid, t)
    check_eq([s for p, s in t.exits() if p == tid], [], "exit lines of the vanished tid", t)
    check_eq(t.exits(), [(pid, "exited with %d" % code)], "exit lines", t)
    check(t.lines[-1].pid == pid, "the last line is the leader's", t)
    return t, pid, tid, done[0]


def test_thread_exec_true():
    r = T.trace_o(["-f"], [fixture("thread_exec")])
    check_thread_exec(r, ["/bin/true"], 0)


def test_thread_exec_fixture():
    """The program exec'd by the thread prints getpid(): the leader's pid."""
    prog = fixture("exit_code")
    r = T.trace_o(["-f"], [fixture("thread_exec"), prog, "9"])
    t, pid, tid, done = check_thread_exec(r, [prog, "9"], 9)
    check(re.search(r"^exit_code %d 9$" % pid, r.out, re.M), "exec'd program's pid is the leader's", t)
    line = "exit_code %d 9\n" % pid
    want = "write(1, %s, %d) = %d" % (T.squote(line), len(line), len(line))
    check_eq([flat(l.text) for l in t.joined if l.pid == pid and l.text.startswith("write(1, \"exit_code")],
             [want], "the exec'd program's write under the leader pid", t)


if __name__ == "__main__":
    T.main([test_threads4_f_o, test_threads4_f_stdout, test_threads4_no_f,
            test_clone3_thread, test_thread_exec_true, test_thread_exec_fixture])
