#!/usr/bin/env python3
"""Statistics against strace 6.1: -c / -C summary tables (-S, -U, -w) and
renacer's --process-summary.

1. `-f -c` on fixture trees: the calls and errors of every syscall row are
   IDENTICAL to `strace -f -c` of the same program, except the rows and
   numbers that depend on scheduling (see RACY_ROWS and RESTARTED below),
   and the total row of each table is the sum of its rows.
2. The format of strace's table (not its numbers): -C (trace, then the
   table), -S calls/name/errors/nothing (row order), -w (header, shape,
   wall time), -U (header and rule byte for byte as strace prints them for
   the same list), renacer's p50/p90/p99 columns.
3. --process-summary: the exact tree (pids, tree order, indentation), the
   command of each process and its exit column, and per-process syscall
   and error counts equal to the trace of the same run.

Tables are parsed by the column spans of their rule line of dashes, so a
blank errors cell or a name with spaces cannot shift a column.
"""
import collections
import re
import shutil

import rntest as T
from rntest import check, check_eq, fixture

# ---------------------------------------------------------------- helpers

_RULE = re.compile(r"^-+(?: -+)*$")


class Table:
    """A table as strace prints it: a header, a rule of dashes (one group
    per column), rows, for -c a second rule and the total row.

    cols: column names (header cells); rows: [dict name -> cell] in order;
    total: the total row's dict (None without a second rule); lines: the
    raw lines of the table; first/end: its line range in the text."""

    def __init__(self, lines, i):
        self.first = i
        self.header, self.rule = lines[i], lines[i + 1]
        self.spans = [m.span() for m in re.finditer(r"-+", self.rule)]
        self.cols = [c.strip() for c in self.cells(self.header)]
        self.rows, self.total, self.raw_rows = [], None, []
        j = i + 2
        rules = 1
        while j < len(lines) and lines[j] != "":
            if _RULE.match(lines[j]):
                rules += 1
                if rules > 2:
                    break
                j += 1
                continue
            if rules == 2:
                self.total = self.record(lines[j])
                j += 1
                break
            self.rows.append(self.record(lines[j]))
            self.raw_rows.append(lines[j])
            j += 1
        self.end = j
        self.lines = lines[i:j]
        self.nrules = rules

    def cells(self, line):
        """The raw cells of a line (the last one: the rest of the line)."""
        out = []
        for k, (a, b) in enumerate(self.spans):
            out.append(line[a:] if k == len(self.spans) - 1 else line[a:b])
        return out

    def record(self, line):
        # The command column of --process-summary keeps its indentation.
        return dict((n, c.rstrip() if n == "command" else c.strip())
                    for n, c in zip(self.cols, self.cells(line)))

    def names(self):
        return [r["syscall"] for r in self.rows]

    def counts(self):
        """{name: (calls, errors)} (a blank errors cell is 0)."""
        return dict((r["syscall"], (int(r["calls"]), int(r["errors"] or 0))) for r in self.rows)

    def column(self, name, conv=float):
        return [conv(r[name]) for r in self.rows]

    def dump(self):
        return T.indent("\n".join(self.lines), "  | ")


def find_tables(text):
    """Every table of text (a header line followed by a rule of dashes)."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines) - 1:
        if lines[i] and not _RULE.match(lines[i]) and _RULE.match(lines[i + 1]):
            t = Table(lines, i)
            out.append(t)
            i = t.end
        else:
            i += 1
    return out


def one_table(text, what):
    ts = find_tables(text)
    check(len(ts) == 1, "%s: expected one table, found %d in:\n%s" % (
        what, len(ts), T.indent(text[-4000:] or "(empty)", "  | ")))
    return ts[0]


def strace_cmd():
    p = shutil.which(T.ARGS.strace)
    if not p:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    return [p]


def run_o(tracer, opts, argv, timeout=60, rc=0):
    """TRACER OPTS -o FILE ARGV; r.text = the file. Checks the exit status."""
    ofile = T.tmpfile("out")
    r = T.run(tracer + list(opts) + ["-o", ofile] + list(argv), timeout=timeout)
    r.ofile, r.text = ofile, T.read_text(ofile)
    if T.ARGS.verbose:
        print(r.describe() + "\n" + T.indent(r.text, "  | "))
    if rc is not None:
        check_eq(r.rc, rc, "exit status of\n" + r.describe())
    return r


def pair(opts, argv, **kw):
    """The same run under strace and renacer (-o FILE each)."""
    s = run_o(strace_cmd(), opts, argv, **kw)
    r = run_o(T.renacer_cmd(), opts, argv, **kw)
    return s, r


def both(s_table, r_table):
    return "strace:\n%s\nrenacer:\n%s" % (s_table.dump(), r_table.dump())


def check_total(t, who):
    """The total row's calls and errors are the sums of the rows."""
    check(t.total is not None and t.total.get("syscall") == "total",
          "%s: no total row\n%s" % (who, t.dump()))
    calls = sum(int(r["calls"]) for r in t.rows)
    errors = sum(int(r["errors"] or 0) for r in t.rows)
    check_eq((int(t.total["calls"]), int(t.total["errors"] or 0)), (calls, errors),
             "%s: total row (calls, errors) vs the sum of the rows\n%s" % (who, t.dump()))


