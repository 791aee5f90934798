/*
 * text.c - strace's text for one syscall, signal or process event
 * (see include/renacer/text.h).
 *
 * Each argument is printed by its type from the syscall table. Types whose
 * decoder does not exist yet (flags, enums, structs) are printed raw, in
 * hex or as an address: never guessed.
 */
#define _GNU_SOURCE
#include "renacer/text.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "renacer/mem.h"
#include "renacer/names.h"
#include "renacer/quote.h"

#define AT_FDCWD_VALUE (-100)

const char *rn_text_syscall_name(long nr, char *scratch)
{
	const struct rn_syscall *sc = rn_syscall_get(nr);
	if (sc && sc->name)
		return sc->name;
	snprintf(scratch, 32, "syscall_%#lx", (unsigned long)nr);
	return scratch;
}

static void put_hex(struct rn_sbuf *b, uint64_t v)
{
	if (v == 0)
		rn_sbuf_putc(b, '0');
	else
		rn_sbuf_printf(b, "%#llx", (unsigned long long)v);
}

static void put_ptr(struct rn_sbuf *b, uint64_t v)
{
	if (v == 0)
		rn_sbuf_puts(b, "NULL");
	else
		rn_sbuf_printf(b, "%#llx", (unsigned long long)v);
}

/* A C string at addr: whole for paths (strace prints paths up to PATH_MAX),
 * cut at -s for other strings. Unreadable: the address. */
static void put_cstring(struct rn_sbuf *b, const struct rn_options *opt, pid_t tid,
			uint64_t addr, size_t max)
{
	char *buf = malloc(max + 1);
	long n = buf ? rn_mem_read_str(tid, addr, buf, max) : -1;
	if (n < 0) {
		put_ptr(b, addr);
	} else if ((size_t)n > max) {
		rn_quote(b, (const unsigned char *)buf, max, opt->quote_flags, 1);
	} else {
		rn_quote(b, (const unsigned char *)buf, (size_t)n, opt->quote_flags, 0);
	}
	free(buf);
}

/* A byte buffer of len bytes, shown up to -s bytes. */
static void put_buffer(struct rn_sbuf *b, const struct rn_options *opt, pid_t tid,
		       uint64_t addr, uint64_t len)
{
	size_t show = len < (uint64_t)opt->strsize ? (size_t)len : (size_t)opt->strsize;
	unsigned char *buf = malloc(show ? show : 1);
	if (!buf || rn_mem_read(tid, addr, buf, show) < 0) {
		put_ptr(b, addr);
	} else {
		rn_quote(b, buf, show, opt->quote_flags, len > show);
	}
	free(buf);
}

/* execve's argv: ["a", "b", ...], at most -s elements as strace. */
static void put_argv(struct rn_sbuf *b, const struct rn_options *opt, pid_t tid, uint64_t addr)
{
	if (addr == 0) {
		rn_sbuf_puts(b, "NULL");
		return;
	}
	rn_sbuf_putc(b, '[');
	for (int i = 0;; i++) {
		uint64_t p;
		if (rn_mem_read(tid, addr + 8u * (uint64_t)i, &p, sizeof(p)) < 0) {
			if (i == 0) {
				b->len--; /* drop '[' */
				put_ptr(b, addr);
				return;
			}
			rn_sbuf_puts(b, ", ...");
			break;
		}
		if (p == 0)
			break;
		if (i > 0)
			rn_sbuf_puts(b, ", ");
		if (i >= opt->strsize) {
			rn_sbuf_puts(b, "...");
			break;
		}
		put_cstring(b, opt, tid, p, (size_t)opt->strsize);
	}
	rn_sbuf_putc(b, ']');
}

/* execve's envp: the address and "/ * N vars * /", as strace by default. */
static void put_envp(struct rn_sbuf *b, pid_t tid, uint64_t addr)
{
	put_ptr(b, addr);
	if (addr == 0)
		return;
	unsigned long n = 0;
	uint64_t chunk[64];
	for (;;) {
		if (rn_mem_read(tid, addr + 8u * n, chunk, sizeof(chunk)) < 0) {
			/* near the end of a mapping: fall back to one at a time */
			uint64_t p;
			while (rn_mem_read(tid, addr + 8u * n, &p, sizeof(p)) == 0 && p)
				n++;
			break;
		}
		size_t i = 0;
		while (i < 64 && chunk[i])
			i++;
		n += i;
		if (i < 64)
			break;
	}
	rn_sbuf_printf(b, " /* %lu var%s */", n, n == 1 ? "" : "s");
}

