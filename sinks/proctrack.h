/*
 * proctrack.h - what each traced process is doing with files, followed
 * through the event stream alone: its working directory, the paths behind
 * its open descriptors, its command line, and every file operation its
 * calls made, resolved to an absolute path. The state under the
 * compile-db and files sinks (docs/DESIGN.md, "Per-process file state").
 *
 * Built from events only, not from /proc, so that renacer-dump rebuilds
 * from a capture what the live run saw. A process's working directory
 * starts as its parent's (fork, clone, vfork: CLONE_FS sharing is treated
 * as a copy), the started command's being opt->cwd; chdir and fchdir
 * change it when they succeed. Descriptors are learned from the calls
 * that return them (open, openat, openat2, creat, dup*, fcntl F_DUPFD*),
 * forgotten at close, close_range and, for close-on-exec ones, at a
 * successful execve. A descriptor value that carries -y's path is taken
 * as it is: the kernel's word beats the bookkeeping.
 *
 * Memory: a process's state (and its pending calls) is freed when it
 * ends, after the end hook; what remains is bounded by the live tree.
 *
 * Owner: the one thread that drives the sink embedding it (renacer's
 * writer thread, renacer-dump's main thread).
 */
#ifndef RENACER_PROCTRACK_H
#define RENACER_PROCTRACK_H

#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "syscalls/options.h"

/* The kinds of file operation a call makes (the files format's arrays). */
enum rn_pt_op {
	RN_PT_READ = 0, /* opened for reading (O_RDONLY, O_RDWR) */
	RN_PT_WRITE,    /* opened for writing (O_WRONLY, O_RDWR), creat, truncate */
	RN_PT_CREATE,   /* O_CREAT open, creat, mkdir, mknod, symlink, link: the new name */
	RN_PT_DELETE,   /* unlink, unlinkat, rmdir */
	RN_PT_RENAME,   /* rename*: path and to */
	RN_PT_EXEC,     /* an execve that succeeded: the program */
	RN_PT_PROBE,    /* a failed open or execve; stat, statx, access, readlink */
	RN_PT_LIST,     /* getdents on a directory descriptor */
	RN_PT_NOPS
};

struct rn_pt_fd;

/* One thread group. Its threads share it (their cwd and descriptors are
 * the group's). Owned by the tracker's thread, like all of it. */
struct rn_pt_proc {
	int32_t pid;
	int32_t ppid;        /* 0: not traced (the command, -p) */
	char *cwd;           /* absolute, lexically normal; NULL: unknown */
	char *exe;           /* the last successful execve's path as passed */
	char **argv;         /* its argv (NULL-terminated), or the parent's
				until the first exec; NULL: none seen */
	int argv_cut;        /* argv was cut at -s: not the whole command */
	char *exec_cwd;      /* cwd at that execve (NULL: none seen) */
	struct rn_pt_fd *fds; /* fd -> path, unsorted */
	size_t nfds, capfds;
	/* an execve entered, not yet known to succeed */
	char *pend_exe;
	char *pend_abs;
	char **pend_argv;
	int pend_cut;
	void *user;          /* the sink's own state for this process */
	struct rn_pt_proc *next; /* hash chain */
};

/* The embedding sink's callbacks, called on the tracker's thread. */
struct rn_pt_hooks {
	void *ctx;
	/* A new process, its state copied from its parent (parent NULL: none
	 * traced). May be NULL. */
	void (*start)(void *ctx, struct rn_pt_proc *p);
	/* An execve succeeded: p->exe, p->argv, p->exec_cwd are the new
	 * program's. May be NULL. */
	void (*exec)(void *ctx, struct rn_pt_proc *p);
	/* A file operation; path absolute when the base was known, to only
	 * for RN_PT_RENAME. May be NULL. */
	void (*op)(void *ctx, struct rn_pt_proc *p, enum rn_pt_op op, const char *path,
		   const char *to);
	/* The process ended (or was let go, or the trace ends): last call
	 * before it is freed. May be NULL. */
	void (*end)(void *ctx, struct rn_pt_proc *p);
};

struct rn_pt_pending;

/* The tracker: owned by the thread driving the sink that embeds it. */
struct rn_proctrack {
	struct rn_pt_hooks hooks;
	const char *start_cwd;  /* the started command's (opt->cwd), or NULL */
	int roots;              /* processes without a traced parent seen */
	struct rn_pt_proc **procs; /* by tgid */
	struct rn_pt_pending **pending; /* by tid: calls between entry and exit */
	struct rn_pt_tid **tids;   /* tid -> tgid, for a new process's parent */
	uint32_t nbuckets;
};

/* The names the formats trace: every call the tracker reads (-e trace=
 * syntax). compile-db needs less than files. */
extern const char rn_pt_trace_compile_db[];
extern const char rn_pt_trace_files[];

void rn_proctrack_init(struct rn_proctrack *t, const struct rn_options *opt,
		       const struct rn_pt_hooks *hooks);
void rn_proctrack_event(struct rn_proctrack *t, const struct rn_event *ev);
/* Ends every process still known (hooks.end for each, in pid order) and
 * frees everything. */
void rn_proctrack_finish(struct rn_proctrack *t);

/* path made absolute against base (NULL: left relative) and lexically
 * normal: no ".", "..", or repeated '/'. Returns a malloc'd string. */
char *rn_pt_resolve(const char *base, const char *path);

#endif /* RENACER_PROCTRACK_H */