# Rows whose numbers depend on scheduling, not on the program:
#  - futex: whether pthread_join / a futex wait finds the word already
#    changed (no call, or EAGAIN) or has to sleep depends on which thread
#    runs first (threads4, clone3_proc, thread_exec).
RACY_ROWS = {"futex"}
# Calls restarted after a signal: a call interrupted by a signal is shown
# (and counted by -c) as one failed call `= ? ERESTART...`, then made again.
# Whether the signal comes while the call runs is scheduling:
#  - fork/clone: the SIGCHLD of a child that already exited arriving while
#    the kernel copies the process gives ERESTARTNOINTR (fanout,
#    three_children, immediate_exit: a few per run of fanout 50);
#  - wait4/waitid: a SIGCHLD that is not the awaited exit (stop_cont's
#    CLD_CONTINUED, sent by its own kill(SIGCONT) just before its wait4)
#    gives ERESTARTSYS in about one run out of three.
# (Ignored signals still interrupt a traced process: the tracer sees them.)
# For these rows the successful calls (calls - errors) are the program's
# and must be identical; the fixtures make no genuinely failing one.
RESTARTED = {"clone", "clone3", "fork", "vfork", "wait4", "waitid"}


def comparable(counts):
    """{name: (calls, errors)} without the scheduling-dependent parts."""
    out = {}
    for name, (c, e) in counts.items():
        if name in RACY_ROWS:
            continue
        out[name] = (c - e, 0) if name in RESTARTED else (c, e)
    return out


def compare_counts(opts, argv, racy=()):
    """racy: more rows to leave out for this fixture (say why at the call)."""
    s, r = pair(opts, argv)
    st = one_table(s.text, "strace's -c file")
    rt = one_table(r.text, "renacer's -c file")
    check_total(st, "strace")
    check_total(rt, "renacer")
    sc, rc = comparable(st.counts()), comparable(rt.counts())
    for name in racy:
        sc.pop(name, None)
        rc.pop(name, None)
    diff = ["%-16s strace %-10s renacer %s" % (n, sc.get(n), rc.get(n))
            for n in sorted(set(sc) | set(rc)) if sc.get(n) != rc.get(n)]
    check(not diff, "%s: (calls, errors) per syscall differ from strace's "
          "(%s: successful calls only; %s left out):\n%s\n%s"
          % (" ".join(argv), ",".join(sorted(RESTARTED)), ",".join(sorted(RACY_ROWS | set(racy))),
             T.indent("\n".join(diff)), both(st, rt)))
    # Totals without the scheduling-dependent parts.
    tot = lambda c: tuple(map(sum, zip(*c.values()))) if c else (0, 0)
    check_eq(tot(rc), tot(sc), "comparable totals (calls, errors)\n" + both(st, rt))
    return st, rt


# ---------------------------------------------------------------- 1. -f -c counts

def test_counts_three_children():
    compare_counts(["-f", "-c"], [fixture("three_children")])


def test_counts_fork_write():
    compare_counts(["-f", "-c"], [fixture("fork_write")])


def test_counts_simple_syscalls():
    st, rt = compare_counts(["-f", "-c"], [fixture("simple_syscalls")])
    # Many failing calls: the errors column is really exercised.
    check(int(rt.total["errors"]) >= 20, "simple_syscalls makes >= 20 failing calls\n" + rt.dump())


def test_counts_simple_fork():
    compare_counts(["-f", "-c"], [fixture("simple_fork")])


def test_counts_fanout_50():
    st, rt = compare_counts(["-f", "-c"], [fixture("fanout"), "50"])
    c, e = rt.counts()["clone"]
    check_eq(c - e, 50, "successful clones\n" + rt.dump())
    check_eq(rt.counts()["wait4"], (50, 0), "wait4 row\n" + rt.dump())


def test_counts_immediate_exit_50():
    compare_counts(["-f", "-c"], [fixture("immediate_exit"), "50"])


def test_counts_threads4():
    compare_counts(["-f", "-c"], [fixture("threads4")])


def test_counts_fork_exec():
    compare_counts(["-f", "-c"], [fixture("fork_exec")])


def test_counts_vfork_exec():
    compare_counts(["-f", "-c"], [fixture("vfork_exec")])


def test_counts_chain_10():
    # chain exits with DEPTH: the tracer passes it on.
    s = run_o(strace_cmd(), ["-f", "-c"], [fixture("chain"), "10"], rc=10)
    r = run_o(T.renacer_cmd(), ["-f", "-c"], [fixture("chain"), "10"], rc=10)
    st, rt = one_table(s.text, "strace"), one_table(r.text, "renacer")
    check_total(st, "strace")
    check_total(rt, "renacer")
    check_eq(comparable(rt.counts()), comparable(st.counts()), "(calls, errors)\n" + both(st, rt))


