/*
 * test_ring.c - the SPSC ring and its parkers: single-thread semantics,
 * wrap-around, and two multi-threaded stress runs that sleep on the
 * parkers (1 producer -> 1 consumer; 1 producer -> N rings/consumers).
 *
 * RN_STRESS_ITEMS in the environment overrides the item count of the
 * stress runs (e.g. smaller under a slow sanitizer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <time.h>

#include "decode/record.h"
#include "pipeline/ring.h"

/* ---- helpers --------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t stress_items(uint64_t dflt)
{
	const char *e = getenv("RN_STRESS_ITEMS");

	return e && *e ? strtoull(e, NULL, 10) : dflt;
}

static struct rn_ring *ring_new(size_t elem, size_t cap)
{
	/* rn_ring is 64-byte aligned: plain malloc would not do. */
	struct rn_ring *r = aligned_alloc(alignof(struct rn_ring),
					  sizeof(struct rn_ring));

	assert_non_null(r);
	assert_int_equal(rn_ring_init(r, elem, cap), 0);
	return r;
}

static void ring_free(struct rn_ring *r)
{
	rn_ring_destroy(r);
	free(r);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Spin this many polls before parking: a futex round trip per item would
 * dominate a ring this small. */
#define SPIN_POLLS 200

/* Producer side, blocking: spin, then park on not_full. */
static void *reserve_wait(struct rn_ring *r, uint64_t *sleeps)
{
	void *slot;

	for (int i = 0; i < SPIN_POLLS; i++) {
		if ((slot = rn_ring_reserve(r)))
			return slot;
		cpu_relax();
	}
	for (;;) {
		uint32_t seen = rn_parker_prepare(&r->not_full);

		if ((slot = rn_ring_reserve(r))) {
			rn_parker_cancel(&r->not_full);
			return slot;
		}
		rn_parker_sleep(&r->not_full, seen);
		++*sleeps;
		if ((slot = rn_ring_reserve(r)))
			return slot;
	}
}

static void commit_wake(struct rn_ring *r)
{
	rn_ring_commit(r);
	rn_parker_wake(&r->not_empty);
}

/* Consumer side, blocking: spin, then park on not_empty. */
static void *peek_wait(struct rn_ring *r, uint64_t *sleeps)
{
	void *slot;

	for (int i = 0; i < SPIN_POLLS; i++) {
		if ((slot = rn_ring_peek(r)))
			return slot;
		cpu_relax();
	}
	for (;;) {
		uint32_t seen = rn_parker_prepare(&r->not_empty);

		if ((slot = rn_ring_peek(r))) {
			rn_parker_cancel(&r->not_empty);
			return slot;
		}
		rn_parker_sleep(&r->not_empty, seen);
		++*sleeps;
		if ((slot = rn_ring_peek(r)))
			return slot;
	}
}

static void pop_wake(struct rn_ring *r)
{
	rn_ring_pop(r);
	rn_parker_wake(&r->not_full);
}

/* ---- single-threaded ------------------------------------------------- */

static void test_init_errors(void **state)
{
	struct rn_ring *r = aligned_alloc(alignof(struct rn_ring),
					  sizeof(struct rn_ring));

	(void)state;
	assert_non_null(r);
	assert_int_equal(rn_ring_init(r, 8, 0), -EINVAL);
	assert_int_equal(rn_ring_init(r, 8, 1), -EINVAL);
	assert_int_equal(rn_ring_init(r, 8, 3), -EINVAL);
	assert_int_equal(rn_ring_init(r, 8, 96), -EINVAL);
	assert_int_equal(rn_ring_init(r, 0, 8), -EINVAL);
	assert_int_equal(rn_ring_init(r, SIZE_MAX, 8), -EINVAL);
	assert_int_equal(rn_ring_init(r, SIZE_MAX / 4, 8), -EINVAL);
	assert_int_equal(rn_ring_init(r, 8, 2), 0);
	rn_ring_destroy(r);
	free(r);
}

static void test_order(void **state)
{
	struct rn_ring *r = ring_new(sizeof(int), 8);

	(void)state;
	for (int i = 0; i < 5; i++) {
		int *p = rn_ring_reserve(r);
		assert_non_null(p);
		*p = 100 + i;
		rn_ring_commit(r);
	}
	assert_int_equal(rn_ring_count(r), 5);
	for (int i = 0; i < 5; i++) {
		int *p = rn_ring_peek(r);
		assert_non_null(p);
		assert_int_equal(*p, 100 + i);
		rn_ring_pop(r);
	}
	assert_null(rn_ring_peek(r));
	assert_int_equal(rn_ring_count(r), 0);
	ring_free(r);
}

static void test_empty(void **state)
{
	struct rn_ring *r = ring_new(16, 4);

	(void)state;
	assert_null(rn_ring_peek(r));
	assert_null(rn_ring_peek(r));
	assert_int_equal(rn_ring_count(r), 0);
	/* A reserved but uncommitted slot is not visible. */
	assert_non_null(rn_ring_reserve(r));
	assert_null(rn_ring_peek(r));
	rn_ring_commit(r);
	assert_non_null(rn_ring_peek(r));
	rn_ring_pop(r);
	assert_null(rn_ring_peek(r));
	ring_free(r);
}

static void test_full_at_capacity(void **state)
{
	(void)state;
	for (size_t cap = 2; cap <= 256; cap *= 2) {
		struct rn_ring *r = ring_new(sizeof(uint64_t), cap);

		for (size_t i = 0; i < cap; i++) {
			uint64_t *p = rn_ring_reserve(r);
			assert_non_null(p);
			*p = i;
			rn_ring_commit(r);
		}
		assert_null(rn_ring_reserve(r));
		assert_null(rn_ring_reserve(r));
		assert_int_equal(rn_ring_count(r), cap);
		/* One pop frees exactly one slot. */
		assert_int_equal(*(uint64_t *)rn_ring_peek(r), 0);
		rn_ring_pop(r);
		assert_non_null(rn_ring_reserve(r));
		rn_ring_commit(r);
		assert_null(rn_ring_reserve(r));
		ring_free(r);
	}
}

static void test_reserve_peek_idempotent(void **state)
{
	struct rn_ring *r = ring_new(8, 4);

	(void)state;
	void *a = rn_ring_reserve(r);
	assert_ptr_equal(a, rn_ring_reserve(r));
	rn_ring_commit(r);
	void *b = rn_ring_peek(r);
	assert_ptr_equal(a, b);
	assert_ptr_equal(b, rn_ring_peek(r));
	rn_ring_pop(r);
	ring_free(r);
}

static unsigned char pattern(uint64_t seq, size_t i)
{
	return (unsigned char)(seq * 131u + i * 7u + (seq >> 8));
}

/* Many cycles over small rings, filling to a varying depth each time, so
 * indices wrap the slot array thousands of times; every byte checked. */
static void test_wrap_around(void **state)
{
	static const size_t sizes[] = { 1, 3, 8, 13, 64, 95,
					sizeof(struct rn_record), 100, 4096 };
	static const size_t caps[] = { 2, 4, 8 };

	(void)state;
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (size_t ci = 0; ci < sizeof(caps) / sizeof(caps[0]); ci++) {
			size_t elem = sizes[si], cap = caps[ci];
			struct rn_ring *r = ring_new(elem, cap);
			uint64_t wseq = 0, rseq = 0;

			assert_int_equal((uintptr_t)r->slots % 64, 0);
			for (unsigned cycle = 0; cycle < 3000; cycle++) {
				size_t depth = 1 + cycle % cap;

				for (size_t k = 0; k < depth; k++) {
					unsigned char *p = rn_ring_reserve(r);
					assert_non_null(p);
					assert_int_equal((uintptr_t)p %
						alignof(max_align_t), 0);
					for (size_t i = 0; i < elem; i++)
						p[i] = pattern(wseq, i);
					rn_ring_commit(r);
					wseq++;
				}
				if (depth == cap)
					assert_null(rn_ring_reserve(r));
				/* Leave one behind on odd cycles so head and
				 * tail drift apart in phase. */
				size_t take = depth - (cycle & 1 ? 1 : 0);
				if (rn_ring_count(r) > depth)
					take = rn_ring_count(r);
				for (size_t k = 0; k < take; k++) {
					unsigned char *p = rn_ring_peek(r);
					assert_non_null(p);
					for (size_t i = 0; i < elem; i++)
						if (p[i] != pattern(rseq, i))
							fail_msg("elem %zu seq %llu byte %zu",
								 elem, (unsigned long long)rseq, i);
					rn_ring_pop(r);
					rseq++;
				}
			}
			while (rn_ring_peek(r)) {
				rn_ring_pop(r);
				rseq++;
			}
			assert_int_equal(rseq, wseq);
			assert_true(wseq > 10 * cap);
			ring_free(r);
		}
	}
}

