/*
 * summaries.h - the tables written after the trace (-c/-C's per-syscall
 * table, --process-summary's per-process one) in the trace's own format,
 * so that a JSON Lines or CSV output stays one format to its end. Shared
 * by the live writer thread and renacer-dump.
 *
 *  - text: strace's -c table (stats/summary.h), then, after a blank line
 *    when both are there, the process table (stats/procsummary.h);
 *  - JSON Lines: one object per counted syscall, {"type":"syscall_summary",
 *    ...}, then one per process, {"type":"process_summary",...}
 *    (capture/CAPTURE.md, "Summaries");
 *  - CSV, Perfetto: nothing. A CSV file has one header and one record
 *    type; renacer refuses --process-summary with --format csv, and
 *    renacer-dump leaves the tables out.
 *
 * Contract: no state; called by the one thread that owns stats and procs.
 */
#ifndef RENACER_SUMMARIES_H
#define RENACER_SUMMARIES_H

#include "base/sbuf.h"
#include "stats/procstats.h"
#include "stats/summary.h"

/* Append the tables to out in format (enum rn_output_format). stats NULL:
 * no -c table; procs NULL: no process summary. sopt: -S and -U (text
 * only). wall: the -c durations are wall time (-w), else system CPU time
 * (JSON says which). */
void rn_summaries_render(int format, const struct rn_stats_table *stats,
			 const struct rn_summary_opts *sopt, int wall,
			 struct rn_procstats *procs, struct rn_sbuf *out);

#endif /* RENACER_SUMMARIES_H */
