#!/usr/bin/env python3
"""--format files: each process's files, one JSON object per process.

The fixture file_ops (see its top comment) makes known file operations
with paths relative to its cwd, to a directory descriptor, after fchdir
to a dup'ed descriptor, and in a forked child that execs. Checked:

  * every array of both processes exactly (docs/FILES.md), but for the
    dynamic loader's reads and probes of its own files before main (not
    under the fixture's directory; those are checked to be the loader's
    only), in the order of first use;
  * pid, ppid, command, cwd (where each ran its command);
  * the lines are in the order the processes ended (the child first);
  * jq reads the file, and pandas (Debian's python3) reads it as JSON
    Lines with one row per process and the schema's columns;
  * renacer-dump --format files of the run's capture: byte for byte the
    live output.
"""
import json
import os
import subprocess

import rntest as T
from rntest import check, check_eq, fixture

SYSTEM_PYTHON = "/usr/bin/python3"
KEYS = ["pid", "ppid", "command", "command_cut", "cwd", "read", "wrote", "created",
        "deleted", "renamed", "executed", "probed", "listed"]
LOADER = ("/etc/ld.so", "/lib/", "/lib64/", "/usr/lib/")


def run_fixture(extra=()):
    d = os.path.realpath(os.path.join(T.TMP, "files"))
    subprocess.run(["rm", "-rf", d])
    os.makedirs(d)
    out = os.path.join(T.TMP, "files.jsonl")
    prog = fixture("file_ops")
    r = T.run(T.renacer_cmd() + ["-f", "--format", "files", "-o", out] + list(extra)
              + ["--", prog, d], timeout=60)
    check(r.rc == 0, "renacer --format files failed", r.describe())
    with open(out, "rb") as f:
        raw = f.read()
    return d, prog, raw, r


def ours(obj, d):
    """obj's arrays without the dynamic loader's paths (checked to be only
    those)."""
    o = dict(obj)
    for k in ("read", "probed"):
        other = [p for p in o[k] if not p.startswith(d + "/")]
        check(all(p.startswith(LOADER) for p in other),
              "%s has paths neither the fixture's nor the loader's: %r" % (k, other))
        o[k] = [p for p in o[k] if p.startswith(d + "/")]
    return o


def exact_arrays():
    d, prog, raw, _ = run_fixture()
    lines = raw.decode().splitlines()
    check_eq(len(lines), 2, "lines (one per process)")
    objs = [json.loads(l) for l in lines]
    for o in objs:
        check_eq(list(o), KEYS, "keys of a line")
    child, parent = objs
    cwd = os.path.realpath(T.TMP)
    want_parent = {
        "pid": parent["pid"], "ppid": 0,
        "command": [prog, d], "command_cut": False, "cwd": cwd,
        "read": [d + "/w.txt", d + "/d", d + "/d/rel.txt"],
        "wrote": [d + "/w.txt", d + "/d/in_d", d + "/d/rel.txt"],
        "created": [d + "/w.txt", d + "/d", d + "/d/in_d", d + "/d/rel.txt"],
        "deleted": [d + "/r.txt", d + "/d/in_d", d + "/d/child.txt",
                    d + "/d/after_exec.txt", d + "/moved.txt"],
        "renamed": [{"from": d + "/w.txt", "to": d + "/r.txt"},
                    {"from": d + "/d/rel.txt", "to": d + "/moved.txt"}],
        "executed": [prog],
        "probed": [d + "/missing", d + "/r.txt", d + "/nope"],
        "listed": [d + "/d"],
    }
    want_child = {
        "pid": child["pid"], "ppid": parent["pid"],
        "command": ["file_ops", "exec"], "command_cut": False, "cwd": d + "/d",
        "read": [],
        "wrote": [d + "/d/child.txt", d + "/d/after_exec.txt"],
        "created": [d + "/d/child.txt", d + "/d/after_exec.txt"],
        "deleted": [], "renamed": [],
        "executed": ["/proc/self/exe"],
        "probed": [], "listed": [],
    }
    check(child["pid"] != parent["pid"], "two processes")
    check_eq(ours(parent, d), want_parent, "the parent's line")
    check_eq(ours(child, d), want_child, "the child's line")


def jq_and_pandas():
    d, _, raw, _ = run_fixture()
    path = os.path.join(T.TMP, "files.jsonl")
    r = T.run(["jq", "-c", "[.pid, .ppid, (.wrote | length)]", path])
    if r.rc == 127 or "No such file" in r.err:
        raise T.Skip("no jq")
    check(r.rc == 0, "jq cannot read the file", r.describe())
    rows = [json.loads(l) for l in r.out.splitlines()]
    check_eq([x[2] for x in rows], [2, 3], "jq: how many paths each process wrote")
    if not os.path.exists(SYSTEM_PYTHON):
        raise T.Skip("no " + SYSTEM_PYTHON)
    prog = ("import json, sys\nimport pandas as pd\n"
            "df = pd.read_json(sys.argv[1], lines=True)\n"
            "print(json.dumps([list(df.columns), len(df), [len(x) for x in df['deleted']]]))\n")
    p = subprocess.run([SYSTEM_PYTHON, "-c", prog, path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode and b"No module named 'pandas'" in p.stderr:
        raise T.Skip("pandas is not installed for %s (apt-get install python3-pandas)" %
                     SYSTEM_PYTHON)
    check(p.returncode == 0, "pandas cannot read the file: " + p.stderr.decode())
    cols, n, deleted = json.loads(p.stdout)
    check_eq(cols, KEYS, "pandas: columns")
    check_eq(n, 2, "pandas: rows")
    check_eq(deleted, [0, 5], "pandas: deleted paths per process")


def dump_same():
    cap = os.path.join(T.TMP, "files.rnc")
    _, _, live, _ = run_fixture(["--capture", cap])
    r = T.run([os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump"), "--format",
               "files", cap], timeout=60)
    check(r.rc == 0, "renacer-dump failed", r.describe())
    check_eq(r.out, live.decode(), "renacer-dump --format files of the run's capture")


def no_trace_set():
    r = T.run(T.renacer_cmd() + ["-f", "--format", "files", "-e", "trace=openat", "--",
                                 "true"])
    check(r.rc == 1 and "chooses the calls it traces: -e trace= cannot" in r.err,
          "--format files with -e trace= is refused", r.describe())
    r = T.run(T.renacer_cmd() + ["-f", "--format", "compile-db", "-P", "/tmp", "--", "true"])
    check(r.rc == 1 and "chooses the calls it traces: -P cannot" in r.err,
          "--format compile-db with -P is refused", r.describe())


if __name__ == "__main__":
    T.main([exact_arrays, jq_and_pandas, dump_same, no_trace_set])
