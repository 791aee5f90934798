#!/usr/bin/env python3
"""Timestamps against strace 6.1: -t, -tt, -ttt, -r, -r with -t*, -T and
their long forms (--timestamps=, --relative-timestamps=, --syscall-times=).

Every format check is one regex, applied to renacer's output AND to
strace's output of the same fixture with the same options: the test
checks strace's format, not our idea of it.  Lines are split as strace
writes them: the pid prefix first ("%-5d " with -f -o, "[pid %5d] " on the
terminal/stdout), then the timestamps, then the trace text; -T adds
" <seconds>" at the end of every syscall line that returned (not on
"= ?" lines nor on "<unfinished ...>" halves).  Values are checked too:
-t/-tt/-ttt against the clock around the run, per-process monotonic, -r
deltas against the run's duration, -T against a known sleep.
"""
import re
import shutil
import time

import rntest as T
from rntest import check, check_eq, fixture

# ---------------------------------------------------------------- helpers


def strace_cmd():
    p = shutil.which(T.ARGS.strace)
    if not p:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    return [p]


class Run:
    """One traced run: rc, the output text, [(pid, rest-of-line, raw)] and
    the wall clock (time.time()) before and after."""

    def __init__(self, who, cmd, text, rc, t0, t1, err=""):
        self.who, self.cmd, self.text, self.rc, self.t0, self.t1, self.err = \
            who, cmd, text, rc, t0, t1, err
        self.lines = []

    def dump(self, limit=60):
        ls = self.text.rstrip("\n").split("\n")
        return "%s: %s (exit %s)\n%s" % (self.who, " ".join(self.cmd), self.rc,
                                         T.indent("\n".join(ls[-limit:]), "  | "))


def split_o(raw):
    """'%-5d ' prefix of -f -o: (pid, rest)."""
    m = re.match(r"^(\d+) ", raw)
    check(m, "line without the 'PID ' prefix: %r" % raw)
    pid = int(m.group(1))
    pfx = "%-5d " % pid
    check(raw.startswith(pfx), "prefix must be exactly %r: %r" % (pfx, raw))
    return pid, raw[len(pfx):]


def split_term(raw):
    """'[pid %5d] ' prefix (several tracees, terminal format) or none."""
    m = re.match(r"^\[pid +(\d+)\] ", raw)
    if not m:
        return None, raw
    pid = int(m.group(1))
    pfx = "[pid %5d] " % pid
    check(raw.startswith(pfx), "prefix must be exactly %r: %r" % (pfx, raw))
    return pid, raw[len(pfx):]


def run_o(tracer, who, opts, argv, rc=0):
    ofile = T.tmpfile(who)
    cmd = tracer + ["-f"] + list(opts) + ["-o", ofile] + list(argv)
    t0 = time.time()
    r = T.run(cmd)
    t1 = time.time()
    run = Run(who, cmd, T.read_text(ofile), r.rc, t0, t1, r.err)
    if T.ARGS.verbose:
        print(run.dump(limit=None))
    if rc is not None:
        check_eq(r.rc, rc, "%s exit status (stderr %r)" % (who, r.err[-500:]))
    run.lines = [split_o(l) + (l,) for l in run.text.split("\n") if l]
    check(run.lines, "%s: empty trace\n%s" % (who, run.dump()))
    return run


def pair_o(opts, argv, rc=0):
    return [run_o(strace_cmd(), "strace", opts, argv, rc),
            run_o(T.renacer_cmd(), "renacer", opts, argv, rc)]


def pair_term(opts, argv):
    """-f without -o: strace writes the trace on stderr, renacer on stdout
    (mixed with the program's output, taken out with rntest.unsplice)."""
    out = []
    for who, tracer in (("strace", strace_cmd()), ("renacer", T.renacer_cmd())):
        cmd = tracer + ["-f"] + list(opts) + list(argv)
        t0 = time.time()
        r = T.run(cmd)
        t1 = time.time()
        check_eq(r.rc, 0, "%s exit status\n%s" % (who, r.describe()))
        if who == "strace":
            # strace's own messages, which may land in the middle of a line.
            text = re.sub(re.escape(tracer[0]) + r": Process \d+ (?:attached|detached)\n", "", r.err)
        else:
            text, _ = T.unsplice(r.out, 1)
        run = Run(who, cmd, text, r.rc, t0, t1, r.err)
        run.lines = [split_term(l) + (l,) for l in text.split("\n") if l]
        check(run.lines, "%s: empty trace\n%s" % (who, run.dump()))
        out.append(run)
    return out