def test_counts_clone3_proc():
    compare_counts(["-f", "-c"], [fixture("clone3_proc")])


def test_counts_thread_exec():
    # The new thread's execve kills the leader wherever it is: nothing makes
    # the leader reach pthread_join first.  Its clone3 (the thread may exec
    # before the leader leaves the kernel) and the rt_sigprocmask that
    # pthread_create makes after clone3 are counted only if the leader got
    # there before the exec: scheduling (seen under CPU load).  Its futex
    # never returns anyway.
    compare_counts(["-f", "-c"], [fixture("thread_exec")], racy=("clone3", "rt_sigprocmask"))


def test_counts_signal_handler():
    compare_counts(["-f", "-c"], [fixture("signal_handler")])


def test_counts_stop_cont():
    compare_counts(["-f", "-c"], [fixture("stop_cont")])


def test_counts_child_killed():
    """Child B's write(pipe) has returned when the parent, having read the
    byte, kills B: the write is complete and counted (strace: always)."""
    compare_counts(["-f", "-c"], [fixture("child_killed")])


def test_counts_no_f():
    """Without -f only the command itself is counted, as strace does."""
    compare_counts(["-c"], [fixture("three_children")])


def test_c_output_streams():
    """-c -o FILE: the file holds the table and nothing else (strace's too);
    -c without -o: renacer prints the table on stdout, after the program's
    output, and no trace line anywhere."""
    exe = fixture("fork_write")
    s, r = pair(["-f", "-c"], [exe])
    for who, x in (("strace", s), ("renacer", r)):
        t = one_table(x.text, who)
        check_eq(x.text.rstrip("\n").split("\n"), t.lines, "%s: -c -o FILE holds only the table" % who)
        check_eq(t.nrules, 2, "%s: two rules" % who)
        check(x.text.endswith("\n") and not x.text.endswith("\n\n"),
              "%s: the file ends with the total row and one newline: %r" % (who, x.text[-80:]))
    r2 = T.run(T.renacer_cmd() + ["-f", "-c", exe])
    check_eq(r2.rc, 0, "exit status\n" + r2.describe())
    t = one_table(r2.out, "renacer -c stdout")
    out = r2.out.split("\n")
    check_eq(out[t.first:], t.lines + [""], "the table is last on stdout")
    check(re.match(r"^child \d+\nparent reaped \d+ status 0\n$", "\n".join(out[:t.first]) + "\n"),
          "before the table: only the program's output, got %r" % out[:t.first])
    check(not any(T._RE_TRACE.match(l) for l in r2.err.split("\n")),
          "no trace line on stderr with -c:\n" + r2.err)
    check_eq(comparable(t.counts()), comparable(one_table(r.text, "renacer").counts()),
             "the same counts on stdout and in -o FILE")


# ---------------------------------------------------------------- 2. formats

def trace_counts(text):
    """{name: (calls, errors)} of the trace lines of text (-f -o), counted
    the way -c counts: every completed call (unfinished/resumed joined),
    not those that never returned ('= ?'); errors: '= -1 E...' and
    '= ? ERESTART...'."""
    tr = T.Trace(text)
    c = collections.Counter()
    e = collections.Counter()
    for l in tr.joined:
        m = re.match(r"^([a-z_][a-z0-9_]*)\(.*\) += (.*)$", l.text)
        if not m or m.group(2) == "?":
            continue
        c[m.group(1)] += 1
        if re.match(r"^(?:-1|\?) E[A-Z]", m.group(2)):
            e[m.group(1)] += 1
    return dict((n, (c[n], e[n])) for n in c)


def test_C_trace_then_table():
    """-C: the trace, then the table right after the last trace line, and
    the table counts what the trace shows (for strace as for renacer)."""
    for argv in ([fixture("fork_write")], [fixture("fanout"), "20"]):
        s, r = pair(["-f", "-C"], argv)
        for who, x in (("strace", s), ("renacer", r)):
            t = one_table(x.text, who)
            lines = x.text.rstrip("\n").split("\n")
            check_eq(lines[t.first:], t.lines, "%s: the table is last" % who)
            tr = T.Trace("\n".join(lines[:t.first]))
            check(tr.lines and not tr.other,
                  "%s: before the table only trace lines, found %r" % (who, tr.other[:5]))
            check(tr.lines[-1].text.startswith("+++ exited with 0"),
                  "%s: the table follows the root's exit line" % who)
            check_total(t, who)
            check_eq(t.counts(), trace_counts("\n".join(lines[:t.first])),
                     "%s -C: the table's (calls, errors) vs the trace lines of the same run\n%s"
                     % (who, t.dump()))
        check_eq(one_table(r.text, "renacer").header, one_table(s.text, "strace").header,
                 "-C table header")
    # -C with the trace on stdout: the trace, then the table on stdout.
    r = T.trace_stdout(["-f", "-C"], [fixture("fork_write")])
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    t = one_table(r.out, "renacer -C stdout")
    check_eq(r.out.rstrip("\n").split("\n")[t.first:], t.lines, "-C stdout: the table is last")
    check(len(r.trace.lines) > 20, "-C stdout: the trace is printed too", r.trace)


