/*
 * fdcache.h - -y and -P: the path behind a descriptor (pipeline/fdcache.c).
 * Contract: only the owning worker thread calls these; the tracee must be
 * held stopped, since what the number refers to is read from /proc.
 */
#ifndef RENACER_FDCACHE_H
#define RENACER_FDCACHE_H

#include "decode/record.h"
#include "pipeline/worker_internal.h"

/* fd RN_FDPATH_CWD: the working directory (AT_FDCWD). */
#define RN_FDPATH_CWD (-100)

/* The path of tid's descriptor fd as strace shows it, read now, or NULL
 * when there is none (not open, or the process is gone). Valid until the
 * worker's next call of rn_fdcache_get. */
const struct rn_fdpath *rn_fdcache_get(struct rn_worker *w, pid_t tgid, pid_t tid, int fd);
/* The same with the kinds (enum rn_decode_fd) given rather than the run's
 * (-P matches plain paths whatever --decode-fds shows). */
const struct rn_fdpath *rn_fdcache_get_kinds(struct rn_worker *w, pid_t tgid, pid_t tid, int fd,
					     int what);
void rn_fdcache_free(struct rn_worker *w);

#endif /* RENACER_FDCACHE_H */
