/*
 * files.c - --format files: one JSON object per process, written when it
 * ends, with every path it read, wrote, created, deleted, renamed,
 * executed, probed and listed (docs/FILES.md has the schema).
 *
 * Each array holds a path once, in the order of its first use. A process's
 * paths are kept until its line is written and then freed: memory follows
 * the live processes and what they touched.
 *
 * Owner: the sink's driving thread (sink.h).
 */
#define _GNU_SOURCE
#include "sinks/proc_sinks.h"

#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "sinks/json_sink.h"
#include "sinks/proctrack.h"

#define FLUSH_AT 65536u

/* The array names, by enum rn_pt_op. */
static const char *const op_key[RN_PT_NOPS] = {
	[RN_PT_READ] = "read",       [RN_PT_WRITE] = "wrote",    [RN_PT_CREATE] = "created",
	[RN_PT_DELETE] = "deleted",  [RN_PT_RENAME] = "renamed", [RN_PT_EXEC] = "executed",
	[RN_PT_PROBE] = "probed",    [RN_PT_LIST] = "listed",
};

/* This file's structs belong to the sink's driving thread. */
struct seen {
	struct seen *next;  /* hash chain */
	struct seen *after; /* the op's list, in first-use order */
	uint64_t hash;
	uint8_t op;
	size_t len;
	char key[];         /* path, or from NUL to for a rename */
};

/* A process's paths (rn_pt_proc.user). */
struct fproc {
	struct seen **bucket;
	size_t nbuckets, n;
	struct seen *first[RN_PT_NOPS], *last[RN_PT_NOPS];
};

struct files {
	rn_sink_write_fn write;
	void *ctx;
	struct rn_sbuf out;
	int error;
	struct rn_proctrack pt;
};