def sort_check(key, st, rt):
    check_eq(rt.counts(), st.counts(), "-S %s: counts (deterministic fixture)\n%s" % (key, both(st, rt)))
    # Ties keep syscall-number order in both (strace's stable sort over the
    # number-ordered array), so with identical counts the whole order is
    # strace's, rows whose key differs included.
    check_eq(rt.names(), st.names(), "-S %s: row order\n%s" % (key, both(st, rt)))


def test_sort_calls_name_errors_nothing():
    argv = [fixture("simple_fork")]
    for key in ("calls", "name", "errors", "nothing", "count", "error", "syscall", "none"):
        s, r = pair(["-f", "-c", "-S", key], argv)
        st, rt = one_table(s.text, "strace"), one_table(r.text, "renacer")
        sort_check(key, st, rt)
        calls, errors, names = rt.column("calls", int), rt.column("errors", lambda x: int(x or 0)), rt.names()
        if key in ("calls", "count"):
            check_eq(calls, sorted(calls, reverse=True), "-S calls: calls descending")
        elif key in ("errors", "error"):
            check_eq(errors, sorted(errors, reverse=True), "-S errors: errors descending")
        elif key in ("name", "syscall"):
            check_eq(names, sorted(names), "-S name: names ascending")
    # Distinct keys really are exercised by this fixture.
    t = one_table(r.text, "renacer")
    calls, errors = t.column("calls", int), t.column("errors", lambda x: int(x or 0))
    check(len(set(calls)) >= 4 and len(set(errors)) >= 3,
          "simple_fork: expected several distinct calls/errors counts\n" + rt.dump())


def test_sort_by_time_keys():
    """-S by a time: strace's numbers vary run to run, so the order is
    checked against renacer's own columns (with -w, so they are not 0)."""
    argv = [fixture("simple_syscalls")]
    cols = {"time": "seconds", "total-time": "seconds", "avg-time": "usecs/call",
            "min-time": "shortest", "max-time": "longest"}
    for key, col in cols.items():
        r = run_o(T.renacer_cmd(), ["-f", "-c", "-w", "-S", key,
                                    "-U", "time,total-time,min-time,max-time,avg-time,calls,errors,name"],
                  argv)
        t = one_table(r.text, "renacer -S " + key)
        v = t.column(col)
        check_eq(v, sorted(v, reverse=True), "-S %s: column %s descending\n%s" % (key, col, t.dump()))
        check(v[0] > 0, "-w: wall times are not all zero\n" + t.dump())
    for key in ("p50", "p90", "p99"):
        r = run_o(T.renacer_cmd(), ["-f", "-c", "-w", "-S", key, "-U", "calls,name,p50,p90,p99"], argv)
        t = one_table(r.text, "renacer -S " + key)
        v = t.column("%s(us)" % key)
        check_eq(v, sorted(v, reverse=True), "-S %s: column %s(us) descending\n%s" % (key, key, t.dump()))


def test_w_header_and_shape():
    exe = fixture("three_children")
    s, r = pair(["-f", "-c", "-w"], [exe])
    st, rt = one_table(s.text, "strace -w"), one_table(r.text, "renacer -w")
    check_eq(rt.header, st.header, "-w header\n" + both(st, rt))
    check_eq(rt.rule, st.rule, "-w rule line\n" + both(st, rt))
    check_eq(rt.nrules, 2, "two rules")
    check_eq(len(rt.lines), len(st.lines), "-w number of lines\n" + both(st, rt))
    check_eq(sorted(comparable(rt.counts()).items()), sorted(comparable(st.counts()).items()),
             "-w counts")
    check_total(rt, "renacer -w")
    for who, t in (("strace", st), ("renacer", rt)):
        tot = float(t.total["seconds"])
        check(tot > 0, "%s -w: wall time total > 0\n%s" % (who, t.dump()))
        check(abs(sum(t.column("seconds")) - tot) <= 1e-6 * (len(t.rows) + 1),
              "%s -w: the rows' seconds add up to the total\n%s" % (who, t.dump()))
        check(abs(sum(t.column("% time")) - 100) <= 0.01 * (len(t.rows) + 1),
              "%s -w: %% time adds up to 100\n%s" % (who, t.dump()))
        check_eq(t.total["% time"], "100.00", "%s: total %% time" % who)
        # strace sorts by time by default: the seconds column descends.
        v = t.column("seconds")
        check_eq(v, sorted(v, reverse=True), "%s -w: default sort by time\n%s" % (who, t.dump()))


