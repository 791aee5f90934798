/*
 * writer.c - the writer thread: merges the workers' events by global
 * sequence number and feeds them, in that order, through the sink
 * interface (sinks/sink.h) to --format's sink and to the capture's
 * (pipeline/capture_sink.c); a sink owns everything that depends on
 * neighbouring events. Also here, because only the writer sees the whole
 * ordered stream:
 *  - -ff -o FILE: one file FILE.TID and one text sink per traced thread;
 *  - the status line on stderr (--status-line), redrawn a few times a second.
 *
 * When the output is written: a regular file (-o FILE, FILE.TID, stdout
 * redirected to a file) is written in blocks, when a sink's buffer reaches
 * 64 KiB (the sinks do that) or FLUSH_DELAY_NS after the oldest byte still
 * buffered, and at the end (also after SIGINT/SIGTERM/SIGHUP or a failed
 * write: the tracer then finishes the pipeline normally). A renacer killed
 * with SIGKILL loses that unwritten tail. Anything else (a terminal, a pipe,
 * a socket, a character device) is written whenever the writer finds nothing
 * more to merge: someone reads it as it comes, and a pipe's
 * reader is as often a person (| grep, | less) as a program that reacts to
 * a line. The workers' wake when they go idle is wanted only in that prompt
 * mode, or when the writer has nothing buffered (so no timer of its own) or
 * is stuck behind a filling ring; see want_idle_wake.
 */
#define _GNU_SOURCE
#include "pipeline/pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "pipeline/capture_sink.h"
#include "insight/formats.h"
#include "sinks/sink.h"
#include "stats/procstats.h"
#include "stats/summary.h"
#include "pipeline/summaries.h"
#include "sinks/text_sink.h"
#include "pipeline/worker_internal.h"

#ifndef RN_VERSION
#define RN_VERSION "unknown"
#endif


/* -ff -o FILE: one traced thread's file. Writer-private. */
struct tid_out {
	struct tid_out *next;       /* hash chain */
	struct tid_out *dirty_next; /* on the writer's to-flush list */
	struct rn_writer *w;
	int32_t tid;
	int fd;
	int on_dirty;               /* on the to-flush list */
	int dead;                   /* closed; freed by the next flush pass */
	struct rn_text_sink sink;
};

#define TID_BUCKETS 1024u
#define STATUS_PERIOD_NS 250000000ull /* the status line's refresh */
/* A regular file's buffered output is written at the latest this long after
 * its oldest byte was buffered (sooner when a sink's buffer reaches 64 KiB). */
#define FLUSH_DELAY_NS 20000000ull

struct rn_writer {
	struct rn_pipeline *p;  /* immutable */
	pthread_t thread;
	int fd;                 /* immutable */
	struct rn_parker parker; /* workers wake the writer here */
	struct rn_thread_end end; /* marked by the writer as it returns */
	/* Set by the tracer after every worker has been joined (release);
	 * read by the writer (acquire) when it finds nothing to merge. */
	_Atomic int stop;
	/* 1: a worker that goes idle wakes the writer (rn_writer_worker_idle);
	 * 0: it need not, the writer wakes by itself within FLUSH_DELAY_NS.
	 * Written by the writer only, before rn_parker_prepare (a seq_cst store,
	 * or none when the value stays: its last store precedes the fence all
	 * the same; then prepare's seq_cst fence, the re-check of the rings); read by
	 * the workers after a seq_cst fence that follows their ring commits.
	 * The two fences make a Dekker pair: either the writer's re-check sees
	 * the worker's event, or the worker sees 1 and wakes it. */
	_Atomic int want_idle_wake;
	/* writer-private below */
	uint64_t next_seq;
	int prompt;                 /* flush whenever nothing is left to merge: the
				       output is not a regular file (see the top) */
	uint64_t flush_due_ns;      /* 0, or when the buffered output must be written */
	unsigned merge_tick;        /* events merged: a deadline check every 256 */
	struct rn_sink out;         /* --format's sink; none with -ff -o */
	int summary_error;          /* errno of the -c/--process-summary tables' write */
	struct rn_procstats *procs; /* --process-summary, else NULL */
	/* --capture: the writer as a sink, and the writer itself for what only
	 * it answers (the status line's statistics, "is this file the
	 * capture?"); NULL once closed */
	struct rn_sink capture_sink;
	struct rn_capture_writer *capture;
	uint64_t last_capture_flush_ns;
	int failed;
	uint64_t bytes_out;         /* trace bytes written (text/JSON/CSV) */
	uint64_t events;            /* events shown or captured (not NONE) */
	/* -ff -o FILE */
	int per_tid;
	struct tid_out *tids[TID_BUCKETS];
	struct tid_out *dirty;      /* files with buffered lines */
	int per_tid_error;          /* errno of the first FILE.TID failure */
	int32_t per_tid_failed_tid; /* the tid whose file could not be created */
	int32_t *seen;              /* every tid given a file (open addressing) */
	size_t nseen, capseen;
	/* the status line (--status-line) */
	int status;                 /* on */
	int status_shown;           /* a status line is on the terminal now */
	unsigned status_tick;
	uint64_t status_start_ns, status_next_ns;
	uint64_t rate_ns, rate_events; /* events/s: since this point */
	double rate;
	unsigned procs_alive, procs_total;
};