/* ---- parker ---------------------------------------------------------- */

static void test_parker_no_sleeper(void **state)
{
	struct rn_parker p;

	(void)state;
	rn_parker_init(&p);
	rn_parker_wake(&p); /* nobody sleeps: must not block or bump */
	assert_int_equal(atomic_load(&p.futex), 0);
	uint32_t seen = rn_parker_prepare(&p);
	assert_int_equal(atomic_load(&p.sleeping), 1);
	rn_parker_cancel(&p);
	assert_int_equal(atomic_load(&p.sleeping), 0);
	/* A stale `seen` makes sleep return at once. */
	atomic_fetch_add(&p.futex, 1);
	(void)rn_parker_prepare(&p);
	rn_parker_sleep(&p, seen);
	assert_int_equal(atomic_load(&p.sleeping), 0);
}

struct flag_sleeper {
	struct rn_parker p;
	_Atomic int flag; /* set by the main thread; pairs with the parker */
	int woke;
};

static void *flag_sleeper_main(void *arg)
{
	struct flag_sleeper *s = arg;

	while (!atomic_load_explicit(&s->flag, memory_order_acquire)) {
		uint32_t seen = rn_parker_prepare(&s->p);
		if (atomic_load_explicit(&s->flag, memory_order_acquire)) {
			rn_parker_cancel(&s->p);
			break;
		}
		rn_parker_sleep(&s->p, seen);
	}
	s->woke = 1;
	return NULL;
}

