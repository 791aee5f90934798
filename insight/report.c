/*
 * report.c - --format report (insight/report.h): the run's processes and
 * their waits gathered while the events stream by, the figures computed
 * and the page written at the end.
 */
#define _GNU_SOURCE
#include "insight/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "base/sbuf.h"
#include "base/utf8.h"
#include "insight/fileuse.h"
#include "stats/procstats.h"

#define PLOT_BUCKETS 400u
#define TOP_N 25u
#define CMD_SHOWN 240u /* bytes of a command in a table cell */

/* A main thread's stay in a waiting call, CLOCK_MONOTONIC ns. */
struct wait_iv {
	uint64_t t0, t1;
};

/* A main thread inside a waiting call now: open addressing by tgid. */
struct open_wait {
	int32_t tgid; /* 0: free */
	uint64_t t0;
};

/* A process's failed opens: open addressing by pid. */
struct pid_count {
	int32_t pid; /* 0: free */
	uint64_t n;
};

/* Owned by the thread that drives the sink. */
struct report {
	const struct rn_options *opt;
	rn_sink_write_fn write;
	void *ctx;
	char *const *command;
	int error;
	struct rn_procstats *ps;
	uint64_t first_ts, last_ts;
	int seen;
	uint64_t syscalls, errors;
	struct open_wait *open;
	size_t nopen_slots, nopen;
	struct wait_iv *iv;
	size_t niv, capiv;
	struct rn_fileuse *files;
	struct pid_count *failed;
	size_t nfailed_slots, nfailed;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* ---- the critical path ---------------------------------------------------- */

struct cp_ctx {
	const uint64_t *start, *end;
	long *kids;   /* children of each process, by end */
	size_t *first; /* kids[first[i] .. first[i + 1]) are i's */
};

static int by_end(const void *pa, const void *pb, void *arg)
{
	const uint64_t *end = arg;
	long a = *(const long *)pa, b = *(const long *)pb;
	if (end[a] != end[b])
		return end[a] < end[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* One process being walked: the time walked back to, and the child to try
 * next (the latest-ending one not yet passed). */
struct cp_frame {
	long p;
	uint64_t t;
	long k;
};

long rn_report_critical_path(size_t n, const uint64_t *start, const uint64_t *end,
			     const long *parent, uint64_t *own)
{
	memset(own, 0, n * sizeof(*own));
	if (!n)
		return 0;
	size_t *first = calloc(n + 1, sizeof(*first));
	long *kids = calloc(n, sizeof(*kids));
	struct cp_frame *st = calloc(n, sizeof(*st));
	if (!first || !kids || !st) {
		free(first);
		free(kids);
		free(st);
		return -1;
	}
	long root = -1;
	for (size_t i = 0; i < n; i++) {
		if (parent[i] >= 0)
			first[parent[i] + 1]++;
		else if (root < 0 || end[i] > end[root])
			root = (long)i;
	}
	for (size_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	size_t *fill = calloc(n, sizeof(*fill));
	if (!fill || root < 0) {
		free(first);
		free(kids);
		free(st);
		free(fill);
		return fill ? 0 : -1;
	}
	for (size_t i = 0; i < n; i++)
		if (parent[i] >= 0)
			kids[first[parent[i]] + fill[parent[i]]++] = (long)i;
	free(fill);
	for (size_t i = 0; i < n; i++)
		qsort_r(kids + first[i], first[i + 1] - first[i], sizeof(*kids), by_end,
			(void *)end);

	long on_path = 0, sp = 0;
	st[sp++] = (struct cp_frame){ root, end[root], (long)first[root + 1] - 1 };
	on_path++;
	while (sp) {
		struct cp_frame *f = &st[sp - 1];
		/* The latest child that had ended by f->t, and began after the
		 * parent did (a child cannot, but a pid reused in a capture
		 * could make it look so). */
		while (f->k >= (long)first[f->p] &&
		       (end[kids[f->k]] > f->t || start[kids[f->k]] < start[f->p]))
			f->k--;
		if (f->k < (long)first[f->p] || f->t <= start[f->p]) {
			own[f->p] += f->t > start[f->p] ? f->t - start[f->p] : 0;
			sp--;
			continue;
		}
		long c = kids[f->k--];
		own[f->p] += f->t - end[c];
		f->t = start[c];
		st[sp++] = (struct cp_frame){ c, end[c], (long)first[c + 1] - 1 };
		on_path++;
	}
	free(first);
	free(kids);
	free(st);
	return on_path;
}

/* ---- gathering ------------------------------------------------------------ */

/* Calls in which a process waits for another to act, or for time to pass. */
static int waits(int32_t nr)
{
	switch (nr) {
	case SYS_wait4: case SYS_waitid: case SYS_select: case SYS_pselect6:
	case SYS_poll: case SYS_ppoll: case SYS_epoll_wait: case SYS_epoll_pwait:
	case SYS_epoll_pwait2: case SYS_pause: case SYS_nanosleep:
	case SYS_clock_nanosleep: case SYS_rt_sigsuspend: case SYS_rt_sigtimedwait:
	case SYS_futex:
		return 1;
	default:
		return 0;
	}
}

static struct open_wait *open_slot(struct report *r, int32_t tgid)
{
	if (!r->nopen_slots)
		return NULL;
	size_t mask = r->nopen_slots - 1;
	for (size_t j = (uint32_t)tgid * 2654435761u & mask;; j = (j + 1) & mask)
		if (r->open[j].tgid == tgid || r->open[j].tgid == 0)
			return &r->open[j];
}

static void open_add(struct report *r, int32_t tgid, uint64_t t0)
{
	if ((r->nopen + 1) * 2 > r->nopen_slots) {
		struct open_wait *old = r->open;
		size_t nold = r->nopen_slots;
		r->nopen_slots = nold ? 2 * nold : 64;
		r->open = xrealloc(NULL, r->nopen_slots * sizeof(*r->open));
		memset(r->open, 0, r->nopen_slots * sizeof(*r->open));
		for (size_t i = 0; i < nold; i++)
			if (old[i].tgid)
				*open_slot(r, old[i].tgid) = old[i];
		free(old);
	}
	struct open_wait *w = open_slot(r, tgid);
	if (!w->tgid)
		r->nopen++;
	*w = (struct open_wait){ tgid, t0 };
}

/* Removal from linear probing: the entries after the hole that hashed at
 * or before it move back into it. */
static void open_remove(struct report *r, struct open_wait *w)
{
	size_t mask = r->nopen_slots - 1, i = (size_t)(w - r->open);
	r->open[i].tgid = 0;
	r->nopen--;
	for (size_t j = (i + 1) & mask; r->open[j].tgid; j = (j + 1) & mask) {
		size_t home = (uint32_t)r->open[j].tgid * 2654435761u & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			r->open[i] = r->open[j];
			r->open[j].tgid = 0;
			i = j;
		}
	}
}

static void close_wait(struct report *r, int32_t tgid, uint64_t t1)
{
	struct open_wait *w = open_slot(r, tgid);
	if (!w || w->tgid != tgid)
		return;
	if (r->niv == r->capiv) {
		r->capiv = r->capiv ? 2 * r->capiv : 1024;
		r->iv = xrealloc(r->iv, r->capiv * sizeof(*r->iv));
	}
	r->iv[r->niv++] = (struct wait_iv){ w->t0, t1 > w->t0 ? t1 : w->t0 };
	open_remove(r, w);
}

static struct pid_count *failed_slot(struct pid_count *t, size_t nslots, int32_t pid)
{
	size_t mask = nslots - 1;
	for (size_t j = (uint32_t)pid * 2654435761u & mask;; j = (j + 1) & mask)
		if (t[j].pid == pid || t[j].pid == 0)
			return &t[j];
}

static void count_failed_open(struct report *r, int32_t pid)
{
	if ((r->nfailed + 1) * 2 > r->nfailed_slots) {
		struct pid_count *old = r->failed;
		size_t nold = r->nfailed_slots;
		r->nfailed_slots = nold ? 2 * nold : 256;
		r->failed = xrealloc(NULL, r->nfailed_slots * sizeof(*r->failed));
		memset(r->failed, 0, r->nfailed_slots * sizeof(*r->failed));
		for (size_t i = 0; i < nold; i++)
			if (old[i].pid)
				*failed_slot(r->failed, r->nfailed_slots, old[i].pid) = old[i];
		free(old);
	}
	struct pid_count *c = failed_slot(r->failed, r->nfailed_slots, pid);
	if (!c->pid) {
		c->pid = pid;
		r->nfailed++;
	}
	c->n++;
}

static uint64_t failed_opens_of(const struct report *r, int32_t pid)
{
	if (!r->nfailed_slots)
		return 0;
	const struct pid_count *c = failed_slot(r->failed, r->nfailed_slots, pid);
	return c->pid == pid ? c->n : 0;
}

static int is_open(int32_t nr)
{
	return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 || nr == SYS_creat;
}

static void report_event(void *self, const struct rn_event *ev)
{
	struct report *r = self;
	if (ev->kind == RN_EV_NONE)
		return;
	rn_procstats_event(r->ps, ev);
	rn_fileuse_event(r->files, ev);
	if (!r->seen) {
		r->seen = 1;
		r->first_ts = ev->ts_ns;
	}
	if (ev->ts_ns > r->last_ts)
		r->last_ts = ev->ts_ns;
	const int main_thread = ev->tid == ev->tgid;
	switch (ev->kind) {
	case RN_EV_ENTRY:
		if (main_thread && waits(ev->nr))
			open_add(r, ev->tgid, ev->ts_ns);
		break;
	case RN_EV_EXIT:
		r->syscalls++;
		r->errors += ev->is_error != 0;
		if (ev->is_error && is_open(ev->nr))
			count_failed_open(r, ev->tgid);
		if (main_thread)
			close_wait(r, ev->tgid, ev->ts_ns);
		break;
	case RN_EV_EXITED: case RN_EV_KILLED: case RN_EV_SUPERSEDED: case RN_EV_DETACHED:
		if (main_thread)
			close_wait(r, ev->tgid, ev->ts_ns);
		break;
	default:
		break;
	}
}

/* ---- the figures ---------------------------------------------------------- */

/* Owned by finish: everything the page shows, computed once. */
struct figures {
	struct rn_proc_row *rows;
	size_t n;
	long *parent;
	uint64_t *own;      /* time on the critical path */
	long on_path;
	uint64_t wall;
	char **program;     /* basename of each row's argv[0] */
	size_t nprograms;
	double avg, bucket[PLOT_BUCKETS];
	unsigned peak;
	long jobs;          /* the outermost make's -j: 0 none, -1 unlimited */
};

static char *program_of(const char *command)
{
	if (!command || !*command)
		return strdup("?");
	size_t len = strcspn(command, " ");
	const char *p = command;
	for (size_t i = 0; i < len; i++)
		if (command[i] == '/' && i + 1 < len)
			p = command + i + 1;
	return strndup(p, (size_t)(command + len - p));
}

/* A row's parent: the latest row before it (in start order) of its ppid. */
static void link_parents(struct figures *f)
{
	size_t nslots = 16;
	while (nslots < 2 * f->n)
		nslots *= 2;
	struct { int32_t pid; long row; } *m = calloc(nslots, sizeof(*m));
	if (!m)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		f->parent[i] = -1;
		size_t j;
		for (j = (uint32_t)f->rows[i].ppid * 2654435761u & (nslots - 1); m[j].pid;
		     j = (j + 1) & (nslots - 1))
			if (m[j].pid == f->rows[i].ppid) {
				f->parent[i] = m[j].row;
				break;
			}
		for (j = (uint32_t)f->rows[i].pid * 2654435761u & (nslots - 1);
		     m[j].pid && m[j].pid != f->rows[i].pid; j = (j + 1) & (nslots - 1))
			;
		m[j].pid = f->rows[i].pid;
		m[j].row = (long)i;
	}
	free(m);
}

struct step {
	uint64_t t;
	int d;
};

static int by_time(const void *pa, const void *pb)
{
	const struct step *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->d - b->d; /* ends before starts at one instant */
}

/* The number of busy processes over [0, wall): +1 at a start, -1 at an
 * end, -1 at a wait's start and +1 at its end, swept in time order into
 * PLOT_BUCKETS averages. */
static void parallelism(struct figures *f, const struct report *r)
{
	size_t ns = 2 * f->n + 2 * r->niv, k = 0;
	struct step *s = xrealloc(NULL, (ns ? ns : 1) * sizeof(*s));
	for (size_t i = 0; i < f->n; i++) {
		s[k++] = (struct step){ f->rows[i].start_ns, 1 };
		s[k++] = (struct step){ f->rows[i].start_ns + f->rows[i].duration_ns, -1 };
	}
	/* (clamped: two threads' stops may be stamped a little out of order) */
	for (size_t i = 0; i < r->niv; i++) {
		uint64_t t0 = r->iv[i].t0 > r->first_ts ? r->iv[i].t0 - r->first_ts : 0;
		uint64_t t1 = r->iv[i].t1 > r->first_ts ? r->iv[i].t1 - r->first_ts : 0;
		s[k++] = (struct step){ t0, -1 };
		s[k++] = (struct step){ t1, 1 };
	}
	qsort(s, k, sizeof(*s), by_time);
	double width = f->wall ? (double)f->wall / PLOT_BUCKETS : 1, area = 0;
	long level = 0;
	for (size_t i = 0; i < k; i++) {
		level += s[i].d;
		if (level > (long)f->peak)
			f->peak = (unsigned)level;
		uint64_t t0 = s[i].t, t1 = i + 1 < k ? s[i + 1].t : t0;
		if (t1 > f->wall)
			t1 = f->wall;
		if (level <= 0 || t1 <= t0)
			continue;
		area += (double)level * (double)(t1 - t0);
		/* spread [t0, t1) over the buckets it covers; integer bounds, so
		 * that every step moves on */
		for (uint64_t a = t0; a < t1;) {
			uint64_t b = (uint64_t)((unsigned __int128)a * PLOT_BUCKETS / f->wall);
			if (b >= PLOT_BUCKETS)
				break;
			uint64_t next = (uint64_t)(((unsigned __int128)(b + 1) * f->wall +
						    PLOT_BUCKETS - 1) / PLOT_BUCKETS);
			uint64_t e = next < t1 ? next : t1;
			if (e <= a)
				e = a + 1;
			f->bucket[b] += (double)level * (double)(e - a) / width;
			a = e;
		}
	}
	f->avg = f->wall ? area / (double)f->wall : 0;
	free(s);
}

/* -jN, -j N, --jobs=N, --jobs N; -j alone: no limit (-1). 0: none given. */
static long jobs_of(const char *command)
{
	const char *p = command;
	while (p && (p = strstr(p, " -")) != NULL) {
		p++;
		const char *v = NULL;
		if (strncmp(p, "--jobs", 6) == 0 && (p[6] == '=' || p[6] == ' ' || !p[6]))
			v = p[6] ? p + 7 : "";
		else if (p[1] == 'j')
			v = p + 2;
		else if (p[1] != '-' && strchr(p, ' ') && memchr(p, 'j', strcspn(p, " ")))
			v = (const char *)memchr(p, 'j', strcspn(p, " ")) + 1; /* -kj8 */
		if (!v)
			continue;
		if (*v == ' ')
			v++;
		char *e;
		long j = strtol(v, &e, 10);
		return e != v && j > 0 ? j : -1;
	}
	return 0;
}

static void find_jobs(struct figures *f)
{
	int best_depth = -1;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->program[i], "make") != 0 && strcmp(f->program[i], "gmake") != 0)
			continue;
		int d = 0;
		for (long p = f->parent[i]; p >= 0; p = f->parent[p])
			d++;
		if (best_depth < 0 || d < best_depth) {
			best_depth = d;
			f->jobs = jobs_of(f->rows[i].command);
		}
	}
}

