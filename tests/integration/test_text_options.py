#!/usr/bin/env python3
"""strace 6.1's options of the text's shape, each against strace itself.

-a N / --columns=N: " = ret" at column N (40 by default; 0 or a line already
past it: one space), live and through renacer-dump (the run's column kept,
-a overriding it); bad values refused in strace's words, the option named as
it was given (-s x: "-s", --string-limit=x: "--string-limit").
--strings-in-hex[=none|non-ascii-chars|non-ascii|all] (no value: all) on the
same bytes as strace, -x with it refused. --output-separately: which files
strace 6.1 writes with it, -f, --follow-forks and -ff (-f decides alone:
-f --output-separately is one file; --follow-forks --output-separately is
-ff; --output-separately alone is FILE.PID of the one process traced).
"""
import os
import re
import shutil

import rntest as T
from rntest import check, check_eq, fixture

MARKER = "renacer-differential-begin"


def need_strace():
    if not shutil.which(T.ARGS.strace):
        raise T.Skip("no strace")


def dump_cmd():
    return os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")


def strace_o(opts, cmd):
    out = T.tmpfile("strace")
    r = T.run([T.ARGS.strace] + opts + ["-o", out, "--"] + cmd, timeout=30)
    check_eq(r.rc, 0, "strace %s\n%s" % (opts, r.describe()))
    return T.read_text(out)


def renacer_o(opts, cmd):
    out = T.tmpfile("renacer")
    r = T.run(T.renacer_cmd() + opts + ["-o", out, "--"] + cmd, timeout=30)
    check_eq(r.rc, 0, "renacer %s\n%s" % (opts, r.describe()))
    return T.read_text(out)


_RE_RESULT = re.compile(r"^(.*\)) +(= .*)$")


