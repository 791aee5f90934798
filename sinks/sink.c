/*
 * sink.c - the ops of the four per-event formats (sinks/sink.h), each a
 * thin layer over its sink's own functions, and the map from --format to
 * them and to the two per-process ones (sinks/proc_sinks.h).
 */
#include "sinks/sink.h"

#include <stdio.h>
#include <stdlib.h>

#include "sinks/csv_sink.h"
#include "sinks/json_sink.h"
#include "sinks/perfetto_sink.h"
#include "sinks/proc_sinks.h"

/* The state of every format's sink is allocated here: a sink's own struct
 * is also used embedded (the writer's -ff files), so its init stays as is. */
static void *zalloc(size_t n)
{
	void *p = calloc(1, n);
	if (!p)
		fputs("renacer: out of memory\n", stderr);
	return p;
}

/* ---- text -------------------------------------------------------------- */

static void *text_begin(const struct rn_sink_params *p)
{
	struct rn_text_sink *s = zalloc(sizeof(*s));
	if (!s)
		return NULL;
	rn_text_sink_init(s, p->opt, p->file_prefix, p->write, p->ctx);
	rn_text_sink_set_clock(s, p->real_minus_mono);
	return s;
}

static void text_event(void *self, const struct rn_event *ev)
{
	rn_text_sink_event(self, ev);
}

static int text_flush(void *self)
{
	return rn_text_sink_flush(self);
}

static int text_finish(void *self)
{
	return rn_text_sink_finish(self);
}

static int text_error(const void *self)
{
	return ((const struct rn_text_sink *)self)->error;
}

static int text_buffered(const void *self)
{
	return ((const struct rn_text_sink *)self)->out.len != 0;
}

static void text_destroy(void *self)
{
	rn_text_sink_free(self);
	free(self);
}

static const struct rn_sink_ops text_ops = {
	.name = "text",
	.flags = RN_SINK_STATUS_FILTER,
	.begin = text_begin,
	.event = text_event,
	.flush = text_flush,
	.finish = text_finish,
	.error = text_error,
	.buffered = text_buffered,
	.destroy = text_destroy,
};

/* ---- JSON Lines ---------------------------------------------------------- */

static void *json_begin(const struct rn_sink_params *p)
{
	struct rn_json_sink *s = zalloc(sizeof(*s));
	if (s) {
		rn_json_sink_init(s, p->opt, p->write, p->ctx);
		s->real_minus_mono = p->real_minus_mono;
	}
	return s;
}

static void json_event(void *self, const struct rn_event *ev)
{
	rn_json_sink_event(self, ev);
}

static int json_flush(void *self)
{
	return rn_json_sink_flush(self);
}

static int json_finish(void *self)
{
	return rn_json_sink_finish(self);
}

static int json_error(const void *self)
{
	return ((const struct rn_json_sink *)self)->error;
}

static int json_buffered(const void *self)
{
	return ((const struct rn_json_sink *)self)->out.len != 0;
}

static void json_destroy(void *self)
{
	rn_json_sink_free(self);
	free(self);
}

static const struct rn_sink_ops json_ops = {
	.name = "json",
	.begin = json_begin,
	.event = json_event,
	.flush = json_flush,
	.finish = json_finish,
	.error = json_error,
	.buffered = json_buffered,
	.destroy = json_destroy,
};

/* ---- CSV ------------------------------------------------------------------ */

static void *csv_begin(const struct rn_sink_params *p)
{
	struct rn_csv_sink *s = zalloc(sizeof(*s));
	if (s) {
		rn_csv_sink_init(s, p->opt, p->timing, p->write, p->ctx);
		s->real_minus_mono = p->real_minus_mono;
	}
	return s;
}

static void csv_event(void *self, const struct rn_event *ev)
{
	rn_csv_sink_event(self, ev);
}

static int csv_flush(void *self)
{
	return rn_csv_sink_flush(self);
}

static int csv_finish(void *self)
{
	return rn_csv_sink_finish(self);
}

static int csv_error(const void *self)
{
	return ((const struct rn_csv_sink *)self)->error;
}

static int csv_buffered(const void *self)
{
	return ((const struct rn_csv_sink *)self)->out.len != 0;
}

static void csv_destroy(void *self)
{
	rn_csv_sink_free(self);
	free(self);
}

static const struct rn_sink_ops csv_ops = {
	.name = "csv",
	.begin = csv_begin,
	.event = csv_event,
	.flush = csv_flush,
	.finish = csv_finish,
	.error = csv_error,
	.buffered = csv_buffered,
	.destroy = csv_destroy,
};

/* ---- Perfetto ------------------------------------------------------------- */

static void *perfetto_begin(const struct rn_sink_params *p)
{
	struct rn_perfetto_sink *s = zalloc(sizeof(*s));
	if (!s)
		return NULL;
	rn_perfetto_sink_init(s, p->opt, p->base_ns, p->command, p->write, p->ctx);
	for (const char *const *kv = p->info; kv && kv[0]; kv += 2)
		if (kv[1])
			rn_perfetto_sink_info(s, kv[0], kv[1]);
	return s;
}

static void perfetto_event(void *self, const struct rn_event *ev)
{
	rn_perfetto_sink_event(self, ev);
}

static int perfetto_flush(void *self)
{
	return rn_perfetto_sink_flush(self);
}

static int perfetto_finish(void *self)
{
	return rn_perfetto_sink_finish(self);
}

static int perfetto_error(const void *self)
{
	return ((const struct rn_perfetto_sink *)self)->error;
}

static int perfetto_buffered(const void *self)
{
	return ((const struct rn_perfetto_sink *)self)->out.len != 0;
}

static void perfetto_destroy(void *self)
{
	rn_perfetto_sink_free(self);
	free(self);
}

static const struct rn_sink_ops perfetto_ops = {
	.name = "perfetto",
	.flags = RN_SINK_WHOLE_DOCUMENT,
	.begin = perfetto_begin,
	.event = perfetto_event,
	.flush = perfetto_flush,
	.finish = perfetto_finish,
	.error = perfetto_error,
	.buffered = perfetto_buffered,
	.destroy = perfetto_destroy,
};

/* ---- the handle ---------------------------------------------------------- */

const struct rn_sink_ops *rn_sink_for_format(int format)
{
	static const struct rn_sink_ops *const by_format[] = {
		[RN_FORMAT_TEXT] = &text_ops,
		[RN_FORMAT_JSON] = &json_ops,
		[RN_FORMAT_CSV] = &csv_ops,
		[RN_FORMAT_PERFETTO] = &perfetto_ops,
		[RN_FORMAT_COMPILE_DB] = &rn_compile_db_ops,
		[RN_FORMAT_FILES] = &rn_files_ops,
	};
	if (format < 0 || (size_t)format >= sizeof(by_format) / sizeof(by_format[0]))
		return NULL;
	return by_format[format];
}

int rn_sink_begin(struct rn_sink *s, const struct rn_sink_ops *ops,
		  const struct rn_sink_params *params)
{
	s->ops = NULL;
	s->self = ops ? ops->begin(params) : NULL;
	if (!s->self)
		return -1;
	s->ops = ops;
	return 0;
}

void rn_sink_destroy(struct rn_sink *s)
{
	if (s->ops)
		s->ops->destroy(s->self);
	s->ops = NULL;
	s->self = NULL;
}