static int compute(struct figures *f, struct report *r)
{
	memset(f, 0, sizeof(*f));
	f->rows = rn_procstats_rows(r->ps, &f->n);
	f->parent = xrealloc(NULL, (f->n + 1) * sizeof(*f->parent));
	f->own = xrealloc(NULL, (f->n + 1) * sizeof(*f->own));
	f->program = calloc(f->n + 1, sizeof(*f->program));
	if (!f->program)
		return -1;
	f->wall = r->seen ? r->last_ts - r->first_ts : 0;
	for (size_t i = 0; i < f->n; i++) {
		/* A process still running at the end (let go, or the capture
		 * cut) lasts to the last event. */
		if (f->rows[i].start_ns + f->rows[i].duration_ns > f->wall)
			f->wall = f->rows[i].start_ns + f->rows[i].duration_ns;
		f->program[i] = program_of(f->rows[i].command);
		if (!f->program[i])
			return -1;
	}
	link_parents(f);
	uint64_t *start = xrealloc(NULL, (f->n + 1) * sizeof(*start));
	uint64_t *end = xrealloc(NULL, (f->n + 1) * sizeof(*end));
	for (size_t i = 0; i < f->n; i++) {
		start[i] = f->rows[i].start_ns;
		end[i] = start[i] + f->rows[i].duration_ns;
	}
	f->on_path = rn_report_critical_path(f->n, start, end, f->parent, f->own);
	free(start);
	free(end);
	if (f->on_path < 0)
		return -1;
	parallelism(f, r);
	find_jobs(f);
	return 0;
}

