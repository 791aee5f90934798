/*
 * procsummary.c - the --process-summary table (format in
 * stats/procsummary.h).
 *
 * Ownership: no state; the rows belong to the caller.
 */
#include "stats/procsummary.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"

#define NS_PER_S ((uint64_t)1000000000)

enum { C_PID, C_START, C_DUR, C_CALLS, C_ERRS, C_TIME, C_EXIT, C_CMD, C__N };

static const char *const titles[C__N] = {
	"pid", "start", "duration", "syscalls", "errors", "sys-time", "exit",
	"command"
};
static const unsigned min_width[C__N] = { 7, 10, 10, 9, 9, 10, 21, 7 };

/* Work arrays for one render; all indexed by row number. */
struct tree {
	const struct rn_proc_row *rows;
	size_t n;
	size_t *order;    /* rows by (start, pid, input index) */
	long *parent, *first, *last, *next; /* -1: none */
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	return p;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* A row's sort key for the start order. */
struct okey {
	uint64_t start;
	int32_t pid;
	size_t row;
};

static int okey_cmp(const void *pa, const void *pb)
{
	const struct okey *a = pa, *b = pb;
	int c = cmp_u64(a->start, b->start);

	if (!c)
		c = a->pid < b->pid ? -1 : a->pid > b->pid;
	return c ? c : cmp_u64(a->row, b->row);
}

/* (pid, place in order) pairs, sorted, to find a parent by binary search. */
struct pidpos {
	int32_t pid;
	size_t pos;
	size_t row;
};

static int pidpos_cmp(const void *pa, const void *pb)
{
	const struct pidpos *a = pa, *b = pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return cmp_u64(a->pos, b->pos);
}

/* The parent of row i: among rows with pid == ppid that come before i in
 * start order, the latest (a reused pid belongs to its newest holder). */
static long find_parent(const struct pidpos *pp, size_t n, int32_t ppid,
			size_t before)
{
	size_t lo = 0, hi = n;

	/* First entry not less than (ppid, before). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pp[mid].pid < ppid ||
		    (pp[mid].pid == ppid && pp[mid].pos < before))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || pp[lo - 1].pid != ppid)
		return -1;
	return (long)pp[lo - 1].row;
}

static void build_tree(struct tree *t)
{
	size_t n = t->n;
	struct pidpos *pp = xmalloc(n * sizeof(*pp));
	struct okey *ok = xmalloc(n * sizeof(*ok));

	for (size_t i = 0; i < n; i++) {
		ok[i].start = t->rows[i].start_ns;
		ok[i].pid = t->rows[i].pid;
		ok[i].row = i;
	}
	qsort(ok, n, sizeof(*ok), okey_cmp);
	for (size_t k = 0; k < n; k++) {
		size_t i = ok[k].row;

		t->order[k] = i;
		pp[k].pid = t->rows[i].pid;
		pp[k].pos = k;
		pp[k].row = i;
		t->parent[i] = t->first[i] = t->last[i] = t->next[i] = -1;
	}
	free(ok);
	qsort(pp, n, sizeof(*pp), pidpos_cmp);
	/* Walking in start order appends each child after its elder
	 * siblings, so sibling lists come out sorted by start. */
	for (size_t k = 0; k < n; k++) {
		size_t i = t->order[k];
		long p = find_parent(pp, n, t->rows[i].ppid, k);

		t->parent[i] = p;
		if (p < 0)
			continue;
		if (t->last[p] < 0)
			t->first[p] = (long)i;
		else
			t->next[t->last[p]] = (long)i;
		t->last[p] = (long)i;
	}
	free(pp);
}

static void fmt_exit(char *buf, size_t len, const struct rn_proc_row *r)
{
	const char *name;

	switch (r->end) {
	case RN_PEND_EXITED:
		snprintf(buf, len, "exit %" PRId32, r->status);
		break;
	case RN_PEND_KILLED:
		name = rn_signal_name(r->status);
		if (name)
			snprintf(buf, len, "%s%s", name,
				 r->core_dumped ? " (core dumped)" : "");
		else
			snprintf(buf, len, "signal %" PRId32 "%s", r->status,
				 r->core_dumped ? " (core dumped)" : "");
		break;
	case RN_PEND_DETACHED:
		snprintf(buf, len, "detached");
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
}

static size_t indent_len(unsigned depth)
{
	return depth ? 4 * (size_t)(depth - 1) + 4 : 0;
}

static void put_seconds(char *buf, size_t len, uint64_t ns)
{
	uint64_t us = (ns + 500) / 1000; /* rounded, like "%.6f" */

	snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

/* The cells of one row except the command. */
static void fmt_cells(char cell[C_CMD][32], const struct rn_proc_row *r)
{
	snprintf(cell[C_PID], 32, "%" PRId32, r->pid);
	put_seconds(cell[C_START], 32, r->start_ns);
	put_seconds(cell[C_DUR], 32, r->duration_ns);
	snprintf(cell[C_CALLS], 32, "%" PRIu64, r->syscalls);
	if (r->errors)
		snprintf(cell[C_ERRS], 32, "%" PRIu64, r->errors);
	else
		cell[C_ERRS][0] = '\0';
	put_seconds(cell[C_TIME], 32, r->syscall_ns);
	fmt_exit(cell[C_EXIT], 32, r);
}

/* Pre-order walk of the tree, calling emit(row, depth) for every row:
 * roots in start order, each followed by its subtree. No recursion: a
 * chain of nested forks can be deeper than the stack likes. */
static void walk(const struct tree *t,
		 void (*emit)(void *ctx, size_t row, unsigned depth), void *ctx)
{
	for (size_t k = 0; k < t->n; k++) {
		size_t root = t->order[k];
		long node = (long)root;
		unsigned depth = 0;

		if (t->parent[root] >= 0)
			continue;
		for (;;) {
			emit(ctx, (size_t)node, depth);
			if (t->first[node] >= 0) {
				node = t->first[node];
				depth++;
				continue;
			}
			while (node != (long)root && t->next[node] < 0) {
				node = t->parent[node];
				depth--;
			}
			if (node == (long)root)
				break;
			node = t->next[node];
		}
	}
}

struct render_ctx {
	const struct rn_proc_row *rows;
	unsigned w[C__N];
	struct rn_sbuf *out;  /* NULL while measuring */
};

static void emit_row(void *vctx, size_t i, unsigned depth)
{
	struct render_ctx *c = vctx;
	const struct rn_proc_row *r = &c->rows[i];
	const char *cmd = r->command ? r->command : "";
	size_t cmdlen = strlen(cmd), ind = indent_len(depth);
	char cell[C_CMD][32];

	fmt_cells(cell, r);
	if (!c->out) {
		for (int k = 0; k < C_CMD; k++)
			if (strlen(cell[k]) > c->w[k])
				c->w[k] = (unsigned)strlen(cell[k]);
		if (ind + cmdlen > c->w[C_CMD])
			c->w[C_CMD] = (unsigned)(ind + cmdlen);
		return;
	}
	for (int k = 0; k < C_CMD; k++) {
		if (k == C_EXIT)
			rn_sbuf_printf(c->out, "%-*s ", c->w[k], cell[k]);
		else
			rn_sbuf_printf(c->out, "%*s ", c->w[k], cell[k]);
	}
	if (depth) {
		rn_sbuf_printf(c->out, "%*s", (int)(ind - 4), "");
		rn_sbuf_puts(c->out, " \\_ ");
	}
	/* One row, one line: control bytes would break the table. */
	rn_sbuf_reserve(c->out, cmdlen);
	for (size_t j = 0; j < cmdlen; j++) {
		unsigned char ch = (unsigned char)cmd[j];

		c->out->p[c->out->len++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	rn_sbuf_putc(c->out, '\n');
}

void rn_procsummary_render(const struct rn_proc_row *rows, size_t n,
			   struct rn_sbuf *out)
{
	struct tree t = { .rows = rows, .n = n };
	struct render_ctx ctx = { .rows = rows };

	if (!n)
		return;
	t.order = xmalloc(n * sizeof(size_t));
	t.parent = xmalloc(n * sizeof(long));
	t.first = xmalloc(n * sizeof(long));
	t.last = xmalloc(n * sizeof(long));
	t.next = xmalloc(n * sizeof(long));
	build_tree(&t);

	for (int k = 0; k < C__N; k++)
		ctx.w[k] = min_width[k];
	walk(&t, emit_row, &ctx);  /* measure */

	for (int k = 0; k < C__N; k++) {
		if (k == C_CMD)
			rn_sbuf_puts(out, titles[k]);
		else if (k == C_EXIT)
			rn_sbuf_printf(out, "%-*s ", ctx.w[k], titles[k]);
		else
			rn_sbuf_printf(out, "%*s ", ctx.w[k], titles[k]);
	}
	rn_sbuf_putc(out, '\n');
	for (int k = 0; k < C__N; k++) {
		rn_sbuf_reserve(out, ctx.w[k] + 1);
		memset(out->p + out->len, '-', ctx.w[k]);
		out->len += ctx.w[k];
		rn_sbuf_putc(out, k + 1 < C__N ? ' ' : '\n');
	}
	ctx.out = out;
	walk(&t, emit_row, &ctx);

	free(t.order);
	free(t.parent);
	free(t.first);
	free(t.last);
	free(t.next);
}