static void test_parker_wakes_sleeper(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		struct flag_sleeper s;
		pthread_t th;

		rn_parker_init(&s.p);
		atomic_init(&s.flag, 0);
		s.woke = 0;
		assert_int_equal(pthread_create(&th, NULL, flag_sleeper_main, &s), 0);
		if (round % 2) {
			/* Give it time to actually reach futex_wait. */
			struct timespec ts = { 0, 200000 };
			nanosleep(&ts, NULL);
		}
		atomic_store_explicit(&s.flag, 1, memory_order_release);
		rn_parker_wake(&s.p);
		assert_int_equal(pthread_join(th, NULL), 0);
		assert_int_equal(s.woke, 1);
	}
}

/* ---- stress: 1 producer, 1 consumer ------------------------------------ */

struct stress_side {
	struct rn_ring *r;
	uint64_t n;        /* items to pass */
	uint64_t sleeps;   /* times this side parked */
	uint64_t errors;   /* consumer: out-of-order or torn records */
	uint64_t received; /* consumer: items seen */
};

static void fill_record(struct rn_record *rec, uint64_t seq)
{
	rec->seq = seq;
	rec->ret = (int64_t)~seq;
	rec->args[0] = seq * 3;
	rec->args[5] = seq ^ 0x5555555555555555ull;
}

static int record_ok(const struct rn_record *rec, uint64_t seq)
{
	return rec->seq == seq && rec->ret == (int64_t)~seq &&
	       rec->args[0] == seq * 3 &&
	       rec->args[5] == (seq ^ 0x5555555555555555ull);
}

static void *stress_producer(void *arg)
{
	struct stress_side *s = arg;

	for (uint64_t seq = 1; seq <= s->n; seq++) {
		struct rn_record *rec = reserve_wait(s->r, &s->sleeps);
		fill_record(rec, seq);
		commit_wake(s->r);
	}
	return NULL;
}

static void *stress_consumer(void *arg)
{
	struct stress_side *s = arg;

	for (uint64_t seq = 1; seq <= s->n; seq++) {
		const struct rn_record *rec = peek_wait(s->r, &s->sleeps);
		if (!record_ok(rec, seq))
			s->errors++;
		s->received++;
		pop_wake(s->r);
	}
	return NULL;
}

