/*
 * capture_sink.c - the capture writer as a sink (pipeline/capture_sink.h).
 * Outside capture/ on purpose: the capture stays a library of its own, and
 * the sink interface is how the pipeline sees it.
 */
#include "pipeline/capture_sink.h"

#include <stdlib.h>

#include "capture/capture.h"
#include "stats/procstats.h"

/* Writer-thread-owned, as the capture writer inside. */
struct capture_sink {
	struct rn_capture_writer *w; /* NULL once closed */
	int error;                   /* the first failure (errno), sticky */
	/* The processes alive, for the table each rotated part begins with
	 * (fed every event before the capture sees it); the last table made,
	 * whose commands point into live. */
	struct rn_procstats *live;
	struct rn_capture_proc *table;
};

static size_t live_procs(void *arg, const struct rn_capture_proc **procs)
{
	struct capture_sink *s = arg;
	size_t n;
	struct rn_proc_row *rows = rn_procstats_rows(s->live, &n);
	free(s->table);
	s->table = calloc(n ? n : 1, sizeof(*s->table));
	if (!s->table)
		abort();
	for (size_t i = 0; i < n; i++) {
		s->table[i].pid = rows[i].pid;
		s->table[i].ppid = rows[i].ppid;
		s->table[i].start_ns = rows[i].start_ns;
		s->table[i].command = rows[i].command;
		s->table[i].exec_pending = rows[i].exec_pending;
	}
	free(rows);
	*procs = s->table;
	return n;
}

static void *capture_begin(const struct rn_sink_params *p)
{
	if (!p->target)
		return NULL;
	struct capture_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->w = p->target;
	/* Only a rotating capture has later parts to give the table to. */
	if (rn_capture_rotates(s->w) && (s->live = rn_procstats_new_live()))
		rn_capture_set_live_procs(s->w, live_procs, s);
	return s;
}

static void capture_event(void *self, const struct rn_event *ev)
{
	struct capture_sink *s = self;
	if (s->live)
		rn_procstats_event(s->live, ev);
	if (s->w && !s->error)
		s->error = rn_capture_append(s->w, ev);
}

static int capture_flush(void *self)
{
	struct capture_sink *s = self;
	if (s->w && !s->error)
		s->error = rn_capture_flush(s->w);
	return s->error;
}

static int capture_finish(void *self)
{
	struct capture_sink *s = self;
	if (s->w) {
		int err = rn_capture_close(s->w);
		s->w = NULL;
		if (err && !s->error)
			s->error = err;
	}
	return s->error;
}

static int capture_error(const void *self)
{
	return ((const struct capture_sink *)self)->error;
}

static int capture_buffered(const void *self)
{
	(void)self;
	return 0;
}

static void capture_destroy(void *self)
{
	struct capture_sink *s = self;
	capture_finish(s);
	rn_procstats_free(s->live);
	free(s->table);
	free(s);
}

const struct rn_sink_ops rn_capture_sink_ops = {
	.name = "capture",
	.begin = capture_begin,
	.event = capture_event,
	.flush = capture_flush,
	.finish = capture_finish,
	.error = capture_error,
	.buffered = capture_buffered,
	.destroy = capture_destroy,
};
