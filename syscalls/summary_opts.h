/*
 * summary_opts.h - what -S and -U ask of the -c summary table.
 *
 * Types only, so that the options struct (options.h) can hold them; the
 * parsers and the table itself are in stats/summary.h.
 */
#ifndef RENACER_SUMMARY_OPTS_H
#define RENACER_SUMMARY_OPTS_H

#include <stdint.h>

/* Columns for -U, in strace's order of enum; RN_SUM_END ends a list. */
enum rn_sum_col {
	RN_SUM_END = 0,
	RN_SUM_TIME_PCT,  /* "% time":     time, time-percent, time_percent */
	RN_SUM_TOTAL,     /* "seconds":    total-time, time-total (and _) */
	RN_SUM_MIN,       /* "shortest":   min-time, shortest, time-min */
	RN_SUM_MAX,       /* "longest":    max-time, longest, time-max */
	RN_SUM_AVG,       /* "usecs/call": avg-time, time-avg */
	RN_SUM_CALLS,     /* "calls":      calls, count */
	RN_SUM_ERRORS,    /* "errors":     errors, error */
	RN_SUM_NAME,      /* "syscall":    name, syscall, syscall-name */
	RN_SUM_P50,       /* renacer: "p50(us)": p50 */
	RN_SUM_P90,       /* renacer: "p90(us)": p90 */
	RN_SUM_P99,       /* renacer: "p99(us)": p99 */
	RN_SUM__COUNT
};

/* Sort keys for -S. The zero value is strace's default (time). */
enum rn_sum_sort {
	RN_SORT_TIME = 0, /* time, time-percent, total-time, ... */
	RN_SORT_MIN,
	RN_SORT_MAX,
	RN_SORT_AVG,
	RN_SORT_CALLS,
	RN_SORT_ERRORS,
	RN_SORT_NAME,
	RN_SORT_NONE,     /* none, nothing: syscall-number order */
	RN_SORT_P50,      /* renacer */
	RN_SORT_P90,
	RN_SORT_P99,
};

/* What -S and -U asked for. All zero is strace's default: sort by time,
 * columns time-percent,total-time,avg-time,calls,errors,name. */
struct rn_summary_opts {
	uint8_t columns[RN_SUM__COUNT]; /* enum rn_sum_col, RN_SUM_END-ended */
	uint8_t sort;                   /* enum rn_sum_sort */
};

#endif /* RENACER_SUMMARY_OPTS_H */