def test_w_is_wall_time():
    """A 0.3 s sleep: -w counts it (>= 0.3 s), the default (system time)
    does not (< 0.1 s); strace the same."""
    sleep = shutil.which("sleep")
    if not sleep:
        raise T.Skip("no sleep(1)")
    for opts, wall in ((["-c", "-w"], True), (["-c"], False)):
        s, r = pair(opts, [sleep, "0.3"])
        for who, x in (("strace", s), ("renacer", r)):
            t = one_table(x.text, who)
            rows = [row for row in t.rows if row["syscall"] in ("clock_nanosleep", "nanosleep")]
            check_eq(len(rows), 1, "%s %s: one sleep row\n%s" % (who, " ".join(opts), t.dump()))
            sec = float(rows[0]["seconds"])
            if wall:
                check(0.3 <= sec < 3, "%s -w: the sleep's wall time, got %s\n%s" % (who, sec, t.dump()))
            else:
                check(sec < 0.1, "%s without -w: system time of a sleep is ~0, got %s\n%s"
                      % (who, sec, t.dump()))


U_LISTS = [
    "calls,errors,name",
    "name,calls",
    "calls,errors",                      # name appended, as strace does
    "time,total-time,min-time,max-time,avg-time,calls,errors,name",
    "max-time,name,min-time",
    "syscall,count,error",
    "time-percent,time-total,time-avg",
]


def test_U_headers_as_strace():
    exe = fixture("fork_write")
    for cols in U_LISTS:
        for w in ([], ["-w"]):
            s, r = pair(["-f", "-c"] + w + ["-U", cols], [exe])
            st, rt = one_table(s.text, "strace -U " + cols), one_table(r.text, "renacer -U " + cols)
            what = "-U %s%s" % (cols, " -w" if w else "")
            check_eq(rt.header, st.header, what + ": header\n" + both(st, rt))
            check_eq(rt.rule, st.rule, what + ": rule\n" + both(st, rt))
            check_eq(len(rt.lines), len(st.lines), what + ": number of lines\n" + both(st, rt))
            check_eq(rt.total["syscall"], "total", what + ": total row")
            if "calls" in rt.cols and "errors" in rt.cols:
                check_eq(rt.counts(), st.counts(), what + ": counts\n" + both(st, rt))
                check_total(rt, "renacer " + what)
    # The default sort (time) orders rows by numbers that vary; sorted by
    # name, a table without time columns is strace's byte for byte.
    s, r = pair(["-f", "-c", "-S", "name", "-U", "calls,errors,name"], [exe])
    st, rt = one_table(s.text, "strace"), one_table(r.text, "renacer")
    check_eq(rt.lines, st.lines, "-U calls,errors,name -S name: the whole table\n" + both(st, rt))


def test_U_errors_as_strace():
    """Bad -U / -S arguments: the same message as strace, exit status 1."""
    exe = fixture("fork_write")
    for opts in (["-U", "foo"], ["-U", "calls,calls"], ["-S", "foo"]):
        s = T.run(strace_cmd() + ["-c"] + opts + [exe])
        r = T.run(T.renacer_cmd() + ["-c"] + opts + [exe])
        msg = lambda x: x.err.split("\n")[0].split(": ", 1)[-1]  # without "prog: "
        check_eq((r.rc, msg(r)), (s.rc, msg(s)),
                 "%s: exit status and message\nstrace: %s\nrenacer: %s" % (" ".join(opts), s.err, r.err))


def test_U_percentiles():
    """p50/p90/p99: strace's columns first (byte for byte), then ours,
    right-aligned in 11, values "%.1f" microseconds within [min, max] (the
    estimate is within 1 %), p50 <= p90 <= p99."""
    exe = fixture("fanout")
    base = "calls,name,min-time,max-time"
    s = run_o(strace_cmd(), ["-f", "-c", "-w", "-U", base], [exe, "20"])
    r = run_o(T.renacer_cmd(), ["-f", "-c", "-w", "-U", base + ",p50,p90,p99"], [exe, "20"])
    st, rt = one_table(s.text, "strace"), one_table(r.text, "renacer")
    pc = ["p50(us)", "p90(us)", "p99(us)"]
    check_eq(rt.header, st.header + "".join(" %11s" % h for h in pc), "header\n" + both(st, rt))
    check_eq(rt.rule, st.rule + (" " + "-" * 11) * 3, "rule\n" + both(st, rt))
    check_eq(rt.cols, ["calls", "syscall", "shortest", "longest"] + pc, "columns")
    for row in rt.rows + [rt.total]:
        for h in pc:
            check(re.match(r"^\d+\.\d$", row[h]), "%s of %s: %r" % (h, row["syscall"], row[h]))
        p = [float(row[h]) for h in pc]
        lo, hi = float(row["shortest"]) * 1e6, float(row["longest"]) * 1e6
        check(p[0] <= p[1] <= p[2], "%s: p50 <= p90 <= p99: %r" % (row["syscall"], p))
        check(lo * 0.99 - 1 <= p[0] and p[2] <= hi * 1.01 + 1,
              "%s: percentiles %r outside [shortest, longest] = [%s, %s] us\n%s"
              % (row["syscall"], p, lo, hi, rt.dump()))
        if row["syscall"] != "total" and int(row["calls"]) == 1:
            check(p[0] == p[1] == p[2], "%s: one call, one value: %r" % (row["syscall"], p))
    check(float(rt.total["p99(us)"]) > 0, "-w: p99 of all calls > 0\n" + rt.dump())
    # Alone, without any strace column: the name column is appended.
    r = run_o(T.renacer_cmd(), ["-f", "-c", "-U", "p50"], [exe, "5"])
    t = one_table(r.text, "renacer -U p50")
    check_eq(t.cols, ["p50(us)", "syscall"], "-U p50: name appended\n" + t.dump())


