/*
 * worker.c - a worker thread: turns records into text events.
 *
 * It reads the tracee's memory for a held record, hands the tracee back as
 * soon as the last read is done, pairs each syscall exit with its entry
 * (kept per tid in a small hash), and pushes exactly one event per record
 * to its output ring, in the order the records came.
 */
#define _GNU_SOURCE
#include "pipeline/worker_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "decode/decode.h"
#include "pipeline/fdcache.h"
#include "pipeline/proctab.h"

#define IN_CAPACITY 4096u
#define OUT_CAPACITY 4096u

/* ---- pending entries (worker-private) ----------------------------------- */

static struct rn_pending **pending_slot(struct rn_worker *w, pid_t tid)
{
	struct rn_pending **pp = &w->pending[(unsigned)tid % RN_PENDING_BUCKETS];
	while (*pp && (*pp)->entry.tid != tid)
		pp = &(*pp)->next;
	return pp;
}

static struct rn_pending *pending_take(struct rn_worker *w, pid_t tid)
{
	struct rn_pending **pp = pending_slot(w, tid);
	struct rn_pending *found = *pp;
	if (found)
		*pp = found->next;
	return found;
}

static void pending_put(struct rn_worker *w, struct rn_pending *pe)
{
	struct rn_pending **pp = pending_slot(w, pe->entry.tid);
	if (*pp) {
		/* An entry without its exit (the tracee was killed in between):
		 * the newer one wins. */
		struct rn_pending *old = *pp;
		*pp = old->next;
		free(old);
	}
	pe->next = w->pending[(unsigned)pe->entry.tid % RN_PENDING_BUCKETS];
	w->pending[(unsigned)pe->entry.tid % RN_PENDING_BUCKETS] = pe;
}

/* ---- output ------------------------------------------------------------- */

/* Once the output is abandoned, events go here and are dropped. */
static struct rn_event *discard_slot(struct rn_worker *w)
{
	w->discarding = 1;
	return &w->discard;
}

static struct rn_event *out_slot(struct rn_worker *w)
{
	if (atomic_load_explicit(&w->p->abandoned, memory_order_acquire))
		return discard_slot(w);
	struct rn_event *ev = rn_ring_reserve(&w->out);
	if (ev)
		return ev;
	/* The writer is behind: let it run, then wait for room. Timed, to
	 * see the output abandoned (rn_pipeline_abandon also wakes us). */
	for (;;) {
		rn_parker_wake(rn_writer_parker(w->p->writer));
		uint32_t seen = rn_parker_prepare(&w->out.not_full);
		ev = rn_ring_reserve(&w->out);
		if (ev) {
			rn_parker_cancel(&w->out.not_full);
			return ev;
		}
		if (atomic_load_explicit(&w->p->abandoned, memory_order_acquire)) {
			rn_parker_cancel(&w->out.not_full);
			return discard_slot(w);
		}
		rn_parker_sleep_for(&w->out.not_full, seen, 100 * 1000 * 1000ull);
	}
}

static struct rn_event *begin_event(struct rn_worker *w, const struct rn_record *rec, int kind)
{
	struct rn_event *ev = out_slot(w);
	memset(ev, 0, sizeof(*ev));
	ev->seq = rec->seq;
	ev->ts_ns = rec->ts_ns;
	ev->tid = rec->tid;
	ev->tgid = rec->tgid;
	ev->ntasks = rec->ntasks;
	ev->kind = (uint16_t)kind;
	ev->nr = rec->nr;
	ev->ip = rec->ip;
	return ev;
}

/* Move the values built in w->vs into the event: one block, nodes first. */
static void attach_values(struct rn_worker *w, struct rn_event *ev)
{
	struct rn_values *vs = &w->vs;
	if (vs->n == 0 && vs->nbytes == 0)
		return;
	size_t nodes = (size_t)vs->n * sizeof(struct rn_value);
	unsigned char *block = rn_values_block(vs, 0);
	ev->v = (struct rn_value *)block;
	ev->nv = vs->n;
	ev->bytes = block + nodes;
	ev->nbytes = vs->nbytes;
	rn_values_reset(vs);
}

