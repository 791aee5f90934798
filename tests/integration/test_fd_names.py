#!/usr/bin/env python3
"""-y with file names a traced program chose: every byte 1..255 (but '/').

The fixture fd_names (see its top comment) opens, reads and closes files
named with every byte, a forged "+++ exited with 0 +++" line among them.
The path shown behind a descriptor is the tracee's to choose, so it must be
escaped the way strace escapes it; otherwise a name forges trace lines, and
CSV is not UTF-8. Checked:

  * text (-y, -yy, -x, -xx): exactly one line per call after the marker,
    no line but the real exit starting with "+++", and every "N<...>" part
    identical to strace's for the same fixture and directory (strace is the
    oracle; the quoted arguments are left out of that comparison, they are
    the ordinary string quoting);
  * the shown paths decode (strace's escapes read back) to the real names;
  * JSON Lines: every line parses, the fd_paths entry of every descriptor gives the
    exact bytes back (CAPTURE.md 2.4), "arguments"/"result" hold the text;
  * CSV: the file is UTF-8, parses with the csv module into the same
    arguments and results as the text;
  * renacer-dump of a -y capture: text, JSON and CSV as the live run's;
  * the fixture fd_y under -y and -yy: every line from its marker on as
    strace's (AT_FDCWD's directory, the descriptors calls return or hold
    in their structs, "(deleted)", no paths in poll's and select's results,
    devices, sockets, pidfds), and its JSON fd_paths.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

MARKER = b"/renacer-differential-begin"


def names():
    """The fixture's names, in its order."""
    out = [bytes([b]) + b"7" for b in range(1, 256) if b != ord("/")]
    out.append(bytes(b for b in range(1, 128) if b != ord("/")))
    out.append(bytes(range(128, 256)))
    out += [b"x\n+++ exited with 0 +++\nfake", b'a<b>c"d\\e', b"<1", b">8", b"\1<",
            b"\t<7", "\u00e9t\u00e9".encode(), b"x (deleted)"]
    return out


NAMES = names()
CALLS_PER_NAME = 3  # openat, read, close


def fixture_dir():
    """One directory for every run, so that strace's paths and renacer's are
    the same (the fixture truncates what is there)."""
    d = os.path.join(T.TMP, "names")
    os.makedirs(d, exist_ok=True)
    return d


def unescape(s):
    """strace's escapes (\\n \\" \\\\ \\ooo \\xhh) read back to bytes."""
    out, i, b = bytearray(), 0, s.encode("ascii")
    letters = {ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13}
    while i < len(b):
        c = b[i]
        if c != ord("\\"):
            out.append(c)
            i += 1
            continue
        n = b[i + 1]
        if n in letters:
            out.append(letters[n])
            i += 2
        elif n == ord("x"):
            out.append(int(b[i + 2:i + 4], 16))
            i += 4
        elif ord("0") <= n <= ord("7"):
            j = i + 1
            while j < len(b) and j < i + 4 and ord("0") <= b[j] <= ord("7"):
                j += 1
            out.append(int(b[i + 1:j], 8))
            i = j
        else:
            out.append(n)
            i += 2
    return bytes(out)


FD_PART = re.compile(rb"(\d+)<([^<>]*)>")


def fd_parts(line):
    """The "N<path>" parts of a line, quoted strings (the ordinary string
    quoting, where < and > are themselves) skipped."""
    out, i = [], 0
    while i < len(line):
        c = line[i:i + 1]
        if c == b'"':
            i += 1
            while i < len(line) and line[i:i + 1] != b'"':
                i += 2 if line[i:i + 1] == b"\\" else 1
            i += 1
            continue
        m = FD_PART.match(line, i)
        if m and (i == 0 or not re.match(rb"[A-Za-z0-9_]", line[i - 1:i])):
            out.append(m.groups())
            i = m.end()
            continue
        i += 1
    return out


