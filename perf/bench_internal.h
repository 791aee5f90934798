/*
 * bench_internal.h - what the C benchmark files share (not seen by the C++
 * shim): the syscall fixtures of bench_decode.c, which bench_sink.c
 * decodes into the events it renders.
 */
#ifndef RENACER_PERF_BENCH_INTERNAL_H
#define RENACER_PERF_BENCH_INTERNAL_H

#include "decode/record.h"

/* One call of a family: its entry and exit records, as the tracer would
 * stamp them, with pointers into this process's memory (static storage,
 * valid for the whole run) and tid = tgid = getpid(). */
struct rn_bench_call {
	struct rn_record entry;
	struct rn_record exit;
};

void rn_bench_call_make(int family, struct rn_bench_call *out);

#endif /* RENACER_PERF_BENCH_INTERNAL_H */
