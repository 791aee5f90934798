/*
 * worker.c - a worker thread: turns records into text events.
 *
 * It reads the tracee's memory for a held record, hands the tracee back as
 * soon as the last read is done, pairs each syscall exit with its entry
 * (kept per tid in a small hash), and pushes exactly one event per record
 * to its output ring, in the order the records came.
 */
#define _GNU_SOURCE
#include "renacer/worker_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "renacer/names.h"
#include "renacer/proctab.h"
#include "renacer/text.h"

#define IN_CAPACITY 4096u
#define OUT_CAPACITY 4096u

/* ---- pending entries (worker-private) ----------------------------------- */

static struct rn_pending **pending_slot(struct rn_worker *w, pid_t tid)
{
	struct rn_pending **pp = &w->pending[(unsigned)tid % RN_PENDING_BUCKETS];
	while (*pp && (*pp)->entry.tid != tid)
		pp = &(*pp)->next;
	return pp;
}

static struct rn_pending *pending_take(struct rn_worker *w, pid_t tid)
{
	struct rn_pending **pp = pending_slot(w, tid);
	struct rn_pending *found = *pp;
	if (found)
		*pp = found->next;
	return found;
}

static void pending_put(struct rn_worker *w, struct rn_pending *pe)
{
	struct rn_pending **pp = pending_slot(w, pe->entry.tid);
	if (*pp) {
		/* An entry without its exit (the tracee was killed in between):
		 * the newer one wins. */
		struct rn_pending *old = *pp;
		*pp = old->next;
		free(old);
	}
	pe->next = w->pending[(unsigned)pe->entry.tid % RN_PENDING_BUCKETS];
	w->pending[(unsigned)pe->entry.tid % RN_PENDING_BUCKETS] = pe;
}

/* ---- output ------------------------------------------------------------- */

static struct rn_event *out_slot(struct rn_worker *w)
{
	struct rn_event *ev = rn_ring_reserve(&w->out);
	if (ev)
		return ev;
	/* The writer is behind: let it run, then wait for room. */
	for (;;) {
		rn_parker_wake(rn_writer_parker(w->p->writer));
		uint32_t seen = rn_parker_prepare(&w->out.not_full);
		ev = rn_ring_reserve(&w->out);
		if (ev) {
			rn_parker_cancel(&w->out.not_full);
			return ev;
		}
		rn_parker_sleep(&w->out.not_full, seen);
	}
}

static char *take_text(struct rn_worker *w, uint32_t *len)
{
	char *text = malloc(w->sb.len ? w->sb.len : 1);
	if (!text) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	memcpy(text, w->sb.p, w->sb.len);
	*len = (uint32_t)w->sb.len;
	rn_sbuf_reset(&w->sb);
	return text;
}

static void publish(struct rn_worker *w, const struct rn_record *rec, int kind,
		    const char *name, uint32_t split, int finish_pending)
{
	struct rn_event *ev = out_slot(w);
	memset(ev, 0, sizeof(*ev));
	ev->seq = rec->seq;
	ev->ts_ns = rec->ts_ns;
	ev->tid = rec->tid;
	ev->ntasks = rec->ntasks;
	ev->kind = (uint16_t)kind;
	ev->name = name;
	ev->split = split;
	ev->finish_pending = (uint16_t)finish_pending;
	if (kind != RN_EV_NONE && kind != RN_EV_DETACHED)
		ev->text = take_text(w, &ev->len);
	rn_ring_commit(&w->out);
}

/* ---- decoding ----------------------------------------------------------- */

static void decode_entry(struct rn_worker *w, const struct rn_record *rec)
{
	const struct rn_options *opt = w->p->opt;
	char scratch[32];
	const char *name = rn_text_syscall_name(rec->nr, scratch);
	struct rn_pending *pe = malloc(sizeof(*pe));
	if (!pe)
		abort();
	pe->entry = *rec;
	pe->next_arg = rn_text_entry(&w->sb, opt, rec, name);
	if (rec->flags & RN_REC_HELD)
		rn_handback(w->p, rec->tid, rec->hold_id);
	pending_put(w, pe);
	/* A name from scratch is not static: unknown syscalls keep no name. */
	publish(w, rec, RN_EV_ENTRY, name == scratch ? "syscall" : name, 0, 0);
}

