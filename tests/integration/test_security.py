#!/usr/bin/env python3
"""Security: who can read a capture, and -u USER.

- A capture is created mode 0600 (whatever the umask), owned by the user
  running renacer, and never through a symbolic link (dangling or not: the
  link's target is left alone); an existing capture is truncated, keeping
  0600.
- -u USER (renacer as root): the command runs with USER's uid, gid and
  supplementary groups (those initgroups gives: `id -G USER`), its
  children too, while renacer, still root, traces all of it (also under a
  seccomp filter); the -o file is renacer's (root's).
"""
import os
import pwd
import re
import stat
import subprocess

import rntest as T
from rntest import check, check_eq, fixture


def capture_run(cap, umask=0):
    def setup():
        T._no_core()
        os.umask(umask)
    p = subprocess.run(T.renacer_cmd() + ["--capture", cap, "-o", "/dev/null", "--",
                                          fixture("simple_syscalls")],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, cwd=T.TMP, preexec_fn=setup,
                       timeout=T.scaled(60))
    return p.returncode, p.stderr.decode("utf-8", "replace")


def test_capture_mode_0600():
    cap = T.tmpfile("cap")
    rc, err = capture_run(cap, umask=0)
    check_eq(rc, 0, "renacer --capture (stderr: %s)" % err)
    st = os.stat(cap)
    check_eq(oct(stat.S_IMODE(st.st_mode)), oct(0o600), "capture mode with umask 0")
    check_eq(st.st_uid, os.geteuid(), "capture owner")
    # An existing file (here 0644) is truncated and made 0600.
    with open(cap, "wb") as f:
        f.write(b"x" * 100000)
    os.chmod(cap, 0o644)
    rc, err = capture_run(cap, umask=0)
    check_eq(rc, 0, "renacer --capture over an existing file (stderr: %s)" % err)
    st = os.stat(cap)
    check_eq(oct(stat.S_IMODE(st.st_mode)), oct(0o600), "mode of a capture written over a file")
    check(st.st_size < 100000, "the old file was not truncated (%d bytes)" % st.st_size)


def test_capture_never_through_symlink():
    for dangling in (True, False):
        target = T.tmpfile("target")
        if not dangling:
            with open(target, "w") as f:
                f.write("precious\n")
        link = T.tmpfile("link")
        os.symlink(target, link)
        rc, err = capture_run(link)
        check_eq(rc, 1, "renacer --capture SYMLINK: exit status")
        check_eq(err.strip(), "renacer: capture '%s': refusing to write through a symlink" % link,
                 "the refusal")
        if dangling:
            check(not os.path.exists(target), "a capture was created through a dangling link")
        else:
            check_eq(T.read_text(target), "precious\n", "the link's target")


def nobody():
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        raise T.Skip("no user nobody")
    if os.geteuid() != 0:
        raise T.Skip("-u needs root")
    groups = subprocess.run(["id", "-G", "nobody"], stdout=subprocess.PIPE,
                            check=True).stdout.decode().split()
    return pw, sorted(int(g) for g in groups)


def ids_line(out):
    m = re.search(r"^uid (\d+) euid (\d+) gid (\d+) egid (\d+) groups (\S+)$", out, re.M)
    check(m, "no ids line in the output: %r" % out)
    groups = [] if m.group(5) == "-" else sorted(int(g) for g in m.group(5).split(","))
    return tuple(int(m.group(i)) for i in range(1, 5)), groups


def check_nobody(out, pw, want_groups, what):
    ids, groups = ids_line(out)
    check_eq(ids, (pw.pw_uid, pw.pw_uid, pw.pw_gid, pw.pw_gid), "%s: uid euid gid egid" % what)
    check_eq(groups, want_groups, "%s: supplementary groups (id -G nobody)" % what)


def test_u_runs_command_as_user():
    pw, groups = nobody()
    r = T.trace_o(["-u", "nobody"], [fixture("ids")], timeout=30)
    check_eq(r.rc, 0, "exit status\n" + r.describe())
    check_nobody(r.out, pw, groups, "-u nobody")
    # renacer stayed root: it traced the command and wrote its -o file.
    check(r.trace.find(r'^write\(1, "uid %d ' % pw.pw_uid), "the ids write is not traced",
          r.trace)
    check_eq(os.stat(r.ofile).st_uid, os.geteuid(), "owner of the -o file")


def test_u_children_and_filter():
    """-f: a child (sh running ids) is nobody too; under a seccomp filter
    (-e trace=write) as well."""
    pw, groups = nobody()
    for opts in (["-f"], ["-f", "-e", "trace=write"]):
        r = T.trace_o(["-u", "nobody"] + opts, ["sh", "-c", fixture("ids") + "; true"],
                      timeout=30)
        check_eq(r.rc, 0, "exit status with %s\n%s" % (opts, r.describe()))
        check_nobody(r.out, pw, groups, "-u nobody %s, a child" % " ".join(opts))
        check(r.trace.find(r'^write\(1, "uid %d ' % pw.pw_uid),
              "the child's write is not traced with %s" % opts, r.trace)


if __name__ == "__main__":
    T.main([test_capture_mode_0600, test_capture_never_through_symlink,
            test_u_runs_command_as_user, test_u_children_and_filter])
