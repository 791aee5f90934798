#!/usr/bin/env python3
"""--format report: the HTML page about a whole run, checked by its numbers.

The build: make -j2 over four steps of 400 ms and a chain of two (300 ms,
then 250 ms), each step tests/fixtures/spin (busy the whole time, never in
a syscall that waits). Under -j2 the schedule is fixed by make: two
400 ms steps, two more, then the chain, one step at a time.

  figures    7 processes of 2 programs, make's -j2 read from its command
             line; the critical path is make, a 400 ms step, another,
             then the chain's 300 and 250 ms steps, each on the path at
             least its own length, the times on the path summing to the
             wall time exactly; the slowest processes are make then the
             steps, each at least its length; spin's median is a 400 ms step; busy time
             is at least every step's whole life, and never more than make
             and two steps at once
  dump       renacer-dump --format report of a capture of the same run
             gives the same figures as the live page
  browser    Debian's chromium (headless) loads the page with no console
             message, the plot's path is drawn and the script has built
             one tree row per process; a screenshot is kept beside the
             build (tests/report-screenshot.png)
  files      a make -j1 where three cats read one header, two touches write
             one file and a cat fails to open a missing one: the header is
             read 3 times by 3 processes, the file is written by 2 (a
             conflict), and the failed opens by program sum to the number of
             failed opens strace -f -Z counts on the same build
  refusals   --format report without -o, and with -c, exit 1 with one line

Run by ctest as integration_report; by hand:
    python3 tests/integration/test_report.py --renacer build/renacer \\
        --fixtures build/tests/fixtures
"""
import json
import os
import re
import shutil
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

STEPS = {"s1": 400, "s2": 400, "s3": 400, "s4": 400, "c1": 300, "c2": 250}


def project():
    d = os.path.join(T.TMP, "build")
    os.makedirs(d, exist_ok=True)
    spin = fixture("spin")
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write("all: s1 s2 s3 s4 c2\n")
        for t in ("s1", "s2", "s3", "s4", "c1"):
            f.write("%s:\n\t%s %d\n" % (t, spin, STEPS[t]))
        f.write("c2: c1\n\t%s %d\n" % (spin, STEPS["c2"]))
        f.write(".PHONY: all s1 s2 s3 s4 c1 c2\n")
    return d


def data_of(path):
    text = T.read_text(path)
    m = re.search(r'<script type="application/json" id="report-data">\n(.*?)</script>', text, re.S)
    check(m, "no report-data in %s:\n%s" % (path, text[:2000]))
    return json.loads(m.group(1))


_live = {}


def live_report():
    """One traced build, with its page and a capture of it."""
    if not _live:
        d = project()
        # .html: a browser shows any other name as text
        page, cap = os.path.join(T.TMP, "report.html"), T.tmpfile("report.cap")
        r = T.run(T.renacer_cmd() + ["-f", "--format", "report", "-o", page, "--capture", cap,
                                     "--", "make", "-s", "-j2"], cwd=d, timeout=T.scaled(120))
        check_eq(r.rc, 0, "renacer's exit status\n" + r.describe())
        _live.update(page=page, cap=cap, data=data_of(page))
    return _live


def step_ms(command):
    m = re.match(r"^\S*/spin (\d+)$", command or "")
    return int(m.group(1)) if m else None


def test_figures():
    d = live_report()["data"]
    check_eq((d["processes"], d["programs"]), (7, 2), "processes, programs")
    check_eq(d["parallelism"]["jobs"], 2, "make's -j")
    tree = d["tree"]
    path = d["critical_path"]
    check_eq([step_ms(p["command"]) for p in path], [None, 400, 400, 300, 250],
             "the critical path's steps (%r)" % path)
    check(path[0]["command"].startswith("make "), "the path starts at make: %r" % path[0])
    check_eq(sum(p["own_ns"] for p in path), d["wall_ns"], "time on the path, summed")
    for p in path[1:]:
        check(p["own_ns"] >= step_ms(p["command"]) * 1000000,
              "a step is on the path for at least its length: %r" % p)
    # every process, longest first: make (its children run inside it), then
    # the steps (a 300 ms step may outlast a 400 ms one on a loaded machine:
    # each also pays its fork and exec)
    slow = [tree[i] for i in d["slowest"]]
    check_eq(sorted(d["slowest"]), list(range(7)), "the slowest processes are all 7")
    check(slow[0][8].startswith("make "), "make lasts longest: %r" % slow[0])
    check(all(a[3] >= b[3] for a, b in zip(slow, slow[1:])), "longest first: %r" % slow)
    for r in slow[1:]:
        check(r[3] >= step_ms(r[8]) * 1000000, "a step lasts at least its length: %r" % r)
    progs = dict((p["program"], p) for p in d["by_program"])
    check_eq(sorted(progs), ["make", "spin"], "programs")
    check_eq((progs["spin"]["count"], progs["make"]["count"]), (6, 1), "processes per program")
    check(progs["spin"]["median_ns"] >= 400 * 1000000,
          "spin's median is a 400 ms step: %r" % progs["spin"])
    steps = sum(r[3] for r in tree if step_ms(r[8]))
    check_eq(progs["spin"]["total_ns"], steps, "spin's total")
    par = d["parallelism"]
    check(par["average"] * d["wall_ns"] >= steps * 0.999,
          "busy time %.0f ns covers the steps' %d" % (par["average"] * d["wall_ns"], steps))
    check(2 <= par["peak"] <= 3, "peak %r: two steps at once, make at most with them" % par["peak"])
    check(len(par["buckets"]) == 400 and max(par["buckets"]) <= par["peak"],
          "the plot's buckets: %r" % par["buckets"][:20])


