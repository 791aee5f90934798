#!/usr/bin/python3
"""rnc_read.py - read a renacer capture without renacer.

    /usr/bin/python3 tools/rnc_read.py [--header] [--events] CAPTURE

Writes one JSON object per line in the shape of `renacer-dump --format json
CAPTURE` (capture/CAPTURE.md, section 2): a call per completed syscall (at
its exit) and an object per process event, with pid, tid, seq, ts_ns,
time_ns, duration_ns, syscall, error, return, errno, args and fd_paths.
The strace text of a call ("arguments", "result") is not rebuilt. With
--header the header map comes first, as {"header": {...}}; with --events
the decoded events are written one by one instead of the calls they make.

Written from capture/CAPTURE.md section 1 alone (format 2, 1.8; format 1
too): it reads a frame block by block and shows only what a check record
or the frame's content checksum covered; damaged or cut-short bytes are
skipped to the next frame magic and reported on stderr (exit status 2, as
renacer-dump's).

Needs python3-zstandard and python3-msgpack (Debian's): run it with
/usr/bin/python3, which sees them even when another python3 is on PATH.
"""
import errno as _errno
import json
import sys
import zlib

import msgpack
import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BLOCK_MAX = 128 << 10
U64 = 1 << 64

# Event kinds (1.8.2) and their format-1 names (1.4).
KINDS = {1: "entry", 2: "exit", 3: "signal", 4: "stop", 5: "exited", 6: "killed",
         7: "superseded", 8: "task", 9: "attached", 10: "detached"}
KIND_OF_NAME = {v: k for k, v in KINDS.items()}

# Head bits of an event record (1.8.2), in the order their elements follow.
DS, TID, TG, NT, NR, RET, AUX, ERR, RT, MORE, FP, DUR, NODUR, DN, DNDUR, RP, V = (
    1 << b for b in range(4, 21))
# Head bits of a value node (1.8.4).
N_NAME, N_NUM, N_BYTES, N_DESC, N_FLAGS_SHIFT = 1 << 5, 1 << 6, 1 << 7, 1 << 8, 9
STR_MIN, STR_MAX, STR_COUNT, NRS = 2, 1024, 1 << 20, 1024

# Value kinds and flags (1.5).
V_INT, V_UINT, V_HEX, V_OCTAL, V_PTR, V_FD, V_STR, V_FLAGS, V_NAME, V_STRUCT, \
    V_ARRAY, V_TEXT, V_UNKNOWN = range(1, 14)
VF_TRUNCATED, VF_ELLIPSIS, VF_LEFTOVER, VF_CHANGED, VF_ENVP, VF_INVERTED, VF_FDCWD = (
    1, 4, 8, 16, 128, 2048, 16384)
T_NONE = 22
UNSIGNED_RT = {0, 3, 4, 5, 9}  # hex, uint, ulong, pointer, octal

KERNEL_ERRNOS = {512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND",
                 515: "ENOIOCTLCMD", 516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER",
                 518: "EOPENSTALE", 521: "EBADHANDLE", 522: "ENOTSYNC", 523: "EBADCOOKIE",
                 524: "ENOTSUPP", 525: "ETOOSMALL", 526: "ESERVERFAULT", 527: "EBADTYPE",
                 528: "EJUKEBOX", 529: "EIOCBQUEUED", 530: "ERECALLCONFLICT"}
# Where names alias, strace's spelling.
ERRNO_SPELLING = {11: "EAGAIN", 35: "EDEADLK", 95: "EOPNOTSUPP"}

SIGNALS = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
           7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV",
           12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT",
           17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN",
           22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM",
           27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS"}


def errno_name(e):
    if e in ERRNO_SPELLING:
        return ERRNO_SPELLING[e]
    return KERNEL_ERRNOS.get(e) or _errno.errorcode.get(e)


# Why a detached task was let go (its aux); 0 and unknown numbers: None.
LET_GO = {1: "signal", 2: "syscall-limit", 3: "output-failed", 4: "execve"}


