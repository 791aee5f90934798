/*
 * outputs.c - see outputs.h.
 */
#define _GNU_SOURCE
#include "outputs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The absolute path a name will have once created: realpath of the file
 * when it exists, else of its directory with the name appended. NULL when
 * neither resolves (the open will report it). */
static char *canonical_at(const char *path, int links);

/* A dangling symbolic link: where its target will be created. */
static char *link_target(const char *path, int links)
{
	char target[PATH_MAX];
	ssize_t len = readlink(path, target, sizeof(target) - 1);
	if (len < 0 || links >= 8)
		return NULL;
	target[len] = '\0';
	const char *slash = strrchr(path, '/');
	char *full;
	if (target[0] == '/' || !slash)
		full = strdup(target);
	else if (asprintf(&full, "%.*s/%s", (int)(slash - path), path, target) < 0)
		full = NULL;
	if (!full)
		return NULL;
	char *out = canonical_at(full, links + 1);
	free(full);
	return out;
}

static char *canonical(const char *path)
{
	return canonical_at(path, 0);
}

static char *canonical_at(const char *path, int links)
{
	char *real = realpath(path, NULL);
	if (real)
		return real;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return link_target(path, links);
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
	if (!dir)
		return NULL;
	char *rdir = realpath(dir, NULL);
	free(dir);
	if (!rdir)
		return NULL;
	char *out;
	if (asprintf(&out, "%s/%s", strcmp(rdir, "/") ? rdir : "", slash ? slash + 1 : path) < 0)
		out = NULL;
	free(rdir);
	return out;
}

static int same_inode(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* name is base followed by '.' and digits (FILE.TID, CAPTURE.N). */
static int numbered_from(const char *name, const char *base)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n) != 0 || name[n] != '.' || !name[n + 1])
		return 0;
	for (const char *p = name + n + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

int rn_outputs_clash(const struct rn_options *o, char *msg, size_t n)
{
	if (!o->outfile || !o->capture)
		return 0;
	const int per_tid = o->output_separately;
	char *out = canonical(o->outfile), *cap = canonical(o->capture);
	int clash = 0;
	if (out && cap) {
		if (!per_tid && (strcmp(out, cap) == 0 || same_inode(o->outfile, o->capture))) {
			snprintf(msg, n, "-o '%s' and --capture '%s' are the same file", o->outfile,
				 o->capture);
			clash = 1;
		} else if (per_tid && o->capture_size && strcmp(out, cap) == 0) {
			/* FILE.TID and the rotated parts FILE.N: one namespace. */
			snprintf(msg, n, "-ff -o '%s' and a rotated --capture '%s' would both write "
				 "'%s.N'", o->outfile, o->capture, o->outfile);
			clash = 1;
		} else if (per_tid && numbered_from(cap, out)) {
			snprintf(msg, n, "--capture '%s' is named like one of -ff's files '%s.TID'",
				 o->capture, o->outfile);
			clash = 1;
		} else if (!per_tid && o->capture_size && numbered_from(out, cap)) {
			snprintf(msg, n, "-o '%s' is named like a part of the rotated capture '%s.N'",
				 o->outfile, o->capture);
			clash = 1;
		}
	}
	free(out);
	free(cap);
	return clash ? -1 : 0;
}

int rn_outputs_fd_is_capture(int fd, const char *capture)
{
	struct stat sf, sc;
	return fstat(fd, &sf) == 0 && S_ISREG(sf.st_mode) && lstat(capture, &sc) == 0 &&
	       sf.st_dev == sc.st_dev && sf.st_ino == sc.st_ino;
}

int rn_outputs_same_fd(int a, int b)
{
	struct stat sa, sb;
	return a >= 0 && b >= 0 && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
