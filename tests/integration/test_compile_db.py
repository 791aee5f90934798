#!/usr/bin/env python3
"""--format compile-db: compile_commands.json equal to Bear 3's.

A small C project is generated in the temporary directory and built with
`make` (one job: Bear keeps the first of two entries with the same file and
output, so the order of the commands must be the build's own) under
`bear --output X -- make` and under `renacer -f --format compile-db`; the
two JSON documents must be equal once their entries are sorted. The
project has several sources, a subdirectory built with `make -C sub`, a
`cd dir && cc` command (also through a symbolic link to the directory), one compile of several sources, a link step, a
compile and link in one command, clang -save-temps (its -cc1 and -cc1as
run as processes), and the flags where Bear's choice decides
the entry: -E and -M (no entry), -MMD -MF (dropped), -l, -L, -shared
(dropped), -fsyntax-only (-c added), -oFILE glued (not an output), drivers
named gcc-12, x86_64-linux-gnu-gcc-12, clang-14, g++, c++.

Checked as well:
  * a static wrapper, where renacer sees more than Bear (static_wrapper);
  * renacer-dump --format compile-db of the run's capture: byte for byte
    the live document;
  * a capture made with a small -s: commands cut there are left out, and
    stderr says how many (the document stays JSON);
  * an empty build: "[]".

Bear is the oracle: without it (Debian's `bear`) those checks are skipped.
"""
import json
import os
import shutil
import subprocess

import rntest as T
from rntest import check, check_eq

SOURCES = {
    "a.c": "int a(void) { return 1; }\n",
    "b.c": "int b(void) { return 2; }\n",
    "c.c": "int c(void) { return 3; }\n",
    "d.c": "int d(void) { return 4; }\n",
    "e.cc": "int e() { return 5; }\n",
    "t.c": "int t(void) { return 6; }\n",
    "main.c": "int a(void); int b(void);\nint main(void) { return a() - b() + 1; }\n",
    "sub/s1.c": "int s1(void) { return 1; }\n",
    "sub/s2.c": "#include \"s.h\"\nint s2(void) { return S; }\n",
    "sub/inc/s.h": "#define S 2\n",
    "sub/Makefile": (
        "all:\n"
        "\tcc -O2 -c s1.c -o s1.o\n"
        "\tgcc -Iinc -DX=1 -MMD -MF s2.d -c s2.c -o s2.o\n"
        "\tar rcs libs.a s1.o s2.o\n"
    ),
}


def compilers():
    """The driver names of the Makefile that this machine has."""
    return [c for c in ("gcc-12", "x86_64-linux-gnu-gcc-12", "clang-14", "g++", "c++")
            if shutil.which(c)]


def makefile():
    lines = [
        "all:",
        "\tgcc -c a.c -o a.o",
        "\tcc -Wall -c b.c",
        # one command, two sources: one entry each
        "\tgcc -c c.c d.c",
        "\t$(MAKE) -C sub",
        "\tcd sub && gcc -c ../a.c -o a_in_sub.o",
        # through a symbolic link: Bear's directory is getcwd's, the real one
        "\tcd via && gcc -c s1.c -o s1_via.o",
        # preprocessing only: no entry
        "\tgcc -E main.c -o main.i",
        "\tgcc -M main.c > /dev/null",
        "\tgcc -fsyntax-only main.c",
        "\tgcc -c main.c -oglued.o",
        # link step: no source, no entry
        "\tgcc main.o a.o b.o sub/libs.a -o prog",
        # compile and link in one: entries for both sources with -c
        "\tgcc -shared -fPIC a.c b.c -o liball.so -lm -L/usr/lib",
        "\tgcc --version > /dev/null",
    ]
    if shutil.which("clang"):
        # clang's front end and assembler as processes of their own, with
        # their temporary files in the cwd: Bear has entries for them too
        lines.append("\tclang -save-temps=cwd -c t.c -o t.o")
    for i, c in enumerate(compilers()):
        src = "e.cc" if c.endswith("++") else "a.c"
        lines.append("\t%s -c %s -o v%d.o" % (c, src, i))
    lines.append("")
    return "\n".join(lines)


