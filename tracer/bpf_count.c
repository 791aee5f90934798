/*
 * bpf_count.c - `-c` counted in the kernel (see bpf_count.h): load
 * tracer/bpf/count.bpf.c, start the command stopped, name it to the
 * program, let it run, wait for the tree, read the counts.
 *
 * Nothing outlives renacer: the program, its links and its maps are held
 * only by renacer's descriptors (no pin in bpffs), so when renacer exits,
 * however it exits, SIGKILL too, the kernel closes them, detaches the
 * program and frees the maps. What differs from ptrace then: a command
 * whose renacer was killed with SIGKILL runs on (no PTRACE_O_EXITKILL
 * without a tracer).
 *
 * The command and, with -f, every descendant are waited for as the ptrace
 * path waits for every tracee: renacer becomes a child subreaper, so an
 * orphan of the tree is reparented to renacer and reaped here. -p's
 * processes are not renacer's children: a pidfd of each says when it has
 * ended, and with -f the kernel side's count of the tree's live tasks
 * (read when a process of the tree ends) when their descendants have.
 *
 * --process-summary: the kernel keeps each living process's counts; its
 * forks, execs and ends come through a ring buffer, read here as they
 * come (struct bpf_run), and at the end the rows of the ended processes
 * and of those still alive go to the pipeline (p->proc_rows).
 */
#define _GNU_SOURCE
#include "tracer/bpf_count.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stats/summary.h"

#ifdef RN_HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "tracer/bpf/count_abi.h"
#include "tracer/end_signal.h"
#include "count.skel.h"
#endif

#ifdef RN_HAVE_BPF
/* Only the -U and -S that sums can answer: a percentile needs every
 * call's duration. */
static int wants_percentiles(const struct rn_summary_opts *s)
{
	if (s->sort == RN_SORT_P50 || s->sort == RN_SORT_P90 || s->sort == RN_SORT_P99)
		return 1;
	for (int i = 0; i < RN_SUM__COUNT && s->columns[i] != RN_SUM_END; i++)
		if (s->columns[i] == RN_SUM_P50 || s->columns[i] == RN_SUM_P90 ||
		    s->columns[i] == RN_SUM_P99)
			return 1;
	return 0;
}
#endif

const char *rn_bpf_count_unsuitable(const struct rn_options *opt)
{
	if (opt->count != RN_COUNT_ONLY)
		return opt->count ? "-C shows the trace too" : "no -c";
	if (opt->no_bpf)
		return "--no-bpf";
	if (opt->daemonize)
		return "-D: the command is not renacer's child";
	if (opt->summary_overhead_ns)
		return "-O takes an overhead off each call's time, which the kernel sums";
#ifndef RN_HAVE_BPF
	return "renacer was built without eBPF (RN_BPF=OFF, or clang, bpftool or libbpf missing)";
#else
	if (opt->n_attach && opt->kill_on_exit)
		return "--kill-on-exit: only a tracer's end can kill -p's processes";
	if (opt->n_attach > RN_BPF_MAX_ATTACH)
		return "more -p pids than the eBPF program's table holds";
	if (opt->capture)
		return "--capture records every call";
	if (opt->syscall_limit)
		return "--syscall-limit stops after a number of calls";
	if (opt->filter.inject)
		return "-e inject= or fault= tampers with calls at their stops";
	if (opt->interruptible && opt->interruptible != 2)
		return "-I other than 2 (its signals are the ptrace loop's)";
	if (opt->format != RN_FORMAT_TEXT)
		return "--format other than text";
	if (opt->output_separately)
		return "-ff writes a file per thread";
	if (opt->filter.status != RN_STATUS_ALL)
		return "-e status=, -z or -Z choose calls by their outcome";
	if (opt->filter.npaths)
		return "-P chooses calls by their arguments";
	if (wants_percentiles(&opt->summary))
		return "-U or -S asks for percentiles, which need every call's time";
	return NULL;
#endif
}

