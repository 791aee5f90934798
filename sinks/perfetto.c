/*
 * perfetto.c - Chrome Trace Event JSON for ui.perfetto.dev (see
 * sinks/perfetto_sink.h for what is written).
 */
#define _GNU_SOURCE
#include "sinks/perfetto_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/json_sink.h" /* rn_json_text */
#include "base/names.h"
#include "sinks/render_text.h"

#define FLUSH_AT (64u * 1024u)

struct rn_pf_proc {
	int32_t tgid;       /* first: the index's key */
	int32_t parent;     /* the parent's tid, 0 when unknown */
	uint64_t start, end;
	int ended;
	char *name;         /* the command, or NULL */
	char status[48];
};

struct rn_pf_thread {
	int32_t tid;        /* first: the index's key */
	int32_t tgid;
	char *name;         /* the process's command when the thread appeared */
};

static void oom(void)
{
	fputs("renacer: out of memory\n", stderr);
	abort();
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		oom();
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		oom();
	return d;
}

/* ---- two small indexes: int32 key (the struct's first member) -> struct - */

static size_t index_slot(void *const *tab, size_t cap, int32_t key)
{
	size_t j = ((uint32_t)key * 2654435761u) & (cap - 1);
	while (tab[j] && *(const int32_t *)tab[j] != key)
		j = (j + 1) & (cap - 1);
	return j;
}

static void *index_get(void *const *tab, size_t cap, int32_t key)
{
	return cap ? tab[index_slot(tab, cap, key)] : NULL;
}

/* Insert or replace (a reused pid); n: entries before the insert. */
static void index_put(void ***tab, size_t *cap, size_t n, void *item)
{
	if (2 * (n + 1) > *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;
		void **grown = xcalloc(ncap, sizeof(void *));
		for (size_t i = 0; i < *cap; i++)
			if ((*tab)[i])
				grown[index_slot(grown, ncap, *(int32_t *)(*tab)[i])] = (*tab)[i];
		free(*tab);
		*tab = grown;
		*cap = ncap;
	}
	(*tab)[index_slot(*tab, *cap, *(int32_t *)item)] = item;
}

static void push(void ***list, size_t *n, size_t *cap, void *item)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		void **grown = realloc(*list, ncap * sizeof(void *));
		if (!grown)
			oom();
		*list = grown;
		*cap = ncap;
	}
	(*list)[(*n)++] = item;
}

static struct rn_pf_thread *thread_of(struct rn_perfetto_sink *s, int32_t tid, int32_t tgid)
{
	struct rn_pf_thread *t = index_get((void *const *)s->thread_index, s->cap_thread_index, tid);
	if (t) {
		if (tgid)
			t->tgid = tgid;
		return t;
	}
	t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	t->tgid = tgid ? tgid : tid;
	struct rn_pf_proc *p = index_get((void *const *)s->proc_index, s->cap_proc_index, t->tgid);
	if (p && p->name)
		t->name = xstrdup(p->name);
	index_put((void ***)&s->thread_index, &s->cap_thread_index, s->nthreads, t);
	push((void ***)&s->threads, &s->nthreads, &s->capthreads, t);
	return t;
}

static struct rn_pf_proc *new_proc(struct rn_perfetto_sink *s, int32_t tgid, uint64_t ts)
{
	struct rn_pf_proc *p = xcalloc(1, sizeof(*p));
	p->tgid = tgid;
	p->start = p->end = ts;
	snprintf(p->status, sizeof(p->status), "running");
	/* The first process is the traced command until it calls execve. */
	if (!s->nprocs && s->root_command)
		p->name = xstrdup(s->root_command);
	index_put((void ***)&s->proc_index, &s->cap_proc_index, s->nprocs, p);
	push((void ***)&s->procs, &s->nprocs, &s->capprocs, p);
	return p;
}

static struct rn_pf_proc *proc_of(struct rn_perfetto_sink *s, int32_t tgid, uint64_t ts)
{
	struct rn_pf_proc *p = index_get((void *const *)s->proc_index, s->cap_proc_index, tgid);
	return p ? p : new_proc(s, tgid, ts);
}

