/*
 * text_sink.c - strace's text from events in sequence order (see
 * sinks/text_sink.h).
 */
#define _GNU_SOURCE
#include "sinks/text_sink.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sinks/calls.h"
#include "base/names.h"
#include "sinks/render_text.h"
#include "syscalls/syscalls.h"

#define FLUSH_AT (64u * 1024u)

void rn_text_sink_init(struct rn_text_sink *s, const struct rn_options *opt, int file_prefix,
		       rn_sink_write_fn write, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	s->file_prefix = file_prefix;
	s->write = write;
	s->ctx = ctx;
	rn_calls_init(&s->calls);
}

int rn_text_sink_flush(struct rn_text_sink *w)
{
	if (w->out.len && !w->error)
		w->error = w->write(w->ctx, w->out.p, w->out.len);
	/* An open line may span a flush: remember how wide it already is. */
	w->col_base += w->out.len - w->line_start;
	rn_sbuf_reset(&w->out);
	w->line_start = 0;
	return w->error;
}

void rn_text_sink_set_clock(struct rn_text_sink *s, int64_t real_minus_mono)
{
	s->real_minus_mono = real_minus_mono;
}

static uint32_t nr_slot(const struct rn_text_sink *w, int32_t tid)
{
	uint32_t mask = w->nrs_cap - 1, i = ((uint32_t)tid * 2654435761u) & mask;
	while (w->nrs[i].tid && w->nrs[i].tid != tid)
		i = (i + 1) & mask;
	return i;
}

/* -1 when tid has none. */
static int32_t nr_get(const struct rn_text_sink *w, int32_t tid)
{
	if (!w->nrs_n)
		return -1;
	uint32_t i = nr_slot(w, tid);
	return w->nrs[i].tid ? w->nrs[i].nr : -1;
}

static void nr_set(struct rn_text_sink *w, int32_t tid, int32_t nr)
{
	if ((w->nrs_n + 1) * 2 > w->nrs_cap) {
		struct rn_tid_nr *old = w->nrs;
		uint32_t old_cap = w->nrs_cap;
		w->nrs_cap = old_cap ? old_cap * 2 : 64;
		w->nrs = calloc(w->nrs_cap, sizeof(*w->nrs));
		if (!w->nrs)
			abort();
		for (uint32_t k = 0; k < old_cap; k++)
			if (old[k].tid)
				w->nrs[nr_slot(w, old[k].tid)] = old[k];
		free(old);
	}
	uint32_t i = nr_slot(w, tid);
	w->nrs_n += !w->nrs[i].tid;
	w->nrs[i] = (struct rn_tid_nr){ tid, nr };
}