static void commit_event(struct rn_worker *w)
{
	if (w->discarding) {
		free(w->discard.v);
		w->discard.v = NULL;
		w->discarding = 0;
		w->dropped++;
		return;
	}
	rn_ring_commit(&w->out);
}

/* ---- the tracer's memory copies ---------------------------------------- */

static void snap_append(struct rn_worker *w, const struct rn_record *rec)
{
	size_t n = rec->hold_id <= RN_REC_PAYLOAD ? rec->hold_id : RN_REC_PAYLOAD;
	if (w->snap_len + n > w->snap_cap) {
		size_t cap = w->snap_cap ? 2 * w->snap_cap : 4096;
		while (cap < w->snap_len + n)
			cap *= 2;
		uint8_t *b = realloc(w->snap_buf, cap);
		if (!b)
			abort();
		w->snap_buf = b;
		w->snap_cap = cap;
	}
	memcpy(w->snap_buf + w->snap_len, (const uint8_t *)rec + offsetof(struct rn_record, args), n);
	w->snap_len += n;
}

/* Decode rec's memory arguments from the tracer's copy (RN_REC_SNAPSHOT):
 * between snap_begin and snap_end every rn_mem_read of this thread reads
 * the copy, never the tracee, which runs on. */
static void snap_begin(struct rn_worker *w, const struct rn_record *rec)
{
	if (!(rec->flags & RN_REC_SNAPSHOT))
		return;
	w->snap.data = w->snap_buf;
	w->snap.len = w->snap_len;
	rn_mem_snap_use(&w->snap);
}

static void snap_end(struct rn_worker *w)
{
	(void)w;
	rn_mem_snap_use(NULL);
}

/* ---- decoding ----------------------------------------------------------- */

static int is_ppath(const struct rn_worker *w, const void *p, size_t len)
{
	for (size_t k = 0; k < w->nppaths; k++)
		if (strlen(w->ppaths[k]) == len && memcmp(w->ppaths[k], p, len) == 0)
			return 1;
	return 0;
}

/* -P: does the call just decoded name one of the paths, directly or
 * through a descriptor? */
static int touches_ppaths(struct rn_worker *w, const struct rn_record *rec)
{
	struct rn_values *vs = &w->vs;
	for (uint32_t i = 0; i < vs->n; i++) {
		const struct rn_value *v = &vs->v[i];
		if (v->kind == RN_V_STR && (v->flags & RN_VF_PATH) &&
		    is_ppath(w, vs->bytes + v->off, v->len))
			return 1;
		if (v->kind == RN_V_FD && v->i >= 0) {
			const struct rn_fdpath *e = rn_fdcache_get_kinds(w, rec->tgid, rec->tid,
									 (int)v->i, RN_DECODE_FD_PATH);
			/* a deleted file is not at its path any more */
			if (e && !e->deleted && is_ppath(w, e->path, e->plen))
				return 1;
		}
	}
	return 0;
}

/* -y: give every descriptor value decoded so far its path (AT_FDCWD the
 * working directory's), but none to those of a value shown after the
 * return value (poll's revents, select's ready sets): strace names only
 * the descriptors a call is given or returns, not the ones it reports. */
static void fill_fd_paths(struct rn_worker *w, const struct rn_record *rec)
{
	struct rn_values *vs = &w->vs;
	uint32_t skip_to = 0;
	for (uint32_t i = 0; i < vs->n; i++) {
		if (i >= skip_to && (vs->v[i].flags & RN_VF_AFTER_RET))
			skip_to = vs->v[i].end;
		if (i < skip_to || vs->v[i].kind != RN_V_FD || vs->v[i].len)
			continue;
		int fd = (vs->v[i].flags & RN_VF_FDCWD) ? RN_FDPATH_CWD : (int)vs->v[i].i;
		if (fd < 0 && fd != RN_FDPATH_CWD)
			continue;
		const struct rn_fdpath *e = rn_fdcache_get(w, rec->tgid, rec->tid, fd);
		if (e)
			rn_v_set_bytes(vs, i, e->path, e->len);
	}
}