# ---------------------------------------------------------------- 3. --process-summary

PS_HEADER_COLS = ["pid", "start", "duration", "syscalls", "errors", "sys-time", "exit", "command"]


def proc_summary(r):
    """The --process-summary table of a -o file: the last table, with one
    rule and no total row."""
    ts = find_tables(r.text)
    check(ts, "no table in the output of\n%s\n%s" % (r.describe(), T.indent(r.text[-3000:], "  | ")))
    t = ts[-1]
    check_eq(t.cols, PS_HEADER_COLS, "process summary columns\n" + t.dump())
    check_eq(t.nrules, 1, "process summary: one rule\n" + t.dump())
    check_eq(r.text.rstrip("\n").split("\n")[t.first:], t.lines, "the summary ends the output")
    return t


def expected_ps_layout(t, rows):
    """rows: [(pid, depth, exit text, command)] in tree order. Checks the
    table: header and rule widths, every row's pid, exit, indented command,
    number formats; start column ascending among siblings."""
    cmds = [(" " * (4 * (d - 1)) + " \\_ " if d else "") + c for (_, d, _, c) in rows]
    widths = [7, 10, 10, 9, 9, 10, 21, max([7] + [len(c) for c in cmds])]
    check_eq(t.header, " ".join(h.rjust(w) if k < 6 else (h.ljust(w) if k == 6 else h)
                                for k, (h, w) in enumerate(zip(PS_HEADER_COLS, widths))),
             "header\n" + t.dump())
    check_eq(t.rule, " ".join("-" * w for w in widths), "rule\n" + t.dump())
    got = [(int(x["pid"]), x["exit"], x["command"]) for x in t.rows]
    check_eq(got, [(p, e, c) for (p, _, e, _), c in zip(rows, cmds)],
             "rows (pid, exit, command) in tree order\n" + t.dump())
    for x in t.rows:
        for col in ("start", "duration", "sys-time"):
            check(re.match(r"^\d+\.\d{6}$", x[col]), "%s: %r\n%s" % (col, x[col], t.dump()))
        check(re.match(r"^\d+$", x["syscalls"]) and re.match(r"^(?:[1-9]\d*)?$", x["errors"]),
              "syscalls/errors cells: %r %r (errors blank when 0)" % (x["syscalls"], x["errors"]))
    check_eq(t.rows[0]["start"], "0.000000", "the root starts the trace")


def ps_counts_match_trace(t, r, tgid_of=None):
    """Each row's syscalls/errors = the completed calls of that process's
    lines in the trace of the same run (threads added to their process)."""
    lines = r.text.split("\n")[:t.first]
    per = collections.defaultdict(lambda: [0, 0])
    for l in T.Trace("\n".join(lines)).joined:
        m = re.match(r"^([a-z_][a-z0-9_]*)\(.*\) += (.*)$", l.text)
        if not m or m.group(2) == "?":
            continue
        pid = (tgid_of or {}).get(l.pid, l.pid)
        per[pid][0] += 1
        per[pid][1] += bool(re.match(r"^(?:-1|\?) E[A-Z]", m.group(2)))
    got = dict((int(x["pid"]), (int(x["syscalls"]), int(x["errors"] or 0))) for x in t.rows)
    check_eq(got, dict((p, tuple(v)) for p, v in per.items()),
             "per-process (syscalls, errors) vs the trace of the same run\n" + t.dump())


def ps_run(argv, rc=0, opts=()):
    # -s 4096: the command column must not depend on -s here (the default
    # -s is checked by test_procsum_command_not_cut_by_s).
    return run_o(T.renacer_cmd(), ["-f", "-s", "4096", "--process-summary"] + list(opts), argv, rc=rc)


def out_ints(text, regex):
    return [tuple(int(g) for g in m.groups()) for m in re.finditer(regex, text, re.M)]


def test_procsum_three_children():
    exe = fixture("three_children")
    r = ps_run([exe])
    t = proc_summary(r)
    kids = dict((code, pid) for pid, code in out_ints(r.out, r"^child (\d+) exits (\d+)$"))
    check_eq(sorted(kids), [3, 4, 5], "the fixture's output:\n" + r.out)
    root = T.Trace(r.text).lines[0].pid
    # Children in start order (then pid); fork order is start order here.
    order = sorted(kids.values(), key=lambda p: [float(x["start"]) for x in t.rows
                                                 if int(x["pid"]) == p] + [p])
    code = dict((p, c) for c, p in kids.items())
    expected_ps_layout(t, [(root, 0, "exit 0", exe)] +
                       [(p, 1, "exit %d" % code[p], exe) for p in order])
    starts = [float(x["start"]) for x in t.rows[1:]]
    check_eq(starts, sorted(starts), "siblings ordered by start\n" + t.dump())
    ps_counts_match_trace(t, r)


