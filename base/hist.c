/*
 * hist.c - log-linear latency histogram (see base/hist.h for
 * the bucket math and the error bound).
 *
 * Ownership: no global state; a histogram belongs to its caller.
 */
#include "base/hist.h"

#include <string.h>

void rn_hist_init(struct rn_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned rn_hist_index(uint64_t v)
{
	unsigned e, shift;

	if (v < 2 * (1u << RN_HIST_SUB_BITS))
		return (unsigned)v;
	/* e = floor(log2 v) >= 7; keep the 7 leading bits (1 + 6 sub-bucket
	 * bits): they range over [64, 128), so consecutive octaves are
	 * consecutive runs of 64 indices. */
	e = 63u - (unsigned)__builtin_clzll(v);
	shift = e - RN_HIST_SUB_BITS;
	return (shift << RN_HIST_SUB_BITS) + (unsigned)(v >> shift);
}

uint64_t rn_hist_bucket_lower(unsigned index)
{
	unsigned shift;

	if (index < 2 * (1u << RN_HIST_SUB_BITS))
		return index;
	shift = (index >> RN_HIST_SUB_BITS) - 1;
	return (uint64_t)((1u << RN_HIST_SUB_BITS) +
			  (index & ((1u << RN_HIST_SUB_BITS) - 1))) << shift;
}

uint64_t rn_hist_bucket_width(unsigned index)
{
	if (index < 2 * (1u << RN_HIST_SUB_BITS))
		return 1;
	return (uint64_t)1 << ((index >> RN_HIST_SUB_BITS) - 1);
}

void rn_hist_add(struct rn_hist *h, uint64_t v)
{
	h->count++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	if (v >= RN_HIST_LIMIT)
		h->overflow++;
	else
		h->buckets[rn_hist_index(v)]++;
}

void rn_hist_merge(struct rn_hist *dst, const struct rn_hist *src)
{
	if (!src->count)
		return;
	dst->count += src->count;
	dst->overflow += src->overflow;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (unsigned i = 0; i < RN_HIST_NBUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

/* ceil(q * n) for 0 < q < 1, in [1, n]. q * n is computed in double, so
 * 0.99 * 100 may come out as 99.00000000000001; a relative slack of 1e-12
 * keeps such products on the integer they denote. */
static uint64_t rank_of(double q, uint64_t n)
{
	double x = q * (double)n;
	double xs = x - x * 1e-12;
	uint64_t r = (uint64_t)xs;

	if ((double)r < xs)
		r++;
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return r;
}

uint64_t rn_hist_percentile(const struct rn_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (!(q > 0.0))
		return h->min;
	if (q >= 1.0)
		return h->max;
	rank = rank_of(q, h->count);
	for (unsigned i = 0; i < RN_HIST_NBUCKETS; i++) {
		uint64_t est;

		seen += h->buckets[i];
		if (seen < rank)
			continue;
		est = rn_hist_bucket_lower(i) + (rn_hist_bucket_width(i) - 1) / 2;
		if (est < h->min)
			est = h->min;
		if (est > h->max)
			est = h->max;
		return est;
	}
	/* The rank lies among the overflowed samples (>= 2^38 ns). */
	return h->max;
}
