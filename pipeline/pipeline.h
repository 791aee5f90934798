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
 *    the writer's merge can wait for seq N+1 after N without gaps; the
 *    RN_REC_BYTES records carrying a snapshot are not records of their own
 *    (no seq) and yield none.
 *  - A record flagged RN_REC_HELD is handed back (rn_handback) once the
 *    worker is done with the tracee's memory; the tracer resumes it then.
 */
#ifndef RENACER_PIPELINE_H
#define RENACER_PIPELINE_H

#include <stdatomic.h>
#include <stdint.h>
#include <pthread.h>

#include "decode/event.h"
#include "syscalls/options.h"
#include "decode/record.h"
#include "pipeline/ring.h"
#include "stats/procsummary.h"
#include "stats/summary.h"

/* Worker -> tracer: a held tracee may be resumed. Allocated by the worker,
 * freed by the tracer. */
struct rn_handback {
	struct rn_handback *next;
	pid_t tid;
	uint32_t hold_id;
};

/* Counters reported at exit. Each has one writer thread; read after join,
 * except ring_stalls: the writer's status line (--status-line) reads it while
 * the tracer runs. The tracer is its only writer, so it adds with a relaxed
 * load and a relaxed store (no read-modify-write on the tracer's path);
 * the writer reads it with a relaxed load. A count that is a moment old is
 * all the status line needs: nothing else is ordered by it. */
struct rn_stats {
	uint64_t records;      /* tracer */
	_Atomic uint64_t ring_stalls; /* tracer: times a full ring made it wait */
	uint64_t holds;        /* tracer: tracees held for a worker read */
	uint64_t prefetched;   /* tracer: stops whose memory the tracer copied */
	uint64_t prefetch_misses; /* workers (summed after join): reads a copy did
				     not cover; 0 unless a plan is wrong */
	uint64_t lost;         /* events lost: always 0 unless a bug says otherwise */
	/* Records and events dropped once the output was abandoned (below):
	 * the tracer's and each worker's own count, summed after the end. */
	uint64_t dropped;
};

struct rn_worker;
struct rn_writer;
struct rn_capture_writer;

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

	/* The output is not being read (a FIFO nobody drains) and renacer must
	 * end anyway: set (release, rn_pipeline_abandon) by the tracer; read
	 * (acquire) by the tracer and the workers before they wait for room.
	 * From then on nobody waits: records and events are dropped (counted
	 * in dropped) and a held tracee is let go without its hand-back. */
	_Atomic int abandoned;
	/* Tracer: asked every STALL_CHECK_NS of a wait for room in a ring;
	 * returns 1 to abandon the output. NULL: wait for ever (lossless). */
	int (*stalled)(void *arg);
	void *stalled_arg;

	struct rn_stats stats;

	/* -c/-C: the workers' tables merged after they are joined, before the
	 * writer is told to stop (so the writer reads it after its acquire). */
	struct rn_stats_table summary;
	/* --process-summary counted in the kernel (tracer/bpf_count.c): its
	 * rows, which with their commands the pipeline frees. Filled by the
	 * main thread before rn_pipeline_finish tells the writer to stop (the
	 * writer reads them after its acquire of that, as summary); NULL on
	 * the ptrace path, whose rows the writer gathers from the events. */
	struct rn_proc_row *proc_rows;
	size_t nproc_rows;
	/* -t: CLOCK_REALTIME - CLOCK_MONOTONIC, taken once at start. */
	int64_t real_minus_mono;
};

/* out_fd: the human output; capture: --capture's writer or NULL (the
 * writer thread owns it from here and closes it at the end);
 * real_minus_mono: CLOCK_REALTIME - CLOCK_MONOTONIC at start (-t). */
int rn_pipeline_start(struct rn_pipeline *p, const struct rn_options *opt, int out_fd,
		      struct rn_capture_writer *capture, int64_t real_minus_mono);
/* Tracer: push a record to its worker, waiting (lossless) when the ring is
 * full. A held record wakes its worker at once; others are woken in
 * batches (ring a quarter full, or rn_pipeline_kick before the tracer
 * sleeps), which keeps a futex wake off most stops. */
void rn_pipeline_push(struct rn_pipeline *p, const struct rn_record *rec);
/* Tracer: push a memory copy for the next record of tgid (rn_pipeline_push
 * of an RN_REC_SNAPSHOT record follows at once), as RN_REC_BYTES records. */
void rn_pipeline_push_bytes(struct rn_pipeline *p, int32_t tgid, const uint8_t *data, size_t len);
/* Tracer: wake every worker that has pending records (before sleeping). */
void rn_pipeline_kick(struct rn_pipeline *p);
/* Tracer: all records pushed; drain, stop and join every thread. Returns
 * 0, -1 when the output could not be written, or RN_PIPELINE_ABANDONED
 * when p->stalled gave up on an output nobody reads: then a thread may
 * still be blocked in it and nothing was freed (the caller is about to
 * die of a signal). */
#define RN_PIPELINE_ABANDONED (-2)
int rn_pipeline_finish(struct rn_pipeline *p);
/* The end of a pipeline thread, for a join that can give up: the thread
 * calls rn_thread_end_mark as the last thing it does; done is stored with
 * release, read with acquire by rn_pipeline_join, which sleeps on parker
 * (a timed futex wait, so no clock can stretch it; pthread_clockjoin_np
 * would do the same, but TSan does not see its happens-before). */
struct rn_thread_end {
	_Atomic uint32_t done;
	struct rn_parker parker;
};
void rn_thread_end_mark(struct rn_thread_end *e);
/* Join a pipeline thread, asking p->stalled while it waits: 0 joined, -1
 * abandoned and the thread did not end in time. */
int rn_pipeline_join(struct rn_pipeline *p, pthread_t th, struct rn_thread_end *end);

/* Tracer: did the writer fail? */
int rn_pipeline_failed(struct rn_pipeline *p);
/* Tracer: stop waiting for the output (see abandoned), and wake every
 * thread that waits for room so that it sees it. */
void rn_pipeline_abandon(struct rn_pipeline *p);
int rn_pipeline_abandoned(struct rn_pipeline *p);

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
/* No record will come any more: the worker ends once its ring is empty. */
void rn_worker_stop(struct rn_worker *w);
void rn_worker_destroy(struct rn_worker *w);

/* Created before the workers (they wake it), started after them (it reads
 * every worker's output ring). */
struct rn_writer *rn_writer_create(struct rn_pipeline *p, int out_fd,
				   struct rn_capture_writer *capture);
int rn_writer_start(struct rn_writer *w);
struct rn_parker *rn_writer_parker(struct rn_writer *w);
/* Worker, when its input ring is empty: wake the writer if it wants to
 * know now (prompt output, nothing buffered); a writer holding buffered
 * output for a regular file wakes by itself when it is due. */
void rn_writer_worker_idle(struct rn_writer *w);
/* Every worker is joined: the writer ends once their rings are empty. */
void rn_writer_stop(struct rn_writer *w);
pthread_t rn_writer_thread(struct rn_writer *w);
struct rn_thread_end *rn_writer_end(struct rn_writer *w);
/* After the join: print the output's error if it failed (-1), else 0. */
int rn_writer_report(struct rn_writer *w);
void rn_writer_destroy(struct rn_writer *w);

#endif /* RENACER_PIPELINE_H */