/* Removed with the slots after it moved back, so no probe chain breaks. */
static void nr_del(struct rn_text_sink *w, int32_t tid)
{
	if (!w->nrs_n)
		return;
	uint32_t mask = w->nrs_cap - 1, i = nr_slot(w, tid);
	if (!w->nrs[i].tid)
		return;
	w->nrs[i].tid = 0;
	w->nrs_n--;
	for (uint32_t j = (i + 1) & mask; w->nrs[j].tid; j = (j + 1) & mask) {
		uint32_t home = ((uint32_t)w->nrs[j].tid * 2654435761u) & mask;
		/* j's entry may fill the hole unless its home lies in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			w->nrs[i] = w->nrs[j];
			w->nrs[j].tid = 0;
			i = j;
		}
	}
}

/* strace's -n prefix: a call's own number; on a signal or exit line the
 * thread's last one, which the tracer gives the event (a capture's events
 * do not have it: then the last call shown); 0 when there is none yet. */
static void put_nr(struct rn_text_sink *w, const struct rn_event *ev)
{
	int32_t nr = ev->nr;
	if (ev->kind == RN_EV_ENTRY || ev->kind == RN_EV_EXIT)
		nr_set(w, ev->tid, nr);
	else if (nr < 0)
		nr = nr_get(w, ev->tid);
	if (nr < 0)
		nr = 0;
	if (rn_nr_is_i386(nr))
		nr &= RN_NR_I386_MASK;
	rn_sbuf_printf(&w->out, "[%4u] ", (unsigned)nr);
}

static void begin_line(struct rn_text_sink *w, const struct rn_event *ev)
{
	const struct rn_timefmt *tf = &w->opt->tf;
	w->line_start = w->out.len;
	w->col_base = 0;
	if (w->bare)
		; /* -ff: the file names the tid */
	else if (w->file_prefix) { /* "%-5d " */
		rn_sbuf_put_i64(&w->out, ev->tid, -5);
		rn_sbuf_putc(&w->out, ' ');
	} else if (ev->ntasks > 1) { /* "[pid %5d] " */
		rn_sbuf_puts(&w->out, "[pid ");
		rn_sbuf_put_i64(&w->out, ev->tid, 5);
		rn_sbuf_puts(&w->out, "] ");
	}
	/* strace puts the time after the pid and counts it in the column. */
	if (tf->abs_format || tf->rel) {
		uint64_t delta = tf->rel ? rn_timefmt_rel_next(&w->rel, ev->ts_ns) : 0;
		rn_timefmt_prefix(&w->out, tf, (uint64_t)((int64_t)ev->ts_ns + w->real_minus_mono),
				  delta);
	}
	if (w->opt->syscall_number)
		put_nr(w, ev);
	/* -i: where the thread stopped; an exit line has no such place */
	if (w->opt->instruction_pointer) {
		if (ev->ip)
			rn_sbuf_printf(&w->out, "[%016llx] ", (unsigned long long)ev->ip);
		else
			rn_sbuf_puts(&w->out, "[????????????????] ");
	}
}

static void end_line(struct rn_text_sink *w)
{
	rn_sbuf_putc(&w->out, '\n');
	w->line_start = w->out.len;
	w->col_base = 0;
	if (w->out.len >= FLUSH_AT)
		rn_text_sink_flush(w);
}

/* strace's tabto(): pad to the result column (-a, 40 by default), or one
 * space past it; -a0 is always the one space. */
static void pad_to_result(struct rn_text_sink *w)
{
	size_t col = w->col_base + w->out.len - w->line_start;
	size_t column = w->opt->acolumn > 0 ? (size_t)w->opt->acolumn : 0;
	if (col < column) {
		rn_sbuf_reserve(&w->out, column - col);
		memset(w->out.p + w->out.len, ' ', column - col);
		w->out.len += column - col;
	} else {
		rn_sbuf_putc(&w->out, ' ');
	}
}

static void close_open_line(struct rn_text_sink *w, const char *why)
{
	if (!w->open_tid)
		return;
	rn_sbuf_puts(&w->out, why);
	end_line(w);
	w->open_tid = 0;
}

/* Start tid's "<... name resumed>" line unless its entry line is open. */
static void resume_line(struct rn_text_sink *w, const struct rn_event *ev, int32_t nr)
{
	if (w->open_tid == ev->tid)
		return;
	char scratch[32];
	close_open_line(w, " <unfinished ...>");
	begin_line(w, ev);
	rn_sbuf_printf(&w->out, "<... %s resumed>", rn_call_name(nr, scratch));
}

/* A process event for a tid with an unfinished syscall: ") = ?" first.
 * strace says " <unfinished ...>" before it when the call had arguments
 * left to show at its exit (ev->more), open line or resumed one alike. */
static void finish_unfinished(struct rn_text_sink *w, const struct rn_event *ev)
{
	resume_line(w, ev, ev->nr);
	if (ev->more)
		rn_sbuf_puts(&w->out, " <unfinished ...>");
	rn_sbuf_putc(&w->out, ')');
	pad_to_result(w);
	rn_sbuf_puts(&w->out, "= ?");
	end_line(w);
	w->open_tid = 0;
}

/* A whole line of its own: "+++ exited with 0 +++", "--- SIGCHLD ... ---". */
static void begin_own_line(struct rn_text_sink *w, const struct rn_event *ev)
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

int rn_text_notice_wanted(const struct rn_options *opt, const struct rn_event *ev)
{
	/* -q, -e quiet=attach: none, as strace -q */
	return !opt->quiet && (ev->kind == RN_EV_NEW_TASK || ev->kind == RN_EV_ATTACHED ||
			       ev->kind == RN_EV_DETACHED);
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

void rn_text_notice(const struct rn_options *opt, const struct rn_event *ev)
{
	if (!rn_text_notice_wanted(opt, ev))
		return;
	if (ev->kind == RN_EV_DETACHED)
		stderr_line("renacer: Process %d detached\n", ev->tid);
	else if (ev->kind == RN_EV_ATTACHED && ev->ret > 1)
		stderr_line("renacer: Process %d attached with %d threads\n", ev->tid, (int)ev->ret);
	else
		stderr_line("renacer: Process %d attached\n", ev->tid);
}

static void render_event(struct rn_text_sink *w, const struct rn_event *ev);

/* -z, -Z, -e status=: a call's line is printed only once its outcome is
 * known, entry and exit together (so never "<unfinished ...>"). */
static void filter_by_status(struct rn_text_sink *w, const struct rn_event *ev)
{
	const struct rn_filter *f = &w->opt->filter;
	struct rn_event *entry;
	switch (ev->kind) {
	case RN_EV_ENTRY:
		rn_calls_enter(&w->calls, ev);
		return;
	case RN_EV_EXIT:
		entry = rn_calls_take(&w->calls, ev->tid);
		if (entry && rn_filter_status_shown(f, ev->is_error ? RN_STATUS_FAILED
								    : RN_STATUS_SUCCESSFUL)) {
			render_event(w, entry);
			render_event(w, ev);
		}
		rn_event_free_copy(entry);
		return;
	case RN_EV_EXITED:
	case RN_EV_KILLED:
	case RN_EV_SUPERSEDED:
	case RN_EV_DETACHED:
		entry = rn_calls_take(&w->calls, ev->tid);
		/* The execve of thread `ret` completes in the leader's tid: its
		 * held entry goes with it (else the exec is never shown). */
		if (ev->kind == RN_EV_SUPERSEDED)
			rn_calls_move(&w->calls, (int32_t)ev->ret, ev->tid);
		if (entry) {
			unsigned st = ev->kind == RN_EV_DETACHED ? RN_STATUS_DETACHED
								 : RN_STATUS_UNFINISHED;
			if (rn_filter_status_shown(f, st)) {
				render_event(w, entry);
				render_event(w, ev);
			} else {
				struct rn_event copy = *ev;
				copy.finish_pending = 0;
				render_event(w, &copy);
			}
			rn_event_free_copy(entry);
			return;
		}
		render_event(w, ev);
		return;
	default:
		render_event(w, ev);
		return;
	}
}

static void sink_event(struct rn_text_sink *w, const struct rn_event *ev)
{
	const struct rn_filter *f = &w->opt->filter;
	/* -e signal=, -e quiet=exit,thread-execve (-qq) */
	if ((ev->kind == RN_EV_SIGNAL || ev->kind == RN_EV_GROUP_STOP) &&
	    !rn_filter_signal_shown(f, (int)ev->ret))
		return;
	if (((ev->kind == RN_EV_EXITED || ev->kind == RN_EV_KILLED) &&
	     rn_filter_quiet(f, RN_QUIET_EXIT)) ||
	    (ev->kind == RN_EV_SUPERSEDED && rn_filter_quiet(f, RN_QUIET_THREAD_EXECVE))) {
		/* The line goes; an unfinished call still ends with "= ?". */
		if (ev->finish_pending && f->status == RN_STATUS_ALL)
			finish_unfinished(w, ev);
		return;
	}
	if (f->status != RN_STATUS_ALL)
		filter_by_status(w, ev);
	else
		render_event(w, ev);
}

void rn_text_sink_event(struct rn_text_sink *w, const struct rn_event *ev)
{
	sink_event(w, ev);
	if (w->nrs_n && (ev->kind == RN_EV_EXITED || ev->kind == RN_EV_KILLED ||
			 ev->kind == RN_EV_SUPERSEDED || ev->kind == RN_EV_DETACHED))
		nr_del(w, ev->tid);
}

static void render_event(struct rn_text_sink *w, const struct rn_event *ev)
{
	const struct rn_options *opt = w->opt;
	char scratch[32];

	switch (ev->kind) {
	case RN_EV_ENTRY:
		close_open_line(w, " <unfinished ...>");
		begin_line(w, ev);
		rn_sbuf_puts(&w->out, rn_call_name(ev->nr, scratch));
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
		if (ev->ret_path_len)
			rn_text_fd_path(&w->out, opt, ev->bytes + ev->ret_path_off,
					ev->ret_path_len);
		rn_text_after_result(&w->out, opt, ev->v, ev->bytes, 0, ev->nv);
		/* strace's words: "(INJECTED: args, retval)" when both were */
		if (ev->tampered & RN_EV_INJECTED_ARGS)
			rn_sbuf_puts(&w->out, ev->tampered & RN_EV_INJECTED ? " (INJECTED: args, retval)"
									   : " (INJECTED: args)");
		else if (ev->tampered & RN_EV_INJECTED)
			rn_sbuf_puts(&w->out, " (INJECTED)");
		if (ev->tampered & RN_EV_DELAYED)
			rn_sbuf_puts(&w->out, " (DELAYED)");
		if (opt->tf.dur)
			rn_timefmt_dur(&w->out, opt->tf.dur_digits, ev->ts_ns - ev->entry_ts_ns);
		end_line(w);
		w->open_tid = 0;
		if (ev->nv && (ev->v[ev->nv - 1].flags & RN_VF_DUMP)) {
			/* -e read=/write=: the dump, last of the values */
			rn_text_dumps(&w->out, ev->v, ev->bytes, 0, ev->nv);
			w->line_start = w->out.len;
		}
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
	case RN_EV_ATTACHED:
		rn_text_notice(opt, ev);
		break;
	case RN_EV_DETACHED:
		if (w->open_tid == ev->tid)
			close_open_line(w, " <detached ...>");
		rn_text_notice(opt, ev);
		break;
	default:
		break;
	}
}

void rn_text_sink_close_line(struct rn_text_sink *s, const char *why)
{
	close_open_line(s, why);
}

int rn_text_sink_finish(struct rn_text_sink *s)
{
	close_open_line(s, "");
	return rn_text_sink_flush(s);
}

void rn_text_sink_free(struct rn_text_sink *s)
{
	free(s->nrs);
	rn_calls_free(&s->calls);
	rn_sbuf_free(&s->out);
}