def after_marker(data, what):
    """The lines from the one after the marker's chdir on (bytes)."""
    lines = data.split(b"\n")
    check(lines and lines[-1] == b"", "%s does not end with a newline" % what)
    lines = lines[:-1]
    hexed = b"".join(b"\\x%02x" % c for c in MARKER)  # -xx
    at = [k for k, l in enumerate(lines) if MARKER in l or hexed in l]
    check(len(at) == 1, "%s: %d lines hold the marker" % (what, len(at)))
    return lines[at[0] + 1:]


def trace(tracer, opts, d, extra=()):
    """TRACER OPTS -o FILE fd_names D; the file's bytes."""
    ofile = T.tmpfile("trace")
    cmd = list(tracer) + list(opts) + ["-o", ofile] + list(extra) + ["--", fixture("fd_names"), d]
    r = T.run(cmd)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    with open(ofile, "rb") as f:
        return f.read()


def check_text(data, d, what):
    """One line per call, no forged line, the paths read back to the names."""
    lines = after_marker(data, what)
    n = len(NAMES) * CALLS_PER_NAME
    dump = "\n".join(repr(l) for l in lines[:4])
    check_eq(len(lines), n + 2, "%s: lines after the marker (calls + exit_group + exit)\n%s"
             % (what, dump))
    plus = [l for l in lines if l.startswith(b"+++")]
    check_eq(plus, [b"+++ exited with 0 +++"], "%s: the lines starting with +++" % what)
    check_eq(lines[-1], b"+++ exited with 0 +++", "%s: the last line" % what)
    check(lines[-2].startswith(b"exit_group(0)"), "%s: exit_group before the exit: %r"
          % (what, lines[-2]))
    for k, name in enumerate(NAMES):
        want = os.fsencode(d) + b"/" + name
        group = lines[CALLS_PER_NAME * k:CALLS_PER_NAME * (k + 1)]
        for l, call in zip(group, (b"openat(", b"read(", b"close(")):
            check(l.startswith(call), "%s: %r is not %s...)" % (what, l, call.decode()))
            check(all(0x20 <= c < 0x7f for c in l), "%s: a byte outside printable ASCII in %r"
                  % (what, l))
            parts = fd_parts(l)
            check_eq(len(parts), 2 if call == b"openat(" else 1,
                     "%s: descriptors shown with a path in %r" % (what, l))
            # openat's dirfd and result, read's and close's descriptor
            paths = [unescape(p.decode()) for _, p in parts]
            check(want in paths, "%s: %r shows no descriptor of %r: %r" % (what, l, want, paths))
    return lines


def run_both(opts):
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    d = fixture_dir()
    s = trace([strace], opts, d)
    r = trace(T.renacer_cmd(), opts, d)
    return s, r, d


def compare_with_strace(opts):
    s, r, d = run_both(opts)
    what = "renacer " + " ".join(opts)
    s_lines = check_text(s, d, "strace " + " ".join(opts))
    r_lines = check_text(r, d, what)
    check_eq(len(r_lines), len(s_lines), "%s: lines after the marker, as strace's" % what)
    for sl, rl in zip(s_lines, r_lines):
        check_eq(fd_parts(rl), fd_parts(sl), "%s: the N<path> parts of\n  %r\n  (strace: %r)"
                 % (what, rl, sl))


def test_text_y():
    compare_with_strace(["-y"])


def test_text_yy():
    compare_with_strace(["-yy"])


def test_text_x():
    """-x: a path with a byte that is not printable all in \\xhh, as strace."""
    compare_with_strace(["-y", "-x"])


def test_text_xx():
    compare_with_strace(["-y", "-xx"])