/* With -c and --stats-self: which path counts, and why. */
static void say_path(const struct rn_options *opt, const char *path, const char *why)
{
	if (opt->count && opt->stats_self)
		fprintf(stderr, "renacer: self: -c %s%s%s\n", path, why ? ": " : "", why ? why : "");
}

#ifdef RN_HAVE_BPF

/* The signals rn_tracer_block_signals blocked on this thread (before any
 * other thread existed) to end a trace: the blocked ones whose default is
 * to terminate, SIGCHLD and SIGXFSZ aside. Taken through the signalfd, as
 * the ptrace loop takes them. */
static void end_signals(sigset_t *set)
{
	static const int not_end[] = {
		SIGCHLD, SIGXFSZ, SIGKILL, SIGSTOP, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU,
		SIGURG, SIGWINCH, SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGTRAP, SIGABRT, SIGSYS,
	};
	sigset_t blocked;
	pthread_sigmask(SIG_BLOCK, NULL, &blocked);
	sigemptyset(set);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigismember(&blocked, sig) != 1 || sig == SIGRTMIN)
			continue;
		int skip = 0;
		for (size_t i = 0; i < sizeof(not_end) / sizeof(not_end[0]); i++)
			skip |= not_end[i] == sig;
		if (!skip)
			sigaddset(set, sig);
	}
}

/* The signals that end the count (tracer/end_signal.h keeps the first one
 * seen). Main thread only: the wait loop and rn_pipeline_finish run on it. */
static sigset_t end_set;

/* libbpf's messages only when asked (RENACER_BPF_DEBUG=1): a kernel that
 * refuses the program is a reason to fall back, not an error. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int debug = -1;
	if (debug < 0) {
		const char *d = getenv("RENACER_BPF_DEBUG");
		debug = d && strcmp(d, "1") == 0;
	}
	(void)level;
	if (!debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The inode number of the initial pid namespace (PROC_PID_INIT_INO):
 * there, renacer's pids are the kernel's global ones. */
#define PID_NS_INIT_INO 0xEFFFFFFCu

