/*
 * sink.h - the one interface between the ordered event stream and an
 * output: strace's text, JSON Lines, CSV, Perfetto (the ops in
 * sinks/sink.c) and the capture file (pipeline/capture_sink.c). The live
 * writer thread and renacer-dump pick a sink by its ops and drive it only
 * through them, so both programs render a format with the same code.
 *
 * Contract (every sink):
 *  - Used by one thread: the one that drives it (renacer's writer thread,
 *    renacer-dump's main thread). begin may run on the thread that creates
 *    that one, before it starts (renacer's main thread: pthread_create
 *    hands the sink over); every other call comes from the driving thread.
 *  - begin(params) once: returns the sink's state, or NULL when it could not
 *    start (out of memory). params is read during the call only; what it
 *    points to (opt, ctx, target) must outlive the sink. A sink may buffer
 *    output at once (CSV's header row, Perfetto's opening brace).
 *  - event(ev) for every event, in seq order, until finish. The sink copies
 *    what it keeps: the caller frees ev's values as soon as event returns.
 *    It never fails by itself: a failed write is kept (see error) and the
 *    sink writes nothing more.
 *  - flush: write what is buffered. Returns 0 or the first error.
 *  - finish once, after the last event: ends what is pending (an open line,
 *    calls that never returned, a trailer) and writes everything. Returns 0
 *    or the first error. No event or flush after it.
 *  - error: the first error so far (sticky), 0 if none. Cheap: the writer
 *    asks after every event.
 *  - buffered: 1 while bytes wait for a flush, else 0. Cheap as well: the
 *    writer times a regular file's flushes by it.
 *  - destroy: frees the state; after finish, or instead of it when the
 *    output is abandoned. NULL is accepted.
 * Errors are errno values (or a sink's own negative codes, documented with
 * the sink).
 */
#ifndef RENACER_SINK_H
#define RENACER_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "syscalls/options.h"
#include "sinks/text_sink.h" /* rn_sink_write_fn */

/* What a sink is started with; a sink reads only the fields it names. */
struct rn_sink_params {
	const struct rn_options *opt;
	rn_sink_write_fn write;      /* where the bytes go (not the capture) */
	void *ctx;                   /*   and its argument */
	int file_prefix;             /* text: "PID  " on every line (-o with -f) */
	int64_t real_minus_mono;     /* text -t: CLOCK_REALTIME - CLOCK_MONOTONIC */
	int timing;                  /* csv: the seq,ts_ns,duration_ns,error columns */
	uint64_t base_ns;            /* perfetto: the CLOCK_MONOTONIC time shown as
					0; 0: the first event's */
	char *const *command;        /* perfetto: names the first process; NULL */
	const char *const *info;     /* perfetto: "otherData" as key, value, ...,
					NULL; a NULL value is skipped; NULL: none */
	void *target;                /* an adapter's own object (the capture sink:
					its struct rn_capture_writer, taken over) */
};

enum {
	/* The output is one document (a JSON object): nothing may follow it
	 * in the same file, so no text table goes after it. */
	RN_SINK_WHOLE_DOCUMENT = 1u << 0,
	/* The sink applies opt->filter.status (-z, -Z, status=) itself, as
	 * strace's text does live: it holds each entry until its exit. A sink
	 * without it shows every call, so a caller that filters offline gives
	 * it only the calls it keeps, entry and exit together. */
	RN_SINK_STATUS_FILTER = 1u << 1,
};

struct rn_sink_ops {
	const char *name;            /* "text", "json", ... (messages, tests) */
	unsigned flags;              /* RN_SINK_* */
	void *(*begin)(const struct rn_sink_params *params);
	void (*event)(void *self, const struct rn_event *ev);
	int (*flush)(void *self);
	int (*finish)(void *self);
	int (*error)(const void *self);
	int (*buffered)(const void *self);
	void (*destroy)(void *self);
};

/* A started sink: its ops and its state. A zeroed handle is "no sink"
 * (ops NULL); the calls below then do nothing and return 0. */
struct rn_sink {
	const struct rn_sink_ops *ops;
	void *self;
};

/* The formats of this layer; insight/formats.h maps --format to a sink. */
extern const struct rn_sink_ops rn_text_ops, rn_json_ops, rn_csv_ops, rn_perfetto_ops;

/* Start ops into s. Returns 0, or -1 when begin failed (s is then "no
 * sink"). */
int rn_sink_begin(struct rn_sink *s, const struct rn_sink_ops *ops,
		  const struct rn_sink_params *params);

static inline void rn_sink_event(struct rn_sink *s, const struct rn_event *ev)
{
	if (s->ops)
		s->ops->event(s->self, ev);
}

static inline int rn_sink_flush(struct rn_sink *s)
{
	return s->ops ? s->ops->flush(s->self) : 0;
}

static inline int rn_sink_finish(struct rn_sink *s)
{
	return s->ops ? s->ops->finish(s->self) : 0;
}

static inline int rn_sink_error(const struct rn_sink *s)
{
	return s->ops ? s->ops->error(s->self) : 0;
}

static inline int rn_sink_buffered(const struct rn_sink *s)
{
	return s->ops ? s->ops->buffered(s->self) : 0;
}

static inline unsigned rn_sink_flags(const struct rn_sink *s)
{
	return s->ops ? s->ops->flags : 0;
}

/* Free the state; s becomes "no sink". */
void rn_sink_destroy(struct rn_sink *s);

#endif /* RENACER_SINK_H */