def signal_name(sig):
    if sig in SIGNALS:
        return SIGNALS[sig]
    if sig == 32:
        return "SIGRTMIN"  # glibc takes 32 and 33; strace counts from 32
    if 33 <= sig <= 64:
        return "SIGRT_%d" % (sig - 32)
    return None


class Malformed(Exception):
    pass


def is_uint(o):
    return type(o) is int and o >= 0


def is_int(o):
    return type(o) is int


def fits_i32(i):
    return -(1 << 31) <= i < (1 << 31)


class Event:
    __slots__ = ("kind", "seq", "ts", "tid", "tg", "nt", "nr", "ret", "aux", "err", "rt",
                 "more", "fp", "entry_ts", "dn", "v", "rp")

    def __init__(self, kind):
        self.kind = kind
        self.seq = self.ts = self.tid = self.tg = self.nt = 0
        self.nr = -1
        self.ret = self.aux = self.rt = self.entry_ts = self.dn = 0
        self.err = self.more = self.fp = False
        self.v = []
        self.rp = None

    def as_json(self):
        return {"kind": KINDS.get(self.kind, self.kind), "seq": self.seq, "ts_ns": self.ts,
                "tid": self.tid, "tg": self.tg, "nt": self.nt, "nr": self.nr,
                "ret": self.ret, "aux": self.aux, "err": self.err, "rt": self.rt,
                "more": self.more, "fp": self.fp, "entry_ts_ns": self.entry_ts,
                "dn": self.dn, "v": [n.as_json() for n in self.v],
                "rp": None if self.rp is None else bytes_json(self.rp, False)}


class Node:
    __slots__ = ("kind", "flags", "name", "u", "bytes", "end")

    def __init__(self, kind, flags, name, u, data, end):
        self.kind, self.flags, self.name, self.u, self.bytes, self.end = (
            kind, flags, name, u, data, end)

    @property
    def i(self):
        return self.u - U64 if self.u >= 1 << 63 else self.u

    def as_json(self):
        return {"kind": self.kind, "flags": self.flags,
                "name": None if self.name is None else self.name.decode("utf-8", "replace"),
                "number": self.i if self.kind in (V_INT, V_FD) else self.u,
                "bytes": None if self.bytes is None else bytes_json(self.bytes, False),
                "end": self.end}


def check_nesting(nodes):
    """Every subtree within the nodes and nested in its parent's (1.8.4)."""
    stack = []
    for i, x in enumerate(nodes):
        if x.end > len(nodes):
            raise Malformed("a subtree past the nodes")
        while stack and stack[-1] <= i:
            stack.pop()
        if stack and x.end > stack[-1]:
            raise Malformed("a subtree past its parent's")
        if x.end > i + 1:
            if len(stack) == 64:
                raise Malformed("nodes nested too deep")
            stack.append(x.end)
        if x.flags & VF_ENVP and (x.kind != V_STRUCT or x.end < i + 3):
            x.flags &= ~VF_ENVP


