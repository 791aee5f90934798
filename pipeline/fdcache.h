/*
 * fdcache.h - -y descriptor paths, per worker (pipeline/fdcache.c).
 * Contract: only the owning worker thread calls these; a lookup that misses
 * reads /proc/TID/fd/N, so the tracee must be held stopped.
 */
#ifndef RENACER_FDCACHE_H
#define RENACER_FDCACHE_H

#include "decode/record.h"
#include "pipeline/worker_internal.h"

const struct rn_fdpath *rn_fdcache_get(struct rn_worker *w, pid_t tgid, pid_t tid, int fd);
void rn_fdcache_forget(struct rn_worker *w, pid_t tgid, int fd);
void rn_fdcache_forget_range(struct rn_worker *w, pid_t tgid, int lo, int hi);
/* Keep the cache true after a syscall completed. */
void rn_fdcache_after_exit(struct rn_worker *w, const struct rn_record *entry,
			   const struct rn_record *exit);
void rn_fdcache_free(struct rn_worker *w);

#endif /* RENACER_FDCACHE_H */
