/*
 * pipeline.h - the threads between the tracer and the output:
 *
 *   tracer --rn_record--> worker[i] ring --rn_event--> writer
 *      ^                      |
 *      +---- hand-back inbox -+ (tracees held stopped while a worker reads)
 *
 * Contract:
 *  - The tracer is the only producer of every worker's input ring; a record
 *    goes to worker (tgid % nworkers), so one process's records stay in one
 *    ring, in order.
 *  - Each worker is the only producer of its output ring; the writer is the
 *    only consumer of all of them and emits events in global seq order.
 *  - Every record pushed yields exactly one event (possibly RN_EV_NONE), so
 *    the writer's merge can wait for seq N+1 after N without gaps.
 *  - A record flagged RN_REC_HELD is handed back (rn_handback) once the
 *    worker is done with the tracee's memory; the tracer resumes it then.
 */
#ifndef RENACER_PIPELINE_H
#define RENACER_PIPELINE_H

#include <stdatomic.h>
#include <stdint.h>
#include <pthread.h>

#include "renacer/options.h"
#include "renacer/record.h"
#include "renacer/ring.h"

enum rn_event_kind {
	RN_EV_NONE = 0,   /* nothing to show; keeps the sequence dense */
	RN_EV_ENTRY,      /* values: the arguments shown at entry */
	RN_EV_EXIT,       /* values: the arguments shown at exit; ret, is_error */
	RN_EV_SIGNAL,     /* values: one struct "siginfo"; ret: the signal */
	RN_EV_GROUP_STOP, /* ret: the stopping signal */
	RN_EV_EXITED,     /* ret: exit code */
	RN_EV_KILLED,     /* ret: signal; aux: 1 when it dumped core */
	RN_EV_SUPERSEDED, /* ret: the tid whose execve replaced this leader */
	RN_EV_NEW_TASK,   /* ret: parent tid; aux: 1 for a thread */
	RN_EV_ATTACHED,   /* ret: threads attached with it (-p) */
	RN_EV_DETACHED,   /* the tid was let go */
};

/* One decoded event. Written by one worker, then owned by the writer. */
struct rn_event {
	uint64_t seq;
	uint64_t ts_ns;
	int32_t tid;
	uint32_t ntasks;
	uint16_t kind;        /* enum rn_event_kind */
	uint8_t more;         /* ENTRY: more arguments follow at exit */
	uint8_t is_error;     /* EXIT: the call failed (ret = -errno) */
	uint8_t ret_type;     /* EXIT: enum rn_arg_type of the return value */
	uint8_t finish_pending; /* EXITED/KILLED/SUPERSEDED: the tid had an
				   unfinished syscall: end it with ") = ?" */
	int32_t nr;           /* ENTRY/EXIT: syscall number */
	int64_t ret;          /* as the kind says */
	int64_t aux;
	uint64_t entry_ts_ns; /* EXIT: when the entry stopped */
	struct rn_value *v;   /* typed values (value.h), malloc'd with bytes in
				 one block by the worker, freed by the writer */
	uint32_t nv;
	uint32_t nbytes;
	unsigned char *bytes;
};

/* Worker -> tracer: a held tracee may be resumed. Allocated by the worker,
 * freed by the tracer. */
struct rn_handback {
	struct rn_handback *next;
	pid_t tid;
	uint32_t hold_id;
};

/* Counters reported at exit. Each has one writer thread; read after join. */
struct rn_stats {
	uint64_t records;      /* tracer */
	uint64_t ring_stalls;  /* tracer: times a full ring made it wait */
	uint64_t holds;        /* tracer: tracees held for a worker read */
	uint64_t lost;         /* events lost: always 0 unless a bug says otherwise */
};

struct rn_worker;
struct rn_writer;

/* The pipeline as a whole: created by main, used by the tracer. */
struct rn_pipeline {
	const struct rn_options *opt;
	unsigned nworkers;
	struct rn_worker **workers;
	struct rn_writer *writer;

	/* Hand-back inbox: a lock-free MPSC stack. Workers push with a release
	 * CAS; the tracer takes the whole list with an acquire exchange. The
	 * order of hand-backs does not matter (each names its own tracee), so
	 * a LIFO stack is enough and TSan understands its C11 atomics. */
	_Atomic(struct rn_handback *) hb_inbox;
	/* 1 while the tracer sleeps in epoll; a worker that enqueued reads it
	 * after a full fence and then writes hb_eventfd. Pairs with the fence
	 * the tracer issues between setting it and re-checking the inbox. */
	_Atomic int tracer_sleeping;
	int hb_eventfd;

	/* Set (release) by the writer when the output cannot be written; the
	 * tracer reads it (acquire) each loop and detaches everything. */
	_Atomic int output_failed;

	struct rn_stats stats;
};

int rn_pipeline_start(struct rn_pipeline *p, const struct rn_options *opt, int out_fd);
/* Tracer: push a record to its worker, waiting (lossless) when the ring is
 * full. A held record wakes its worker at once; others are woken in
 * batches (ring a quarter full, or rn_pipeline_kick before the tracer
 * sleeps), which keeps a futex wake off most stops. */
void rn_pipeline_push(struct rn_pipeline *p, const struct rn_record *rec);
/* Tracer: wake every worker that has pending records (before sleeping). */
void rn_pipeline_kick(struct rn_pipeline *p);
/* Tracer: all records pushed; drain, stop and join every thread. Returns
 * non-zero when the output could not be written. */
int rn_pipeline_finish(struct rn_pipeline *p);

/* Tracer: did the writer fail? */
int rn_pipeline_failed(struct rn_pipeline *p);

/* Worker: hand a held tracee back to the tracer. */
void rn_handback(struct rn_pipeline *p, pid_t tid, uint32_t hold_id);
/* Tracer: take every hand-back queued so far (a NULL-terminated list). */
struct rn_handback *rn_handback_take_all(struct rn_pipeline *p);
/* Tracer, before sleeping: is the inbox empty? (seq_cst: see tracer_sleep) */
int rn_handback_empty(struct rn_pipeline *p);

/* Worker/writer internals, created by rn_pipeline_start. */
struct rn_worker *rn_worker_create(struct rn_pipeline *p, unsigned index);
struct rn_ring *rn_worker_input(struct rn_worker *w);
struct rn_ring *rn_worker_output(struct rn_worker *w);
void rn_worker_stop_and_join(struct rn_worker *w);
void rn_worker_destroy(struct rn_worker *w);

/* Created before the workers (they wake it), started after them (it reads
 * every worker's output ring). */
struct rn_writer *rn_writer_create(struct rn_pipeline *p, int out_fd);
int rn_writer_start(struct rn_writer *w);
struct rn_parker *rn_writer_parker(struct rn_writer *w);
int rn_writer_stop_and_join(struct rn_writer *w);
void rn_writer_destroy(struct rn_writer *w);

#endif /* RENACER_PIPELINE_H */
