/*
 * dec_signal.c - struct decoders of signals: sigset, sigaction, siginfo,
 * stack_t, sigevent, pselect6's sigmask pair.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/dec_util.h"
#include "flags_tables.h"
#include "decode/dec_structs.h"
#include "base/names.h"

#define NSIG_BYTES 8

/* ---- sigset --------------------------------------------------------------- */

void rn_dec_sigset_at(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t size)
{
	unsigned char buf[NSIG_BYTES];
	if (size != NSIG_BYTES || du_read(c, addr, buf, sizeof(buf)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	du_sigset_val(c->vs, name, buf, sizeof(buf));
}

/* The size comes from the call's sigsetsize (or signalfd's sizemask). */
void rn_dec_sigset(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const char *const size_args[] = { "sigsetsize", "sizemask", "argsz" };
	uint64_t size = NSIG_BYTES;
	for (size_t i = 0; i < DU_COUNT(size_args); i++) {
		int k = du_argidx(c, size_args[i]);
		if (k >= 0) {
			size = du_arg(c, (unsigned)k);
			break;
		}
	}
	rn_dec_sigset_at(c, du_argname(c, argi), raw, size);
}

/* pselect6's sixth argument: {sigmask=[...], sigsetsize=8} */
void rn_dec_pselect6_sigmask(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	uint64_t d[2];
	if (du_read(c, raw, d, sizeof(d)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	if (d[0])
		rn_dec_sigset_at(c, "sigmask", d[0], d[1]);
	else
		rn_v_ptr(c->vs, "sigmask", 0);
	rn_v_uint(c->vs, "sigsetsize", d[1]);
	rn_v_close(c->vs, s);
}

/* ---- sigaction --------------------------------------------------------------- */

void rn_dec_sigaction_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	/* the kernel's struct sigaction on x86-64 */
	struct {
		uint64_t handler, flags, restorer;
		unsigned char mask[NSIG_BYTES];
	} sa;
	if (du_read(c, addr, &sa, sizeof(sa)) < 0) {
		rn_v_ptr(c->vs, name, addr);
		return;
	}
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	if (sa.handler == 0)
		rn_v_name(vs, "sa_handler", "SIG_DFL");
	else if (sa.handler == 1)
		rn_v_name(vs, "sa_handler", "SIG_IGN");
	else if (sa.handler == UINT64_MAX)
		rn_v_name(vs, "sa_handler", "SIG_ERR");
	else
		rn_v_ptr(vs, "sa_handler", sa.handler);
	du_sigset_val(vs, "sa_mask", sa.mask, sizeof(sa.mask));
	rn_dec_flags(vs, "sa_flags", &rn_flags_sa_flags, sa.flags);
	if (sa.flags & 0x04000000)
		rn_v_ptr(vs, "sa_restorer", sa.restorer);
	rn_v_close(vs, s);
}

void rn_dec_sigaction(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	rn_dec_sigaction_at(c, du_argname(c, argi), raw);
}

/* ---- siginfo ------------------------------------------------------------------ */

/* si_utime=150 / * 1.50 s * / (clock ticks of 1/100 s) */
static void clock_field(struct rn_values *vs, const char *name, int64_t ticks)
{
	uint32_t k = rn_v_int(vs, name, ticks);
	if (ticks > 0) {
		char text[48];
		snprintf(text, sizeof(text), "%" PRId64 ".%02" PRId64 " s", ticks / 100, ticks % 100);
		rn_v_annotate(vs, k, RN_VF_COMMENT, text);
	}
}

static void sigval_fields(struct rn_values *vs, uint64_t sv)
{
	rn_v_int(vs, "si_int", (int32_t)sv);
	rn_v_ptr(vs, "si_ptr", sv);
}

#define AUDIT_ARCH_X86_64_VALUE 0xc000003eu
#define AUDIT_ARCH_I386_VALUE 0x40000003u

void rn_dec_siginfo_value(struct rn_values *vs, const char *name, const void *raw128)
{
	const unsigned char *b = raw128;
	int32_t signo, err, code;
	memcpy(&signo, b, 4);
	memcpy(&err, b + 4, 4);
	memcpy(&code, b + 8, 4);
#define FIELD(type, off) ({ type v_; memcpy(&v_, b + (off), sizeof(v_)); v_; })
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	if (signo == 0) {
		rn_v_close(vs, s); /* strace: {} */
		return;
	}
	rn_dec_signal(vs, "si_signo", signo);
	const char *cn = rn_sicode_name(signo, code);
	if (cn)
		rn_v_name(vs, "si_code", cn);
	else
		rn_v_hex(vs, "si_code", (uint32_t)code);
	if (err) {
		const char *en = rn_errno_name(err);
		if (en)
			rn_v_name(vs, "si_errno", en);
		else
			rn_v_int(vs, "si_errno", err);
	}
	if (code <= 0) {
		/* from a process */
		switch (code) {
		case 0:  /* SI_USER */
		case -6: /* SI_TKILL */
			rn_v_int(vs, "si_pid", FIELD(int32_t, 16));
			rn_v_uint(vs, "si_uid", FIELD(uint32_t, 20));
			break;
		case -2: /* SI_TIMER */
			rn_v_hex(vs, "si_timerid", FIELD(uint32_t, 16));
			rn_v_int(vs, "si_overrun", FIELD(int32_t, 20));
			sigval_fields(vs, FIELD(uint64_t, 24));
			break;
		case -5: /* SI_SIGIO */
			rn_v_int(vs, "si_band", FIELD(int64_t, 16));
			rn_v_int(vs, "si_fd", FIELD(int32_t, 24));
			break;
		default:
			/* SI_QUEUE, SI_MESGQ, SI_ASYNCIO...: the value when set */
			rn_v_int(vs, "si_pid", FIELD(int32_t, 16));
			rn_v_uint(vs, "si_uid", FIELD(uint32_t, 20));
			if (FIELD(uint64_t, 24))
				sigval_fields(vs, FIELD(uint64_t, 24));
			break;
		}
		rn_v_close(vs, s);
		return;
	}
	switch (signo) {
	case 17: /* SIGCHLD */
		rn_v_int(vs, "si_pid", FIELD(int32_t, 16));
		rn_v_uint(vs, "si_uid", FIELD(uint32_t, 20));
		if (code == 1 /* CLD_EXITED */)
			rn_v_int(vs, "si_status", FIELD(int32_t, 24));
		else
			rn_dec_signal(vs, "si_status", FIELD(int32_t, 24));
		clock_field(vs, "si_utime", FIELD(int64_t, 32));
		clock_field(vs, "si_stime", FIELD(int64_t, 40));
		break;
	case 4:  /* SIGILL */
	case 8:  /* SIGFPE */
	case 11: /* SIGSEGV */
	case 7:  /* SIGBUS */
		rn_v_ptr(vs, "si_addr", FIELD(uint64_t, 16));
		if (signo == 11 && code == 3 /* SEGV_BNDERR */) {
			rn_v_ptr(vs, "si_lower", FIELD(uint64_t, 32));
			rn_v_ptr(vs, "si_upper", FIELD(uint64_t, 40));
		} else if (signo == 11 && code == 4 /* SEGV_PKUERR */) {
			rn_v_uint(vs, "si_pkey", FIELD(uint32_t, 32));
		} else if (signo == 7 && (code == 4 || code == 5) /* BUS_MCEERR_* */) {
			rn_v_int(vs, "si_addr_lsb", FIELD(int16_t, 24));
		}
		break;
	case 29: /* SIGIO */
		rn_v_int(vs, "si_band", FIELD(int64_t, 16));
		rn_v_int(vs, "si_fd", FIELD(int32_t, 24));
		break;
	case 5: /* SIGTRAP */
		rn_v_ptr(vs, "si_addr", FIELD(uint64_t, 16));
		break;
	case 31: { /* SIGSYS */
		rn_v_ptr(vs, "si_call_addr", FIELD(uint64_t, 16));
		int32_t nr = FIELD(int32_t, 24);
		uint32_t arch = FIELD(uint32_t, 28);
		const struct rn_syscall *sc =
			arch == AUDIT_ARCH_X86_64_VALUE ? rn_syscall_get(nr) : NULL;
		if (sc) {
			char text[80];
			snprintf(text, sizeof(text), "__NR_%s", sc->name);
			uint32_t k = rn_v_int(vs, "si_syscall", nr);
			rn_v_annotate(vs, k, RN_VF_EXPR, text);
		} else {
			rn_v_int(vs, "si_syscall", nr);
		}
		if (arch == AUDIT_ARCH_X86_64_VALUE)
			rn_v_name(vs, "si_arch", "AUDIT_ARCH_X86_64");
		else if (arch == AUDIT_ARCH_I386_VALUE)
			rn_v_name(vs, "si_arch", "AUDIT_ARCH_I386");
		else
			rn_v_hex(vs, "si_arch", arch);
		break;
	}
	default:
		/* from the kernel (SI_KERNEL, ...): the sender and the value
		 * only when there are some */
		if (FIELD(int32_t, 16) || FIELD(uint32_t, 20)) {
			rn_v_int(vs, "si_pid", FIELD(int32_t, 16));
			rn_v_uint(vs, "si_uid", FIELD(uint32_t, 20));
		}
		if (FIELD(uint64_t, 24))
			sigval_fields(vs, FIELD(uint64_t, 24));
		break;
	}
#undef FIELD
	rn_v_close(vs, s);
}

void rn_dec_siginfo_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	unsigned char b[128];
	if (du_read(c, addr, b, sizeof(b)) < 0)
		rn_v_ptr(c->vs, name, addr);
	else
		rn_dec_siginfo_value(c->vs, name, b);
}

void rn_dec_siginfo(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	rn_dec_siginfo_at(c, du_argname(c, argi), raw);
}

/* ---- stack_t ---------------------------------------------------------------------- */

void rn_dec_stack_t(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const struct rn_flag ss_flags[] = {
		{ 1, "SS_ONSTACK" }, { 2, "SS_DISABLE" }, { 1u << 31, "SS_AUTODISARM" },
	};
	const char *name = du_argname(c, argi);
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss;
	if (du_read(c, raw, &ss, sizeof(ss)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_v_ptr(c->vs, "ss_sp", ss.sp);
	du_flags(c->vs, "ss_flags", ss_flags, DU_COUNT(ss_flags), NULL, (uint32_t)ss.flags);
	rn_v_uint(c->vs, "ss_size", ss.size);
	rn_v_close(c->vs, s);
}

/* ---- sigevent ------------------------------------------------------------------------ */

void rn_dec_sigevent(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	static const struct rn_flag notify[] = {
		{ 0, "SIGEV_SIGNAL" }, { 1, "SIGEV_NONE" }, { 2, "SIGEV_THREAD" },
		{ 4, "SIGEV_THREAD_ID" },
	};
	const char *name = du_argname(c, argi);
	struct {
		uint64_t value;
		int32_t signo, notify;
		uint64_t u[6];
	} ev;
	if (du_read(c, raw, &ev, sizeof(ev)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	/* the value only when there is one, whatever the notification */
	if (ev.value) {
		uint32_t v = rn_v_open(vs, "sigev_value", RN_V_STRUCT);
		rn_v_int(vs, "sival_int", (int32_t)ev.value);
		rn_v_ptr(vs, "sival_ptr", ev.value);
		rn_v_close(vs, v);
	}
	/* a signal name only for the notifications that send one */
	if (ev.notify == 0 || ev.notify == 2 || ev.notify == 4)
		rn_dec_signal(vs, "sigev_signo", ev.signo);
	else
		rn_v_uint(vs, "sigev_signo", (uint32_t)ev.signo);
	uint32_t k = du_enum(vs, "sigev_notify", notify, DU_COUNT(notify), 1, ev.notify);
	if (vs->v[k].kind == RN_V_HEX && !du_lookup(notify, DU_COUNT(notify), (uint64_t)ev.notify))
		rn_v_annotate(vs, k, RN_VF_COMMENT, "SIGEV_???");
	if (ev.notify == 4) {
		rn_v_int(vs, "sigev_notify_thread_id", (int32_t)ev.u[0]);
	} else if (ev.notify == 2) {
		rn_v_ptr(vs, "sigev_notify_function", ev.u[0]);
		rn_v_ptr(vs, "sigev_notify_attributes", ev.u[1]);
	}
	rn_v_close(vs, s);
}
