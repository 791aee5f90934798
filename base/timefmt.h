/*
 * timefmt.h - strace's timestamps: the -t/-tt/-ttt and -r line prefixes
 * and the -T suffix, as pure functions of nanosecond values.
 *
 * Byte for byte as strace 6.1 (checked by running it; tests/unit/
 * test_timefmt.c holds the expectations):
 *
 *   -t     "21:52:53 "             localtime_r, HH:MM:SS, then a space
 *   -tt    "21:52:53.432742 "      + "." and the fraction, TRUNCATED
 *   -ttt   "1795643573.442642 "    epoch seconds
 *   --timestamps=[format:]{none,time,unix}[,[precision:]{s,ms,us,ns}]
 *          fraction digits 0/3/6/9 ("21:53:12.583743711 ", "1795643592 ")
 *   -r     "     0.000306 "        "%6lu" seconds, "." 6 digits, a space
 *   -r with any -t*: "21:52:53 (+     0.000304) " (abs, then "(+", ") ")
 *   --relative-timestamps=ns: "     0.000122242 "; =s: "     0 "
 *   -T     " <0.000022>"           after the return value (and its errno
 *          text); --syscall-times=ns " <0.000008563>", =s " <0>".
 *          No suffix on "= ?" lines (exit_group, calls cut short).
 *
 * What the caller supplies (the writer, when it prints a line):
 *  - epoch_ns for -t*: CLOCK_REALTIME of the event. strace reads the
 *    clock when it prints; renacer should convert the record's monotonic
 *    stamp with one (realtime - monotonic) offset taken at start.
 *  - delta_ns for -r: this line's monotonic stamp minus the previous
 *    printed line's (0 for the first line). strace computes it for EVERY
 *    line it starts: syscall entries, "<... resumed>" lines, signals,
 *    "+++ exited" lines (rn_timefmt_rel_next keeps that state).
 *  - dur_ns for -T: exit stop minus entry stop, monotonic.
 *  - With -f, the "[pid N] " prefix comes BEFORE the timestamps, and the
 *    prefix counts toward the column-40 alignment of " = ".
 *
 * Option quirks (for tools/options.c): later --timestamps items override
 * earlier ones and a later --timestamps keeps what it does not mention
 * ("--timestamps=ms --timestamps=unix" is unix,ms); empty items are
 * skipped, "--timestamps=" is time,s; -t -t is time,us and 3 or more -t
 * are unix,us; -t and --timestamps together are an error ("-t and
 * --absolute-timestamps cannot be provided simultaneously"); a bare -T or
 * -r after --syscall-times=ns / --relative-timestamps=ns resets the
 * precision to us.
 *
 * Ownership: no state (rn_timefmt_rel_next's state is the caller's).
 */
#ifndef RENACER_TIMEFMT_H
#define RENACER_TIMEFMT_H

#include <stdint.h>

#include "base/sbuf.h"

enum rn_tabs_format {
	RN_TABS_NONE = 0, /* no absolute timestamp */
	RN_TABS_TIME,     /* HH:MM:SS in local time */
	RN_TABS_UNIX,     /* seconds since the epoch */
};

/* What -t/-r/-T asked for. Read-only after option parsing. */
struct rn_timefmt {
	uint8_t abs_format;  /* enum rn_tabs_format */
	uint8_t abs_digits;  /* fraction digits: 0, 3, 6 or 9 */
	uint8_t rel;         /* -r */
	uint8_t rel_digits;  /* default 6 */
	uint8_t dur;         /* -T */
	uint8_t dur_digits;  /* default 6 */
};

/* "21:52:53.432742 " / "1795643573.442642 " (with the trailing space);
 * nothing for RN_TABS_NONE. Local time through localtime_r; if that fails,
 * the epoch seconds are printed instead, as strace does. */
void rn_timefmt_abs(struct rn_sbuf *b, int format, int digits, uint64_t epoch_ns);
/* "     0.000306 ", or with after_abs "(+     0.000306) ". */
void rn_timefmt_rel(struct rn_sbuf *b, int digits, uint64_t delta_ns, int after_abs);
/* " <0.000022>". */
void rn_timefmt_dur(struct rn_sbuf *b, int digits, uint64_t dur_ns);
/* The whole prefix a line gets from f: absolute then relative stamp. */
void rn_timefmt_prefix(struct rn_sbuf *b, const struct rn_timefmt *f,
		       uint64_t epoch_ns, uint64_t delta_ns);

/* -r bookkeeping: the delta of a line stamped mono_ns from the previous
 * one (0 for the first). Owned by the writer. */
struct rn_timefmt_rel_state {
	uint64_t prev_ns;
	int started;
};
uint64_t rn_timefmt_rel_next(struct rn_timefmt_rel_state *s, uint64_t mono_ns);

/* "s" "ms" "us" "ns" -> 0 3 6 9; -1 otherwise (strace then says
 * "invalid --syscall-times argument: '...'"; precision: prefixes are NOT
 * accepted there). */
int rn_timefmt_parse_precision(const char *arg);
/* --timestamps / --absolute-timestamps argument: updates *format and
 * *digits for the items present (see the quirks above). Returns 0, or -1
 * for an invalid item (strace: "invalid --timestamps argument: 'arg'"). */
int rn_timefmt_parse_abs(const char *arg, uint8_t *format, uint8_t *digits);

#endif /* RENACER_TIMEFMT_H */
