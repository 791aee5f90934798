/*
 * dec_calls.c - whole-call decoders (rn_sys_NAME, see decode.h): system
 * calls whose arguments depend on each other, shown as strace 6.1 shows
 * them.  The syscall table finds them through weak references.
 *
 * Each decoder is called at entry (c->exit == NULL, from == 0) and returns
 * the index of the first argument it leaves for the exit; at exit it is
 * called again with that index, also when it is sc->nargs (nothing left):
 * clone then adds its pointers, fcntl or personality what strace shows
 * after the return value.  Memory is read only through mem.h, and only for
 * calls whose table line makes the tracer hold the tracee (a struct_*
 * argument); an unreadable pointer is shown as the address.
 *
 * The flag and enum tables come from decode/flags/ (.def files, by
 * decode/gen_flags.py); flags_tables.h declares them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <asm/prctl.h>
#include <sched.h>
#include <asm/termbits.h>

#include "decode/decode.h"
#include "base/mem.h"
#include "base/names.h"
#include "decode/dec_util.h"
#include "flags_tables.h"
#include "decode/dec_structs.h"

#ifndef SOL_TCP
#define SOL_TCP 6 /* <netinet/tcp.h> */
#endif
#ifndef SOL_UDP
#define SOL_UDP 17 /* <linux/udp.h> */
#endif

/* ---- helpers ------------------------------------------------------------ */

static uint64_t arg(const struct rn_dctx *c, unsigned i)
{
	return c->entry->args[i];
}

/* The call failed (at exit). */
static int failed(const struct rn_dctx *c)
{
	return c->exit && (c->exit->flags & RN_REC_ERROR);
}

/* Rename the value that starts at node and show it as name=value (clone). */
static void named(struct rn_dctx *c, uint32_t node, const char *name)
{
	c->vs->v[node].name = name;
	c->vs->v[node].flags |= RN_VF_NAMED;
}

/* Argument i by the table, shown as name=value. */
static void arg_named(struct rn_dctx *c, unsigned i, const char *name)
{
	uint32_t node = c->vs->n;
	rn_dec_arg(c, i);
	named(c, node, name);
}

/* Arguments first .. end-1, each by the table. */
static void args(struct rn_dctx *c, unsigned first, unsigned end)
{
	for (unsigned i = first; i < end; i++)
		rn_dec_arg(c, i);
}

static void flags(struct rn_dctx *c, const char *name, const struct rn_flag_table *t, uint64_t v)
{
	rn_dec_flags(c->vs, name, t, v);
}

/* Make the value at node one strace shows after the return value, with
 * its label: = 0x1 (flags FD_CLOEXEC). */
static void after_ret(struct rn_dctx *c, uint32_t node, const char *label)
{
	if (node >= c->vs->n)
		return;
	c->vs->v[node].flags |= RN_VF_AFTER_RET;
	if (label) {
		c->vs->v[node].name = label;
		c->vs->v[node].flags |= RN_VF_NAMED;
	}
}

/* The same decoder under each of the names the table looks for; with a
 * third argument that tells the calls apart (RN_SYS_WITH). */
#define RN_SYS_AS(name, impl) \
	unsigned rn_sys_##name(struct rn_dctx *c, unsigned from) \
	{ \
		return impl(c, from); \
	}
#define RN_SYS_WITH(name, impl, k) \
	unsigned rn_sys_##name(struct rn_dctx *c, unsigned from) \
	{ \
		return impl(c, from, k); \
	}

/* A number as strace's %#x: 0 stays "0". */
static void hexnum(char *buf, size_t size, unsigned v)
{
	if (v)
		snprintf(buf, size, "%#x", v);
	else
		snprintf(buf, size, "0");
}

/* ---- files ------------------------------------------------------------ */

/* The mode is shown only when the flags create a file. */
static int open_has_mode(uint64_t fl)
{
	return (fl & O_CREAT) || (fl & O_TMPFILE) == O_TMPFILE;
}

/* open, openat: the arguments up to the flags (argument fi), the mode
 * after them when they create a file. */
static unsigned open_call(struct rn_dctx *c, unsigned from, unsigned fi)
{
	if (from)
		return from;
	args(c, 0, fi + 1);
	if (open_has_mode(arg(c, fi)))
		rn_dec_arg(c, fi + 1);
	return c->sc->nargs;
}

RN_SYS_WITH(open, open_call, 1)
RN_SYS_WITH(openat, open_call, 2)

/* mq_open: the mode and the attributes only with O_CREAT. */
unsigned rn_sys_mq_open(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	args(c, 0, 2);
	if (arg(c, 1) & O_CREAT) {
		args(c, 2, 4);
	}
	return c->sc->nargs;
}

/* mknod's mode: S_IFREG|0644 when the type has a name, else octal; the
 * device only for character and block devices. */
static void mknod_mode_dev(struct rn_dctx *c, unsigned mi)
{
	uint64_t mode = (uint32_t)arg(c, mi);
	const char *type = NULL;
	for (unsigned i = 0; i < rn_flags_mknod_type.n; i++)
		if (rn_flags_mknod_type.items[i].value == (mode & S_IFMT))
			type = rn_flags_mknod_type.items[i].name;
	if (type) {
		uint32_t f = rn_v_open(c->vs, c->sc->args[mi].name, RN_V_FLAGS);
		rn_v_name(c->vs, NULL, type);
		rn_v_octal(c->vs, NULL, mode & 07777);
		rn_v_close(c->vs, f);
	} else {
		rn_v_octal(c->vs, c->sc->args[mi].name, mode & (S_IFMT | 07777));
	}
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		uint64_t dev = arg(c, mi + 1);
		char text[64];
		snprintf(text, sizeof(text), "makedev(%#x, %#x)", major(dev), minor(dev));
		uint32_t n = rn_v_hex(c->vs, c->sc->args[mi + 1].name, dev);
		rn_v_annotate(c->vs, n, RN_VF_EXPR, text);
	}
}

/* restart_syscall: the call it resumes, which the tracer put in args[0]
 * (the thread's previous syscall, -1 when none was seen), as strace names
 * it: restart_syscall(<... resuming interrupted clock_nanosleep ...>). */
unsigned rn_sys_restart_syscall(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	const struct rn_syscall *prev = rn_syscall_get((long)(int64_t)c->entry->args[0]);
	char text[96];
	snprintf(text, sizeof(text), "<... resuming interrupted %s ...>",
		 prev && prev->name ? prev->name : "system call");
	rn_v_text(c->vs, "resuming", text);
	return 1;
}

unsigned rn_sys_mknod(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	rn_dec_arg(c, 0);
	mknod_mode_dev(c, 1);
	return c->sc->nargs;
}

unsigned rn_sys_mknodat(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	args(c, 0, 2);
	mknod_mode_dev(c, 2);
	return c->sc->nargs;
}

/* struct flock: {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=100},
 * with l_pid when the kernel filled it in (F_GETLK). */
