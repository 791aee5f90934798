/*
 * text_sink.h - strace's text from a stream of events in sequence order.
 *
 * The sink owns what depends on neighbouring lines: the pid prefix, the
 * padding before " = ", "<unfinished ...>" / "<... name resumed>". The live
 * writer thread and renacer-dump both feed it, so a capture dumps to the
 * same bytes the live run printed.
 *
 * Contract: one thread uses a sink at a time; events must come in seq order.
 */
#ifndef RENACER_TEXT_SINK_H
#define RENACER_TEXT_SINK_H

#include <stddef.h>
#include <sys/types.h>

#include "sinks/calls.h"
#include "decode/event.h"
#include "syscalls/options.h"
#include "base/sbuf.h"
#include "base/timefmt.h"

/* Writes n bytes somewhere; returns 0, or an errno value on failure. */
typedef int (*rn_sink_write_fn)(void *ctx, const char *p, size_t n);

/* -n: each live thread's last syscall number, for its signal and exit
 * lines when the event does not carry it (a capture's). Open addressing
 * by tid (0: empty); a thread's entry goes when it ends, so the table
 * holds at most the live threads. */
struct rn_tid_nr {
	int32_t tid;
	int32_t nr;
};

struct rn_text_sink {
	const struct rn_options *opt;
	int file_prefix;       /* "PID  " on every line (-o with -f) */
	int bare;              /* no pid on any line, whatever ntasks says: one
				  file per tid (-ff -o); set after init */
	rn_sink_write_fn write;
	void *ctx;
	pid_t open_tid;        /* tid whose entry line is open, 0 if none */
	size_t line_start;     /* offset in out of the current line */
	size_t col_base;       /* columns of the current line already flushed */
	struct rn_sbuf out;
	int error;             /* first write error (errno), 0 if none */
	int64_t real_minus_mono; /* -t: CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	struct rn_timefmt_rel_state rel; /* -r: the previous line's stamp */
	struct rn_calls calls; /* -z/-Z/status=: entries waiting for their outcome */
	struct rn_tid_nr *nrs; /* -n: a power of two of slots, NULL until used */
	uint32_t nrs_cap, nrs_n;
};

void rn_text_sink_init(struct rn_text_sink *s, const struct rn_options *opt, int file_prefix,
		       rn_sink_write_fn write, void *ctx);
/* -t needs wall-clock times: events carry CLOCK_MONOTONIC stamps. */
void rn_text_sink_set_clock(struct rn_text_sink *s, int64_t real_minus_mono);
/* Render one event (buffers; flushes past 64 KiB). */
void rn_text_sink_event(struct rn_text_sink *s, const struct rn_event *ev);

/* The lines strace writes on stderr, not in the trace ("renacer: Process N
 * attached", "... detached"): whether ev has one under opt (-q has none),
 * and writing it. The text sink writes them for its events; the writer for
 * a capture alone, which has no trace sink. */
int rn_text_notice_wanted(const struct rn_options *opt, const struct rn_event *ev);
void rn_text_notice(const struct rn_options *opt, const struct rn_event *ev);
/* End the open line, if any, with `why` (" <pid changed to 12 ...>") and a
 * newline. */
void rn_text_sink_close_line(struct rn_text_sink *s, const char *why);
/* Write what is buffered, even half a line. Returns 0 or an errno value. */
int rn_text_sink_flush(struct rn_text_sink *s);
/* End of trace: finish an open line, flush. Returns 0 or an errno value. */
int rn_text_sink_finish(struct rn_text_sink *s);
void rn_text_sink_free(struct rn_text_sink *s);

#endif /* RENACER_TEXT_SINK_H */
