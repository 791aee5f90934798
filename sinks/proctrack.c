/*
 * proctrack.c - each process's cwd, descriptors and command from the event
 * stream, and the file operations of its calls (sinks/proctrack.h).
 *
 * A call's paths are resolved at its entry, against the cwd and the
 * descriptors as they were when the call was made, and what the call did
 * is decided at its exit, from its result. The entry's values are the
 * arguments the call was given; none of the calls read here shows a path
 * only at exit.
 */
#define _GNU_SOURCE
#include "sinks/proctrack.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "base/sbuf.h"

#define BUCKETS 1024u

const char rn_pt_trace_compile_db[] =
	"trace=execve,execveat,chdir,fchdir,open,openat,openat2,creat,dup,dup2,dup3,fcntl,"
	"close,close_range";
const char rn_pt_trace_files[] =
	"trace=execve,execveat,chdir,fchdir,open,openat,openat2,creat,dup,dup2,dup3,fcntl,"
	"close,close_range,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink,"
	"readlinkat,unlink,unlinkat,rmdir,rename,renameat,renameat2,mkdir,mkdirat,mknod,"
	"mknodat,symlink,symlinkat,link,linkat,truncate,getdents,getdents64";

/* All of these belong to the tracker's thread (proctrack.h). */
struct rn_pt_fd {
	int fd;
	int cloexec;
	char *path; /* absolute; NULL: a descriptor with no path we know */
};

struct rn_pt_tid {
	struct rn_pt_tid *next;
	int32_t tid;
	int32_t tgid;
};

/* What a call's entry said, kept until its exit (by tid). */
enum {
	PF_READ = 1u << 0,
	PF_WRITE = 1u << 1,
	PF_CREAT = 1u << 2,
	PF_CLOEXEC = 1u << 3,
	PF_OPATH = 1u << 4,
};

enum pend_kind {
	PK_NONE = 0,
	PK_OPEN,     /* path, flags: an open that returns a descriptor */
	PK_PROBE,    /* path: probed whatever the result */
	PK_DELETE,   /* path */
	PK_RENAME,   /* path, to */
	PK_CREATE,   /* path */
	PK_WRITE,    /* path (truncate) */
	PK_CHDIR,    /* path */
	PK_LIST,     /* path */
	PK_DUP,      /* fd: the source; flags PF_CLOEXEC */
	PK_CLOSE,    /* fd */
	PK_CLOSE_RANGE, /* fd .. last; flags PF_CLOEXEC: only marked */
	PK_EXEC,     /* kept in the process (the exit may come on another tid) */
};

struct rn_pt_pending {
	struct rn_pt_pending *next;
	int32_t tid;
	int32_t nr;
	int kind;
	unsigned flags;
	int fd;
	uint64_t last;
	char *path, *to;
};