def test_text_trace_read():
    """-e trace=read,chdir: the closes and opens in between are not seen, so
    each read's descriptor shows the file open then, not the first one
    that had its number (strace reads the link every time)."""
    opts = ["-y", "-e", "trace=read,chdir"]
    s, r, d = run_both(opts)
    s_lines, r_lines = after_marker(s, "strace"), after_marker(r, "renacer")
    check_eq(len(s_lines), len(NAMES) + 1, "strace: lines after the marker")
    check_eq(len(r_lines), len(s_lines), "renacer: lines after the marker, as strace's")
    for k, (sl, rl) in enumerate(zip(s_lines[:-1], r_lines)):
        check_eq(fd_parts(rl), fd_parts(sl), "the N<path> parts of\n  %r\n  (strace: %r)"
                 % (rl, sl))
        want = os.fsencode(d) + b"/" + NAMES[k]
        check_eq([unescape(p.decode()) for _, p in fd_parts(rl)], [want], "read's path")


def text_results(lines):
    """(arguments, result) of each call line of a text trace."""
    out = []
    for l in lines:
        t = l.decode("ascii")
        m = re.match(r"^\w+\((.*)\) += (.*)$", t)
        check(m, "not a call line: %r" % t)
        out.append((m.group(1), m.group(2)))
    return out


def check_line_paths(args, res, call, want, what):
    """arguments/result text of a structured format: one line, printable
    ASCII, the descriptors' paths read back to the name."""
    t = "%s) = %s" % (args, res)
    check(all(" " <= ch < "\x7f" for ch in t), "%s: a character outside printable ASCII "
          "in %s's arguments or result: %r" % (what, call, t))
    paths = [unescape(p.decode()) for _, p in fd_parts(t.encode())]
    check(want in paths, "%s: %s's %r shows no descriptor of %r: %r" % (what, call, t, want, paths))


def check_json(data, d, text_lines=None):
    """Every line parses; each descriptor's fd_paths entry is the name's bytes."""
    objs = []
    for l in data.decode("utf-8").splitlines():
        objs.append(json.loads(l))
    calls = [o for o in objs if "syscall" in o]
    at = [k for k, o in enumerate(calls) if MARKER.decode() in o["arguments"]]
    check_eq(len(at), 1, "JSON: calls with the marker")
    calls = calls[at[0] + 1:]
    check_eq(len(calls), len(NAMES) * CALLS_PER_NAME + 1, "JSON: calls after the marker")
    for k, name in enumerate(NAMES):
        want = os.fsencode(d) + b"/" + name
        for j in range(CALLS_PER_NAME):
            o = calls[CALLS_PER_NAME * k + j]
            if o["syscall"] != "openat":
                fd = o["args"].get("fd")
                # the fd a number as without -y; its path in fd_paths
                check(isinstance(fd, int) and str(fd) in o["fd_paths"],
                      "JSON: %s's fd has no path: %r" % (o["syscall"], o))
                p = o["fd_paths"][str(fd)]
                got = p.encode("utf-8") if isinstance(p, str) else \
                    bytes.fromhex(p["hex"]) if "hex" in p else p["str"].encode("utf-8")
                check_eq(got, want, "JSON: %s's path bytes" % o["syscall"])
            check_line_paths(o["arguments"], o["result"], o["syscall"], want, "JSON")
    if text_lines is not None:
        for o, (args, res) in zip(calls, text_results(text_lines[:-2])):
            check_eq((o["arguments"], o["result"]), (args, res),
                     "JSON: arguments and result = the text's")