/* Does the call return a descriptor (strace then shows its path after the
 * number)? fcntl's F_DUPFD and F_DUPFD_CLOEXEC do, its other commands not. */
static int returns_fd(const struct rn_syscall *sc, const struct rn_record *entry)
{
	if (!sc)
		return 0;
	if (entry->nr == SYS_fcntl)
		return (int)entry->args[1] == F_DUPFD || (int)entry->args[1] == F_DUPFD_CLOEXEC;
	return sc->ret_type == RN_T_FD;
}

static void decode_entry(struct rn_worker *w, const struct rn_record *rec)
{
	struct rn_pending *pe = malloc(sizeof(*pe));
	if (!pe)
		abort();
	pe->entry = *rec;
	memset(pe->saved, 0, sizeof(pe->saved));
	pe->suppressed = 0;
	const struct rn_options *opt = w->p->opt;
	if (opt->count == RN_COUNT_ONLY && !(rec->flags & RN_REC_HELD) && !w->nppaths) {
		/* -c: the entry is only the start of a duration. (A held entry
		 * is an execve that --process-summary wants decoded; with -P
		 * every call is decoded to see whether it touches a path.) */
		pe->next_arg = 0;
		pending_put(w, pe);
		begin_event(w, rec, RN_EV_NONE);
		commit_event(w);
		return;
	}
	struct rn_dctx c = {
		.opt = w->p->opt, .sc = rn_syscall_get(rec->nr), .entry = &pe->entry,
		.exit = NULL, .vs = &w->vs, .tid = rec->tid, .saved = pe->saved,
	};
	snap_begin(w, rec);
	pe->next_arg = rn_decode_entry(&c);
	snap_end(w);
	/* --process-summary's command column: the whole argv, not cut at -s. */
	uint32_t cmd_node = 0;
	int has_cmd = 0;
	if (opt->whole_commands && (rec->nr == SYS_execve || rec->nr == SYS_execveat)) {
		struct rn_sbuf cmd = { 0 };
		rn_dec_argv_joined(rec->tid, rec->args[rec->nr == SYS_execve ? 1 : 2], &cmd, 65536);
		cmd_node = rn_v_text(&w->vs, "command", "");
		rn_v_set_bytes(&w->vs, cmd_node, cmd.p ? cmd.p : "", cmd.len);
		rn_sbuf_free(&cmd);
		has_cmd = 1;
	}
	if (w->p->opt->decode_fds)
		fill_fd_paths(w, rec);
	pe->suppressed = w->nppaths && !touches_ppaths(w, rec);
	/* Every read is done: the tracee may run again. */
	if (rec->flags & RN_REC_HELD)
		rn_handback(w->p, rec->tid, rec->hold_id);
	pending_put(w, pe);
	if (pe->suppressed) {
		rn_values_reset(&w->vs);
		begin_event(w, rec, RN_EV_NONE);
		commit_event(w);
		return;
	}
	struct rn_event *ev = begin_event(w, rec, RN_EV_ENTRY);
	ev->more = c.sc ? pe->next_arg < c.sc->nargs : 0;
	if (has_cmd) {
		ev->ret_path_off = w->vs.v[cmd_node].off;
		ev->ret_path_len = w->vs.v[cmd_node].len;
		w->vs.n--; /* not an argument */
	}
	attach_values(w, ev);
	commit_event(w);
}