static void figures_free(struct figures *f)
{
	for (size_t i = 0; f->program && i < f->n; i++)
		free(f->program[i]);
	free(f->program);
	free(f->parent);
	free(f->own);
	free(f->rows);
}

/* ---- text of the page ----------------------------------------------------- */

/* HTML text: <, >, &, quotes escaped; bytes that are not UTF-8 as U+FFFD.
 * max > 0: at most about max bytes, then an ellipsis (a build's shell
 * commands run to kilobytes; the tree's data keeps them whole). */
static void put_html(struct rn_sbuf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	for (size_t i = 0; i < n;) {
		if (max && i >= max) {
			rn_sbuf_puts(b, "&#x2026;");
			break;
		}
		unsigned char c = p[i];
		size_t l = rn_utf8_len(p + i, n - i);
		if (!l) {
			rn_sbuf_puts(b, "&#xfffd;");
			i++;
		} else if (c == '<' || c == '>' || c == '&' || c == '"' || c == '\'') {
			rn_sbuf_printf(b, "&#%u;", c);
			i++;
		} else if (c < 0x20) {
			rn_sbuf_putc(b, ' ');
			i++;
		} else {
			rn_sbuf_put(b, p + i, l);
			i += l;
		}
	}
}

/* A JSON string that is also safe inside <script>: "<" as \u003c. */
static void put_json_str(struct rn_sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	rn_sbuf_putc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t l = rn_utf8_len(p + i, n - i);
		if (!l) {
			rn_sbuf_puts(b, "\\ufffd");
			i++;
		} else if (c == '"' || c == '\\') {
			rn_sbuf_putc(b, '\\');
			rn_sbuf_putc(b, (char)c);
			i++;
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			rn_sbuf_printf(b, "\\u%04x", c);
			i++;
		} else {
			rn_sbuf_put(b, p + i, l);
			i += l;
		}
	}
	rn_sbuf_putc(b, '"');
}