/* Open, load and attach; NULL with why in reason. */
static struct rn_count *load(const struct rn_options *opt, char *reason, size_t len)
{
	libbpf_set_print(libbpf_print);
	struct stat ns;
	if (stat("/proc/self/ns/pid", &ns) < 0) {
		snprintf(reason, len, "/proc/self/ns/pid: %s", strerror(errno));
		return NULL;
	}
	struct rn_count *skel = rn_count__open();
	if (!skel) {
		snprintf(reason, len, "cannot open the eBPF program: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->follow_forks = opt->follow_forks > 0;
	skel->rodata->wall = opt->summary_wall != 0;
	skel->rodata->per_process = opt->process_summary != 0;
	skel->rodata->attaching = opt->n_attach > 0;
	skel->rodata->pidns_init = ns.st_ino == PID_NS_INIT_INO;
	/* "Process N attached" for each new task, as the tracer says it at
	 * each fork event; only where the kernel's tids are renacer's. */
	skel->rodata->task_events = opt->follow_forks && !opt->quiet &&
				    skel->rodata->pidns_init;
	/* The tables only as large as asked for: the procs map is
	 * preallocated (an insertion from a tracepoint cannot fail for
	 * want of memory), and 64 Ki rows of it are 4 MiB. */
	int err = bpf_map__set_max_entries(skel->maps.attached,
					   opt->n_attach > 0 ? (__u32)opt->n_attach : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.procs, opt->process_summary
								 ? RN_BPF_MAX_TASKS : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.events,
					       opt->process_summary || skel->rodata->task_events
						       ? RN_BPF_EVENTS_BIG
						       : RN_BPF_EVENTS_SMALL);
	if (err) {
		snprintf(reason, len, "cannot size the eBPF maps: %s", strerror(-err));
		rn_count__destroy(skel);
		return NULL;
	}
	/* Wall time needs no account of the switches. */
	if (opt->summary_wall)
		bpf_program__set_autoload(skel->progs.rn_switch, false);
	err = rn_count__load(skel);
	if (err) {
		snprintf(reason, len, "cannot load the eBPF program: %s%s", strerror(-err),
			 err == -EPERM ? " (needs root, or CAP_BPF and CAP_PERFMON)" : "");
		rn_count__destroy(skel);
		return NULL;
	}
	err = rn_count__attach(skel);
	if (err) {
		snprintf(reason, len, "cannot attach the eBPF program: %s", strerror(-err));
		rn_count__destroy(skel);
		return NULL;
	}
	/* The kernel's dev_t of nsfs (MINORBITS 20), which
	 * bpf_get_ns_current_pid_tgid compares, from stat's encoding. */
	skel->bss->pidns_dev = ((uint64_t)major(ns.st_dev) << 20) | minor(ns.st_dev);
	skel->bss->pidns_ino = ns.st_ino;
	return skel;
}

/* Sum the per-CPU rows into p->summary, the numbers -e trace= leaves out
 * aside (the ptrace path never counts them). Returns the calls summed. */
static uint64_t collect(const struct rn_options *opt, struct rn_count *skel,
			struct rn_stats_table *t)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1)
		return 0;
	struct rn_bpf_count *v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		abort();
	int fd = bpf_map__fd(skel->maps.counts);
	uint64_t all = 0;
	for (__u32 nr = 0; nr < RN_BPF_NR_SLOTS; nr++) {
		if (bpf_map_lookup_elem(fd, &nr, v) < 0)
			continue;
		struct rn_stats_row sum = { .min_ns = UINT64_MAX };
		for (int c = 0; c < ncpu; c++) {
			if (!v[c].calls)
				continue;
			sum.calls += v[c].calls;
			sum.errors += v[c].errors;
			sum.total_ns += v[c].total_ns;
			if (v[c].min_ns < sum.min_ns)
				sum.min_ns = v[c].min_ns;
			if (v[c].max_ns > sum.max_ns)
				sum.max_ns = v[c].max_ns;
		}
		all += sum.calls;
		if (nr == RN_BPF_NR_OTHER)
			rn_stats_add_counts(t, -1, &sum);
		else if (opt->filter.traces_all || rn_filter_traced(&opt->filter, nr))
			rn_stats_add_counts(t, nr, &sum);
	}
	free(v);
	return all;
}

/* What the eBPF path keeps while the tree runs. Main thread only: the ring
 * buffer's callback runs inside ring_buffer__consume, on it too. */
struct cmd_entry {
	struct cmd_entry *next;
	uint32_t tgid;           /* global */
	char *cmd;               /* owned; NULL: not known (no exec seen) */
};

#define CMD_BUCKETS 1024u