static void decode_exit(struct rn_worker *w, const struct rn_record *rec)
{
	struct rn_pending *pe = pending_take(w, rec->tid);
	if (!pe) {
		if (rec->flags & RN_REC_HELD)
			rn_handback(w->p, rec->tid, rec->hold_id);
		begin_event(w, rec, RN_EV_NONE);
		commit_event(w);
		return;
	}
	const struct rn_options *opt = w->p->opt;
	struct rn_dctx c = {
		.opt = opt, .sc = rn_syscall_get(pe->entry.nr), .entry = &pe->entry,
		.exit = rec, .vs = &w->vs, .tid = rec->tid, .saved = pe->saved,
	};
	int is_error = (rec->flags & RN_REC_ERROR) != 0;
	uint64_t wall = rec->ts_ns - pe->entry.ts_ns;
	uint64_t counted = wall;
	if ((opt->count || opt->process_summary) && !opt->summary_wall)
		counted = rec->stime_ns - pe->entry.stime_ns;
	if (pe->suppressed) {
		/* -P: not ours. */
		if (rec->flags & RN_REC_HELD)
			rn_handback(w->p, rec->tid, rec->hold_id);
		begin_event(w, rec, RN_EV_NONE);
		commit_event(w);
		free(pe);
		return;
	}
	if (opt->count) {
		/* -O: what tracing a call is said to cost, not the call's */
		uint64_t own = counted > opt->summary_overhead_ns ? counted - opt->summary_overhead_ns : 0;
		rn_stats_add(&w->stats, pe->entry.nr, own, is_error);
	}
	if (opt->count != RN_COUNT_ONLY) {
		snap_begin(w, rec);
		rn_decode_exit(&c, pe->next_arg);
		snap_end(w);
	}
	const struct rn_fdpath *ret_path = NULL;
	if (w->p->opt->decode_fds) {
		fill_fd_paths(w, rec);
		/* -e raw=: the result is a bare number there too */
		if (returns_fd(c.sc, &pe->entry) && !(rec->flags & RN_REC_ERROR) &&
		    !rn_filter_raw(&opt->filter, pe->entry.nr))
			ret_path = rn_fdcache_get(w, rec->tgid, rec->tid, (int)rec->ret);
	}
	if (rec->flags & RN_REC_HELD)
		rn_handback(w->p, rec->tid, rec->hold_id);
	uint32_t ret_node = 0;
	if (ret_path) {
		/* The returned descriptor's path rides in the byte arena. */
		ret_node = rn_v_text(&w->vs, "return_path", "");
		rn_v_set_bytes(&w->vs, ret_node, ret_path->path, ret_path->len);
	}
	struct rn_event *ev = begin_event(w, rec, RN_EV_EXIT);
	ev->nr = pe->entry.nr;
	ev->ret = rec->ret;
	ev->is_error = (uint8_t)is_error;
	ev->tampered = (uint8_t)(((rec->flags & RN_REC_INJECTED) ? RN_EV_INJECTED : 0) |
				 ((rec->flags & RN_REC_DELAYED) ? RN_EV_DELAYED : 0) |
				 ((rec->flags & RN_REC_INJECTED_ARGS) ? RN_EV_INJECTED_ARGS : 0));
	ev->ret_type = c.ret_hex ? RN_T_HEX : c.sc ? c.sc->ret_type : RN_T_LONG;
	ev->entry_ts_ns = pe->entry.ts_ns;
	ev->duration_ns = counted;
	if (ret_path) {
		ev->ret_path_off = w->vs.v[ret_node].off;
		ev->ret_path_len = w->vs.v[ret_node].len;
		w->vs.n--; /* not an argument */
	}
	attach_values(w, ev);
	commit_event(w);
	free(pe);
}

/* Whether a call whose arguments from `next` on are left for its exit
 * still has something to show there: those arguments, or what its
 * struct_inret ones show after the return value (poll's revents: strace
 * ends a poll cut short " <unfinished ...>) = ?" though it printed every
 * argument at entry). */
static int exit_shows_more(const struct rn_syscall *sc, unsigned next)
{
	if (next < sc->nargs)
		return 1;
	for (unsigned i = 0; i < sc->nargs; i++)
		if (sc->args[i].type == RN_T_STRUCT_INRET && sc->args[i].decode)
			return 1;
	return 0;
}