class FrameState:
    """What format 2 rebuilds from the start of every frame (1.8.5)."""

    def __init__(self):
        self.strs = []
        self.index = {}
        self.threads = {}  # tid -> [nr, ts]
        self.prev_seq = self.prev_ts = self.prev_tid = self.prev_nt = 0
        self.rt = {}  # nr -> the last rt of an exit of nr

    def string(self, o):
        """A string element: a table index, or bytes that may enter the table."""
        if is_uint(o):
            if o >= len(self.strs):
                raise Malformed("string index %d past the table" % o)
            return self.strs[o]
        if not isinstance(o, bytes):
            raise Malformed("a string element that is neither an index nor bytes")
        if STR_MIN <= len(o) <= STR_MAX and len(self.strs) < STR_COUNT:
            self.index.setdefault(o, len(self.strs))
            self.strs.append(o)
        return o

    def values(self, a):
        nodes, k, n = [], 0, len(a)
        while k < n:
            nh = a[k]
            k += 1
            if not is_uint(nh):
                raise Malformed("a node head that is not a uint")
            kind = nh & 0x1f
            if not V_INT <= kind <= V_UNKNOWN:
                kind = V_UNKNOWN
            flags = (nh >> N_FLAGS_SHIFT) & 0xffff
            name = num = data = None
            desc = 0
            if nh & N_NAME:
                if k >= n:
                    raise Malformed("a node cut short")
                name = self.string(a[k])
                k += 1
            if nh & N_NUM:
                if k >= n or not is_int(a[k]):
                    raise Malformed("a node's number")
                num = a[k] % U64
                k += 1
            if nh & N_BYTES:
                if k >= n:
                    raise Malformed("a node cut short")
                data = self.string(a[k])
                k += 1
            if nh & N_DESC:
                if k >= n or not is_uint(a[k]):
                    raise Malformed("a node's descendants")
                desc = a[k]
                k += 1
                if desc > n:
                    raise Malformed("descendants past the nodes")
            nodes.append(Node(kind, flags, name, num or 0, data, len(nodes) + 1 + desc))
        check_nesting(nodes)
        return nodes

    def decode(self, a):
        """One event record [head, dt, ...] (1.8.2): an Event, or None for a
        kind this reader does not know."""
        if len(a) < 2 or not is_uint(a[0]):
            raise Malformed("a record without its head")
        head = a[0]
        kind = head & 0x0f
        if kind not in KINDS:
            return None
        if not is_int(a[1]):
            raise Malformed("dt is not an integer")
        dt = a[1]
        rest = iter(a[2:])

        def take(bit, test, what):
            if not head & bit:
                return None
            x = next(rest, None)
            if x is None or not test(x):
                raise Malformed(what)
            return x

        ev = Event(kind)
        ds = take(DS, is_int, "ds")
        tid = take(TID, lambda x: is_int(x) and fits_i32(x), "tid")
        tid = self.prev_tid if tid is None else tid
        tg = take(TG, lambda x: is_int(x) and fits_i32(x), "tg")
        nt = take(NT, is_uint, "nt")
        fresh = tid not in self.threads
        th = self.threads.setdefault(tid, [-1, 0])
        is_call = kind in (1, 2)
        has_nr = is_call or bool(head & FP)
        nr = take(NR, lambda x: is_int(x) and fits_i32(x), "nr")
        if nr is None:
            nr = th[0] if has_nr else -1
        ev.ret = take(RET, is_int, "ret") or 0
        ev.aux = take(AUX, is_int, "aux") or 0
        rt = take(RT, is_uint, "rt")
        if rt is None:
            rt = self.rt.get(nr, 1) if kind == 2 else 0
        elif rt > 255:
            rt = 2  # a return type this reader does not know: signed decimal
        ts = ((self.prev_ts if fresh else th[1]) + dt) % U64
        has_dur = kind == 2 and not head & NODUR
        dur = take(DUR, is_int, "dur")
        if dur is None:
            dur = 0
            if has_dur:
                if fresh:
                    raise Malformed("an exit's duration implied without its entry")
                dur = (ts - th[1]) % U64
        ev.dn = take(DN, is_uint, "dn") or 0
        if head & DNDUR:
            ev.dn = dur % U64
        vals = take(V, lambda x: isinstance(x, (list, tuple)), "v")
        rp = take(RP, lambda x: True, "rp")
        ev.err, ev.more, ev.fp = bool(head & ERR), bool(head & MORE), bool(head & FP)
        if ev.err and not -4095 <= ev.ret <= -1:
            raise Malformed("a failed call's return value outside -4095..-1")
        ev.seq = (self.prev_seq + (1 if ds is None else ds)) % U64
        ev.ts, ev.tid = ts, tid
        ev.tg = tid if tg is None else tg
        ev.nt = self.prev_nt if nt is None else nt
        ev.nr, ev.rt = nr, rt
        if has_dur:
            ev.entry_ts = (ts - dur) % U64
        # The values' strings enter the table before the return path's.
        ev.v = self.values(vals) if vals is not None else []
        if rp is not None:
            ev.rp = self.string(rp)
        th[1] = ts
        if has_nr:
            th[0] = nr
        if kind == 2 and 0 <= nr < NRS:
            self.rt[nr] = rt
        self.prev_seq, self.prev_ts, self.prev_tid, self.prev_nt = ev.seq, ts, tid, ev.nt
        return ev


