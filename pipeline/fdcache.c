/*
 * fdcache.c - -y: descriptor paths per process, for the worker that owns
 * the process (see pipeline/worker_internal.h).
 *
 * A path is read with readlink(/proc/TID/fd/N) the first time a descriptor
 * is shown and kept until something may have changed what the number
 * refers to: a successful close, a call that returns a new descriptor in
 * that number (open, dup2, socket, ...), close_range, execve (close-on-exec
 * descriptors), or the end of the process. That holds only when those
 * calls reach the worker: with -e trace= leaving one of the calls that
 * free a descriptor number out, a number may be closed and reused unseen,
 * so the path is read again every time it is shown (as strace always does).
 */
#define _GNU_SOURCE
#include "pipeline/worker_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pipeline/fdcache.h"
#include "syscalls/syscalls.h"

static unsigned bucket(pid_t tgid, int fd)
{
	return ((unsigned)tgid * 31u + (unsigned)fd) % RN_FDCACHE_BUCKETS;
}

/* Does every call that can free a descriptor number reach the workers
 * (and so rn_fdcache_after_exit)? dup2/dup3 close their target, execve
 * the close-on-exec descriptors. */
static int frees_all_seen(const struct rn_options *opt)
{
	static const long frees[] = { SYS_close, SYS_close_range, SYS_dup2,
				      SYS_dup3, SYS_execve, SYS_execveat };
	for (size_t i = 0; i < sizeof(frees) / sizeof(frees[0]); i++)
		if (!rn_filter_traced(&opt->filter, frees[i]))
			return 0;
	return 1;
}

const struct rn_fdpath *rn_fdcache_get(struct rn_worker *w, pid_t tgid, pid_t tid, int fd)
{
	if (fd < 0)
		return NULL;
	/* The entry returned stays valid until the next lookup of the same
	 * descriptor: callers copy the path before that. */
	if (!frees_all_seen(w->p->opt))
		rn_fdcache_forget(w, tgid, fd);
	for (struct rn_fdpath *e = w->fdcache[bucket(tgid, fd)]; e; e = e->next)
		if (e->tgid == tgid && e->fd == fd)
			return e;
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, fd);
	ssize_t n = readlink(link, path, sizeof(path));
	if (n <= 0)
		return NULL;
	struct rn_fdpath *e = malloc(sizeof(*e) + (size_t)n);
	if (!e)
		abort();
	e->tgid = tgid;
	e->fd = fd;
	e->len = (uint32_t)n;
	memcpy(e->path, path, (size_t)n);
	e->next = w->fdcache[bucket(tgid, fd)];
	w->fdcache[bucket(tgid, fd)] = e;
	return e;
}

void rn_fdcache_forget(struct rn_worker *w, pid_t tgid, int fd)
{
	for (struct rn_fdpath **pp = &w->fdcache[bucket(tgid, fd)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->tgid == tgid && (*pp)->fd == fd) {
			struct rn_fdpath *e = *pp;
			*pp = e->next;
			free(e);
			return;
		}
	}
}

/* Forget the descriptors of tgid in [lo, hi]; all of them for [0, INT_MAX]. */
void rn_fdcache_forget_range(struct rn_worker *w, pid_t tgid, int lo, int hi)
{
	for (unsigned b = 0; b < RN_FDCACHE_BUCKETS; b++) {
		for (struct rn_fdpath **pp = &w->fdcache[b]; *pp;) {
			struct rn_fdpath *e = *pp;
			if (e->tgid == tgid && e->fd >= lo && e->fd <= hi) {
				*pp = e->next;
				free(e);
			} else {
				pp = &e->next;
			}
		}
	}
}

void rn_fdcache_after_exit(struct rn_worker *w, const struct rn_record *entry,
			   const struct rn_record *exit)
{
	if (exit->flags & RN_REC_ERROR)
		return;
	const struct rn_syscall *sc = rn_syscall_get(entry->nr);
	pid_t tgid = entry->tgid;
	switch (entry->nr) {
	case SYS_close:
		rn_fdcache_forget(w, tgid, (int)entry->args[0]);
		return;
	case SYS_close_range:
		rn_fdcache_forget_range(w, tgid, (int)(unsigned)entry->args[0],
					entry->args[1] > INT_MAX ? INT_MAX : (int)entry->args[1]);
		return;
	case SYS_execve:
	case SYS_execveat:
		rn_fdcache_forget_range(w, tgid, 0, INT_MAX);
		return;
	case SYS_fcntl:
		/* F_DUPFD, F_DUPFD_CLOEXEC return a new descriptor */
		if (entry->args[1] == 0 || entry->args[1] == 1030)
			rn_fdcache_forget(w, tgid, (int)exit->ret);
		return;
	default:
		if (sc && sc->ret_type == RN_T_FD)
			rn_fdcache_forget(w, tgid, (int)exit->ret);
		return;
	}
}

void rn_fdcache_free(struct rn_worker *w)
{
	for (unsigned b = 0; b < RN_FDCACHE_BUCKETS; b++) {
		while (w->fdcache[b]) {
			struct rn_fdpath *e = w->fdcache[b];
			w->fdcache[b] = e->next;
			free(e);
		}
	}
}
