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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renacer/names.h"
#include "renacer/render_text.h"
#include "renacer/sbuf.h"
#include "renacer/syscalls.h"
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

static const char *syscall_name(int32_t nr, char *scratch)
{
	const struct rn_syscall *sc = rn_syscall_get(nr);
	if (sc)
		return sc->name;
	snprintf(scratch, 32, "syscall_%#x", (unsigned)nr);
	return scratch;
}

/* Start tid's "<... name resumed>" line unless its entry line is open. */
static void resume_line(struct rn_writer *w, const struct rn_event *ev, int32_t nr)
{
	if (w->open_tid == ev->tid)
		return;
	char scratch[32];
	close_open_line(w, " <unfinished ...>");
	begin_line(w, ev);
	rn_sbuf_printf(&w->out, "<... %s resumed>", syscall_name(nr, scratch));
}

/* A process event for a tid with an unfinished syscall: ") = ?" first. */
static void finish_unfinished(struct rn_writer *w, const struct rn_event *ev)
{
	resume_line(w, ev, ev->nr);
	rn_sbuf_putc(&w->out, ')');
	pad_to_result(w);
	rn_sbuf_puts(&w->out, "= ?");
	end_line(w);
	w->open_tid = 0;
}

/* A whole line of its own: "+++ exited with 0 +++", "--- SIGCHLD ... ---". */
static void begin_own_line(struct rn_writer *w, const struct rn_event *ev)
{
	if (ev->finish_pending)
		finish_unfinished(w, ev);
	close_open_line(w, " <unfinished ...>");
	begin_line(w, ev);
}

static const char *signame(int64_t sig, char *scratch)
{
	const char *s = rn_signal_name((int)sig);
	if (s)
		return s;
	snprintf(scratch, 32, "%d", (int)sig);
	return scratch;
}

static void stderr_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void stderr_line(const char *fmt, ...)
{
	/* Not part of the trace: straight to stderr, like strace. */
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void render(struct rn_writer *w, const struct rn_event *ev)
{
	const struct rn_options *opt = w->p->opt;
	char scratch[32];

	switch (ev->kind) {
	case RN_EV_ENTRY:
		close_open_line(w, " <unfinished ...>");
		begin_line(w, ev);
		rn_sbuf_puts(&w->out, syscall_name(ev->nr, scratch));
		rn_sbuf_putc(&w->out, '(');
		if (rn_text_values(&w->out, opt, ev->v, ev->bytes, 0, ev->nv) && ev->more)
			rn_sbuf_puts(&w->out, ", ");
		w->open_tid = ev->tid;
		break;
	case RN_EV_EXIT:
		resume_line(w, ev, ev->nr);
		rn_text_values(&w->out, opt, ev->v, ev->bytes, 0, ev->nv);
		rn_sbuf_putc(&w->out, ')');
		pad_to_result(w);
		rn_text_result(&w->out, ev->ret, ev->is_error, ev->ret_type);
		end_line(w);
		w->open_tid = 0;
		break;
	case RN_EV_SIGNAL:
		begin_own_line(w, ev);
		rn_sbuf_printf(&w->out, "--- %s ", signame(ev->ret, scratch));
		rn_text_values(&w->out, opt, ev->v, ev->bytes, 0, ev->nv);
		rn_sbuf_puts(&w->out, " ---");
		end_line(w);
		break;
	case RN_EV_GROUP_STOP:
		begin_own_line(w, ev);
		rn_sbuf_printf(&w->out, "--- stopped by %s ---", signame(ev->ret, scratch));
		end_line(w);
		break;
	case RN_EV_EXITED:
		begin_own_line(w, ev);
		rn_sbuf_printf(&w->out, "+++ exited with %d +++", (int)ev->ret);
		end_line(w);
		break;
	case RN_EV_KILLED:
		begin_own_line(w, ev);
		rn_sbuf_printf(&w->out, "+++ killed by %s%s +++", signame(ev->ret, scratch),
			       ev->aux ? " (core dumped)" : "");
		end_line(w);
		break;
	case RN_EV_SUPERSEDED:
		begin_own_line(w, ev);
		rn_sbuf_printf(&w->out, "+++ superseded by execve in pid %d +++", (int)ev->ret);
		end_line(w);
		break;
	case RN_EV_NEW_TASK:
		if (!opt->quiet)
			stderr_line("renacer: Process %d attached\n", ev->tid);
		break;
	case RN_EV_ATTACHED:
		if (ev->ret > 1)
			stderr_line("renacer: Process %d attached with %d threads\n", ev->tid,
				    (int)ev->ret);
		else
			stderr_line("renacer: Process %d attached\n", ev->tid);
		break;
	case RN_EV_DETACHED:
		if (w->open_tid == ev->tid)
			close_open_line(w, " <detached ...>");
		if (!opt->quiet)
			stderr_line("renacer: Process %d detached\n", ev->tid);
		break;
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
			free(ev->v);
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