static void put_signal(struct rn_sbuf *b, int sig)
{
	const char *name = rn_signal_name(sig);
	if (name)
		rn_sbuf_puts(b, name);
	else
		rn_sbuf_printf(b, "%d", sig);
}

static void put_arg(struct rn_sbuf *b, const struct rn_options *opt, const struct rn_syscall *sc,
		    unsigned idx, const struct rn_record *entry, const struct rn_record *exit)
{
	const struct rn_arg_desc *a = &sc->args[idx];
	uint64_t v = entry->args[idx];
	pid_t tid = entry->tid;

	switch (a->type) {
	case RN_T_INT:
	case RN_T_FD:
	case RN_T_PID:
		rn_sbuf_printf(b, "%d", (int)v);
		break;
	case RN_T_LONG:
		rn_sbuf_printf(b, "%lld", (long long)v);
		break;
	case RN_T_UINT:
		rn_sbuf_printf(b, "%u", (unsigned)v);
		break;
	case RN_T_ULONG:
		rn_sbuf_printf(b, "%llu", (unsigned long long)v);
		break;
	case RN_T_DIRFD:
		if ((int)v == AT_FDCWD_VALUE)
			rn_sbuf_puts(b, "AT_FDCWD");
		else
			rn_sbuf_printf(b, "%d", (int)v);
		break;
	case RN_T_OCTAL:
		rn_sbuf_printf(b, "%#03llo", (unsigned long long)v);
		break;
	case RN_T_PATH:
		put_cstring(b, opt, tid, v, PATH_MAX);
		break;
	case RN_T_STR:
		put_cstring(b, opt, tid, v, (size_t)opt->strsize);
		break;
	case RN_T_IBUF:
		if (a->len_arg >= 0)
			put_buffer(b, opt, tid, v, entry->args[a->len_arg]);
		else
			put_ptr(b, v);
		break;
	case RN_T_OBUF:
		if (exit && !(exit->flags & RN_REC_ERROR) && exit->ret >= 0)
			put_buffer(b, opt, tid, v, (uint64_t)exit->ret);
		else
			put_ptr(b, v);
		break;
	case RN_T_ARGV:
		put_argv(b, opt, tid, v);
		break;
	case RN_T_ENVP:
		put_envp(b, tid, v);
		break;
	case RN_T_SIGNAL:
		put_signal(b, (int)v);
		break;
	case RN_T_PTR:
	case RN_T_STRUCT_IN:
	case RN_T_STRUCT_OUT:
		put_ptr(b, v);
		break;
	default: /* RN_T_HEX, and flags/enums until their decoders exist */
		put_hex(b, v);
		break;
	}
}

static int read_at_exit(const struct rn_arg_desc *a)
{
	return a->type == RN_T_OBUF || a->type == RN_T_STRUCT_OUT;
}

unsigned rn_text_entry(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_record *entry, const char *name)
{
	const struct rn_syscall *sc = rn_syscall_get(entry->nr);
	rn_sbuf_puts(b, name);
	rn_sbuf_putc(b, '(');
	if (!sc || !sc->name) {
		/* Unknown syscall: all six arguments raw, as strace. */
		for (unsigned i = 0; i < 6; i++) {
			if (i)
				rn_sbuf_puts(b, ", ");
			put_hex(b, entry->args[i]);
		}
		return 6;
	}
	unsigned i;
	for (i = 0; i < sc->nargs; i++) {
		if (read_at_exit(&sc->args[i]))
			break;
		if (i)
			rn_sbuf_puts(b, ", ");
		put_arg(b, opt, sc, i, entry, NULL);
	}
	if (i < sc->nargs && i > 0)
		rn_sbuf_puts(b, ", ");
	return i;
}

void rn_text_exit_args(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_record *entry, unsigned from,
		       const struct rn_record *exit)
{
	const struct rn_syscall *sc = rn_syscall_get(entry->nr);
	if (sc && sc->name) {
		for (unsigned i = from; i < sc->nargs; i++) {
			if (i > from)
				rn_sbuf_puts(b, ", ");
			put_arg(b, opt, sc, i, entry, exit);
		}
	}
	rn_sbuf_putc(b, ')');
}

