/*
 * procstats.h - --process-summary bookkeeping: one row per traced process,
 * gathered from the event stream in sequence order (so the live writer
 * and renacer-dump can both build it), rendered by procsummary.h.
 * Contract: one thread feeds and renders a procstats.
 */
#ifndef RENACER_PROCSTATS_H
#define RENACER_PROCSTATS_H

#include "decode/event.h"
#include "base/sbuf.h"
#include "stats/procsummary.h"

struct rn_procstats;

struct rn_procstats *rn_procstats_new(void);
/* The processes alive now only (the capture's per-part table): an ended
 * one is forgotten, so memory follows the live tree, and rows' start_ns
 * are CLOCK_MONOTONIC, not offsets. */
struct rn_procstats *rn_procstats_new_live(void);
/* A process known before its first event (from a capture part's table of
 * the processes alive when the part began): its parent, its start, its
 * command and the command of an execve it is in (NULL: none). Called
 * before any event. */
void rn_procstats_seed(struct rn_procstats *ps, int32_t pid, int32_t ppid, uint64_t start_ns,
		       const char *command, const char *exec_pending);
/* A whole row gathered elsewhere (the eBPF counter's): a process of its
 * own even when its pid was seen before (reused), its start_ns on the
 * clock of the events' ts_ns (the earliest start of all is the table's
 * 0), its command copied. No event comes after. */
void rn_procstats_add_row(struct rn_procstats *ps, const struct rn_proc_row *row);
void rn_procstats_event(struct rn_procstats *ps, const struct rn_event *ev);
/* One row per process seen, in start order (then pid); *count of them.
 * The caller frees the array; a row's command points into ps, valid until
 * the next event or rn_procstats_free. */
struct rn_proc_row *rn_procstats_rows(struct rn_procstats *ps, size_t *count);
/* Append the table (nothing when no process was seen). */
void rn_procstats_render(struct rn_procstats *ps, struct rn_sbuf *out);
void rn_procstats_free(struct rn_procstats *ps);

#endif /* RENACER_PROCSTATS_H */
