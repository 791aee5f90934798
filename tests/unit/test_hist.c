/*
 * test_hist.c - the log-linear latency histogram (base/hist.c): exact
 * bucket math, and percentiles on known distributions within the bound
 * documented in base/hist.h (|estimate - true| <= true / 128).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/hist.h"

static struct rn_hist *new_hist(void)
{
	struct rn_hist *h = malloc(sizeof(*h));

	assert_non_null(h);
	rn_hist_init(h);
	return h;
}

/* |est - truth| <= truth / 128, without rounding: 128 * |d| <= truth. */
static void assert_within_bound(uint64_t est, uint64_t truth)
{
	uint64_t d = est > truth ? est - truth : truth - est;

	if (d * 128 > truth)
		fail_msg("estimate %llu too far from %llu", (unsigned long long)est,
			 (unsigned long long)truth);
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(RN_HIST_NBUCKETS, 2112);
	assert_int_equal(RN_HIST_LIMIT, 274877906944ull); /* 2^38 ns = 274.9 s */
}

static void test_exact_below_128(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 128; v++) {
		assert_int_equal(rn_hist_index(v), v);
		assert_int_equal(rn_hist_bucket_lower((unsigned)v), v);
		assert_int_equal(rn_hist_bucket_width((unsigned)v), 1);
	}
}

