/*
 * summary.h - per-syscall statistics and strace's -c summary table.
 *
 * Counting: each worker owns one rn_stats_table and calls rn_stats_add()
 * once per completed syscall (an exit record with its entry). At the end,
 * after the workers are joined, one thread merges them all into one table
 * (rn_stats_merge) and renders it (rn_stats_render). A table is written
 * by one thread at a time; no locks.
 *
 * What a duration is, is the caller's choice; the table only sums them.
 * strace 6.1 measures, per call:
 *  - default (-c): the tracee's SYSTEM CPU time spent between its
 *    syscall-entry stop and its syscall-exit stop: strace calls
 *    wait4(-1, &status, __WALL, &rusage) only when -c is on and takes the
 *    difference of ru_stime (microsecond resolution, so every duration is
 *    a multiple of 1000 ns). A blocked call costs ~0: `sleep 0.3` shows
 *    clock_nanosleep at 0.000062 s.
 *  - -w: WALL time, CLOCK_MONOTONIC at the exit stop minus at the entry
 *    stop (the same difference -T prints): clock_nanosleep 0.300258 s.
 *  - -O OVERHEAD is subtracted from every call and the result clamped at
 *    zero; pass max(0, d - overhead) as duration_ns.
 *  - Calls that never return (exit_group, a thread killed inside a call)
 *    are not counted at all: count at the exit stop only.
 *  - Numbers outside the syscall table (syscall(1000), x32) are ignored
 *    (strace ignores them too; they are tallied in `ignored`). Holes of
 *    the table (335..423 on x86-64) are shown as "syscall_0x14f" rows;
 *    strace 6.1 itself crashes (SIGSEGV) printing such a table.
 *
 * The table, byte for byte as strace 6.1 prints it (verified against real
 * runs, see tests/unit/test_summary.c):
 *
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ----------------
 *    70.66    0.001008          31        32        30 openat
 *    14.87    0.000212          30         7         5 close
 *   ------ ----------- ----------- --------- --------- ----------------
 *   100.00    0.001426          31        46        35 total
 *
 *  - Columns are separated by one space; every column is right-aligned
 *    except the name, which is left-aligned, padded only when it is not
 *    the last column. Header and both rules use the same widths.
 *  - Widths: "% time" 6; seconds max(11, len("%.6f" of the total));
 *    shortest/longest max(8, len("<max whole seconds>.000000"));
 *    usecs/call max(11, digits of the largest row average); calls and
 *    errors max(9, digits of their totals); syscall max(16, longest
 *    name + 1). Percentile columns: max(11, widest value).
 *  - % time: 100 * row / total with "%.2f" (0.00 when the row is 0; the
 *    total row always says 100.00). seconds, shortest, longest: "%.6f"
 *    (rounded). usecs/call: the row average rounded to the nanosecond,
 *    then truncated to whole microseconds; on the total row, total /
 *    calls truncated. errors: blank when zero (strace's "%.0lu").
 *  - Rows: only syscalls called at least once. Sort (-S), descending
 *    except for the name: time (by total), min-time, max-time, avg-time,
 *    calls, errors; name ascending; none keeps syscall-number order. Ties
 *    keep syscall-number order (strace's glibc qsort is a stable merge
 *    sort over the number-ordered array).
 *  - No syscall counted at all: strace prints nothing, not even the
 *    header; rn_stats_render appends nothing.
 *  - renacer's extension columns p50/p90/p99 (-U p50,p90,p99; -S p50 ...):
 *    headers "p50(us)" "p90(us)" "p99(us)", values in microseconds with
 *    one decimal ("%.1f"), estimated by struct rn_hist (relative error
 *    under 0.79 %, see hist.h); the total row gives the percentile over
 *    every call of every syscall.
 */
#ifndef RENACER_SUMMARY_H
#define RENACER_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "base/hist.h"
#include "base/sbuf.h"
#include "syscalls/summary_opts.h"

/* One syscall number's counters. Owned by the table's owner. */
struct rn_stats_row {
	uint64_t calls;
	uint64_t errors;
	uint64_t total_ns;
	uint64_t min_ns;      /* UINT64_MAX while calls == 0 */
	uint64_t max_ns;
	struct rn_hist *hist; /* allocated at the first call, NULL before */
};

/* Per-syscall statistics of one worker, or of the whole tree once merged.
 * Owned by one thread at a time (a worker, then the thread that merges). */
struct rn_stats_table {
	unsigned nrows;             /* rn_syscall_count */
	struct rn_stats_row *rows;  /* indexed by syscall number */
	uint64_t ignored;           /* calls whose number is outside the table */
};

void rn_stats_init(struct rn_stats_table *t);
void rn_stats_free(struct rn_stats_table *t);
/* One completed syscall: number, duration (see above), whether it failed
 * (the exit record's RN_REC_ERROR). */
void rn_stats_add(struct rn_stats_table *t, long nr, uint64_t duration_ns,
		  int is_error);
/* Calls of one number counted elsewhere (in the kernel, tracer/bpf_count.c):
 * c's calls, errors, total_ns, min_ns and max_ns are added to the row, as
 * many rn_stats_add calls would, except that the row gets no histogram
 * (no percentile can be had from sums). Outside the table: ignored. */
void rn_stats_add_counts(struct rn_stats_table *t, long nr, const struct rn_stats_row *c);
/* dst += src; src is left unchanged. */
void rn_stats_merge(struct rn_stats_table *dst, const struct rn_stats_table *src);

/* -U COLUMNS: comma-separated names as in enum rn_sum_col (every strace
 * spelling, '-' or '_'); the name column is appended when missing, as
 * strace does. Returns 0, or -1 with strace's message in err (without a
 * program prefix), e.g. "unknown column name: 'foo'", "call summary column
 * has been provided more than once: 'calls' (-U option residual: 'calls')". */
int rn_summary_parse_columns(struct rn_summary_opts *o, const char *arg,
			     char *err, size_t errlen);
/* -S SORTBY: every strace spelling plus p50/p90/p99. Returns 0, or -1 with
 * "invalid sortby: 'foo'" in err. */
int rn_summary_parse_sort(struct rn_summary_opts *o, const char *arg,
			  char *err, size_t errlen);

/* Append the summary table to out (nothing when no syscall was counted).
 * o may be NULL for the defaults. */
void rn_stats_render(const struct rn_stats_table *t,
		     const struct rn_summary_opts *o, struct rn_sbuf *out);

#endif /* RENACER_SUMMARY_H */
