#!/usr/bin/env python3
"""Security: who can read a capture, and -u USER.

- A capture is created mode 0600 (whatever the umask: 0, or 0277 that
  takes the owner's own write bit), owned by the user running renacer, and
  never through a symbolic link (dangling or not: the link's target is left
  alone); an existing capture is truncated, keeping 0600.
- Only a regular file: a FIFO is refused at once, with or without a reader
  (never blocked in open, nothing written to the reader).
- Only a file of renacer's user alone: an existing file owned by another
  user (who would keep it, and read the capture) or with other hard links
  is refused, left as it was.
- Rotation (--capture-size): the rotated parts are never written through
  a symlink planted at FILE.N (the link is replaced, its target left
  alone), and the new FILE is created with O_EXCL: a symlink planted at
  FILE between the rename and the open makes renacer stop with one line
  (File exists), exit 1, the target untouched.
- What README.md says a capture holds: file contents and arguments only up
  to -s bytes (arguments in full with --process-summary), the
  environment's size but none of its values.
- -u USER (renacer as root): the command runs with USER's uid, gid and
  supplementary groups (those initgroups gives: `id -G USER`; also for a
  user with groups beyond its own, and none of renacer's own groups leak
  in), its children too, while renacer, still root (uid, gid, groups),
  traces all of it (also under a seccomp filter); the -o file and the
  capture are renacer's (root's), and the traced user cannot read the
  capture.
"""
import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import threading
import time

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
    # A umask without the owner's write bit: open(2) alone would give 0400.
    cap2 = T.tmpfile("cap")
    rc, err = capture_run(cap2, umask=0o277)
    check_eq(rc, 0, "renacer --capture with umask 0277 (stderr: %s)" % err)
    check_eq(oct(stat.S_IMODE(os.stat(cap2).st_mode)), oct(0o600), "capture mode with umask 0277")
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


def test_capture_never_through_foreign_symlink():
    """Another user's symlink in a sticky, world-writable directory (a
    planted /tmp/x): the kernel refuses the open with EACCES before
    O_NOFOLLOW's ELOOP, and renacer still says what it refuses."""
    pw, _ = nobody()
    # Under /tmp itself: nobody cannot reach into the test's 0700 directory.
    d = tempfile.mkdtemp(prefix="rntest-sticky.", dir="/tmp")
    try:
        os.chmod(d, 0o1777)
        link = os.path.join(d, "planted")
        target = os.path.join(d, "target")
        r = subprocess.run(["su", pw.pw_name, "-s", "/bin/sh", "-c",
                            "ln -s %s %s" % (target, link)], timeout=T.scaled(30))
        check_eq(r.returncode, 0, "ln -s as nobody")
        check_eq(os.lstat(link).st_uid, pw.pw_uid, "the link's owner")
        rc, err = capture_run(link)
        check_eq(rc, 1, "renacer --capture FOREIGN-SYMLINK: exit status")
        check_eq(err.strip(), "renacer: capture '%s': refusing to write through a symlink"
                 % link, "the refusal")
        check(not os.path.exists(target), "a capture was created through the link")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_capture_only_regular_files():
    """--capture FIFO: with no reader refused at once (ENXIO: the open does
    not block), with a reader refused as not a regular file, the reader
    getting nothing, the FIFO's mode left as it was; one line, exit 1 each
    time."""
    fifo = T.tmpfile("fifo")
    os.mkfifo(fifo)
    os.chmod(fifo, 0o644)
    rc, err = capture_run(fifo)
    check_eq((rc, err.strip()), (1, "renacer: capture '%s': No such device or address" % fifo),
             "renacer --capture FIFO without a reader: exit status, stderr")
    rd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        rc, err = capture_run(fifo)
        check_eq((rc, err.strip()), (1, "renacer: capture '%s': not a regular file" % fifo),
                 "renacer --capture FIFO with a reader: exit status, stderr")
        try:
            got = os.read(rd, 65536)
        except BlockingIOError:
            got = b""
        check_eq(got, b"", "what the FIFO's reader got")
    finally:
        os.close(rd)
    check_eq(oct(stat.S_IMODE(os.stat(fifo).st_mode)), oct(0o644), "the refused FIFO's mode")