/* ---- output ------------------------------------------------------------ */

static void flush_if_big(struct rn_perfetto_sink *s)
{
	if (s->out.len >= FLUSH_AT && !s->error) {
		s->error = s->write(s->ctx, s->out.p, s->out.len);
		rn_sbuf_reset(&s->out);
	}
}

static void put_int(struct rn_sbuf *b, int64_t v)
{
	rn_sbuf_printf(b, "%lld", (long long)v);
}

/* Microseconds since base_ns, to the nanosecond: "1234.567". */
static void put_us(struct rn_perfetto_sink *s, uint64_t ns)
{
	uint64_t d = ns >= s->base_ns ? ns - s->base_ns : s->base_ns - ns;
	rn_sbuf_printf(&s->out, "%s%llu.%03llu", ns >= s->base_ns ? "" : "-",
		       (unsigned long long)(d / 1000), (unsigned long long)(d % 1000));
}

static void put_str(struct rn_sbuf *b, const char *str)
{
	rn_json_text(b, str, strlen(str));
}

/* `{"ph":PH,"cat":CAT,"name":NAME,"pid":..,"tid":..,"ts":..` */
static void begin_event(struct rn_perfetto_sink *s, const char *ph, const char *cat,
			const char *name, int32_t pid, int32_t tid, uint64_t ts)
{
	struct rn_sbuf *b = &s->out;
	rn_sbuf_puts(b, s->nevents++ ? ",\n{\"ph\":\"" : "\n{\"ph\":\"");
	rn_sbuf_puts(b, ph);
	rn_sbuf_putc(b, '"');
	if (cat) {
		rn_sbuf_puts(b, ",\"cat\":");
		put_str(b, cat);
	}
	rn_sbuf_puts(b, ",\"name\":");
	put_str(b, name);
	rn_sbuf_puts(b, ",\"pid\":");
	put_int(b, pid);
	rn_sbuf_puts(b, ",\"tid\":");
	put_int(b, tid);
	rn_sbuf_puts(b, ",\"ts\":");
	put_us(s, ts);
}

static void end_event(struct rn_perfetto_sink *s)
{
	rn_sbuf_putc(&s->out, '}');
	flush_if_big(s);
}

static void note_ts(struct rn_perfetto_sink *s, uint64_t ts)
{
	if (!s->have_base) {
		s->base_ns = ts;
		s->have_base = 1;
	}
	if (ts > s->last_ts)
		s->last_ts = ts;
}

/* ---- the command of an execve ----------------------------------------- */

static int is_exec(int32_t nr)
{
	char scratch[32];
	const char *name = rn_call_name(nr, scratch);
	return !strcmp(name, "execve") || !strcmp(name, "execveat");
}

/* The values named `name` at the top level of ev, or -1. */
static int64_t find_arg(const struct rn_event *ev, const char *name)
{
	for (uint32_t i = 0; i < ev->nv; i = ev->v[i].end)
		if (ev->v[i].name && !strcmp(ev->v[i].name, name))
			return i;
	return -1;
}

/* The file an execve ran (never cut at -s), or NULL. */
static const struct rn_value *exec_file(const struct rn_event *entry)
{
	int64_t f = find_arg(entry, "filename");
	if (f < 0)
		f = find_arg(entry, "pathname");
	return f >= 0 && entry->v[f].kind == RN_V_STR ? &entry->v[f] : NULL;
}

/* argv joined by spaces ("..." where -s cut it; an argv[0] cut short is
 * replaced by the file run); NULL without one. */