def test_procsum_fork_exec():
    exe = fixture("fork_exec")
    r = ps_run([exe])
    t = proc_summary(r)
    (child,), = out_ints(r.out, r"^child (\d+) exec /bin/true$")
    root = T.Trace(r.text).lines[0].pid
    # The child execs /bin/true with argv = {"/bin/true"}: that is its command.
    expected_ps_layout(t, [(root, 0, "exit 0", exe), (child, 1, "exit 0", "/bin/true")])
    ps_counts_match_trace(t, r)


def test_procsum_fork_exec_args():
    """Arguments joined with spaces; the child's command is the argv it
    exec'd, the parent's its own."""
    exe, target = fixture("fork_exec"), fixture("exit_code")
    r = ps_run([exe, target, "9"])
    t = proc_summary(r)
    (child,), = out_ints(r.out, r"^child (\d+) exec ")
    root = T.Trace(r.text).lines[0].pid
    expected_ps_layout(t, [(root, 0, "exit 0", "%s %s 9" % (exe, target)),
                           (child, 1, "exit 9", "%s 9" % target)])


def test_procsum_chain():
    depth = 5
    exe = fixture("chain")
    r = ps_run([exe, str(depth)], rc=depth)
    t = proc_summary(r)
    levels = dict(out_ints(r.out, r"^level (\d+) pid (\d+)$"))
    check_eq(sorted(levels), list(range(depth + 1)), "levels printed:\n" + r.out)
    # Forked children run their parent's program: the same command.
    expected_ps_layout(t, [(levels[d], d, "exit %d" % (depth - d), "%s %d" % (exe, depth))
                           for d in range(depth + 1)])
    ps_counts_match_trace(t, r)


def test_procsum_killed_and_threads():
    exe = fixture("child_killed")
    r = ps_run([exe])
    t = proc_summary(r)
    a, = out_ints(r.out, r"^child A (\d+)$")
    b, = out_ints(r.out, r"^child B (\d+)$")
    root = T.Trace(r.text).lines[0].pid
    expected_ps_layout(t, [(root, 0, "exit 0", exe), (a[0], 1, "SIGKILL", exe),
                           (b[0], 1, "SIGKILL", exe)])
    ps_counts_match_trace(t, r)
    # Threads are not processes: one row, their calls added to it.
    exe = fixture("threads4")
    r = ps_run([exe])
    t = proc_summary(r)
    (pid,), = out_ints(r.out, r"^main (\d+)$")
    tids = [x[1] for x in out_ints(r.out, r"^thread (\d+) tid (\d+) pid \d+$")]
    check_eq(len(tids), 4, "four threads:\n" + r.out)
    expected_ps_layout(t, [(pid, 0, "exit 0", exe)])
    ps_counts_match_trace(t, r, tgid_of=dict((tid, pid) for tid in tids))


def test_procsum_segv():
    exe = fixture("segv")
    r = ps_run([exe], rc=-11)  # renacer dies of the same signal
    t = proc_summary(r)
    (pid,), = out_ints(r.out, r"^segv (\d+)$")
    expected_ps_layout(t, [(pid, 0, "SIGSEGV", exe)])


def test_procsum_with_c():
    """-c and --process-summary: the -c table, then the process summary,
    whose syscalls add up to the -c total."""
    exe = fixture("three_children")
    r = run_o(T.renacer_cmd(), ["-f", "-c", "--process-summary"], [exe])
    ts = find_tables(r.text)
    check_eq(len(ts), 2, "two tables\n" + T.indent(r.text, "  | "))
    c, p = ts
    check_eq(c.cols[-1], "syscall", "the -c table first")
    check_eq(p.cols, PS_HEADER_COLS, "the process summary second")
    check_eq(sum(int(x["syscalls"]) for x in p.rows), int(c.total["calls"]),
             "the processes' syscalls add up to the -c total\n%s\n%s" % (c.dump(), p.dump()))
    check_eq(sum(int(x["errors"] or 0) for x in p.rows), int(c.total["errors"] or 0),
             "the processes' errors add up to the -c total")


def test_procsum_sys_time_measure():
    """sys-time is "the same measure as the -c table: system time by
    default, wall time with -w" (procsummary.h), with or without -c: a
    0.3 s sleep costs ~0 system time and >= 0.3 s of wall time."""
    sleep = shutil.which("sleep")
    if not sleep:
        raise T.Skip("no sleep(1)")
    got, bad = [], []
    for opts, wall in (([], False), (["-c"], False), (["-w"], True), (["-c", "-w"], True)):
        r = run_o(T.renacer_cmd(), ["--process-summary"] + opts, [sleep, "0.3"])
        v = float(proc_summary(r).rows[0]["sys-time"])
        what = " ".join(opts) or "(no option)"
        got.append((what, v))
        if wall != (v >= 0.3) or (not wall and v >= 0.1):
            bad.append("%s: %s, expected %s" % (what, v, ">= 0.3 (wall time)" if wall
                                                 else "< 0.1 (system time)"))
    check(not bad, "sys-time of `sleep 0.3` under --process-summary:\n%s\n(all: %r)"
          % (T.indent("\n".join(bad)), got))