static void flock_ptr(struct rn_dctx *c, const char *name, uint64_t addr, int with_pid)
{
	struct flock fl;
	if (addr == 0 || rn_mem_read(c->tid, addr, &fl, sizeof(fl)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	flags(c, "l_type", &rn_flags_flock_type, (uint16_t)fl.l_type);
	flags(c, "l_whence", &rn_flags_lseek_whence, (uint16_t)fl.l_whence);
	rn_v_int(c->vs, "l_start", fl.l_start);
	rn_v_int(c->vs, "l_len", fl.l_len);
	if (with_pid)
		rn_v_int(c->vs, "l_pid", fl.l_pid);
	rn_v_close(c->vs, s);
}

static void owner_ex_ptr(struct rn_dctx *c, const char *name, uint64_t addr)
{
	struct f_owner_ex ox;
	if (addr == 0 || rn_mem_read(c->tid, addr, &ox, sizeof(ox)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	flags(c, "type", &rn_flags_f_owner_type, (uint32_t)ox.type);
	rn_v_int(c->vs, "pid", ox.pid);
	rn_v_close(c->vs, s);
}

/* What some commands return, shown after the return value. */
static void fcntl_result(struct rn_dctx *c, int cmd)
{
	int64_t r = c->exit->ret;
	uint32_t node = c->vs->n;
	switch (cmd) {
	case F_GETFL:
		c->ret_hex = 1;
		flags(c, NULL, &rn_flags_open_flags, (uint64_t)r);
		after_ret(c, node, "flags");
		break;
	case F_GETFD:
		if (r) {
			c->ret_hex = 1;
			flags(c, NULL, &rn_flags_fd_flags, (uint64_t)r);
			after_ret(c, node, "flags");
		}
		break;
	case F_GET_SEALS:
		if (r) {
			c->ret_hex = 1;
			flags(c, NULL, &rn_flags_seal_flags, (uint64_t)r);
			after_ret(c, node, "seals");
		}
		break;
	case F_GETLEASE:
		c->ret_hex = 1;
		flags(c, NULL, &rn_flags_flock_type, (uint64_t)r);
		after_ret(c, node, NULL);
		break;
	case F_GETSIG:
		if (r) {
			rn_dec_signal(c->vs, NULL, (int)r);
			after_ret(c, node, NULL);
		}
		break;
	default:
		break;
	}
}

unsigned rn_sys_fcntl(struct rn_dctx *c, unsigned from)
{
	int cmd = (int)arg(c, 1);
	uint64_t a = arg(c, 2);
	const char *an = c->sc->args[2].name;

	if (c->exit) {
		/* what the kernel wrote */
		if (from < c->sc->nargs) {
			if (failed(c))
				rn_v_ptr(c->vs, an, a);
			else if (cmd == F_GETOWN_EX)
				owner_ex_ptr(c, an, a);
			else
				flock_ptr(c, an, a, 1);
		}
		if (!failed(c))
			fcntl_result(c, cmd);
		return from;
	}
	args(c, 0, 2);
	switch (cmd) {
	case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG:
	case F_GETLEASE: case F_GETPIPE_SZ: case F_GET_SEALS:
		break;
	case F_SETOWN:
		rn_v_int(c->vs, an, (int)a);
		break;
	case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETPIPE_SZ:
		/* the whole register, signed, as strace shows it: 4294967295 */
		rn_v_int(c->vs, an, (int64_t)a);
		break;
	case F_SETSIG:
		rn_dec_signal(c->vs, an, (int)a);
		break;
	case F_SETFD:
		flags(c, an, &rn_flags_fd_flags, a);
		break;
	case F_SETFL:
		flags(c, an, &rn_flags_open_flags, a);
		break;
	case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW:
		flock_ptr(c, an, a, 0);
		break;
	case F_GETLK: case F_OFD_GETLK: case F_GETOWN_EX:
		return 2; /* at exit */
	case F_SETOWN_EX:
		owner_ex_ptr(c, an, a);
		break;
	case F_SETLEASE:
		flags(c, an, &rn_flags_flock_type, a);
		break;
	case F_NOTIFY:
		flags(c, an, &rn_flags_dn_flags, a);
		break;
	case F_ADD_SEALS:
		flags(c, an, &rn_flags_seal_flags, a);
		break;
	default:
		rn_v_hex(c->vs, an, a);
		break;
	}
	return c->sc->nargs;
}

/* ioctl: the request by name (or _IOC(dir, type, nr, size)), then the
 * argument as the request wants it. */
enum ioc_arg { IOC_HEX, IOC_NONE, IOC_INT, IOC_INT_IN, IOC_INT_OUT, IOC_WINSIZE_IN,
	       IOC_WINSIZE_OUT, IOC_TCXONC, IOC_TCFLSH, IOC_PTR, IOC_TERMIOS_IN,
	       IOC_TERMIOS_OUT };

static enum ioc_arg ioc_arg_kind(unsigned req)
{
	switch (req) {
	case TIOCEXCL: case TIOCNXCL: case TIOCCONS: case TIOCSSERIAL: case TIOCNOTTY:
	case TIOCSBRK: case TIOCCBRK: case TIOCVHANGUP: case FIONCLEX: case FIOCLEX:
	case FIFREEZE: case FITHAW:
		return IOC_NONE;
	case TCSBRK: case TCSBRKP: case TIOCSCTTY: case FICLONE:
		return IOC_INT;
	case TIOCSPGRP: case FIONBIO: case FIOASYNC: case TIOCSPTLCK:
		return IOC_INT_IN;
	case FIONREAD: case TIOCOUTQ: case TIOCGPGRP: case TIOCGSID: case TIOCGPTN:
		return IOC_INT_OUT;
	case TIOCSWINSZ:
		return IOC_WINSIZE_IN;
	case TIOCGWINSZ:
		return IOC_WINSIZE_OUT;
	case TCSETS: case TCSETSW: case TCSETSF:
		return IOC_TERMIOS_IN;
	case TCGETS:
		return IOC_TERMIOS_OUT;
	case TCXONC:
		return IOC_TCXONC;
	case TCFLSH:
		return IOC_TCFLSH;
	default:
		return IOC_HEX;
	}
}

static void winsize_ptr(struct rn_dctx *c, const char *name, uint64_t addr)
{
	struct winsize ws;
	if (addr == 0 || rn_mem_read(c->tid, addr, &ws, sizeof(ws)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_v_uint(c->vs, "ws_row", ws.ws_row);
	rn_v_uint(c->vs, "ws_col", ws.ws_col);
	rn_v_uint(c->vs, "ws_xpixel", ws.ws_xpixel);
	rn_v_uint(c->vs, "ws_ypixel", ws.ws_ypixel);
	rn_v_close(c->vs, s);
}

/* A flag name by value in an enum table, or NULL. */
static const char *enum_name(const struct rn_flag_table *t, uint64_t v)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->items[i].value == v)
			return t->items[i].name;
	return NULL;
}

/* One termios field as strace: its sub-fields ("NL0|CR0|..."), then "|",
 * then the flags; flags that are all 0 show as nothing at all. */
struct tio_sub {
	uint32_t mask;
	const struct rn_flag_table *t;
};

static void tio_field(struct rn_values *vs, const char *name, uint32_t v, const struct tio_sub *sub,
		      unsigned nsub, const struct rn_flag_table *t)
{
	uint32_t f = rn_v_open(vs, name, RN_V_FLAGS);
	uint32_t rest = v;
	for (unsigned i = 0; i < nsub; i++) {
		const char *s = enum_name(sub[i].t, v & sub[i].mask);
		char num[16];
		if (!s) {
			hexnum(num, sizeof(num), v & sub[i].mask);
			s = num;
		}
		rn_v_name(vs, NULL, s);
		rest &= ~sub[i].mask;
	}
	int named = 0;
	for (unsigned i = 0; i < t->n && rest; i++) {
		uint32_t bits = (uint32_t)t->items[i].value;
		if (bits && (rest & bits) == bits) {
			rn_v_name(vs, NULL, t->items[i].name);
			rest &= ~bits;
			named = 1;
		}
	}
	if (rest) {
		vs->v[f].flags |= RN_VF_LEFTOVER;
		vs->v[f].u = rest;
	} else if (!named) {
		rn_v_name(vs, NULL, ""); /* strace's "FF0|", "c_iflag=," */
	}
	rn_v_close(vs, f);
}

/* struct termios (the kernel's): {c_iflag=..., c_oflag=..., c_cflag=...,
 * c_lflag=..., ...} */
static void termios_ptr(struct rn_dctx *c, const char *name, uint64_t addr)
{
	uint32_t tf[4]; /* c_iflag, c_oflag, c_cflag, c_lflag */
	if (addr == 0 || rn_mem_read(c->tid, addr, tf, sizeof(tf)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	struct rn_values *vs = c->vs;
	static const struct tio_sub osub[] = {
		{ NLDLY, &rn_flags_tios_nldly },   { CRDLY, &rn_flags_tios_crdly },
		{ TABDLY, &rn_flags_tios_tabdly }, { BSDLY, &rn_flags_tios_bsdly },
		{ VTDLY, &rn_flags_tios_vtdly },   { FFDLY, &rn_flags_tios_ffdly },
	};
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	tio_field(vs, "c_iflag", tf[0], NULL, 0, &rn_flags_tios_iflag);
	tio_field(vs, "c_oflag", tf[1], osub, 6, &rn_flags_tios_oflag);

	/* c_cflag: the speed, the input speed when set, the size, the flags */
	uint32_t cf = tf[2], ibaud = (cf >> IBSHIFT) & CBAUD;
	uint32_t f = rn_v_open(vs, "c_cflag", RN_V_FLAGS);
	const char *sp = enum_name(&rn_flags_tios_baud, cf & CBAUD);
	rn_v_name(vs, NULL, sp ? sp : "B0");
	if (ibaud) {
		char text[48];
		const char *is = enum_name(&rn_flags_tios_baud, ibaud);
		snprintf(text, sizeof(text), "%s<<IBSHIFT", is ? is : "B0");
		uint32_t n = rn_v_uint(vs, NULL, ibaud << IBSHIFT);
		rn_v_annotate(vs, n, RN_VF_EXPR, text);
	}
	const char *cs = enum_name(&rn_flags_tios_csize, cf & CSIZE);
	rn_v_name(vs, NULL, cs ? cs : "CS5");
	uint32_t rest = cf & ~(CBAUD | (CBAUD << IBSHIFT) | CSIZE);
	int named = 0;
	for (unsigned i = 0; i < rn_flags_tios_cflag.n && rest; i++) {
		uint32_t bits = (uint32_t)rn_flags_tios_cflag.items[i].value;
		if ((rest & bits) == bits) {
			rn_v_name(vs, NULL, rn_flags_tios_cflag.items[i].name);
			rest &= ~bits;
			named = 1;
		}
	}
	if (rest) {
		vs->v[f].flags |= RN_VF_LEFTOVER;
		vs->v[f].u = rest;
	} else if (!named) {
		rn_v_name(vs, NULL, "");
	}
	rn_v_close(vs, f);

	tio_field(vs, "c_lflag", tf[3], NULL, 0, &rn_flags_tios_lflag);
	vs->v[s].flags |= RN_VF_ELLIPSIS; /* c_line, c_cc: strace's "..." */
	rn_v_close(vs, s);
}

static void ioctl_request(struct rn_dctx *c, unsigned req)
{
	const char *name = c->sc->args[1].name;
	for (unsigned i = 0; i < rn_flags_ioctl_cmd.n; i++) {
		if ((uint32_t)rn_flags_ioctl_cmd.items[i].value == req) {
			rn_v_name(c->vs, name, rn_flags_ioctl_cmd.items[i].name);
			return;
		}
	}
	static const char *const dirs[] = { "_IOC_NONE", "_IOC_WRITE", "_IOC_READ",
					    "_IOC_READ|_IOC_WRITE" };
	char text[96], size[16];
	hexnum(size, sizeof(size), _IOC_SIZE(req));
	snprintf(text, sizeof(text), "_IOC(%s, %#x, %#x, %s)", dirs[_IOC_DIR(req) & 3],
		 _IOC_TYPE(req), _IOC_NR(req), size);
	uint32_t n = rn_v_hex(c->vs, name, req);
	rn_v_annotate(c->vs, n, RN_VF_EXPR, text);
}

unsigned rn_sys_ioctl(struct rn_dctx *c, unsigned from)
{
	if (from >= c->sc->nargs)
		return from; /* nothing left for the exit */
	unsigned req = (unsigned)arg(c, 1);
	uint64_t a = arg(c, 2);
	const char *an = c->sc->args[2].name;
	enum ioc_arg kind = ioc_arg_kind(req);

	if (from) {
		if (failed(c))
			rn_v_ptr(c->vs, an, a);
		else if (kind == IOC_INT_OUT)
			du_int_at(c, an, a);
		else if (kind == IOC_TERMIOS_OUT)
			termios_ptr(c, an, a);
		else
			winsize_ptr(c, an, a);
		return from;
	}
	rn_dec_arg(c, 0);
	ioctl_request(c, req);
	switch (kind) {
	case IOC_NONE:
		break;
	case IOC_INT:
		rn_v_int(c->vs, an, (int)a);
		break;
	case IOC_INT_IN:
		du_int_at(c, an, a);
		break;
	case IOC_WINSIZE_IN:
		winsize_ptr(c, an, a);
		break;
	case IOC_TERMIOS_IN:
		termios_ptr(c, an, a);
		break;
	case IOC_INT_OUT:
	case IOC_WINSIZE_OUT:
	case IOC_TERMIOS_OUT:
		return 2; /* at exit */
	case IOC_TCXONC:
		flags(c, an, &rn_flags_tcxonc_arg, a);
		break;
	case IOC_TCFLSH:
		flags(c, an, &rn_flags_tcflsh_arg, a);
		break;
	case IOC_PTR:
		rn_v_ptr(c->vs, an, a);
		break;
	default:
		rn_v_hex(c->vs, an, a);
		break;
	}
	return c->sc->nargs;
}

/* ---- processes --------------------------------------------------------- */

/* clone(child_stack=, flags=, parent_tid=, tls=, child_tidptr=): x86-64
 * passes flags, newsp, parent_tidptr, child_tidptr, tls; the pointers are
 * shown at exit, only those the flags use. */
unsigned rn_sys_clone(struct rn_dctx *c, unsigned from)
{
	uint64_t fl = arg(c, 0);
	if (c->exit == NULL) {
		arg_named(c, 1, "child_stack");
		uint32_t node = c->vs->n;
		rn_dec_arg(c, 0);
		named(c, node, "flags");
		/* the rest at exit, ", " with it */
		return c->sc->nargs;
	}
	uint32_t first = c->vs->n;
	if (fl & (CLONE_PARENT_SETTID | CLONE_PIDFD)) {
		uint32_t node = c->vs->n;
		if (failed(c)) {
			rn_v_ptr(c->vs, NULL, arg(c, 2));
		} else if (!(fl & CLONE_PIDFD)) {
			/* the new tid, which is the return value: the word may
			 * already be cleared by the thread's exit (the child is
			 * not held while this is decoded) */
			uint32_t a = rn_v_open(c->vs, NULL, RN_V_ARRAY);
			rn_v_int(c->vs, NULL, c->exit->ret);
			rn_v_close(c->vs, a);
		} else {
			du_fd_at(c, NULL, arg(c, 2)); /* the pidfd */
		}
		named(c, node, "parent_tid");
	}
	if (fl & CLONE_SETTLS)
		arg_named(c, 4, "tls");
	if (fl & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		arg_named(c, 3, "child_tidptr");
	if (c->vs->n > first)
		c->vs->v[first].flags |= RN_VF_LEAD_SEP;
	return from;
}

/* personality(0xffffffff) only asks: shown raw. */
unsigned rn_sys_personality(struct rn_dctx *c, unsigned from)
{
	if (c->exit) {
		if (!failed(c)) {
			uint32_t node = c->vs->n;
			c->ret_hex = 1;
			flags(c, NULL, &rn_flags_personality, (uint64_t)c->exit->ret);
			after_ret(c, node, NULL);
		}
		return from;
	}
	if ((uint32_t)arg(c, 0) == 0xffffffffu)
		rn_v_hex(c->vs, c->sc->args[0].name, 0xffffffffu);
	else
		rn_dec_arg(c, 0);
	return c->sc->nargs;
}

unsigned rn_sys_arch_prctl(struct rn_dctx *c, unsigned from)
{
	if (from >= c->sc->nargs)
		return from; /* nothing left for the exit */
	int code = (int)arg(c, 0);
	const char *an = c->sc->args[1].name;
	if (from) {
		/* ARCH_GET_FS, ARCH_GET_GS: the address the kernel stored */
		uint64_t v;
		if (failed(c) || rn_mem_read(c->tid, arg(c, 1), &v, sizeof(v)) < 0) {
			rn_v_ptr(c->vs, an, arg(c, 1));
		} else {
			uint32_t a = rn_v_open(c->vs, an, RN_V_ARRAY);
			rn_v_ptr(c->vs, NULL, v);
			rn_v_close(c->vs, a);
		}
		return from;
	}
	rn_dec_arg(c, 0);
	switch (code) {
	case ARCH_GET_CPUID:
		break;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		return 1;
	case ARCH_GET_XCOMP_SUPP:
	case ARCH_GET_XCOMP_PERM:
	case ARCH_GET_XCOMP_GUEST_PERM:
		/* an address the kernel writes the mask to: NULL, not 0 */
		rn_v_ptr(c->vs, an, arg(c, 1));
		break;
	default:
		rn_v_hex(c->vs, an, arg(c, 1));
		break;
	}
	return c->sc->nargs;
}

/* A string the tracee points to, or its address. */
static void cstr(struct rn_dctx *c, const char *name, uint64_t addr, size_t max)
{
	char buf[256];
	if (max >= sizeof(buf))
		max = sizeof(buf) - 1;
	long n = addr ? rn_mem_read_str(c->tid, addr, buf, max) : -1;
	if (n < 0)
		rn_v_ptr(c->vs, name, addr);
	else if ((size_t)n > max)
		rn_v_str(c->vs, name, buf, max, RN_VF_TRUNCATED);
	else
		rn_v_str(c->vs, name, buf, (size_t)n, 0);
}

/* The second argument of the PR_GET_* calls that store through it, shown
 * at exit with what the kernel stored (its address when the call failed). */
static void prctl_out_arg(struct rn_dctx *c, int op)
{
	struct rn_values *vs = c->vs;
	const char *n2 = c->sc->args[1].name;

	if (op == PR_GET_NAME) {
		if (failed(c))
			rn_v_ptr(vs, n2, arg(c, 1));
		else
			cstr(c, n2, arg(c, 1), 16);
	} else if (op == PR_GET_PDEATHSIG) {
		int32_t sig;
		if (failed(c) || rn_mem_read(c->tid, arg(c, 1), &sig, sizeof(sig)) < 0) {
			rn_v_ptr(vs, n2, arg(c, 1));
		} else {
			uint32_t a = rn_v_open(vs, n2, RN_V_ARRAY);
			rn_dec_signal(vs, NULL, sig);
			rn_v_close(vs, a);
		}
	} else if (op == PR_GET_TID_ADDRESS) {
		uint64_t p;
		if (failed(c) || rn_mem_read(c->tid, arg(c, 1), &p, sizeof(p)) < 0) {
			rn_v_ptr(vs, n2, arg(c, 1));
		} else {
			uint32_t a = rn_v_open(vs, n2, RN_V_ARRAY);
			rn_v_ptr(vs, NULL, p);
			rn_v_close(vs, a);
		}
	} else {
		if (failed(c))
			rn_v_ptr(vs, n2, arg(c, 1));
		else
			du_int_at(c, n2, arg(c, 1));
	}
}

unsigned rn_sys_prctl(struct rn_dctx *c, unsigned from)
{
	int op = (int)arg(c, 0);
	struct rn_values *vs = c->vs;
	const char *n2 = c->sc->args[1].name;

	if (c->exit && op == PR_GET_DUMPABLE && !failed(c)) {
		uint32_t node = vs->n;
		flags(c, NULL, &rn_flags_suid_dump, (uint64_t)c->exit->ret);
		after_ret(c, node, NULL);
	}
	if (from >= c->sc->nargs)
		return from; /* nothing left for the exit */
	if (from) {
		prctl_out_arg(c, op);
		return from;
	}
	rn_dec_arg(c, 0);
	switch (op) {
	case PR_GET_DUMPABLE: case PR_GET_KEEPCAPS: case PR_GET_SECCOMP:
	case PR_GET_TIMERSLACK: case PR_GET_TIMING: case PR_TASK_PERF_EVENTS_DISABLE:
	case PR_TASK_PERF_EVENTS_ENABLE: case PR_GET_FP_MODE:
		break;
	case PR_GET_NO_NEW_PRIVS: case PR_GET_THP_DISABLE: case PR_MCE_KILL_GET:
	case PR_GET_IO_FLUSHER:
		/* the kernel wants them 0: all shown */
		for (unsigned i = 1; i < 5; i++)
			rn_v_hex(vs, c->sc->args[i].name, arg(c, i));
		break;
	case PR_GET_NAME: case PR_GET_PDEATHSIG: case PR_GET_CHILD_SUBREAPER:
	case PR_GET_TID_ADDRESS:
		if (arg(c, 1) == 0) {
			rn_v_ptr(vs, n2, 0);
			break;
		}
		return 1; /* at exit */
	case PR_GET_SPECULATION_CTRL:
		flags(c, n2, &rn_flags_pr_spec, arg(c, 1));
		break;
	case PR_SET_NAME:
		if (arg(c, 1) == 0)
			rn_v_ptr(vs, n2, 0);
		else
			cstr(c, n2, arg(c, 1), 15);
		break;
	case PR_SET_PDEATHSIG:
		rn_dec_signal(vs, n2, (int)arg(c, 1));
		break;
	case PR_SET_DUMPABLE:
		flags(c, n2, &rn_flags_suid_dump, arg(c, 1));
		break;
	case PR_CAPBSET_READ: case PR_CAPBSET_DROP:
		flags(c, n2, &rn_flags_capability, arg(c, 1));
		break;
	case PR_SET_SECCOMP:
		flags(c, n2, &rn_flags_seccomp_mode, arg(c, 1));
		if ((int)arg(c, 1) == SECCOMP_MODE_FILTER)
			rn_v_ptr(vs, c->sc->args[2].name, arg(c, 2));
		break;
	case PR_SET_CHILD_SUBREAPER: case PR_SET_KEEPCAPS: case PR_SET_TIMERSLACK:
	case PR_SET_TIMING:
		rn_v_uint(vs, n2, arg(c, 1));
		break;
	case PR_SET_PTRACER:
		if ((int)arg(c, 1) == -1)
			rn_v_name(vs, n2, "PR_SET_PTRACER_ANY");
		else
			rn_v_int(vs, n2, (int)arg(c, 1));
		break;
	case PR_SET_NO_NEW_PRIVS: case PR_SET_THP_DISABLE: case PR_SET_IO_FLUSHER:
		rn_v_uint(vs, n2, arg(c, 1));
		for (unsigned i = 2; i < 5; i++)
			rn_v_hex(vs, c->sc->args[i].name, arg(c, i));
		break;
	case PR_CAP_AMBIENT:
		flags(c, n2, &rn_flags_pr_cap_ambient, arg(c, 1));
		if ((int)arg(c, 1) == PR_CAP_AMBIENT_CLEAR_ALL)
			rn_v_uint(vs, c->sc->args[2].name, arg(c, 2));
		else
			flags(c, c->sc->args[2].name, &rn_flags_capability, arg(c, 2));
		rn_v_uint(vs, c->sc->args[3].name, arg(c, 3));
		rn_v_uint(vs, c->sc->args[4].name, arg(c, 4));
		break;
	case PR_SET_MM:
		flags(c, n2, &rn_flags_pr_set_mm, arg(c, 1));
		rn_v_hex(vs, c->sc->args[2].name, arg(c, 2));
		rn_v_hex(vs, c->sc->args[3].name, arg(c, 3));
		rn_v_hex(vs, c->sc->args[4].name, arg(c, 4));
		break;
	case PR_SET_VMA:
		flags(c, n2, &rn_flags_pr_set_vma, arg(c, 1));
		rn_v_hex(vs, c->sc->args[2].name, arg(c, 2));
		rn_v_uint(vs, c->sc->args[3].name, arg(c, 3));
		cstr(c, c->sc->args[4].name, arg(c, 4), (size_t)c->opt->strsize);
		break;
	default:
		for (unsigned i = 1; i < 5; i++)
			rn_v_hex(vs, c->sc->args[i].name, arg(c, i));
		break;
	}
	return c->sc->nargs;
}

/* ---- futex -------------------------------------------------------------- */

/* FUTEX_WAKE_OP's val3: FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0 */
static void futex_wake_op(struct rn_values *vs, const char *name, uint32_t v)
{
	unsigned op = (v >> 28) & 0xf, cmp = (v >> 24) & 0xf;
	const char *ops = NULL, *cmps = NULL;
	for (unsigned i = 0; i < rn_flags_futex_wake_op.n; i++)
		if (rn_flags_futex_wake_op.items[i].value == (op & 7))
			ops = rn_flags_futex_wake_op.items[i].name;
	for (unsigned i = 0; i < rn_flags_futex_wake_cmp.n; i++)
		if (rn_flags_futex_wake_cmp.items[i].value == cmp)
			cmps = rn_flags_futex_wake_cmp.items[i].name;
	char opn[16], cmpn[16], oparg[16], cmparg[16], text[160];
	hexnum(opn, sizeof(opn), op & 7);
	hexnum(cmpn, sizeof(cmpn), cmp);
	hexnum(oparg, sizeof(oparg), (v >> 12) & 0xfff);
	hexnum(cmparg, sizeof(cmparg), v & 0xfff);
	snprintf(text, sizeof(text), "%s%s<<28|%s<<12|%s<<24|%s",
		 (op & 8) ? "FUTEX_OP_OPARG_SHIFT|" : "", ops ? ops : opn, oparg,
		 cmps ? cmps : cmpn, cmparg);
	uint32_t n = rn_v_hex(vs, name, v);
	rn_v_annotate(vs, n, RN_VF_EXPR, text);
}

unsigned rn_sys_futex(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	struct rn_values *vs = c->vs;
	unsigned op = (unsigned)arg(c, 1);
	unsigned cmd = op & 0x7f; /* the argument layout, as strace picks it */
	const struct rn_arg_desc *a = c->sc->args;

	args(c, 0, 2);
	switch (cmd) {
	case FUTEX_WAIT:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		rn_dec_arg(c, 3);
		break;
	case FUTEX_WAKE:
	case FUTEX_FD:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		break;
	case FUTEX_REQUEUE:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		rn_v_uint(vs, "val2", (uint32_t)arg(c, 3));
		rn_dec_arg(c, 4);
		break;
	case FUTEX_CMP_REQUEUE:
	case FUTEX_CMP_REQUEUE_PI:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		rn_v_uint(vs, "val2", (uint32_t)arg(c, 3));
		rn_dec_arg(c, 4);
		rn_v_uint(vs, a[5].name, (uint32_t)arg(c, 5));
		break;
	case FUTEX_WAKE_OP:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		rn_v_uint(vs, "val2", (uint32_t)arg(c, 3));
		rn_dec_arg(c, 4);
		futex_wake_op(vs, a[5].name, (uint32_t)arg(c, 5));
		break;
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		rn_dec_arg(c, 3);
		break;
	case FUTEX_UNLOCK_PI:
	case FUTEX_TRYLOCK_PI:
		break;
	case FUTEX_WAIT_BITSET:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		rn_dec_arg(c, 3);
		if ((uint32_t)arg(c, 5) == FUTEX_BITSET_MATCH_ANY)
			rn_v_name(vs, a[5].name, "FUTEX_BITSET_MATCH_ANY");
		else
			rn_v_hex(vs, a[5].name, (uint32_t)arg(c, 5));
		break;
	case FUTEX_WAKE_BITSET:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		if ((uint32_t)arg(c, 5) == FUTEX_BITSET_MATCH_ANY)
			rn_v_name(vs, a[5].name, "FUTEX_BITSET_MATCH_ANY");
		else
			rn_v_hex(vs, a[5].name, (uint32_t)arg(c, 5));
		break;
	case FUTEX_WAIT_REQUEUE_PI:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		args(c, 3, 5);
		break;
	default:
		rn_v_uint(vs, a[2].name, (uint32_t)arg(c, 2));
		args(c, 3, 5);
		rn_v_hex(vs, a[5].name, (uint32_t)arg(c, 5));
		break;
	}
	return c->sc->nargs;
}

/* ---- sockets ------------------------------------------------------------ */

/* socket's protocol depends on its domain. */
static void socket_protocol(struct rn_dctx *c, unsigned di, unsigned pi)
{
	int domain = (int)arg(c, di);
	uint64_t p = (uint32_t)arg(c, pi);
	const char *name = c->sc->args[pi].name;
	switch (domain) {
	case AF_INET:
	case AF_INET6:
		flags(c, name, &rn_flags_socket_protocol, p);
		break;
	case AF_NETLINK:
		flags(c, name, &rn_flags_netlink_protocol, p);
		break;
	case AF_PACKET: {
		/* network byte order: htons(ETH_P_ALL) */
		unsigned proto = ((p & 0xff) << 8) | ((p >> 8) & 0xff);
		const char *s = NULL;
		char text[64];
		for (unsigned i = 0; i < rn_flags_eth_protocol.n; i++)
			if (rn_flags_eth_protocol.items[i].value == proto)
				s = rn_flags_eth_protocol.items[i].name;
		if (s) {
			snprintf(text, sizeof(text), "htons(%s)", s);
		} else {
			char num[16];
			hexnum(num, sizeof(num), proto);
			snprintf(text, sizeof(text), "htons(%s /* ETH_P_??? */)", num);
		}
		uint32_t n = rn_v_uint(c->vs, name, p);
		rn_v_annotate(c->vs, n, RN_VF_EXPR, text);
		break;
	}
	default:
		rn_v_int(c->vs, name, (int)p);
		break;
	}
}

unsigned rn_sys_socket(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	args(c, 0, 2);
	socket_protocol(c, 0, 2);
	return c->sc->nargs;
}

unsigned rn_sys_socketpair(struct rn_dctx *c, unsigned from)
{
	if (from >= c->sc->nargs)
		return from; /* nothing left for the exit */
	if (from) {
		rn_dec_arg(c, 3);
		return from;
	}
	args(c, 0, 2);
	/* unlike socket's, strace shows socketpair's protocol as a number */
	rn_v_int(c->vs, c->sc->args[2].name, (int)arg(c, 2));
	return 3;
}

/* An option name by level. */
static void sockopt_name(struct rn_dctx *c, int getting)
{
	int level = (int)arg(c, 1);
	uint64_t opt = (uint32_t)arg(c, 2);
	const char *name = c->sc->args[2].name;
	const struct rn_flag_table *t = NULL;
	switch (level) {
	case SOL_SOCKET:
		if (getting && opt == SO_GET_FILTER) {
			rn_v_name(c->vs, name, "SO_GET_FILTER");
			return;
		}
		t = &rn_flags_sockopt_socket;
		break;
	case SOL_IP: t = &rn_flags_sockopt_ip; break;
	case SOL_TCP: t = &rn_flags_sockopt_tcp; break;
	case SOL_IPV6: t = &rn_flags_sockopt_ipv6; break;
	case SOL_UDP: t = &rn_flags_sockopt_udp; break;
	case SOL_NETLINK: t = &rn_flags_sockopt_netlink; break;
	case SOL_PACKET: t = &rn_flags_sockopt_packet; break;
	default: break;
	}
	if (t)
		flags(c, name, t, opt);
	else
		rn_v_int(c->vs, name, (int)opt);
}

/* An option of these levels with a 4-byte value is an int: [1]. */
static int int_sockopt(int level, uint64_t len)
{
	return len == 4 && (level == SOL_SOCKET || level == SOL_IP || level == SOL_TCP ||
			    level == SOL_IPV6 || level == SOL_UDP);
}

/* The SOL_SOCKET options strace sets as an int whatever the length: at
 * least 4 bytes show [N] (the first int), fewer the address. */
static int socket_int_option(unsigned opt)
{
	switch (opt) {
	case SO_DEBUG: case SO_REUSEADDR: case SO_DONTROUTE: case SO_BROADCAST:
	case SO_SNDBUF: case SO_RCVBUF: case SO_KEEPALIVE: case SO_OOBINLINE:
	case SO_NO_CHECK: case SO_PRIORITY: case SO_REUSEPORT: case SO_PASSCRED:
	case SO_RCVLOWAT: case SO_SNDLOWAT: case SO_SNDBUFFORCE: case SO_RCVBUFFORCE:
	case SO_MARK: case SO_TIMESTAMP_OLD: case SO_ZEROCOPY: case SO_INCOMING_CPU:
	case SO_BUSY_POLL: case SO_PASSSEC: case SO_PEEK_OFF:
		return 1;
	default:
		return 0;
	}
}

/* struct linger of len bytes: {l_onoff=1, l_linger=5}, {l_onoff=1} when
 * only the first int is there. */
static int linger_ptr(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len)
{
	int32_t l[2];
	size_t n = len >= sizeof(l) ? sizeof(l) : len >= 4 ? 4 : 0;
	if (n == 0 || rn_mem_read(c->tid, addr, l, n) < 0)
		return -1;
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_v_int(c->vs, "l_onoff", l[0]);
	if (n == sizeof(l))
		rn_v_int(c->vs, "l_linger", l[1]);
	rn_v_close(c->vs, s);
	return 0;
}

unsigned rn_sys_setsockopt(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	int level = (int)arg(c, 1);
	unsigned opt = (unsigned)arg(c, 2);
	uint64_t len = (uint32_t)arg(c, 4);
	const char *an = c->sc->args[3].name;
	args(c, 0, 2);
	sockopt_name(c, 0);
	if (arg(c, 3) == 0) {
		rn_v_ptr(c->vs, an, 0);
	} else if (level == SOL_SOCKET && opt == SO_LINGER) {
		if (len < 8 || linger_ptr(c, an, arg(c, 3), len) < 0)
			rn_v_ptr(c->vs, an, arg(c, 3));
	} else if (level == SOL_SOCKET && socket_int_option(opt)) {
		if (len >= 4)
			du_int_at(c, an, arg(c, 3));
		else
			rn_v_ptr(c->vs, an, arg(c, 3));
	} else if (level == SOL_SOCKET && (opt == SO_ATTACH_FILTER ||
					   opt == SO_ATTACH_REUSEPORT_CBPF)) {
		rn_v_ptr(c->vs, an, arg(c, 3)); /* struct sock_fprog: not decoded */
	} else if (int_sockopt(level, len)) {
		du_int_at(c, an, arg(c, 3));
	} else {
		rn_dec_arg(c, 3);
	}
	rn_dec_arg(c, 4);
	return c->sc->nargs;
}

/* getsockopt's value, as long as the kernel says it is: an int for 4
 * bytes, a few structs, else the bytes. */
static void getsockopt_value(struct rn_dctx *c)
{
	int level = (int)arg(c, 1);
	unsigned opt = (unsigned)arg(c, 2);
	const char *an = c->sc->args[3].name;
	uint64_t addr = arg(c, 3);
	int32_t len;
	if (failed(c) || addr == 0 || arg(c, 4) == 0 ||
	    rn_mem_read(c->tid, arg(c, 4), &len, sizeof(len)) < 0 || len <= 0) {
		rn_v_ptr(c->vs, an, addr);
		return;
	}
	if (level == SOL_SOCKET && opt == SO_LINGER && len >= 4) {
		if (linger_ptr(c, an, addr, (uint64_t)len) < 0)
			rn_v_ptr(c->vs, an, addr);
		return;
	}
	if (level == SOL_SOCKET && opt == SO_PEERCRED && len >= 12) {
		static const char *const f[] = { "pid", "uid", "gid" };
		int32_t cr[3];
		if (rn_mem_read(c->tid, addr, cr, sizeof(cr)) < 0) {
			rn_v_ptr(c->vs, an, addr);
			return;
		}
		int64_t v[3] = { cr[0], cr[1], cr[2] };
		du_int_fields(c->vs, an, f, v, 3, 1);
		return;
	}
	if (int_sockopt(level, (uint64_t)len))
		du_int_at(c, an, addr);
	else
		rn_dec_buffer(c, an, addr, (uint64_t)len);
}

unsigned rn_sys_getsockopt(struct rn_dctx *c, unsigned from)
{
	if (from >= c->sc->nargs)
		return from; /* nothing left for the exit */
	if (from) {
		getsockopt_value(c);
		rn_dec_arg(c, 4);
		return from;
	}
	args(c, 0, 2);
	sockopt_name(c, 1);
	return 3;
}

/* ---- misc --------------------------------------------------------------- */

/* kcmp: with KCMP_FILE the indices are descriptors, which -y names as the
 * caller's own, as strace 6.1 does (whichever process each belongs to). */
unsigned rn_sys_kcmp(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	args(c, 0, 3);
	if (arg(c, 2) == 0) { /* KCMP_FILE */
		rn_v_fd(c->vs, c->sc->args[3].name, (int)arg(c, 3));
		rn_v_fd(c->vs, c->sc->args[4].name, (int)arg(c, 4));
	} else {
		args(c, 3, 5);
	}
	return c->sc->nargs;
}

/* waitid: with P_PIDFD the id is a descriptor, which -y names:
 * waitid(P_PIDFD, 5<anon_inode:[pidfd]>, ...). */
unsigned rn_sys_waitid(struct rn_dctx *c, unsigned from)
{
	if (from) {
		args(c, from, c->sc->nargs);
		return c->sc->nargs;
	}
	rn_dec_arg(c, 0);
	if ((int)arg(c, 0) == 3) /* P_PIDFD */
		rn_v_fd(c->vs, c->sc->args[1].name, (int)arg(c, 1));
	else
		rn_dec_arg(c, 1);
	return 2;
}

/* getrandom's bytes are shown in hex. */
unsigned rn_sys_getrandom(struct rn_dctx *c, unsigned from)
{
	if (c->exit == NULL)
		return 0;
	uint32_t node = c->vs->n;
	rn_dec_arg(c, 0);
	if (c->vs->v[node].kind == RN_V_STR)
		c->vs->v[node].flags |= RN_VF_HEX;
	args(c, 1, 3);
	return from;
}

/* getcwd: the directory as a path (the kernel counts its NUL). */
unsigned rn_sys_getcwd(struct rn_dctx *c, unsigned from)
{
	if (c->exit == NULL)
		return 0;
	const char *name = c->sc->args[0].name;
	int64_t r = c->exit->ret;
	char buf[4097];
	long n = -1;
	if (!failed(c) && r > 0 && r <= (int64_t)sizeof(buf))
		n = rn_mem_read_str(c->tid, arg(c, 0), buf, (size_t)r - 1);
	if (n < 0)
		rn_v_ptr(c->vs, name, arg(c, 0));
	else
		rn_v_str(c->vs, name, buf, (size_t)n > (size_t)r - 1 ? (size_t)r - 1 : (size_t)n,
			 RN_VF_PATH);
	rn_dec_arg(c, 1);
	return from;
}

/* preadv2, pwritev2: strace shows the offset once (pos_h is not shown). */
unsigned rn_sys_preadv2(struct rn_dctx *c, unsigned from)
{
	if (c->exit == NULL) {
		rn_dec_arg(c, 0);
		return 1;
	}
	if (from >= c->sc->nargs)
		return from;
	args(c, 1, 4);
	rn_dec_arg(c, 5);
	return from;
}

unsigned rn_sys_pwritev2(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	args(c, 0, 4);
	rn_dec_arg(c, 5);
	return c->sc->nargs;
}

/* seccomp: the flags are SECCOMP_FILTER_FLAG_* only with
 * SECCOMP_SET_MODE_FILTER, whose argument is a struct sock_fprog;
 * SECCOMP_GET_ACTION_AVAIL's is the action asked about, [SECCOMP_RET_LOG];
 * SECCOMP_GET_NOTIF_SIZES's what the kernel filled in, at exit. */
unsigned rn_sys_seccomp(struct rn_dctx *c, unsigned from)
{
	unsigned op = (unsigned)arg(c, 0);
	const char *an = c->sc->args[2].name;
	if (c->exit) {
		uint16_t sz[3];
		if (from >= c->sc->nargs)
			return from;
		if (failed(c) || rn_mem_read(c->tid, arg(c, 2), sz, sizeof(sz)) < 0) {
			rn_v_ptr(c->vs, an, arg(c, 2));
		} else {
			static const char *const f[] = { "seccomp_notif", "seccomp_notif_resp",
							 "seccomp_data" };
			int64_t v[3] = { sz[0], sz[1], sz[2] };
			du_int_fields(c->vs, an, f, v, 3, 0);
		}
		return from;
	}
	rn_dec_arg(c, 0);
	if (op == SECCOMP_SET_MODE_FILTER)
		rn_dec_arg(c, 1);
	else
		rn_v_hex(c->vs, c->sc->args[1].name, (uint32_t)arg(c, 1));
	struct {
		uint16_t len;
		uint64_t filter;
	} prog;
	uint32_t action;
	if (op == SECCOMP_GET_NOTIF_SIZES && arg(c, 2)) {
		return 2; /* at exit */
	} else if (op == SECCOMP_GET_ACTION_AVAIL && arg(c, 2) &&
		   rn_mem_read(c->tid, arg(c, 2), &action, sizeof(action)) == 0) {
		uint32_t a = rn_v_open(c->vs, an, RN_V_ARRAY);
		flags(c, NULL, &rn_flags_seccomp_ret_action, action);
		rn_v_close(c->vs, a);
	} else if (op == SECCOMP_SET_MODE_FILTER && arg(c, 2) &&
		   rn_mem_read(c->tid, arg(c, 2), &prog, sizeof(prog)) == 0) {
		uint32_t s = rn_v_open(c->vs, an, RN_V_STRUCT);
		rn_v_uint(c->vs, "len", prog.len);
		rn_v_ptr(c->vs, "filter", prog.filter);
		rn_v_close(c->vs, s);
	} else {
		rn_v_ptr(c->vs, an, arg(c, 2));
	}
	return c->sc->nargs;
}

/* ---- signals ------------------------------------------------------------ */

/* The stack pointer of a tracee stopped in a system call, from
 * /proc/TID/syscall ("NR ARG1 ... ARG6 SP PC"); -1 when it cannot be had
 * or the tracee is not in system call nr. */
static int proc_stack_pointer(pid_t tid, long nr, uint64_t *sp)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	long got;
	unsigned long long a[6], s;
	if (!ok || sscanf(line, "%ld %llx %llx %llx %llx %llx %llx %llx", &got, &a[0], &a[1],
			  &a[2], &a[3], &a[4], &a[5], &s) != 8 || got != nr)
		return -1;
	*sp = s;
	return 0;
}

/* rt_sigreturn({mask=[...]}): the signal mask the return from the handler
 * restores.  When the handler has returned, the stack pointer is at the
 * ucontext of the signal frame, whose uc_sigmask is at offset 296 on
 * x86-64 (uc_flags, uc_link, uc_stack, then the 256-byte sigcontext).  The
 * record carries no stack pointer: it comes from /proc/TID/syscall, read
 * while the tracee is held at the entry (the table gives rt_sigreturn a
 * struct_in argument so that it is held).  Unavailable: nothing shown. */
unsigned rn_sys_rt_sigreturn(struct rn_dctx *c, unsigned from)
{
	if (from || c->exit)
		return from;
	uint64_t sp;
	if (proc_stack_pointer(c->tid, (long)c->entry->nr, &sp) < 0)
		return c->sc->nargs;
	uint32_t s = rn_v_open(c->vs, c->sc->args[0].name, RN_V_STRUCT);
	rn_dec_sigset_at(c, "mask", sp + 296, 8);
	rn_v_close(c->vs, s);
	return c->sc->nargs;
}

/* ---- time --------------------------------------------------------------- */

/* time: the seconds written to tloc, then the date after the return value:
 * = 1795650722 (2026-11-25T23:31:35+0000). */
unsigned rn_sys_time(struct rn_dctx *c, unsigned from)
{
	if (!c->exit)
		return 0;
	rn_dec_arg(c, 0);
	if (!failed(c)) {
		char text[64];
		du_time_comment(text, sizeof(text), c->exit->ret, 0, 0);
		if (text[0])
			after_ret(c, rn_v_text(c->vs, NULL, text), NULL);
	}
	return from;
}

/* ---- processes ---------------------------------------------------------- */

/* sched_getscheduler: = 0 (SCHED_OTHER) */
unsigned rn_sys_sched_getscheduler(struct rn_dctx *c, unsigned from)
{
	if (!c->exit) {
		rn_dec_arg(c, 0);
		return c->sc->nargs;
	}
	if (!failed(c)) {
		uint32_t node = c->vs->n;
		flags(c, NULL, &rn_flags_sched_policy, (uint64_t)c->exit->ret);
		after_ret(c, node, NULL);
	}
	return from;
}

/* IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4): the class (bits 13..15), the data */
static void ioprio_text(char *buf, size_t size, uint64_t v)
{
	unsigned cls = (unsigned)(v >> 13) & 0x7, data = (unsigned)v & 0x1fff;
	const char *name = enum_name(&rn_flags_ioprio_class, cls);
	char num[48];
	if (!name) {
		snprintf(num, sizeof(num), "%#x /* IOPRIO_CLASS_??? */", cls);
		name = num;
	}
	snprintf(buf, size, "IOPRIO_PRIO_VALUE(%s, %u)", name, data);
}

unsigned rn_sys_ioprio_set(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	char text[96];
	args(c, 0, 2);
	ioprio_text(text, sizeof(text), (uint32_t)arg(c, 2));
	uint32_t n = rn_v_uint(c->vs, c->sc->args[2].name, (uint32_t)arg(c, 2));
	rn_v_annotate(c->vs, n, RN_VF_EXPR, text);
	return c->sc->nargs;
}

/* ioprio_get: = 16388 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)) */
unsigned rn_sys_ioprio_get(struct rn_dctx *c, unsigned from)
{
	if (!c->exit) {
		args(c, 0, 2);
		return c->sc->nargs;
	}
	if (!failed(c)) {
		char text[96];
		ioprio_text(text, sizeof(text), (uint64_t)c->exit->ret);
		after_ret(c, rn_v_text(c->vs, NULL, text), NULL);
	}
	return from;
}

/* ---- system ------------------------------------------------------------- */

/* A number with its name as a comment: 10 / * SYSLOG_ACTION_SIZE_BUFFER * /. */
static void num_named(struct rn_dctx *c, const char *name, const struct rn_flag_table *t,
		      int64_t v)
{
	const char *s = enum_name(t, (uint64_t)v);
	uint32_t n = rn_v_int(c->vs, name, v);
	rn_v_annotate(c->vs, n, RN_VF_COMMENT, s ? s : t->unknown);
}

/* syslog: the action by number and name; the buffer and its length only
 * for the actions that use them (reads: the bytes read, at exit). */
unsigned rn_sys_syslog(struct rn_dctx *c, unsigned from)
{
	int type = (int)arg(c, 0);
	int reads = type == 2 || type == 3 || type == 4; /* READ, READ_ALL, READ_CLEAR */
	if (c->exit) {
		if (from < c->sc->nargs) {
			args(c, 1, 3);
		}
		return from;
	}
	num_named(c, c->sc->args[0].name, &rn_flags_syslog_action, type);
	switch (type) {
	case 0: case 1: case 5: case 6: case 7: case 9: case 10:
		break; /* CLOSE, OPEN, CLEAR, CONSOLE_OFF/ON, SIZE_UNREAD/BUFFER */
	case 8: /* CONSOLE_LEVEL */
		rn_v_ptr(c->vs, c->sc->args[1].name, arg(c, 1));
		num_named(c, c->sc->args[2].name, &rn_flags_loglevel, (int)arg(c, 2));
		break;
	default:
		if (reads)
			return 1;
		rn_v_ptr(c->vs, c->sc->args[1].name, arg(c, 1));
		rn_dec_arg(c, 2);
		break;
	}
	return c->sc->nargs;
}

/* sethostname, setdomainname: a name longer than the kernel takes (64
 * bytes) is shown as its address. */
static unsigned uts_name_call(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	if ((uint32_t)arg(c, 1) > 64)
		rn_v_ptr(c->vs, c->sc->args[0].name, arg(c, 0));
	else
		rn_dec_arg(c, 0);
	rn_dec_arg(c, 1);
	return c->sc->nargs;
}

RN_SYS_AS(sethostname, uts_name_call)
RN_SYS_AS(setdomainname, uts_name_call)

/* ---- memory ------------------------------------------------------------- */

/* mremap: the new address only with MREMAP_FIXED. */
unsigned rn_sys_mremap(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	for (unsigned i = 0; i < 4; i++)
		rn_dec_arg(c, i);
	if (arg(c, 3) & 2 /* MREMAP_FIXED */)
		rn_dec_arg(c, 4);
	return c->sc->nargs;
}

/* membarrier(cmd, flags[, cpu_id]): the CPU only with
 * MEMBARRIER_CMD_FLAG_CPU; MEMBARRIER_CMD_QUERY returns the commands, in
 * hex with their names. */
unsigned rn_sys_membarrier(struct rn_dctx *c, unsigned from)
{
	if (c->exit) {
		if (arg(c, 0) == 0 && !failed(c)) {
			uint32_t node = c->vs->n;
			c->ret_hex = 1;
			flags(c, NULL, &rn_flags_membarrier_cmds, (uint64_t)c->exit->ret);
			after_ret(c, node, NULL);
		}
		return from;
	}
	args(c, 0, 2);
	if (arg(c, 1) & 1 /* MEMBARRIER_CMD_FLAG_CPU */)
		rn_dec_arg(c, 2);
	return c->sc->nargs;
}

/* ---- processes: clone3 --------------------------------------------------- */

/* clone3: the arguments struct at entry, unless the kernel writes back
 * through it (CLONE_PIDFD, CLONE_PARENT_SETTID): then all at exit, where
 * the struct is followed by what was written, {...} => {pidfd=[3]}. */
unsigned rn_sys_clone3(struct rn_dctx *c, unsigned from)
{
	if (c->exit) {
		if (from == 0) {
			args(c, 0, 2);
		}
		return from;
	}
	uint64_t fl = 0;
	if (arg(c, 1) >= 8 && rn_mem_read(c->tid, arg(c, 0), &fl, sizeof(fl)) == 0 &&
	    (fl & (CLONE_PIDFD | CLONE_PARENT_SETTID)))
		return 0; /* at exit */
	args(c, 0, 2);
	return c->sc->nargs;
}

/* ---- extended attributes ----------------------------------------------- */

/* An attribute's value: its len bytes, less the NUL a string value ends
 * with (strace leaves it out when it shows all of the value). */
static void xattr_value(struct rn_dctx *c, unsigned i, uint64_t len)
{
	uint32_t node = c->vs->n;
	rn_dec_buffer(c, c->sc->args[i].name, arg(c, i), len);
	struct rn_value *v = &c->vs->v[node];
	if (v->kind == RN_V_STR && !(v->flags & RN_VF_TRUNCATED) && v->len &&
	    c->vs->bytes[v->off + v->len - 1] == 0)
		v->len--;
}

/* setxattr, lsetxattr, fsetxattr: (file, name, value, size, flags) */
static unsigned setxattr_call(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	args(c, 0, 2);
	xattr_value(c, 2, arg(c, 3));
	args(c, 3, 5);
	return c->sc->nargs;
}

/* getxattr, lgetxattr, fgetxattr: (file, name, value, size), the value at
 * exit, as long as returned. */
static unsigned getxattr_call(struct rn_dctx *c, unsigned from)
{
	if (!c->exit) {
		args(c, 0, 2);
		return 2;
	}
	if (from >= c->sc->nargs)
		return from;
	if (failed(c) || c->exit->ret < 0)
		rn_v_ptr(c->vs, c->sc->args[2].name, arg(c, 2));
	else
		xattr_value(c, 2, (uint64_t)c->exit->ret);
	rn_dec_arg(c, 3);
	return from;
}

RN_SYS_AS(setxattr, setxattr_call)
RN_SYS_AS(lsetxattr, setxattr_call)
RN_SYS_AS(fsetxattr, setxattr_call)
RN_SYS_AS(getxattr, getxattr_call)
RN_SYS_AS(lgetxattr, getxattr_call)
RN_SYS_AS(fgetxattr, getxattr_call)

/* ---- file systems ------------------------------------------------------- */

/* ustat: the device as makedev(major, minor). */
unsigned rn_sys_ustat(struct rn_dctx *c, unsigned from)
{
	if (c->exit) {
		if (from < c->sc->nargs)
			rn_dec_arg(c, 1);
		return from;
	}
	uint64_t dev = arg(c, 0);
	char text[64];
	snprintf(text, sizeof(text), "makedev(%#x, %#x)", major(dev), minor(dev));
	uint32_t n = rn_v_hex(c->vs, c->sc->args[0].name, dev);
	rn_v_annotate(c->vs, n, RN_VF_EXPR, text);
	return 1;
}

/* mount: the type is ignored (shown as its address) on a remount and a
 * bind, move or propagation change; the data is shown as a string only
 * for a mount that takes options (not a bind, move or propagation
 * change). */
unsigned rn_sys_mount(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	uint64_t fl = arg(c, 3);
	uint64_t no_data = MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
	args(c, 0, 2);
	if (fl & (no_data | MS_REMOUNT))
		rn_v_ptr(c->vs, c->sc->args[2].name, arg(c, 2));
	else
		rn_dec_arg(c, 2);
	rn_dec_arg(c, 3);
	if (fl & no_data)
		rn_v_ptr(c->vs, c->sc->args[4].name, arg(c, 4));
	else
		cstr(c, c->sc->args[4].name, arg(c, 4), (size_t)c->opt->strsize);
	return c->sc->nargs;
}

/* fsconfig: the value as the command says (a string, a path with its
 * directory in aux, bytes counted by aux), the key only for known
 * commands. */
unsigned rn_sys_fsconfig(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	unsigned cmd = (unsigned)arg(c, 1);
	const struct rn_arg_desc *a = c->sc->args;
	args(c, 0, 2);
	if (cmd > 7) {
		rn_v_ptr(c->vs, a[2].name, arg(c, 2));
		args(c, 3, 5);
		return c->sc->nargs;
	}
	rn_dec_arg(c, 2);
	switch (cmd) {
	case 1: /* FSCONFIG_SET_STRING */
		cstr(c, a[3].name, arg(c, 3), (size_t)c->opt->strsize);
		rn_dec_arg(c, 4);
		break;
	case 2: { /* FSCONFIG_SET_BINARY */
		uint32_t node = c->vs->n;
		rn_dec_buffer(c, a[3].name, arg(c, 3), (uint32_t)arg(c, 4));
		if (c->vs->v[node].kind == RN_V_STR)
			c->vs->v[node].flags |= RN_VF_HEX;
		rn_dec_arg(c, 4);
		break;
	}
	case 3: case 4: { /* FSCONFIG_SET_PATH, FSCONFIG_SET_PATH_EMPTY */
		char path[4096];
		long n = arg(c, 3) ? rn_mem_read_str(c->tid, arg(c, 3), path, sizeof(path) - 1) : -1;
		if (n < 0)
			rn_v_ptr(c->vs, a[3].name, arg(c, 3));
		else
			rn_v_str(c->vs, a[3].name, path, (size_t)n < sizeof(path) ? (size_t)n
					: sizeof(path) - 1, RN_VF_PATH);
		rn_v_dirfd(c->vs, a[4].name, (int)arg(c, 4));
		break;
	}
	default:
		args(c, 3, 5);
		break;
	}
	return c->sc->nargs;
}

/* ---- ptrace ------------------------------------------------------------- */

/* The x86-64 user_regs_struct, in order: PTRACE_PEEKUSER's offsets. */
static const char *const user_regs[] = {
	"R15", "R14", "R13", "R12", "RBP", "RBX", "R11", "R10", "R9", "R8", "RAX", "RCX", "RDX",
	"RSI", "RDI", "ORIG_RAX", "RIP", "CS", "EFLAGS", "RSP", "SS", "FS_BASE", "GS_BASE",
	"DS", "ES", "FS", "GS",
};

/* ptrace: PTRACE_TRACEME alone; the signal of the requests that resume;
 * the register of PTRACE_PEEKUSER/POKEUSER; the rest as the table says. */
unsigned rn_sys_ptrace(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	long req = (long)arg(c, 0);
	const struct rn_arg_desc *a = c->sc->args;
	rn_dec_arg(c, 0);
	if (req == 0 /* PTRACE_TRACEME */)
		return c->sc->nargs;
	rn_dec_arg(c, 1);
	uint64_t off = arg(c, 2);
	if ((req == 3 || req == 6) && off % 8 == 0 && off / 8 < DU_COUNT(user_regs)) {
		char text[32];
		snprintf(text, sizeof(text), "8*%s", user_regs[off / 8]);
		du_expr(c->vs, a[2].name, off, text);
	} else {
		rn_dec_arg(c, 2);
	}
	switch (req) {
	case 7: case 9: case 17: case 24: case 31: case 32: case 33:
		/* CONT, SINGLESTEP, DETACH, SYSCALL, SYSEMU(_SINGLESTEP),
		 * SINGLEBLOCK: the signal to deliver */
		rn_dec_signal(c->vs, a[3].name, (int)arg(c, 3));
		break;
	case 1: case 2: case 3:
		/* PEEKTEXT, PEEKDATA, PEEKUSER: where the word goes */
		rn_v_ptr(c->vs, a[3].name, arg(c, 3));
		break;
	default:
		rn_dec_arg(c, 3);
		break;
	}
	return c->sc->nargs;
}

/* ---- clocks ------------------------------------------------------------- */

/* adjtimex, clock_adjtime: the timex at exit, the clock's state after the
 * return value: = 5 (TIME_ERROR). */
static unsigned adjtime_call(struct rn_dctx *c, unsigned from, unsigned ti)
{
	if (!c->exit) {
		args(c, 0, ti);
		return ti;
	}
	if (from < c->sc->nargs)
		rn_dec_arg(c, ti);
	const char *state = failed(c) ? NULL : enum_name(&rn_flags_adjtimex_state,
							  (uint64_t)c->exit->ret);
	if (state)
		after_ret(c, rn_v_name(c->vs, NULL, state), NULL);
	return from;
}

RN_SYS_WITH(adjtimex, adjtime_call, 0)
RN_SYS_WITH(clock_adjtime, adjtime_call, 1)

/* reboot: the magic numbers and the command; the argument only for
 * LINUX_REBOOT_CMD_RESTART2 (a command line). */
unsigned rn_sys_reboot(struct rn_dctx *c, unsigned from)
{
	if (from)
		return from;
	for (unsigned i = 0; i < 3; i++)
		flags(c, c->sc->args[i].name, i < 2 ? &rn_flags_reboot_magic : &rn_flags_reboot_cmd,
		      (uint32_t)arg(c, i));
	if ((uint32_t)arg(c, 2) == 0xA1B2C3D4u)
		cstr(c, c->sc->args[3].name, arg(c, 3), (size_t)c->opt->strsize);
	return c->sc->nargs;
}