def key_map(m):
    return {(k.decode("utf-8", "replace") if isinstance(k, bytes) else k): v
            for k, v in m.items()}


class Format1:
    """Format 1's event maps (1.4, 1.5), for a file written before format 2."""

    def __init__(self):
        self.prev_seq = self.prev_ts = 0

    def decode(self, m):
        t = m.get("t")
        t = t.decode("utf-8", "replace") if isinstance(t, bytes) else t
        if t not in KIND_OF_NAME:
            return None
        ev = Event(KIND_OF_NAME[t])

        def num(key, test=is_int):
            x = m.get(key, 0)
            if not test(x):
                raise Malformed(key)
            return x
        ev.seq = num("seq") if "seq" in m else (self.prev_seq + num("ds")) % U64
        ev.ts = num("ts") if "ts" in m else (self.prev_ts + num("dt")) % U64
        ev.tid = num("tid")
        ev.tg = num("tg") if "tg" in m else ev.tid
        if not fits_i32(ev.tid) or not fits_i32(ev.tg):
            raise Malformed("tid or tg")
        ev.nt = num("nt")
        ev.nr = num("nr") if "nr" in m else -1
        if not fits_i32(ev.nr):
            raise Malformed("nr")
        ev.ret, ev.aux = num("ret"), num("aux")
        ev.err, ev.more, ev.fp = (bool(m.get("err")), bool(m.get("more")), bool(m.get("fp")))
        ev.rt = num("rt", is_uint)
        if ev.rt > 255:
            ev.rt = 2
        if "dur" in m:
            ev.entry_ts = (ev.ts - num("dur")) % U64
        ev.dn = num("dn", is_uint)
        rp = m.get("rp")
        ev.rp = rp if isinstance(rp, bytes) and rp else None
        if ev.err and not -4095 <= ev.ret <= -1:
            raise Malformed("a failed call's return value outside -4095..-1")
        nodes = []
        for x in m.get("v") or []:
            if not isinstance(x, (list, tuple)) or len(x) < 1 or not is_uint(x[0]):
                raise Malformed("a value node")
            x = list(x) + [None] * 6
            kind = x[0] if V_INT <= x[0] <= V_UNKNOWN else V_UNKNOWN
            desc = x[5] if is_uint(x[5]) else 0
            nodes.append(Node(kind, (x[1] or 0) & 0xffff,
                              x[2] if isinstance(x[2], bytes) else None,
                              (x[3] or 0) % U64 if is_int(x[3]) else 0,
                              x[4] if isinstance(x[4], bytes) else None,
                              len(nodes) + 1 + desc))
        check_nesting(nodes)
        ev.v = nodes
        self.prev_seq, self.prev_ts = ev.seq, ev.ts
        return ev


def is_skippable(p):
    return len(p) >= 4 and p[1:4] == b"\x2a\x4d\x18" and 0x50 <= p[0] <= 0x5f


def is_check(o):
    return isinstance(o, (list, tuple)) and len(o) >= 2 and is_uint(o[0]) and o[0] == 0


