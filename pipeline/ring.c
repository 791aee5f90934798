/*
 * ring.c - SPSC bounded ring and futex parker (see pipeline/ring.h).
 *
 * Indices: head and tail count slots since init and never wrap in practice
 * (2^64 slots); the slot of index i is i & mask, the ring holds tail - head
 * committed slots, and it is full when tail - head == capacity.
 *
 * Ownership: head and tail_cache belong to the consumer thread, tail and
 * head_cache to the producer thread; elem_size, stride, mask and slots are
 * written only by init/destroy, before/after both threads run.
 */
#include "pipeline/ring.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RN_CACHE_LINE 64

/* ---- parker ---------------------------------------------------------- */

static void futex_wait(_Atomic uint32_t *addr, uint32_t seen, const struct timespec *rel)
{
	/* Returns at once with EAGAIN when *addr != seen, on a wake, on a
	 * signal (EINTR) or at the timeout. All are fine: the caller loops on
	 * its own condition, so we ignore the result. */
	(void)syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, seen,
		      rel, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *addr)
{
	(void)syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, INT_MAX,
		      NULL, NULL, 0);
}

void rn_parker_init(struct rn_parker *p)
{
	atomic_init(&p->futex, 0);
	atomic_init(&p->sleeping, 0);
}

/*
 * Why this is enough (the Dekker handshake): the sleeper does
 *     sleeping = 1; FENCE; seen = futex; re-check condition; futex_wait
 * and the waker does
 *     publish condition; FENCE; if (sleeping) { futex++; FUTEX_WAKE }.
 * The two seq_cst fences are totally ordered. If the sleeper's fence comes
 * first, the waker's load sees sleeping == 1 and wakes it; if the waker's
 * fence comes first, the sleeper's re-check sees the published condition
 * and cancels. If the waker's futex++ lands before the sleeper reads
 * `seen`, the acquire read of futex also makes the condition visible to the
 * re-check; if it lands after, futex_wait sees futex != seen (or is woken
 * by FUTEX_WAKE), so it cannot sleep through the wake.
 */
uint32_t rn_parker_prepare(struct rn_parker *p)
{
	/* seq_cst store + seq_cst fence: the store of sleeping must not be
	 * reordered after the caller's re-check load; pairs with the fence in
	 * rn_parker_wake. */
	atomic_store_explicit(&p->sleeping, 1, memory_order_seq_cst);
	atomic_thread_fence(memory_order_seq_cst);
	/* acquire: pairs with the release fetch_add in rn_parker_wake, so a
	 * bump we observe carries the condition the waker published. */
	return atomic_load_explicit(&p->futex, memory_order_acquire);
}

void rn_parker_sleep_for(struct rn_parker *p, uint32_t seen, uint64_t timeout_ns)
{
	struct timespec rel = { (time_t)(timeout_ns / 1000000000u),
				(long)(timeout_ns % 1000000000u) };
	futex_wait(&p->futex, seen, &rel);
	atomic_store_explicit(&p->sleeping, 0, memory_order_relaxed);
}

void rn_parker_sleep(struct rn_parker *p, uint32_t seen)
{
	futex_wait(&p->futex, seen, NULL);
	/* relaxed: a late clear only costs the waker a needless FUTEX_WAKE;
	 * the next prepare re-arms with a seq_cst store + fence. */
	atomic_store_explicit(&p->sleeping, 0, memory_order_relaxed);
}

void rn_parker_cancel(struct rn_parker *p)
{
	/* relaxed: same reasoning as in rn_parker_sleep. */
	atomic_store_explicit(&p->sleeping, 0, memory_order_relaxed);
}

void rn_parker_wake(struct rn_parker *p)
{
	/* seq_cst fence: orders the caller's publishing store (e.g. the tail
	 * release in commit) before the load of sleeping; pairs with the
	 * fence in rn_parker_prepare. */
	atomic_thread_fence(memory_order_seq_cst);
	/* relaxed: the fence above already gives this load its place in the
	 * handshake. */
	if (!atomic_load_explicit(&p->sleeping, memory_order_relaxed))
		return;
	/* release: pairs with the acquire load of futex in prepare. */
	atomic_fetch_add_explicit(&p->futex, 1, memory_order_release);
	futex_wake_all(&p->futex);
}

/* ---- ring ------------------------------------------------------------ */

int rn_ring_init(struct rn_ring *r, size_t elem_size, size_t capacity)
{
	const size_t align = alignof(max_align_t);
	size_t stride, bytes;

	if (elem_size == 0 || capacity < 2 || (capacity & (capacity - 1)))
		return -EINVAL;
	if (elem_size > SIZE_MAX - (align - 1))
		return -EINVAL;
	/* Round the stride up so every slot is aligned for any object type. */
	stride = (elem_size + align - 1) & ~(align - 1);
	if (__builtin_mul_overflow(stride, capacity, &bytes) ||
	    bytes > SIZE_MAX - (RN_CACHE_LINE - 1))
		return -EINVAL;
	/* aligned_alloc wants a size that is a multiple of the alignment. */
	bytes = (bytes + RN_CACHE_LINE - 1) & ~(size_t)(RN_CACHE_LINE - 1);

	memset(r, 0, sizeof(*r));
	r->slots = aligned_alloc(RN_CACHE_LINE, bytes);
	if (!r->slots)
		return -ENOMEM;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->head_cache = 0;
	r->tail_cache = 0;
	r->elem_size = elem_size;
	r->stride = stride;
	r->mask = capacity - 1;
	rn_parker_init(&r->not_empty);
	rn_parker_init(&r->not_full);
	return 0;
}

void rn_ring_destroy(struct rn_ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

void *rn_ring_reserve(struct rn_ring *r)
{
	/* relaxed: only this (producer) thread writes tail. */
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	/* Why the cache: reading head pulls the consumer's line over; do it
	 * only when our stale copy says the ring is full. */
	if (t - r->head_cache > r->mask) {
		/* acquire: pairs with the release store in rn_ring_pop, so
		 * the consumer's reads of the slot we are about to reuse
		 * happen before our writes to it. */
		r->head_cache = atomic_load_explicit(&r->head,
						     memory_order_acquire);
		if (t - r->head_cache > r->mask)
			return NULL;
	}
	return r->slots + (size_t)(t & r->mask) * r->stride;
}

void rn_ring_commit(struct rn_ring *r)
{
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	/* release: pairs with the acquire load of tail in rn_ring_peek, so
	 * the slot contents are visible before the new tail is. */
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

size_t rn_ring_count(struct rn_ring *r)
{
	/* acquire on head, read first: head only grows toward tail, and a
	 * head value we acquire was stored after the consumer saw a tail at
	 * least that large, so the later tail read cannot be behind it. */
	uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (t <= h)
		return 0;
	if (t - h > r->mask + 1)
		return r->mask + 1;
	return (size_t)(t - h);
}

void *rn_ring_peek(struct rn_ring *r)
{
	/* relaxed: only this (consumer) thread writes head. */
	uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	/* Why the cache: as in reserve, touch the producer's line only when
	 * our copy of tail says the ring is empty. */
	if (h == r->tail_cache) {
		/* acquire: pairs with the release store in rn_ring_commit. */
		r->tail_cache = atomic_load_explicit(&r->tail,
						     memory_order_acquire);
		if (h == r->tail_cache)
			return NULL;
	}
	return r->slots + (size_t)(h & r->mask) * r->stride;
}

void rn_ring_pop(struct rn_ring *r)
{
	uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	/* release: pairs with the acquire load of head in rn_ring_reserve,
	 * so our reads of the slot finish before the producer reuses it. */
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
}
