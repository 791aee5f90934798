/*
 * dec_time.c - struct decoders of times and clocks: timespec, timeval,
 * itimerspec, itimerval, timezone, the utimes/utimensat pairs, utimbuf,
 * time_t, and nanosleep's remaining time.
 */
#include <stdio.h>
#include <string.h>

#include "decode/dec_util.h"
#include "decode/dec_structs.h"

struct k_timespec {
	int64_t tv_sec, tv_nsec;
};
struct k_timeval {
	int64_t tv_sec, tv_usec;
};

void rn_dec_timespec_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	struct k_timespec ts;
	if (du_read(c, addr, &ts, sizeof(ts)) < 0)
		rn_v_ptr(c->vs, name, addr);
	else
		du_timespec_val(c->vs, name, ts.tv_sec, ts.tv_nsec);
}

void rn_dec_timeval_at(struct rn_dctx *c, const char *name, uint64_t addr)
{
	struct k_timeval tv;
	if (du_read(c, addr, &tv, sizeof(tv)) < 0)
		rn_v_ptr(c->vs, name, addr);
	else
		du_timeval_val(c->vs, name, tv.tv_sec, tv.tv_usec);
}

/* A timespec or timeval the kernel may rewrite (struct_inret: ppoll's and
 * pselect6's timeouts, select's, shown at entry; struct_io: recvmmsg's,
 * shown at exit): strace shows what the caller passed, then the time left. */
static void dec_time_io(struct rn_dctx *c, unsigned argi, uint64_t raw, int is_timeval)
{
	struct k_timespec t;
	uint64_t sec = 0, frac = 0;
	if (c->saving) {
		if (du_read(c, raw, &t, sizeof(t)) == 0)
			du_save(c, argi, (uint64_t)t.tv_sec, (uint64_t)t.tv_nsec);
		return;
	}
	const char *name = du_argname(c, argi);
	/* struct_inret: shown at entry; at exit only the part after the
	 * return value */
	int inret = c->sc && c->sc->args[argi].type == RN_T_STRUCT_INRET;
	int have = !inret && du_saved(c, argi, &sec, &frac);
	if (inret && c->exit) {
		/* nothing before the return value */
	} else if (have) {
		if (is_timeval)
			du_timeval_val(c->vs, name, (int64_t)sec, (int64_t)frac);
		else
			du_timespec_val(c->vs, name, (int64_t)sec, (int64_t)frac);
	} else if (du_read_io(c, raw, &t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, raw);
	} else if (is_timeval) {
		du_timeval_val(c->vs, name, t.tv_sec, t.tv_nsec);
	} else {
		du_timespec_val(c->vs, name, t.tv_sec, t.tv_nsec);
	}
	/* After the return value of the waits: (..., left {tv_sec=0, ...}),
	 * and select's (Timeout); poll's Timeout comes with its fds. */
	if (!c->exit || !du_ok(c) || !c->sc)
		return;
	const char *sc = c->sc->name;
	int is_select = strcmp(sc, "select") == 0 || strcmp(sc, "pselect6") == 0;
	if (!is_select && strcmp(sc, "ppoll") != 0 && strcmp(sc, "recvmmsg") != 0)
		return;
	uint32_t k = c->vs->n;
	if (du_ret(c) == 0) {
		if (!is_select)
			return;
		rn_v_text(c->vs, "timeout", "Timeout");
	} else if (raw && du_read_io(c, raw, &t, sizeof(t)) == 0) {
		if (is_timeval)
			du_timeval_val(c->vs, "left", t.tv_sec, t.tv_nsec);
		else
			du_timespec_val(c->vs, "left", t.tv_sec, t.tv_nsec);
		c->vs->v[k].flags |= RN_VF_NAMED;
	} else {
		return;
	}
	c->vs->v[k].flags |= RN_VF_AFTER_RET;
}

static int time_io(const struct rn_dctx *c, unsigned argi)
{
	return c->sc && (c->sc->args[argi].type == RN_T_STRUCT_IO ||
			 c->sc->args[argi].type == RN_T_STRUCT_INRET);
}

void rn_dec_timespec(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (time_io(c, argi))
		dec_time_io(c, argi, raw, 0);
	else
		rn_dec_timespec_at(c, du_argname(c, argi), raw);
}

void rn_dec_timeval(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (time_io(c, argi))
		dec_time_io(c, argi, raw, 1);
	else
		rn_dec_timeval_at(c, du_argname(c, argi), raw);
}