class Reader:
    """The records of a capture's frames, each shown once covered (1.8.6)."""

    def __init__(self, data, path):
        self.data, self.path = data, path
        self.damage = []
        self.header = None

    def report(self, start, end, why):
        self.damage.append((start, end, why))

    def next_magic(self, start):
        i = self.data.find(ZSTD_MAGIC, start)
        return len(self.data) if i < 0 else i

    def records(self):
        """(frame offset, record) of every covered record, in order."""
        pos, data = 0, self.data
        while pos < len(data):
            p = data[pos:pos + 18]
            if is_skippable(p):
                if len(p) < 8:
                    end = len(data) + 1
                else:
                    end = pos + 8 + int.from_bytes(p[4:8], "little")
                if end > len(data):
                    nxt = self.next_magic(pos + 1)
                    self.report(pos, nxt, "truncated frame")
                    pos = nxt
                else:
                    pos = end
                continue
            if p[:4] != ZSTD_MAGIC:
                nxt = self.next_magic(pos + 1)
                self.report(pos, nxt, "bytes that are not a zstd frame")
                pos = nxt
                continue
            pos = yield from self.frame(pos)

    def frame(self, start):
        """The frame at start: its covered records; returns where to go on."""
        data = self.data
        if len(data) - start < 5:
            return self.lost(start, start, "truncated frame")
        fhd = data[start + 4]
        single = (fhd >> 5) & 1
        hsize = 5 + (not single) + (0, 1, 2, 4)[fhd & 3] + (
            (0, 2, 4, 8)[fhd >> 6] if fhd >> 6 else single)
        if len(data) - start < hsize:
            return self.lost(start, start, "truncated frame")
        if fhd & 0x08:
            return self.lost(start, start, "corrupt frame: reserved bit set")
        checksum = (fhd >> 2) & 1
        dobj = zstandard.ZstdDecompressor().decompressobj()
        try:
            dobj.decompress(data[start:start + hsize])
        except zstandard.ZstdError:
            return self.lost(start, start, "corrupt frame: bad frame header")
        pos = start + hsize
        out = bytearray()
        marks = []          # (end in out, file offset of the block)
        chunk = scan = 0    # out[chunk:] is not covered; out[chunk:scan] whole records
        count = 0
        state = FrameState()
        while True:
            def lost(why):
                at = pos
                for end, off in marks:
                    if end > chunk:
                        at = off
                        break
                return self.lost(start if at <= start + hsize else at, start, why)
            if pos >= len(data) and chunk == len(out):
                return pos  # cut where a flush ended: nothing lost
            if len(data) - pos < 3:
                return lost("truncated frame")
            bh = int.from_bytes(data[pos:pos + 3], "little")
            last, btype, bsize = bh & 1, (bh >> 1) & 3, bh >> 3
            if btype == 3 or bsize > BLOCK_MAX:
                return lost("corrupt frame: bad block header")
            need = 3 + (1 if btype == 1 else bsize) + (4 if last and checksum else 0)
            if len(data) - pos < need:
                return lost("truncated frame")
            try:
                got = dobj.decompress(data[pos:pos + need])
            except zstandard.ZstdError as e:
                return lost("corrupt frame: %s" % e)
            out += got
            marks.append((len(out), pos))
            if last and not dobj.eof:
                return lost("corrupt frame: it does not end")
            pos += need
            # Whole records since the last check: a check record covers them.
            up = msgpack.Unpacker(raw=True, strict_map_key=False, max_buffer_size=0)
            up.feed(bytes(out[scan:]))
            at = scan
            while True:
                try:
                    o = up.unpack()
                except msgpack.OutOfData:
                    break
                except Exception:  # noqa: BLE001 - msgpack's errors vary (TypeError too)
                    # Not a record: nothing after it is covered by a check;
                    # the frame's end (or its loss) tells what it was.
                    break
                end = scan + up.tell()
                if is_check(o):
                    crc = zlib.crc32(bytes(out[chunk:at]))
                    if len(o) < 3 or o[1] != crc or o[2] != count or not is_uint(o[2]):
                        return lost("corrupt frame: check record mismatch")
                    yield from self.covered(out, chunk, at, start, state)
                    chunk, count = end, 0
                else:
                    count += 1
                at = end
            scan = at
            if last:
                # The content checksum covers what no check record did.
                if scan < len(out):
                    self.report(start, start, "skipped the records from byte %d of the frame "
                                "at byte %d (undecodable msgpack)" % (scan, start))
                yield from self.covered(out, chunk, scan, start, state)
                return pos

    def lost(self, at, frame, why):
        nxt = self.next_magic(at + 1)
        self.report(at, nxt, why)
        return nxt

    def covered(self, out, a, b, frame, state):
        up = msgpack.Unpacker(raw=True, strict_map_key=False, max_buffer_size=0)
        up.feed(bytes(out[a:b]))
        while True:
            try:
                o = up.unpack()
            except msgpack.OutOfData:
                return
            except Exception:  # noqa: BLE001 - covered, yet not msgpack: a writer's bug
                self.report(frame, frame, "skipped the records from a byte that does not "
                            "decode, in the frame at byte %d" % frame)
                return
            yield frame, o, state