/* A process event ends the tid's unfinished syscall, if it has one; *more:
 * the call had something left to show at its exit (strace then writes
 * " <unfinished ...>) = ?"). */
static int end_pending(struct rn_worker *w, pid_t tid, int32_t *nr, uint8_t *more)
{
	struct rn_pending *pe = pending_take(w, tid);
	if (!pe || pe->suppressed) {
		free(pe); /* -P: its entry was not shown, so neither is its end */
		return 0;
	}
	*nr = pe->entry.nr;
	const struct rn_syscall *sc = rn_syscall_get(pe->entry.nr);
	*more = w->p->opt->count != RN_COUNT_ONLY && sc && exit_shows_more(sc, pe->next_arg);
	free(pe);
	return 1;
}

static void process(struct rn_worker *w, const struct rn_record *rec)
{
	struct rn_event *ev;
	int32_t nr = -1;
	uint8_t more = 0;
	int ended;

	switch (rec->kind) {
	case RN_REC_BYTES:
		snap_append(w, rec); /* not a record of its own: no event */
		return;
	case RN_REC_SYSCALL_ENTRY:
		decode_entry(w, rec);
		w->snap_len = 0; /* the copy, if any, was this record's */
		return;
	case RN_REC_SYSCALL_EXIT:
		decode_exit(w, rec);
		w->snap_len = 0;
		return;
	case RN_REC_SIGNAL:
		rn_decode_siginfo(&w->vs, rec);
		ev = begin_event(w, rec, RN_EV_SIGNAL);
		ev->ret = (int32_t)rec->args[0];
		attach_values(w, ev);
		break;
	case RN_REC_GROUP_STOP:
		ev = begin_event(w, rec, RN_EV_GROUP_STOP);
		ev->ret = (int64_t)rec->args[0];
		break;
	case RN_REC_EXITED:
	case RN_REC_KILLED:
	case RN_REC_SUPERSEDED:
		/* An unfinished syscall never completes: the writer shows "= ?". */
		ended = end_pending(w, rec->tid, &nr, &more);
		ev = begin_event(w, rec, rec->kind == RN_REC_EXITED ? RN_EV_EXITED
					 : rec->kind == RN_REC_KILLED ? RN_EV_KILLED
								      : RN_EV_SUPERSEDED);
		ev->finish_pending = (uint8_t)ended;
		ev->more = more;
		if (ended)
			ev->nr = nr;
		ev->ret = (int64_t)rec->args[0];
		ev->aux = (int64_t)rec->args[1];
		break;
	case RN_REC_EXEC: {
		/* A non-leader exec: its pending execve now belongs to the
		 * leader's tid. Same tgid, so it is in this worker. */
		pid_t former = (pid_t)rec->args[0];
		if (former && former != rec->tid) {
			struct rn_pending *pe = pending_take(w, former);
			if (pe) {
				pe->entry.tid = rec->tid;
				pending_put(w, pe);
			}
		}
		begin_event(w, rec, RN_EV_NONE);
		break;
	}
	case RN_REC_NEW_TASK:
		ev = begin_event(w, rec, RN_EV_NEW_TASK);
		ev->ret = (int64_t)rec->args[0];
		ev->aux = (int64_t)rec->args[1];
		break;
	case RN_REC_ATTACHED:
		ev = begin_event(w, rec, RN_EV_ATTACHED);
		ev->ret = (int64_t)rec->args[0];
		break;
	case RN_REC_DETACHED:
		free(pending_take(w, rec->tid));
		ev = begin_event(w, rec, RN_EV_DETACHED);
		ev->aux = (int64_t)rec->args[0];
		ev->ret = (int64_t)rec->args[1];
		break;
	default:
		begin_event(w, rec, RN_EV_NONE);
		break;
	}
	commit_event(w);
}