def test_capture_not_another_users_file():
    """An existing --capture file owned by another user (nobody, mode 0666,
    as planted in a shared directory) or with a second hard link: refused
    before anything changes (one line, exit 1, owner, mode, link count and
    content as they were)."""
    if os.geteuid() != 0:
        raise T.Skip("needs root to give a file to another user")
    d = tempfile.mkdtemp(prefix="rn-own.", dir=T.TMP)
    try:
        os.chmod(d, 0o755)
        foreign = os.path.join(d, "foreign")
        with open(foreign, "w") as f:
            f.write("theirs\n")
        os.chmod(foreign, 0o666)
        os.chown(foreign, 65534, 65534)
        linked = os.path.join(d, "linked")
        with open(linked, "w") as f:
            f.write("linked\n")
        os.chmod(linked, 0o644)
        os.link(linked, os.path.join(d, "other-name"))
        for path, why, uid, mode, nlink, text in (
                (foreign, "refusing to write a file owned by another user", 65534, 0o666, 1,
                 "theirs\n"),
                (linked, "refusing to write a file with other hard links", os.geteuid(), 0o644, 2,
                 "linked\n")):
            rc, err = capture_run(path)
            check_eq((rc, err), (1, "renacer: capture '%s': %s\n" % (path, why)),
                     "renacer --capture %s: exit status, stderr" % os.path.basename(path))
            st = os.stat(path)
            check_eq((st.st_uid, oct(stat.S_IMODE(st.st_mode)), st.st_nlink),
                     (uid, oct(mode), nlink), "%s: owner, mode, links" % os.path.basename(path))
            check_eq(T.read_text(path), text, "%s: content" % os.path.basename(path))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_untouched(target):
    got = T.read_text(target)
    check(got == "precious\n", "a capture was written through a planted link: its target "
          "now holds %d bytes, starting %r" % (len(got), got[:40]))


def test_rotation_never_through_symlink():
    """Symlinks planted at CAP.1 and CAP.2: rotation renames over them (the
    links go, their target stays as it was); every part is a regular file,
    0600, and the parts dump."""
    d = T.tmpfile("rot")
    os.mkdir(d)
    cap, target = os.path.join(d, "cap"), os.path.join(d, "precious")
    with open(target, "w") as f:
        f.write("precious\n")
    for i in (1, 2):
        os.symlink(target, "%s.%d" % (cap, i))
    # A frame every 20 ms for at least 0.3 s, a new file after each (the
    # header alone is over 1K): ten rotations or more, whatever the speed.
    r = T.run(T.renacer_cmd() + ["-f", "--capture", cap, "--capture-size", "1K",
                                 "--capture-files", "3", "--flush-interval", "0.02",
                                 "-o", "/dev/null", "--", "sh", "-c",
                                 "for i in 1 2 3 4 5 6 7 8 9 10; do ls / > /dev/null; "
                                 "sleep 0.03; done"],
              timeout=60)
    check_eq(r.rc, 0, "renacer with rotation\n" + r.describe())
    check_untouched(target)
    for part in (cap, cap + ".1", cap + ".2"):
        st = os.lstat(part)
        check(stat.S_ISREG(st.st_mode), "%s is not a regular file" % part)
        check_eq(oct(stat.S_IMODE(st.st_mode)), oct(0o600), "mode of " + part)
    dump = os.path.join(os.path.dirname(T.ARGS.renacer), "renacer-dump")
    d = T.run([dump, cap], timeout=60)
    check_eq(d.rc, 0, "renacer-dump of the rotated parts\n" + d.describe())


