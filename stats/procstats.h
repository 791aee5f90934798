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
void rn_procstats_event(struct rn_procstats *ps, const struct rn_event *ev);
/* One row per process seen, in start order (then pid); *count of them.
 * The caller frees the array; a row's command points into ps, valid until
 * the next event or rn_procstats_free. */
struct rn_proc_row *rn_procstats_rows(struct rn_procstats *ps, size_t *count);
/* Append the table (nothing when no process was seen). */
void rn_procstats_render(struct rn_procstats *ps, struct rn_sbuf *out);
void rn_procstats_free(struct rn_procstats *ps);

#endif /* RENACER_PROCSTATS_H */