static int write_fd(int fd, const char *p, size_t n)
{
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

/* The sinks' output: the trace file or stdout. */
static int write_all(void *ctx, const char *p, size_t n)
{
	struct rn_writer *w = ctx;
	w->bytes_out += n;
	return write_fd(w->fd, p, n);
}

/* ---- -ff -o FILE: FILE.TID per traced thread ----------------------------
 *
 * As strace 6.1: one file per thread (not per process), no pid on the
 * lines, a call is "<unfinished ...>" only when its own thread's next line
 * comes first (killed in the call: "... <unfinished ...>) = ?"); a
 * non-leader's execve ends its file with " <pid changed to LEADER ...>"
 * and completes in the leader's file ("<... execve resumed>) = 0"). A file
 * is closed when its thread is gone; a tid seen again in the same run (pid
 * reuse) appends to its file instead of truncating it. */

static int write_tid(void *ctx, const char *p, size_t n)
{
	struct tid_out *t = ctx;
	t->w->bytes_out += n;
	return write_fd(t->fd, p, n);
}

static unsigned tid_bucket(int32_t tid)
{
	return ((uint32_t)tid * 2654435761u) >> 22; /* 10 bits: TID_BUCKETS */
}

static struct tid_out *tid_find(struct rn_writer *w, int32_t tid)
{
	for (struct tid_out *t = w->tids[tid_bucket(tid)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* Remember tid; returns 1 when it was already there. */
static int seen_add(struct rn_writer *w, int32_t tid)
{
	if (2 * (w->nseen + 1) > w->capseen) {
		size_t cap = w->capseen ? 2 * w->capseen : 1024;
		int32_t *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			abort();
		for (size_t i = 0; i < w->capseen; i++) {
			if (!w->seen[i])
				continue;
			size_t j = ((uint32_t)w->seen[i] * 2654435761u) & (cap - 1);
			while (grown[j])
				j = (j + 1) & (cap - 1);
			grown[j] = w->seen[i];
		}
		free(w->seen);
		w->seen = grown;
		w->capseen = cap;
	}
	size_t j = ((uint32_t)tid * 2654435761u) & (w->capseen - 1);
	while (w->seen[j]) {
		if (w->seen[j] == tid)
			return 1;
		j = (j + 1) & (w->capseen - 1);
	}
	w->seen[j] = tid;
	w->nseen++;
	return 0;
}

/* tid's file, opened at its first event. NULL when it cannot be created:
 * the trace stops (check_output), as strace dies on a failed fopen. */
/* Not an errno: the per-tid file named is the capture being written. */
#define RN_ERR_IS_CAPTURE (-1)

static struct tid_out *tid_out(struct rn_writer *w, int32_t tid)
{
	struct tid_out *t = tid_find(w, tid);
	if (t || w->per_tid_error)
		return t;
	char *path;
	if (asprintf(&path, "%s.%d", w->p->opt->outfile, (int)tid) < 0)
		abort();
	/* Truncated the first time in a run (a file of an earlier run is
	 * replaced, as strace replaces it; with -A it is kept and appended
	 * to); a reused tid appends. Truncated only once it is known not to
	 * be the capture (a link planted under that name). */
	const int first = !seen_add(w, tid);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	free(path);
	struct stat st;
	int err = fd < 0 || fstat(fd, &st) < 0 ? errno : 0;
	if (!err && w->capture && rn_capture_is_file(w->capture, &st))
		err = RN_ERR_IS_CAPTURE;
	if (!err && first && !w->p->opt->append && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0)
		err = errno;
	if (err) {
		if (fd >= 0)
			close(fd);
		w->per_tid_error = err;
		w->per_tid_failed_tid = tid;
		return NULL;
	}
	/* An existing FIFO or device under that name: someone reads it live. */
	if (!w->prompt && !S_ISREG(st.st_mode))
		w->prompt = 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->w = w;
	t->tid = tid;
	t->fd = fd;
	rn_text_sink_init(&t->sink, w->p->opt, 0, write_tid, t);
	t->sink.bare = 1;
	rn_text_sink_set_clock(&t->sink, w->p->real_minus_mono);
	unsigned b = tid_bucket(tid);
	t->next = w->tids[b];
	w->tids[b] = t;
	return t;
}

static void tid_mark_dirty(struct rn_writer *w, struct tid_out *t)
{
	if (t->on_dirty)
		return;
	t->on_dirty = 1;
	t->dirty_next = w->dirty;
	w->dirty = t;
}

static void tid_free(struct tid_out *t)
{
	rn_text_sink_free(&t->sink);
	free(t);
}

/* The thread is gone: finish its file. */
static void tid_close(struct rn_writer *w, int32_t tid)
{
	for (struct tid_out **pp = &w->tids[tid_bucket(tid)]; *pp; pp = &(*pp)->next) {
		struct tid_out *t = *pp;
		if (t->tid != tid)
			continue;
		*pp = t->next;
		rn_text_sink_finish(&t->sink);
		if (t->sink.error && !w->per_tid_error) {
			w->per_tid_error = t->sink.error;
			w->per_tid_failed_tid = 0;
		}
		close(t->fd);
		t->fd = -1;
		if (t->on_dirty)
			t->dead = 1; /* the flush pass frees it */
		else
			tid_free(t);
		return;
	}
}

static void tid_flush_all(struct rn_writer *w)
{
	struct tid_out *t = w->dirty;
	w->dirty = NULL;
	while (t) {
		struct tid_out *next = t->dirty_next;
		t->on_dirty = 0;
		if (t->dead) {
			tid_free(t);
		} else {
			rn_text_sink_flush(&t->sink);
			if (t->sink.error && !w->per_tid_error) {
				w->per_tid_error = t->sink.error;
				w->per_tid_failed_tid = 0;
			}
		}
		t = next;
	}
}

/* At the end: every file still open (threads still alive when the trace
 * stopped: detached, or the tracer was interrupted). */
static void tid_close_all(struct rn_writer *w)
{
	for (unsigned b = 0; b < TID_BUCKETS; b++)
		while (w->tids[b])
			tid_close(w, w->tids[b]->tid);
	tid_flush_all(w);
}

static void tid_event(struct rn_writer *w, const struct rn_event *ev)
{
	struct tid_out *t;
	if (ev->kind == RN_EV_NONE)
		return;
	if (ev->kind == RN_EV_SUPERSEDED && ev->ret && ev->ret != ev->tid) {
		/* The thread that called execve is now the leader: its file
		 * ends with the open execve line, as strace's does. */
		struct tid_out *former = tid_find(w, (int32_t)ev->ret);
		if (former) {
			char why[64];
			snprintf(why, sizeof(why), " <pid changed to %d ...>", (int)ev->tid);
			rn_text_sink_close_line(&former->sink, why);
			tid_mark_dirty(w, former);
			tid_close(w, former->tid);
		}
	}
	t = tid_out(w, ev->tid);
	if (!t)
		return;
	rn_text_sink_event(&t->sink, ev);
	tid_mark_dirty(w, t);
	if (ev->kind == RN_EV_EXITED || ev->kind == RN_EV_KILLED || ev->kind == RN_EV_DETACHED)
		tid_close(w, ev->tid);
}

static void sink_event(struct rn_writer *w, const struct rn_event *ev)
{
	if (w->per_tid)
		tid_event(w, ev);
	else
		rn_sink_event(&w->out, ev);
}

static void sink_flush(struct rn_writer *w)
{
	rn_sink_flush(&w->out);
	if (w->per_tid)
		tid_flush_all(w);
}

/* Is any trace text buffered, not yet written? */
static int sink_buffered(const struct rn_writer *w)
{
	if (w->per_tid)
		return w->dirty != NULL;
	return rn_sink_buffered(&w->out);
}

/* The trace's own failure first: it names the output in the message. */
static int sink_error(const struct rn_writer *w)
{
	int err = rn_sink_error(&w->out);
	if (!err)
		err = w->per_tid_error;
	if (!err)
		err = w->summary_error;
	if (!err)
		err = rn_sink_error(&w->capture_sink);
	return err;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* After a merged event, regular file: start the clock at the first byte
 * buffered; a sink that flushed itself (64 KiB) and holds nothing more
 * stops it. */
static void note_buffered(struct rn_writer *w)
{
	if (w->prompt)
		return;
	if (!sink_buffered(w))
		w->flush_due_ns = 0;
	else if (!w->flush_due_ns)
		w->flush_due_ns = now_ns() + FLUSH_DELAY_NS;
}

/* Write what is buffered: always for prompt output, else when it is due. */
static void flush_if_due(struct rn_writer *w)
{
	if (!w->prompt && (!w->flush_due_ns || now_ns() < w->flush_due_ns))
		return;
	sink_flush(w);
	w->flush_due_ns = 0;
}

/* The writer waits for an event that is not there yet while some worker's
 * ring fills up: that worker may soon wait for room, so the one late event
 * should wake the writer as soon as its worker has it. */
static int stuck_behind(struct rn_writer *w)
{
	struct rn_pipeline *p = w->p;
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct rn_ring *r = rn_worker_output(p->workers[i]);
		if (rn_ring_count(r) >= (r->mask + 1) / 4)
			return 1;
	}
	return 0;
}

/* Flush the capture once per flush interval (a zstd flush and a check
 * record: what was written up to here can be read without the frame's
 * end), so that a killed renacer loses at most that much; frames end by
 * size, and stay large enough to compress well. */
static void capture_tick(struct rn_writer *w)
{
	if (!w->capture || rn_sink_error(&w->capture_sink))
		return;
	uint64_t now = now_ns();
	if (now - w->last_capture_flush_ns < w->p->opt->flush_interval_ns)
		return;
	w->last_capture_flush_ns = now;
	rn_sink_flush(&w->capture_sink);
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

/* ---- the status line (--status-line) -------------------------------------
 *
 * One line on stderr, redrawn in place ("\r", text, erase to the end of
 * the line) every STATUS_PERIOD_NS while events come or the writer sleeps,
 * erased ("\r" + erase) before a message of the sinks' own goes to stderr
 * and at the end. Everything it shows is writer-private, except the ring
 * stalls (a relaxed load of the tracer's counter, see struct rn_stats) and
 * the capture's statistics (the capture writer belongs to this thread). */

static int status_wanted(const struct rn_options *o, int out_fd)
{
	if (o->status_line == RN_STATUSLINE_ON)
		return 1;
	if (o->status_line == RN_STATUSLINE_OFF)
		return 0;
	/* Auto: stderr is a terminal, and the trace goes to a file or a
	 * capture, not to that terminal. */
	if (!isatty(STDERR_FILENO) || (!o->outfile && !o->capture))
		return 0;
	return out_fd < 0 || o->no_trace || !isatty(out_fd);
}

static void human_bytes(char *buf, size_t n, uint64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double x = (double)v;
	unsigned u = 0;
	while (x >= 1024 && u < 4) {
		x /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, n, "%.1f %s", x, units[u]);
}

static void human_count(char *buf, size_t n, double v)
{
	if (v >= 1e9)
		snprintf(buf, n, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, n, "%.2fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

static void status_clear(struct rn_writer *w)
{
	if (!w->status_shown)
		return;
	(void)!write(STDERR_FILENO, "\r\033[K", 4);
	w->status_shown = 0;
}

/* timed: a refresh (the rate moves on), not a redraw after an erase. */
static void status_draw(struct rn_writer *w, uint64_t now, int timed)
{
	char line[512], a[32], b[32], c[32];
	int n;
	double secs = (double)(now - w->status_start_ns) / 1e9;
	/* events/s: since the previous refresh, smoothed over about a second */
	if (timed && now > w->rate_ns) {
		double inst = (double)(w->events - w->rate_events) * 1e9 / (double)(now - w->rate_ns);
		w->rate = w->rate_events ? 0.5 * w->rate + 0.5 * inst : inst;
		w->rate_ns = now;
		w->rate_events = w->events;
	}
	human_count(a, sizeof(a), (double)w->events);
	human_count(b, sizeof(b), w->rate);
	n = snprintf(line, sizeof(line), "\rrenacer: %.1fs | procs %u/%u | events %s (%s/s)", secs,
		     w->procs_alive, w->procs_total, a, b);
	if (w->p->opt->outfile && (size_t)n < sizeof(line)) {
		human_bytes(c, sizeof(c), w->bytes_out);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " | out %s", c);
	}
	if (w->capture && (size_t)n < sizeof(line)) {
		const struct rn_capture_stats *cs = rn_capture_writer_stats(w->capture);
		human_bytes(c, sizeof(c), cs->bytes_out);
		if (cs->bytes_out)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " | capture %s (%.1fx)",
				      c, (double)cs->bytes_in / (double)cs->bytes_out);
		else
			n += snprintf(line + n, sizeof(line) - (size_t)n, " | capture %s", c);
	}
	uint64_t stalls = atomic_load_explicit(&w->p->stats.ring_stalls, memory_order_relaxed);
	if ((size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " | stalls %llu",
			      (unsigned long long)stalls);
	if ((size_t)n > sizeof(line) - 4)
		n = (int)sizeof(line) - 4; /* room for the erase */
	/* Never wider than the terminal: a wrapped line cannot be redrawn
	 * in place. */
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && n > ws.ws_col)
		n = ws.ws_col; /* the leading \r takes no column */
	memcpy(line + n, "\033[K", 3);
	(void)!write(STDERR_FILENO, line, (size_t)n + 3);
	w->status_shown = 1;
}

/* Redraw when due; returns the ns until the next redraw. */
static uint64_t status_tick(struct rn_writer *w)
{
	uint64_t now = now_ns();
	if (now >= w->status_next_ns) {
		status_draw(w, now, 1);
		w->status_next_ns = now + STATUS_PERIOD_NS;
	}
	return w->status_next_ns - now;
}

/* Processes alive/total, from the event stream: the command (or each -p
 * process) and every new non-thread task; a process ends when its leader
 * does. */
static void status_count(struct rn_writer *w, const struct rn_event *ev)
{
	switch (ev->kind) {
	case RN_EV_NEW_TASK:
		if (!ev->aux) {
			w->procs_total++;
			w->procs_alive++;
		}
		break;
	case RN_EV_ATTACHED:
		w->procs_total++;
		w->procs_alive++;
		break;
	case RN_EV_EXITED:
	case RN_EV_KILLED:
	case RN_EV_DETACHED:
		if (ev->tid == ev->tgid && w->procs_alive)
			w->procs_alive--;
		break;
	default:
		break;
	}
}

/* -c shows no trace: only what goes to stderr (attach/detach messages). */
/* Whether ev brings a line on stderr: strace's text has some (the text
 * sink writes them; the writer itself for a capture alone); JSON, CSV and
 * Perfetto have none. */
static int notice_line(const struct rn_writer *w, const struct rn_event *ev)
{
	const struct rn_options *opt = w->p->opt;
	return (opt->no_trace || opt->format == RN_FORMAT_TEXT) && !w->failed &&
	       rn_text_notice_wanted(opt, ev);
}

static int shows(const struct rn_writer *w, const struct rn_event *ev)
{
	if (w->p->opt->count != RN_COUNT_ONLY)
		return 1;
	return ev->kind == RN_EV_NEW_TASK || ev->kind == RN_EV_ATTACHED ||
	       ev->kind == RN_EV_DETACHED;
}

/* At the end of the trace, after its sink finished: the -c table, then
 * the process summary, on the same output and in its format
 * (pipeline/summaries.h: JSON objects in JSON Lines). Not a sink: the -c
 * table was merged from the workers' counts before the writer was told to
 * stop, not built from the events merged here, and both tables only follow
 * whatever sink wrote the trace. Nothing follows a failed trace, nor a
 * sink whose output is one document (Perfetto's JSON). */
static void write_summaries(struct rn_writer *w)
{
	const struct rn_options *opt = w->p->opt;
	struct rn_sbuf out = { 0 };
	if (rn_sink_error(&w->out) || (rn_sink_flags(&w->out) & RN_SINK_WHOLE_DOCUMENT))
		return;
	/* Counted in the kernel: no event came, the rows did. */
	for (size_t i = 0; w->procs && i < w->p->nproc_rows; i++)
		rn_procstats_add_row(w->procs, &w->p->proc_rows[i]);
	rn_summaries_render(opt->format, opt->count ? &w->p->summary : NULL, &opt->summary,
			    opt->summary_wall, w->procs, &out);
	if (out.len)
		w->summary_error = write_all(w, out.p, out.len);
	rn_sbuf_free(&out);
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
			if (w->capture) {
				rn_sink_event(&w->capture_sink, ev);
				capture_tick(w);
			}
			int redraw = 0;
			int notice = notice_line(w, ev);
			if (ev->kind != RN_EV_NONE) {
				w->events++;
				if (w->status) {
					status_count(w, ev);
					/* a stderr line ("Process N attached")
					 * goes below an erased line, which is drawn
					 * again at once, not at the next refresh */
					if (notice) {
						redraw = w->status_shown;
						status_clear(w);
					}
					if (!(++w->status_tick & 255))
						status_tick(w);
				}
			}
			if (!w->failed && shows(w, ev)) {
				sink_event(w, ev);
				note_buffered(w);
			}
			/* A capture alone has no trace sink to write it. */
			if (notice && w->p->opt->no_trace)
				rn_text_notice(w->p->opt, ev);
			if (redraw)
				status_draw(w, now_ns(), 0);
			/* Busy for long (a slow trickle of shown lines among
			 * many hidden ones): the deadline holds all the same. */
			if (!(++w->merge_tick & 255) && w->flush_due_ns)
				flush_if_due(w);
			check_output(w);
			free(ev->v);
			rn_ring_pop(from);
			/* A worker may wait for room in this ring. */
			rn_parker_wake(&from->not_full);
			w->next_seq++;
			continue;
		}
		/* Nothing to merge: make what we have visible (prompt output),
		 * or what is due (a regular file), then sleep. */
		flush_if_due(w);
		capture_tick(w);
		check_output(w);
		if (atomic_load_explicit(&w->stop, memory_order_acquire) && !next_event(w, &from))
			break;
		/* With buffered output the writer wakes by itself when it is
		 * due: the workers need not wake it each time they go idle. */
		int want = w->prompt || !w->flush_due_ns || stuck_behind(w);
		if (atomic_load_explicit(&w->want_idle_wake, memory_order_relaxed) != want)
			atomic_store_explicit(&w->want_idle_wake, want, memory_order_seq_cst);
		uint32_t seen = rn_parker_prepare(&w->parker);
		if (next_event(w, &from) || atomic_load_explicit(&w->stop, memory_order_acquire)) {
			rn_parker_cancel(&w->parker);
			continue;
		}
		/* Wake for the capture's flush, the status line's redraw and
		 * the buffered output's deadline even when no event comes. */
		uint64_t timeout = w->capture ? w->p->opt->flush_interval_ns : 0;
		if (w->status) {
			uint64_t due = status_tick(w);
			if (!timeout || due < timeout)
				timeout = due;
		}
		if (w->flush_due_ns) {
			uint64_t now = now_ns();
			uint64_t due = w->flush_due_ns > now ? w->flush_due_ns - now : 1;
			if (!timeout || due < timeout)
				timeout = due;
		}
		if (timeout)
			rn_parker_sleep_for(&w->parker, seen, timeout);
		else
			rn_parker_sleep(&w->parker, seen);
	}
	status_clear(w);
	if (w->per_tid)
		tid_close_all(w);
	rn_sink_finish(&w->out);
	write_summaries(w);
	if (w->capture) {
		rn_sink_finish(&w->capture_sink);
		w->capture = NULL;
	}
	check_output(w);
	rn_thread_end_mark(&w->end);
	return NULL;
}

/* The trace's sink (none with -ff -o: tid_out makes one text sink per
 * file; none with a capture alone, opt->no_trace) and the capture's. Called before the writer thread exists; its
 * creation hands both over to it. */
static int start_sinks(struct rn_writer *w, struct rn_capture_writer *capture)
{
	const struct rn_options *opt = w->p->opt;
	struct utsname u;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	/* Perfetto's "otherData", as renacer-dump gives it from the capture's
	 * header: the same run renders the same document live and dumped. */
	const char *const info[] = { "tool", "renacer", "version", RN_VERSION, "host", u.nodename,
				     "kernel", u.release, "arch", u.machine, NULL };
	struct rn_sink_params params = {
		.opt = opt,
		.write = write_all,
		.ctx = w,
		.file_prefix = (opt->outfile && (opt->follow_forks || opt->n_attach > 1)) ||
			       opt->always_show_pid,
		.real_minus_mono = w->p->real_minus_mono,
		.timing = opt->tf.abs_format || opt->tf.rel || opt->tf.dur,
		.command = opt->command,
		.info = info,
	};
	if (!w->per_tid && !opt->no_trace &&
	    rn_sink_begin(&w->out, rn_sink_for_format(opt->format), &params) < 0)
		return -1;
	if (capture) {
		params.target = capture;
		if (rn_sink_begin(&w->capture_sink, &rn_capture_sink_ops, &params) < 0)
			return -1;
		w->capture = capture;
	}
	return 0;
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
	w->per_tid = p->opt->output_separately && p->opt->outfile;
	if (start_sinks(w, capture) < 0) {
		rn_sink_destroy(&w->out);
		free(w);
		return NULL;
	}
	w->status = status_wanted(p->opt, out_fd);
	w->status_start_ns = now_ns();
	w->rate_ns = w->status_start_ns;
	w->status_next_ns = w->status_start_ns + STATUS_PERIOD_NS;
	w->procs_total = w->procs_alive = p->opt->command ? 1 : 0;
	if (p->opt->process_summary)
		w->procs = rn_procstats_new();
	w->last_capture_flush_ns = now_ns();
	rn_parker_init(&w->parker);
	rn_parker_init(&w->end.parker);
	atomic_init(&w->end.done, 0);
	/* -ff: FILE.TID are created regular files (tid_out checks each). */
	struct stat st;
	w->prompt = !w->per_tid && !p->opt->no_trace &&
		    !(out_fd >= 0 && fstat(out_fd, &st) == 0 && S_ISREG(st.st_mode));
	atomic_init(&w->want_idle_wake, 1);
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

void rn_writer_worker_idle(struct rn_writer *w)
{
	/* Pairs with the fence in the writer's rn_parker_prepare (see
	 * want_idle_wake): orders this worker's ring commits before the load. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&w->want_idle_wake, memory_order_relaxed))
		rn_parker_wake(&w->parker);
}

void rn_writer_stop(struct rn_writer *w)
{
	/* Pairs with the acquire loads in writer_main; the workers are joined,
	 * so every event is already in a ring. */
	atomic_store_explicit(&w->stop, 1, memory_order_release);
	rn_parker_wake(&w->parker);
}

pthread_t rn_writer_thread(struct rn_writer *w)
{
	return w->thread;
}

struct rn_thread_end *rn_writer_end(struct rn_writer *w)
{
	return &w->end;
}

int rn_writer_report(struct rn_writer *w)
{
	if (w->failed) {
		if (w->per_tid_error && w->per_tid_failed_tid)
			fprintf(stderr, "renacer: Can't fopen '%s.%d': %s\n", w->p->opt->outfile,
				(int)w->per_tid_failed_tid,
				w->per_tid_error == RN_ERR_IS_CAPTURE ? "it is the capture file"
								      : strerror(w->per_tid_error));
		else if (rn_sink_error(&w->capture_sink) && !rn_sink_error(&w->out) &&
			 !w->per_tid_error && !w->summary_error)
			fprintf(stderr, "renacer: capture '%s': %s\n", w->p->opt->capture,
				strerror(rn_sink_error(&w->capture_sink)));
		else /* strace's "strace: FILE: error" */
			fprintf(stderr, "renacer: %s: %s\n",
				w->p->opt->outfile ? w->p->opt->outfile : "standard output",
				strerror(sink_error(w)));
		return -1;
	}
	return 0;
}

void rn_writer_destroy(struct rn_writer *w)
{
	rn_sink_destroy(&w->out);
	rn_sink_destroy(&w->capture_sink);
	rn_procstats_free(w->procs);
	free(w->seen);
	free(w);
}