struct bpf_run {
	const struct rn_options *opt;
	struct rn_count *skel;
	struct ring_buffer *rb;  /* NULL: no events asked for */
	/* --process-summary: the command of every living process of the
	 * tree, by global tgid; the rows of the ended ones (commands owned) */
	struct cmd_entry *cmds[CMD_BUCKETS];
	struct rn_proc_row *rows;
	size_t nrows, cap;
	/* -p: the attached processes' pidfds, -1 once ended or never had */
	int *pidfds;
	int nalive;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct cmd_entry **cmd_slot(struct bpf_run *r, uint32_t tgid)
{
	struct cmd_entry **pp = &r->cmds[tgid % CMD_BUCKETS];
	while (*pp && (*pp)->tgid != tgid)
		pp = &(*pp)->next;
	return pp;
}

/* tgid's command is now cmd (owned; NULL: not known). */
static void cmd_set(struct bpf_run *r, uint32_t tgid, char *cmd)
{
	struct cmd_entry **pp = cmd_slot(r, tgid);
	if (!*pp) {
		if (!(*pp = calloc(1, sizeof(**pp))))
			abort();
		(*pp)->tgid = tgid;
	}
	free((*pp)->cmd);
	(*pp)->cmd = cmd;
}

/* tgid's command, taken out of the table (NULL: none known). */
static char *cmd_take(struct bpf_run *r, uint32_t tgid)
{
	struct cmd_entry **pp = cmd_slot(r, tgid), *e = *pp;
	if (!e)
		return NULL;
	char *cmd = e->cmd;
	*pp = e->next;
	free(e);
	return cmd;
}

/* One --process-summary row from the kernel's; cmd owned by the row from
 * here. ended: status is the process's wait status; else it was let go
 * alive at end_ns. */
static void add_row(struct bpf_run *r, uint32_t tgid, const struct rn_bpf_proc *b, char *cmd,
		    int ended, uint64_t end_ns)
{
	if (r->nrows == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		if (!(r->rows = realloc(r->rows, r->cap * sizeof(*r->rows))))
			abort();
	}
	struct rn_proc_row *row = &r->rows[r->nrows++];
	*row = (struct rn_proc_row){
		/* Its pid in renacer's namespace is learnt from its own calls
		 * there; one that made none shows its global pid. */
		.pid = b->pid ? b->pid : (int32_t)tgid,
		.ppid = b->ppid,
		.command = cmd,
		.start_ns = b->start_ns,
		.duration_ns = end_ns > b->start_ns ? end_ns - b->start_ns : 0,
		.syscalls = b->calls,
		.errors = b->errors,
		.syscall_ns = b->total_ns,
		.end = RN_PEND_DETACHED,
	};
	if (!ended)
		return;
	int st = b->status;
	if (WIFEXITED(st)) {
		row->end = RN_PEND_EXITED;
		row->status = WEXITSTATUS(st);
	} else {
		row->end = RN_PEND_KILLED;
		row->status = WTERMSIG(st);
		row->core_dumped = WCOREDUMP(st) != 0;
	}
}

/* An exec's argument area as the command column shows it: argv joined
 * with spaces (the NUL after the last one dropped); the name alone when
 * the kernel sent its comm instead. */
static char *exec_command(const struct rn_bpf_event *ev, const char *bytes, size_t n)
{
	if (ev->ptgid == 1)
		n = strnlen(bytes, n);
	else if (n && bytes[n - 1] == '\0')
		n--;
	char *cmd = malloc(n + 1);
	if (!cmd)
		abort();
	for (size_t i = 0; i < n; i++)
		cmd[i] = bytes[i] ? bytes[i] : ' ';
	cmd[n] = '\0';
	return cmd;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct bpf_run *r = ctx;
	struct rn_bpf_event ev;
	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	if ((ev.kind == RN_BPF_EV_FORK || ev.kind == RN_BPF_EV_THREAD) &&
	    r->skel->rodata->task_events)
		fprintf(stderr, "renacer: Process %u attached\n", ev.tgid);
	if (!r->opt->process_summary)
		return 0; /* else -p's wake-up, to look at the live count */
	switch (ev.kind) {
	case RN_BPF_EV_FORK: {
		/* A child runs its parent's program until it execs. */
		struct cmd_entry *parent = *cmd_slot(r, ev.ptgid);
		char *cmd = parent && parent->cmd ? strdup(parent->cmd) : NULL;
		cmd_set(r, ev.tgid, cmd);
		break;
	}
	case RN_BPF_EV_EXEC:
		if (ev.len <= size - sizeof(ev))
			cmd_set(r, ev.tgid, exec_command(&ev, (const char *)data + sizeof(ev), ev.len));
		break;
	case RN_BPF_EV_EXIT:
		add_row(r, ev.tgid, &ev.row, cmd_take(r, ev.tgid), 1, ev.row.end_ns);
		break;
	}
	return 0;
}

/* The command line of a process renacer attaches to (its command before
 * any exec seen), as an exec's would be shown; NULL if unreadable. */
static char *proc_cmdline(pid_t pid)
{
	char path[64], buf[RN_BPF_CMD_MAX];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	struct rn_bpf_event ev = { .kind = RN_BPF_EV_EXEC };
	return n ? exec_command(&ev, buf, n) : NULL;
}

static int count_threads(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 1;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n > 0 ? n : 1;
}

/* Whether pid can be attached to: 0, or the errno ptrace would refuse it
 * with, so that -p means the same on both paths: a zombie and a kernel
 * thread (PF_KTHREAD) have no calls to count (EPERM); a pid nobody has
 * is ESRCH, from pidfd_open. */
static int attachable(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after the command's ')': state, ppid, pgrp, session, tty_nr,
	 * tpgid, flags */
	const char *p = strrchr(buf, ')');
	char state = 0;
	unsigned long flags = 0;
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		return 0;
	return state == 'Z' || state == 'X' || (flags & 0x00200000ul) ? EPERM : 0;
}

