/*
 * worker_internal.h - the worker's state, shared between pipeline.c (the
 * tracer's side: push, kick) and worker.c (the worker's side).
 */
#ifndef RENACER_WORKER_INTERNAL_H
#define RENACER_WORKER_INTERNAL_H

#include "decode/decode.h"
#include "base/mem.h"
#include "pipeline/pipeline.h"
#include "stats/summary.h"
#include "decode/value.h"

/* A syscall entry waiting for its exit. Worker-private. */
struct rn_pending {
	struct rn_pending *next;  /* hash chain */
	struct rn_record entry;
	unsigned next_arg;        /* first argument left for the exit */
	uint64_t saved[RN_DCTX_NSAVED]; /* decoders' words from entry to exit */
	uint8_t suppressed;       /* -P: touches none of the paths: not shown */
};

#define RN_PENDING_BUCKETS 1024u

/* -y: the path behind a descriptor of a process, read from /proc/TID/fd
 * while the tracee is held (pipeline/fdcache.c). path[0..len) is what a
 * value's bytes hold (decode/value.h, RN_V_FD): the path (plen bytes; none
 * for a socket -yy describes), and when there is more, a NUL, what goes
 * inside the brackets after the path (-yy), and for a file no longer
 * linked a NUL and "(deleted)". */
struct rn_sockcache;

struct rn_fdpath {
	uint32_t len, plen;
	uint8_t deleted;
	char path[];
};

struct rn_worker {
	struct rn_pipeline *p;    /* immutable */
	unsigned index;           /* immutable */
	pthread_t thread;
	struct rn_ring in;        /* tracer -> worker (SPSC) */
	struct rn_ring out;       /* worker -> writer (SPSC) */
	/* Set by the tracer when no record will come any more (release);
	 * the worker reads it (acquire) only after finding its ring empty. */
	_Atomic int stop;
	/* tracer-private: records pushed since the worker was last woken */
	unsigned unwoken;
	/* worker-private below */
	struct rn_pending *pending[RN_PENDING_BUCKETS];
	struct rn_values vs;      /* the event being decoded */
	struct rn_fdpath *fdpath; /* the last path read (fdcache.c) */
	int diag_fd1;             /* -yy: sock_diag socket + 1; 0 not opened, -1
				     none (sockdesc.c) */
	uint32_t diag_seq;        /* its last request's sequence number */
	struct rn_sockcache *sockcache; /* -yy: connected sockets (sockdesc.c) */
	char **ppaths;            /* -P paths, as given and resolved (realpath) */
	size_t nppaths;
	struct rn_stats_table stats; /* -c/-C: this worker's share of the summary,
					merged by rn_pipeline_finish after join */
	/* The tracer's memory copy for the next RN_REC_SNAPSHOT record,
	 * assembled from RN_REC_BYTES records; snap.misses is read by
	 * rn_pipeline_finish after join. */
	uint8_t *snap_buf;
	size_t snap_len, snap_cap;
	struct rn_mem_snap snap;
	/* Once the output is abandoned: the event being dropped instead of
	 * committed, and how many were (read by rn_pipeline_finish after
	 * join). */
	struct rn_event discard;
	int discarding;
	uint64_t dropped;
	struct rn_thread_end end; /* marked by the worker as it returns */
};

#endif /* RENACER_WORKER_INTERNAL_H */