/* nanosleep's and clock_nanosleep's remaining time: meaningful only when
 * the sleep was interrupted; otherwise strace shows the address. */
void rn_dec_timespec_rem(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	if (c->saving)
		return;
	int64_t err = c->exit && (c->exit->flags & RN_REC_ERROR) ? -c->exit->ret : 0;
	struct k_timespec ts;
	if ((err == 4 /* EINTR */ || (err >= 512 && err <= 516) /* ERESTART* */) &&
	    du_read_io(c, raw, &ts, sizeof(ts)) == 0)
		du_timespec_val(c->vs, du_argname(c, argi), ts.tv_sec, ts.tv_nsec);
	else
		rn_v_ptr(c->vs, du_argname(c, argi), raw);
}

/* A pair of times of the same layout (two 64-bit words each): the
 * timespecs or the timevals of itimerspec and itimerval. */
static void time_val(struct rn_values *vs, const char *name, const struct k_timespec *t,
		     int is_timeval)
{
	if (is_timeval)
		du_timeval_val(vs, name, t->tv_sec, t->tv_nsec);
	else
		du_timespec_val(vs, name, t->tv_sec, t->tv_nsec);
}

static void itimer(struct rn_dctx *c, unsigned argi, uint64_t raw, int is_timeval)
{
	const char *name = du_argname(c, argi);
	struct k_timespec t[2];
	if (du_read(c, raw, t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	time_val(c->vs, "it_interval", &t[0], is_timeval);
	time_val(c->vs, "it_value", &t[1], is_timeval);
	rn_v_close(c->vs, s);
}

void rn_dec_itimerspec(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	itimer(c, argi, raw, 0);
}

void rn_dec_itimerval(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	itimer(c, argi, raw, 1);
}

void rn_dec_timezone(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int32_t tz[2];
	if (du_read(c, raw, tz, sizeof(tz)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	rn_v_int(c->vs, "tz_minuteswest", tz[0]);
	rn_v_int(c->vs, "tz_dsttime", tz[1]);
	rn_v_close(c->vs, s);
}

#define UTIME_NOW_VALUE ((1l << 30) - 1l)
#define UTIME_OMIT_VALUE ((1l << 30) - 2l)

/* utimensat's times: [{tv_sec=1, tv_nsec=2} / * date * /, UTIME_NOW];
 * utimes' and futimesat's: timevals, the same but for the special values. */
static void time_pair(struct rn_dctx *c, unsigned argi, uint64_t raw, int is_timeval)
{
	const char *name = du_argname(c, argi);
	struct k_timespec t[2];
	if (du_read(c, raw, t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	for (int i = 0; i < 2; i++) {
		if (!is_timeval && t[i].tv_nsec == UTIME_NOW_VALUE) {
			rn_v_name(c->vs, NULL, "UTIME_NOW");
		} else if (!is_timeval && t[i].tv_nsec == UTIME_OMIT_VALUE) {
			rn_v_name(c->vs, NULL, "UTIME_OMIT");
		} else {
			uint32_t k = c->vs->n;
			time_val(c->vs, NULL, &t[i], is_timeval);
			char date[96];
			du_time_comment(date, sizeof(date), t[i].tv_sec, t[i].tv_nsec,
					is_timeval ? 6 : 9);
			if (date[0])
				rn_v_annotate(c->vs, k, RN_VF_COMMENT, date);
		}
	}
	rn_v_close(c->vs, a);
}

void rn_dec_timespec_pair(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	time_pair(c, argi, raw, 0);
}

void rn_dec_timeval_pair(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	time_pair(c, argi, raw, 1);
}

static void time_with_comment(struct rn_values *vs, const char *name, int64_t t)
{
	uint32_t k = rn_v_int(vs, name, t);
	char date[96];
	du_time_comment(date, sizeof(date), t, 0, 0);
	if (date[0])
		rn_v_annotate(vs, k, RN_VF_COMMENT, date);
}

/* utime's times: {actime=5 / * date * /, modtime=6 / * date * /} */
void rn_dec_utimbuf(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int64_t t[2];
	if (du_read(c, raw, t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	time_with_comment(c->vs, "actime", t[0]);
	time_with_comment(c->vs, "modtime", t[1]);
	rn_v_close(c->vs, s);
}

/* time()'s tloc: [1795643741 / * date * /] */
void rn_dec_time_t(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	int64_t t;
	if (du_read(c, raw, &t, sizeof(t)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t a = rn_v_open(c->vs, name, RN_V_ARRAY);
	time_with_comment(c->vs, NULL, t);
	rn_v_close(c->vs, a);
}