static char *exec_command(const struct rn_event *entry)
{
	int64_t a = find_arg(entry, "argv");
	if (a < 0 || entry->v[a].kind != RN_V_ARRAY)
		return NULL;
	const struct rn_value *arr = &entry->v[a];
	const struct rn_value *file = exec_file(entry);
	struct rn_sbuf b = { 0 };
	for (uint32_t i = (uint32_t)a + 1; i < arr->end; i = entry->v[i].end) {
		const struct rn_value *x = &entry->v[i];
		if (b.len)
			rn_sbuf_putc(&b, ' ');
		if (i == (uint32_t)a + 1 && file && x->kind == RN_V_STR &&
		    (x->flags & RN_VF_TRUNCATED)) {
			rn_sbuf_put(&b, entry->bytes + file->off, file->len);
		} else if (x->kind == RN_V_STR) {
			rn_sbuf_put(&b, entry->bytes + x->off, x->len);
			if (x->flags & RN_VF_TRUNCATED)
				rn_sbuf_puts(&b, "...");
		} else {
			rn_sbuf_putc(&b, '?');
		}
	}
	if (arr->flags & RN_VF_ELLIPSIS)
		rn_sbuf_puts(&b, b.len ? " ..." : "...");
	if (!b.len) {
		rn_sbuf_free(&b);
		return NULL;
	}
	char *cmd = xstrdup(rn_sbuf_cstr(&b));
	rn_sbuf_free(&b);
	return cmd;
}

/* ---- events ------------------------------------------------------------ */

/* One syscall slice. exit NULL: it never returned; it ends at `end`. */
static void emit_call(struct rn_perfetto_sink *s, const struct rn_event *entry,
		      const struct rn_event *exit, uint64_t end)
{
	const struct rn_event *any = exit ? exit : entry;
	char scratch[32];
	uint64_t start = entry ? entry->ts_ns : exit->entry_ts_ns ? exit->entry_ts_ns : exit->ts_ns;
	if (exit)
		end = exit->ts_ns;
	if (end < start)
		end = start;
	struct rn_pf_proc *p = proc_of(s, any->tgid, start);
	if (start < p->start)
		p->start = start;
	begin_event(s, "X", "syscall", rn_call_name(any->nr, scratch), any->tgid, any->tid, start);
	rn_sbuf_puts(&s->out, ",\"dur\":");
	rn_sbuf_printf(&s->out, "%llu.%03llu", (unsigned long long)((end - start) / 1000),
		       (unsigned long long)((end - start) % 1000));
	rn_sbuf_puts(&s->out, ",\"args\":{\"arguments\":");
	rn_sbuf_reset(&s->tmp);
	rn_call_arguments(&s->tmp, s->opt, entry, exit);
	rn_json_text(&s->out, s->tmp.p, s->tmp.len);
	rn_sbuf_puts(&s->out, ",\"result\":");
	rn_sbuf_reset(&s->tmp);
	rn_call_result(&s->tmp, s->opt, exit);
	rn_json_text(&s->out, s->tmp.p, s->tmp.len);
	rn_sbuf_puts(&s->out, ",\"seq\":");
	rn_sbuf_printf(&s->out, "%llu", (unsigned long long)(entry ? entry->seq : exit->seq));
	rn_sbuf_putc(&s->out, '}');
	end_event(s);
}

/* A tid's pending call ends without an exit (death, detach). */
static void finish_pending(struct rn_perfetto_sink *s, const struct rn_event *at)
{
	struct rn_event *entry = rn_calls_take(&s->calls, at->tid);
	if (entry)
		emit_call(s, entry, NULL, at->ts_ns);
	rn_event_free_copy(entry);
}

/* A thread-scoped instant event with one string argument (or none). */
static void instant(struct rn_perfetto_sink *s, const struct rn_event *ev, const char *cat,
		    const char *name, const char *key, const char *value, size_t vlen)
{
	begin_event(s, "i", cat, name, ev->tgid, ev->tid, ev->ts_ns);
	rn_sbuf_puts(&s->out, ",\"s\":\"t\"");
	if (key) {
		rn_sbuf_puts(&s->out, ",\"args\":{");
		put_str(&s->out, key);
		rn_sbuf_putc(&s->out, ':');
		rn_json_text(&s->out, value, vlen);
		rn_sbuf_putc(&s->out, '}');
	}
	end_event(s);
}