static void decode_exit(struct rn_worker *w, const struct rn_record *rec)
{
	const struct rn_options *opt = w->p->opt;
	struct rn_pending *pe = pending_take(w, rec->tid);
	if (!pe) {
		if (rec->flags & RN_REC_HELD)
			rn_handback(w->p, rec->tid, rec->hold_id);
		publish(w, rec, RN_EV_NONE, NULL, 0, 0);
		return;
	}
	char scratch[32];
	const char *name = rn_text_syscall_name(pe->entry.nr, scratch);
	rn_text_exit_args(&w->sb, opt, &pe->entry, pe->next_arg, rec);
	if (rec->flags & RN_REC_HELD)
		rn_handback(w->p, rec->tid, rec->hold_id);
	uint32_t split = (uint32_t)w->sb.len;
	rn_text_result(&w->sb, rec);
	publish(w, rec, RN_EV_EXIT, name == scratch ? "syscall" : name, split, 0);
	free(pe);
}

/* A process event ends the tid's unfinished syscall, if it has one. */
static const char *end_pending(struct rn_worker *w, pid_t tid)
{
	struct rn_pending *pe = pending_take(w, tid);
	if (!pe)
		return NULL;
	const struct rn_syscall *sc = rn_syscall_get(pe->entry.nr);
	free(pe);
	return sc && sc->name ? sc->name : "syscall";
}

static void process(struct rn_worker *w, const struct rn_record *rec)
{
	const char *ended;

	switch (rec->kind) {
	case RN_REC_SYSCALL_ENTRY:
		decode_entry(w, rec);
		return;
	case RN_REC_SYSCALL_EXIT:
		decode_exit(w, rec);
		return;
	case RN_REC_SIGNAL:
		rn_text_signal(&w->sb, rec);
		publish(w, rec, RN_EV_LINE, NULL, 0, 0);
		return;
	case RN_REC_GROUP_STOP: {
		const char *sig = rn_signal_name((int)rec->args[0]);
		rn_sbuf_printf(&w->sb, "--- stopped by %s ---", sig ? sig : "SIG???");
		publish(w, rec, RN_EV_LINE, NULL, 0, 0);
		return;
	}
	case RN_REC_EXITED:
		ended = end_pending(w, rec->tid);
		rn_sbuf_printf(&w->sb, "+++ exited with %d +++", (int)rec->args[0]);
		publish(w, rec, RN_EV_LINE, ended, 0, ended != NULL);
		return;
	case RN_REC_KILLED: {
		const char *sig = rn_signal_name((int)rec->args[0]);
		ended = end_pending(w, rec->tid);
		rn_sbuf_printf(&w->sb, "+++ killed by %s%s +++", sig ? sig : "SIG???",
			       rec->args[1] ? " (core dumped)" : "");
		publish(w, rec, RN_EV_LINE, ended, 0, ended != NULL);
		return;
	}
	case RN_REC_SUPERSEDED:
		/* The old leader's unfinished syscall never completes: "= ?". */
		ended = end_pending(w, rec->tid);
		rn_sbuf_printf(&w->sb, "+++ superseded by execve in pid %d +++", (int)rec->args[0]);
		publish(w, rec, RN_EV_LINE, ended, 0, ended != NULL);
		return;
	case RN_REC_EXEC: {
		/* A non-leader exec: its pending execve now belongs to the
		 * leader's tid. Same tgid, so it is in this worker. */
		pid_t former = (pid_t)rec->args[0];
		if (former && former != rec->tid) {
			struct rn_pending *pe = pending_take(w, former);
			if (pe) {
				pe->entry.tid = rec->tid;
				pending_put(w, pe);
			}
		}
		publish(w, rec, RN_EV_NONE, NULL, 0, 0);
		return;
	}
	case RN_REC_NEW_TASK:
		if (w->p->opt->quiet) {
			publish(w, rec, RN_EV_NONE, NULL, 0, 0);
		} else {
			rn_sbuf_printf(&w->sb, "Process %d attached", rec->tid);
			publish(w, rec, RN_EV_STDERR, NULL, 0, 0);
		}
		return;
	case RN_REC_ATTACHED:
		if (rec->args[0] > 1)
			rn_sbuf_printf(&w->sb, "Process %d attached with %d threads", rec->tid,
				       (int)rec->args[0]);
		else
			rn_sbuf_printf(&w->sb, "Process %d attached", rec->tid);
		publish(w, rec, RN_EV_STDERR, NULL, 0, 0);
		return;
	case RN_REC_DETACHED:
		free(pending_take(w, rec->tid));
		publish(w, rec, RN_EV_DETACHED, NULL, 0, 0);
		return;
	default:
		publish(w, rec, RN_EV_NONE, NULL, 0, 0);
		return;
	}
}