def check_prefix(run, prefix_re):
    """Every line: PREFIX then a trace line. Returns [(pid, match, text)]."""
    rx = re.compile("^(?:%s)(.*)$" % prefix_re)
    out = []
    for pid, rest, raw in run.lines:
        m = rx.match(rest)
        check(m, "%s: the line does not start with /%s/ after its pid prefix: %r\n%s"
              % (run.who, prefix_re, raw, run.dump()))
        text = m.group(m.lastindex)
        check(T._RE_TRACE.match(text), "%s: not a trace line after the timestamp: %r\n%s"
              % (run.who, raw, run.dump()))
        out.append((pid, m, text))
    return out


_RE_PADDED = re.compile(r"^(.*\)) +(= .*)$")


def alignment_errors(run):
    """strace pads the call to column 39 of the whole line (pid prefix and
    timestamps included), then ' = '."""
    bad = []
    for _, _, raw in run.lines:
        m = _RE_PADDED.match(raw)
        if m:
            head = m.group(1)
            if raw != head + " " * max(0, 39 - len(head)) + " " + m.group(2):
                bad.append(raw)
    return bad


def usec(s):
    a, _, b = s.partition(".")
    return int(a) * 10 ** 6 + int((b + "000000")[:6])


def sod(epoch):
    """Seconds of the local day of an epoch time."""
    lt = time.localtime(epoch)
    return lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec


def check_clock_tod(run, values):
    """HH:MM:SS values (seconds of day) within the run (1 s slack, midnight
    wrap allowed)."""
    lo = sod(run.t0)
    span = int(run.t1 - run.t0) + 2
    for v in values:
        check((v - lo + 1) % 86400 <= span,
              "%s: -t time %02d:%02d:%02d outside the run (%s .. %s)\n%s"
              % (run.who, v // 3600, v // 60 % 60, v % 60, time.strftime("%T", time.localtime(run.t0)),
                 time.strftime("%T", time.localtime(run.t1)), run.dump()))


def check_monotonic(run, pids_values):
    last = {}
    for pid, v in pids_values:
        check(v >= last.get(pid, v), "%s: timestamps of pid %s go back: %s after %s\n%s"
              % (run.who, pid, v, last.get(pid), run.dump()))
        last[pid] = v


# ---------------------------------------------------------------- absolute

HMS = r"(\d\d):(\d\d):(\d\d)"


def test_t():
    for run in pair_o(["-t"], [fixture("three_children")]):
        ms = check_prefix(run, HMS + " ")
        vals = [int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) for _, m, _ in ms]
        check_clock_tod(run, vals)
        check(not alignment_errors(run), "%s: ' = ' column: %r" % (run.who, alignment_errors(run)[:3]))


def test_tt():
    for run in pair_o(["-tt"], [fixture("three_children")]):
        ms = check_prefix(run, HMS + r"\.(\d{6}) ")
        vals = [int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) for _, m, _ in ms]
        check_clock_tod(run, vals)
        check_monotonic(run, [(pid, (v, m.group(4))) for (pid, m, _), v in zip(ms, vals)])
        check(not alignment_errors(run), "%s: ' = ' column: %r" % (run.who, alignment_errors(run)[:3]))


def test_ttt():
    for run in pair_o(["-ttt"], [fixture("fanout"), "10"]):
        ms = check_prefix(run, r"(\d{10}\.\d{6}) ")
        vals = [float(m.group(1)) for _, m, _ in ms]
        # Within the run (1 s slack): in particular within 10 s of time.time().
        for v in vals:
            check(run.t0 - 1 <= v <= run.t1 + 1,
                  "%s: -ttt %.6f outside the run [%.6f, %.6f]\n%s" % (run.who, v, run.t0, run.t1, run.dump()))
        check_monotonic(run, [(pid, usec(m.group(1))) for pid, m, _ in ms])
        check(not alignment_errors(run), "%s: ' = ' column: %r" % (run.who, alignment_errors(run)[:3]))


