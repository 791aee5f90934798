/*
 * bench_ring.c - the tracer -> worker hand-off, measured (see bench.h).
 *
 * The producer's side copies pipeline.c's rn_pipeline_push (reserve, copy,
 * commit, a wake every 64 records, wait on not_full when full) and the
 * consumers copy worker_main's loop (peek, use, pop, wake not_full; sleep
 * on not_empty when idle), without any decoding: what is left is the cost
 * of the rings and the parkers themselves. RN_BENCH_RING_WAKE_HALF measures
 * one alternative: the consumer wakes a waiting producer only once the ring
 * is half empty.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/record.h"
#include "pipeline/ring.h"

#define WAKE_EVERY 64u

struct consumer {
	struct rn_ring ring; /* 64-byte aligned: first member of an aligned block */
	struct rn_bench_ring *b;
	pthread_t thread;
	/* written by the consumer only; read by the producer after the ring
	 * drained (acquire on head in rn_ring_count is enough for a count
	 * that only grows; it is for checking, not for synchronisation) */
	_Atomic uint64_t popped;
	uint64_t checksum; /* keeps the reads of the records alive */
	unsigned unwoken;  /* producer-private: commits since the last wake */
};

struct rn_bench_ring {
	unsigned n;
	struct consumer **c;
	_Atomic int stop;
	unsigned flags;     /* enum rn_bench_ring_flags */
	size_t half;        /* capacity / 2 */
	uint64_t stalls;
	uint64_t seq;
};

static void *consumer_main(void *arg)
{
	struct consumer *c = arg;
	struct rn_ring *r = &c->ring;
	for (;;) {
		const struct rn_record *rec = rn_ring_peek(r);
		if (rec) {
			c->checksum += rec->seq ^ (uint64_t)rec->nr ^ rec->args[0];
			rn_ring_pop(r);
			atomic_store_explicit(&c->popped,
					      atomic_load_explicit(&c->popped, memory_order_relaxed) + 1,
					      memory_order_relaxed);
			/* The producer may wait for room, or for the ring to drain. */
			if (!(c->b->flags & RN_BENCH_RING_WAKE_HALF) || rn_ring_count(r) <= c->b->half)
				rn_parker_wake(&r->not_full);
			continue;
		}
		if (atomic_load_explicit(&c->b->stop, memory_order_acquire))
			break;
		uint32_t seen = rn_parker_prepare(&r->not_empty);
		if (rn_ring_peek(r) || atomic_load_explicit(&c->b->stop, memory_order_acquire)) {
			rn_parker_cancel(&r->not_empty);
			continue;
		}
		rn_parker_sleep(&r->not_empty, seen);
	}
	return NULL;
}

struct rn_bench_ring *rn_bench_ring_start(unsigned consumers, unsigned capacity,
					  unsigned flags)
{
	struct rn_bench_ring *b = calloc(1, sizeof(*b));
	if (!b || consumers == 0)
		abort();
	b->n = consumers;
	b->flags = flags;
	b->half = capacity / 2;
	b->c = calloc(consumers, sizeof(*b->c));
	if (!b->c)
		abort();
	atomic_init(&b->stop, 0);
	for (unsigned i = 0; i < consumers; i++) {
		size_t size = (sizeof(struct consumer) + 63) & ~(size_t)63;
		struct consumer *c = aligned_alloc(64, size);
		if (!c)
			abort();
		memset(c, 0, sizeof(*c));
		if (rn_ring_init(&c->ring, sizeof(struct rn_record), capacity) != 0)
			abort();
		c->b = b;
		atomic_init(&c->popped, 0);
		b->c[i] = c;
	}
	for (unsigned i = 0; i < consumers; i++)
		if (pthread_create(&b->c[i]->thread, NULL, consumer_main, b->c[i]) != 0)
			abort();
	return b;
}

/* The producer waits for room (or for the ring to drain) on not_full, as
 * the tracer does when a worker's ring is full. */
static void wait_until(struct consumer *c, int drained)
{
	struct rn_ring *r = &c->ring;
	for (;;) {
		c->unwoken = 0;
		rn_parker_wake(&r->not_empty);
		uint32_t seen = rn_parker_prepare(&r->not_full);
		int ok = drained ? rn_ring_count(r) == 0 : rn_ring_reserve(r) != NULL;
		if (ok) {
			rn_parker_cancel(&r->not_full);
			return;
		}
		rn_parker_sleep(&r->not_full, seen);
	}
}

void rn_bench_ring_run(struct rn_bench_ring *b, uint64_t n)
{
	struct rn_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.kind = RN_REC_SYSCALL_ENTRY;
	rec.nr = 110; /* getppid */
	for (uint64_t i = 0; i < n; i++) {
		struct consumer *c = b->c[i % b->n];
		void *slot = rn_ring_reserve(&c->ring);
		if (!slot) {
			b->stalls++;
			wait_until(c, 0);
			slot = rn_ring_reserve(&c->ring);
		}
		rec.seq = ++b->seq;
		rec.tid = rec.tgid = (int32_t)(i % b->n) + 1;
		rec.args[0] = i;
		memcpy(slot, &rec, sizeof(rec));
		rn_ring_commit(&c->ring);
		if (++c->unwoken >= WAKE_EVERY) {
			c->unwoken = 0;
			rn_parker_wake(&c->ring.not_empty);
		}
	}
	for (unsigned i = 0; i < b->n; i++)
		wait_until(b->c[i], 1);
}

uint64_t rn_bench_ring_stalls(const struct rn_bench_ring *b)
{
	return b->stalls;
}

void rn_bench_ring_stop(struct rn_bench_ring *b)
{
	atomic_store_explicit(&b->stop, 1, memory_order_release);
	uint64_t popped = 0;
	for (unsigned i = 0; i < b->n; i++) {
		rn_parker_wake(&b->c[i]->ring.not_empty);
		pthread_join(b->c[i]->thread, NULL);
		popped += atomic_load_explicit(&b->c[i]->popped, memory_order_relaxed);
	}
	if (popped != b->seq) {
		fprintf(stderr, "bench_ring: %llu records pushed, %llu popped\n",
			(unsigned long long)b->seq, (unsigned long long)popped);
		abort();
	}
	for (unsigned i = 0; i < b->n; i++) {
		rn_ring_destroy(&b->c[i]->ring);
		free(b->c[i]);
	}
	free(b->c);
	free(b);
}

void rn_bench_ring_same_thread(uint64_t n)
{
	static struct rn_ring r; /* static: 64-byte aligned storage */
	static int ready;
	if (!ready) {
		if (rn_ring_init(&r, sizeof(struct rn_record), 4096) != 0)
			abort();
		ready = 1;
	}
	struct rn_record rec;
	memset(&rec, 0, sizeof(rec));
	uint64_t sum = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct rn_record *slot = rn_ring_reserve(&r);
		rec.seq = i;
		memcpy(slot, &rec, sizeof(rec));
		rn_ring_commit(&r);
		const struct rn_record *got = rn_ring_peek(&r);
		sum += got->seq;
		rn_ring_pop(&r);
	}
	/* an empty asm that claims to read sum: the loop cannot be dropped */
	__asm__ volatile("" : : "r"(sum));
}
