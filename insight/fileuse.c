/*
 * fileuse.c - per-path counts for the report (insight/fileuse.h).
 */
#define _GNU_SOURCE
#include "insight/fileuse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/proctrack.h"

/* One path; entries are never freed before the end (the report's tables
 * are about the whole run). */
struct entry {
	struct rn_fileuse_path p;
	uint64_t hash;
};

/* The paths one process used: a set of entries, with what it did. */
struct used {
	struct entry *e;
	uint8_t read, wrote;
};

struct uproc {
	struct used *slot; /* open addressing by entry pointer */
	size_t nslots, n;
};

struct rn_fileuse {
	struct rn_proctrack pt;
	struct entry **slot; /* open addressing by path hash */
	size_t nslots, n;
	struct rn_fileuse_path *out;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	return p;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ^ (h >> 31);
}

static struct entry **entry_slot(struct rn_fileuse *u, const char *path, uint64_t h)
{
	size_t mask = u->nslots - 1;
	for (size_t j = h & mask;; j = (j + 1) & mask)
		if (!u->slot[j] || (u->slot[j]->hash == h && strcmp(u->slot[j]->p.path, path) == 0))
			return &u->slot[j];
}

static struct entry *entry_get(struct rn_fileuse *u, const char *path)
{
	if ((u->n + 1) * 2 > u->nslots) {
		struct entry **old = u->slot;
		size_t nold = u->nslots;
		u->nslots = nold ? 2 * nold : 1024;
		u->slot = xcalloc(u->nslots, sizeof(*u->slot));
		for (size_t i = 0; i < nold; i++)
			if (old[i])
				*entry_slot(u, old[i]->p.path, old[i]->hash) = old[i];
		free(old);
	}
	uint64_t h = hash_str(path);
	struct entry **s = entry_slot(u, path, h);
	if (!*s) {
		*s = xcalloc(1, sizeof(**s));
		(*s)->hash = h;
		(*s)->p.path = strdup(path);
		if (!(*s)->p.path)
			abort();
		u->n++;
	}
	return *s;
}

static struct used *used_get(struct uproc *up, struct entry *e)
{
	if ((up->n + 1) * 2 > up->nslots) {
		struct used *old = up->slot;
		size_t nold = up->nslots;
		up->nslots = nold ? 2 * nold : 16;
		up->slot = xcalloc(up->nslots, sizeof(*up->slot));
		for (size_t i = 0; i < nold; i++)
			if (old[i].e)
				*used_get(up, old[i].e) = old[i];
		free(old);
	}
	size_t mask = up->nslots - 1;
	size_t j = (size_t)(((uintptr_t)e >> 4) * 0x9e3779b97f4a7c15ull >> 7) & mask;
	for (;; j = (j + 1) & mask) {
		if (up->slot[j].e == e)
			return &up->slot[j];
		if (!up->slot[j].e) {
			up->slot[j].e = e;
			up->n++;
			return &up->slot[j];
		}
	}
}

static void on_start(void *ctx, struct rn_pt_proc *p)
{
	(void)ctx;
	p->user = xcalloc(1, sizeof(struct uproc));
}

static void on_op(void *ctx, struct rn_pt_proc *p, enum rn_pt_op op, const char *path,
		  const char *to)
{
	(void)to;
	struct rn_fileuse *u = ctx;
	struct uproc *up = p->user;
	if (!up || !path || (op != RN_PT_READ && op != RN_PT_WRITE))
		return;
	struct entry *e = entry_get(u, path);
	struct used *mine = used_get(up, e);
	if (op == RN_PT_READ) {
		e->p.reads++;
		if (!mine->read)
			e->p.readers++;
		mine->read = 1;
		if (e->p.live_writers > mine->wrote)
			e->p.conflict_reads++;
	} else if (!mine->wrote) {
		mine->wrote = 1;
		e->p.writers++;
		e->p.live_writers++;
	}
}

static void on_end(void *ctx, struct rn_pt_proc *p)
{
	(void)ctx;
	struct uproc *up = p->user;
	if (!up)
		return;
	for (size_t i = 0; i < up->nslots; i++)
		if (up->slot[i].e && up->slot[i].wrote)
			up->slot[i].e->p.live_writers--;
	free(up->slot);
	free(up);
	p->user = NULL;
}

struct rn_fileuse *rn_fileuse_new(const struct rn_options *opt)
{
	struct rn_fileuse *u = xcalloc(1, sizeof(*u));
	const struct rn_pt_hooks hooks = {
		.ctx = u, .start = on_start, .op = on_op, .end = on_end,
	};
	rn_proctrack_init(&u->pt, opt, &hooks);
	return u;
}

void rn_fileuse_event(struct rn_fileuse *u, const struct rn_event *ev)
{
	rn_proctrack_event(&u->pt, ev);
}

void rn_fileuse_finish(struct rn_fileuse *u)
{
	rn_proctrack_finish(&u->pt);
}

struct rn_fileuse_path *rn_fileuse_paths(struct rn_fileuse *u, size_t *count)
{
	free(u->out);
	u->out = xcalloc(u->n, sizeof(*u->out));
	size_t k = 0;
	for (size_t i = 0; i < u->nslots; i++)
		if (u->slot[i])
			u->out[k++] = u->slot[i]->p;
	*count = k;
	return u->out;
}

void rn_fileuse_free(struct rn_fileuse *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nslots; i++) {
		if (u->slot[i]) {
			free((char *)u->slot[i]->p.path);
			free(u->slot[i]);
		}
	}
	free(u->slot);
	free(u->out);
	free(u);
}