static uint64_t fnv(uint8_t op, const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ op;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static void grow(struct fproc *f)
{
	size_t nb = f->nbuckets ? 2 * f->nbuckets : 64;
	struct seen **b = calloc(nb, sizeof(*b));
	if (!b)
		abort();
	for (size_t i = 0; i < f->nbuckets; i++) {
		while (f->bucket[i]) {
			struct seen *e = f->bucket[i];
			f->bucket[i] = e->next;
			e->next = b[e->hash % nb];
			b[e->hash % nb] = e;
		}
	}
	free(f->bucket);
	f->bucket = b;
	f->nbuckets = nb;
}

static void on_start(void *ctx, struct rn_pt_proc *p)
{
	(void)ctx;
	p->user = calloc(1, sizeof(struct fproc));
	if (!p->user)
		abort();
}

static void on_op(void *ctx, struct rn_pt_proc *p, enum rn_pt_op op, const char *path,
		  const char *to)
{
	(void)ctx;
	struct fproc *f = p->user;
	size_t pl = strlen(path), len = pl + (to ? 1 + strlen(to) : 0);
	char *key = malloc(len + 1);
	if (!key)
		abort();
	memcpy(key, path, pl + 1);
	if (to)
		memcpy(key + pl + 1, to, len - pl);
	uint64_t h = fnv((uint8_t)op, key, len);
	if (f->nbuckets) {
		for (struct seen *e = f->bucket[h % f->nbuckets]; e; e = e->next) {
			if (e->hash == h && e->op == op && e->len == len &&
			    memcmp(e->key, key, len) == 0) {
				free(key);
				return;
			}
		}
	}
	if (f->n >= 2 * f->nbuckets)
		grow(f);
	struct seen *e = malloc(sizeof(*e) + len + 1);
	if (!e)
		abort();
	e->hash = h;
	e->op = (uint8_t)op;
	e->len = len;
	memcpy(e->key, key, len + 1);
	free(key);
	e->next = f->bucket[h % f->nbuckets];
	f->bucket[h % f->nbuckets] = e;
	e->after = NULL;
	if (f->last[op])
		f->last[op]->after = e;
	else
		f->first[op] = e;
	f->last[op] = e;
	f->n++;
}

static void put_cstr(struct rn_sbuf *b, const char *s)
{
	if (s)
		rn_json_text(b, s, strlen(s));
	else
		rn_sbuf_puts(b, "null");
}

static void flush_out(struct files *s)
{
	if (s->out.len && !s->error)
		s->error = s->write(s->ctx, s->out.p, s->out.len);
	rn_sbuf_reset(&s->out);
}

static void on_end(void *ctx, struct rn_pt_proc *p)
{
	struct files *s = ctx;
	struct fproc *f = p->user;
	struct rn_sbuf *b = &s->out;
	rn_sbuf_puts(b, "{\"pid\":");
	rn_sbuf_put_i64(b, p->pid, 0);
	rn_sbuf_puts(b, ",\"ppid\":");
	rn_sbuf_put_i64(b, p->ppid, 0);
	rn_sbuf_puts(b, ",\"command\":");
	if (p->argv) {
		rn_sbuf_putc(b, '[');
		for (size_t i = 0; p->argv[i]; i++) {
			if (i)
				rn_sbuf_putc(b, ',');
			put_cstr(b, p->argv[i]);
		}
		rn_sbuf_putc(b, ']');
	} else {
		rn_sbuf_puts(b, "null");
	}
	rn_sbuf_puts(b, ",\"command_cut\":");
	rn_sbuf_puts(b, p->argv_cut ? "true" : "false");
	rn_sbuf_puts(b, ",\"cwd\":");
	put_cstr(b, p->exec_cwd ? p->exec_cwd : p->cwd);
	for (int op = 0; op < RN_PT_NOPS; op++) {
		rn_sbuf_puts(b, ",\"");
		rn_sbuf_puts(b, op_key[op]);
		rn_sbuf_puts(b, "\":[");
		for (struct seen *e = f ? f->first[op] : NULL; e; e = e->after) {
			if (e != f->first[op])
				rn_sbuf_putc(b, ',');
			if (op == RN_PT_RENAME) {
				rn_sbuf_puts(b, "{\"from\":");
				put_cstr(b, e->key);
				rn_sbuf_puts(b, ",\"to\":");
				put_cstr(b, e->key + strlen(e->key) + 1);
				rn_sbuf_putc(b, '}');
			} else {
				put_cstr(b, e->key);
			}
		}
		rn_sbuf_putc(b, ']');
	}
	rn_sbuf_puts(b, "}\n");
	if (f) {
		for (size_t i = 0; i < f->nbuckets; i++) {
			while (f->bucket[i]) {
				struct seen *e = f->bucket[i];
				f->bucket[i] = e->next;
				free(e);
			}
		}
		free(f->bucket);
		free(f);
		p->user = NULL;
	}
	if (b->len >= FLUSH_AT)
		flush_out(s);
}

static void *files_begin(const struct rn_sink_params *params)
{
	struct files *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->write = params->write;
	s->ctx = params->ctx;
	const struct rn_pt_hooks hooks = {
		.ctx = s, .start = on_start, .op = on_op, .end = on_end,
	};
	rn_proctrack_init(&s->pt, params->opt, &hooks);
	return s;
}

static void files_event(void *self, const struct rn_event *ev)
{
	rn_proctrack_event(&((struct files *)self)->pt, ev);
}

static int files_flush(void *self)
{
	flush_out(self);
	return ((struct files *)self)->error;
}

static int files_finish(void *self)
{
	struct files *s = self;
	rn_proctrack_finish(&s->pt);
	flush_out(s);
	return s->error;
}

static int files_error(const void *self)
{
	return ((const struct files *)self)->error;
}

static int files_buffered(const void *self)
{
	return ((const struct files *)self)->out.len != 0;
}

static void files_destroy(void *self)
{
	struct files *s = self;
	if (!s)
		return;
	/* After finish, nothing is left; abandoned, the processes' lines
	 * are made into the buffer and freed with it, never written. */
	rn_proctrack_finish(&s->pt);
	rn_sbuf_free(&s->out);
	free(s);
}

const struct rn_sink_ops rn_files_ops = {
	.name = "files",
	.flags = RN_SINK_WHOLE_DOCUMENT,
	.begin = files_begin,
	.event = files_event,
	.flush = files_flush,
	.finish = files_finish,
	.error = files_error,
	.buffered = files_buffered,
	.destroy = files_destroy,
};