static void put_secs(struct rn_sbuf *b, uint64_t ns)
{
	rn_sbuf_printf(b, "%.3f", (double)ns / 1e9);
}

static const char *exit_text(const struct rn_proc_row *row, char *buf, size_t n)
{
	switch (row->end) {
	case RN_PEND_EXITED:
		snprintf(buf, n, "exit %d", row->status);
		break;
	case RN_PEND_KILLED:
		if (sigabbrev_np(row->status))
			snprintf(buf, n, "SIG%s%s", sigabbrev_np(row->status),
				 row->core_dumped ? " (core dumped)" : "");
		else
			snprintf(buf, n, "signal %d", row->status);
		break;
	case RN_PEND_DETACHED:
		snprintf(buf, n, "detached");
		break;
	default:
		snprintf(buf, n, "?");
	}
	return buf;
}

/* ---- programs: rows grouped by program name ------------------------------- */

struct program {
	const char *name;
	uint64_t count, total, median, max, syscalls, errors, sys_ns, failed_opens;
};

static int by_program_then_duration(const void *pa, const void *pb, void *arg)
{
	const struct figures *sort_f = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(sort_f->program[a], sort_f->program[b]);
	if (c)
		return c;
	uint64_t da = sort_f->rows[a].duration_ns, db = sort_f->rows[b].duration_ns;
	return da != db ? (da < db ? -1 : 1) : (a < b ? -1 : a > b);
}

static int by_total(const void *pa, const void *pb)
{
	const struct program *a = pa, *b = pb;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int by_sys_ns(const void *pa, const void *pb)
{
	const struct program *a = pa, *b = pb;
	if (a->sys_ns != b->sys_ns)
		return a->sys_ns > b->sys_ns ? -1 : 1;
	return strcmp(a->name, b->name);
}

static struct program *programs(const struct figures *f, const struct report *r, size_t *count)
{
	size_t *ix = xrealloc(NULL, (f->n + 1) * sizeof(*ix));
	for (size_t i = 0; i < f->n; i++)
		ix[i] = i;
	qsort_r(ix, f->n, sizeof(*ix), by_program_then_duration, (void *)f);
	struct program *pr = xrealloc(NULL, (f->n + 1) * sizeof(*pr));
	size_t np = 0;
	for (size_t i = 0; i < f->n;) {
		size_t j = i;
		struct program *p = &pr[np++];
		memset(p, 0, sizeof(*p));
		p->name = f->program[ix[i]];
		while (j < f->n && strcmp(f->program[ix[j]], p->name) == 0) {
			const struct rn_proc_row *row = &f->rows[ix[j]];
			p->count++;
			p->total += row->duration_ns;
			p->max = row->duration_ns;
			p->syscalls += row->syscalls;
			p->errors += row->errors;
			p->sys_ns += row->syscall_ns;
			p->failed_opens += failed_opens_of(r, row->pid);
			j++;
		}
		/* the lower median for an even count: a duration that occurred */
		p->median = f->rows[ix[i + (p->count - 1) / 2]].duration_ns;
		i = j;
	}
	free(ix);
	*count = np;
	return pr;
}

static size_t *slowest(const struct figures *f, size_t *count)
{
	size_t *ix = xrealloc(NULL, (f->n + 1) * sizeof(*ix));
	size_t k = 0;
	/* a selection of the TOP_N longest, longest first; ties by start */
	for (size_t i = 0; i < f->n; i++) {
		size_t at = k < TOP_N ? k++ : TOP_N;
		while (at > 0 && f->rows[ix[at - 1]].duration_ns < f->rows[i].duration_ns) {
			if (at < TOP_N)
				ix[at] = ix[at - 1];
			at--;
		}
		if (at < TOP_N)
			ix[at] = i;
	}
	*count = k;
	return ix;
}

/* Processes on the critical path, by start. */
static size_t *path_rows(const struct figures *f, size_t *count)
{
	size_t *ix = xrealloc(NULL, (f->n + 1) * sizeof(*ix));
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->own[i])
			ix[k++] = i;
	*count = k;
	return ix;
}

/* ---- the page ------------------------------------------------------------- */

static const char style[] =
	"<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em 2em;color:#222}\n"
	"h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccc}\n"
	"table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"code,.cmd{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}\n"
	"button{font-size:11px;padding:0 4px;margin-right:2px}\n"
	"svg text{font-size:11px;fill:#444}\n"
	"</style>\n";

static void th_row(struct rn_sbuf *b, const char *const *cols)
{
	rn_sbuf_puts(b, "<tr>");
	for (; *cols; cols++)
		rn_sbuf_printf(b, "<th>%s</th>", *cols);
	rn_sbuf_puts(b, "</tr>\n");
}

static void render_overview(struct rn_sbuf *b, const struct figures *f, const struct report *r,
			    size_t nprograms)
{
	rn_sbuf_puts(b, "<h2 id=\"overview\">Overview</h2>\n<table>\n<tr><th>command</th><td class=\"cmd\">");
	if (r->command) {
		for (char *const *a = r->command; *a; a++) {
			put_html(b, *a, 0);
			if (a[1])
				rn_sbuf_putc(b, ' ');
		}
	} else if (f->n) {
		put_html(b, f->rows[0].command, 0);
	}
	rn_sbuf_puts(b, "</td></tr>\n<tr><th>wall time</th><td>");
	put_secs(b, f->wall);
	rn_sbuf_printf(b, " s</td></tr>\n<tr><th>processes</th><td>%zu</td></tr>\n"
			  "<tr><th>programs</th><td>%zu</td></tr>\n"
			  "<tr><th>syscalls</th><td>%" PRIu64 "</td></tr>\n"
			  "<tr><th>errors</th><td>%" PRIu64 "</td></tr>\n"
			  "<tr><th>parallelism</th><td>average %.2f, peak %u",
		       f->n, nprograms, r->syscalls, r->errors, f->avg, f->peak);
	if (f->jobs > 0)
		rn_sbuf_printf(b, "; make asked for -j%ld", f->jobs);
	else if (f->jobs < 0)
		rn_sbuf_puts(b, "; make asked for -j (no limit)");
	rn_sbuf_puts(b, "</td></tr>\n</table>\n");
}