static void test_stress_spsc(void **state)
{
	uint64_t n = stress_items(10000000);
	struct rn_ring *r = ring_new(sizeof(struct rn_record), 64);
	struct stress_side prod = { .r = r, .n = n };
	struct stress_side cons = { .r = r, .n = n };
	pthread_t tp, tc;

	(void)state;
	double t0 = now_s();
	assert_int_equal(pthread_create(&tc, NULL, stress_consumer, &cons), 0);
	assert_int_equal(pthread_create(&tp, NULL, stress_producer, &prod), 0);
	assert_int_equal(pthread_join(tp, NULL), 0);
	assert_int_equal(pthread_join(tc, NULL), 0);
	double dt = now_s() - t0;

	assert_int_equal(cons.errors, 0);
	assert_int_equal(cons.received, n);
	assert_null(rn_ring_peek(r));
	print_message("spsc: %llu items in %.3f s = %.1f M items/s "
		      "(producer parked %llu, consumer parked %llu)\n",
		      (unsigned long long)n, dt, (double)n / dt / 1e6,
		      (unsigned long long)prod.sleeps,
		      (unsigned long long)cons.sleeps);
	ring_free(r);
}

/* ---- stress: 1 producer, N rings each with its own consumer ----------- */

#define FANOUT 3

struct fan_consumer {
	struct rn_ring *r;
	uint64_t n;     /* items this ring receives, set before start */
	uint64_t sleeps;
	uint64_t errors;
	uint64_t received;
};

static void *fan_consumer_main(void *arg)
{
	struct fan_consumer *c = arg;

	/* Each ring carries its own dense sequence 1..n. */
	for (uint64_t seq = 1; seq <= c->n; seq++) {
		const struct rn_record *rec = peek_wait(c->r, &c->sleeps);
		if (!record_ok(rec, seq))
			c->errors++;
		c->received++;
		pop_wake(c->r);
	}
	return NULL;
}

/* Deterministic ring choice: uneven, bursty, like tgids in a trace. */
static unsigned fan_pick(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull;

	return (unsigned)((x >> 40) % 7 < 4 ? 0 : (x >> 50) % FANOUT);
}

static void test_stress_fanout(void **state)
{
	uint64_t total = stress_items(10000000) / 3;
	struct fan_consumer cons[FANOUT];
	pthread_t th[FANOUT];
	uint64_t next[FANOUT] = { 0 };
	uint64_t psleeps = 0;

	(void)state;
	memset(cons, 0, sizeof(cons));
	for (uint64_t i = 0; i < total; i++)
		cons[fan_pick(i)].n++;
	for (int k = 0; k < FANOUT; k++) {
		cons[k].r = ring_new(sizeof(struct rn_record), 64);
		assert_int_equal(pthread_create(&th[k], NULL, fan_consumer_main,
						&cons[k]), 0);
	}
	double t0 = now_s();
	for (uint64_t i = 0; i < total; i++) {
		unsigned k = fan_pick(i);
		struct rn_record *rec = reserve_wait(cons[k].r, &psleeps);
		fill_record(rec, ++next[k]);
		commit_wake(cons[k].r);
	}
	for (int k = 0; k < FANOUT; k++)
		assert_int_equal(pthread_join(th[k], NULL), 0);
	double dt = now_s() - t0;

	for (int k = 0; k < FANOUT; k++) {
		assert_int_equal(cons[k].errors, 0);
		assert_int_equal(cons[k].received, cons[k].n);
		assert_int_equal(next[k], cons[k].n);
		assert_true(cons[k].n > 0);
		assert_null(rn_ring_peek(cons[k].r));
		ring_free(cons[k].r);
	}
	print_message("fanout x%d: %llu items in %.3f s = %.1f M items/s "
		      "(producer parked %llu)\n", FANOUT,
		      (unsigned long long)total, dt,
		      (double)total / dt / 1e6, (unsigned long long)psleeps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_full_at_capacity),
		cmocka_unit_test(test_reserve_peek_idempotent),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_parker_no_sleeper),
		cmocka_unit_test(test_parker_wakes_sleeper),
		cmocka_unit_test(test_stress_spsc),
		cmocka_unit_test(test_stress_fanout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
