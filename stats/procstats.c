/*
 * procstats.c - --process-summary rows from the event stream (see
 * stats/procstats.h).
 *
 * A process is a thread group: its row is keyed by tgid; threads add their
 * syscalls to it. The command is the argv of the last execve that
 * succeeded (the entry's values, kept until the exit says it worked).
 */
#define _GNU_SOURCE
#include "stats/procstats.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "stats/procsummary.h"
#include "base/sbuf.h"

#define BUCKETS 1024u

struct proc {
	struct proc *next;      /* hash chain by tgid */
	struct rn_proc_row row;
	char *command;          /* owned; row.command points here */
	char *candidate;        /* argv of an execve not yet known to succeed */
	uint64_t first_ns;      /* first event of the process */
	int ended;
};

/* tid -> tgid, for the parent of a new process. */
struct tidmap {
	struct tidmap *next;
	int32_t tid;
	int32_t tgid;
};

struct rn_procstats {
	struct proc *procs[BUCKETS];
	struct tidmap *tids[BUCKETS];
	size_t nprocs;
	uint64_t base_ns;       /* the first event: start offsets count from it */
	int started;
	int live_only;          /* rn_procstats_new_live: ended ones forgotten */
};

struct rn_procstats *rn_procstats_new(void)
{
	return calloc(1, sizeof(struct rn_procstats));
}

struct rn_procstats *rn_procstats_new_live(void)
{
	struct rn_procstats *ps = rn_procstats_new();
	if (ps) {
		ps->live_only = 1;
		ps->started = 1; /* base 0: start_ns stays CLOCK_MONOTONIC */
	}
	return ps;
}

static struct proc *find(struct rn_procstats *ps, int32_t tgid, int create, uint64_t ts)
{
	struct proc **pp = &ps->procs[(uint32_t)tgid % BUCKETS];
	for (struct proc *p = *pp; p; p = p->next)
		if (p->row.pid == tgid && !p->ended)
			return p;
	if (!create)
		return NULL;
	struct proc *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->row.pid = tgid;
	p->first_ns = ts;
	p->next = *pp;
	*pp = p;
	ps->nprocs++;
	return p;
}

static void map_tid(struct rn_procstats *ps, int32_t tid, int32_t tgid)
{
	struct tidmap **pp = &ps->tids[(uint32_t)tid % BUCKETS];
	for (struct tidmap *m = *pp; m; m = m->next) {
		if (m->tid == tid) {
			m->tgid = tgid;
			return;
		}
	}
	struct tidmap *m = malloc(sizeof(*m));
	if (!m)
		abort();
	m->tid = tid;
	m->tgid = tgid;
	m->next = *pp;
	*pp = m;
}

static void unmap_tid(struct rn_procstats *ps, int32_t tid)
{
	for (struct tidmap **pp = &ps->tids[(uint32_t)tid % BUCKETS]; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct tidmap *m = *pp;
			*pp = m->next;
			free(m);
			return;
		}
	}
}

static void free_proc(struct rn_procstats *ps, struct proc *gone)
{
	for (struct proc **pp = &ps->procs[(uint32_t)gone->row.pid % BUCKETS]; *pp;
	     pp = &(*pp)->next) {
		if (*pp == gone) {
			*pp = gone->next;
			break;
		}
	}
	free(gone->command);
	free(gone->candidate);
	free(gone);
	ps->nprocs--;
}

static int32_t tgid_of(struct rn_procstats *ps, int32_t tid)
{
	for (struct tidmap *m = ps->tids[(uint32_t)tid % BUCKETS]; m; m = m->next)
		if (m->tid == tid)
			return m->tgid;
	return tid;
}

/* execve's argv value (an RN_V_ARRAY of RN_V_STR) joined with spaces. */
static char *join_argv(const struct rn_event *ev)
{
	for (uint32_t i = 0; i < ev->nv; i = ev->v[i].end) {
		const struct rn_value *a = &ev->v[i];
		if (a->kind != RN_V_ARRAY || !a->name || strcmp(a->name, "argv") != 0)
			continue;
		struct rn_sbuf b = { 0 };
		for (uint32_t k = i + 1; k < a->end; k = ev->v[k].end) {
			if (b.len)
				rn_sbuf_putc(&b, ' ');
			if (ev->v[k].kind == RN_V_STR)
				rn_sbuf_put(&b, ev->bytes + ev->v[k].off, ev->v[k].len);
		}
		if (a->flags & RN_VF_ELLIPSIS)
			rn_sbuf_puts(&b, " ...");
		rn_sbuf_cstr(&b);
		return b.p;
	}
	return NULL;
}