static void render_plot(struct rn_sbuf *b, const struct figures *f)
{
	const double x0 = 50, x1 = 880, y0 = 220, y1 = 20;
	double ymax = f->peak > 0 ? f->peak : 1;
	if (f->jobs > ymax)
		ymax = (double)f->jobs;
	rn_sbuf_puts(b, "<h2 id=\"parallelism\">Parallelism over time</h2>\n"
			"<p>Busy traced processes: alive and not waiting (in wait4, "
			"select, poll, sleeps, futex) in their main thread, averaged over "
			"slices of the run.</p>\n"
			"<svg id=\"parallelism-plot\" viewBox=\"0 0 900 250\" width=\"900\" "
			"height=\"250\" role=\"img\">\n");
	rn_sbuf_printf(b, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#888\"/>"
			  "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#888\"/>\n",
		       x0, y0, x1, y0, x0, y0, x0, y1);
	rn_sbuf_puts(b, "<path id=\"parallelism-area\" fill=\"#8ab4e8\" stroke=\"#2a64b0\" d=\"M");
	rn_sbuf_printf(b, "%.1f,%.1f", x0, y0);
	for (unsigned i = 0; i < PLOT_BUCKETS; i++) {
		double y = y0 - (y0 - y1) * f->bucket[i] / ymax;
		rn_sbuf_printf(b, " L%.1f,%.1f L%.1f,%.1f", x0 + (x1 - x0) * i / PLOT_BUCKETS, y,
			       x0 + (x1 - x0) * (i + 1) / PLOT_BUCKETS, y);
	}
	rn_sbuf_printf(b, " L%.1f,%.1f Z\"/>\n", x1, y0);
	double ya = y0 - (y0 - y1) * f->avg / ymax;
	rn_sbuf_printf(b, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#c03\" "
			  "stroke-dasharray=\"6 3\"/><text x=\"%g\" y=\"%.1f\">average %.2f</text>\n",
		       x0, ya, x1, ya, x1 - 90, ya - 3, f->avg);
	if (f->jobs > 0) {
		double yj = y0 - (y0 - y1) * (double)f->jobs / ymax;
		rn_sbuf_printf(b, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#080\" "
				  "stroke-dasharray=\"2 3\"/><text x=\"%g\" y=\"%.1f\">-j%ld</text>\n",
			       x0, yj, x1, yj, x0 + 4, yj - 3, f->jobs);
	}
	rn_sbuf_printf(b, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">0</text>"
			  "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%g</text>\n",
		       x0 - 4, y0 + 4, x0 - 4, y1 + 4, ymax);
	for (int i = 0; i <= 4; i++)
		rn_sbuf_printf(b, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"%s\">%.2f s</text>\n",
			       x0 + (x1 - x0) * i / 4, y0 + 18, i == 4 ? "end" : "middle",
			       (double)f->wall / 1e9 * i / 4);
	rn_sbuf_puts(b, "</svg>\n");
}

/* Path rows grouped by program: how much of the path each program holds. */
struct path_program {
	const char *name;
	uint64_t count, own;
};