def check_csv(data, d, text_lines=None):
    """UTF-8, RFC 4180 as the csv module reads it, the paths read back."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("CSV is not UTF-8: %s" % e)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check_eq(rows[0][:4], ["pid", "syscall", "arguments", "result"], "CSV header")
    at = [k for k, r in enumerate(rows) if MARKER.decode() in r[2]]
    check_eq(len(at), 1, "CSV: rows with the marker")
    rows = [r for r in rows[at[0] + 1:] if not r[1].startswith("+++")]
    check_eq(len(rows), len(NAMES) * CALLS_PER_NAME + 1, "CSV: calls after the marker")
    for k, name in enumerate(NAMES):
        want = os.fsencode(d) + b"/" + name
        for r in rows[CALLS_PER_NAME * k:CALLS_PER_NAME * (k + 1)]:
            check_line_paths(r[2], r[3], r[1], want, "CSV")
    if text_lines is not None:
        for r, (args, res) in zip(rows, text_results(text_lines[:-2])):
            check_eq((r[2], r[3]), (args, res), "CSV: arguments and result = the text's")


def test_json():
    d = fixture_dir()
    check_json(trace(T.renacer_cmd(), ["-y", "--format", "json"], d), d)


def test_csv():
    d = fixture_dir()
    check_csv(trace(T.renacer_cmd(), ["-y", "--format", "csv"], d), d)


def test_structured_as_text():
    """JSON's and CSV's arguments/result: the text trace's (same renderer)."""
    d = fixture_dir()
    lines = check_text(trace(T.renacer_cmd(), ["-y"], d), d, "renacer -y")
    check_json(trace(T.renacer_cmd(), ["-y", "--format", "json"], d), d, lines)
    check_csv(trace(T.renacer_cmd(), ["-y", "--format", "csv"], d), d, lines)


def test_dump():
    """renacer-dump renders a -y capture with the same renderers."""
    dump = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
    d = fixture_dir()
    cap = T.tmpfile("cap")
    live = trace(T.renacer_cmd(), ["-y"], d, extra=["--capture", cap])
    lines = check_text(live, d, "live -y")
    for fmt in ("text", "json", "csv"):
        p = subprocess.run([dump, "--format", fmt, cap], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=T.scaled(60))
        check_eq(p.returncode, 0, "renacer-dump --format %s: %r" % (fmt, p.stderr))
        if fmt == "text":
            check_eq(after_marker(p.stdout, "dump"), lines, "renacer-dump's text = the live text")
        elif fmt == "json":
            check_json(p.stdout, d, lines)
        else:
            check_csv(p.stdout, d, lines)


def test_long_paths():
    """Paths of 4094..4100 bytes (the kernel refuses them: ENAMETOOLONG):
    shown as strace shows them, at most 4095 bytes and then "...", with
    and without the tracer's own copy of the call's memory."""
    prog = ("import os\nfor n in (4094, 4095, 4096, 4097, 4100):\n"
            "    try: os.open('a' * n, os.O_RDONLY)\n    except OSError: pass\n")
    out = T.tmpfile("strace")
    r = T.run([T.ARGS.strace, "-e", "trace=openat", "-o", out, "python3", "-c", prog])
    check_eq(r.rc, 0, "strace\n" + r.describe())
    want = [l for l in T.read_text(out).splitlines() if "aaaa" in l]
    check_eq(len(want), 5, "strace's lines")
    for env in (None, dict(os.environ, RENACER_WORKER_READS="1")):
        r = T.trace_o(["-e", "trace=openat"], ["python3", "-c", prog], env=env)
        check_eq(r.rc, 0, "renacer\n" + r.describe())
        got = [l for l in T.read_text(r.ofile).splitlines() if "aaaa" in l]
        check_eq(got, want, "the long paths (RENACER_WORKER_READS=%s)"
                 % ("1" if env else "unset"))


Y_MARK = 'chdir("/renacer-fd-y-begin")'