def bytes_json(b, truncated):
    """A byte string as CAPTURE.md 2.4 writes it."""
    try:
        s = b.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    if utf8 and not truncated:
        return s
    o = {"str": s} if utf8 else {"hex": b.hex()}
    if truncated:
        o["truncated"] = True
    return o


def next_of(v, i):
    return v[i].end if v[i].end > i else i + 1


def name_text(n):
    return None if n is None else n.decode("utf-8", "replace")


def value_json(v, i):
    """Node i of v as a JSON value (2.3); returns (value, next sibling)."""
    x = v[i]
    end = next_of(v, i)
    if x.kind == V_INT:
        return x.i, end
    if x.kind in (V_UINT, V_HEX, V_OCTAL, V_PTR):
        return x.u, end
    if x.kind == V_FD:
        return ("AT_FDCWD" if x.flags & VF_FDCWD else x.i), end
    if x.kind == V_STR:
        return bytes_json(x.bytes or b"", bool(x.flags & VF_TRUNCATED)), end
    if x.kind in (V_NAME, V_TEXT):
        return (x.bytes or b"").decode("utf-8", "replace"), end
    children = []
    k = i + 1
    while k < end:
        children.append(k)
        k = next_of(v, k)
    if x.kind == V_FLAGS:
        items = [value_json(v, k)[0] for k in children]
        if x.flags & VF_LEFTOVER:
            items.append(x.u)
        return items, end
    if x.kind == V_STRUCT:
        if x.flags & VF_CHANGED and children:
            o = {"before": value_json(v, children[0])[0]}
            if len(children) > 1:
                o["after"] = value_json(v, children[1])[0]
            return o, end
        o = {}
        for n, k in enumerate(children):
            o[name_text(v[k].name) if v[k].name is not None else str(n)] = value_json(v, k)[0]
        if x.flags & VF_ELLIPSIS:
            o["..."] = True
        return o, end
    if x.kind == V_ARRAY:
        items = [value_json(v, k)[0] for k in children]
        if not x.flags & (VF_ELLIPSIS | VF_INVERTED):
            return items, end
        o = {"items": items}
        if x.flags & VF_INVERTED:
            o["inverted"] = True
        if x.flags & VF_ELLIPSIS:
            o["truncated"] = True
        return o, end
    return None, end


def tops(v):
    i = 0
    while i < len(v):
        yield i
        i = next_of(v, i)


def fd_path_json(b):
    """A -y path: path, NUL, inside the brackets, NUL, after them."""
    parts = b.split(b"\0", 2)
    if len(parts) == 1:
        return bytes_json(b, False)
    t = parts[0] + parts[1]
    if len(parts) == 3 and parts[2]:
        t += b" " + parts[2]
    return bytes_json(t, False)