def project(name):
    d = os.path.join(T.TMP, name)
    shutil.rmtree(d, ignore_errors=True)
    for path, text in SOURCES.items():
        p = os.path.join(d, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
    os.symlink("sub", os.path.join(d, "via"))
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write(makefile())
    # main.o for the link step
    subprocess.run(["gcc", "-c", "main.c", "-o", "main.o"], cwd=d, check=True)
    return d


def clean(d):
    """Back to the sources (and main.o): both builds start from the same."""
    for root, _, files in os.walk(d):
        for f in files:
            if f.endswith((".o", ".a", ".so", ".i", ".d", ".json", ".bc", ".s")) or f == "prog":
                if not (root == d and f == "main.o"):
                    os.unlink(os.path.join(root, f))


def need_bear():
    if not shutil.which("bear"):
        raise T.Skip("bear is not installed (apt-get install bear)")


def bear(d):
    out = os.path.join(T.TMP, "bear.json")
    r = T.run(["bear", "--output", out, "--", "make", "-s"], cwd=d, timeout=180)
    check(r.rc == 0, "bear -- make failed", r.describe())
    with open(out) as f:
        return json.load(f)


def renacer(d, extra=(), cmd=("make", "-s")):
    out = os.path.join(T.TMP, "renacer.json")
    r = T.run(T.renacer_cmd() + ["-f", "--format", "compile-db", "-o", out] + list(extra)
              + ["--"] + list(cmd), cwd=d, timeout=180)
    check(r.rc == 0, "renacer -- make failed", r.describe())
    with open(out, "rb") as f:
        raw = f.read()
    return json.loads(raw), raw, r


def key(e):
    return json.dumps(e, sort_keys=True)


def check_same(mine, theirs):
    a, b = sorted(mine, key=key), sorted(theirs, key=key)
    only_r = [e for e in a if e not in b]
    only_b = [e for e in b if e not in a]
    check(a == b, "renacer's entries differ from Bear's\nrenacer only:\n%s\nbear only:\n%s" %
          (T.indent("\n".join(map(key, only_r)) or "-"),
           T.indent("\n".join(map(key, only_b)) or "-")))


def bear_equal():
    need_bear()
    d = project("proj")
    theirs = bear(d)
    clean(d)
    mine, _, _ = renacer(d)
    # Worth comparing: the project gives Bear something to say.
    check(len(theirs) >= 12, "Bear wrote only %d entries" % len(theirs))
    check_same(mine, theirs)


def static_wrapper():
    """Bear 3 sees a command through the exec* calls of the program that
    runs it: its library, preloaded into every dynamically linked process,
    reports each exec before making it. A statically linked program loads
    no library, so what it executes is never reported. Here make runs
    `./wrap ...`, a static program that execs /usr/bin/gcc with its own
    arguments: Bear sees make exec ./wrap (not a compiler: no entry) and
    never sees the gcc (gcc's own execs of cc1 and as are reported, but
    they are not compilers). renacer traces the execve itself, whatever
    the program making it, and finds the gcc."""
    need_bear()
    d = os.path.join(T.TMP, "static")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "wrap.c"), "w") as f:
        f.write("#include <unistd.h>\n"
                "int main(int argc, char **argv)\n"
                "{\n\t(void)argc;\n\targv[0] = \"gcc\";\n"
                "\texecv(\"/usr/bin/gcc\", argv);\n\treturn 127;\n}\n")
    with open(os.path.join(d, "w.c"), "w") as f:
        f.write("int w(void) { return 0; }\n")
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write("all:\n\t./wrap -c w.c -o w.o\n")
    r = T.run(["gcc", "-static", "-o", "wrap", "wrap.c"], cwd=d)
    if r.rc != 0:
        raise T.Skip("gcc -static failed (no static libc?): " + r.err.strip()[-200:])
    if not os.path.exists("/usr/bin/gcc"):
        raise T.Skip("no /usr/bin/gcc")
    theirs = bear(d)
    os.unlink(os.path.join(d, "w.o"))
    mine, _, _ = renacer(d)
    want = [{"arguments": ["/usr/bin/gcc", "-c", "-o", "w.o", "w.c"], "directory": d,
             "file": os.path.join(d, "w.c"), "output": os.path.join(d, "w.o")}]
    check_eq(mine, want, "renacer's entries for the static wrapper's gcc")
    check_eq(theirs, [], "Bear's entries (its preload cannot see a static program's exec)")


def dump_same():
    d = project("dumped")
    cap = os.path.join(T.TMP, "build.rnc")
    _, live, _ = renacer(d, ["--capture", cap])
    r = T.run([os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump"), "--format",
               "compile-db", cap], timeout=120)
    check(r.rc == 0, "renacer-dump failed", r.describe())
    check_eq(r.out, live.decode(), "renacer-dump --format compile-db of the run's capture")
    check(len(json.loads(live)) >= 12, "the live document has too few entries")


def cut_at_s():
    d = project("cut")
    cap = os.path.join(T.TMP, "cut.rnc")
    # -s 3: every compiler command here has more than 3 arguments or one longer
    # than 3 bytes, so each is cut in the capture
    r = T.run(T.renacer_cmd() + ["-f", "-s", "3", "--capture", cap, "--", "make", "-s"],
              cwd=d, timeout=180)
    check(r.rc == 0, "renacer --capture failed", r.describe())
    r = T.run([os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump"), "--format",
               "compile-db", cap], timeout=120)
    check(r.rc == 0, "renacer-dump failed", r.describe())
    check_eq(json.loads(r.out), [], "entries of commands cut at -s 3")
    check("compiler commands left out: the trace cut their command line at -s" in r.err,
          "renacer-dump says nothing of the commands it left out", r.describe())


def empty():
    d = os.path.join(T.TMP, "empty")
    os.makedirs(d, exist_ok=True)
    _, raw, _ = renacer(d, cmd=("true",))
    check_eq(raw, b"[]\n", "compile-db of a run with no compiler")


if __name__ == "__main__":
    T.main([bear_equal, static_wrapper, dump_same, cut_at_s, empty])
