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
 *
 * -yy adds a device's numbers, /dev/null<char 1:3>, shows a socket by
 * its endpoints instead of socket:[INODE] (pipeline/sockdesc.c) and a
 * pidfd by its process, pid:N: --decode-fds's dev, socket and pidfd,
 * each of which strace shows without its path too.
 */
#define _GNU_SOURCE
#include "pipeline/worker_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pipeline/fdcache.h"
#include "pipeline/sockdesc.h"

static const char deleted_suffix[] = " (deleted)";
#define DELETED_LEN (sizeof(deleted_suffix) - 1)

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

/* -yy: what strace shows inside the brackets after the path (a device's
 * numbers), or instead of it (a socket's endpoints: *replace set), into
 * out; nothing for anything else (*replace -1: a pidfd whose process is
 * gone, shown by its path whatever --decode-fds says). */
static void yy_inside(struct rn_worker *w, pid_t tid, int fd, const char *link,
		      const char *path, struct rn_sbuf *out, int *replace, int what)
{
	unsigned long ino;
	char end;
	if (strcmp(path, "anon_inode:[pidfd]") == 0) {
		if (!(what & RN_DECODE_FD_PIDFD))
			return;
		/* a pidfd: pid:N, the process it refers to (fdinfo's Pid) */
		char info[64], text[4096];
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%d", tid, fd);
		FILE *f = fopen(info, "re");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
		if (f)
			fclose(f);
		text[n] = '\0';
		const char *p = strstr(text, "\nPid:");
		long pid;
		if (p && sscanf(p + 5, "%ld", &pid) == 1 && pid > 0) {
			rn_sbuf_printf(out, "pid:%ld", pid);
			*replace = 1;
		} else {
			/* its process is gone: strace shows the path, even
			 * when not asked for paths */
			*replace = -1;
		}
		return;
	}
	if (sscanf(path, "socket:[%lu%c", &ino, &end) == 2 && end == ']') {
		if (!(what & RN_DECODE_FD_SOCKET))
			return;
		*replace = rn_sockdesc(w, link, (uint32_t)ino, out, w->p->opt->quote_flags);
		return;
	}
	struct stat st;
	if (!(what & RN_DECODE_FD_DEV) || stat(link, &st) != 0)
		return;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		rn_sbuf_printf(out, "<%s %u:%u>", S_ISCHR(st.st_mode) ? "char" : "block",
			       major(st.st_rdev), minor(st.st_rdev));
}

const struct rn_fdpath *rn_fdcache_get(struct rn_worker *w, pid_t tgid, pid_t tid, int fd)
{
	/* -P alone: the paths, for matching */
	const int what = w->p->opt->decode_fds ? w->p->opt->decode_fds : RN_DECODE_FD_PATH;
	return rn_fdcache_get_kinds(w, tgid, tid, fd, what);
}

const struct rn_fdpath *rn_fdcache_get_kinds(struct rn_worker *w, pid_t tgid, pid_t tid, int fd,
					     int what)
{
	(void)tgid;
	if ((fd < 0 && fd != RN_FDPATH_CWD) || (fd == RN_FDPATH_CWD && !(what & RN_DECODE_FD_PATH)))
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
	/* strace leaves a removed working directory's " (deleted)" in the
	 * brackets: AT_FDCWD</tmp/d (deleted)>. */
	int deleted = fd != RN_FDPATH_CWD && is_deleted(link, path, (size_t)n);
	size_t plen = deleted ? (size_t)n - DELETED_LEN : (size_t)n;
	/* decode/value.h: the path, then NUL, what goes inside the brackets
	 * after it, NUL and what goes after them, when there is any. */
	struct rn_sbuf inside = { 0 };
	int replace = 0;
	if ((what & ~RN_DECODE_FD_PATH) && fd != RN_FDPATH_CWD)
		yy_inside(w, tid, fd, link, path, &inside, &replace, what);
	if (replace > 0)
		plen = 0;
	/* --decode-fds without path: only what the other kinds found */
	if (!(what & RN_DECODE_FD_PATH) && !inside.len && replace >= 0) {
		rn_sbuf_free(&inside);
		return NULL;
	}
	size_t len = plen;
	if (inside.len || deleted)
		len += 1 + inside.len;
	if (deleted)
		len += 1 + strlen("(deleted)");
	struct rn_fdpath *e = realloc(w->fdpath, sizeof(*e) + len);
	if (!e)
		abort();
	w->fdpath = e;
	e->deleted = (uint8_t)deleted;
	e->plen = (uint32_t)plen;
	e->len = (uint32_t)len;
	char *o = e->path;
	memcpy(o, path, plen);
	o += plen;
	if (inside.len || deleted) {
		*o++ = '\0';
		if (inside.len)
			memcpy(o, inside.p, inside.len);
		o += inside.len;
	}
	if (deleted) {
		*o++ = '\0';
		memcpy(o, "(deleted)", strlen("(deleted)"));
	}
	rn_sbuf_free(&inside);
	return e;
}

void rn_fdcache_free(struct rn_worker *w)
{
	free(w->fdpath);
	w->fdpath = NULL;
	rn_sockdesc_free(w);
}