static void on_call_exit(struct rn_perfetto_sink *s, const struct rn_event *ev)
{
	struct rn_event *entry = rn_calls_take(&s->calls, ev->tid);
	emit_call(s, entry, ev, ev->ts_ns);
	if (entry && !ev->is_error && is_exec(ev->nr)) {
		/* A new program: the process is named after it from now on. */
		struct rn_pf_proc *p = proc_of(s, ev->tgid, ev->ts_ns);
		char *cmd = exec_command(entry);
		if (cmd) {
			free(p->name);
			p->name = cmd;
		}
		const struct rn_value *f = exec_file(entry);
		if (f)
			instant(s, ev, "exec", "exec", "filename",
				(const char *)entry->bytes + f->off, f->len);
		else
			instant(s, ev, "exec", "exec", NULL, NULL, 0);
	}
	rn_event_free_copy(entry);
}

static void on_new_task(struct rn_perfetto_sink *s, const struct rn_event *ev)
{
	int thread = ev->aux != 0;
	int32_t ptid = (int32_t)ev->ret;
	if (!thread) {
		/* A new process: it runs its parent's program until it execs. */
		struct rn_pf_proc *p = index_get((void *const *)s->proc_index, s->cap_proc_index,
						 ev->tgid);
		if (!p || p->ended)
			p = new_proc(s, ev->tgid, ev->ts_ns);
		p->start = ev->ts_ns;
		p->parent = ptid;
		struct rn_pf_thread *pt =
			ptid ? index_get((void *const *)s->thread_index, s->cap_thread_index, ptid)
			     : NULL;
		struct rn_pf_proc *pp =
			pt ? index_get((void *const *)s->proc_index, s->cap_proc_index, pt->tgid)
			   : NULL;
		if (pp && pp->name && !p->name)
			p->name = xstrdup(pp->name);
	}
	if (!ptid)
		return;
	/* The link: from inside the parent's clone call to the child (its
	 * lifetime slice, or a thread's first syscall). */
	struct rn_pf_thread *pt = thread_of(s, ptid, 0);
	const char *what = thread ? "clone" : "fork";
	uint64_t id = ++s->next_flow;
	begin_event(s, "s", what, what, pt->tgid, ptid, ev->ts_ns);
	rn_sbuf_printf(&s->out, ",\"id\":%llu", (unsigned long long)id);
	end_event(s);
	begin_event(s, "f", what, what, ev->tgid, ev->tid, ev->ts_ns);
	rn_sbuf_printf(&s->out, ",\"id\":%llu%s", (unsigned long long)id,
		       thread ? "" : ",\"bp\":\"e\"");
	end_event(s);
}

static const char *signame(int64_t sig, char *scratch)
{
	const char *n = rn_signal_name((int)sig);
	if (n)
		return n;
	snprintf(scratch, 32, "signal %d", (int)sig);
	return scratch;
}

static void on_death(struct rn_perfetto_sink *s, const struct rn_event *ev, const char *status)
{
	finish_pending(s, ev);
	if (ev->tid != ev->tgid)
		return;
	struct rn_pf_proc *p = proc_of(s, ev->tgid, ev->ts_ns);
	p->ended = 1;
	p->end = ev->ts_ns;
	snprintf(p->status, sizeof(p->status), "%s", status);
}

