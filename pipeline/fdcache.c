/*
 * fdcache.c - -y and -P: the path behind a descriptor, for the worker that
 * owns the process (see pipeline/worker_internal.h).
 *
 * The link /proc/TID/fd/N (/proc/TID/cwd for AT_FDCWD) is read every time
 * a descriptor is shown, as strace does: a path kept from an earlier call
 * goes stale without any call of this process saying so (another process
 * renames or unlinks the file, a descriptor table shared by clone changes
 * in a thread of another process, a number closed by a call -e trace=
 * leaves out), and the read costs little beside the stop the tracee is
 * held in for it anyway.
 *
 * The kernel writes " (deleted)" after the path of a file that is no
 * longer linked there; strace shows that as 3</tmp/f>(deleted), after the
 * brackets, but a file really named "f (deleted)" keeps its name inside
 * them. What tells the two apart is whether the link's text, as a path,
 * still leads to the open file.
 */
#define _GNU_SOURCE
#include "pipeline/worker_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/fdcache.h"

static const char deleted_suffix[] = " (deleted)";
#define DELETED_LEN (sizeof(deleted_suffix) - 1)
/* What follows the path of a file no longer linked: NUL, nothing shown
 * inside the brackets, NUL, what is shown after them. */
static const char deleted_tail[] = "\0\0(deleted)";
#define DELETED_TAIL_LEN (sizeof(deleted_tail) - 1)

/* Does the link text path[0..n) (NUL-terminated) end in " (deleted)"
 * because the file is gone from that place, not because it is its name? */
static int is_deleted(const char *link, const char *path, size_t n)
{
	if (n < DELETED_LEN || memcmp(path + n - DELETED_LEN, deleted_suffix, DELETED_LEN) != 0)
		return 0;
	struct stat open_file, named;
	if (stat(link, &open_file) != 0)
		return 1;
	if (path[0] != '/' || stat(path, &named) != 0)
		return 1;
	return open_file.st_dev != named.st_dev || open_file.st_ino != named.st_ino;
}

const struct rn_fdpath *rn_fdcache_get(struct rn_worker *w, pid_t tgid, pid_t tid, int fd)
{
	(void)tgid;
	if (fd < 0 && fd != RN_FDPATH_CWD)
		return NULL;
	char link[64], path[PATH_MAX + 1];
	if (fd == RN_FDPATH_CWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", tid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	int deleted = is_deleted(link, path, (size_t)n);
	size_t len = deleted ? (size_t)n - DELETED_LEN + DELETED_TAIL_LEN : (size_t)n;
	struct rn_fdpath *e = realloc(w->fdpath, sizeof(*e) + len);
	if (!e)
		abort();
	w->fdpath = e;
	e->deleted = (uint8_t)deleted;
	e->len = (uint32_t)len;
	if (deleted) {
		size_t keep = (size_t)n - DELETED_LEN;
		memcpy(e->path, path, keep);
		memcpy(e->path + keep, deleted_tail, DELETED_TAIL_LEN);
	} else {
		memcpy(e->path, path, len);
	}
	return e;
}

void rn_fdcache_free(struct rn_worker *w)
{
	free(w->fdpath);
	w->fdpath = NULL;
}