static void *worker_main(void *arg)
{
	struct rn_worker *w = arg;
	struct rn_parker *writer = rn_writer_parker(w->p->writer);

	rn_proctab_thread_online();
	for (;;) {
		struct rn_record *rec = rn_ring_peek(&w->in);
		if (rec) {
			process(w, rec);
			rn_ring_pop(&w->in);
			/* The tracer may be waiting for room (a full ring). */
			rn_parker_wake(&w->in.not_full);
			if (rn_ring_count(&w->out) >= OUT_CAPACITY / 4)
				rn_parker_wake(writer);
			continue;
		}
		/* Idle: hand the writer what we have, then sleep. */
		rn_parker_wake(writer);
		if (atomic_load_explicit(&w->stop, memory_order_acquire) && !rn_ring_peek(&w->in))
			break;
		uint32_t seen = rn_parker_prepare(&w->in.not_empty);
		if (rn_ring_peek(&w->in) || atomic_load_explicit(&w->stop, memory_order_acquire)) {
			rn_parker_cancel(&w->in.not_empty);
			continue;
		}
		rn_parker_sleep(&w->in.not_empty, seen);
	}
	rn_proctab_thread_offline();
	return NULL;
}

struct rn_worker *rn_worker_create(struct rn_pipeline *p, unsigned index)
{
	/* The rings inside are cache-line aligned: calloc's 16 is not enough. */
	size_t size = (sizeof(struct rn_worker) + 63) & ~(size_t)63;
	struct rn_worker *w = aligned_alloc(64, size);
	if (!w)
		return NULL;
	memset(w, 0, size);
	w->p = p;
	w->index = index;
	if (rn_ring_init(&w->in, sizeof(struct rn_record), IN_CAPACITY) < 0 ||
	    rn_ring_init(&w->out, sizeof(struct rn_event), OUT_CAPACITY) < 0 ||
	    pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		free(w);
		return NULL;
	}
	char name[16];
	snprintf(name, sizeof(name), "rn-worker-%u", index);
	pthread_setname_np(w->thread, name);
	return w;
}

struct rn_ring *rn_worker_input(struct rn_worker *w)
{
	return &w->in;
}

struct rn_ring *rn_worker_output(struct rn_worker *w)
{
	return &w->out;
}

void rn_worker_stop_and_join(struct rn_worker *w)
{
	/* Pairs with the acquire load in worker_main: every record committed
	 * before this store is seen before the worker sees stop. */
	atomic_store_explicit(&w->stop, 1, memory_order_release);
	rn_parker_wake(&w->in.not_empty);
	pthread_join(w->thread, NULL);
}

void rn_worker_destroy(struct rn_worker *w)
{
	for (unsigned i = 0; i < RN_PENDING_BUCKETS; i++) {
		while (w->pending[i]) {
			struct rn_pending *pe = w->pending[i];
			w->pending[i] = pe->next;
			free(pe);
		}
	}
	rn_ring_destroy(&w->in);
	rn_ring_destroy(&w->out);
	rn_sbuf_free(&w->sb);
	free(w);
}