/* -p: name every pid to the kernel side. The programs are attached
 * already, so each task of an attached process is taken into the tree by
 * its next call from here on (count.bpf.c). Returns how many were. */
static int attach_pids(struct bpf_run *r)
{
	const struct rn_options *opt = r->opt;
	struct rn_count *skel = r->skel;
	int fd = bpf_map__fd(skel->maps.attached), n = 0;
	if (!(r->pidfds = malloc((size_t)opt->n_attach * sizeof(int))))
		abort();
	for (int i = 0; i < opt->n_attach; i++) {
		pid_t pid = opt->attach_pids[i];
		__u32 key = (__u32)pid, one = 1;
		r->pidfds[i] = -1;
		/* Named twice: attached once, as under ptrace. */
		if (bpf_map_lookup_elem(fd, &key, &one) == 0)
			continue;
		int pfd = -1, refused = attachable(pid);
		if (refused) {
			fprintf(stderr, "renacer: attach: %d: %s\n", (int)pid, strerror(refused));
			continue;
		}
		if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
			fprintf(stderr, "renacer: attach: pidfd_open(%d): %s\n", (int)pid,
				strerror(errno));
			continue;
		}
		if (opt->process_summary && skel->rodata->pidns_init) {
			/* Its row and command now, before any task of it can be
			 * taken in (the row is kept then), so that one that
			 * makes no call before the end has its row too, as under
			 * ptrace. By its global tgid, which the events name it
			 * by: the same number in the initial namespace only;
			 * elsewhere the row comes with its first call and the
			 * command stays unknown. */
			struct rn_bpf_proc row = { .start_ns = mono_ns(), .pid = (__s32)pid };
			(void)bpf_map_update_elem(bpf_map__fd(skel->maps.procs), &key, &row,
						  BPF_NOEXIST);
			cmd_set(r, (uint32_t)pid, proc_cmdline(pid));
		}
		/* The programs look at the map only while this is not 0.
		 * Their plain loads need no pairing of their own: the map
		 * update below is a system call, after which a task that
		 * can find the pid sees this too; renacer's own adds and
		 * subtractions are the only writes. */
		__atomic_add_fetch(&skel->bss->attach_open, 1, __ATOMIC_SEQ_CST);
		/* Just before the pid is in the map: a call it was inside
		 * is timed from here (where renacer's pids are not the
		 * global ones, or it did not leave a CPU since). Read by the
		 * programs, which see it by the time they can find the pid
		 * (the map update is a system call). */
		skel->bss->attach_ns = mono_ns();
		if (bpf_map_update_elem(fd, &key, &one, BPF_ANY) < 0) {
			fprintf(stderr, "renacer: attach: %d: %s\n", (int)pid, strerror(errno));
			__atomic_sub_fetch(&skel->bss->attach_open, 1, __ATOMIC_SEQ_CST);
			close(pfd);
			continue;
		}
		r->pidfds[i] = pfd;
		r->nalive++;
		n++;

		if (opt->quiet)
			continue;
		/* Without -f only the thread whose tid it is is counted, as
		 * the tracer seizes only that one. */
		int threads = opt->follow_forks ? count_threads(pid) : 1;
		if (threads > 1)
			fprintf(stderr, "renacer: Process %d attached with %d threads\n", (int)pid,
				threads);
		else
			fprintf(stderr, "renacer: Process %d attached\n", (int)pid);
	}
	return n;
}

