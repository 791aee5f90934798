/*
 * hist.h - a mergeable log-linear latency histogram (HdrHistogram-style)
 * for syscall durations in nanoseconds, with percentile estimates.
 *
 * Buckets: every value below 128 ns has its own bucket (exact). Above,
 * each power of two [2^e, 2^(e+1)) is cut into 64 equal buckets of width
 * 2^(e-6). In numbers, for v >= 128 with e = floor(log2 v):
 *
 *     index(v) = (e - 6) * 64 + (v >> (e - 6))      (v < 128: index = v)
 *     lower(i) = (64 + i % 64) << (i / 64 - 1)      (i < 128: lower = i)
 *     width(i) = 1 << (i / 64 - 1)                  (i < 128: width = 1)
 *
 * Range: 0 .. 2^38 - 1 ns (274.9 s) in RN_HIST_NBUCKETS = 2112 buckets;
 * larger values are counted in `overflow`. Fixed memory: 16.9 KiB.
 *
 * Percentiles use the nearest-rank definition: the q-percentile of n
 * samples is the smallest sample v such that at least ceil(q * n) samples
 * are <= v. The estimate is the middle of the bucket holding that sample,
 * lower + (width - 1) / 2, clamped to the exact [min, max] of the samples.
 *
 * Error bound: for a true percentile value v < 2^38 the estimate e obeys
 *     |e - v| <= v / 128        (relative error under 0.79 %),
 * and e == v when v < 128 ns. (A bucket starting at lower = m << s has
 * width 2^s with 64 <= m < 128, so half a width is at most lower / 128.)
 * When the rank falls among overflowed samples the estimate is the exact
 * maximum. q <= 0 gives the exact minimum, q >= 1 the exact maximum.
 *
 * Ownership: plain data with no internal pointers. One thread writes a
 * histogram (a worker counting its syscalls); merging reads the source,
 * so a source must no longer be written when it is merged.
 */
#ifndef RENACER_HIST_H
#define RENACER_HIST_H

#include <stdint.h>

#define RN_HIST_SUB_BITS 6                       /* 64 buckets per octave */
#define RN_HIST_MAX_BITS 38                      /* bucketed: v < 2^38 ns */
#define RN_HIST_LIMIT ((uint64_t)1 << RN_HIST_MAX_BITS)
#define RN_HIST_NBUCKETS \
	((RN_HIST_MAX_BITS - RN_HIST_SUB_BITS + 1) << RN_HIST_SUB_BITS) /* 2112 */

/* Owned by one thread at a time (see above). */
struct rn_hist {
	uint64_t count;     /* samples, overflow included */
	uint64_t min;       /* exact; UINT64_MAX while empty */
	uint64_t max;       /* exact; 0 while empty */
	uint64_t overflow;  /* samples >= RN_HIST_LIMIT */
	uint64_t buckets[RN_HIST_NBUCKETS];
};

/* Empty the histogram (also its initialisation). */
void rn_hist_init(struct rn_hist *h);
/* Record one sample, in ns. */
void rn_hist_add(struct rn_hist *h, uint64_t v);
/* dst += src. */
void rn_hist_merge(struct rn_hist *dst, const struct rn_hist *src);
/* Nearest-rank q-percentile estimate, q in [0, 1] (0.99 for p99); 0 for an
 * empty histogram. See the error bound above. */
uint64_t rn_hist_percentile(const struct rn_hist *h, double q);

/* The bucket math, exposed for tests and for readers of the counts.
 * rn_hist_index requires v < RN_HIST_LIMIT. */
unsigned rn_hist_index(uint64_t v);
uint64_t rn_hist_bucket_lower(unsigned index);
uint64_t rn_hist_bucket_width(unsigned index);

#endif /* RENACER_HIST_H */
