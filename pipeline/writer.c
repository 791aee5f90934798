/*
 * writer.c - the writer thread: merges the workers' events by global
 * sequence number and feeds them, in that order, to the text sink
 * (formats/text_sink.c), which owns everything that depends on neighbouring
 * lines.
 */
#define _GNU_SOURCE
#include "renacer/pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "renacer/capture.h"
#include "renacer/csv_sink.h"
#include "renacer/json_sink.h"
#include "renacer/procstats.h"
#include "renacer/summary.h"
#include "renacer/text_sink.h"
#include "renacer/worker_internal.h"


struct rn_writer {
	struct rn_pipeline *p;  /* immutable */
	pthread_t thread;
	int fd;                 /* immutable */
	struct rn_parker parker; /* workers wake the writer here */
	/* Set by the tracer after every worker has been joined (release);
	 * read by the writer (acquire) when it finds nothing to merge. */
	_Atomic int stop;
	/* writer-private below */
	uint64_t next_seq;
	struct rn_text_sink sink;   /* text, and the -c/--process-summary tables */
	struct rn_json_sink json;   /* --format json */
	struct rn_csv_sink csv;     /* --format csv */
	struct rn_procstats *procs; /* --process-summary, else NULL */
	struct rn_capture_writer *capture; /* --capture, else NULL */
	uint64_t last_capture_flush_ns;
	int capture_error;          /* errno of the first capture failure */
	int failed;
};