def y_lines(text):
    """The lines of an fd_y trace from its marker on, the column padding
    and the numbers of pipe, socket and anon inodes taken out."""
    out, on = [], False
    for l in text.splitlines():
        if l.startswith(Y_MARK):
            on = True
        if on:
            l = re.sub(r"(pipe|socket|eventpoll|eventfd):\[\d+\]", r"\1:[N]", l)
            # -yy: inodes, ports, a netlink socket's port id (the pid)
            l = re.sub(r"\b(UNIX-STREAM|UNIX|TCP|UDP|NETLINK|RAW):\[\d+(?=[]\-,])", r"\1:[N", l)
            l = re.sub(r"(UNIX-STREAM|UNIX):\[N->\d+", r"\1:[N->N", l)
            l = re.sub(r"(127\.0\.0\.1):\d+", r"\1:P", l)
            l = re.sub(r"NETLINK:\[ROUTE:\d+\]", "NETLINK:[ROUTE:P]", l)
            l = re.sub(r"htons\(\d+\)", "htons(P)", l)
            # the child waitid waits for, its times
            l = re.sub(r"(pidfd_open\(|si_pid=|= |<pid:|P_PID, )\d{3,}\b", r"\1PID", l)
            # kcmp's pids, and its order of two files (1 or 2)
            # (after the padding goes: a short line has it)
            l = re.sub(r"^kcmp\(\d+, \d+, (.*)\) += \d+$", r"kcmp(PID, PID, \1) = R", l)
            l = re.sub(r"(si_utime|si_stime)=\d+", r"\1=N", l)
            l = re.sub(r"0x[0-9a-f]{6,}", "ADDR", l)
            out.append(re.sub(r"\) {2,}= ", ") = ", l))
    return out


def fd_y_dir():
    d = os.path.join(T.TMP, "fd_y")
    os.makedirs(d, exist_ok=True)
    return d


def fd_y_like_strace(opts):
    """fd_y (see its top comment) under OPTS: every line from the
    marker on as strace 6.1 writes it (AT_FDCWD's directory, the
    descriptors fcntl and dup* return, "(deleted)" after the brackets,
    no paths in poll's and select's results, dup2's target as it was),
    with and without the tracer's own copies of the call's memory."""
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    d = fd_y_dir()
    s = T.tmpfile("strace")
    r = T.run([strace] + opts + ["-o", s, fixture("fd_y"), d], timeout=T.scaled(30))
    check_eq(r.rc, 0, "strace exit status\n" + r.describe())
    want = y_lines(T.read_text(s))
    check(len(want) > 40, "strace's lines: %r" % want)
    for env in (None, {"RENACER_WORKER_READS": "1"}):
        what = "renacer %s%s" % (" ".join(opts), " (worker reads)" if env else "")
        e = dict(os.environ, **env) if env else None
        r = T.trace_o(opts, [fixture("fd_y"), d], timeout=T.scaled(30), env=e)
        check_eq(r.rc, 0, what + ": exit status\n" + r.describe())
        got = y_lines(T.read_text(r.ofile))
        bad = [(g, w) for g, w in zip(got, want) if g != w]
        check_eq(len(got), len(want), what + ": lines from the marker on")
        check(not bad, what + ": %d lines differ from strace's:\n%s" % (
            len(bad), "\n".join("  %s\n  (strace: %s)" % gw for gw in bad[:10])))


def test_fd_y_like_strace():
    fd_y_like_strace(["-y"])


def test_fd_yy_like_strace():
    """-yy: devices with their numbers (/dev/null<char 1:3>), sockets by
    their endpoints (UNIX-STREAM:[N->N,"path"], TCP:[A:P->B:P], UDP,
    NETLINK:[ROUTE:PID])."""
    fd_y_like_strace(["-yy"])


def test_decode_fds_sets():
    """--decode-fds=SET, strace 6.1's long form: each kind (path, socket,
    dev, pidfd) shown alone as strace shows it (a device's numbers after
    its path, a socket's endpoints and a pidfd's process instead of it),
    "all" as -yy, "none" and a complement; alone, path as -y."""
    for opts in (["--decode-fds=socket,pidfd"], ["--decode-fds=dev"],
                 ["--decode-fds=!socket"], ["--decode-fds"], ["--decode-fds=all"],
                 ["--decode-fds=none"]):
        fd_y_like_strace(opts)