static uint32_t slot(int32_t id)
{
	return (uint32_t)id % BUCKETS;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

void rn_proctrack_init(struct rn_proctrack *t, const struct rn_options *opt,
		       const struct rn_pt_hooks *hooks)
{
	memset(t, 0, sizeof(*t));
	t->hooks = *hooks;
	/* Only a command renacer started runs where renacer did; -p's
	 * processes were somewhere the trace never said. */
	t->start_cwd = opt->command ? opt->cwd : NULL;
	t->nbuckets = BUCKETS;
	t->procs = xcalloc(BUCKETS, sizeof(*t->procs));
	t->pending = xcalloc(BUCKETS, sizeof(*t->pending));
	t->tids = xcalloc(BUCKETS, sizeof(*t->tids));
}

/* ---- paths ---------------------------------------------------------------- */

char *rn_pt_resolve(const char *base, const char *path)
{
	struct rn_sbuf b = { 0 };
	int absolute = path[0] == '/' || base;
	if (path[0] != '/' && base)
		rn_sbuf_puts(&b, base);
	rn_sbuf_putc(&b, '/');
	rn_sbuf_puts(&b, path);
	rn_sbuf_cstr(&b);
	/* Components in place: the output never outgrows the input. */
	char *s = b.p;
	size_t out = 0;
	size_t i = 0, n = b.len;
	while (i < n) {
		while (i < n && s[i] == '/')
			i++;
		size_t start = i;
		while (i < n && s[i] != '/')
			i++;
		size_t len = i - start;
		if (len == 0 || (len == 1 && s[start] == '.'))
			continue;
		if (len == 2 && s[start] == '.' && s[start + 1] == '.' && absolute) {
			while (out > 0 && s[out - 1] != '/')
				out--;
			if (out > 0)
				out--; /* the '/' before it */
			continue;
		}
		s[out++] = '/';
		memmove(s + out, s + start, len);
		out += len;
	}
	if (out == 0)
		s[out++] = '/';
	s[out] = '\0';
	if (!absolute) /* a relative path keeps no leading '/' */
		memmove(s, s + 1, out);
	if (!absolute && !s[0]) {
		s[0] = '.';
		s[1] = '\0';
	}
	return s;
}

/* ---- values --------------------------------------------------------------- */

/* The k-th argument of ev (the values after the return are not arguments). */
static const struct rn_value *argn(const struct rn_event *ev, unsigned k, uint32_t *at)
{
	unsigned seen = 0;
	for (uint32_t i = 0; i < ev->nv; i = ev->v[i].end > i ? ev->v[i].end : i + 1) {
		if (ev->v[i].flags & RN_VF_AFTER_RET)
			continue;
		if (seen++ == k) {
			if (at)
				*at = i;
			return &ev->v[i];
		}
	}
	return NULL;
}

static char *str_arg(const struct rn_event *ev, unsigned k)
{
	const struct rn_value *v = argn(ev, k, NULL);
	if (!v || v->kind != RN_V_STR)
		return NULL;
	char *s = strndup((const char *)ev->bytes + v->off, v->len);
	if (!s)
		abort();
	return s;
}

static int fd_arg(const struct rn_event *ev, unsigned k, int *fd)
{
	const struct rn_value *v = argn(ev, k, NULL);
	if (!v || (v->kind != RN_V_FD && v->kind != RN_V_INT))
		return -1;
	*fd = (int)v->i;
	return 0;
}

/* Is the constant name set anywhere in the k-th argument's subtree? */
static int has_name(const struct rn_event *ev, unsigned k, const char *name)
{
	uint32_t at;
	const struct rn_value *v = argn(ev, k, &at);
	if (!v)
		return 0;
	size_t n = strlen(name);
	for (uint32_t i = at; i < v->end && i < ev->nv; i++)
		if (ev->v[i].kind == RN_V_NAME && ev->v[i].len == n &&
		    memcmp(ev->bytes + ev->v[i].off, name, n) == 0)
			return 1;
	return 0;
}

static struct rn_pt_fd *fd_find(struct rn_pt_proc *p, int fd)
{
	for (size_t i = 0; i < p->nfds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

static void fd_forget(struct rn_pt_proc *p, int fd)
{
	struct rn_pt_fd *f = fd_find(p, fd);
	if (!f)
		return;
	free(f->path);
	*f = p->fds[--p->nfds];
}

static void fd_put(struct rn_pt_proc *p, int fd, const char *path, int cloexec)
{
	struct rn_pt_fd *f = fd_find(p, fd);
	if (!f) {
		if (p->nfds == p->capfds) {
			p->capfds = p->capfds ? 2 * p->capfds : 8;
			p->fds = realloc(p->fds, p->capfds * sizeof(*p->fds));
			if (!p->fds)
				abort();
		}
		f = &p->fds[p->nfds++];
		f->fd = fd;
		f->path = NULL;
	}
	free(f->path);
	f->path = xstrdup(path);
	f->cloexec = cloexec;
}

/* The directory (or file) a descriptor argument names, malloc'd: -y's
 * path when the value has one, else the cwd for AT_FDCWD and the
 * descriptor table for a number. NULL: unknown. */
static char *base_arg(struct rn_pt_proc *p, const struct rn_event *ev, unsigned k)
{
	const struct rn_value *v = argn(ev, k, NULL);
	if (!v)
		return NULL;
	if (v->kind == RN_V_FD && v->len && ev->bytes[v->off] == '/')
		return strndup((const char *)ev->bytes + v->off,
			       strnlen((const char *)ev->bytes + v->off, v->len));
	if (v->flags & RN_VF_FDCWD)
		return xstrdup(p->cwd);
	if (v->kind != RN_V_FD && v->kind != RN_V_INT)
		return NULL;
	if ((int)v->i == -100) /* AT_FDCWD shown as a number */
		return xstrdup(p->cwd);
	struct rn_pt_fd *f = fd_find(p, (int)v->i);
	return f ? xstrdup(f->path) : NULL;
}

/* The k-th argument, a path, against the base (NULL: the cwd). */
static char *path_arg(struct rn_pt_proc *p, const struct rn_event *ev, unsigned k,
		      const char *base)
{
	char *s = str_arg(ev, k);
	if (!s)
		return NULL;
	char *r = rn_pt_resolve(s[0] == '/' ? NULL : base ? base : p->cwd, s);
	free(s);
	return r;
}

/* path_arg of argument k against the directory descriptor argument d. */
static char *at_arg(struct rn_pt_proc *p, const struct rn_event *ev, unsigned d, unsigned k)
{
	char *s = str_arg(ev, k);
	if (!s)
		return NULL;
	char *base = s[0] == '/' ? NULL : base_arg(p, ev, d);
	char *r = rn_pt_resolve(base, s);
	free(base);
	free(s);
	return r;
}

/* ---- processes ------------------------------------------------------------ */

static char **argv_copy(char *const *argv)
{
	if (!argv)
		return NULL;
	size_t n = 0;
	while (argv[n])
		n++;
	char **c = xcalloc(n + 1, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(argv[i]);
	return c;
}

static void argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static struct rn_pt_proc *proc_find(struct rn_proctrack *t, int32_t pid)
{
	for (struct rn_pt_proc *p = t->procs[slot(pid)]; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static struct rn_pt_proc *proc_new(struct rn_proctrack *t, int32_t pid, struct rn_pt_proc *parent)
{
	struct rn_pt_proc *p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	if (parent) {
		p->ppid = parent->pid;
		p->cwd = xstrdup(parent->cwd);
		p->exe = xstrdup(parent->exe);
		p->argv = argv_copy(parent->argv);
		p->argv_cut = parent->argv_cut;
		p->exec_cwd = xstrdup(parent->exec_cwd);
		for (size_t i = 0; i < parent->nfds; i++)
			fd_put(p, parent->fds[i].fd, parent->fds[i].path, parent->fds[i].cloexec);
	} else if (t->roots++ == 0) {
		p->cwd = xstrdup(t->start_cwd);
	}
	p->next = t->procs[slot(pid)];
	t->procs[slot(pid)] = p;
	if (t->hooks.start)
		t->hooks.start(t->hooks.ctx, p);
	return p;
}

static struct rn_pt_proc *proc_get(struct rn_proctrack *t, int32_t pid)
{
	struct rn_pt_proc *p = proc_find(t, pid);
	return p ? p : proc_new(t, pid, NULL);
}

static void pend_exec_clear(struct rn_pt_proc *p)
{
	free(p->pend_exe);
	free(p->pend_abs);
	argv_free(p->pend_argv);
	p->pend_exe = p->pend_abs = NULL;
	p->pend_argv = NULL;
	p->pend_cut = 0;
}

static void proc_free(struct rn_pt_proc *p)
{
	free(p->cwd);
	free(p->exe);
	argv_free(p->argv);
	free(p->exec_cwd);
	for (size_t i = 0; i < p->nfds; i++)
		free(p->fds[i].path);
	free(p->fds);
	pend_exec_clear(p);
	free(p);
}

static void proc_end(struct rn_proctrack *t, int32_t pid)
{
	for (struct rn_pt_proc **pp = &t->procs[slot(pid)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid == pid) {
			struct rn_pt_proc *p = *pp;
			*pp = p->next;
			if (t->hooks.end)
				t->hooks.end(t->hooks.ctx, p);
			proc_free(p);
			return;
		}
	}
}

static void tid_map(struct rn_proctrack *t, int32_t tid, int32_t tgid)
{
	for (struct rn_pt_tid *m = t->tids[slot(tid)]; m; m = m->next) {
		if (m->tid == tid) {
			m->tgid = tgid;
			return;
		}
	}
	struct rn_pt_tid *m = xcalloc(1, sizeof(*m));
	m->tid = tid;
	m->tgid = tgid;
	m->next = t->tids[slot(tid)];
	t->tids[slot(tid)] = m;
}

static int32_t tid_group(struct rn_proctrack *t, int32_t tid)
{
	for (struct rn_pt_tid *m = t->tids[slot(tid)]; m; m = m->next)
		if (m->tid == tid)
			return m->tgid;
	return tid;
}

static void tid_unmap(struct rn_proctrack *t, int32_t tid)
{
	for (struct rn_pt_tid **pp = &t->tids[slot(tid)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct rn_pt_tid *m = *pp;
			*pp = m->next;
			free(m);
			return;
		}
	}
}

/* ---- pending calls -------------------------------------------------------- */

static struct rn_pt_pending *pend_take(struct rn_proctrack *t, int32_t tid)
{
	for (struct rn_pt_pending **pp = &t->pending[slot(tid)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct rn_pt_pending *c = *pp;
			*pp = c->next;
			return c;
		}
	}
	return NULL;
}

static void pend_free(struct rn_pt_pending *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->to);
	free(c);
}

static void op(struct rn_proctrack *t, struct rn_pt_proc *p, enum rn_pt_op o, const char *path,
	       const char *to)
{
	if (path && t->hooks.op)
		t->hooks.op(t->hooks.ctx, p, o, path, to);
}

/* execve's argv value: its strings (NULL-terminated), *cut when it was
 * abbreviated at -s or a string was. */
static char **argv_arg(const struct rn_event *ev, unsigned k, int *cut)
{
	uint32_t at;
	const struct rn_value *a = argn(ev, k, &at);
	if (!a || a->kind != RN_V_ARRAY)
		return NULL;
	size_t n = 0;
	for (uint32_t i = at + 1; i < a->end; i = ev->v[i].end > i ? ev->v[i].end : i + 1)
		n++;
	char **argv = xcalloc(n + 1, sizeof(*argv));
	n = 0;
	*cut = (a->flags & RN_VF_ELLIPSIS) != 0;
	for (uint32_t i = at + 1; i < a->end; i = ev->v[i].end > i ? ev->v[i].end : i + 1) {
		const struct rn_value *s = &ev->v[i];
		if (s->kind != RN_V_STR) {
			*cut = 1;
			argv[n++] = xstrdup("");
			continue;
		}
		if (s->flags & RN_VF_TRUNCATED)
			*cut = 1;
		argv[n] = strndup((const char *)ev->bytes + s->off, s->len);
		if (!argv[n++])
			abort();
	}
	return argv;
}

static void open_flags(struct rn_pt_pending *c, const struct rn_event *ev, unsigned k)
{
	if (has_name(ev, k, "O_PATH"))
		c->flags |= PF_OPATH;
	else if (has_name(ev, k, "O_RDWR"))
		c->flags |= PF_READ | PF_WRITE;
	else if (has_name(ev, k, "O_WRONLY"))
		c->flags |= PF_WRITE;
	else
		c->flags |= PF_READ;
	if (has_name(ev, k, "O_CREAT") || has_name(ev, k, "O_TMPFILE"))
		c->flags |= PF_CREAT;
	if (has_name(ev, k, "O_CLOEXEC"))
		c->flags |= PF_CLOEXEC;
}

static void entry(struct rn_proctrack *t, struct rn_pt_proc *p, const struct rn_event *ev)
{
	struct rn_pt_pending *c = xcalloc(1, sizeof(*c));
	c->tid = ev->tid;
	c->nr = ev->nr;
	switch (ev->nr) {
	case SYS_open:
		c->kind = PK_OPEN;
		c->path = path_arg(p, ev, 0, NULL);
		open_flags(c, ev, 1);
		break;
	case SYS_openat:
	case SYS_openat2:
		c->kind = PK_OPEN;
		c->path = at_arg(p, ev, 0, 1);
		open_flags(c, ev, 2);
		break;
	case SYS_creat:
		c->kind = PK_OPEN;
		c->path = path_arg(p, ev, 0, NULL);
		c->flags = PF_WRITE | PF_CREAT;
		break;
	case SYS_stat:
	case SYS_lstat:
	case SYS_access:
	case SYS_readlink:
		c->kind = PK_PROBE;
		c->path = path_arg(p, ev, 0, NULL);
		break;
	case SYS_newfstatat:
	case SYS_statx: {
		/* fstat by another name: "" with AT_EMPTY_PATH is the
		 * descriptor itself, no lookup */
		char *s = str_arg(ev, 1);
		int empty = s && !s[0];
		free(s);
		if (!empty) {
			c->kind = PK_PROBE;
			c->path = at_arg(p, ev, 0, 1);
		}
		break;
	}
	case SYS_faccessat:
	case SYS_faccessat2:
	case SYS_readlinkat:
		c->kind = PK_PROBE;
		c->path = at_arg(p, ev, 0, 1);
		break;
	case SYS_unlink:
	case SYS_rmdir:
		c->kind = PK_DELETE;
		c->path = path_arg(p, ev, 0, NULL);
		break;
	case SYS_unlinkat:
		c->kind = PK_DELETE;
		c->path = at_arg(p, ev, 0, 1);
		break;
	case SYS_rename:
		c->kind = PK_RENAME;
		c->path = path_arg(p, ev, 0, NULL);
		c->to = path_arg(p, ev, 1, NULL);
		break;
	case SYS_renameat:
	case SYS_renameat2:
		c->kind = PK_RENAME;
		c->path = at_arg(p, ev, 0, 1);
		c->to = at_arg(p, ev, 2, 3);
		break;
	case SYS_mkdir:
	case SYS_mknod:
		c->kind = PK_CREATE;
		c->path = path_arg(p, ev, 0, NULL);
		break;
	case SYS_mkdirat:
	case SYS_mknodat:
		c->kind = PK_CREATE;
		c->path = at_arg(p, ev, 0, 1);
		break;
	case SYS_symlink:
	case SYS_link:
		c->kind = PK_CREATE;
		c->path = path_arg(p, ev, 1, NULL);
		break;
	case SYS_symlinkat:
		c->kind = PK_CREATE;
		c->path = at_arg(p, ev, 1, 2);
		break;
	case SYS_linkat:
		c->kind = PK_CREATE;
		c->path = at_arg(p, ev, 2, 3);
		break;
	case SYS_truncate:
		c->kind = PK_WRITE;
		c->path = path_arg(p, ev, 0, NULL);
		break;
	case SYS_chdir: {
		c->kind = PK_CHDIR;
		c->path = path_arg(p, ev, 0, NULL);
		/* as given, for the kernel's reading of it at the exit */
		char *s = str_arg(ev, 0);
		if (s && s[0] != '/' && p->cwd) {
			struct rn_sbuf b = { 0 };
			rn_sbuf_puts(&b, p->cwd);
			rn_sbuf_putc(&b, '/');
			rn_sbuf_puts(&b, s);
			c->to = (char *)rn_sbuf_cstr(&b);
			free(s);
		} else {
			c->to = s;
		}
		break;
	}
	case SYS_fchdir:
		c->kind = PK_CHDIR;
		c->path = base_arg(p, ev, 0);
		break;
	case SYS_getdents:
	case SYS_getdents64:
		c->kind = PK_LIST;
		c->path = base_arg(p, ev, 0);
		break;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
		if (fd_arg(ev, 0, &c->fd) == 0) {
			c->kind = PK_DUP;
			if (ev->nr == SYS_dup3 && has_name(ev, 2, "O_CLOEXEC"))
				c->flags |= PF_CLOEXEC;
		}
		break;
	case SYS_fcntl:
		if (fd_arg(ev, 0, &c->fd) == 0) {
			if (has_name(ev, 1, "F_DUPFD_CLOEXEC")) {
				c->kind = PK_DUP;
				c->flags |= PF_CLOEXEC;
			} else if (has_name(ev, 1, "F_DUPFD")) {
				c->kind = PK_DUP;
			}
		}
		break;
	case SYS_close:
		if (fd_arg(ev, 0, &c->fd) == 0)
			c->kind = PK_CLOSE;
		break;
	case SYS_close_range: {
		const struct rn_value *lo = argn(ev, 0, NULL), *hi = argn(ev, 1, NULL);
		if (lo && hi) {
			c->kind = PK_CLOSE_RANGE;
			c->fd = (int)lo->i;
			c->last = hi->u;
			if (has_name(ev, 2, "CLOSE_RANGE_CLOEXEC"))
				c->flags |= PF_CLOEXEC;
		}
		break;
	}
	case SYS_execve:
	case SYS_execveat: {
		pend_exec_clear(p);
		int at = ev->nr == SYS_execveat;
		p->pend_exe = str_arg(ev, at);
		if (at) {
			p->pend_abs = p->pend_exe && !p->pend_exe[0] ? base_arg(p, ev, 0)
								      : at_arg(p, ev, 0, 1);
		} else {
			p->pend_abs = path_arg(p, ev, 0, NULL);
		}
		p->pend_argv = argv_arg(ev, at + 1, &p->pend_cut);
		c->kind = PK_EXEC;
		break;
	}
	default:
		break;
	}
	if (c->kind == PK_NONE) {
		pend_free(c);
		return;
	}
	/* A tid is in one call at a time: an entry without its exit (the
	 * exit never came) is replaced. */
	pend_free(pend_take(t, ev->tid));
	c->next = t->pending[slot(ev->tid)];
	t->pending[slot(ev->tid)] = c;
}

static void exec_done(struct rn_proctrack *t, struct rn_pt_proc *p, int ok)
{
	if (!p->pend_abs && !p->pend_argv)
		return;
	if (!ok) {
		op(t, p, RN_PT_PROBE, p->pend_abs, NULL);
		pend_exec_clear(p);
		return;
	}
	free(p->exe);
	argv_free(p->argv);
	free(p->exec_cwd);
	p->exe = p->pend_exe;
	p->argv = p->pend_argv;
	p->argv_cut = p->pend_cut;
	p->exec_cwd = xstrdup(p->cwd);
	p->pend_exe = NULL;
	p->pend_argv = NULL;
	/* The close-on-exec descriptors are gone with the old program. */
	for (size_t i = 0; i < p->nfds;) {
		if (p->fds[i].cloexec)
			fd_forget(p, p->fds[i].fd);
		else
			i++;
	}
	op(t, p, RN_PT_EXEC, p->pend_abs, NULL);
	if (t->hooks.exec)
		t->hooks.exec(t->hooks.ctx, p);
	pend_exec_clear(p);
}

static void exit_call(struct rn_proctrack *t, struct rn_pt_proc *p, const struct rn_event *ev)
{
	struct rn_pt_pending *c = pend_take(t, ev->tid);
	int ok = !ev->is_error;
	if (ev->nr == SYS_execve || ev->nr == SYS_execveat) {
		/* The exit of an execve by a thread other than the leader
		 * comes on the leader's tid: the process kept it. */
		exec_done(t, p, ok);
		if (c && c->nr == ev->nr) {
			pend_free(c);
			return;
		}
	}
	if (!c)
		return;
	if (c->nr != ev->nr) {
		pend_free(c);
		return;
	}
	switch (c->kind) {
	case PK_OPEN:
		if (!ok) {
			op(t, p, RN_PT_PROBE, c->path, NULL);
			break;
		}
		fd_put(p, (int)ev->ret, c->path, (c->flags & PF_CLOEXEC) != 0);
		if (c->flags & PF_OPATH) {
			op(t, p, RN_PT_PROBE, c->path, NULL);
			break;
		}
		if (c->flags & PF_READ)
			op(t, p, RN_PT_READ, c->path, NULL);
		if (c->flags & PF_WRITE)
			op(t, p, RN_PT_WRITE, c->path, NULL);
		if (c->flags & PF_CREAT)
			op(t, p, RN_PT_CREATE, c->path, NULL);
		break;
	case PK_PROBE:
		op(t, p, RN_PT_PROBE, c->path, NULL);
		break;
	case PK_DELETE:
		if (ok)
			op(t, p, RN_PT_DELETE, c->path, NULL);
		break;
	case PK_RENAME:
		if (ok && c->to)
			op(t, p, RN_PT_RENAME, c->path, c->to);
		break;
	case PK_CREATE:
		if (ok)
			op(t, p, RN_PT_CREATE, c->path, NULL);
		break;
	case PK_WRITE:
		if (ok)
			op(t, p, RN_PT_WRITE, c->path, NULL);
		break;
	case PK_CHDIR:
		if (ok) {
			/* The kernel follows symbolic links where the path
			 * goes through one, and getcwd (what Bear reports)
			 * says where it arrived: ask the file system while
			 * it still says the same, else keep the lexical
			 * path. */
			char *real = c->to ? realpath(c->to, NULL) : NULL;
			free(p->cwd);
			p->cwd = real ? real : c->path;
			if (!real)
				c->path = NULL;
		}
		break;
	case PK_LIST:
		if (ok)
			op(t, p, RN_PT_LIST, c->path, NULL);
		break;
	case PK_DUP:
		if (ok) {
			struct rn_pt_fd *f = fd_find(p, c->fd);
			if (f && (int)ev->ret != c->fd) {
				char *path = xstrdup(f->path);
				fd_put(p, (int)ev->ret, path, (c->flags & PF_CLOEXEC) != 0);
				free(path);
			} else if (!f) {
				fd_forget(p, (int)ev->ret);
			}
		}
		break;
	case PK_CLOSE:
		fd_forget(p, c->fd);
		break;
	case PK_CLOSE_RANGE:
		if (!ok)
			break;
		for (size_t i = 0; i < p->nfds;) {
			struct rn_pt_fd *f = &p->fds[i];
			if (f->fd >= c->fd && (uint64_t)f->fd <= c->last) {
				if (c->flags & PF_CLOEXEC) {
					f->cloexec = 1;
				} else {
					fd_forget(p, f->fd);
					continue;
				}
			}
			i++;
		}
		break;
	default:
		break;
	}
	pend_free(c);
}

void rn_proctrack_event(struct rn_proctrack *t, const struct rn_event *ev)
{
	switch (ev->kind) {
	case RN_EV_NEW_TASK: {
		int32_t parent_tgid = tid_group(t, (int32_t)ev->ret);
		tid_map(t, ev->tid, ev->tgid);
		if (ev->aux || proc_find(t, ev->tgid))
			return; /* a thread shares its group's state */
		proc_new(t, ev->tgid, proc_find(t, parent_tgid));
		return;
	}
	case RN_EV_ENTRY:
		entry(t, proc_get(t, ev->tgid), ev);
		return;
	case RN_EV_EXIT:
		exit_call(t, proc_get(t, ev->tgid), ev);
		return;
	case RN_EV_EXITED:
	case RN_EV_KILLED:
	case RN_EV_DETACHED:
		pend_free(pend_take(t, ev->tid));
		tid_unmap(t, ev->tid);
		if (ev->tid == ev->tgid)
			proc_end(t, ev->tgid);
		return;
	case RN_EV_NONE:
		return;
	default:
		proc_get(t, ev->tgid);
		return;
	}
}

static int by_pid(const void *a, const void *b)
{
	const struct rn_pt_proc *x = *(struct rn_pt_proc *const *)a;
	const struct rn_pt_proc *y = *(struct rn_pt_proc *const *)b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void rn_proctrack_finish(struct rn_proctrack *t)
{
	if (!t->procs)
		return;
	size_t n = 0;
	for (uint32_t b = 0; b < t->nbuckets; b++)
		for (struct rn_pt_proc *p = t->procs[b]; p; p = p->next)
			n++;
	struct rn_pt_proc **all = xcalloc(n ? n : 1, sizeof(*all));
	n = 0;
	for (uint32_t b = 0; b < t->nbuckets; b++)
		for (struct rn_pt_proc *p = t->procs[b]; p; p = p->next)
			all[n++] = p;
	/* The end of the trace, for processes still running (or whose end
	 * the trace lacks): a stable order, the same live and dumped. */
	qsort(all, n, sizeof(*all), by_pid);
	for (size_t i = 0; i < n; i++) {
		if (t->hooks.end)
			t->hooks.end(t->hooks.ctx, all[i]);
		proc_free(all[i]);
	}
	free(all);
	for (uint32_t b = 0; b < t->nbuckets; b++) {
		while (t->pending[b]) {
			struct rn_pt_pending *c = t->pending[b];
			t->pending[b] = c->next;
			pend_free(c);
		}
		while (t->tids[b]) {
			struct rn_pt_tid *m = t->tids[b];
			t->tids[b] = m->next;
			free(m);
		}
	}
	free(t->procs);
	free(t->pending);
	free(t->tids);
	t->procs = NULL;
	t->pending = NULL;
	t->tids = NULL;
}