static void test_known_buckets(void **state)
{
	static const struct {
		uint64_t v;
		unsigned index;
		uint64_t lower, width;
	} k[] = {
		{ 128, 128, 128, 2 },        { 129, 128, 128, 2 },
		{ 130, 129, 130, 2 },        { 255, 191, 254, 2 },
		{ 256, 192, 256, 4 },        { 1000, 317, 1000, 8 },
		{ 50000, 673, 49664, 512 },  { 1000000, 954, 999424, 8192 },
		{ 1ull << 37, 2048, 1ull << 37, 1ull << 31 },
		{ (1ull << 38) - 1, 2111, (127ull << 31), 1ull << 31 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		assert_int_equal(rn_hist_index(k[i].v), k[i].index);
		assert_int_equal(rn_hist_bucket_lower(k[i].index), k[i].lower);
		assert_int_equal(rn_hist_bucket_width(k[i].index), k[i].width);
	}
}

/* Every bucket: both ends map back to it, buckets tile the range without
 * gaps, and a width is at most 1/64 of the lower bound. */
static void test_buckets_tile(void **state)
{
	uint64_t expect_lower = 0;

	(void)state;
	for (unsigned i = 0; i < RN_HIST_NBUCKETS; i++) {
		uint64_t lo = rn_hist_bucket_lower(i), w = rn_hist_bucket_width(i);

		assert_int_equal(lo, expect_lower);
		assert_int_equal(rn_hist_index(lo), i);
		assert_int_equal(rn_hist_index(lo + w - 1), i);
		if (i >= 128)
			assert_true(w * 64 <= lo);
		expect_lower = lo + w;
	}
	assert_int_equal(expect_lower, RN_HIST_LIMIT);
}

/* xorshift64*: deterministic test data. */
static uint64_t rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* The bucket middle is within v / 128 of any v in the bucket. */
static void test_middle_bound(void **state)
{
	uint64_t s = 88172645463325252ull;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		/* log-uniform over [1, 2^38) */
		unsigned bits = 1 + (unsigned)(rng(&s) % 38);
		uint64_t v = rng(&s) & ((1ull << bits) - 1);
		unsigned b = rn_hist_index(v);
		uint64_t mid = rn_hist_bucket_lower(b) + (rn_hist_bucket_width(b) - 1) / 2;

		assert_within_bound(mid, v);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank, computed the slow way on sorted samples. */
static uint64_t true_percentile(const uint64_t *sorted, size_t n, double q)
{
	size_t r = (size_t)(q * (double)n);

	if ((double)r < q * (double)n - 1e-9)
		r++;
	if (r < 1)
		r = 1;
	return sorted[r - 1];
}

static void check_distribution(uint64_t *v, size_t n)
{
	static const double qs[] = { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95,
				     0.99, 0.999 };
	struct rn_hist *h = new_hist();

	for (size_t i = 0; i < n; i++)
		rn_hist_add(h, v[i]);
	qsort(v, n, sizeof(v[0]), cmp_u64);
	assert_int_equal(h->count, n);
	assert_int_equal(h->min, v[0]);
	assert_int_equal(h->max, v[n - 1]);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		assert_within_bound(rn_hist_percentile(h, qs[i]),
				    true_percentile(v, n, qs[i]));
	assert_int_equal(rn_hist_percentile(h, 0.0), v[0]);
	assert_int_equal(rn_hist_percentile(h, 1.0), v[n - 1]);
	free(h);
}

static void test_uniform(void **state)
{
	enum { N = 10000 };
	uint64_t *v = malloc(N * sizeof(*v));
	struct rn_hist *h = new_hist();

	(void)state;
	for (size_t i = 0; i < N; i++)
		v[i] = i + 1;
	for (size_t i = 0; i < N; i++)
		rn_hist_add(h, v[i]);
	/* True p50 = 5000, in [4992, 5056): middle 5023. p99 = 9900, in
	 * [9856, 9984): middle 9919. */
	assert_int_equal(rn_hist_percentile(h, 0.5), 5023);
	assert_int_equal(rn_hist_percentile(h, 0.99), 9919);
	free(h);
	check_distribution(v, N);
	free(v);
}

static void test_log_uniform_and_bimodal(void **state)
{
	enum { N = 50000 };
	uint64_t *v = malloc(N * sizeof(*v));
	uint64_t s = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		unsigned bits = 4 + (unsigned)(rng(&s) % 30);

		v[i] = (1ull << bits) + rng(&s) % (1ull << bits);
	}
	check_distribution(v, N);
	/* Fast cached calls around 300 ns, a slow tail around 2 ms. */
	for (size_t i = 0; i < N; i++)
		v[i] = (i % 20 == 0) ? 2000000 + rng(&s) % 500000
				     : 250 + rng(&s) % 100;
	check_distribution(v, N);
	free(v);
}

static void test_small_values_exact(void **state)
{
	struct rn_hist *h = new_hist();

	(void)state;
	/* 1..100: every percentile exact, and 0.99 * 100 is rank 99 even
	 * though the double product is not exactly 99. */
	for (uint64_t i = 1; i <= 100; i++)
		rn_hist_add(h, i);
	assert_int_equal(rn_hist_percentile(h, 0.5), 50);
	assert_int_equal(rn_hist_percentile(h, 0.9), 90);
	assert_int_equal(rn_hist_percentile(h, 0.99), 99);
	assert_int_equal(rn_hist_percentile(h, 0.01), 1);
	assert_int_equal(rn_hist_percentile(h, 0.001), 1);
	assert_int_equal(rn_hist_percentile(h, 0.995), 100);
	free(h);
}

static void test_edges(void **state)
{
	struct rn_hist *h = new_hist();

	(void)state;
	assert_int_equal(rn_hist_percentile(h, 0.5), 0);    /* empty */
	rn_hist_add(h, 1000001);
	/* One sample: the bucket middle is clamped to [min, max]. */
	assert_int_equal(rn_hist_percentile(h, 0.5), 1000001);
	assert_int_equal(rn_hist_percentile(h, 0.0), 1000001);
	assert_int_equal(rn_hist_percentile(h, -1.0), 1000001);
	assert_int_equal(rn_hist_percentile(h, 2.0), 1000001);
	free(h);
}

static void test_overflow(void **state)
{
	struct rn_hist *h = new_hist();

	(void)state;
	for (int i = 0; i < 98; i++)
		rn_hist_add(h, 1000);
	rn_hist_add(h, RN_HIST_LIMIT);          /* 274.9 s */
	rn_hist_add(h, 3600ull * 1000000000);   /* one hour */
	assert_int_equal(h->overflow, 2);
	assert_int_equal(h->count, 100);
	assert_within_bound(rn_hist_percentile(h, 0.98), 1000);
	/* Ranks among the overflowed samples answer the exact maximum. */
	assert_int_equal(rn_hist_percentile(h, 0.99), 3600ull * 1000000000);
	assert_int_equal(rn_hist_percentile(h, 1.0), 3600ull * 1000000000);
	free(h);
}

static void test_merge(void **state)
{
	struct rn_hist *a = new_hist(), *b = new_hist(), *all = new_hist();
	struct rn_hist *empty = new_hist();
	uint64_t s = 12345;

	(void)state;
	for (int i = 0; i < 10000; i++) {
		uint64_t v = rng(&s) % 5000000;

		rn_hist_add((i & 1) ? a : b, v);
		rn_hist_add(all, v);
	}
	rn_hist_add(b, RN_HIST_LIMIT + 1);
	rn_hist_add(all, RN_HIST_LIMIT + 1);
	rn_hist_merge(a, b);
	rn_hist_merge(a, empty);
	assert_memory_equal(a, all, sizeof(*a));
	rn_hist_merge(empty, all);
	assert_memory_equal(empty, all, sizeof(*a));
	free(a);
	free(b);
	free(all);
	free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_exact_below_128),
		cmocka_unit_test(test_known_buckets),
		cmocka_unit_test(test_buckets_tile),
		cmocka_unit_test(test_middle_bound),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_log_uniform_and_bimodal),
		cmocka_unit_test(test_small_values_exact),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
