#!/usr/bin/env python3
"""strace 6.1's flags that choose how arguments are shown, each against
strace 6.1 running the same fixture (verbose_io, and execve under env -i
for the arrays), the traces compared from the fixture's marker on with
addresses, inode numbers and times masked.

-v / --no-abbrev / -e abbrev=SET: execve's environment as an array of
strings (and argv no longer cut at -s elements), struct stat whole
(st_dev, st_ino, ..., the three times with their dates in a comment);
-v and -e abbrev= in their order on the command line.

-e verbose=SET: structures of the calls outside SET shown as addresses
(execve's arrays, struct stat).

-e raw=SET: every argument of those calls and their result in hex, an
error still -1 ENAME.

-X raw|abbrev|verbose / --const-print-style: flags and constants as
numbers (raw), or numbers with their names in a comment (verbose):
0x241 /* O_WRONLY|O_CREAT|O_TRUNC */, -100 /* AT_FDCWD */.

-e read=SET / -e write=SET: after each read or write on those descriptors
strace's hex and ASCII dump of all the data, whatever -s cuts.

Bad values: one line on stderr in strace's words, exit 1.
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


def masked(lines):
    """What may differ between two runs: addresses, inodes, times."""
    out = []
    for l in lines:
        l = re.sub(r"0x[0-9a-f]{9,}", "0xADDR", l)
        l = re.sub(r"st_ino=\d+", "st_ino=N", l)
        l = re.sub(r"(st_[amc]time)=\d+ /\* [^*]* \*/", r"\1=T", l)
        l = re.sub(r"(st_[amc]time_nsec)=\d+", r"\1=N", l)
        out.append(l)
    return out


def traced(name, opts, prog, trace_set):
    """The trace of NAME (strace or renacer) OPTS -e trace=SET -o F PROG:
    its lines from the marker on (none of the program's output: it writes
    to a file), masked."""
    out = T.tmpfile(name)
    cmd = [T.ARGS.strace] if name == "strace" else T.renacer_cmd()
    r = T.run(cmd + opts + ["-e", "trace=" + trace_set, "-o", out, "--"] + prog, timeout=30)
    check_eq(r.rc, 0, "%s %s\n%s" % (name, opts, r.describe()))
    lines = T.read_text(out).splitlines()
    for i, l in enumerate(lines):
        if l.startswith("chdir("):  # the marker's, which raw= shows as an address
            return masked(lines[i:])
    raise AssertionError("%s %s: no marker in the trace\n%s" % (name, opts, "\n".join(lines)))


def compare(opts, trace_set="chdir,openat,write,read,close,newfstatat,exit_group", want=None):
    """renacer's trace of verbose_io with OPTS is strace's; returns it."""
    need_strace()
    got = {}
    for name in ("strace", "renacer"):
        prog = [fixture("verbose_io"), os.path.join(T.TMP, "data")]
        got[name] = traced(name, opts, prog, trace_set)
    check_eq(got["renacer"], got["strace"], "renacer %s: strace's trace" % opts)
    for w in want or ():
        check(any(w in re.sub(r" +=", " =", l) for l in got["renacer"]), "renacer %s: no %r in\n%s" % (
            opts, w, "\n".join(got["renacer"])))
    return got["renacer"]


def test_verbose_stat():
    for opts in (["-v"], ["--no-abbrev"], ["-e", "abbrev=none"], ["--abbrev=newfstatat"],
                 ["-e", "a=!all"]):
        compare(opts, want=["st_dev=makedev(", "st_rdev=makedev(0x1, 0x3)",
                            "st_atime=T, st_atime_nsec=N"] if opts != ["--abbrev=newfstatat"]
                else ["{st_mode=S_IFREG|0644, st_size=72, ...}"])


def test_abbrev_order():
    """-v is abbrev=none in its place: the last of them wins."""
    full = compare(["-e", "abbrev=all", "-v"])
    check(any("st_ino=N" in l for l in full), "-e abbrev=all -v: not whole")
    cut = compare(["-v", "-e", "abbrev=all"])
    check(any(", ...}" in l for l in cut), "-v -e abbrev=all: not cut")


def test_verbose_none():
    for opts in (["-e", "verbose=none"], ["--verbose=!newfstatat"], ["-e", "v=openat"]):
        lines = compare(opts)
        check(any(re.search(r"newfstatat\(3, \"\", 0xADDR, AT_EMPTY_PATH\)", l) for l in lines),
              "%s: struct stat not an address\n%s" % (opts, "\n".join(lines)))


def test_raw():
    lines = compare(["-e", "raw=openat,write,chdir,close"],
                    want=["openat(0xffffff9c, 0xADDR, 0x241, 0x1a4) = 0x3",
                          "write(0x3, 0xADDR, 0x48) = 0x48", "close(0x3) = 0",
                          "-1 ENOENT (No such file or directory)"])
    check(any(l.startswith("newfstatat(3, \"\", {st_mode=S_IFREG") for l in lines),
          "raw=: the others decoded")
    compare(["--raw=all"], want=["exit_group(0) = ?"])


def test_xlat_styles():
    compare(["-X", "raw"], want=["openat(-100, \"", "0x241, 0644) = 3", "st_mode=0100644,",
                                 "0x1000) = 0"])
    compare(["--const-print-style=verbose"],
            want=["openat(-100 /* AT_FDCWD */, \"", "0x241 /* O_WRONLY|O_CREAT|O_TRUNC */, 0644)",
                  "st_mode=0100644 /* S_IFREG|0644 */", "0 /* O_RDONLY */) = 3",
                  "0x1000 /* AT_EMPTY_PATH */) = 0"])
    compare(["-X", "abbrev"], want=["O_WRONLY|O_CREAT|O_TRUNC"])
    compare(["-X", "verbose", "-v"])


def execve_line(name, opts, args):
    """NAME OPTS -e trace=execve verbose_io FILE ARGS under env -i A=1 B=2:
    its execve line, the address masked."""
    out = T.tmpfile(name)
    cmd = [T.ARGS.strace] if name == "strace" else T.renacer_cmd()
    prog = [fixture("verbose_io"), os.path.join(T.TMP, "data")] + args
    r = T.run(cmd + opts + ["-e", "trace=execve", "-o", out, "--"] + prog, timeout=30,
              env={"A": "1", "BB": "two", "PATH": "/usr/bin:/bin"})
    # the fixture refuses extra arguments: exit 125 after the execve
    check(r.rc in (0, 125), "%s %s\n%s" % (name, opts, r.describe()))
    lines = [l for l in T.read_text(out).splitlines() if l.startswith("execve(")]
    check_eq(len(lines), 1, "%s %s: one execve" % (name, opts))
    return re.sub(r"0x[0-9a-f]{9,}", "0xADDR", lines[0].replace(prog[0], "PROG"))


def test_execve_arrays():
    need_strace()
    for opts, args, want in (
            (["-v"], [], '["A=1", "BB=two", "PATH=/usr/bin:/bin"]'),
            (["-v", "-s", "2"], ["x", "yyy", "z"], '["A="..., "BB"..., "PA"...]'),
            (["-s", "2"], ["x", "yyy", "z"], '"/t"..., ...], 0xADDR /* 3 vars */'),
            (["-e", "verbose=none"], [], 'execve("PROG", 0xADDR, 0xADDR)'),
            (["-e", "abbrev=!execve"], [], '"BB=two"'),
            (["-e", "raw=execve"], [], "execve(0xADDR, 0xADDR, 0xADDR) = 0")):
        got = {name: execve_line(name, opts, args) for name in ("strace", "renacer")}
        check_eq(got["renacer"], got["strace"], "renacer %s: strace's execve line" % opts)
        check(want in got["renacer"], "renacer %s: no %r in %s" % (opts, want, got["renacer"]))


DUMP_72 = [
    " | 00000  68 65 6c 6c 6f 2c 20 76  65 72 62 6f 73 65 20 77  hello, verbose w |",
    " | 00010  6f 72 6c 64 3a 20 74 68  65 20 71 75 69 63 6b 20  orld: the quick  |",
    " | 00020  62 72 6f 77 6e 20 66 6f  78 0a 00 01 02 03 04 7f  brown fox....... |",
    " | 00030  ff 6a 75 6d 70 73 20 6f  76 65 72 20 74 68 65 20  .jumps over the  |",
    " | 00040  6c 61 7a 79 20 64 6f 67                           lazy dog         |",
]


def dumps_after(lines, call):
    """The dump lines right after each line starting with CALL."""
    out = []
    for i, l in enumerate(lines):
        if l.startswith(call):
            j = i + 1
            while j < len(lines) and lines[j].startswith(" | "):
                j += 1
            out.append(lines[i + 1:j])
    return out


def test_dumps():
    lines = compare(["-e", "read=3", "-e", "write=3"])
    check_eq(dumps_after(lines, "write(3,"), [DUMP_72], "write=3: the write's dump")
    check_eq(dumps_after(lines, "read(3,"), [DUMP_72], "read=3: the read's dump")
    # whatever -s cuts, and with raw= too; the other set alone
    lines = compare(["-e", "writes=all", "-s", "4", "-e", "raw=write"])
    check_eq(dumps_after(lines, "write(0x3,"), [DUMP_72], "write=all -s 4 raw=write")
    check_eq(dumps_after(lines, "read(3,"), [[]], "write= alone: no read dumped")
    lines = compare(["-e", "r=!3", "-e", "w=1,2,4"])
    check(not any(l.startswith(" | ") for l in lines), "read=!3 w=1,2,4: nothing dumped")
    compare(["-e", "read=none", "-e", "write=!all"])


def test_dump_large():
    """40000 bytes in one read and one write: more than the tracer copies
    itself, so the tracee is held for the worker's read."""
    need_strace()
    data = os.path.join(T.TMP, "big")
    with open(data, "wb") as f:
        f.write(bytes((i * 7 + i // 256) & 255 for i in range(40000)))
    got = {}
    for name in ("strace", "renacer"):
        out = T.tmpfile(name)
        cmd = [T.ARGS.strace] if name == "strace" else T.renacer_cmd()
        r = T.run(cmd + ["-e", "trace=read,write", "-e", "read=0", "-e", "write=1", "-o", out,
                         "dd", "if=" + data, "of=/dev/null", "bs=40000", "count=1",
                         "status=none"], timeout=60)
        check_eq(r.rc, 0, r.describe())
        got[name] = T.read_text(out).splitlines()
    check_eq(got["renacer"], got["strace"], "dd bs=40000 with read=0 write=1: strace's trace")
    check_eq([len(d) for d in dumps_after(got["renacer"], "read(0,")], [2500], "read's dump")


def test_bad_values():
    need_strace()
    for opts in (["-X", "foo"], ["-X", ""], ["--const-print-style=bogus"],
                 ["-e", "abbrev=foo"], ["-e", "raw="], ["-e", "verbose=!!"],
                 ["--raw=nosuchcall"], ["-e", "a=1,,/^nomatch$"], ["-e", "read=foo"],
                 ["-e", "write=-1"], ["-e", "read="], ["-e", "reads=99999999999"],
                 ["-e", "w=1,x"], ["-e", "write=!!"]):
        msgs = {}
        for name, cmd in (("strace", [T.ARGS.strace]), ("renacer", T.renacer_cmd())):
            r = T.run(cmd + opts + ["true"], timeout=30)
            check_eq(r.rc, 1, "%s %s: refused\n%s" % (name, opts, r.describe()))
            msgs[name] = r.err.splitlines()[0].replace(name + ":", "TRACER:", 1)
        check_eq(msgs["renacer"], msgs["strace"], "renacer %s: strace's message" % opts)


if __name__ == "__main__":
    T.main([test_verbose_stat, test_abbrev_order, test_verbose_none, test_raw,
            test_xlat_styles, test_execve_arrays, test_dumps, test_dump_large,
            test_bad_values])