static int by_own(const void *pa, const void *pb)
{
	const struct path_program *a = pa, *b = pb;
	if (a->own != b->own)
		return a->own > b->own ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int by_program_name(const void *pa, const void *pb, void *arg)
{
	const struct figures *sort_f = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(sort_f->program[a], sort_f->program[b]);
	return c ? c : (a < b ? -1 : a > b);
}

static void render_path_programs(struct rn_sbuf *b, const struct figures *f, size_t *ix, size_t k)
{
	static const char *const cols[] = { "program", "processes on the path", "on the path (s)",
					    "share", NULL };
	struct path_program *pp = xrealloc(NULL, (k + 1) * sizeof(*pp));
	size_t np = 0;
	qsort_r(ix, k, sizeof(*ix), by_program_name, (void *)f);
	for (size_t i = 0; i < k; i++) {
		if (!np || strcmp(pp[np - 1].name, f->program[ix[i]]) != 0)
			pp[np++] = (struct path_program){ f->program[ix[i]], 0, 0 };
		pp[np - 1].count++;
		pp[np - 1].own += f->own[ix[i]];
	}
	qsort(pp, np, sizeof(*pp), by_own);
	rn_sbuf_puts(b, "<table>\n");
	th_row(b, cols);
	for (size_t i = 0; i < np && i < TOP_N; i++) {
		rn_sbuf_puts(b, "<tr><td class=\"cmd\">");
		put_html(b, pp[i].name, 0);
		rn_sbuf_printf(b, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">",
			       pp[i].count);
		put_secs(b, pp[i].own);
		rn_sbuf_printf(b, "</td><td class=\"num\">%.1f%%</td></tr>\n",
			       f->wall ? 100.0 * (double)pp[i].own / (double)f->wall : 0.0);
	}
	rn_sbuf_puts(b, "</table>\n");
	free(pp);
}

static int by_own_desc(const void *pa, const void *pb, void *arg)
{
	const struct figures *own_f = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	if (own_f->own[a] != own_f->own[b])
		return own_f->own[a] > own_f->own[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int by_index(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return a < b ? -1 : a > b;
}

static void render_path(struct rn_sbuf *b, const struct figures *f)
{
	static const char *const cols[] = { "pid", "start (s)", "on the path (s)", "share",
					    "command", NULL };
	size_t k, *ix = path_rows(f, &k);
	rn_sbuf_printf(b, "<h2 id=\"critical-path\">Critical path</h2>\n<p>Walking back from the "
			  "end of the run: the child a process waited for last, then the one "
			  "before it, and so on inside each. A process's time on the path is its "
			  "own: while none of its children on the path ran. %zu processes are on "
			  "it; by program:</p>\n", k);
	render_path_programs(b, f, ix, k);
	/* the longest stretches, in the order they ran (rows are by start) */
	qsort_r(ix, k, sizeof(*ix), by_own_desc, (void *)f);
	size_t shown = k < TOP_N ? k : TOP_N;
	qsort(ix, shown, sizeof(*ix), by_index);
	rn_sbuf_printf(b, "<p>Its %zu longest stretches, in the order they ran:</p>\n<table>\n",
		       shown);
	th_row(b, cols);
	for (size_t i = 0; i < shown; i++) {
		const struct rn_proc_row *row = &f->rows[ix[i]];
		rn_sbuf_printf(b, "<tr><td class=\"num\">%d</td><td class=\"num\">", row->pid);
		put_secs(b, row->start_ns);
		rn_sbuf_puts(b, "</td><td class=\"num\">");
		put_secs(b, f->own[ix[i]]);
		rn_sbuf_printf(b, "</td><td class=\"num\">%.1f%%</td><td class=\"cmd\">",
			       f->wall ? 100.0 * (double)f->own[ix[i]] / (double)f->wall : 0.0);
		put_html(b, row->command, CMD_SHOWN);
		rn_sbuf_puts(b, "</td></tr>\n");
	}
	rn_sbuf_puts(b, "</table>\n");
	free(ix);
}

static void render_slowest(struct rn_sbuf *b, const struct figures *f)
{
	static const char *const cols[] = { "pid", "duration (s)", "start (s)", "syscalls",
					    "exit", "command", NULL };
	size_t k, *ix = slowest(f, &k);
	char buf[64];
	rn_sbuf_puts(b, "<h2 id=\"slowest\">Slowest processes</h2>\n<table>\n");
	th_row(b, cols);
	for (size_t i = 0; i < k; i++) {
		const struct rn_proc_row *row = &f->rows[ix[i]];
		rn_sbuf_printf(b, "<tr><td class=\"num\">%d</td><td class=\"num\">", row->pid);
		put_secs(b, row->duration_ns);
		rn_sbuf_puts(b, "</td><td class=\"num\">");
		put_secs(b, row->start_ns);
		rn_sbuf_printf(b, "</td><td class=\"num\">%" PRIu64 "</td><td>%s</td><td class=\"cmd\">",
			       row->syscalls, exit_text(row, buf, sizeof(buf)));
		put_html(b, row->command, CMD_SHOWN);
		rn_sbuf_puts(b, "</td></tr>\n");
	}
	rn_sbuf_puts(b, "</table>\n");
	free(ix);
}

static void render_programs(struct rn_sbuf *b, struct program *pr, size_t np)
{
	static const char *const cols[] = { "program", "processes", "total (s)", "median (s)",
					    "max (s)", NULL };
	static const char *const sys_cols[] = { "program", "syscalls", "errors",
						"time in syscalls (s)", NULL };
	qsort(pr, np, sizeof(*pr), by_total);
	rn_sbuf_puts(b, "<h2 id=\"programs\">Time by program</h2>\n<table>\n");
	th_row(b, cols);
	for (size_t i = 0; i < np; i++) {
		rn_sbuf_puts(b, "<tr><td class=\"cmd\">");
		put_html(b, pr[i].name, 0);
		rn_sbuf_printf(b, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">",
			       pr[i].count);
		put_secs(b, pr[i].total);
		rn_sbuf_puts(b, "</td><td class=\"num\">");
		put_secs(b, pr[i].median);
		rn_sbuf_puts(b, "</td><td class=\"num\">");
		put_secs(b, pr[i].max);
		rn_sbuf_puts(b, "</td></tr>\n");
	}
	rn_sbuf_puts(b, "</table>\n");
	qsort(pr, np, sizeof(*pr), by_sys_ns);
	rn_sbuf_puts(b, "<h2 id=\"syscalls-by-program\">Syscall time by program</h2>\n<table>\n");
	th_row(b, sys_cols);
	for (size_t i = 0; i < np; i++) {
		rn_sbuf_puts(b, "<tr><td class=\"cmd\">");
		put_html(b, pr[i].name, 0);
		rn_sbuf_printf(b, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				  "</td><td class=\"num\">",
			       pr[i].syscalls, pr[i].errors);
		put_secs(b, pr[i].sys_ns);
		rn_sbuf_puts(b, "</td></tr>\n");
	}
	rn_sbuf_puts(b, "</table>\n");
}

/* ---- files ---------------------------------------------------------------- */

typedef int (*path_cmp)(const void *, const void *);

static int by_reads(const void *pa, const void *pb)
{
	const struct rn_fileuse_path *a = pa, *b = pb;
	if (a->reads != b->reads)
		return a->reads > b->reads ? -1 : 1;
	return strcmp(a->path, b->path);
}

static int by_readers(const void *pa, const void *pb)
{
	const struct rn_fileuse_path *a = pa, *b = pb;
	if (a->readers != b->readers)
		return a->readers > b->readers ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* Written by two or more processes, or read while another that wrote it
 * ran. Devices and /proc are not files a build hands on (every step writes
 * /dev/null). */
static int conflicted(const struct rn_fileuse_path *p)
{
	if (strncmp(p->path, "/dev/", 5) == 0 || strncmp(p->path, "/proc/", 6) == 0)
		return 0;
	return p->writers > 1 || p->conflict_reads > 0;
}

static int by_conflict(const void *pa, const void *pb)
{
	const struct rn_fileuse_path *a = pa, *b = pb;
	if (conflicted(a) != conflicted(b))
		return conflicted(a) ? -1 : 1;
	uint64_t ka = a->writers + a->conflict_reads, kb = b->writers + b->conflict_reads;
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(a->path, b->path);
}

static int by_failed_opens(const void *pa, const void *pb)
{
	const struct program *a = pa, *b = pb;
	if (a->failed_opens != b->failed_opens)
		return a->failed_opens > b->failed_opens ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The first TOP_N paths in cmp's order that keep(p) (NULL: all). */
static size_t top_paths(struct rn_fileuse_path *ps, size_t n, path_cmp cmp,
			int (*keep)(const struct rn_fileuse_path *))
{
	qsort(ps, n, sizeof(*ps), cmp);
	size_t k = 0;
	while (k < n && k < TOP_N && (!keep || keep(&ps[k])))
		k++;
	return k;
}

static void path_table(struct rn_sbuf *b, const char *id, const char *title,
		       const struct rn_fileuse_path *ps, size_t k)
{
	static const char *const cols[] = { "path", "reads", "processes that read it",
					    "processes that wrote it", "reads while another wrote it",
					    NULL };
	rn_sbuf_printf(b, "<h3 id=\"%s\">%s</h3>\n<table>\n", id, title);
	th_row(b, cols);
	for (size_t i = 0; i < k; i++) {
		rn_sbuf_puts(b, "<tr><td class=\"cmd\">");
		put_html(b, ps[i].path, CMD_SHOWN);
		rn_sbuf_printf(b, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				  "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				  "</td></tr>\n",
			       ps[i].reads, ps[i].readers, ps[i].writers, ps[i].conflict_reads);
	}
	rn_sbuf_puts(b, "</table>\n");
}

static void path_json(struct rn_sbuf *b, const char *key, const struct rn_fileuse_path *ps,
		      size_t k)
{
	rn_sbuf_printf(b, "\"%s\":[", key);
	for (size_t i = 0; i < k; i++) {
		rn_sbuf_puts(b, i ? ",\n{\"path\":" : "\n{\"path\":");
		put_json_str(b, ps[i].path);
		rn_sbuf_printf(b, ",\"reads\":%" PRIu64 ",\"readers\":%" PRIu64 ",\"writers\":%" PRIu64
				  ",\"conflict_reads\":%" PRIu64 "}",
			       ps[i].reads, ps[i].readers, ps[i].writers, ps[i].conflict_reads);
	}
	rn_sbuf_putc(b, ']');
}

/* The files section and its part of the JSON document (into js). */
static void render_files(struct rn_sbuf *b, struct rn_sbuf *js, struct report *r,
			 struct program *pr, size_t np)
{
	size_t n, k;
	struct rn_fileuse_path *ps = rn_fileuse_paths(r->files, &n);
	rn_sbuf_printf(b, "<h2 id=\"files\">Files</h2>\n<p>%zu paths were opened for reading or "
			  "writing (paths resolved against each process's working directory "
			  "and descriptors).</p>\n", n);
	rn_sbuf_puts(js, ",\n\"files\":{");
	k = top_paths(ps, n, by_reads, NULL);
	path_table(b, "files-most-read", "Most read", ps, k);
	path_json(js, "most_read", ps, k);
	k = top_paths(ps, n, by_readers, NULL);
	path_table(b, "files-most-readers", "Read by the most processes", ps, k);
	rn_sbuf_putc(js, ',');
	path_json(js, "most_readers", ps, k);
	k = top_paths(ps, n, by_conflict, conflicted);
	path_table(b, "files-conflicts",
		   "Written by more than one process, or read while another that wrote it ran",
		   ps, k);
	rn_sbuf_putc(js, ',');
	path_json(js, "conflicts", ps, k);

	static const char *const cols[] = { "program", "failed opens", NULL };
	qsort(pr, np, sizeof(*pr), by_failed_opens);
	rn_sbuf_puts(b, "<h3 id=\"files-failed\">Failed opens by program</h3>\n<table>\n");
	th_row(b, cols);
	rn_sbuf_puts(js, ",\"failed_opens\":[");
	for (size_t i = 0; i < np && pr[i].failed_opens; i++) {
		rn_sbuf_puts(b, "<tr><td class=\"cmd\">");
		put_html(b, pr[i].name, 0);
		rn_sbuf_printf(b, "</td><td class=\"num\">%" PRIu64 "</td></tr>\n",
			       pr[i].failed_opens);
		rn_sbuf_puts(js, i ? ",{\"program\":" : "{\"program\":");
		put_json_str(js, pr[i].name);
		rn_sbuf_printf(js, ",\"count\":%" PRIu64 "}", pr[i].failed_opens);
	}
	rn_sbuf_puts(b, "</table>\n");
	rn_sbuf_puts(js, "]}");
}

/* The process tree is drawn by the script from the data: a kernel build's
 * tens of thousands of rows would be slow to load as markup. */
static const char tree_html[] =
	"<h2 id=\"tree\">Process tree</h2>\n"
	"<p>Sort children by <select id=\"tree-sort\"><option value=\"start\">start</option>"
	"<option value=\"duration\">duration</option></select> "
	"<button id=\"tree-expand\">expand all</button>"
	"<button id=\"tree-collapse\">collapse all</button></p>\n"
	"<table><thead><tr><th>pid</th><th>start (s)</th><th>duration (s)</th>"
	"<th>syscalls</th><th>errors</th><th>time in syscalls (s)</th><th>exit</th>"
	"<th>command</th></tr></thead><tbody id=\"tree-body\"></tbody></table>\n";

static const char tree_script[] =
	"<script>\n"
	"(function () {\n"
	"  var d = JSON.parse(document.getElementById('report-data').textContent);\n"
	"  var t = d.tree, kids = [], roots = [], open = {}, order = 'start', i;\n"
	"  for (i = 0; i < t.length; i++) kids.push([]);\n"
	"  for (i = 0; i < t.length; i++) (t[i][1] >= 0 ? kids[t[i][1]] : roots).push(i);\n"
	"  var body = document.getElementById('tree-body');\n"
	"  function sorted(a) {\n"
	"    a = a.slice();\n"
	"    if (order === 'duration') a.sort(function (x, y) { return t[y][3] - t[x][3] || x - y; });\n"
	"    return a;\n"
	"  }\n"
	"  function secs(ns) { return (ns / 1e9).toFixed(3); }\n"
	"  function row(i, depth) {\n"
	"    var tr = document.createElement('tr'), td = document.createElement('td');\n"
	"    td.style.paddingLeft = (0.3 + depth * 1.2) + 'em';\n"
	"    if (kids[i].length) {\n"
	"      var b = document.createElement('button');\n"
	"      b.textContent = open[i] ? '\\u25be' : '\\u25b8';\n"
	"      b.title = kids[i].length + ' children';\n"
	"      b.onclick = function () { open[i] = !open[i]; draw(); };\n"
	"      td.appendChild(b);\n"
	"    }\n"
	"    td.appendChild(document.createTextNode(String(t[i][0])));\n"
	"    tr.appendChild(td);\n"
	"    [secs(t[i][2]), secs(t[i][3]), t[i][4], t[i][5] || '', secs(t[i][6]), t[i][7], t[i][8]]\n"
	"      .forEach(function (v, k) {\n"
	"        var c = document.createElement('td');\n"
	"        c.textContent = v;\n"
	"        c.className = k < 5 ? 'num' : k === 6 ? 'cmd' : '';\n"
	"        tr.appendChild(c);\n"
	"      });\n"
	"    return tr;\n"
	"  }\n"
	"  function add(frag, i, depth) {\n"
	"    frag.appendChild(row(i, depth));\n"
	"    if (open[i]) sorted(kids[i]).forEach(function (c) { add(frag, c, depth + 1); });\n"
	"  }\n"
	"  function draw() {\n"
	"    var frag = document.createDocumentFragment();\n"
	"    sorted(roots).forEach(function (r) { add(frag, r, 0); });\n"
	"    body.replaceChildren(frag);\n"
	"  }\n"
	"  roots.forEach(function (r) { open[r] = true; });\n"
	"  document.getElementById('tree-sort').onchange = function (e) { order = e.target.value; draw(); };\n"
	"  document.getElementById('tree-expand').onclick = function () {\n"
	"    for (var k = 0; k < t.length; k++) open[k] = true;\n"
	"    draw();\n"
	"  };\n"
	"  document.getElementById('tree-collapse').onclick = function () { open = {}; draw(); };\n"
	"  draw();\n"
	"})();\n"
	"</script>\n";

static void render_data(struct rn_sbuf *b, const struct figures *f, const struct report *r,
			const struct program *pr, size_t np, const struct rn_sbuf *more)
{
	char buf[64];
	rn_sbuf_printf(b, "<script type=\"application/json\" id=\"report-data\">\n"
			  "{\"wall_ns\":%" PRIu64 ",\"processes\":%zu,\"programs\":%zu,"
			  "\"syscalls\":%" PRIu64 ",\"errors\":%" PRIu64 ",\n"
			  "\"parallelism\":{\"average\":%.4f,\"peak\":%u,\"jobs\":",
		       f->wall, f->n, np, r->syscalls, r->errors, f->avg, f->peak);
	if (f->jobs)
		rn_sbuf_printf(b, "%ld", f->jobs);
	else
		rn_sbuf_puts(b, "null");
	rn_sbuf_puts(b, ",\"buckets\":[");
	for (unsigned i = 0; i < PLOT_BUCKETS; i++)
		rn_sbuf_printf(b, "%s%.3f", i ? "," : "", f->bucket[i]);
	rn_sbuf_puts(b, "]},\n\"critical_path\":[");
	size_t k, *ix = path_rows(f, &k);
	for (size_t i = 0; i < k; i++) {
		rn_sbuf_printf(b, "%s\n{\"pid\":%d,\"start_ns\":%" PRIu64 ",\"own_ns\":%" PRIu64
				  ",\"command\":",
			       i ? "," : "", f->rows[ix[i]].pid, f->rows[ix[i]].start_ns, f->own[ix[i]]);
		put_json_str(b, f->rows[ix[i]].command);
		rn_sbuf_putc(b, '}');
	}
	free(ix);
	rn_sbuf_puts(b, "],\n\"slowest\":[");
	ix = slowest(f, &k);
	for (size_t i = 0; i < k; i++)
		rn_sbuf_printf(b, "%s%zu", i ? "," : "", ix[i]);
	free(ix);
	rn_sbuf_puts(b, "],\n\"by_program\":[");
	for (size_t i = 0; i < np; i++) {
		rn_sbuf_puts(b, i ? ",\n{\"program\":" : "\n{\"program\":");
		put_json_str(b, pr[i].name);
		rn_sbuf_printf(b, ",\"count\":%" PRIu64 ",\"total_ns\":%" PRIu64 ",\"median_ns\":%" PRIu64
				  ",\"max_ns\":%" PRIu64 ",\"syscalls\":%" PRIu64 ",\"errors\":%" PRIu64
				  ",\"syscall_ns\":%" PRIu64 "}",
			       pr[i].count, pr[i].total, pr[i].median, pr[i].max, pr[i].syscalls,
			       pr[i].errors, pr[i].sys_ns);
	}
	/* [pid, parent row or -1, start, duration, syscalls, errors, time in
	 * syscalls, exit, command]: rows in start order */
	rn_sbuf_puts(b, "],\n\"tree\":[");
	for (size_t i = 0; i < f->n; i++) {
		const struct rn_proc_row *row = &f->rows[i];
		rn_sbuf_printf(b, "%s\n[%d,%ld,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
			       i ? "," : "", row->pid, f->parent[i], row->start_ns, row->duration_ns,
			       row->syscalls, row->errors, row->syscall_ns);
		put_json_str(b, exit_text(row, buf, sizeof(buf)));
		rn_sbuf_putc(b, ',');
		put_json_str(b, row->command);
		rn_sbuf_putc(b, ']');
	}
	rn_sbuf_putc(b, ']');
	rn_sbuf_put(b, more->p, more->len);
	rn_sbuf_puts(b, "}\n</script>\n");
}

static void render(struct rn_sbuf *b, const struct figures *f, struct report *r)
{
	struct rn_sbuf js = { 0 };
	size_t np;
	struct program *pr = programs(f, r, &np);
	rn_sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			"<title>renacer report</title>\n");
	rn_sbuf_puts(b, style);
	rn_sbuf_puts(b, "</head><body>\n<h1>renacer report</h1>\n");
	render_overview(b, f, r, np);
	render_plot(b, f);
	render_path(b, f);
	render_slowest(b, f);
	render_programs(b, pr, np);
	render_files(b, &js, r, pr, np);
	rn_sbuf_puts(b, tree_html);
	qsort(pr, np, sizeof(*pr), by_total);
	render_data(b, f, r, pr, np, &js);
	rn_sbuf_free(&js);
	rn_sbuf_puts(b, tree_script);
	rn_sbuf_puts(b, "</body></html>\n");
	free(pr);
}

/* ---- the sink's ops ------------------------------------------------------- */

static void *report_begin(const struct rn_sink_params *p)
{
	struct report *r = calloc(1, sizeof(*r));
	if (!r || !(r->ps = rn_procstats_new())) {
		free(r);
		fputs("renacer: out of memory\n", stderr);
		return NULL;
	}
	r->files = rn_fileuse_new(p->opt);
	r->opt = p->opt;
	r->write = p->write;
	r->ctx = p->ctx;
	r->command = p->command;
	return r;
}

static int report_flush(void *self)
{
	return ((struct report *)self)->error; /* the page is written at the end */
}

static int report_finish(void *self)
{
	struct report *r = self;
	if (r->error)
		return r->error;
	/* main threads still waiting when the run ended */
	for (size_t i = 0; i < r->nopen_slots; i++)
		while (r->open && r->open[i].tgid)
			close_wait(r, r->open[i].tgid, r->last_ts);
	rn_fileuse_finish(r->files);
	struct figures f;
	struct rn_sbuf b = { 0 };
	if (compute(&f, r) < 0) {
		r->error = ENOMEM;
	} else {
		render(&b, &f, r);
		r->error = r->write(r->ctx, b.p, b.len);
	}
	figures_free(&f);
	rn_sbuf_free(&b);
	return r->error;
}

static int report_error(const void *self)
{
	return ((const struct report *)self)->error;
}

static int report_buffered(const void *self)
{
	(void)self;
	return 0;
}

static void report_destroy(void *self)
{
	struct report *r = self;
	if (!r)
		return;
	rn_procstats_free(r->ps);
	rn_fileuse_free(r->files);
	free(r->failed);
	free(r->open);
	free(r->iv);
	free(r);
}

const struct rn_sink_ops rn_report_ops = {
	.name = "report",
	.flags = RN_SINK_WHOLE_DOCUMENT,
	.begin = report_begin,
	.event = report_event,
	.flush = report_flush,
	.finish = report_finish,
	.error = report_error,
	.buffered = report_buffered,
	.destroy = report_destroy,
};
