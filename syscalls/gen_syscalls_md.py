#!/usr/bin/env python3
"""gen_syscalls_md.py [--check] IN.tbl OUT.md - the system call reference.

Writes docs/syscalls.md from the syscall table (syscalls_x86_64.tbl, read
by gen_syscalls.py's own parser, so the reference and the compiled table
cannot disagree on what a line means): every call's number, name, classes,
its arguments with their names and types in register order, and how its
return value is shown. The argument names are the keys of --format json's
"args", so this is where a consumer of the JSON finds them.

With --check, OUT.md is compared with what would be written and the script
fails (exit 1, a unified diff on stderr) when they differ: the ctest
syscalls_md runs it, so a table change without the reference regenerated
fails the tests.
"""

import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_syscalls as G  # noqa: E402

REGEN = "python3 syscalls/gen_syscalls_md.py syscalls/syscalls_x86_64.tbl docs/syscalls.md"

# What each type of the table shows, in the words of the reference.
ARG_TYPES = [
    ("int, long", "signed decimal (32-bit, 64-bit)"),
    ("uint, ulong", "unsigned decimal (32-bit, 64-bit)"),
    ("hex", "hexadecimal"),
    ("octal", "octal (`0644`)"),
    ("ptr", "an address, `NULL` for 0"),
    ("fd", "a file descriptor (with `-y`, its path)"),
    ("dirfd", "a directory descriptor, `AT_FDCWD` for -100"),
    ("pid", "a process id"),
    ("uid", "a user or group id, -1 kept as -1"),
    ("signal", "a signal name (`SIGTERM`)"),
    ("path", "a file name, read at entry (up to `PATH_MAX`)"),
    ("str", "a NUL-terminated string, read at entry (up to `-s`)"),
    ("ibuf(LEN)", "a buffer read at entry, LEN (another argument) bytes long, up to `-s`"),
    ("obuf", "a buffer read at exit, as long as the return value, up to `-s`"),
    ("argv, envp", "execve's vectors (the environment as a count)"),
    ("flags(TABLE)", "symbolic flags (`O_RDONLY\\|O_CLOEXEC`), from decoder table TABLE"),
    ("enum(TABLE)", "a symbolic constant (`SEEK_SET`), from decoder table TABLE"),
    ("struct_in(NAME)", "a struct read at entry"),
    ("struct_out(NAME)", "a struct read at exit"),
    ("struct_io(NAME)", "a struct read at entry and again at exit (value-result)"),
    ("struct_inret(NAME)", "a struct shown at entry, read again at exit for what follows the result"),
]

RET_WORDS = {
    "int": "int", "long": "long", "uint": "uint", "ulong": "ulong", "fd": "fd",
    "pid": "pid", "ptr": "ptr", "hex": "hex", "octal": "octal", "signal": "signal",
    "none": "none (`= ?`)",
}


def arg_text(a, raw_args):
    name, kind, param = a
    typ = kind if param is None else "%s(%s)" % (kind, param)
    text = "`%s`: %s" % (name, typ)
    if name in raw_args:
        text += " (shown raw)"
    return text


def render(table, raw, src):
    out = []
    w = out.append
    w("# System calls")
    w("")
    w("<!-- Generated from %s by syscalls/gen_syscalls_md.py: do not edit." % src)
    w("     Regenerate with: %s -->" % REGEN)
    w("")
    w("The x86-64 (64-bit ABI) system calls renacer knows by name, from its")
    w("syscall table (`syscalls/syscalls_x86_64.tbl`). For each: its number, its")
    w("name, the strace classes it belongs to (`-e trace=%CLASS`), its arguments")
    w("in register order with their names and types, and how its return value is")
    w("shown. A number missing here is shown raw (`syscall_0x1b3(...)`).")
    w("")
    w("The argument names are the kernel's, and they are the keys of")
    w("`--format json`'s `args` object (`capture/CAPTURE.md`, 2.1 and 2.3): an")
    w("argument shown at entry and again at exit is `NAME` then `NAME@exit`.")
    w("A call decoded by a whole-call decoder may show its arguments in another")
    w("way than its types below say (as strace does: `fcntl`'s third argument")
    w("depends on its command). \"Shown raw\" marks an argument renacer shows as a")
    w("plain number or address on purpose.")
    w("")
    w("| type | shown as |")
    w("| --- | --- |")
    for t, words in ARG_TYPES:
        w("| %s | %s |" % (", ".join("`%s`" % x.strip() for x in t.split(",")), words))
    w("")
    w("Return types are those of the arguments, and `none` for a call that does")
    w("not return (`exit`, `exit_group`: `= ?`).")
    w("")
    w("%d system calls:" % len(table))
    w("")
    w("| nr | name | arguments | returns | classes |")
    w("| ---: | --- | --- | --- | --- |")
    for nr in sorted(table):
        sc = table[nr]
        raw_args = {arg for (name, arg) in raw if name == sc.name}
        args = ", ".join(arg_text(a, raw_args) for a in sc.args) or "—"
        classes = ", ".join(sc.classes) or "—"
        w("| %d | `%s` | %s | %s | %s |" % (nr, sc.name, args, RET_WORDS.get(sc.ret, sc.ret),
                                           classes))
    return "\n".join(out) + "\n"


def main(argv):
    check = len(argv) > 1 and argv[1] == "--check"
    if check:
        argv = argv[:1] + argv[2:]
    if len(argv) != 3:
        sys.stderr.write("usage: gen_syscalls_md.py [--check] IN.tbl OUT.md\n")
        return 2
    src, dst = argv[1], argv[2]
    raw = {}
    try:
        table = G.parse(src, raw)
    except (G.TblError, OSError, UnicodeDecodeError) as e:
        sys.stderr.write("gen_syscalls_md.py: %s\n" % e)
        return 1
    # The path as the repository names it, wherever the build runs from.
    text = render(table, raw, "syscalls/" + os.path.basename(src))
    if check:
        try:
            with open(dst, encoding="utf-8") as f:
                have = f.read()
        except OSError as e:
            sys.stderr.write("gen_syscalls_md.py: %s: %s\nregenerate it with: %s\n"
                             % (dst, e.strerror, REGEN))
            return 1
        if have == text:
            return 0
        diff = difflib.unified_diff(have.splitlines(True), text.splitlines(True),
                                    dst + " (committed)", dst + " (from the table)")
        sys.stderr.write("gen_syscalls_md.py: %s is out of date; regenerate it with:\n    %s\n"
                         % (dst, REGEN))
        sys.stderr.writelines(list(diff)[:200])
        return 1
    tmp = dst + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, dst)
    except OSError as e:
        sys.stderr.write("gen_syscalls_md.py: %s: %s\n" % (dst, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
