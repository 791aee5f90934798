/*
 * timefmt.c - strace's -t/-tt/-ttt, -r and -T texts (see
 * base/timefmt.h).
 *
 * Ownership: no state; any thread (localtime_r only reads the time zone,
 * which the main thread loads with tzset() before starting threads).
 */
#include "base/timefmt.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#define NS_PER_S ((uint64_t)1000000000)

/* 10^(9 - digits): what the nanoseconds are divided by (truncation). */
static uint64_t scale_of(int digits)
{
	uint64_t s = 1;

	for (int i = digits; i < 9; i++)
		s *= 10;
	return s;
}

static void put_fraction(struct rn_sbuf *b, int digits, uint64_t ns)
{
	if (digits > 0)
		rn_sbuf_printf(b, ".%0*" PRIu64, digits,
			       (ns % NS_PER_S) / scale_of(digits));
}

void rn_timefmt_abs(struct rn_sbuf *b, int format, int digits, uint64_t epoch_ns)
{
	time_t sec = (time_t)(epoch_ns / NS_PER_S);
	struct tm tm;

	if (format == RN_TABS_NONE)
		return;
	if (format == RN_TABS_TIME && localtime_r(&sec, &tm))
		rn_sbuf_printf(b, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			       tm.tm_sec);
	else
		rn_sbuf_printf(b, "%lld", (long long)sec);
	put_fraction(b, digits, epoch_ns);
	rn_sbuf_putc(b, ' ');
}

void rn_timefmt_rel(struct rn_sbuf *b, int digits, uint64_t delta_ns, int after_abs)
{
	rn_sbuf_printf(b, "%s%6" PRIu64, after_abs ? "(+" : "", delta_ns / NS_PER_S);
	put_fraction(b, digits, delta_ns);
	rn_sbuf_puts(b, after_abs ? ") " : " ");
}

void rn_timefmt_dur(struct rn_sbuf *b, int digits, uint64_t dur_ns)
{
	rn_sbuf_printf(b, " <%" PRIu64, dur_ns / NS_PER_S);
	put_fraction(b, digits, dur_ns);
	rn_sbuf_putc(b, '>');
}

void rn_timefmt_prefix(struct rn_sbuf *b, const struct rn_timefmt *f,
		       uint64_t epoch_ns, uint64_t delta_ns)
{
	rn_timefmt_abs(b, f->abs_format, f->abs_digits, epoch_ns);
	if (f->rel)
		rn_timefmt_rel(b, f->rel_digits, delta_ns,
			       f->abs_format != RN_TABS_NONE);
}

uint64_t rn_timefmt_rel_next(struct rn_timefmt_rel_state *s, uint64_t mono_ns)
{
	uint64_t d = s->started && mono_ns > s->prev_ns ? mono_ns - s->prev_ns : 0;

	s->started = 1;
	s->prev_ns = mono_ns;
	return d;
}

int rn_timefmt_parse_precision(const char *arg)
{
	static const char *const names[] = { "s", "ms", "us", "ns" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(arg, names[i]))
			return 3 * i;
	return -1;
}

static int parse_format(const char *s, size_t len)
{
	static const char *const names[] = { "none", "time", "unix" };

	for (int i = 0; i < 3; i++)
		if (strlen(names[i]) == len && !strncmp(s, names[i], len))
			return i; /* == enum rn_tabs_format */
	return -1;
}

static int parse_prec_n(const char *s, size_t len)
{
	char buf[4];

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return rn_timefmt_parse_precision(buf);
}

int rn_timefmt_parse_abs(const char *arg, uint8_t *format, uint8_t *digits)
{
	static const char fmt_pfx[] = "format:", prec_pfx[] = "precision:";
	uint8_t f = *format, d = *digits;
	const char *p = arg;

	/* Comma-separated items, each "format:X", "precision:Y" or a bare X
	 * or Y; the last one of a kind wins, empty items are skipped. */
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int v;

		if (len == 0) {
			/* nothing */
		} else if (len > sizeof(fmt_pfx) - 1 &&
			   !strncmp(p, fmt_pfx, sizeof(fmt_pfx) - 1)) {
			v = parse_format(p + sizeof(fmt_pfx) - 1,
					 len - (sizeof(fmt_pfx) - 1));
			if (v < 0)
				return -1;
			f = (uint8_t)v;
		} else if (len > sizeof(prec_pfx) - 1 &&
			   !strncmp(p, prec_pfx, sizeof(prec_pfx) - 1)) {
			v = parse_prec_n(p + sizeof(prec_pfx) - 1,
					 len - (sizeof(prec_pfx) - 1));
			if (v < 0)
				return -1;
			d = (uint8_t)v;
		} else if ((v = parse_format(p, len)) >= 0) {
			f = (uint8_t)v;
		} else if ((v = parse_prec_n(p, len)) >= 0) {
			d = (uint8_t)v;
		} else {
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*format = f;
	*digits = d;
	return 0;
}