/* -p: attached process i has ended: the kernel side stops looking for it
 * (its pid may be reused). */
static void attached_ended(struct bpf_run *r, int i)
{
	__u32 key = (__u32)r->opt->attach_pids[i];
	bpf_map_delete_elem(bpf_map__fd(r->skel->maps.attached), &key);
	__atomic_sub_fetch(&r->skel->bss->attach_open, 1, __ATOMIC_SEQ_CST);
	close(r->pidfds[i]);
	r->pidfds[i] = -1;
	r->nalive--;
}

/* Whether the tree is gone: no child of renacer's left (children: the
 * command was started and is not reaped yet or has descendants, -f), no
 * attached process alive, and with -p -f no task of the tree counted
 * (their descendants; read after the event that woke the loop). */
static int tree_gone(const struct bpf_run *r, int children)
{
	/* live: the programs' atomic adds and subtractions; the one of a
	 * process's last task comes before that task's RN_BPF_EV_EXIT
	 * record is submitted, which ring_buffer__consume took (acquire)
	 * before this load. */
	if (children || r->nalive)
		return 0;
	if (r->opt->n_attach && r->opt->follow_forks)
		return __atomic_load_n(&r->skel->bss->live, __ATOMIC_ACQUIRE) == 0;
	return 1;
}

/* Wait for the command and (-f) every process of its tree, the attached
 * processes and (-f) theirs, or an end signal: then the command is
 * killed with it (after SIGCONT), as strace and the ptrace path do, and
 * its descendants and the attached processes run on. */
static void wait_tree(struct bpf_run *r, pid_t cmd, int sigfd, struct rn_outcome *out)
{
	int done = 0, status = 0, sig = 0, children = cmd > 0;
	const int nfds = 2 + r->opt->n_attach;
	struct pollfd *pfd = calloc((size_t)nfds, sizeof(*pfd));
	if (!pfd)
		abort();
	for (;;) {
		pid_t w;
		int st;
		while (children && (w = waitpid(-1, &st, __WALL | WNOHANG)) > 0) {
			if (w == cmd) {
				done = 1;
				status = st;
			}
		}
		if (children && w < 0 && errno == ECHILD)
			children = 0;
		if (r->rb)
			ring_buffer__consume(r->rb);
		if (tree_gone(r, children))
			break;
		pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = r->rb ? ring_buffer__epoll_fd(r->rb) : -1,
					  .events = POLLIN };
		for (int i = 0; i < r->opt->n_attach; i++)
			pfd[2 + i] = (struct pollfd){ .fd = r->pidfds[i], .events = POLLIN };
		/* -p -f: the end of its last descendant is told through the
		 * ring buffer; were that full then, the event would be lost
		 * (counted in events_lost): the live count is looked at once
		 * a second anyway. */
		int ms = r->opt->n_attach && r->opt->follow_forks ? 1000 : -1;
		if (poll(pfd, (nfds_t)nfds, ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < r->opt->n_attach; i++)
			if (r->pidfds[i] >= 0 && (pfd[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				attached_ended(r, i);
		struct signalfd_siginfo ssi;
		while (read(sigfd, &ssi, sizeof(ssi)) == (ssize_t)sizeof(ssi))
			if (ssi.ssi_signo != SIGCHLD && !sig)
				sig = (int)ssi.ssi_signo;
		if (sig)
			break;
	}
	free(pfd);
	if (sig) {
		rn_end_signal_note(sig);
		if (cmd > 0 && !done) {
			kill(cmd, SIGCONT);
			kill(cmd, sig);
		}
		out->raise_signal = sig;
	} else if (done) {
		if (WIFEXITED(status))
			out->exit_code = WEXITSTATUS(status);
		else
			out->raise_signal = WTERMSIG(status);
	}
}

/* After the programs are detached (nothing changes any more): the events
 * still queued, then a row for every process still alive, let go now. */
static void rows_left(struct bpf_run *r)
{
	if (r->rb)
		ring_buffer__consume(r->rb);
	if (!r->opt->process_summary)
		return;
	int fd = bpf_map__fd(r->skel->maps.procs);
	uint64_t now = mono_ns();
	__u32 key, next;
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct rn_bpf_proc b;
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &b) == 0)
			add_row(r, key, &b, cmd_take(r, key), 0, now);
	}
}

