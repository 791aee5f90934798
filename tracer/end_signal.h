/*
 * end_signal.h - the first end signal of a run (SIGINT, SIGTERM, ...) and
 * how long the output may keep renacer from ending after it, for both ways
 * of watching the command: the tracer (tracer.c) and the eBPF counter
 * (bpf_count.c). Main thread only: each runs on it, and so does
 * rn_pipeline_finish afterwards.
 */
#ifndef RENACER_END_SIGNAL_H
#define RENACER_END_SIGNAL_H

#include <signal.h>

/* The signals that end the run (blocked, taken by the main thread): a
 * pending one counts as seen for rn_end_signal_stalled. */
void rn_end_signal_watch(const sigset_t *ends);
/* Signal sig ended the run; only the first one is kept, with its time. */
void rn_end_signal_note(int sig);
/* The first end signal seen, 0 for none. */
int rn_end_signal_first(void);
/* The pipeline's stall hook (pipeline.h: p->stalled), asked while a thread
 * waits for room in a ring or to be joined: 1 once a second has passed
 * since the first end signal (one found pending counts), so that a FIFO
 * or pipe nobody drains cannot hold the tracees for ever. */
int rn_end_signal_stalled(void *arg);

#endif /* RENACER_END_SIGNAL_H */