def test_rotation_new_file_o_excl():
    """A symlink planted at CAP while renacer rotates (a thread that tries
    to create it all the time, so it lands between the rename of CAP to
    CAP.1 and the creation of the new CAP): renacer never writes through
    it, and stops with one line, exit 1. Tried up to 5 times until the
    planting wins once (it usually does at the first rotation)."""
    for attempt in range(5):
        d = T.tmpfile("race")
        os.mkdir(d)
        cap, target = os.path.join(d, "cap"), os.path.join(d, "precious")
        with open(target, "w") as f:
            f.write("precious\n")
        stop, planted = threading.Event(), []

        def plant():
            while not stop.is_set():
                try:
                    os.symlink(target, cap)
                    planted.append(1)
                    return
                except FileExistsError:
                    pass
        p = subprocess.Popen(T.renacer_cmd() + [
            "-f", "--capture", cap, "--capture-size", "4K", "--capture-files", "2",
            "--flush-interval", "0.02", "-o", "/dev/null", "--", "sh", "-c",
            "for i in $(seq 1 200); do ls / > /dev/null; done"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=T.TMP, preexec_fn=T._no_core)
        check(T.wait_for(lambda: os.path.exists(cap), 10), "no capture created")
        th = threading.Thread(target=plant)
        th.start()
        try:
            _, err = p.communicate(timeout=T.scaled(60))
        finally:
            stop.set()
            th.join()
            if p.poll() is None:
                p.kill()
                p.wait()
        err = err.decode()
        check_untouched(target)
        if not planted or p.returncode == 0:
            continue  # the link came too late (or never): no race won
        check_eq(err.splitlines(), ["renacer: capture '%s': File exists" % cap],
                 "stderr after the planted link")
        check_eq(p.returncode, 1, "exit status after the planted link")
        return
    raise T.Skip("the planted link never won the race in 5 runs")


def test_capture_contents_as_documented():
    """README: a capture holds file contents up to -s bytes, arguments up to
    -s bytes (in full with --process-summary), and the number of
    environment variables, never their values (nor does the -o trace)."""
    zstd = shutil.which("zstd")
    if not zstd:
        raise T.Skip("no zstd program to read the raw capture")
    data = T.tmpfile("data")
    with open(data, "wb") as f:
        f.write(b"CONTENTS" + b"TAILNEVERSHOWN" * 8 + b"\n")
    secret = "env-value-never-captured-7c1f"
    env = dict(os.environ, RN_SECRET_ENV=secret)
    cap, ofile = T.tmpfile("cap"), T.tmpfile("trace")
    r = T.run(T.renacer_cmd() + ["-f", "-s", "8", "--capture", cap, "-o", ofile, "--",
                                 "cat", data], timeout=30, env=env)
    check_eq(r.rc, 0, "renacer -s 8 --capture ... cat\n" + r.describe())
    raw = subprocess.run([zstd, "-dc", cap], stdout=subprocess.PIPE, check=True).stdout
    text = T.read_text(ofile)
    check(b"CONTENTS" in raw, "the first -s bytes of the file are not in the capture")
    check(b"TAILNEVER" not in raw, "the capture holds file contents beyond -s bytes")
    check(data.encode() in raw, "the file name is not in the capture in full")
    check(secret.encode() not in raw, "an environment value is in the capture")
    check(secret not in text, "an environment value is in the -o trace")
    check(re.search(r"/\* %d vars \*/" % len(env), text), "the -o trace does not show the "
          "environment's size (/* %d vars */)" % len(env))
    # Arguments: cut at -s, in full with --process-summary (a script, so
    # that the argument is not on renacer's own command line, in the header).
    script = T.tmpfile("script")
    with open(script, "w") as f:
        f.write("/bin/true ARGHEAD1-tail-of-an-argument\n")
    for opts, whole in (([], False), (["--process-summary"], True)):
        cap = T.tmpfile("cap")
        r = T.run(T.renacer_cmd() + ["-f", "-s", "8", "--capture", cap, "-o", "/dev/null"] +
                  opts + ["--", "sh", script], timeout=30)
        check_eq(r.rc, 0, "renacer -s 8 %s ... sh SCRIPT\n%s" % (opts, r.describe()))
        raw = subprocess.run([zstd, "-dc", cap], stdout=subprocess.PIPE, check=True).stdout
        check(b"ARGHEAD1" in raw, "the first -s bytes of an argument are not in the capture")
        check_eq(b"tail-of-an-argument" in raw, whole,
                 "the whole argument in the capture with -s 8 %s" % opts)


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
    check_eq(groups, want_groups, "%s: supplementary groups (id -G of the user)" % what)


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


def user_with_groups():
    """A user (not root) with supplementary groups beyond its own in
    /etc/group, its passwd entry and `id -G` (sorted), or None."""
    for g in grp.getgrall():
        for name in g.gr_mem:
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                continue
            if pw.pw_uid == 0:
                continue
            out = subprocess.run(["id", "-G", name], stdout=subprocess.PIPE).stdout.decode()
            groups = sorted(int(x) for x in out.split())
            if len(groups) > 1:
                return pw, groups
    return None


def test_u_supplementary_groups():
    """-u USER for a user with supplementary groups: exactly `id -G USER`;
    and renacer started with groups of its own (0, 4, 27): none of them
    reaches the command run as nobody."""
    pw, nobody_groups = nobody()
    found = user_with_groups()
    if found:
        upw, ugroups = found
        r = T.trace_o(["-u", upw.pw_name], [fixture("ids")], timeout=30)
        check_eq(r.rc, 0, "exit status\n" + r.describe())
        check_nobody(r.out, upw, ugroups, "-u %s" % upw.pw_name)
    def with_groups():
        T._no_core()
        os.setgroups([0, 4, 27])
    p = subprocess.run(T.renacer_cmd() + ["-u", "nobody", "-o", "/dev/null", "--",
                                          fixture("ids")],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=T.TMP, preexec_fn=with_groups, timeout=T.scaled(30))
    check_eq(p.returncode, 0, "exit status (stderr: %s)" % p.stderr.decode())
    check_nobody(p.stdout.decode(), pw, nobody_groups, "-u nobody, renacer with groups 0,4,27")
    if not found:
        raise T.Skip("no user with supplementary groups here (only the leak was checked)")


def status_ids(pid):
    ids = {}
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            k, _, v = l.partition(":")
            if k in ("Uid", "Gid", "Groups", "TracerPid"):
                ids[k] = v.split()
    return ids


def test_u_renacer_stays_root():
    """While the command runs as nobody: renacer's own uids, gids and
    groups are still root's, it is the command's tracer, and the capture
    it writes is root's, 0600: nobody (the command itself) cannot read it,
    while it can read a 0644 file beside it."""
    pw, _ = nobody()
    d = tempfile.mkdtemp(prefix="rntest-u.")
    try:
        os.chmod(d, 0o755)
        cap, public = os.path.join(d, "cap"), os.path.join(d, "public")
        with open(public, "w") as f:
            f.write("public\n")
        os.chmod(public, 0o644)
        script = ('cat %s > /dev/null 2>&1; echo "public $?"; cat %s > /dev/null 2>&1; '
                  'echo "capture $?"; %s; read x' % (public, cap, fixture("ids")))
        p = subprocess.Popen(T.renacer_cmd() + ["-f", "-u", "nobody", "--capture", cap,
                                                "-o", "/dev/null", "--", "sh", "-c", script],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=T.TMP, preexec_fn=T._no_core)
        try:
            lines = [p.stdout.readline().decode() for _ in range(3)]
            check_eq(lines[:2], ["public 0\n", "capture 1\n"],
                     "nobody reading a 0644 file, then the capture")
            ids, _ = ids_line(lines[2])
            check_eq(ids, (pw.pw_uid,) * 2 + (pw.pw_gid,) * 2, "the command's uid euid gid egid")
            me = status_ids(p.pid)
            check_eq((me["Uid"], me["Gid"], me["Groups"]),
                     (["0"] * 4, ["0"] * 4, [str(g) for g in os.getgroups()]),
                     "renacer's own Uid / Gid / Groups while the command runs as nobody")
            kids = open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()
            check(kids, "renacer has no child")
            check_eq(status_ids(int(kids[0]))["TracerPid"], [str(p.pid)], "the command's tracer")
            _, err = p.communicate(b"\n", timeout=T.scaled(30))
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        check_eq(p.returncode, 0, "exit status (stderr: %s)" % err.decode())
        st = os.stat(cap)
        check_eq((st.st_uid, oct(stat.S_IMODE(st.st_mode))), (0, oct(0o600)),
                 "the capture's owner and mode")
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    T.main([test_capture_mode_0600, test_capture_never_through_symlink,
            test_capture_never_through_foreign_symlink,
            test_capture_only_regular_files, test_capture_not_another_users_file,
            test_rotation_never_through_symlink, test_rotation_new_file_o_excl,
            test_capture_contents_as_documented,
            test_u_runs_command_as_user, test_u_children_and_filter,
            test_u_supplementary_groups, test_u_renacer_stays_root])
