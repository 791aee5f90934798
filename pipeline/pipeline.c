/*
 * pipeline.c - wiring the tracer to the workers and the writer
 * (see pipeline/pipeline.h). The functions here run on the tracer
 * thread, except rn_handback, which the workers call.
 */
#define _GNU_SOURCE
#include "pipeline/pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pipeline/worker_internal.h"

int rn_pipeline_start(struct rn_pipeline *p, const struct rn_options *opt, int out_fd,
		      struct rn_capture_writer *capture, int64_t real_minus_mono)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	memset(p, 0, sizeof(*p));
	p->opt = opt;
	p->nworkers = opt->nworkers > 0 ? (unsigned)opt->nworkers : (unsigned)(ncpu > 0 ? ncpu : 1);
	atomic_init(&p->hb_inbox, NULL);
	p->real_minus_mono = real_minus_mono;
	if (opt->count)
		rn_stats_init(&p->summary);
	p->hb_eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->hb_eventfd < 0)
		return -1;
	p->workers = calloc(p->nworkers, sizeof(*p->workers));
	if (!p->workers)
		return -1;
	/* The writer first: workers wake it. It starts once they exist. */
	p->writer = rn_writer_create(p, out_fd, capture);
	if (!p->writer)
		return -1;
	for (unsigned i = 0; i < p->nworkers; i++) {
		p->workers[i] = rn_worker_create(p, i);
		if (!p->workers[i])
			return -1;
	}
	return rn_writer_start(p->writer);
}

/* How often a wait for room asks p->stalled whether to give up. */
#define STALL_CHECK_NS (100 * 1000 * 1000ull)

/* A free slot of w's input ring, waiting while it is full; NULL once the
 * output is abandoned (the record is dropped). */
static void *reserve(struct rn_pipeline *p, struct rn_worker *w)
{
	if (atomic_load_explicit(&p->abandoned, memory_order_acquire))
		return NULL;
	void *slot = rn_ring_reserve(&w->in);
	if (!slot) {
		/* Full: wait, never drop (a trace with holes misleads; a slow
		 * one does not). The tracees wait with us; the stall is counted
		 * and reported. */
		/* Single writer: load + store, relaxed (see struct rn_stats). */
		atomic_store_explicit(&p->stats.ring_stalls,
				      atomic_load_explicit(&p->stats.ring_stalls,
							   memory_order_relaxed) + 1,
				      memory_order_relaxed);
		/* Every worker, not only this one: the writer merges by seq, so
		 * this worker may be stuck behind its full output ring until
		 * another worker turns the record with the next seq, one the
		 * tracer has not woken it for yet (wakes are batched). */
		rn_pipeline_kick(p);
		for (;;) {
			rn_parker_wake(&w->in.not_empty);
			uint32_t seen = rn_parker_prepare(&w->in.not_full);
			slot = rn_ring_reserve(&w->in);
			if (slot) {
				rn_parker_cancel(&w->in.not_full);
				break;
			}
			/* Timed: a fatal signal must end the run even when
			 * nothing reads the output (p->stalled decides). */
			rn_parker_sleep_for(&w->in.not_full, seen, STALL_CHECK_NS);
			if (rn_ring_reserve(&w->in))
				continue;
			if (p->stalled && p->stalled(p->stalled_arg))
				rn_pipeline_abandon(p);
			if (atomic_load_explicit(&p->abandoned, memory_order_relaxed))
				return NULL;
		}
	}
	return slot;
}

void rn_pipeline_push_bytes(struct rn_pipeline *p, int32_t tgid, const uint8_t *data, size_t len)
{
	struct rn_worker *w = p->workers[(unsigned)tgid % p->nworkers];
	for (size_t off = 0; off < len; off += RN_REC_PAYLOAD) {
		size_t n = len - off < RN_REC_PAYLOAD ? len - off : RN_REC_PAYLOAD;
		struct rn_record *slot = reserve(p, w);
		if (!slot) {
			p->stats.dropped++;
			return;
		}
		slot->kind = RN_REC_BYTES;
		slot->tgid = tgid;
		slot->hold_id = (uint32_t)n;
		memcpy((uint8_t *)slot + offsetof(struct rn_record, args), data + off, n);
		rn_ring_commit(&w->in);
	}
}

void rn_pipeline_push(struct rn_pipeline *p, const struct rn_record *rec)
{
	struct rn_worker *w = p->workers[(unsigned)rec->tgid % p->nworkers];
	void *slot = reserve(p, w);
	if (!slot) {
		p->stats.dropped++;
		return;
	}
	memcpy(slot, rec, sizeof(*rec));
	rn_ring_commit(&w->in);
	p->stats.records++;
	/* A held tracee waits for this worker: wake it now. Otherwise batch. */
	if ((rec->flags & RN_REC_HELD) || ++w->unwoken >= 64) {
		w->unwoken = 0;
		rn_parker_wake(&w->in.not_empty);
	}
}

void rn_pipeline_kick(struct rn_pipeline *p)
{
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct rn_worker *w = p->workers[i];
		if (w->unwoken) {
			w->unwoken = 0;
			rn_parker_wake(&w->in.not_empty);
		}
	}
}

