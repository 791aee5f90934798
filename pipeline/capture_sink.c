/*
 * capture_sink.c - the capture writer as a sink (pipeline/capture_sink.h).
 * Outside capture/ on purpose: the capture stays a library of its own, and
 * the sink interface is how the pipeline sees it.
 */
#include "pipeline/capture_sink.h"

#include <stdlib.h>

#include "capture/capture.h"

/* Writer-thread-owned, as the capture writer inside. */
struct capture_sink {
	struct rn_capture_writer *w; /* NULL once closed */
	int error;                   /* the first failure (errno), sticky */
};

static void *capture_begin(const struct rn_sink_params *p)
{
	if (!p->target)
		return NULL;
	struct capture_sink *s = calloc(1, sizeof(*s));
	if (s)
		s->w = p->target;
	return s;
}

static void capture_event(void *self, const struct rn_event *ev)
{
	struct capture_sink *s = self;
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
	capture_finish(self);
	free(self);
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
