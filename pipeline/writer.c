/*
 * writer.c - the writer thread: merges the workers' events by global
 * sequence number and writes strace's text.
 *
 * Only the writer knows which line is open (an entry printed, its exit not
 * yet), so it owns what depends on neighbours: the pid prefix, the column
 * padding before " = ", "<unfinished ...>" and "<... name resumed>".
 */
#define _GNU_SOURCE
#include "renacer/pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renacer/sbuf.h"
#include "renacer/worker_internal.h"

#define RESULT_COLUMN 40
#define FLUSH_AT (64u * 1024u)

struct rn_writer {
	struct rn_pipeline *p;  /* immutable */
	pthread_t thread;
	int fd;                 /* immutable */
	int file_prefix;        /* immutable: "PID  " on every line (-o with -f) */
	struct rn_parker parker; /* workers wake the writer here */
	/* Set by the tracer after every worker has been joined (release);
	 * read by the writer (acquire) when it finds nothing to merge. */
	_Atomic int stop;
	/* writer-private below */
	uint64_t next_seq;
	pid_t open_tid;         /* tid whose entry line is open, 0 if none */
	size_t line_start;      /* offset in out of the current line */
	size_t col_base;        /* columns of the current line already flushed */
	struct rn_sbuf out;
	int failed;
	int error;
};

static void flush(struct rn_writer *w)
{
	size_t off = 0;
	while (off < w->out.len && !w->failed) {
		ssize_t n = write(w->fd, w->out.p + off, w->out.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->failed = 1;
			w->error = n < 0 ? errno : EIO;
			/* Tell the tracer: it detaches every tracee and exits. */
			atomic_store_explicit(&w->p->output_failed, 1, memory_order_release);
			uint64_t one = 1;
			(void)!write(w->p->hb_eventfd, &one, sizeof(one));
			break;
		}
		off += (size_t)n;
	}
	/* An open line may span a flush: remember how wide it already is. */
	w->col_base += w->out.len - w->line_start;
	rn_sbuf_reset(&w->out);
	w->line_start = 0;
}

static void begin_line(struct rn_writer *w, const struct rn_event *ev)
{
	w->line_start = w->out.len;
	w->col_base = 0;
	if (w->file_prefix)
		rn_sbuf_printf(&w->out, "%-5d ", ev->tid);
	else if (ev->ntasks > 1)
		rn_sbuf_printf(&w->out, "[pid %5d] ", ev->tid);
}

static void end_line(struct rn_writer *w)
{
	rn_sbuf_putc(&w->out, '\n');
	w->line_start = w->out.len;
	w->col_base = 0;
	if (w->out.len >= FLUSH_AT)
		flush(w);
}

/* strace's tabto(): pad to the result column, or one space past it. */
static void pad_to_result(struct rn_writer *w)
{
	size_t col = w->col_base + w->out.len - w->line_start;
	if (col < RESULT_COLUMN) {
		rn_sbuf_reserve(&w->out, RESULT_COLUMN - col);
		memset(w->out.p + w->out.len, ' ', RESULT_COLUMN - col);
		w->out.len += RESULT_COLUMN - col;
	} else {
		rn_sbuf_putc(&w->out, ' ');
	}
}

static void close_open_line(struct rn_writer *w, const char *why)
{
	if (!w->open_tid)
		return;
	rn_sbuf_puts(&w->out, why);
	end_line(w);
	w->open_tid = 0;
}

/* Complete tid's syscall: "args) = ret", on its open line or on a new
 * "<... name resumed>" line. */
static void finish_syscall(struct rn_writer *w, const struct rn_event *ev, const char *tail,
			   size_t tail_len, const char *result, size_t result_len)
{
	if (w->open_tid != ev->tid) {
		close_open_line(w, " <unfinished ...>");
		begin_line(w, ev);
		rn_sbuf_printf(&w->out, "<... %s resumed>", ev->name ? ev->name : "syscall");
	}
	rn_sbuf_put(&w->out, tail, tail_len);
	pad_to_result(w);
	rn_sbuf_put(&w->out, result, result_len);
	end_line(w);
	w->open_tid = 0;
}

static void render(struct rn_writer *w, const struct rn_event *ev)
{
	switch (ev->kind) {
	case RN_EV_ENTRY:
		close_open_line(w, " <unfinished ...>");
		begin_line(w, ev);
		rn_sbuf_put(&w->out, ev->text, ev->len);
		w->open_tid = ev->tid;
		break;
	case RN_EV_EXIT:
		finish_syscall(w, ev, ev->text, ev->split, ev->text + ev->split, ev->len - ev->split);
		break;
	case RN_EV_LINE:
		if (ev->finish_pending)
			finish_syscall(w, ev, ")", 1, "= ?", 3);
		close_open_line(w, " <unfinished ...>");
		begin_line(w, ev);
		rn_sbuf_put(&w->out, ev->text, ev->len);
		end_line(w);
		break;
	case RN_EV_DETACHED:
		if (w->open_tid == ev->tid)
			close_open_line(w, " <detached ...>");
		if (!w->p->opt->quiet)
			dprintf(2, "renacer: Process %d detached\n", ev->tid);
		break;
	case RN_EV_STDERR: {
		/* Not part of the trace: straight to stderr, like strace. */
		struct rn_sbuf msg = { 0 };
		rn_sbuf_puts(&msg, "renacer: ");
		rn_sbuf_put(&msg, ev->text, ev->len);
		rn_sbuf_putc(&msg, '\n');
		(void)!write(2, msg.p, msg.len);
		rn_sbuf_free(&msg);
		break;
	}
	default:
		break;
	}
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
			if (!w->failed)
				render(w, ev);
			free(ev->text);
			rn_ring_pop(from);
			/* A worker may wait for room in this ring. */
			rn_parker_wake(&from->not_full);
			w->next_seq++;
			continue;
		}
		/* Nothing to merge: make what we have visible, then sleep. */
		if (w->out.len)
			flush(w);
		if (atomic_load_explicit(&w->stop, memory_order_acquire) && !next_event(w, &from))
			break;
		uint32_t seen = rn_parker_prepare(&w->parker);
		if (next_event(w, &from) || atomic_load_explicit(&w->stop, memory_order_acquire)) {
			rn_parker_cancel(&w->parker);
			continue;
		}
		rn_parker_sleep(&w->parker, seen);
	}
	close_open_line(w, "");
	flush(w);
	return NULL;
}

struct rn_writer *rn_writer_create(struct rn_pipeline *p, int out_fd)
{
	struct rn_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->p = p;
	w->fd = out_fd;
	w->next_seq = 1;
	w->file_prefix = p->opt->outfile && (p->opt->follow_forks || p->opt->n_attach > 1);
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
		fprintf(stderr, "renacer: write: %s\n", strerror(w->error));
		return -1;
	}
	return 0;
}

void rn_writer_destroy(struct rn_writer *w)
{
	rn_sbuf_free(&w->out);
	free(w);
}