def test_procsum_command_not_cut_by_s():
    """The command column is the process's argv, whatever -s says for the
    trace (strings of the trace are cut at -s 32 by default)."""
    exe = fixture("fork_exec")
    long_arg = "x" * 40 + "-end"
    r = run_o(T.renacer_cmd(), ["-f", "--process-summary"], [exe, "/bin/echo", long_arg])
    t = proc_summary(r)
    (child,), = out_ints(r.out, r"^child (\d+) exec /bin/echo$")
    root = T.Trace(r.text).lines[0].pid
    check_eq([(int(x["pid"]), x["command"]) for x in t.rows],
             [(root, "%s /bin/echo %s" % (exe, long_arg)), (child, " \\_ /bin/echo %s" % long_arg)],
             "commands with the default -s 32\n" + t.dump())


def overhead_table(cmd, opts, prog):
    """CMD -c OPTS PROG: {name: seconds} of its table (renacer's on stdout,
    strace's on stderr)."""
    r = T.run(cmd + ["-c"] + opts + prog, timeout=60)
    check_eq(r.rc, 0, r.describe())
    rows = {}
    for l in (r.out + r.err).splitlines():
        m = re.match(r"^ *[\d.]+ +([\d.]+) +\d+ +\d+ +(?:\d+ +)?(\w+)$", l)
        if m:
            rows[m.group(2)] = float(m.group(1))
    check("total" in rows, "no table\n" + r.out + r.err)
    return rows, r.err


def test_O_overhead():
    """-O OVERHEAD (strace's time units, microseconds when bare) is taken off
    each call's time, down to 0 (strace 6.1 does the same); renacer counts by
    ptrace then."""
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace")
    prog = ["sleep", "0.1"]
    for cmd in ([strace], T.renacer_cmd()):
        rows, _ = overhead_table(cmd, ["-O", "1s"], prog)
        check_eq(set(rows.values()), {0.0}, "%s -O 1s: every time 0: %r" % (cmd[0], rows))
        rows, _ = overhead_table(cmd, ["-O", "1e6"], prog)
        check_eq(set(rows.values()), {0.0}, "%s -O 1e6 (us): every time 0: %r" % (cmd[0], rows))
        rows, _ = overhead_table(cmd, ["-w", "--summary-syscall-overhead=40ms", "-e",
                                       "trace=clock_nanosleep"], prog)
        check(0.055 <= rows["clock_nanosleep"] < 0.6, "%s -w -O 40ms: the sleep of 0.1 s "
              "less 0.04: %r" % (cmd[0], rows))
        rows, _ = overhead_table(cmd, ["-w", "-O", "0", "-e", "trace=clock_nanosleep"], prog)
        check(rows["clock_nanosleep"] >= 0.095, "%s -w -O 0: the whole sleep: %r" % (cmd[0],
                                                                                 rows))
    _, err = overhead_table(T.renacer_cmd(), ["-O", "5us", "--stats-self"], prog)
    check("renacer: self: -c by ptrace: -O " in err, "-O: counted by ptrace\n" + err)
    for arg in ("", "-1", "10xs", "5 us", "nan"):
        msgs = []
        for name, cmd in (("strace", [strace]), ("renacer", T.renacer_cmd())):
            r = T.run(cmd + ["-c", "-O", arg, "true"], timeout=30)
            check_eq(r.rc, 1, "%s -O %r\n%s" % (name, arg, r.describe()))
            msgs.append(r.err.splitlines()[0].split(":", 1)[1])
        check_eq(msgs[1], msgs[0], "renacer -O %r: strace's message" % arg)


if __name__ == "__main__":
    T.main([test_counts_three_children, test_counts_fork_write, test_counts_simple_syscalls,
            test_counts_simple_fork, test_counts_fanout_50, test_counts_immediate_exit_50,
            test_counts_threads4, test_counts_fork_exec, test_counts_vfork_exec,
            test_counts_chain_10, test_counts_clone3_proc, test_counts_thread_exec,
            test_counts_signal_handler, test_counts_stop_cont, test_counts_child_killed,
            test_counts_no_f, test_c_output_streams,
            test_C_trace_then_table, test_sort_calls_name_errors_nothing, test_sort_by_time_keys,
            test_w_header_and_shape, test_w_is_wall_time, test_U_headers_as_strace,
            test_U_errors_as_strace, test_U_percentiles,
            test_procsum_three_children, test_procsum_fork_exec, test_procsum_fork_exec_args,
            test_procsum_chain, test_procsum_killed_and_threads, test_procsum_segv,
            test_procsum_with_c, test_procsum_sys_time_measure, test_procsum_command_not_cut_by_s,
            test_O_overhead])