def test_dump():
    live = live_report()
    page = T.tmpfile("dumped.html")
    dump = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
    r = T.run([dump, "--format", "report", live["cap"]])
    with open(page, "w") as f:
        f.write(r.out)
    check_eq(r.rc, 0, "renacer-dump's exit status\n" + r.describe())
    check_eq(data_of(page), live["data"], "the dumped report's figures")


def test_browser():
    chromium = shutil.which("chromium")
    if not chromium:
        raise T.Skip("chromium is not installed (tools/dev.sh deps installs it)")
    page = live_report()["page"]
    base = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + os.path.join(T.TMP, "chromium"), "--enable-logging=stderr",
            "--v=0"]
    p = subprocess.run(base + ["--dump-dom", "file://" + page], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=T.scaled(120))
    err = p.stderr.decode("utf-8", "replace")
    dom = p.stdout.decode("utf-8", "replace")
    check_eq(p.returncode, 0, "chromium's exit status (stderr %s)" % err[-2000:])
    console = [l for l in err.splitlines() if ":CONSOLE" in l]
    check(not console, "console messages:\n" + "\n".join(console))
    area = re.search(r'<path id="parallelism-area"[^>]* d="([^"]*)"', dom)
    check(area and area.group(1).count("L") > 400,
          "the plot's path is in the DOM:\n" + dom[:3000])
    body = re.search(r'<tbody id="tree-body">(.*?)</tbody>', dom, re.S)
    check(body, "the tree's table is in the DOM")
    check_eq(body.group(1).count("<tr"), 7, "tree rows the script built")
    shot = os.path.join(os.path.dirname(T.ARGS.fixtures), "report-screenshot.png")
    p = subprocess.run(base + ["--window-size=1200,1800", "--screenshot=" + shot, "file://" + page],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=T.scaled(120))
    check(p.returncode == 0 and os.path.getsize(shot) > 10000, "a screenshot (%s)" % shot)


def test_files():
    d = os.path.join(T.TMP, "files")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "shared.h"), "w") as f:
        f.write("int x;\n")
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write("all: r1 r2 r3 w1 w2 miss\n"
                "r1 r2 r3:\n\tcat shared.h\n"
                "w1 w2:\n\ttouch out.txt\n"
                "miss:\n\t-cat missing.h\n"
                ".PHONY: all r1 r2 r3 w1 w2 miss\n")
    page = os.path.join(T.TMP, "files.html")
    r = T.run(T.renacer_cmd() + ["-f", "--format", "report", "-o", page, "--", "make", "-s", "-j1"],
              cwd=d, timeout=T.scaled(120))
    check_eq(r.rc, 0, "renacer's exit status\n" + r.describe())
    files = data_of(page)["files"]
    by_path = dict((p["path"], p) for k in ("most_read", "most_readers", "conflicts")
                   for p in files[k])
    shared = by_path.get(os.path.join(d, "shared.h"))
    check(shared, "shared.h among the most read: %r" % files["most_read"])
    check_eq((shared["reads"], shared["readers"], shared["writers"]), (3, 3, 0), "shared.h")
    out = [p for p in files["conflicts"] if p["path"] == os.path.join(d, "out.txt")]
    check_eq([(p["writers"], p["reads"]) for p in out], [(2, 0)],
             "out.txt among the conflicts: %r" % files["conflicts"])
    check(not any(p["path"].startswith("/dev/") for p in files["conflicts"]),
          "no device among the conflicts: %r" % files["conflicts"])
    # the oracle: strace's count of failed opens on the same build
    s = T.tmpfile("strace-opens")
    rs = T.run(["strace", "-f", "-qq", "-Z", "-e", "trace=open,openat,openat2,creat", "-o", s,
                "--", "make", "-s", "-j1"], cwd=d, timeout=T.scaled(120))
    check_eq(rs.rc, 0, "strace's exit status\n" + rs.describe())
    want = sum(1 for l in T.read_text(s).splitlines() if re.search(r"= -1 E[A-Z]+", l))
    got = dict((p["program"], p["count"]) for p in files["failed_opens"])
    check_eq(sum(got.values()), want, "failed opens (%r)" % got)
    check(got.get("cat", 0) >= 1, "cat's failed open of missing.h: %r" % got)


def test_refusals():
    for opts, want in ((["--format", "report"], "give -o FILE"),
                       (["--format", "report", "-o", T.tmpfile("r"), "-c"], "-c/-C print a text table")):
        r = T.run(T.renacer_cmd() + opts + ["--", "true"])
        check_eq(r.rc, 1, "exit status of renacer %s\n%s" % (" ".join(opts), r.describe()))
        lines = r.err.strip().splitlines()
        check(len(lines) == 1 and want in lines[0], "one line naming the problem: %r" % r.err)


if __name__ == "__main__":
    T.main([test_figures, test_dump, test_browser, test_files, test_refusals])