/* "Process N detached" for tid unless the tasks map has it (said for it
 * already; in the initial namespace only, where its keys are renacer's
 * tids). */
static void say_detached_tid(int tasks_fd, int init, __u32 tid)
{
	struct rn_bpf_task t;
	if (!init || bpf_map_lookup_elem(tasks_fd, &tid, &t) < 0)
		fprintf(stderr, "renacer: Process %u detached\n", tid);
}

/* -p, at an end signal: "Process N detached" for every task let go, as
 * the tracer says it for each it detaches: the tasks counted, and the
 * attached ones that made no call since (with -f every thread of the
 * process). */
static void say_detached(struct bpf_run *r)
{
	if (r->opt->quiet || !r->opt->n_attach)
		return;
	int fd = bpf_map__fd(r->skel->maps.tasks), init = r->skel->rodata->pidns_init;
	__u32 key, next;
	void *prev = NULL;
	while (init && bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		fprintf(stderr, "renacer: Process %u detached\n", key);
	}
	for (int i = 0; i < r->opt->n_attach; i++) {
		pid_t pid = r->opt->attach_pids[i];
		if (r->pidfds[i] < 0)
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		DIR *d = r->opt->follow_forks ? opendir(path) : NULL;
		if (!d) {
			say_detached_tid(fd, init, (__u32)pid);
			continue;
		}
		struct dirent *de;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				say_detached_tid(fd, init, (__u32)strtoul(de->d_name, NULL, 10));
		closedir(d);
	}
}

static void run_free(struct bpf_run *r)
{
	for (unsigned b = 0; b < CMD_BUCKETS; b++) {
		while (r->cmds[b]) {
			struct cmd_entry *e = r->cmds[b];
			r->cmds[b] = e->next;
			free(e->cmd);
			free(e);
		}
	}
	for (int i = 0; r->pidfds && i < r->opt->n_attach; i++)
		if (r->pidfds[i] >= 0)
			close(r->pidfds[i]);
	free(r->pidfds);
	ring_buffer__free(r->rb);
}