/* The sink's output: the trace file or stdout. */
static int write_all(void *ctx, const char *p, size_t n)
{
	int fd = *(int *)ctx;
	size_t off = 0;
	while (off < n) {
		ssize_t k = write(fd, p + off, n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		off += (size_t)k;
	}
	return 0;
}

static void sink_event(struct rn_writer *w, const struct rn_event *ev)
{
	switch (w->p->opt->format) {
	case RN_FORMAT_JSON:
		rn_json_sink_event(&w->json, ev);
		break;
	case RN_FORMAT_CSV:
		rn_csv_sink_event(&w->csv, ev);
		break;
	default:
		rn_text_sink_event(&w->sink, ev);
		break;
	}
}

static void sink_flush(struct rn_writer *w)
{
	switch (w->p->opt->format) {
	case RN_FORMAT_JSON:
		rn_json_sink_flush(&w->json);
		break;
	case RN_FORMAT_CSV:
		rn_csv_sink_flush(&w->csv);
		break;
	default:
		break;
	}
	rn_text_sink_flush(&w->sink);
}

static int sink_error(const struct rn_writer *w)
{
	if (w->sink.error)
		return w->sink.error;
	if (w->p->opt->format == RN_FORMAT_JSON)
		return w->json.error;
	if (w->p->opt->format == RN_FORMAT_CSV)
		return w->csv.error;
	return w->capture_error;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* End the capture's frame once per flush interval: a killed renacer loses
 * at most that much, and frames stay large enough to compress well. */
static void capture_tick(struct rn_writer *w, int force)
{
	if (!w->capture || w->capture_error)
		return;
	uint64_t now = now_ns();
	if (!force && now - w->last_capture_flush_ns < w->p->opt->flush_interval_ns)
		return;
	w->last_capture_flush_ns = now;
	w->capture_error = rn_capture_flush(w->capture);
}

/* After every flush: a failed write stops the trace. */
static void check_output(struct rn_writer *w)
{
	if (!sink_error(w) || w->failed)
		return;
	w->failed = 1;
	/* Tell the tracer (release pairs with its acquire load): it detaches
	 * every tracee and exits. */
	atomic_store_explicit(&w->p->output_failed, 1, memory_order_release);
	uint64_t one = 1;
	(void)!write(w->p->hb_eventfd, &one, sizeof(one));
}

/* -c shows no trace: only what goes to stderr (attach/detach messages). */
static int shows(const struct rn_writer *w, const struct rn_event *ev)
{
	if (w->p->opt->count != RN_COUNT_ONLY)
		return 1;
	return ev->kind == RN_EV_NEW_TASK || ev->kind == RN_EV_ATTACHED ||
	       ev->kind == RN_EV_DETACHED;
}

/* At the end of the trace: the -c table, then the process summary. The
 * table was merged from the workers before the writer was told to stop. */
static void write_summaries(struct rn_writer *w)
{
	const struct rn_options *opt = w->p->opt;
	struct rn_sbuf *out = &w->sink.out;
	if (opt->count)
		rn_stats_render(&w->p->summary, &opt->summary, out);
	if (w->procs) {
		if (out->len)
			rn_sbuf_putc(out, '\n');
		rn_procstats_render(w->procs, out);
	}
	rn_text_sink_flush(&w->sink);
}

/* The event carrying next_seq is at the head of exactly one output ring. */
static struct rn_event *next_event(struct rn_writer *w, struct rn_ring **from)
{
	struct rn_pipeline *p = w->p;
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct rn_ring *r = rn_worker_output(p->workers[i]);
		struct rn_event *ev = rn_ring_peek(r);
		if (ev && ev->seq == w->next_seq) {
			*from = r;
			return ev;
		}
	}
	return NULL;
}

static void *writer_main(void *arg)
{
	struct rn_writer *w = arg;
	struct rn_ring *from;

	for (;;) {
		struct rn_event *ev = next_event(w, &from);
		if (ev) {
			if (w->procs)
				rn_procstats_event(w->procs, ev);
			if (w->capture && !w->capture_error) {
				w->capture_error = rn_capture_append(w->capture, ev);
				capture_tick(w, 0);
			}
			if (!w->failed && shows(w, ev))
				sink_event(w, ev);
			check_output(w);
			free(ev->v);
			rn_ring_pop(from);
			/* A worker may wait for room in this ring. */
			rn_parker_wake(&from->not_full);
			w->next_seq++;
			continue;
		}
		/* Nothing to merge: make what we have visible, then sleep. */
		sink_flush(w);
		capture_tick(w, 0);
		check_output(w);
		if (atomic_load_explicit(&w->stop, memory_order_acquire) && !next_event(w, &from))
			break;
		uint32_t seen = rn_parker_prepare(&w->parker);
		if (next_event(w, &from) || atomic_load_explicit(&w->stop, memory_order_acquire)) {
			rn_parker_cancel(&w->parker);
			continue;
		}
		if (w->capture)
			rn_parker_sleep_for(&w->parker, seen, w->p->opt->flush_interval_ns);
		else
			rn_parker_sleep(&w->parker, seen);
	}
	switch (w->p->opt->format) {
	case RN_FORMAT_JSON:
		rn_json_sink_finish(&w->json);
		break;
	case RN_FORMAT_CSV:
		rn_csv_sink_finish(&w->csv);
		break;
	default:
		rn_text_sink_finish(&w->sink);
		break;
	}
	write_summaries(w);
	if (w->capture) {
		int err = rn_capture_close(w->capture);
		w->capture = NULL;
		if (err && !w->capture_error)
			w->capture_error = err;
	}
	check_output(w);
	return NULL;
}

struct rn_writer *rn_writer_create(struct rn_pipeline *p, int out_fd,
				   struct rn_capture_writer *capture)
{
	struct rn_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->p = p;
	w->fd = out_fd;
	w->next_seq = 1;
	rn_text_sink_init(&w->sink, p->opt,
			  p->opt->outfile && (p->opt->follow_forks || p->opt->n_attach > 1),
			  write_all, &w->fd);
	rn_text_sink_set_clock(&w->sink, p->real_minus_mono);
	if (p->opt->format == RN_FORMAT_JSON)
		rn_json_sink_init(&w->json, p->opt, write_all, &w->fd);
	else if (p->opt->format == RN_FORMAT_CSV)
		rn_csv_sink_init(&w->csv, p->opt,
				 p->opt->tf.abs_format || p->opt->tf.rel || p->opt->tf.dur,
				 write_all, &w->fd);
	if (p->opt->process_summary)
		w->procs = rn_procstats_new();
	w->capture = capture;
	w->last_capture_flush_ns = now_ns();
	rn_parker_init(&w->parker);
	return w;
}

int rn_writer_start(struct rn_writer *w)
{
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		return -1;
	pthread_setname_np(w->thread, "rn-writer");
	return 0;
}

struct rn_parker *rn_writer_parker(struct rn_writer *w)
{
	return &w->parker;
}

int rn_writer_stop_and_join(struct rn_writer *w)
{
	/* Pairs with the acquire loads in writer_main; the workers are joined,
	 * so every event is already in a ring. */
	atomic_store_explicit(&w->stop, 1, memory_order_release);
	rn_parker_wake(&w->parker);
	pthread_join(w->thread, NULL);
	if (w->failed) {
		if (w->capture_error && !w->sink.error)
			fprintf(stderr, "renacer: capture '%s': %s\n", w->p->opt->capture,
				strerror(w->capture_error));
		else
			fprintf(stderr, "renacer: write: %s\n", strerror(sink_error(w)));
		return -1;
	}
	return 0;
}

void rn_writer_destroy(struct rn_writer *w)
{
	rn_text_sink_free(&w->sink);
	if (w->p->opt->format == RN_FORMAT_JSON)
		rn_json_sink_free(&w->json);
	else if (w->p->opt->format == RN_FORMAT_CSV)
		rn_csv_sink_free(&w->csv);
	rn_procstats_free(w->procs);
	free(w);
}