void rn_procstats_event(struct rn_procstats *ps, const struct rn_event *ev)
{
	if (ev->kind == RN_EV_NONE)
		return;
	if (!ps->started) {
		ps->started = 1;
		ps->base_ns = ev->ts_ns;
	}
	struct proc *p;
	switch (ev->kind) {
	case RN_EV_NEW_TASK:
		map_tid(ps, ev->tid, ev->tgid);
		if (!ev->aux) {
			p = find(ps, ev->tgid, 1, ev->ts_ns);
			p->row.ppid = tgid_of(ps, (int32_t)ev->ret);
			/* A forked child runs its parent's program until it execs. */
			struct proc *parent = find(ps, p->row.ppid, 0, 0);
			if (parent && parent->command && !p->command)
				p->command = strdup(parent->command);
		}
		return;
	case RN_EV_ENTRY:
		p = find(ps, ev->tgid, 1, ev->ts_ns);
		if (ev->nr == SYS_execve || ev->nr == SYS_execveat) {
			free(p->candidate);
			/* The worker's whole command line when it sent one; else
			 * the argv value (cut at -s). */
			p->candidate = ev->ret_path_len ? strndup((const char *)ev->bytes +
								  ev->ret_path_off,
							  ev->ret_path_len)
							: join_argv(ev);
		}
		return;
	case RN_EV_EXIT:
		p = find(ps, ev->tgid, 1, ev->ts_ns);
		p->row.syscalls++;
		p->row.errors += ev->is_error;
		p->row.syscall_ns += ev->duration_ns;
		if ((ev->nr == SYS_execve || ev->nr == SYS_execveat) && !ev->is_error &&
		    p->candidate) {
			free(p->command);
			p->command = p->candidate;
			p->candidate = NULL;
		}
		return;
	case RN_EV_EXITED:
	case RN_EV_KILLED:
	case RN_EV_DETACHED:
		if (ps->live_only)
			unmap_tid(ps, ev->tid);
		if (ev->tid != ev->tgid)
			return; /* a thread: the process goes on */
		if (ps->live_only) {
			if ((p = find(ps, ev->tgid, 0, 0)))
				free_proc(ps, p);
			return;
		}
		p = find(ps, ev->tgid, 1, ev->ts_ns);
		p->ended = 1;
		p->row.end = ev->kind == RN_EV_EXITED ? RN_PEND_EXITED
			     : ev->kind == RN_EV_KILLED ? RN_PEND_KILLED
							: RN_PEND_DETACHED;
		p->row.status = ev->kind == RN_EV_DETACHED ? 0 : (int32_t)ev->ret;
		p->row.core_dumped = ev->kind == RN_EV_KILLED && ev->aux;
		p->row.duration_ns = ev->ts_ns - p->first_ns;
		return;
	default:
		find(ps, ev->tgid, 1, ev->ts_ns);
		return;
	}
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct rn_proc_row *a = pa, *b = pb;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

struct rn_proc_row *rn_procstats_rows(struct rn_procstats *ps, size_t *count)
{
	struct rn_proc_row *rows = calloc(ps->nprocs ? ps->nprocs : 1, sizeof(*rows));
	if (!rows)
		abort();
	size_t n = 0;
	for (unsigned b = 0; b < BUCKETS; b++) {
		for (struct proc *p = ps->procs[b]; p; p = p->next) {
			rows[n] = p->row;
			rows[n].command = p->command ? p->command : p->candidate;
			rows[n].exec_pending = p->candidate;
			rows[n].start_ns = p->first_ns - ps->base_ns;
			n++;
		}
	}
	/* Hash order would differ between two runs of the same trace. */
	qsort(rows, n, sizeof(*rows), row_cmp);
	*count = n;
	return rows;
}

void rn_procstats_seed(struct rn_procstats *ps, int32_t pid, int32_t ppid, uint64_t start_ns,
		       const char *command, const char *exec_pending)
{
	/* Seeds come before any event: the earliest start is the base. */
	if (!ps->live_only && (!ps->started || start_ns < ps->base_ns))
		ps->base_ns = start_ns;
	ps->started = 1;
	struct proc *p = find(ps, pid, 1, start_ns);
	map_tid(ps, pid, pid);
	p->row.ppid = ppid;
	free(p->command);
	p->command = command ? strdup(command) : NULL;
	free(p->candidate);
	p->candidate = exec_pending ? strdup(exec_pending) : NULL;
}

void rn_procstats_add_row(struct rn_procstats *ps, const struct rn_proc_row *row)
{
	if (!ps->live_only && (!ps->started || row->start_ns < ps->base_ns))
		ps->base_ns = row->start_ns;
	ps->started = 1;
	struct proc *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	struct proc **pp = &ps->procs[(uint32_t)row->pid % BUCKETS];
	p->row = *row;
	p->row.command = p->row.exec_pending = NULL;
	p->command = row->command ? strdup(row->command) : NULL;
	p->first_ns = row->start_ns;
	/* Ended or let go: a later row of the same pid is another process. */
	p->ended = 1;
	p->next = *pp;
	*pp = p;
	ps->nprocs++;
}

void rn_procstats_render(struct rn_procstats *ps, struct rn_sbuf *out)
{
	size_t n;
	struct rn_proc_row *rows = rn_procstats_rows(ps, &n);
	rn_procsummary_render(rows, n, out);
	free(rows);
}

void rn_procstats_free(struct rn_procstats *ps)
{
	if (!ps)
		return;
	for (unsigned b = 0; b < BUCKETS; b++) {
		while (ps->procs[b]) {
			struct proc *p = ps->procs[b];
			ps->procs[b] = p->next;
			free(p->command);
			free(p->candidate);
			free(p);
		}
		while (ps->tids[b]) {
			struct tidmap *m = ps->tids[b];
			ps->tids[b] = m->next;
			free(m);
		}
	}
	free(ps);
}