def test_timestamps_long_forms():
    """--timestamps=[format:]{none,time,unix}[,[precision:]{s,ms,us,ns}]."""
    forms = [
        ("--timestamps=unix,ms", r"\d{10}\.\d{3} "),
        ("--timestamps=unix,s", r"\d{10} "),
        ("--timestamps=unix,ns", r"\d{10}\.\d{9} "),
        ("--timestamps=time,ns", HMS + r"\.\d{9} "),
        ("--timestamps=format:time,precision:ms", HMS + r"\.\d{3} "),
        ("--timestamps=", HMS + " "),
        ("--timestamps=us", HMS + r"\.\d{6} "),
    ]
    for opt, rx in forms:
        for run in pair_o([opt], [fixture("fork_write")]):
            check_prefix(run, rx)


# ---------------------------------------------------------------- relative

REL = r"(?=[ \d]{6}\.)( *\d+)\.(\d{6}) "


def test_r():
    for run in pair_o(["-r"], [fixture("three_children")]):
        ms = check_prefix(run, REL)
        check_eq(ms[0][1].group(0)[:14], "     0.000000 ", "%s: -r of the first line" % run.who)
        total = sum(int(m.group(1)) * 10 ** 6 + int(m.group(2)) for _, m, _ in ms)
        check(total <= (run.t1 - run.t0) * 1e6 + 1000,
              "%s: -r deltas add up to %d us, more than the run (%.0f us)\n%s"
              % (run.who, total, (run.t1 - run.t0) * 1e6, run.dump()))
        check(total > 0, "%s: -r deltas all zero" % run.who)
        check(not alignment_errors(run), "%s: ' = ' column: %r" % (run.who, alignment_errors(run)[:3]))


def test_r_long_forms():
    for opt, rx in (("--relative-timestamps=ns", r"(?=[ \d]{6}\.) *\d+\.\d{9} "),
                    ("--relative-timestamps=ms", r"(?=[ \d]{6}\.) *\d+\.\d{3} "),
                    ("--relative-timestamps=s", r"(?=[ \d]{6} ) *\d+ "),
                    ("--relative-timestamps", REL)):
        for run in pair_o([opt], [fixture("fork_write")]):
            check_prefix(run, rx)


def test_r_with_tt():
    """-r -tt: 'HH:MM:SS.uuuuuu (+     0.000123) ' ("(+" then "%6lu")."""
    for run in pair_o(["-r", "-tt"], [fixture("three_children")]):
        check_prefix(run, HMS + r"\.\d{6} \(\+(?=[ \d]{6}\.) *\d+\.\d{6}\) ")
    for run in pair_o(["-r", "-t"], [fixture("fork_write")]):
        check_prefix(run, HMS + r" \(\+(?=[ \d]{6}\.) *\d+\.\d{6}\) ")


def test_r_with_ttt_consistent():
    """-r -ttt: each delta is the difference of this line's and the previous
    line's absolute stamps.  renacer derives both from one clock (one
    realtime-monotonic offset, timefmt.h): exact to the truncation (2 us).
    strace reads two clocks, so it is only shown, not checked."""
    for run in pair_o(["-r", "-ttt"], [fixture("three_children")]):
        ms = check_prefix(run, r"(\d{10}\.\d{6}) \(\+(?=[ \d]{6}\.)( *\d+\.\d{6})\) ")
        worst, prev = 0, None
        for _, m, _ in ms:
            a, d = usec(m.group(1)), usec(m.group(2).strip())
            if prev is not None:
                worst = max(worst, abs((a - prev) - d))
            prev = a
        print("    %s: largest |delta(-ttt) - (-r)| = %d us" % (run.who, worst))
        if run.who == "renacer":
            check(worst <= 2, "renacer: -r deltas differ from the -ttt differences by up to %d us\n%s"
                  % (worst, run.dump()))


