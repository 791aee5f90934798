/*
 * dec_misc.c - struct decoders of resources and processes: rlimit, rusage,
 * tms, sysinfo, utsname, the one-element arrays strace shows as [N]
 * (int, uint, ulong, uid, gid, ptr, fd pairs), group lists, CPU sets,
 * sched_param, wait status, clone_args, open_how, capabilities,
 * directory entries, mq_attr, loff_t, sched_attr; newer interfaces
 * (io_uring_params, landlock, futex_waitv, file handles, memory policy,
 * mincore), Linux AIO (iocb, io_event), timex, mount_attr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/dec_util.h"
#include "flags_tables.h"
#include "decode/dec_structs.h"
#include "base/names.h"

/* ---- rlimit ------------------------------------------------------------- */

static void rlim_value(struct rn_values *vs, const char *name, uint64_t v)
{
	char text[48];
	if (v == UINT64_MAX) {
		du_expr(vs, name, v, "RLIM64_INFINITY");
	} else if (v > 1024 && v % 1024 == 0) { /* strace: 1024 itself plain */
		snprintf(text, sizeof(text), "%" PRIu64 "*1024", v / 1024);
		du_expr(vs, name, v, text);
	} else {
		rn_v_uint(vs, name, v);
	}
}

void rn_dec_rlimit(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	uint64_t r[2];
	if (du_read(c, raw, r, sizeof(r)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rlim_value(c->vs, "rlim_cur", r[0]);
	rlim_value(c->vs, "rlim_max", r[1]);
	rn_v_close(c->vs, s);
}

void rn_dec_rlimit64(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	rn_dec_rlimit(c, argi, raw);
}

/* ---- rusage, tms, sysinfo, utsname -------------------------------------- */

void rn_dec_rusage_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	int64_t t[4];
	if (du_read(c, addr, t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	du_timeval_val(c->vs, "ru_utime", t[0], t[1]);
	du_timeval_val(c->vs, "ru_stime", t[2], t[3]);
	c->vs->v[s].flags |= RN_VF_ELLIPSIS;
	rn_v_close(c->vs, s);
}

void rn_dec_rusage(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	rn_dec_rusage_at(c, du_argname(c, argi), raw);
}

void rn_dec_tms(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int64_t t[4];
	if (du_read(c, raw, t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	static const char *const f[] = { "tms_utime", "tms_stime", "tms_cutime", "tms_cstime" };
	du_int_fields(c->vs, name, f, t, 4, 1);
}

struct k_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char f[4];
};
_Static_assert(sizeof(struct k_sysinfo) == 112, "x86-64 struct sysinfo");

void rn_dec_sysinfo(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	struct k_sysinfo si;
	if (du_read(c, raw, &si, sizeof(si)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_v_int(vs, "uptime", si.uptime);
	uint32_t l = rn_v_open(vs, "loads", RN_V_ARRAY);
	for (int i = 0; i < 3; i++)
		rn_v_uint(vs, NULL, si.loads[i]);
	rn_v_close(vs, l);
	rn_v_uint(vs, "totalram", si.totalram);
	rn_v_uint(vs, "freeram", si.freeram);
	rn_v_uint(vs, "sharedram", si.sharedram);
	rn_v_uint(vs, "bufferram", si.bufferram);
	rn_v_uint(vs, "totalswap", si.totalswap);
	rn_v_uint(vs, "freeswap", si.freeswap);
	rn_v_uint(vs, "procs", si.procs);
	rn_v_uint(vs, "totalhigh", si.totalhigh);
	rn_v_uint(vs, "freehigh", si.freehigh);
	rn_v_uint(vs, "mem_unit", si.mem_unit);
	rn_v_close(vs, s);
}

static void cstr_field(struct rn_values *vs, const char *name, const char *field, size_t size)
{
	size_t n = strnlen(field, size);
	rn_v_str(vs, name, field, n, 0);
}

void rn_dec_utsname(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	char u[6][65];
	if (du_read(c, raw, u, sizeof(u)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	cstr_field(c->vs, "sysname", u[0], sizeof(u[0]));
	cstr_field(c->vs, "nodename", u[1], sizeof(u[1]));
	c->vs->v[s].flags |= RN_VF_ELLIPSIS;
	rn_v_close(c->vs, s);
}

/* ---- [N] ---------------------------------------------------------------- */

enum one_kind { ONE_INT, ONE_UINT, ONE_ULONG, ONE_PTR, ONE_FD };

static void dec_one(struct rn_dctx *c, unsigned argi, uint64_t raw, enum one_kind k)
{
	const char *name = du_argname(c, argi);
	uint64_t v = 0;
	size_t size = (k == ONE_ULONG || k == ONE_PTR) ? 8 : 4;
	if (du_read(c, raw, &v, size) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	switch (k) {
	case ONE_INT:
		rn_v_int(c->vs, NULL, (int32_t)v);
		break;
	case ONE_FD:
		rn_v_fd(c->vs, NULL, (int32_t)v);
		break;
	case ONE_UINT:
	case ONE_ULONG:
		rn_v_uint(c->vs, NULL, v);
		break;
	case ONE_PTR:
		rn_v_ptr(c->vs, NULL, v);
		break;
	}
	rn_v_close(c->vs, a);
}

/* The decoders of the table's one-element types. */
#define DEC_ONE(X, KIND) \
	void rn_dec_##X(struct rn_dctx *c, unsigned argi, uint64_t raw) \
	{ \
		dec_one(c, argi, raw, KIND); \
	}

DEC_ONE(int, ONE_INT)
DEC_ONE(uint, ONE_UINT)
DEC_ONE(ulong, ONE_ULONG)
DEC_ONE(uid, ONE_UINT)
DEC_ONE(gid, ONE_UINT)
DEC_ONE(ptr, ONE_PTR)
DEC_ONE(timer_t, ONE_INT)
DEC_ONE(sched_param, ONE_INT)

/* pipe, pipe2, socketpair: [3, 4] */
void rn_dec_fd_pair(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int32_t fd[2];
	if (du_read(c, raw, fd, sizeof(fd)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	rn_v_fd(c->vs, NULL, fd[0]);
	rn_v_fd(c->vs, NULL, fd[1]);
	rn_v_close(c->vs, a);
}

/* ---- arrays of ids ------------------------------------------------------- */

/* n 32-bit ids at addr, cut at -s elements as strace; the address when
 * the first one cannot be read. */
static void u32_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	uint32_t v;
	(void)ctx;
	memcpy(&v, elem, sizeof(v));
	rn_v_uint(c->vs, NULL, v);
}

static void u32_array(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n)
{
	du_array(c, name, addr, n, 4, u32_elem, NULL);
}

/* getgroups (at exit: as many as returned) and setgroups (gidsetsize). */
void rn_dec_gid_list(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	uint64_t n = c->exit ? (uint64_t)du_ret(c) : (uint64_t)(uint32_t)du_arg(c, 0);
	/* as strace: as many as returned, even when the size was 0 */
	if ((int32_t)n < 0) {
		rn_v_ptr(c->vs, du_argname(c, argi), raw);
		return;
	}
	u32_array(c, du_argname(c, argi), raw, n);
}

/* sched_{get,set}affinity: the CPUs in the mask, [0 1] */
void rn_dec_cpu_set(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int li = du_argidx(c, "len");
	uint64_t len = c->exit ? (uint64_t)du_ret(c) : (li >= 0 ? (uint32_t)du_arg(c, (unsigned)li) : 0);
	if (len > 8192)
		len = 8192;
	unsigned char buf[8192];
	if (len == 0 || du_read(c, raw, buf, (size_t)len) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	c->vs->v[a].flags |= RN_VF_SPACED;
	for (uint64_t i = 0; i < len * 8; i++)
		if (buf[i / 8] & (1u << (i % 8)))
			rn_v_uint(c->vs, NULL, i);
	rn_v_close(c->vs, a);
}

/* ---- wait status ---------------------------------------------------------- */

static const char *sig_name(int sig, char *buf, size_t size)
{
	const char *s = rn_signal_name(sig);
	if (s)
		return s;
	snprintf(buf, size, "%d", sig);
	return buf;
}

void rn_dec_wait_status_value(struct rn_values *vs, const char *name, int status)
{
	static const char *const events[] = {
		[1] = "PTRACE_EVENT_FORK", [2] = "PTRACE_EVENT_VFORK",
		[3] = "PTRACE_EVENT_CLONE", [4] = "PTRACE_EVENT_EXEC",
		[5] = "PTRACE_EVENT_VFORK_DONE", [6] = "PTRACE_EVENT_EXIT",
		[7] = "PTRACE_EVENT_SECCOMP",
	};
	char text[160], sb[16];
	unsigned rest = (unsigned)status;
	size_t n;
	if ((status & 0xff) == 0x7f) {
		int sig = (status >> 8) & 0xff;
		n = (size_t)snprintf(text, sizeof(text), "{WIFSTOPPED(s) && WSTOPSIG(s) == %s%s}",
				     sig_name(sig & 0x7f, sb, sizeof(sb)), sig & 0x80 ? " | 0x80" : "");
		rest &= ~((unsigned)sig << 8 | 0x7fu);
	} else if ((status & 0x7f) != 0 && (status & 0xffff) != 0xffff) {
		int sig = status & 0x7f;
		n = (size_t)snprintf(text, sizeof(text), "{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}",
				     sig_name(sig, sb, sizeof(sb)),
				     status & 0x80 ? " && WCOREDUMP(s)" : "");
		rest &= ~((unsigned)sig | 0x80u);
	} else if ((status & 0x7f) == 0) {
		n = (size_t)snprintf(text, sizeof(text), "{WIFEXITED(s) && WEXITSTATUS(s) == %d}",
				     (status >> 8) & 0xff);
		rest &= ~0xff00u;
	} else if ((status & 0xffff) == 0xffff) {
		n = (size_t)snprintf(text, sizeof(text), "{WIFCONTINUED(s)}");
		rest &= ~0xffffu;
	} else {
		uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
		rn_v_hex(vs, NULL, (unsigned)status);
		rn_v_close(vs, a);
		return;
	}
	if (rest) {
		unsigned ev = rest >> 16;
		if (ev) {
			if (ev < sizeof(events) / sizeof(events[0]) && events[ev])
				n += (size_t)snprintf(text + n, sizeof(text) - n, " | %s << 16", events[ev]);
			else if (ev == 0x80)
				n += (size_t)snprintf(text + n, sizeof(text) - n,
						      " | PTRACE_EVENT_STOP << 16");
			else
				n += (size_t)snprintf(text + n, sizeof(text) - n,
						      " | %#x /* PTRACE_EVENT_??? */ << 16", ev);
			rest &= 0xffff;
		}
		if (rest && n < sizeof(text))
			snprintf(text + n, sizeof(text) - n, " | %#x", rest);
	}
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	rn_v_text(vs, NULL, text);
	rn_v_close(vs, a);
}

/* wait4's status: shown when a child was reaped (the return value is not 0). */
void rn_dec_wait_status(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int32_t st;
	if ((c->exit && du_ret(c) == 0) || du_read(c, raw, &st, sizeof(st)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	rn_dec_wait_status_value(c->vs, name, st);
}

/* ---- clone_args ----------------------------------------------------------- */

extern const struct rn_flag_table rn_flags_clone3_flags __attribute__((weak));

struct k_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
		set_tid, set_tid_size, cgroup;
};

#define K_CLONE_PIDFD 0x1000ull
#define K_CLONE_SETTLS 0x80000ull
#define K_CLONE_PARENT_SETTID 0x100000ull
#define K_CLONE_CHILD_CLEARTID 0x200000ull
#define K_CLONE_CHILD_SETTID 0x1000000ull
#define K_CLONE_INTO_CGROUP 0x200000000ull

static void clone_args_val(struct rn_dctx *c, const char *name, const struct k_clone_args *ca,
			   uint64_t size)
{
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	if (&rn_flags_clone3_flags)
		rn_dec_flags(vs, "flags", &rn_flags_clone3_flags, ca->flags);
	else
		rn_v_hex(vs, "flags", ca->flags);
	if (ca->flags & K_CLONE_PIDFD)
		rn_v_ptr(vs, "pidfd", ca->pidfd);
	if (ca->flags & (K_CLONE_CHILD_SETTID | K_CLONE_CHILD_CLEARTID))
		rn_v_ptr(vs, "child_tid", ca->child_tid);
	if (ca->flags & K_CLONE_PARENT_SETTID)
		rn_v_ptr(vs, "parent_tid", ca->parent_tid);
	rn_dec_signal(vs, "exit_signal", (int)ca->exit_signal);
	rn_v_ptr(vs, "stack", ca->stack);
	rn_v_hex(vs, "stack_size", ca->stack_size);
	if (ca->flags & K_CLONE_SETTLS)
		rn_v_ptr(vs, "tls", ca->tls);
	if (ca->set_tid_size) {
		u32_array(c, "set_tid", ca->set_tid, ca->set_tid_size);
		rn_v_uint(vs, "set_tid_size", ca->set_tid_size);
	}
	if (size > 80 && (ca->flags & K_CLONE_INTO_CGROUP))
		rn_v_uint(vs, "cgroup", ca->cgroup);
	rn_v_close(vs, s);
}

/* clone3's struct (struct_io): as passed; at exit of a call that made the
 * kernel write back (CLONE_PIDFD, CLONE_PARENT_SETTID), followed by what it
 * wrote: {flags=CLONE_PIDFD, pidfd=0x7ffc..., ...} => {pidfd=[3]}. */
void rn_dec_clone_args(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	struct k_clone_args ca;
	memset(&ca, 0, sizeof(ca));
	int si = du_argidx(c, "size");
	uint64_t size = si >= 0 ? du_arg(c, (unsigned)si) : sizeof(ca);
	if (size > sizeof(ca))
		size = sizeof(ca);
	if (size < 64 || du_read(c, raw, &ca, (size_t)size) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	if (!c->exit || !du_ok(c) || !(ca.flags & (K_CLONE_PIDFD | K_CLONE_PARENT_SETTID))) {
		clone_args_val(c, name, &ca, size);
		return;
	}
	struct rn_values *vs = c->vs;
	uint32_t ch = rn_v_open(vs, name, RN_V_STRUCT);
	vs->v[ch].flags |= RN_VF_CHANGED;
	clone_args_val(c, NULL, &ca, size);
	uint32_t w = rn_v_open(vs, NULL, RN_V_STRUCT);
	if (ca.flags & K_CLONE_PIDFD)
		du_fd_at(c, "pidfd", ca.pidfd);
	if (ca.flags & K_CLONE_PARENT_SETTID) {
		/* what the kernel stored there is the new tid, the return value:
		 * the word itself may already be gone (glibc's threads have it
		 * cleared again by CLONE_CHILD_CLEARTID when they exit, and
		 * the child is not held while this is decoded) */
		uint32_t a = rn_v_open(vs, "parent_tid", RN_V_ARRAY);
		rn_v_int(vs, NULL, du_ret(c));
		rn_v_close(vs, a);
	}
	rn_v_close(vs, w);
	rn_v_close(vs, ch);
}

/* ---- open_how --------------------------------------------------------------- */

extern const struct rn_flag_table rn_flags_open_flags __attribute__((weak));

/* open's flags: the access mode by name, then the other flags (from the
 * flag tables when they exist, else in hex). */
void rn_dec_open_flags_value(struct rn_values *vs, const char *name, uint64_t flags)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	if (&rn_flags_open_flags) {
		rn_dec_flags(vs, name, &rn_flags_open_flags, flags);
		return;
	}
	uint32_t f = rn_v_open(vs, name, RN_V_FLAGS);
	rn_v_name(vs, NULL, acc[flags & 3]);
	if (flags & ~UINT64_C(3)) {
		vs->v[f].flags |= RN_VF_LEFTOVER;
		vs->v[f].u = flags & ~UINT64_C(3);
	}
	rn_v_close(vs, f);
}

void rn_dec_open_how(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const struct rn_flag resolve[] = {
		{ 0x01, "RESOLVE_NO_XDEV" },   { 0x02, "RESOLVE_NO_MAGICLINKS" },
		{ 0x04, "RESOLVE_NO_SYMLINKS" }, { 0x08, "RESOLVE_BENEATH" },
		{ 0x10, "RESOLVE_IN_ROOT" },   { 0x20, "RESOLVE_CACHED" },
	};
	const char *name = du_argname(c, argi);
	uint64_t how[3];
	/* a size below the first version of the struct: the address */
	int si = du_argidx(c, "usize");
	if ((si >= 0 && du_arg(c, (unsigned)si) < sizeof(how)) ||
	    du_read(c, raw, how, sizeof(how)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_dec_open_flags_value(c->vs, "flags", how[0]);
	/* the mode is meaningful with O_CREAT or O_TMPFILE (or when set) */
	if (how[1] || (how[0] & 0100) || (how[0] & 020000000))
		rn_v_octal(c->vs, "mode", how[1]);
	du_flags(c->vs, "resolve", resolve, DU_COUNT(resolve), NULL, how[2]);
	rn_v_close(c->vs, s);
}

/* ---- capabilities ----------------------------------------------------------- */

static const struct rn_flag cap_items[] = {
	{ 1ull << 0, "1<<CAP_CHOWN" },          { 1ull << 1, "1<<CAP_DAC_OVERRIDE" },
	{ 1ull << 2, "1<<CAP_DAC_READ_SEARCH" }, { 1ull << 3, "1<<CAP_FOWNER" },
	{ 1ull << 4, "1<<CAP_FSETID" },         { 1ull << 5, "1<<CAP_KILL" },
	{ 1ull << 6, "1<<CAP_SETGID" },         { 1ull << 7, "1<<CAP_SETUID" },
	{ 1ull << 8, "1<<CAP_SETPCAP" },        { 1ull << 9, "1<<CAP_LINUX_IMMUTABLE" },
	{ 1ull << 10, "1<<CAP_NET_BIND_SERVICE" }, { 1ull << 11, "1<<CAP_NET_BROADCAST" },
	{ 1ull << 12, "1<<CAP_NET_ADMIN" },     { 1ull << 13, "1<<CAP_NET_RAW" },
	{ 1ull << 14, "1<<CAP_IPC_LOCK" },      { 1ull << 15, "1<<CAP_IPC_OWNER" },
	{ 1ull << 16, "1<<CAP_SYS_MODULE" },    { 1ull << 17, "1<<CAP_SYS_RAWIO" },
	{ 1ull << 18, "1<<CAP_SYS_CHROOT" },    { 1ull << 19, "1<<CAP_SYS_PTRACE" },
	{ 1ull << 20, "1<<CAP_SYS_PACCT" },     { 1ull << 21, "1<<CAP_SYS_ADMIN" },
	{ 1ull << 22, "1<<CAP_SYS_BOOT" },      { 1ull << 23, "1<<CAP_SYS_NICE" },
	{ 1ull << 24, "1<<CAP_SYS_RESOURCE" },  { 1ull << 25, "1<<CAP_SYS_TIME" },
	{ 1ull << 26, "1<<CAP_SYS_TTY_CONFIG" }, { 1ull << 27, "1<<CAP_MKNOD" },
	{ 1ull << 28, "1<<CAP_LEASE" },         { 1ull << 29, "1<<CAP_AUDIT_WRITE" },
	{ 1ull << 30, "1<<CAP_AUDIT_CONTROL" }, { 1ull << 31, "1<<CAP_SETFCAP" },
	{ 1ull << 32, "1<<CAP_MAC_OVERRIDE" },  { 1ull << 33, "1<<CAP_MAC_ADMIN" },
	{ 1ull << 34, "1<<CAP_SYSLOG" },        { 1ull << 35, "1<<CAP_WAKE_ALARM" },
	{ 1ull << 36, "1<<CAP_BLOCK_SUSPEND" }, { 1ull << 37, "1<<CAP_AUDIT_READ" },
	{ 1ull << 38, "1<<CAP_PERFMON" },       { 1ull << 39, "1<<CAP_BPF" },
	{ 1ull << 40, "1<<CAP_CHECKPOINT_RESTORE" },
};

#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u

/* capget's and capset's header, as the caller passed it (read at entry:
 * capget writes the kernel's preferred version back when it rejects one):
 * {version=_LINUX_CAPABILITY_VERSION_3, pid=0}, an unknown version in hex
 * with strace's comment. */
void rn_dec_cap_user_header(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	const char *name = du_argname(c, argi);
	uint32_t h[2];
	if (du_read(c, raw, h, sizeof(h)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_dec_flags(c->vs, "version", &rn_flags_cap_version, h[0]);
	rn_v_int(c->vs, "pid", (int32_t)h[1]);
	rn_v_close(c->vs, s);
}

void rn_dec_cap_user_data(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	uint32_t version;
	uint32_t d[6] = { 0 };
	if (du_read(c, du_arg(c, 0), &version, sizeof(version)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	unsigned n = version == CAP_V2 || version == CAP_V3 ? 2 : 1;
	if (du_read(c, raw, d, n * 12) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	static const char *const fields[] = { "effective", "permitted", "inheritable" };
	for (int i = 0; i < 3; i++) {
		uint64_t v = d[i] | (n == 2 ? (uint64_t)d[3 + i] << 32 : 0);
		du_flags(c->vs, fields[i], cap_items, DU_COUNT(cap_items), NULL, v);
	}
	rn_v_close(c->vs, s);
}

/* ---- directory entries ------------------------------------------------------- */

/* getdents, getdents64: strace shows the address and the number of
 * entries (d_reclen is at offset 16 in both layouts). */
static void dec_dirents(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int64_t len = du_ret(c);
	unsigned char stackbuf[4096];
	unsigned char *buf = len <= (int64_t)sizeof(stackbuf) ? stackbuf
			   : len <= (1 << 24) ? malloc((size_t)len) : NULL;
	if (len < 0 || !buf || du_read(c, raw, buf, (size_t)len) < 0) {
		rn_v_ptr(c->vs, name, raw);
		if (buf != stackbuf)
			free(buf);
		return;
	}
	unsigned long count = 0;
	for (size_t off = 0; off + 18 <= (size_t)len;) {
		uint16_t reclen;
		memcpy(&reclen, buf + off + 16, sizeof(reclen));
		count++;
		if (reclen == 0)
			break;
		off += reclen;
	}
	if (buf != stackbuf)
		free(buf);
	uint32_t p = rn_v_ptr(c->vs, name, raw);
	char text[48];
	snprintf(text, sizeof(text), "%lu entries", count);
	rn_v_annotate(c->vs, p, RN_VF_COMMENT, text);
}

void rn_dec_linux_dirent64(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	dec_dirents(c, argi, raw);
}

void rn_dec_linux_dirent(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	dec_dirents(c, argi, raw);
}

/* ---- mq_attr ----------------------------------------------------------------- */

void rn_dec_mq_attr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const struct rn_flag mq_flags[] = { { 04000, "O_NONBLOCK" } };
	const char *name = du_argname(c, argi);
	int64_t a[4];
	if (du_read(c, raw, a, sizeof(a)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	du_flags(c->vs, "mq_flags", mq_flags, DU_COUNT(mq_flags), NULL, (uint64_t)a[0]);
	rn_v_int(c->vs, "mq_maxmsg", a[1]);
	rn_v_int(c->vs, "mq_msgsize", a[2]);
	rn_v_int(c->vs, "mq_curmsgs", a[3]);
	rn_v_close(c->vs, s);
}

/* ---- loff_t ------------------------------------------------------------------- */

/* sendfile's, splice's, copy_file_range's offsets: [5], and for sendfile
 * the new offset after a successful call: [5] => [15]. */
void rn_dec_loff_t(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	int64_t off;
	uint64_t before = 0;
	if (c->saving) {
		if (du_read(c, raw, &off, sizeof(off)) == 0)
			du_save(c, argi, (uint64_t)off, 0);
		return;
	}
	const char *name = du_argname(c, argi);
	int have_before = du_saved(c, argi, &before, NULL);
	int have_after = c->exit && du_read_io(c, raw, &off, sizeof(off)) == 0;
	int show_change = c->sc && strcmp(c->sc->name, "sendfile") == 0 && du_ok(c);
	if (!have_before && !have_after) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	struct rn_values *vs = c->vs;
	if (have_before && have_after && show_change && (int64_t)before != off) {
		uint32_t ch = rn_v_open(vs, name, RN_V_STRUCT);
		vs->v[ch].flags |= RN_VF_CHANGED;
		uint32_t a = rn_v_open(vs, NULL, RN_V_ARRAY);
		rn_v_int(vs, NULL, (int64_t)before);
		rn_v_close(vs, a);
		a = rn_v_open(vs, NULL, RN_V_ARRAY);
		rn_v_int(vs, NULL, off);
		rn_v_close(vs, a);
		rn_v_close(vs, ch);
		return;
	}
	uint32_t a = rn_v_open(vs, name, RN_V_ARRAY);
	rn_v_int(vs, NULL, have_before ? (int64_t)before : off);
	rn_v_close(vs, a);
}

/* ---- sched_attr ------------------------------------------------------------------- */

extern const struct rn_flag_table rn_flags_sched_policy __attribute__((weak));

/* {size=56, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, ...};
 * the utilization clamps only in the 56-byte layout. */
void rn_dec_sched_attr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const struct rn_flag sched_flags[] = {
		{ 0x01, "SCHED_FLAG_RESET_ON_FORK" }, { 0x02, "SCHED_FLAG_RECLAIM" },
		{ 0x04, "SCHED_FLAG_DL_OVERRUN" },    { 0x08, "SCHED_FLAG_KEEP_POLICY" },
		{ 0x10, "SCHED_FLAG_KEEP_PARAMS" },   { 0x20, "SCHED_FLAG_UTIL_CLAMP_MIN" },
		{ 0x40, "SCHED_FLAG_UTIL_CLAMP_MAX" },
	};
	const char *name = du_argname(c, argi);
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
		uint32_t util_min, util_max;
	} at;
	_Static_assert(sizeof(at) == 56, "struct sched_attr");
	memset(&at, 0, sizeof(at));
	if (du_read(c, raw, &at, 48) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	int v1 = at.size >= 56 && du_read(c, raw + 48, &at.util_min, 8) == 0;
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_v_uint(vs, "size", at.size);
	if (&rn_flags_sched_policy)
		rn_dec_flags(vs, "sched_policy", &rn_flags_sched_policy, at.policy);
	else
		rn_v_uint(vs, "sched_policy", at.policy);
	du_flags(vs, "sched_flags", sched_flags, DU_COUNT(sched_flags), NULL, at.flags);
	rn_v_int(vs, "sched_nice", at.nice);
	rn_v_uint(vs, "sched_priority", at.priority);
	rn_v_uint(vs, "sched_runtime", at.runtime);
	rn_v_uint(vs, "sched_deadline", at.deadline);
	rn_v_uint(vs, "sched_period", at.period);
	if (v1) {
		rn_v_uint(vs, "sched_util_min", at.util_min);
		rn_v_uint(vs, "sched_util_max", at.util_max);
	}
	rn_v_close(vs, s);
}

/* ---- newer interfaces --------------------------------------------------------------- */

/* io_uring_setup's parameters (struct_io): what the caller set, then, when
 * the call succeeded, what the kernel filled in. */
void rn_dec_io_uring_params(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	struct {
		uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features,
			wq_fd, resv[3];
		uint32_t sq_off[8];
		uint64_t sq_user_addr;
		uint32_t cq_off[8];
		uint64_t cq_user_addr;
	} p;
	_Static_assert(sizeof(p) == 120, "struct io_uring_params");
	if (c->saving) {
		if (du_read(c, raw, &p, sizeof(p)) == 0)
			du_save(c, argi, p.flags | (uint64_t)p.sq_thread_cpu << 32,
				p.sq_thread_idle | (uint64_t)p.wq_fd << 32);
		return;
	}
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	uint64_t in[2];
	int have_in = du_saved(c, argi, &in[0], &in[1]);
	int have_out = du_read_io(c, raw, &p, sizeof(p)) == 0;
	if (!have_in && !have_out) {
		rn_v_ptr(vs, name, raw);
		return;
	}
	if (have_in) {
		p.flags = (uint32_t)in[0];
		p.sq_thread_cpu = (uint32_t)(in[0] >> 32);
		p.sq_thread_idle = (uint32_t)in[1];
		p.wq_fd = (uint32_t)(in[1] >> 32);
	}
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_dec_flags(vs, "flags", &rn_flags_io_uring_setup_flags, p.flags);
	rn_v_uint(vs, "sq_thread_cpu", p.sq_thread_cpu);
	rn_v_uint(vs, "sq_thread_idle", p.sq_thread_idle);
	if (p.flags & (1u << 5) /* IORING_SETUP_ATTACH_WQ */)
		rn_v_fd(vs, "wq_fd", (int32_t)p.wq_fd);
	if (have_out && du_ok(c)) {
		static const char *const sq[] = { "head", "tail", "ring_mask", "ring_entries",
						  "flags", "dropped", "array" };
		static const char *const cq[] = { "head", "tail", "ring_mask", "ring_entries",
						  "overflow", "cqes", "flags" };
		rn_v_uint(vs, "sq_entries", p.sq_entries);
		rn_v_uint(vs, "cq_entries", p.cq_entries);
		rn_dec_flags(vs, "features", &rn_flags_io_uring_features, p.features);
		uint32_t o = rn_v_open(vs, "sq_off", RN_V_STRUCT);
		for (unsigned i = 0; i < DU_COUNT(sq); i++)
			rn_v_uint(vs, sq[i], p.sq_off[i]);
		rn_v_close(vs, o);
		o = rn_v_open(vs, "cq_off", RN_V_STRUCT);
		for (unsigned i = 0; i < DU_COUNT(cq); i++)
			rn_v_uint(vs, cq[i], p.cq_off[i]);
		rn_v_close(vs, o);
	}
	rn_v_close(vs, s);
}

/* landlock_create_ruleset's attributes: {handled_access_fs=...}. */
void rn_dec_landlock_ruleset_attr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int si = du_argidx(c, "size");
	uint64_t fs;
	if ((si >= 0 && du_arg(c, (unsigned)si) < sizeof(fs)) ||
	    du_read(c, raw, &fs, sizeof(fs)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_dec_flags(c->vs, "handled_access_fs", &rn_flags_landlock_access_fs, fs);
	rn_v_close(c->vs, s);
}

/* futex_waitv's waiters: [{val=0x5, uaddr=0x7ffc..., flags=FUTEX_32}], as
 * many as nr_futexes says, at most -s. */
static void waiter_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	struct {
		uint64_t val, uaddr;
		uint32_t flags, reserved;
	} w;
	(void)ctx;
	memcpy(&w, elem, sizeof(w));
	uint32_t s = rn_v_open(c->vs, NULL, RN_V_STRUCT);
	rn_v_hex(c->vs, "val", w.val);
	rn_v_ptr(c->vs, "uaddr", w.uaddr);
	rn_dec_flags(c->vs, "flags", &rn_flags_futex_waitv_flags, w.flags);
	rn_v_close(c->vs, s);
}

void rn_dec_futex_waitv(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	int ni = du_argidx(c, "nr_futexes");
	uint64_t n = ni >= 0 ? (uint32_t)du_arg(c, (unsigned)ni) : 0;
	du_array(c, du_argname(c, argi), raw, n, 24, waiter_elem, NULL);
}

/* name_to_handle_at's handle (struct_io): the size offered, what the
 * kernel says it needs when that differs (=> 8), then on success the type
 * and the handle's bytes in hex. */
void rn_dec_file_handle(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	uint32_t h[2];
	if (c->saving) {
		if (du_read(c, raw, h, sizeof(h)) == 0)
			du_save(c, argi, h[0], 0);
		return;
	}
	const char *name = du_argname(c, argi);
	struct rn_values *vs = c->vs;
	uint64_t before;
	if (!du_saved(c, argi, &before, NULL)) {
		rn_v_ptr(vs, name, raw);
		return;
	}
	int64_t err = du_ok(c) ? 0 : -du_ret(c);
	int after = (err == 0 || err == 75 /* EOVERFLOW */) && before <= 128 &&
		    du_read_io(c, raw, h, sizeof(h)) == 0;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	if (after && h[0] != before) {
		uint32_t ch = rn_v_open(vs, "handle_bytes", RN_V_STRUCT);
		vs->v[ch].flags |= RN_VF_CHANGED;
		rn_v_uint(vs, NULL, before);
		rn_v_uint(vs, NULL, h[0]);
		rn_v_close(vs, ch);
	} else {
		rn_v_uint(vs, "handle_bytes", before);
	}
	if (after && err == 0) {
		rn_v_int(vs, "handle_type", (int32_t)h[1]);
		uint32_t k = vs->n;
		rn_dec_buffer(c, "f_handle", raw + sizeof(h), h[0] <= 128 ? h[0] : 128);
		if (vs->v[k].kind == RN_V_STR)
			vs->v[k].flags |= RN_VF_HEX;
	}
	rn_v_close(vs, s);
}

/* A node mask of maxnode bits: its words as strace's %#0*lx,
 * [0x00000000000001], [0000000000000000] for an empty word. */
static void node_word(struct rn_dctx *c, const void *elem, void *ctx)
{
	uint64_t w;
	char text[24];
	(void)ctx;
	memcpy(&w, elem, sizeof(w));
	snprintf(text, sizeof(text), "%#016" PRIx64, w);
	du_expr(c->vs, NULL, w, text);
}

void rn_dec_nodemask(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	int mi = du_argidx(c, "maxnode");
	uint64_t maxnode = mi >= 0 ? du_arg(c, (unsigned)mi) : 0;
	uint64_t n = maxnode > UINT64_MAX - 62 ? 0 : (maxnode + 62) / 64;
	du_array(c, du_argname(c, argi), raw, n, 8, node_word, NULL);
}

/* get_mempolicy's mode: [MPOL_DEFAULT] */
void rn_dec_mempolicy_mode(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int32_t mode;
	if (du_read(c, raw, &mode, sizeof(mode)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	rn_dec_flags(c->vs, NULL, &rn_flags_mempolicy_mode, (uint32_t)mode);
	rn_v_close(c->vs, a);
}

/* mincore's vector: one byte per page of the range, [1, 0, 0], at most
 * -s of them. */
static void byte_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	(void)ctx;
	rn_v_uint(c->vs, NULL, *(const unsigned char *)elem);
}

void rn_dec_mincore_vec(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	uint64_t len = du_arg(c, 1);
	uint64_t n = len / 4096 + (len % 4096 ? 1 : 0);
	du_array(c, du_argname(c, argi), raw, n, 1, byte_elem, NULL);
}

/* ---- Linux AIO -------------------------------------------------------------------------- */

/* io_setup's context (struct_io): [0x7f...] once the kernel made it. */
void rn_dec_aio_context(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	uint64_t ctx;
	if (!du_ok(c) || du_read_io(c, raw, &ctx, sizeof(ctx)) < 0) {
		rn_v_ptr(c->vs, du_argname(c, argi), raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, du_argname(c, argi), RN_V_ARRAY);
	rn_v_ptr(c->vs, NULL, ctx);
	rn_v_close(c->vs, a);
}

struct k_iocb {
	uint64_t data;
	uint32_t key, rw_flags;
	uint16_t opcode;
	int16_t reqprio;
	uint32_t fildes;
	uint64_t buf, nbytes;
	int64_t offset;
	uint64_t reserved2;
	uint32_t flags, resfd;
};
_Static_assert(sizeof(struct k_iocb) == 64, "struct iocb");

/* {aio_data=0x1234, aio_lio_opcode=IOCB_CMD_PREAD, aio_fildes=3, ...}: the
 * key, the flags and the priority only when set; with full, what the
 * opcode reads or writes (io_submit; io_cancel shows the head only). */
static void iocb_val(struct rn_dctx *c, const char *name, const struct k_iocb *cb, int full)
{
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_v_hex(vs, "aio_data", cb->data);
	if (cb->key)
		rn_v_uint(vs, "aio_key", cb->key);
	if (cb->rw_flags)
		rn_dec_flags(vs, "aio_rw_flags", &rn_flags_rwf_flags, cb->rw_flags);
	const char *op = NULL;
	for (unsigned i = 0; i < rn_flags_iocb_cmd.n; i++)
		if (rn_flags_iocb_cmd.items[i].value == cb->opcode)
			op = rn_flags_iocb_cmd.items[i].name;
	if (op) {
		rn_v_name(vs, "aio_lio_opcode", op);
	} else {
		uint32_t k = rn_v_uint(vs, "aio_lio_opcode", cb->opcode);
		rn_v_annotate(vs, k, RN_VF_COMMENT, rn_flags_iocb_cmd.unknown);
	}
	if (cb->reqprio)
		rn_v_int(vs, "aio_reqprio", cb->reqprio);
	rn_v_fd(vs, "aio_fildes", (int32_t)cb->fildes);
	if (full && (cb->opcode == 0 || cb->opcode == 1)) {
		/* PREAD: where the data goes; PWRITE: the data */
		if (cb->opcode == 1)
			rn_dec_buffer(c, "aio_buf", cb->buf, cb->nbytes);
		else
			rn_v_ptr(vs, "aio_buf", cb->buf);
		rn_v_uint(vs, "aio_nbytes", cb->nbytes);
		rn_v_int(vs, "aio_offset", cb->offset);
	} else if (full && (cb->opcode == 7 || cb->opcode == 8)) {
		/* PREADV, PWRITEV: the vectors */
		du_iovec(c, "aio_buf", cb->buf, cb->nbytes, cb->opcode == 8, UINT64_MAX);
		rn_v_int(vs, "aio_offset", cb->offset);
	}
	rn_v_close(vs, s);
}

/* io_cancel's iocb: its head. */
void rn_dec_iocb(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	struct k_iocb cb;
	if (du_read(c, raw, &cb, sizeof(cb)) < 0)
		rn_v_ptr(c->vs, du_argname(c, argi), raw);
	else
		iocb_val(c, du_argname(c, argi), &cb, 0);
}

static void iocb_ptr_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	uint64_t p;
	struct k_iocb cb;
	(void)ctx;
	memcpy(&p, elem, sizeof(p));
	if (p == 0 || du_read(c, p, &cb, sizeof(cb)) < 0)
		rn_v_ptr(c->vs, NULL, p);
	else
		iocb_val(c, NULL, &cb, 1);
}

/* io_submit's array of nr iocb pointers, at most -s. */
void rn_dec_iocb_ptrs(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	int ni = du_argidx(c, "nr");
	uint64_t n = ni >= 0 ? (uint32_t)du_arg(c, (unsigned)ni) : 0;
	du_array(c, du_argname(c, argi), raw, n, 8, iocb_ptr_elem, NULL);
}

static void io_event_elem(struct rn_dctx *c, const void *elem, void *ctx)
{
	static const char *const f[] = { "res", "res2" };
	uint64_t e[4];
	(void)ctx;
	memcpy(e, elem, sizeof(e));
	uint32_t s = rn_v_open(c->vs, NULL, RN_V_STRUCT);
	rn_v_hex(c->vs, "data", e[0]);
	rn_v_ptr(c->vs, "obj", e[1]);
	for (unsigned i = 0; i < 2; i++)
		rn_v_int(c->vs, f[i], (int64_t)e[2 + i]);
	rn_v_close(c->vs, s);
}

/* io_getevents' events: as many as returned; io_cancel's result: one. */
void rn_dec_io_event(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	uint64_t n = c->sc && strcmp(c->sc->name, "io_cancel") == 0 ? 1 : (uint64_t)du_ret(c);
	du_array(c, du_argname(c, argi), raw, n, 32, io_event_elem, NULL);
}

/* ---- adjtimex, clock_adjtime ---------------------------------------------------------- */

/* struct timex as the kernel left it (struct_io, shown at exit); the
 * address after a failure. */
void rn_dec_timex(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	struct {
		uint32_t modes, pad0;
		int64_t offset, freq, maxerror, esterror;
		int32_t status, pad1;
		int64_t constant, precision, tolerance;
		int64_t time_sec, time_usec;
		int64_t tick, ppsfreq, jitter;
		int32_t shift, pad2;
		int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
		int32_t tai;
		int32_t pad[11];
	} tx;
	_Static_assert(sizeof(tx) == 208, "struct timex");
	const char *name = du_argname(c, argi);
	if (!du_ok(c) || du_read_io(c, raw, &tx, sizeof(tx)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	struct rn_values *vs = c->vs;
	static const char *const f1[] = { "offset", "freq", "maxerror", "esterror" };
	static const char *const f2[] = { "constant", "precision", "tolerance" };
	static const char *const f3[] = { "tick", "ppsfreq", "jitter" };
	static const char *const f4[] = { "stabil", "jitcnt", "calcnt", "errcnt", "stbcnt" };
	const int64_t *v1 = &tx.offset, *v2 = &tx.constant, *v3 = &tx.tick, *v4 = &tx.stabil;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	rn_dec_flags(vs, "modes", &rn_flags_adjtimex_modes, tx.modes);
	for (unsigned i = 0; i < 4; i++)
		rn_v_int(vs, f1[i], v1[i]);
	rn_dec_flags(vs, "status", &rn_flags_adjtimex_status, (uint32_t)tx.status);
	for (unsigned i = 0; i < 3; i++)
		rn_v_int(vs, f2[i], v2[i]);
	du_timeval_val(vs, "time", tx.time_sec, tx.time_usec);
	for (unsigned i = 0; i < 3; i++)
		rn_v_int(vs, f3[i], v3[i]);
	rn_v_int(vs, "shift", tx.shift);
	for (unsigned i = 0; i < 5; i++)
		rn_v_int(vs, f4[i], v4[i]);
	rn_v_int(vs, "tai", tx.tai);
	rn_v_close(vs, s);
}

/* ---- mount_setattr ---------------------------------------------------------------------- */

/* {attr_set=MOUNT_ATTR_RDONLY, attr_clr=0, propagation=0 / * MS_??? * /, userns_fd=0} */
void rn_dec_mount_attr(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	uint64_t a[4];
	int si = du_argidx(c, "usize");
	if ((si >= 0 && du_arg(c, (unsigned)si) < sizeof(a)) || du_read(c, raw, a, sizeof(a)) < 0) {
		rn_v_ptr(c->vs, du_argname(c, argi), raw);
		return;
	}
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, du_argname(c, argi), RN_V_STRUCT);
	rn_dec_flags(vs, "attr_set", &rn_flags_mount_attr_flags, a[0]);
	rn_dec_flags(vs, "attr_clr", &rn_flags_mount_attr_flags, a[1]);
	rn_dec_flags(vs, "propagation", &rn_flags_mount_propagation, a[2]);
	rn_v_uint(vs, "userns_fd", a[3]);
	rn_v_close(vs, s);
}