int rn_pipeline_failed(struct rn_pipeline *p)
{
	return atomic_load_explicit(&p->output_failed, memory_order_acquire);
}

void rn_pipeline_abandon(struct rn_pipeline *p)
{
	/* Release: pairs with the acquire loads before a worker waits. */
	atomic_store_explicit(&p->abandoned, 1, memory_order_release);
	for (unsigned i = 0; i < p->nworkers; i++) {
		rn_parker_wake(&p->workers[i]->out.not_full);
		rn_parker_wake(&p->workers[i]->in.not_empty);
	}
}

int rn_pipeline_abandoned(struct rn_pipeline *p)
{
	return atomic_load_explicit(&p->abandoned, memory_order_acquire);
}

void rn_handback(struct rn_pipeline *p, pid_t tid, uint32_t hold_id)
{
	struct rn_handback *hb = malloc(sizeof(*hb));
	if (!hb) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	hb->tid = tid;
	hb->hold_id = hold_id;
	/* Release: the tracer's acquire exchange sees the node's fields. */
	hb->next = atomic_load_explicit(&p->hb_inbox, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&p->hb_inbox, &hb->next, hb,
						      memory_order_release, memory_order_relaxed))
		;
	/* Pairs with the fence in tracer_sleep(): either the tracer sees the
	 * node before it sleeps, or we see tracer_sleeping and wake it. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&p->tracer_sleeping, memory_order_relaxed)) {
		uint64_t one = 1;
		(void)!write(p->hb_eventfd, &one, sizeof(one));
	}
}

void rn_thread_end_mark(struct rn_thread_end *e)
{
	/* Release: pairs with the acquire load in rn_pipeline_join. */
	atomic_store_explicit(&e->done, 1, memory_order_release);
	rn_parker_wake(&e->parker);
}

int rn_pipeline_join(struct rn_pipeline *p, pthread_t th, struct rn_thread_end *end)
{
	/* Once abandoned, a thread gets this many checks to end: a worker
	 * drops what it has within one; a writer blocked in write(2) on a
	 * FIFO nobody reads never ends, and the process dies around it. */
	int grace = 5;
	for (;;) {
		uint32_t seen = rn_parker_prepare(&end->parker);
		if (atomic_load_explicit(&end->done, memory_order_acquire)) {
			rn_parker_cancel(&end->parker);
			/* It has returned or is about to: this join is short. */
			pthread_join(th, NULL);
			return 0;
		}
		rn_parker_sleep_for(&end->parker, seen, STALL_CHECK_NS);
		if (atomic_load_explicit(&end->done, memory_order_acquire))
			continue;
		if (!rn_pipeline_abandoned(p) && p->stalled && p->stalled(p->stalled_arg))
			rn_pipeline_abandon(p);
		if (rn_pipeline_abandoned(p) && grace-- == 0)
			return -1;
	}
}

int rn_pipeline_finish(struct rn_pipeline *p)
{
	/* Every worker is stopped (and so woken) before any is joined: the
	 * writer merges by seq, so one worker may wait for room in its output
	 * ring until another turns the record with the next seq, which the
	 * tracer has not woken it for (wakes are batched). Joining the first
	 * before waking the second waited for ever. */
	for (unsigned i = 0; i < p->nworkers; i++)
		rn_worker_stop(p->workers[i]);
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct rn_worker *w = p->workers[i];
		if (rn_pipeline_join(p, w->thread, &w->end) < 0)
			return RN_PIPELINE_ABANDONED;
		p->stats.prefetch_misses += w->snap.misses;
		p->stats.dropped += w->dropped;
		if (p->opt->count)
			rn_stats_merge(&p->summary, &w->stats);
	}
	rn_writer_stop(p->writer);
	if (rn_pipeline_join(p, rn_writer_thread(p->writer), rn_writer_end(p->writer)) < 0)
		return RN_PIPELINE_ABANDONED;
	int rc = rn_writer_report(p->writer);
	if (p->opt->count)
		rn_stats_free(&p->summary);
	for (size_t i = 0; i < p->nproc_rows; i++)
		free((char *)p->proc_rows[i].command);
	free(p->proc_rows);
	for (unsigned i = 0; i < p->nworkers; i++)
		rn_worker_destroy(p->workers[i]);
	rn_writer_destroy(p->writer);
	free(p->workers);
	close(p->hb_eventfd);
	/* Anything a worker handed back after the tracer's last look. */
	for (struct rn_handback *hb = rn_handback_take_all(p), *next; hb; hb = next) {
		next = hb->next;
		free(hb);
	}
	return rc;
}

struct rn_handback *rn_handback_take_all(struct rn_pipeline *p)
{
	/* Acquire pairs with the release CAS in rn_handback. */
	return atomic_exchange_explicit(&p->hb_inbox, NULL, memory_order_acquire);
}

int rn_handback_empty(struct rn_pipeline *p)
{
	return atomic_load_explicit(&p->hb_inbox, memory_order_seq_cst) == NULL;
}
