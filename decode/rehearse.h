/*
 * rehearse.h - the tracer decodes a stop itself to learn what to copy.
 *
 * Why: a call whose reads the syscall table cannot describe (a whole-call
 * decoder that picks its reads from the arguments: ioctl, fcntl, futex,
 * arch_prctl, pselect6, clone...) has no plan (prefetch.h) and was held
 * until a worker had read it: ~100 us of tracee stop for a ~1 us read.
 * Instead the tracer runs the call's decoders once while the tracee is
 * stopped, with mem.h recording every read; the bytes travel with the
 * record as a planned copy's do, and the worker's decoding of the same
 * record from them reads exactly what the rehearsal read. The decoded
 * values are thrown away: the rehearsal costs the tracer one decode
 * (~1 us) per such stop.
 *
 * Which calls: those a stop of which would be held for memory and that
 * have no plan, except decoders that read more than tracee memory through
 * mem.h (rn_rehearsable) and the holds -y/-P need for /proc/TID/fd.
 * tests/unit/test_rehearse.c decodes every call from its rehearsal and
 * compares with decoding it live.
 *
 * Ownership: the tracer thread (the decoders are reentrant: the workers
 * run them at the same time).
 */
#ifndef RENACER_REHEARSE_H
#define RENACER_REHEARSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "syscalls/options.h"
#include "decode/record.h"
#include "decode/value.h"

/* The words an exit decode needs from its entry's (decode.h's rn_dctx
 * saved[] and the entry decoder's result), kept per task by the tracer. */
#define RN_REHEARSE_NSAVED 18
struct rn_rehearsal {
	uint32_t from;
	uint64_t saved[RN_REHEARSE_NSAVED];
};

/* 1 when the decoders of syscall nr read nothing but tracee memory through
 * mem.h, so that a recording of their reads is all they need. */
int rn_rehearsable(long nr, const struct rn_options *opt);

/* Decode the entry (exit NULL: fills *state) or the exit (uses *state) of
 * a call of stopped tid, recording its reads into buf (capacity cap) in
 * mem.h's snapshot format. scratch: values to decode into, reset after.
 * Returns the bytes used, or -1 when they did not fit (then hold). */
long rn_rehearse(const struct rn_options *opt, pid_t tid, const struct rn_record *entry,
		 const struct rn_record *exit, struct rn_rehearsal *state,
		 struct rn_values *scratch, uint8_t *buf, size_t cap);

#endif /* RENACER_REHEARSE_H */