def misaligned(text, column):
    """The lines after MARKER whose " = " is not where strace's tabto puts
    it for this column (padded to it, else one space), and how many lines
    were looked at."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if MARKER in l:
            lines = lines[i:]
            break
    bad, n = [], 0
    for l in lines:
        m = _RE_RESULT.match(l)
        if not m:
            continue
        n += 1
        head = m.group(1)
        if l != head + " " * max(1, column - len(head)) + m.group(2):
            bad.append(l)
    return bad, n


COLUMNS = ((["-a0"], 0), (["-a", "60"], 60), (["--columns=12"], 12), (["-a5"], 5),
           (["--columns", "70"], 70), ([], 40), (["-a", "40"], 40))


def test_columns():
    need_strace()
    prog = [fixture("simple_syscalls")]
    for opts, column in COLUMNS:
        for who, text in (("strace", strace_o(opts, prog)), ("renacer", renacer_o(opts, prog))):
            bad, n = misaligned(text, column)
            check(n >= 10, "%s %s: too few lines\n%s" % (who, opts, text))
            check(not bad, "%s %s: not at column %d:\n%s" % (who, opts, column,
                                                            "\n".join(bad[:10])))


def test_columns_dump():
    prog = [fixture("simple_syscalls")]
    cap, out = T.tmpfile("cap"), T.tmpfile("live")
    r = T.run(T.renacer_cmd() + ["-a", "60", "--capture", cap, "-o", out, "--"] + prog,
              timeout=30)
    check_eq(r.rc, 0, r.describe())
    live = T.read_text(out)
    r = T.run([dump_cmd(), cap], timeout=30)
    check_eq((r.rc, r.out), (0, live), "renacer-dump of a -a 60 capture = the live text\n" +
             r.describe())
    for opts, column in ((["-a0"], 0), (["--columns=50"], 50)):
        r = T.run([dump_cmd()] + opts + [cap], timeout=30)
        check_eq(r.rc, 0, r.describe())
        bad, n = misaligned(r.out, column)
        check(n >= 10 and not bad, "renacer-dump %s: not at column %d:\n%s" % (
            opts, column, "\n".join(bad[:10]) or r.out))
    r = T.run([dump_cmd(), "-a", "x", cap], timeout=30)
    check_eq((r.rc, r.err), (1, "renacer-dump: invalid -a argument: 'x'\n"), r.describe())


def first_line_of(cmd):
    r = T.run(cmd, timeout=30)
    return r.rc, (r.err.splitlines() or [""])[0]


BAD = (["-a", "x"], ["-a", "-1"], ["-a", "2147483648"], ["-a", ""], ["--columns=x"],
       ["--columns", "5x"], ["--col=x"], ["-s", "x"], ["--string-limit=x"],
       ["--string-limit", "x"], ["--string-lim=-1"], ["--strings-in-hex=al"],
       ["--strings-in-hex=x"], ["-x", "--strings-in-hex"], ["--strings-in-hex=all", "-x"],
       ["--output-separately=1"], ["-ff", "--output-separately", "-o", "os"],
       ["-f", "--follow-forks"], ["--follow-forks", "-f"])


def test_refusals():
    need_strace()
    for opts in BAD:
        s_rc, s_line = first_line_of([T.ARGS.strace] + opts + ["true"])
        r_rc, r_line = first_line_of(T.renacer_cmd() + opts + ["true"])
        check_eq(s_rc, 1, "strace %s refuses it" % opts)
        check_eq((r_rc, r_line), (1, s_line.replace("strace:", "renacer:", 1)),
                 "renacer %s: strace's refusal" % opts)


HEX = ([], ["--strings-in-hex"], ["--strings-in-hex=all"], ["--strings-in-hex=non-ascii"],
       ["--strings-in-hex=none"], ["--strings-in-hex=NONE"],
       ["--strings-in-hex=non-ascii-chars"], ["--strings-in-hex=Non-Ascii-Chars"], ["-x"],
       ["-xx"])


def test_strings_in_hex():
    need_strace()
    data = os.path.join(T.TMP, "hexdata")
    ascii_only = os.path.join(T.TMP, "hexascii")
    with open(data, "wb") as f:
        f.write(b"h\x01\n\x00<7\xff\t")
    with open(ascii_only, "wb") as f:
        f.write(b"hi there\n")
    for path in (data, ascii_only):
        cmd = ["cat", path]
        for opts in HEX:
            o = opts + ["-e", "trace=read,write"]
            # cat's reads of its file, and its write of them
            want = [l for l in strace_o(o, cmd).splitlines()
                    if l.startswith(("read(3, ", "write(1, "))]
            got = [l for l in renacer_o(o, cmd).splitlines()
                   if l.startswith(("read(3, ", "write(1, "))]
            check(want, "strace %s: no read(3)/write(1)" % opts)
            check_eq(got, want, "renacer %s %s: strace's strings" % (opts, path))


def files_written(tracer, opts):
    """The files a run of TRACER OPTS -o os sh -c '/bin/true; exit 0' writes,
    pids as PID, and whether /bin/true's execve is in them."""
    d = T.tmpfile("sep")
    os.mkdir(d)
    r = T.run(tracer + opts + ["-o", os.path.join(d, "os"), "--", "sh", "-c",
                               "/bin/true; exit 0"], timeout=30)
    check_eq(r.rc, 0, r.describe())
    names = sorted(re.sub(r"\.\d+$", ".PID", n) for n in os.listdir(d))
    texts = "".join(T.read_text(os.path.join(d, n)) for n in os.listdir(d))
    return names, 'execve("/bin/true"' in texts


SEPARATELY = (["--output-separately"], ["-f", "--output-separately"],
              ["--output-separately", "-f"], ["--follow-forks", "--output-separately"],
              ["--output-separately", "--follow-forks"], ["-ff"], ["-f"], ["--follow-forks"],
              ["--follow-forks", "--follow-forks"])


def test_output_separately():
    need_strace()
    for opts in SEPARATELY:
        want = files_written([T.ARGS.strace], opts)
        got = files_written(T.renacer_cmd(), opts)
        check_eq(got, want, "renacer %s -o os: strace's files (and following)" % opts)


if __name__ == "__main__":
    T.main([test_columns, test_columns_dump, test_refusals, test_strings_in_hex,
            test_output_separately])