void rn_perfetto_sink_event(struct rn_perfetto_sink *s, const struct rn_event *ev)
{
	char scratch[32], text[96];
	if (ev->kind == RN_EV_NONE)
		return;
	note_ts(s, ev->kind == RN_EV_EXIT && ev->entry_ts_ns ? ev->entry_ts_ns : ev->ts_ns);
	note_ts(s, ev->ts_ns);
	thread_of(s, ev->tid, ev->tgid);
	if (ev->kind != RN_EV_NEW_TASK) {
		struct rn_pf_proc *p = proc_of(s, ev->tgid, ev->ts_ns);
		if (!p->ended && ev->ts_ns > p->end)
			p->end = ev->ts_ns;
	}

	switch (ev->kind) {
	case RN_EV_ENTRY:
		rn_calls_enter(&s->calls, ev);
		break;
	case RN_EV_EXIT:
		on_call_exit(s, ev);
		break;
	case RN_EV_SIGNAL:
		rn_sbuf_reset(&s->tmp);
		rn_text_values(&s->tmp, s->opt, ev->v, ev->bytes, 0, ev->nv);
		instant(s, ev, "signal", signame(ev->ret, scratch), "siginfo", s->tmp.p, s->tmp.len);
		break;
	case RN_EV_GROUP_STOP:
		snprintf(text, sizeof(text), "stopped by %s", signame(ev->ret, scratch));
		instant(s, ev, "signal", text, NULL, NULL, 0);
		break;
	case RN_EV_EXITED:
		snprintf(text, sizeof(text), "exited with %d", (int)ev->ret);
		on_death(s, ev, text);
		break;
	case RN_EV_KILLED:
		snprintf(text, sizeof(text), "killed by %s%s", signame(ev->ret, scratch),
			 ev->aux ? " (core dumped)" : "");
		on_death(s, ev, text);
		break;
	case RN_EV_SUPERSEDED:
		finish_pending(s, ev);
		/* The execve of thread `ret` completes in the leader's tid. */
		rn_calls_move(&s->calls, (int32_t)ev->ret, ev->tid);
		snprintf(text, sizeof(text), "superseded by execve in pid %d", (int)ev->ret);
		instant(s, ev, "exec", text, NULL, NULL, 0);
		break;
	case RN_EV_NEW_TASK:
		on_new_task(s, ev);
		break;
	case RN_EV_ATTACHED:
		proc_of(s, ev->tgid, ev->ts_ns);
		break;
	case RN_EV_DETACHED:
		on_death(s, ev, "detached");
		break;
	default:
		break;
	}
}

/* ---- start and end ----------------------------------------------------- */

void rn_perfetto_sink_init(struct rn_perfetto_sink *s, const struct rn_options *opt,
			   uint64_t base_ns, char *const *command, rn_sink_write_fn write,
			   void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	s->write = write;
	s->ctx = ctx;
	s->base_ns = base_ns;
	s->have_base = base_ns != 0;
	rn_calls_init(&s->calls);
	if (command && command[0]) {
		struct rn_sbuf b = { 0 };
		for (size_t i = 0; command[i]; i++) {
			if (i)
				rn_sbuf_putc(&b, ' ');
			rn_sbuf_puts(&b, command[i]);
		}
		s->root_command = xstrdup(rn_sbuf_cstr(&b));
		rn_sbuf_free(&b);
	}
	rn_sbuf_puts(&s->out, "{\"traceEvents\":[");
}

void rn_perfetto_sink_info(struct rn_perfetto_sink *s, const char *key, const char *value)
{
	struct rn_sbuf b = { 0 };
	if (s->other_data) {
		rn_sbuf_puts(&b, s->other_data);
		rn_sbuf_putc(&b, ',');
	}
	put_str(&b, key);
	rn_sbuf_putc(&b, ':');
	put_str(&b, value ? value : "");
	free(s->other_data);
	s->other_data = xstrdup(rn_sbuf_cstr(&b));
	rn_sbuf_free(&b);
}

/* "make" for "/usr/bin/make -j2". */
static void put_basename(struct rn_sbuf *b, const char *cmd)
{
	size_t n = strcspn(cmd, " ");
	const char *start = cmd;
	for (size_t i = 0; i < n; i++)
		if (cmd[i] == '/' && i + 1 < n)
			start = cmd + i + 1;
	rn_json_text(b, start, (size_t)(cmd + n - start));
}

int rn_perfetto_sink_flush(struct rn_perfetto_sink *s)
{
	if (s->out.len && !s->error)
		s->error = s->write(s->ctx, s->out.p, s->out.len);
	rn_sbuf_reset(&s->out);
	return s->error;
}

