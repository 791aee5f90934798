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
 * orphan of the tree is reparented to renacer and reaped here.
 */
#define _GNU_SOURCE
#include "tracer/bpf_count.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
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
	if (opt->n_attach || !opt->command)
		return "-p attaches to running processes";
	if (opt->capture)
		return "--capture records every call";
	if (opt->syscall_limit)
		return "--syscall-limit stops after a number of calls";
	if (opt->interruptible && opt->interruptible != 2)
		return "-I other than 2 (its signals are the ptrace loop's)";
	if (opt->process_summary)
		return "--process-summary reads each process's command line";
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
	/* Wall time needs no account of the switches. */
	if (opt->summary_wall)
		bpf_program__set_autoload(skel->progs.rn_switch, false);
	int err = rn_count__load(skel);
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

/* Wait for the command and (-f) every process of its tree, or an end
 * signal: then the command is killed with it (after SIGCONT), as strace
 * and the ptrace path do, and its descendants run on. */
static void wait_tree(pid_t cmd, int sigfd, struct rn_outcome *out)
{
	int done = 0, status = 0, sig = 0;
	for (;;) {
		pid_t w;
		int st;
		while ((w = waitpid(-1, &st, __WALL | WNOHANG)) > 0) {
			if (w == cmd) {
				done = 1;
				status = st;
			}
		}
		if (w < 0 && errno == ECHILD)
			break;
		struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		struct signalfd_siginfo ssi;
		while (read(sigfd, &ssi, sizeof(ssi)) == (ssize_t)sizeof(ssi))
			if (ssi.ssi_signo != SIGCHLD && !sig)
				sig = (int)ssi.ssi_signo;
		if (sig)
			break;
	}
	if (sig) {
		rn_end_signal_note(sig);
		if (!done) {
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
	end_signals(&end_set);
	rn_end_signal_watch(&end_set);
	sigset_t set = end_set;
	sigaddset(&set, SIGCHLD);
	int sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		snprintf(reason, sizeof(reason), "signalfd: %s", strerror(errno));
		say_path(opt, "by ptrace", reason);
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
	if (opt->follow_forks)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1);

	*out = (struct rn_outcome){ .exit_code = 0 };
	pid_t cmd = rn_spawn_stopped(opt, orig_mask, NULL);
	if (cmd < 0) {
		out->exit_code = 1;
	} else {
		/* Before the command runs again: the kill below is a system
		 * call, after which its first system call reads seed_pid. */
		skel->bss->seed_pid = (__u32)cmd;
		kill(cmd, SIGCONT);
		wait_tree(cmd, sigfd, out);
	}
	/* Before rn_pipeline_finish tells the writer to stop: the writer
	 * reads the table after its acquire of that. */
	uint64_t calls = collect(opt, skel, &p->summary);
	unsigned long long lost = skel->bss->lost, followed = skel->bss->followed;
	if (lost)
		fprintf(stderr, "renacer: %llu tasks of the tree were not counted: more than %d "
			"at once\n", lost, RN_BPF_MAX_TASKS);
	if (opt->stats_self)
		fprintf(stderr, "renacer: self: eBPF: %llu tasks followed, %llu not (tasks map "
			"full), %llu syscalls counted\n", followed, lost,
			(unsigned long long)calls);
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