class Calls:
    """Entries paired with their exits, as renacer-dump --format json does."""

    def __init__(self, header, emit):
        self.emit = emit
        self.pending = {}  # tid -> entry, in order of entry
        opts = key_map(header.get("options") or {}) if header else {}
        self.status = opts.get("filter_status", 31)
        if not is_uint(self.status) or not self.status:
            self.status = 31
        names = header.get("syscalls") if header else None
        self.names = [n.decode("utf-8", "replace") if isinstance(n, bytes) else None
                      for n in (names or [])]
        self.offset = 0
        if header and is_uint(header.get("realtime_ns")) and is_uint(header.get("monotonic_ns")):
            self.offset = header["realtime_ns"] - header["monotonic_ns"]

    def name(self, nr):
        if 0 <= nr < len(self.names) and self.names[nr]:
            return self.names[nr]
        if 0x20000000 <= nr <= 0x3fffffff:
            return "syscall_%#x@32" % (nr & 0x1fffffff)
        return "syscall_%#x" % (nr % U64)

    def time(self, ts):
        return (ts + self.offset) % U64 if ts and self.offset else None

    def call(self, entry, exit, at):
        st = (2 if exit.err else 1) if exit else (16 if at.kind == 10 else 4)
        if not self.status & st:
            return
        nr = entry.nr if entry else exit.nr if exit else at.nr
        ts = entry.ts if entry else exit.entry_ts if exit else 0
        o = {"pid": (entry or at).tg or (entry or at).tid, "tid": at.tid,
             "syscall": self.name(nr), "seq": entry.seq if entry else at.seq,
             "ts_ns": ts or None, "time_ns": self.time(ts),
             "duration_ns": exit.ts - ts if exit and ts and exit.ts >= ts else None}
        if exit and exit.err:
            o["error"] = errno_name(-exit.ret) or str(-exit.ret)
        else:
            o["error"] = None
        if not exit or (not exit.err and exit.rt == T_NONE):
            o["return"] = None
        elif exit.err:
            o["return"] = -1
        elif exit.rt in UNSIGNED_RT:
            o["return"] = exit.ret % U64
        else:
            o["return"] = exit.ret
        o["errno"] = -exit.ret if exit and exit.err else None
        args, seen, pos = {}, [], 0
        for phase, ev in enumerate((entry, exit)):
            if not ev:
                continue
            for i in tops(ev.v):
                name = name_text(ev.v[i].name)
                dup = name is not None and name in seen
                if name is not None and len(seen) < 64:
                    seen.append(name)
                if name is None:
                    key = "arg%d" % pos
                elif dup and phase:
                    key = name + "@exit"
                elif dup:
                    key = "%s@%d" % (name, pos)
                else:
                    key = name
                args[key] = value_json(ev.v, i)[0]
                pos += 1
        o["args"] = args
        paths = {}
        for ev in (entry, exit):
            for x in ev.v if ev else ():
                if x.kind != V_FD or not x.bytes:
                    continue
                key = "AT_FDCWD" if x.flags & VF_FDCWD else str(x.i)
                if key not in paths and len(paths) < 64:
                    paths[key] = fd_path_json(x.bytes)
        if (exit and not exit.err and exit.rp and exit.rt in (6, 1)
                and str(exit.ret) not in paths and len(paths) < 64):
            paths[str(exit.ret)] = fd_path_json(exit.rp)
        o["fd_paths"] = paths
        self.emit(o)

    def finish_pending(self, at, known):
        entry = self.pending.pop(at.tid, None)
        if entry or known:
            self.call(entry, None, entry or at)

    def process(self, ev, what, **fields):
        o = {"pid": ev.tg or ev.tid, "tid": ev.tid, "event": what}
        o.update(fields)
        o.update({"seq": ev.seq, "ts_ns": ev.ts, "time_ns": self.time(ev.ts)})
        self.emit(o)

    def event(self, ev):
        k = ev.kind
        if k == 1:
            self.pending.pop(ev.tid, None)
            self.pending[ev.tid] = ev
        elif k == 2:
            self.call(self.pending.pop(ev.tid, None), ev, ev)
        elif k == 3:
            fields = {"signal": signal_name(ev.ret) or ev.ret}
            for i in tops(ev.v):
                name = name_text(ev.v[i].name)
                fields[name if name is not None else str(i)] = value_json(ev.v, i)[0]
            self.process(ev, "signal", **fields)
        elif k == 4:
            self.process(ev, "stopped", signal=signal_name(ev.ret) or ev.ret)
        elif k == 5:
            self.finish_pending(ev, ev.fp)
            status = ev.ret & 0xffffffff
            self.process(ev, "exited", status=status - (1 << 32) if status >> 31 else status)
        elif k == 6:
            self.finish_pending(ev, ev.fp)
            self.process(ev, "killed", signal=signal_name(ev.ret) or ev.ret,
                         core_dumped=bool(ev.aux))
        elif k == 7:
            self.finish_pending(ev, ev.fp)
            moved = self.pending.pop(ev.ret, None)
            if moved is not None:
                self.pending.pop(ev.tid, None)
                moved.tid = ev.tid
                self.pending[ev.tid] = moved
            self.process(ev, "exec", superseded_by=ev.ret)
        elif k == 8:
            self.process(ev, "clone" if ev.aux else "fork", parent=ev.ret or None,
                         thread=bool(ev.aux))
        elif k == 9:
            self.process(ev, "attached", threads=ev.ret)
        elif k == 10:
            # aux: why the task was let go (CAPTURE.md 1.4); ret: the signal
            self.finish_pending(ev, False)
            why = LET_GO.get(ev.aux)
            sig = (signal_name(ev.ret) or ev.ret) if why == "signal" and ev.ret else None
            self.process(ev, "detached", reason=why, signal=sig)

    def finish(self):
        # Stable by seq: those entered first among equal seqs first.
        for entry in sorted(self.pending.values(), key=lambda e: e.seq):
            self.call(entry, None, entry)
        self.pending.clear()


