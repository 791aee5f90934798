/*
 * bpf_count.h - `-c` counted in the kernel with eBPF (tracer/bpf/count.bpf.c)
 * instead of two ptrace stops per syscall: the command runs untraced, the
 * kernel counts calls, errors and time per syscall number of its tree, and
 * the table is read once, at the end, into the same rn_stats_table the
 * ptrace path fills. Main thread only, in place of rn_tracer_run.
 */
#ifndef RENACER_BPF_COUNT_H
#define RENACER_BPF_COUNT_H

#include <signal.h>

#include "syscalls/options.h"
#include "pipeline/pipeline.h"
#include "tracer/tracer.h"

/* NULL when opt may be counted in the kernel, else why not: -c is not
 * asked, --no-bpf, an option that needs the stops (a trace, -C, a
 * capture, a filter on what calls did), --kill-on-exit with -p, or
 * renacer was built without eBPF. */
const char *rn_bpf_count_unsuitable(const struct rn_options *opt);

/* Run the command, or count -p's processes, with -c counted in the
 * kernel. Returns 1 when it ran (or could not be started or attached,
 * said on stderr): *out says how renacer ends, p->summary holds the counts
 * and with --process-summary p->proc_rows the rows. Returns 0 when the eBPF path is not
 * for these options or cannot be loaded here (no privilege, no BTF): then
 * nothing was started and the ptrace path is to run. Either way, with -c
 * and --stats-self one line on stderr says which path and why. */
int rn_bpf_count_run(const struct rn_options *opt, struct rn_pipeline *p,
		     const sigset_t *orig_mask, struct rn_outcome *out);

/* The first signal that asked renacer to end while rn_bpf_count_run ran
 * or the output was drained after it (0: none): rn_tracer_end_signal's
 * counterpart. */
int rn_bpf_count_end_signal(void);

#endif /* RENACER_BPF_COUNT_H */