def test_decode_fds_bad():
    strace = shutil.which(T.ARGS.strace)
    if not strace:
        raise T.Skip("no strace (%s) here" % T.ARGS.strace)
    for arg in ("--decode-fds=foo", "--decode-fds=", "--decode-fds=path,,bogus",
                "--decode-fds=!"):
        msgs = {}
        for name, cmd in (("strace", [strace]), ("renacer", T.renacer_cmd())):
            r = T.run(cmd + [arg, "true"], timeout=30)
            check_eq(r.rc, 1, "%s %s\n%s" % (name, arg, r.describe()))
            msgs[name] = r.err.splitlines()[0].split(":", 1)[1]
        check_eq(msgs["renacer"], msgs["strace"], "renacer %s: strace's message" % arg)


def test_fd_y_json_and_dump():
    """--format json: AT_FDCWD's directory in fd_paths under "AT_FDCWD"
    (args keep "AT_FDCWD"), the descriptor fcntl returns under its number,
    a file no longer linked as /proc shows it (" (deleted)" after it); and
    renacer-dump's text of a -y capture is the live text."""
    d = fd_y_dir()
    real = os.path.realpath(d)
    cap = T.tmpfile("cap")
    live = T.trace_o(["-y", "--capture", cap], [fixture("fd_y"), d], timeout=T.scaled(30))
    check_eq(live.rc, 0, "renacer -y\n" + live.describe())
    r = T.trace_o(["-y", "--format", "json"], [fixture("fd_y"), d], timeout=T.scaled(30))
    check_eq(r.rc, 0, "renacer -y --format json\n" + r.describe())
    calls = [json.loads(l) for l in T.read_text(r.ofile).splitlines()]
    calls = [o for o in calls if "syscall" in o]
    at = [k for k, o in enumerate(calls) if "/renacer-fd-y-begin" in o["arguments"]]
    check_eq(len(at), 1, "JSON: the marker")
    calls = calls[at[0] + 1:]
    mk = [o for o in calls if o["syscall"] == "mkdirat"][0]
    check_eq(mk["args"]["dfd"], "AT_FDCWD", "mkdirat's dfd")
    check_eq(mk["fd_paths"], {"AT_FDCWD": real}, "mkdirat's fd_paths")
    f = [o for o in calls if o["syscall"] == "openat" and '"f"' in o["arguments"]][0]
    check_eq(f["fd_paths"], {"AT_FDCWD": real + "/sub", str(f["return"]): real + "/sub/f"},
             "openat(AT_FDCWD, \"f\")'s fd_paths after fchdir")
    dup = [o for o in calls if o["syscall"] == "fcntl" and "F_DUPFD," in o["arguments"]][0]
    check_eq(dup["fd_paths"].get(str(dup["return"])), real + "/sub/f", "F_DUPFD's result")
    gfd = [o for o in calls if o["syscall"] == "fcntl" and "F_GETFD" in o["arguments"]][0]
    check_eq(sorted(gfd["fd_paths"]), [str(gfd["args"]["fd"])], "F_GETFD: no result path")
    writes = [o for o in calls if o["syscall"] == "write"]
    paths = [o["fd_paths"][str(o["args"]["fd"])] for o in writes]
    for want in (real + "/u (deleted)", real + "/r2", "/memfd:mem (deleted)",
                 real + "/n (deleted)", real + "/h (deleted)"):
        check(want in paths, "JSON: no write's path is %r: %r" % (want, paths))
    dump = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
    p = subprocess.run([dump, cap], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=T.scaled(60))
    check_eq(p.returncode, 0, "renacer-dump: %r" % p.stderr)
    check_eq(y_lines(p.stdout.decode()), y_lines(T.read_text(live.ofile)),
             "renacer-dump's text = the live text")


if __name__ == "__main__":
    T.main([test_text_y, test_text_yy, test_text_x, test_text_xx, test_text_trace_read, test_json, test_csv,
            test_structured_as_text, test_dump, test_long_paths, test_fd_y_like_strace, test_fd_yy_like_strace,
            test_decode_fds_sets, test_decode_fds_bad,
            test_fd_y_json_and_dump])
