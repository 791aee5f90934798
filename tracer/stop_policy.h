/*
 * stop_policy.h - what the tracer does at a stop, per syscall number.
 *
 * Computed once from the syscall table and the options, so that a stop
 * costs one byte load: is the call's memory needed at this stop (hold it
 * for a worker, or copy what a plan describes), and is the call rehearsed
 * (rehearse.h) instead. A tracee may pass any number (-1, x32's 0x40000000
 * bit, one newer than the table): such a call is never held or rehearsed,
 * and is shown raw.
 *
 * Ownership: built and read by the tracer thread; read-only once built.
 */
#ifndef RENACER_STOP_POLICY_H
#define RENACER_STOP_POLICY_H

#include <stdint.h>

#include "syscalls/options.h"
#include "decode/prefetch.h"
#include "syscalls/syscalls.h"

/* RN_HOLD_FD_PATHS: held for -y's or -P's descriptor paths (a worker reads
 * /proc/TID/fd while the tracee is stopped), so never rehearsed. */
enum {
	RN_HOLD_ENTRY = 1,
	RN_HOLD_EXIT = 2,
	RN_HOLD_EXIT_ERR = 4,
	RN_HOLD_FD_PATHS = 8,
};

struct rn_stop_policy {
	uint8_t *hold;     /* per number below rn_syscall_count: RN_HOLD_* */
	uint8_t *rehearse; /* per number: 1 to rehearse */
};

/* pf NULL: the tracer reads nothing itself (every read is a worker's), so
 * nothing is rehearsed. Aborts when out of memory, as the tracer's setup. */
void rn_stop_policy_init(struct rn_stop_policy *sp, const struct rn_options *opt,
			 const struct rn_prefetch *pf);
void rn_stop_policy_free(struct rn_stop_policy *sp);

static inline int rn_stop_in_table(int32_t nr)
{
	return nr >= 0 && (unsigned)nr < rn_syscall_count;
}

/* Does a stop of nr in one of the phases `what` (RN_HOLD_* bits) need its
 * memory read? */
static inline int rn_stop_held(const struct rn_stop_policy *sp, int32_t nr, int what)
{
	return rn_stop_in_table(nr) && (sp->hold[nr] & what);
}

static inline int rn_stop_rehearsed(const struct rn_stop_policy *sp, int32_t nr)
{
	return rn_stop_in_table(nr) && sp->rehearse[nr];
}

#endif /* RENACER_STOP_POLICY_H */