def header_json(h):
    def conv(x):
        if isinstance(x, bytes):
            return bytes_json(x, False)
        if isinstance(x, dict):
            return {(k.decode("utf-8", "replace") if isinstance(k, bytes) else str(k)): conv(v)
                    for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [conv(y) for y in x]
        return x
    return conv(h)


def main(argv):
    show_header = "--header" in argv
    raw_events = "--events" in argv
    paths = [a for a in argv if a not in ("--header", "--events")]
    if len(paths) != 1:
        sys.stderr.write("usage: rnc_read.py [--header] [--events] CAPTURE\n")
        return 1
    path = paths[0]
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except OSError as e:
        sys.stderr.write("rnc_read.py: %s: %s\n" % (path, e.strerror))
        return 1
    out = sys.stdout
    write = lambda o: out.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
    r = Reader(data, path)
    calls = None
    v1 = Format1()
    state_seen = None
    events = 0
    for frame, o, state in r.records():
        if state is not state_seen:  # a new frame: format 1's bases restart too
            state_seen = state
            v1 = Format1()
        try:
            if isinstance(o, dict):
                m = key_map(o)
                t = m.get("t")
                if t == b"header":
                    if r.header is None:
                        r.header = m
                        if show_header:
                            write({"header": header_json(m)})
                        continue
                    h = r.header
                    if m.get("run") == h.get("run") and m.get("part") == h.get("part", 0) + 1:
                        h["part"] = m.get("part")  # the next part, joined after this one
                        continue
                    r.report(frame, len(data), "another capture, appended to this one")
                    break
                ev = v1.decode(m)
            elif isinstance(o, (list, tuple)):
                ev = state.decode(o)
            else:
                raise Malformed("a record that is neither a map nor an array")
        except Malformed:
            r.report(frame, frame, "skipped a malformed record of the frame at byte %d" % frame)
            continue
        if ev is None:
            continue
        events += 1
        if calls is None:
            calls = Calls(r.header, write)
        if raw_events:
            write(ev.as_json())
        else:
            calls.event(ev)
    if calls is not None and not raw_events:
        calls.finish()
    out.flush()
    for start, end, why in r.damage[:3]:
        if end > start:
            sys.stderr.write("rnc_read.py: %s: skipped bytes %d-%d (%s)\n"
                             % (path, start, end - 1, why))
        else:
            sys.stderr.write("rnc_read.py: %s: %s\n" % (path, why))
    if len(r.damage) > 3:
        sys.stderr.write("rnc_read.py: %s: and %d more\n" % (path, len(r.damage) - 3))
    if r.header is None and not events:
        sys.stderr.write("rnc_read.py: %s: nothing readable\n" % path)
        return 1
    return 2 if r.damage else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        # The reader of our output went away (| head): stop quietly.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