/* The errnos the kernel restarts: strace shows "?" rather than -1. */
static int is_restart_errno(long err)
{
	return err == 512 || err == 513 || err == 514 || err == 516;
}

void rn_text_result(struct rn_sbuf *b, const struct rn_record *exit)
{
	const struct rn_syscall *sc = rn_syscall_get(exit->nr);
	int ret_type = sc && sc->name ? sc->ret_type : RN_T_LONG;

	if (exit->flags & RN_REC_ERROR) {
		long err = -exit->ret;
		const char *name = rn_errno_name((int)err);
		const char *msg = rn_errno_message((int)err);
		rn_sbuf_puts(b, is_restart_errno(err) ? "= ? " : "= -1 ");
		if (name)
			rn_sbuf_puts(b, name);
		else
			rn_sbuf_printf(b, "E??? (errno %ld)", err);
		if (name && msg)
			rn_sbuf_printf(b, " (%s)", msg);
		return;
	}
	switch (ret_type) {
	case RN_T_NONE:
		rn_sbuf_puts(b, "= ?");
		break;
	case RN_T_HEX:
	case RN_T_PTR:
		rn_sbuf_puts(b, "= ");
		put_hex(b, (uint64_t)exit->ret);
		break;
	case RN_T_ULONG:
		rn_sbuf_printf(b, "= %llu", (unsigned long long)exit->ret);
		break;
	default:
		rn_sbuf_printf(b, "= %lld", (long long)exit->ret);
		break;
	}
}

/* ---- signals --------------------------------------------------------- */

/* The siginfo_t the tracer copied: its first 48 bytes. */
struct flat_siginfo {
	int32_t signo;
	int32_t err;
	int32_t code;
	int32_t pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { int32_t pid; uint32_t uid; int32_t status; int32_t pad;
			 int64_t utime; int64_t stime; } chld;
		struct { uint64_t addr; } fault;
		struct { int32_t pid; uint32_t uid; uint64_t value; } rt;
	} u;
};
_Static_assert(sizeof(struct flat_siginfo) == 48, "flat siginfo is 48 bytes");

static void put_sicode(struct rn_sbuf *b, int sig, int code)
{
	const char *name = rn_sicode_name(sig, code);
	if (name)
		rn_sbuf_puts(b, name);
	else
		rn_sbuf_printf(b, "%d", code);
}

void rn_text_signal(struct rn_sbuf *b, const struct rn_record *rec)
{
	struct flat_siginfo si;
	memcpy(&si, rec->args, sizeof(si));

	rn_sbuf_puts(b, "--- ");
	put_signal(b, si.signo);
	rn_sbuf_puts(b, " {si_signo=");
	put_signal(b, si.signo);
	rn_sbuf_puts(b, ", si_code=");
	put_sicode(b, si.signo, si.code);
	if (si.code <= 0) {
		/* sent by a process: kill, tkill, sigqueue */
		rn_sbuf_printf(b, ", si_pid=%d, si_uid=%u", si.u.kill.pid, si.u.kill.uid);
		if (si.code == -1 /* SI_QUEUE */)
			rn_sbuf_printf(b, ", si_int=%d, si_ptr=%#llx", (int)si.u.rt.value,
				       (unsigned long long)si.u.rt.value);
	} else if (si.signo == SIGCHLD && si.code != 0x80) {
		rn_sbuf_printf(b, ", si_pid=%d, si_uid=%u, si_status=", si.u.chld.pid,
			       si.u.chld.uid);
		if (si.code == 1 /* CLD_EXITED */)
			rn_sbuf_printf(b, "%d", si.u.chld.status);
		else
			put_signal(b, si.u.chld.status);
		rn_sbuf_printf(b, ", si_utime=%lld, si_stime=%lld", (long long)si.u.chld.utime,
			       (long long)si.u.chld.stime);
	} else if (si.signo == SIGSEGV || si.signo == SIGBUS || si.signo == SIGILL ||
		   si.signo == SIGFPE) {
		rn_sbuf_puts(b, ", si_addr=");
		put_ptr(b, si.u.fault.addr);
	}
	rn_sbuf_puts(b, "} ---");
}
