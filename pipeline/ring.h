/*
 * ring.h - a bounded, lock-free, single-producer single-consumer ring of
 * fixed-size slots, and the parker threads sleep on when it is empty/full.
 *
 * Contract:
 *  - exactly one producer thread and one consumer thread per ring;
 *  - capacity is a power of two, elem_size is fixed at init;
 *  - rn_ring_reserve/rn_ring_commit never block: a full ring returns NULL
 *    and the producer decides (the tracer waits: a trace never drops a
 *    record for lack of room; docs/DESIGN.md, "Correctness rules");
 *  - a committed slot becomes visible to the consumer with release/acquire
 *    ordering on the tail index; a popped slot becomes reusable to the
 *    producer with release/acquire ordering on the head index.
 *
 * Sleeping: a consumer that finds the ring empty parks on a rn_parker;
 * the producer calls rn_parker_wake() after committing. The pair uses a
 * Dekker-style handshake (sleeping flag + full fence on both sides) so a
 * wake-up is never lost and a producer pays only a load when nobody sleeps.
 */
#ifndef RENACER_RING_H
#define RENACER_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A futex-backed sleep/wake point. Owned by the thread that sleeps on it;
 * any thread may wake it. */
struct rn_parker {
	_Atomic uint32_t futex;   /* bumped by every wake that found a sleeper */
	_Atomic uint32_t sleeping; /* 1 between rn_parker_prepare and return from
				      rn_parker_sleep/cancel; pairs with the
				      fence in rn_parker_wake */
};

void rn_parker_init(struct rn_parker *p);
/* Announce the intent to sleep; returns the futex value to pass to sleep.
 * The caller must re-check its condition after this call. */
uint32_t rn_parker_prepare(struct rn_parker *p);
/* Sleep until woken (or spuriously); clears sleeping. */
void rn_parker_sleep(struct rn_parker *p, uint32_t seen);
/* The same, waking by itself after timeout_ns at the latest. */
void rn_parker_sleep_for(struct rn_parker *p, uint32_t seen, uint64_t timeout_ns);
/* The condition came true between prepare and sleep: clear sleeping. */
void rn_parker_cancel(struct rn_parker *p);
/* Wake the sleeper if there is one. Call after publishing the state the
 * sleeper waits for. Costs one fence and one load when nobody sleeps. */
void rn_parker_wake(struct rn_parker *p);

/*
 * Layout: each 64-byte line is written by one side only, so the two threads
 * do not ping-pong a line on the fast path. The consumer's line holds head
 * and its private tail_cache; the producer's line holds tail and its private
 * head_cache. The struct is 64-byte aligned: allocate it with aligned_alloc
 * (or embed it), not plain malloc.
 */
struct rn_ring {
	/* consumer's line */
	_Alignas(64) _Atomic uint64_t head; /* written by the consumer (release
					       in pop), read by the producer
					       (acquire in reserve) */
	uint64_t tail_cache;                /* consumer-private copy of tail */
	/* producer's line */
	_Alignas(64) _Atomic uint64_t tail; /* written by the producer (release
					       in commit), read by the consumer
					       (acquire in peek) */
	uint64_t head_cache;                /* producer-private copy of head */
	/* read-only after init: shared clean by both sides */
	_Alignas(64) size_t elem_size;      /* as passed to init */
	size_t stride;                      /* elem_size rounded up to
					       alignof(max_align_t) */
	size_t mask;                        /* capacity - 1 */
	unsigned char *slots;               /* 64-byte aligned */
	/* each parker on its own line: its sleeping flag is written by the
	 * sleeper and polled by the other side on every commit/pop */
	_Alignas(64) struct rn_parker not_empty; /* the consumer sleeps here */
	_Alignas(64) struct rn_parker not_full;  /* the producer sleeps here */
};

/* capacity must be a power of two >= 2. Returns 0 or -ENOMEM/-EINVAL. */
int rn_ring_init(struct rn_ring *r, size_t elem_size, size_t capacity);
void rn_ring_destroy(struct rn_ring *r);

/* Producer side. */
void *rn_ring_reserve(struct rn_ring *r);   /* NULL when full */
void rn_ring_commit(struct rn_ring *r);     /* publish the reserved slot */
size_t rn_ring_count(struct rn_ring *r);    /* approximate, either side */

/* Consumer side. */
void *rn_ring_peek(struct rn_ring *r);      /* NULL when empty */
void rn_ring_pop(struct rn_ring *r);        /* release the peeked slot */

#endif /* RENACER_RING_H */