int rn_perfetto_sink_finish(struct rn_perfetto_sink *s)
{
	struct rn_event *entry;
	char name[48];
	/* Calls that never returned end with the trace. */
	while ((entry = rn_calls_take_oldest(&s->calls))) {
		emit_call(s, entry, NULL, s->last_ts);
		rn_event_free_copy(entry);
	}
	for (size_t i = 0; i < s->nprocs; i++) {
		struct rn_pf_proc *p = s->procs[i];
		uint64_t end = p->ended ? p->end : s->last_ts > p->end ? s->last_ts : p->end;
		if (end < p->start)
			end = p->start;
		snprintf(name, sizeof(name), "pid %d", (int)p->tgid);
		begin_event(s, "X", "process", p->name ? p->name : name, p->tgid, p->tgid, p->start);
		rn_sbuf_printf(&s->out, ",\"dur\":%llu.%03llu",
			       (unsigned long long)((end - p->start) / 1000),
			       (unsigned long long)((end - p->start) % 1000));
		rn_sbuf_printf(&s->out, ",\"args\":{\"pid\":%d,\"parent\":", (int)p->tgid);
		if (p->parent)
			put_int(&s->out, p->parent);
		else
			rn_sbuf_puts(&s->out, "null");
		rn_sbuf_puts(&s->out, ",\"status\":");
		put_str(&s->out, p->status);
		rn_sbuf_putc(&s->out, '}');
		end_event(s);
	}
	/* Metadata: name each process's track and each thread's. */
	for (size_t i = 0; i < s->nprocs; i++) {
		struct rn_pf_proc *p = s->procs[i];
		snprintf(name, sizeof(name), "pid %d", (int)p->tgid);
		rn_sbuf_printf(&s->out, "%s{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,"
			       "\"tid\":%d,\"args\":{\"name\":", s->nevents ? ",\n" : "\n",
			       (int)p->tgid, (int)p->tgid);
		put_str(&s->out, p->name ? p->name : name);
		rn_sbuf_puts(&s->out, "}}");
		s->nevents++;
		flush_if_big(s);
	}
	for (size_t i = 0; i < s->nthreads; i++) {
		struct rn_pf_thread *t = s->threads[i];
		struct rn_pf_proc *p =
			index_get((void *const *)s->proc_index, s->cap_proc_index, t->tgid);
		rn_sbuf_printf(&s->out, "%s{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,"
			       "\"tid\":%d,\"args\":{\"name\":", s->nevents ? ",\n" : "\n",
			       (int)t->tgid, (int)t->tid);
		/* a leader by its process's (last) command, another thread by
		 * the command it was started in */
		const char *tname = t->tid == t->tgid && p && p->name ? p->name : t->name;
		if (tname) {
			put_basename(&s->out, tname);
		} else {
			snprintf(name, sizeof(name), "tid %d", (int)t->tid);
			put_str(&s->out, name);
		}
		rn_sbuf_puts(&s->out, "}}");
		s->nevents++;
		flush_if_big(s);
	}
	rn_sbuf_puts(&s->out, "\n],\"displayTimeUnit\":\"ns\"");
	if (s->other_data) {
		rn_sbuf_puts(&s->out, ",\"otherData\":{");
		rn_sbuf_puts(&s->out, s->other_data);
		rn_sbuf_putc(&s->out, '}');
	}
	rn_sbuf_puts(&s->out, "}\n");
	if (!s->error && s->out.len)
		s->error = s->write(s->ctx, s->out.p, s->out.len);
	rn_sbuf_reset(&s->out);
	return s->error;
}

void rn_perfetto_sink_free(struct rn_perfetto_sink *s)
{
	rn_calls_free(&s->calls);
	for (size_t i = 0; i < s->nprocs; i++) {
		free(s->procs[i]->name);
		free(s->procs[i]);
	}
	for (size_t i = 0; i < s->nthreads; i++) {
		free(s->threads[i]->name);
		free(s->threads[i]);
	}
	free(s->procs);
	free(s->proc_index);
	free(s->threads);
	free(s->thread_index);
	free(s->root_command);
	free(s->other_data);
	rn_sbuf_free(&s->out);
	rn_sbuf_free(&s->tmp);
}