static void *worker_main(void *arg)
{
	struct rn_worker *w = arg;
	struct rn_parker *writer = rn_writer_parker(w->p->writer);

	rn_proctab_thread_online();
	for (;;) {
		struct rn_record *rec = rn_ring_peek(&w->in);
		if (rec) {
			process(w, rec);
			rn_ring_pop(&w->in);
			/* The tracer may be waiting for room (a full ring). */
			rn_parker_wake(&w->in.not_full);
			if (rn_ring_count(&w->out) >= OUT_CAPACITY / 4)
				rn_parker_wake(writer);
			continue;
		}
		/* Idle: hand the writer what we have if it wants it now. */
		rn_writer_worker_idle(w->p->writer);
		if (atomic_load_explicit(&w->stop, memory_order_acquire) && !rn_ring_peek(&w->in))
			break;
		uint32_t seen = rn_parker_prepare(&w->in.not_empty);
		if (rn_ring_peek(&w->in) || atomic_load_explicit(&w->stop, memory_order_acquire)) {
			rn_parker_cancel(&w->in.not_empty);
			continue;
		}
		rn_parker_sleep(&w->in.not_empty, seen);
	}
	rn_proctab_thread_offline();
	rn_thread_end_mark(&w->end);
	return NULL;
}

struct rn_worker *rn_worker_create(struct rn_pipeline *p, unsigned index)
{
	/* The rings inside are cache-line aligned: calloc's 16 is not enough. */
	size_t size = (sizeof(struct rn_worker) + 63) & ~(size_t)63;
	struct rn_worker *w = aligned_alloc(64, size);
	if (!w)
		return NULL;
	memset(w, 0, size);
	rn_parker_init(&w->end.parker);
	atomic_init(&w->end.done, 0);
	w->p = p;
	w->index = index;
	/* -P: match a path as given and as it resolves, as strace does. */
	const struct rn_filter *f = &p->opt->filter;
	if (f->npaths) {
		w->ppaths = calloc(2 * f->npaths, sizeof(char *));
		if (!w->ppaths)
			abort();
		for (size_t k = 0; k < f->npaths; k++) {
			w->ppaths[w->nppaths++] = strdup(f->paths[k]);
			char *real = realpath(f->paths[k], NULL);
			if (real && strcmp(real, f->paths[k]) != 0)
				w->ppaths[w->nppaths++] = real;
			else
				free(real);
		}
	}
	if (p->opt->count)
		rn_stats_init(&w->stats);
	if (rn_ring_init(&w->in, sizeof(struct rn_record), IN_CAPACITY) < 0 ||
	    rn_ring_init(&w->out, sizeof(struct rn_event), OUT_CAPACITY) < 0 ||
	    pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		free(w);
		return NULL;
	}
	char name[16];
	snprintf(name, sizeof(name), "rn-worker-%u", index);
	pthread_setname_np(w->thread, name);
	return w;
}

struct rn_ring *rn_worker_input(struct rn_worker *w)
{
	return &w->in;
}

struct rn_ring *rn_worker_output(struct rn_worker *w)
{
	return &w->out;
}

void rn_worker_stop(struct rn_worker *w)
{
	/* Pairs with the acquire load in worker_main: every record committed
	 * before this store is seen before the worker sees stop. */
	atomic_store_explicit(&w->stop, 1, memory_order_release);
	rn_parker_wake(&w->in.not_empty);
}

void rn_worker_destroy(struct rn_worker *w)
{
	for (unsigned i = 0; i < RN_PENDING_BUCKETS; i++) {
		while (w->pending[i]) {
			struct rn_pending *pe = w->pending[i];
			w->pending[i] = pe->next;
			free(pe);
		}
	}
	rn_ring_destroy(&w->in);
	rn_ring_destroy(&w->out);
	free(w->snap_buf);
	rn_values_free(&w->vs);
	rn_fdcache_free(w);
	for (size_t k = 0; k < w->nppaths; k++)
		free(w->ppaths[k]);
	free(w->ppaths);
	if (w->p->opt->count)
		rn_stats_free(&w->stats);
	free(w);
}