int rn_bpf_count_run(const struct rn_options *opt, struct rn_pipeline *p,
		     const sigset_t *orig_mask, struct rn_outcome *out)
{
	const char *why = rn_bpf_count_unsuitable(opt);
	if (why) {
		say_path(opt, "by ptrace", why);
		return 0;
	}
	char reason[256];
	struct rn_count *skel = load(opt, reason, sizeof(reason));
	if (!skel) {
		say_path(opt, "by ptrace", reason);
		return 0;
	}
	struct bpf_run run = { .opt = opt, .skel = skel }, *r = &run;
	if (opt->process_summary || opt->n_attach || skel->rodata->task_events) {
		r->rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, r, NULL);
		if (!r->rb) {
			snprintf(reason, sizeof(reason), "cannot read the eBPF events: %s",
				 strerror(errno));
			say_path(opt, "by ptrace", reason);
			rn_count__destroy(skel);
			return 0;
		}
	}
	end_signals(&end_set);
	rn_end_signal_watch(&end_set);
	sigset_t set = end_set;
	sigaddset(&set, SIGCHLD);
	int sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		snprintf(reason, sizeof(reason), "signalfd: %s", strerror(errno));
		say_path(opt, "by ptrace", reason);
		run_free(r);
		rn_count__destroy(skel);
		return 0;
	}
	say_path(opt, "counted in the kernel (eBPF), no ptrace stops", NULL);
	/* the table is written at the end, to an output that may not be
	 * read (a pipe nobody drains): as under ptrace, a second after an
	 * end signal, give up on it */
	p->stalled = rn_end_signal_stalled;
	p->stalled_arg = NULL;
	/* Orphans of the tree come to renacer, to be waited for (-f). */
	if (opt->follow_forks && opt->command)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1);

	*out = (struct rn_outcome){ .exit_code = 0 };
	/* -p's processes first, then the command, as the tracer does. */
	int attached = opt->n_attach ? attach_pids(r) : 0;
	pid_t cmd = 0;
	if (opt->n_attach && !attached && !opt->command) {
		out->exit_code = 1;
	} else if (opt->command && (cmd = rn_spawn_stopped(opt, orig_mask, NULL)) < 0) {
		out->exit_code = 1;
	} else {
		if (cmd > 0) {
			/* Before the command runs again: the kill below is a
			 * system call, after which its first system call reads
			 * seed_pid. */
			skel->bss->seed_pid = (__u32)cmd;
			kill(cmd, SIGCONT);
		}
		wait_tree(r, cmd, sigfd, out);
	}
	/* Nothing is counted from here on: the tables stay as they are
	 * while they are read. */
	rn_count__detach(skel);
	rows_left(r);
	if (out->raise_signal && rn_end_signal_first())
		say_detached(r);
	/* Before rn_pipeline_finish tells the writer to stop: the writer
	 * reads the tables after its acquire of that. */
	uint64_t calls = collect(opt, skel, &p->summary);
	p->proc_rows = r->rows;
	p->nproc_rows = r->nrows;
	unsigned long long lost = skel->bss->lost, followed = skel->bss->followed;
	if (lost)
		fprintf(stderr, "renacer: %llu tasks of the tree were not counted: more than %d "
			"at once\n", lost, RN_BPF_MAX_TASKS);
	if (skel->bss->procs_lost)
		fprintf(stderr, "renacer: --process-summary: %llu processes without a row (more "
			"than %d at once)\n", (unsigned long long)skel->bss->procs_lost,
			RN_BPF_MAX_TASKS);
	if (skel->bss->events_lost)
		fprintf(stderr, "renacer: %llu forks, execs or ends of processes not seen (the "
			"eBPF event buffer was full)\n",
			(unsigned long long)skel->bss->events_lost);
	if (opt->stats_self)
		fprintf(stderr, "renacer: self: eBPF: %llu tasks followed, %llu not (tasks map "
			"full), %llu syscalls counted\n", followed, lost,
			(unsigned long long)calls);
	run_free(r);
	rn_count__destroy(skel);
	close(sigfd);
	return 1;
}

int rn_bpf_count_end_signal(void)
{
	return rn_end_signal_first();
}

#else /* !RN_HAVE_BPF */

int rn_bpf_count_run(const struct rn_options *opt, struct rn_pipeline *p,
		     const sigset_t *orig_mask, struct rn_outcome *out)
{
	(void)p;
	(void)orig_mask;
	(void)out;
	say_path(opt, "by ptrace", rn_bpf_count_unsuitable(opt));
	return 0;
}

int rn_bpf_count_end_signal(void)
{
	return 0;
}

#endif