# ---------------------------------------------------------------- -T

def check_T(run, digits=6):
    """-T: ' <S.ffffff>' at the end of every syscall line that returned;
    none on '= ?' lines, unfinished halves, signal and exit lines."""
    dur = re.compile(r" <\d+%s>$" % (r"\.\d{%d}" % digits if digits else ""))
    anydur = re.compile(r" <\d+(?:\.\d+)?>$")
    n = 0
    for pid, text, raw in run.lines:
        if text.startswith(("--- ", "+++ ")) or text.endswith("<unfinished ...>") \
                or re.search(r"\) += \?$", text):
            check(not anydur.search(text), "%s: no -T suffix expected: %r\n%s" % (run.who, raw, run.dump()))
            continue
        check(re.search(r"\) += ", text), "%s: unexpected line %r" % (run.who, raw))
        check(dur.search(text), "%s: -T suffix missing or malformed: %r\n%s" % (run.who, raw, run.dump()))
        n += 1
    check(n > 10, "%s: syscall lines with -T: %d" % (run.who, n))


def test_T():
    for argv in ([fixture("fork_write")], [fixture("simple_syscalls")], [fixture("fanout"), "20"]):
        for run in pair_o(["-T"], argv):
            check_T(run)
            check(not alignment_errors(run), "%s: ' = ' column: %r" % (run.who, alignment_errors(run)[:3]))
            check(any(re.search(r"\) += \?$", t) for _, t, _ in run.lines),
                  "%s: an exit_group '= ?' line" % run.who)


def test_T_long_forms():
    for opt, digits in (("--syscall-times=ns", 9), ("--syscall-times=ms", 3),
                        ("--syscall-times=s", 0), ("--syscall-times", 6)):
        for run in pair_o([opt], [fixture("fork_write")]):
            check_T(run, digits)


def test_T_measures_a_sleep():
    sleep = shutil.which("sleep")
    if not sleep:
        raise T.Skip("no sleep(1)")
    for run in pair_o(["-T"], [sleep, "0.3"]):
        d = [float(m.group(1)) for _, t, _ in run.lines
             for m in [re.search(r"^(?:clock_)?nanosleep\(.*\) += 0 <(\d+\.\d{6})>$", t)] if m]
        check(len(d) == 1 and 0.3 <= d[0] < 3, "%s: -T of a 0.3 s sleep: %r\n%s" % (run.who, d, run.dump()))


def test_T_with_timestamps_and_pids_on_stdout():
    """On the terminal (stdout for renacer, stderr for strace) with -f:
    '[pid N] ' first, then the timestamp, then the call, then -T."""
    runs = pair_term(["-tt", "-T"], [fixture("fork_write")])
    for run in runs:
        ms = check_prefix(run, HMS + r"\.\d{6} ")
        check(any(pid is not None for pid, _, _ in run.lines), "%s: a [pid N] line" % run.who)
        check(any(pid is None for pid, _, _ in run.lines), "%s: a line without prefix" % run.who)
        for _, _, raw in run.lines:
            check(not re.match(r"^\d\d:\d\d:\d\d\.\d{6} \[pid", raw),
                  "%s: the timestamp must follow the [pid N] prefix: %r" % (run.who, raw))
        # The call text after the timestamp, for the -T checks.
        run.lines = [(pid, text, raw) for (pid, _, raw), (_, _, text) in zip(run.lines, ms)]
        check_T(run)
        check(not alignment_errors(run), "%s: ' = ' column: %r" % (run.who, alignment_errors(run)[:3]))
    runs = pair_term(["-r"], [fixture("three_children")])
    for run in runs:
        check_prefix(run, REL)


if __name__ == "__main__":
    T.main([test_t, test_tt, test_ttt, test_timestamps_long_forms, test_r, test_r_long_forms,
            test_r_with_tt, test_r_with_ttt_consistent, test_T, test_T_long_forms,
            test_T_measures_a_sleep, test_T_with_timestamps_and_pids_on_stdout])
