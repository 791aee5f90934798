/*
 * tracer.c - the tracer thread (see tracer/tracer.h).
 *
 * Per stop the tracer does the product's critical path and nothing else:
 * waitpid, PTRACE_GET_SYSCALL_INFO, a clock read, a ring push, a resume.
 * A stop whose arguments need memory read is copied by the tracer itself
 * when the syscall table describes every read (decode/prefetch.c, measured
 * faster), or decoded once with its reads recorded when it does not
 * (decode/rehearse.c); otherwise (-y/-P's descriptor paths, rt_sigreturn)
 * the resume is deferred until the worker that reads it hands the tracee
 * back: a tracee is never resumed before what it passed has been read.
 *
 * Sleeping: the tracer polls waitpid(WNOHANG) a few times (--spin; none
 * when a seccomp filter makes stops rare or while processes come and go),
 * then, when no tracee is held, sleeps in a blocking wait4 that a timer
 * interrupts (start_tick). With a tracee held it sleeps in epoll on a
 * signalfd (SIGCHLD for tracee stops, the fatal signals) and an eventfd
 * (hand-backs from workers). SIGCHLD is blocked in every thread, so a stop
 * that happens after the last poll leaves SIGCHLD pending and the
 * signalfd readable: no stop is slept through.
 */
#define _GNU_SOURCE
#include "tracer/tracer.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/hist.h"
#include "base/mem.h"
#include "decode/event.h"
#include "decode/prefetch.h"
#include "pipeline/proctab.h"
#include "decode/rehearse.h"
#include "syscalls/inject.h"
#include "syscalls/seccomp_filter.h"
#include "tracer/abi.h"
#include "tracer/end_signal.h"
#include "tracer/stop_policy.h"
#include "syscalls/syscalls.h"

#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif

/* Signals that end a trace: strace's five, and every other one whose
 * default action is to terminate, so that none cuts the output mid-line.
 * Each is taken through the signalfd: renacer lets every tracee go, writes
 * what it has and dies of it. Not SIGRTMIN: the tracer's tick (start_tick).
 * The real-time ones above it are added by end_signals(). */
static const int fatal_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
	SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, SIGXCPU,
};

/* The end signals: computed once by rn_tracer_block_signals on the main
 * thread before any other thread exists; read-only after. Ignored ones
 * are taken too, as strace takes its five: a shell starts a background
 * job with SIGINT ignored, and `kill -INT` must still end the trace. */
static sigset_t end_set;

static void end_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(set, fatal_signals[i]);
	for (int sig = SIGRTMIN + 1; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

/* A tid whose first stop came before its parent's fork event: kept out of
 * the shared table until its thread group is known. Tracer-private. */
struct parked {
	struct parked *next;
	pid_t tid;
	int status;
};

/* All of it tracer-private: only the tracer thread touches this. */
struct tracer {
	const struct rn_options *opt;
	struct rn_pipeline *p;
	struct rn_proctab tab;
	struct parked *parked;
	uint64_t seq;
	uint32_t next_hold_id;
	unsigned long held;      /* holds not yet handed back */
	unsigned ptrace_opts;
	int epfd;
	int sigfd;
	pid_t command_pid;       /* 0 in attach-only mode */
	int command_status;      /* wait status of the command's exit */
	int command_done;
	int fatal_signal;        /* a fatal signal arrived: detach and die of it */
	int detaching;           /* shutdown in progress */
	int let_go_why;          /* shutdown: why (enum rn_let_go), for the detached records */
	int let_go_sig;          /*   and the end signal, for RN_LET_GO_SIGNAL */
	unsigned long shown;     /* --syscall-limit: calls shown so far */
	int limit_reached;       /* --syscall-limit: the loop ends, all are let go */
	struct rn_stop_policy policy; /* per syscall number: hold, copy or rehearse */
	struct rn_values scratch; /* what rehearsals decode into, thrown away */
	struct rn_prefetch pf;   /* what the tracer copies itself instead of holding */
	int use_prefetch;        /* 0: every read is a worker's (RENACER_WORKER_READS=1) */
	uint8_t *pf_buf;         /* the copy being made, PF_CAP bytes */
	uint64_t seen_ns;        /* --stats-self: when the current stop was collected */
	struct rn_hist *stall;   /* --stats-self: stop-to-resume time per stop */
	uint64_t stime_ns;       /* -c without -w: the stopped tracee's system CPU
				    time, from the rusage wait4 returned with the
				    stop (strace's default summary time) */
	unsigned long detach_waiting; /* PTRACE_INTERRUPT sent, stop not yet seen */
	timer_t tick;            /* interrupts a blocking wait4 (start_tick) */
	int have_tick;
	int spin_limit;          /* polls before sleeping (--spin; adaptive polling moves it) */
	int spin_start;          /* --stats-self: the limit the run started with */
	unsigned long lifecycle; /* forks and exits seen (adaptive polling) */
	unsigned long epochs, epochs_unpolled; /* --stats-self: adaptive polling */
	unsigned long epochs_busy; /*   of the unpolled: no CPU was idle */
	unsigned long polls_found; /* --stats-self: stops found while polling */
	unsigned long polls_vain;  /* polling rounds that ended in a sleep */
	/* -e inject=: the rules (immutable, the options'), NULL when none:
	 * then the one test each syscall stop pays for tampering. */
	const struct rn_inject_table *inj;
	struct rn_task *delayed;  /* tasks kept stopped for a delay (RN_TASK_DELAYED),
				     linked by delay_next, in no order */
};

/* A thread that leaves an end signal unblocked (liburcu's helper thread
 * leaves SIGUSR1, its signal flavour's RCU signal) would die of it by
 * default: caught there, the signal is sent on to the main thread, which
 * blocks it and takes it through the signalfd. */
static pid_t main_tid;
/* What each end signal's disposition was before forward_to_main: the
 * spawned command gets it back (an ignored SIGHUP under nohup stays
 * ignored for it), and a signal sent to the child before its exec is not
 * forwarded to a thread of another process. Written once, before any
 * thread exists. */
static struct sigaction saved_actions[NSIG];

static void forward_to_main(int sig)
{
	int saved = errno;
	(void)syscall(SYS_tgkill, getpid(), main_tid, sig);
	errno = saved;
}

void rn_tracer_block_signals(sigset_t *orig, int interruptible)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	/* Past RLIMIT_FSIZE a write raises SIGXFSZ, whose default kills (a
	 * trace cut short without a word); blocked, the write fails with EFBIG
	 * and the writer reports it. Never unblocked: the spawned command gets
	 * the original mask back, and pending signals do not cross fork. */
	sigaddset(&set, SIGXFSZ);
	end_signals(&end_set);
	if (interruptible == 1) {
		/* -I1: none blocked, none taken: renacer dies of one where it
		 * is, as of SIGKILL (the command it started with it) */
		sigemptyset(&end_set);
	} else if (interruptible >= 3) {
		/* -I3, -I4: strace's five are blocked for good, so they never
		 * end renacer (the others still end it as with -I2), and with
		 * -I4 SIGTSTP never stops it */
		static const int never[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM };
		for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
			sigdelset(&end_set, never[i]);
			sigaddset(&set, never[i]);
		}
		if (interruptible == 4)
			sigaddset(&set, SIGTSTP);
	}
	sigorset(&set, &set, &end_set);
	rn_end_signal_watch(&end_set);
	pthread_sigmask(SIG_BLOCK, &set, orig);
	main_tid = gettid();
	struct sigaction sa = { .sa_handler = forward_to_main, .sa_flags = SA_RESTART };
	sigfillset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&end_set, sig) == 1)
			sigaction(sig, &sa, &saved_actions[sig]);
}

void rn_tracer_restore_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&end_set, sig) == 1)
			sigaction(sig, &saved_actions[sig], NULL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- ending while the output is not read ---------------------------- */

/* The first end signal (read from the signalfd, or found pending while the
 * tracer waited for room) and the output's grace after it: end_signal.h. */
int rn_tracer_end_signal(void)
{
	return rn_end_signal_first();
}

/* ---- records --------------------------------------------------------- */

static void emit(struct tracer *t, const struct rn_task *task, struct rn_record *rec)
{
	rec->seq = ++t->seq;
	rec->ts_ns = now_ns();
	rec->tid = task->tid;
	rec->tgid = task->tgid;
	rec->ntasks = (uint32_t)t->tab.count;
	rec->stime_ns = t->stime_ns;
	rn_pipeline_push(t->p, rec);
}

/* -n: the number strace shows on a thread's signal and exit lines, its
 * last syscall's, traced or not (only the tracer sees the untraced). */
static int32_t last_nr(const struct tracer *t, const struct rn_task *task)
{
	return t->opt->syscall_number && task->had_entry ? task->nr : -1;
}

static void emit_simple(struct tracer *t, const struct rn_task *task, int kind,
			uint64_t a0, uint64_t a1)
{
	int shows_nr = kind == RN_REC_EXITED || kind == RN_REC_KILLED ||
		       kind == RN_REC_SUPERSEDED || kind == RN_REC_GROUP_STOP;
	struct rn_record rec = { .kind = (uint16_t)kind, .nr = shows_nr ? last_nr(t, task) : -1 };
	rec.args[0] = a0;
	rec.args[1] = a1;
	emit(t, task, &rec);
}

/* The task is let go at shutdown: its record says why (detach_all). */
static void emit_detached(struct tracer *t, const struct rn_task *task)
{
	emit_simple(t, task, RN_REC_DETACHED, (uint64_t)t->let_go_why, (uint64_t)t->let_go_sig);
}

/* ---- resuming -------------------------------------------------------- */

/* -b execve: let the task go at the start of its execve, which then runs
 * untraced; its line ends " <detached ...>", as strace's. */
static void bail_out(struct tracer *t, struct rn_task *task)
{
	ptrace(PTRACE_DETACH, task->tid, 0, 0);
	emit_simple(t, task, RN_REC_DETACHED, RN_LET_GO_EXECVE, 0);
	if (task->detach_pending) {
		task->detach_pending = 0;
		t->detach_waiting--;
	}
	rn_proctab_retire(&t->tab, task);
}

static void resume(struct tracer *t, struct rn_task *task, int sig)
{
	/* --stats-self: how long this stop held the tracee, from the moment
	 * wait4 reported it (the tracer cannot see the kernel's own stop time). */
	if (t->stall && task->seen_ns)
		rn_hist_add(t->stall, now_ns() - task->seen_ns);
	task->seen_ns = 0;
	task->state = RN_TASK_RUNNING;
	if (t->detaching) {
		/* Shutdown: let go instead of resuming. */
		ptrace(PTRACE_DETACH, task->tid, 0, sig);
		return;
	}
	/* Under a seccomp filter only traced syscalls stop the tracee: run on
	 * with PTRACE_CONT, except between a traced entry and its exit.
	 * ESRCH: the tracee was killed meanwhile; its exit status is on its way. */
	if (task->seccomp && !task->in_syscall)
		ptrace(PTRACE_CONT, task->tid, 0, sig);
	else
		ptrace(PTRACE_SYSCALL, task->tid, 0, sig);
}

static void hold(struct tracer *t, struct rn_task *task, struct rn_record *rec)
{
	task->state = RN_TASK_HELD;
	task->hold_id = ++t->next_hold_id;
	rec->flags |= RN_REC_HELD;
	rec->hold_id = task->hold_id;
	t->held++;
	t->p->stats.holds++;
}

/* The copy of a stop's reads is ready (n bytes in pf_buf): send it before
 * the record; -1 (too big): hold the tracee for its worker instead. */
static void send_copy_or_hold(struct tracer *t, struct rn_task *task, struct rn_record *rec, long n)
{
	if (n < 0) {
		hold(t, task, rec);
		return;
	}
	rn_pipeline_push_bytes(t->p, task->tgid, t->pf_buf, (size_t)n);
	rec->flags |= RN_REC_SNAPSHOT;
	t->p->stats.prefetched++;
}

/* The most a stop's copy may take; a larger one (a long path, a large -s)
 * is held for its worker instead. */
#define PF_CAP 16384u

/* A stop that needs memory read: copy it now and go on (prefetch.h), or
 * hold the tracee for its worker when there is no plan or it is too big.
 * The copy's records go to the ring just before rec. */
static void hold_or_copy(struct tracer *t, struct rn_task *task, struct rn_record *rec, int exit)
{
	const struct rn_prefetch_plan *plan =
		t->use_prefetch ? rn_prefetch_plan(&t->pf, rec->nr, exit) : NULL;
	long n = -1;
	if (plan)
		n = rn_prefetch_read(&t->pf, plan, task->tid, task->args, exit, rec->ret,
				     (rec->flags & RN_REC_ERROR) != 0, t->pf_buf, PF_CAP);
	send_copy_or_hold(t, task, rec, n);
}

static void inject_resume(struct tracer *t, struct rn_task *task);

static void drain_handbacks(struct tracer *t)
{
	struct rn_handback *hb, *next;

	for (hb = rn_handback_take_all(t->p); hb; hb = next) {
		next = hb->next;
		struct rn_task *task = rn_proctab_find(&t->tab, hb->tid);
		t->held--;
		/* A stale token means the tracee died (or was superseded by an
		 * exec) while held; there is nothing to resume. */
		if (task && task->state == RN_TASK_HELD && task->hold_id == hb->hold_id) {
			if (task->bail)
				bail_out(t, task);
			else if (t->inj)
				inject_resume(t, task);
			else
				resume(t, task, 0);
		}
		free(hb);
	}
}

/* ---- new tasks ------------------------------------------------------- */

static struct rn_task *add_task(struct tracer *t, pid_t tid, pid_t tgid, pid_t ptid)
{
	struct rn_task *task = rn_proctab_new(tid, tgid, ptid);
	rn_proctab_add(&t->tab, task);
	return task;
}

static struct parked *take_parked(struct tracer *t, pid_t tid)
{
	for (struct parked **pp = &t->parked; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct parked *found = *pp;
			*pp = found->next;
			return found;
		}
	}
	return NULL;
}

static void handle_status(struct tracer *t, pid_t tid, int status);

/* Was the clone that just reported PTRACE_EVENT_CLONE a thread? From the
 * call's flags when its entry stopped (the parent is stopped, so reading
 * clone3's argument struct now is safe); under a seccomp filter that does
 * not trace this clone there was no entry stop (nr and args are an older
 * call's): then the child's Tgid in /proc. */
static int clone_made_thread(const struct rn_task *parent, pid_t child)
{
	uint64_t flags = 0;
	if (parent->in_syscall && parent->nr == SYS_clone) {
		flags = parent->args[0];
	} else if (parent->in_syscall && parent->nr == SYS_clone3) {
		if (rn_mem_read(parent->tid, parent->args[0], &flags, sizeof(flags)) < 0)
			flags = 0;
	} else {
		char path[64], line[128];
		snprintf(path, sizeof(path), "/proc/%d/status", child);
		FILE *f = fopen(path, "re");
		long tgid = 0;
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "Tgid: %ld", &tgid) == 1)
				break;
		if (f)
			fclose(f);
		return tgid != 0 && tgid != child;
	}
	return (flags & CLONE_THREAD) != 0;
}

static void on_new_child(struct tracer *t, struct rn_task *parent, int event)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg) < 0 || msg == 0)
		return;
	pid_t child = (pid_t)msg;
	int thread = event == PTRACE_EVENT_CLONE && clone_made_thread(parent, child);
	struct rn_task *task = add_task(t, child, thread ? parent->tgid : child, parent->tid);
	task->state = RN_TASK_EXPECTED;
	task->seccomp = parent->seccomp; /* the filter is inherited */
	emit_simple(t, task, RN_REC_NEW_TASK, (uint64_t)parent->tid, (uint64_t)thread);

	/* Its first stop may already have come: replay it now. */
	struct parked *pk = take_parked(t, child);
	if (pk) {
		int status = pk->status;
		free(pk);
		handle_status(t, child, status);
	}
}

/* ---- tampering (-e inject=, -e fault=) ----------------------------------
 *
 * At a traced call's entry stop the call's counter (per task and syscall)
 * goes up, and when= says whether this call is tampered with. For error=
 * and retval= the syscall number becomes -1 (or syscall='s), so the kernel
 * runs nothing; at the exit stop rax gets -errno or the value. signal= is
 * delivered by the resume from the entry stop (the kernel sends it as
 * SI_KERNEL, as strace's). A delay keeps the tracee stopped while the
 * tracer goes on with the others: it is put on t->delayed and resumed by
 * the loop once its time is past; the loop does not sleep past it.
 */

/* Write len bytes at the tracee's addr, a word at a time (PTRACE_POKEDATA
 * writes read-only pages too, as strace's poke does); 0, or -1 and errno. */
static int poke_mem(pid_t tid, uint64_t addr, const uint8_t *data, size_t len)
{
	while (len) {
		const uint64_t word_at = addr & ~(uint64_t)7;
		const size_t off = (size_t)(addr - word_at);
		const size_t n = len < 8 - off ? len : 8 - off;
		long word = 0;
		if (off || n < 8) {
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, tid, word_at, 0);
			if (errno)
				return -1;
		}
		memcpy((char *)&word + off, data, n);
		if (ptrace(PTRACE_POKEDATA, tid, word_at, word) < 0)
			return -1;
		addr += n;
		data += n;
		len -= n;
	}
	return 0;
}

/* poke_enter= (which 0) or poke_exit= (1): 1 when every write was made. */
static int inject_poke(struct rn_task *task, const struct rn_inject_rule *r, int which)
{
	const struct rn_syscall *sc = rn_syscall_get(task->nr);
	for (unsigned i = 0; i < r->npoke[which]; i++) {
		const struct rn_inject_poke *pk = &r->poke[which][i];
		if (!sc || pk->arg > sc->nargs) {
			fprintf(stderr, "renacer: poke_tcb: Failed to tamper with process %d: "
				"requested to tamper with argument #%u, but system call '%s' has "
				"only %u arguments\n", task->tid, pk->arg, sc ? sc->name : "?",
				sc ? sc->nargs : 0u);
			return 0;
		}
		if (poke_mem(task->tid, task->args[pk->arg - 1], pk->data, pk->len) < 0) {
			fprintf(stderr, "renacer: poke_tcb: Failed to tamper with process %d: "
				"%s\n", task->tid, strerror(errno));
			return 0;
		}
	}
	return 1;
}

/* Tamper with the call now entering, as its rule and count say. */
static void inject_entry(struct tracer *t, struct rn_task *task)
{
	const struct rn_inject_table *inj = t->inj;
	const struct rn_inject_rule *r = rn_inject_rule(inj, task->nr);
	task->inj_call = 0;
	task->inj_delayed = 0;
	if (!r)
		return;
	if (!task->inj_counts) {
		task->inj_counts = calloc(inj->nslots, sizeof(*task->inj_counts));
		if (!task->inj_counts)
			abort();
	}
	uint32_t *n = &task->inj_counts[inj->slot_of[task->nr]];
	if (*n < UINT32_MAX)
		++*n;
	if (!rn_inject_when(r, *n))
		return;
	task->inj_rule = inj->rule_of[task->nr];
	/* ESRCH (killed meanwhile) leaves the call as it was: nothing to say. */
	if ((r->what & (RN_INJ_ERROR | RN_INJ_RETVAL)) &&
	    ptrace(PTRACE_POKEUSER, task->tid, offsetof(struct user_regs_struct, orig_rax),
		   r->replace_nr) == 0)
		task->inj_call |= (uint8_t)(r->what & (RN_INJ_ERROR | RN_INJ_RETVAL));
	if (r->what & RN_INJ_DELAY_EXIT)
		task->inj_call |= RN_INJ_DELAY_EXIT;
	if (r->npoke[1])
		task->inj_call |= RN_INJ_POKE_EXIT;
	/* before the entry's record is made: its copy shows what was written */
	if (r->npoke[0] && inject_poke(task, r, 0))
		task->inj_call |= RN_INJ_POKE_ENTER;
	if (r->what & RN_INJ_SIGNAL)
		task->inj_sig = r->signo;
	if (r->what & RN_INJ_DELAY_ENTER) {
		task->delay_until = now_ns() + r->delay_enter_ns;
		task->inj_delayed = 1;
	}
}

/* The exit of a call tampered with at its entry: its result, its delay,
 * and what its line says. */
static void inject_exit(struct tracer *t, struct rn_task *task, struct rn_record *rec)
{
	if (task->inj_call) {
		/* (inj_rule is set whenever inj_call is) */
		const struct rn_inject_rule *r = &t->inj->rules[task->inj_rule - 1];
		if (task->inj_call & (RN_INJ_ERROR | RN_INJ_RETVAL) &&
		    ptrace(PTRACE_POKEUSER, task->tid, offsetof(struct user_regs_struct, rax),
			   r->ret) == 0) {
			rec->ret = r->ret;
			if (task->inj_call & RN_INJ_ERROR)
				rec->flags |= RN_REC_ERROR;
			else
				rec->flags &= (uint16_t)~RN_REC_ERROR;
			rec->flags |= RN_REC_INJECTED;
		}
		if ((task->inj_call & RN_INJ_POKE_ENTER) ||
		    ((task->inj_call & RN_INJ_POKE_EXIT) && inject_poke(task, r, 1)))
			rec->flags |= RN_REC_INJECTED_ARGS;
		if (task->inj_call & RN_INJ_DELAY_EXIT) {
			task->delay_until = now_ns() + r->delay_exit_ns;
			rec->flags |= RN_REC_DELAYED;
		}
	}
	if (task->inj_delayed)
		rec->flags |= RN_REC_DELAYED;
	task->inj_call = 0;
	task->inj_delayed = 0;
}

/* Resume a task that may have a signal to deliver or a delay to wait out. */
static void inject_resume(struct tracer *t, struct rn_task *task)
{
	/* Shutting down, nothing waits: resume() lets it go at once. */
	if (task->delay_until && !t->detaching) {
		task->state = RN_TASK_DELAYED;
		task->delay_next = t->delayed;
		t->delayed = task;
		return;
	}
	task->delay_until = 0;
	const int sig = task->inj_sig;
	task->inj_sig = 0;
	resume(t, task, sig);
}

/* Take task off the delayed list. */
static void undelay(struct tracer *t, struct rn_task *task)
{
	for (struct rn_task **pp = &t->delayed; *pp; pp = &(*pp)->delay_next) {
		if (*pp == task) {
			*pp = task->delay_next;
			break;
		}
	}
	task->delay_next = NULL;
	task->delay_until = 0;
}

/* Resume the delayed tasks whose time is past (all of them when force:
 * shutdown, where resume() detaches). */
static void wake_delayed(struct tracer *t, int force)
{
	const uint64_t now = now_ns();
	struct rn_task **pp = &t->delayed;
	while (*pp) {
		struct rn_task *task = *pp;
		if (!force && task->delay_until > now) {
			pp = &task->delay_next;
			continue;
		}
		*pp = task->delay_next;
		task->delay_next = NULL;
		task->delay_until = 0;
		const int sig = task->inj_sig;
		task->inj_sig = 0;
		resume(t, task, sig);
	}
}

/* Milliseconds until the first delayed task is due (rounded up), -1: none. */
static int delay_timeout_ms(const struct tracer *t)
{
	if (!t->delayed)
		return -1;
	uint64_t first = UINT64_MAX;
	for (const struct rn_task *task = t->delayed; task; task = task->delay_next)
		if (task->delay_until < first)
			first = task->delay_until;
	const uint64_t now = now_ns();
	if (first <= now)
		return 0;
	const uint64_t ms = (first - now + 999999) / 1000000;
	return ms > 60000 ? 60000 : (int)ms;
}

/* ---- stops ----------------------------------------------------------- */

/* A syscall entry, from a syscall-entry-stop or a seccomp stop. */
static void on_entry(struct tracer *t, struct rn_task *task, uint64_t nr, const uint64_t args[6],
		     uint64_t ip)
{
	struct rn_record rec = { .kind = RN_REC_SYSCALL_ENTRY,
				 .ip = t->opt->instruction_pointer ? ip : 0 };
	/* restart_syscall has no arguments; strace names the call it resumes,
	 * the thread's previous one: its number goes in the record as args[0]
	 * (-1: none seen), for the decoder (rn_sys_restart_syscall). */
	int32_t resumes = task->had_entry ? task->nr : -1;
	task->had_entry = 1;
	task->in_syscall = 1;
	task->untraced = 0;
	task->nr = (int32_t)nr;
	/* Kept even when not shown: clone_made_thread needs clone's flags. */
	memcpy(task->args, args, sizeof(task->args));
	int first_exec = 0;
	if (task->hidden) {
		/* strace shows the command from its first execve on. */
		if (task->nr != SYS_execve && task->nr != SYS_execveat) {
			resume(t, task, 0);
			return;
		}
		task->hidden = 0;
		task->first_exec = 1;
		first_exec = 1;
	}
	if (!t->opt->filter.traces_all &&
	    (rn_nr_is_i386(task->nr) || !rn_filter_traced(&t->opt->filter, task->nr))) {
		/* Filtered in the tracer (no seccomp filter: -p, --no-seccomp-bpf).
		 * An i386 call is in no set but "all", as under the seccomp
		 * filter, which lets every call of another ABI through. */
		task->untraced = 1;
		resume(t, task, 0);
		return;
	}
	if (t->limit_reached) {
		/* --syscall-limit: the rest of the batch, until all are let go */
		task->untraced = 1;
		resume(t, task, 0);
		return;
	}
	/* The command's first execve is neither counted nor tampered with,
	 * as in strace (it is renacer's own start of the command). */
	if (t->inj && !task->first_exec)
		inject_entry(t, task);
	rec.nr = task->nr;
	memcpy(rec.args, args, sizeof(rec.args));
	if (task->nr == SYS_restart_syscall)
		rec.args[0] = (uint64_t)(int64_t)resumes;
	task->rehearsed = 0;
	if (rn_stop_rehearsed(&t->policy, task->nr)) {
		/* Every entry, held or not: its exit's rehearsal needs what the
		 * entry decoded. */
		rec.tid = task->tid;
		long n = rn_rehearse(t->opt, task->tid, &rec, NULL, &task->rehearsal, &t->scratch,
				     t->pf_buf, PF_CAP);
		task->rehearsed = 1;
		if (rn_stop_held(&t->policy, task->nr, RN_HOLD_ENTRY))
			send_copy_or_hold(t, task, &rec, n);
	} else if (rn_stop_held(&t->policy, task->nr, RN_HOLD_ENTRY)) {
		hold_or_copy(t, task, &rec, 0);
	}
	emit(t, task, &rec);
	if (t->opt->bail_execve && task->nr == SYS_execve && !first_exec) {
		/* -b execve: the entry is shown, then the task let go */
		if (task->state == RN_TASK_HELD)
			task->bail = 1;
		else
			bail_out(t, task);
		return;
	}
	if (task->state != RN_TASK_HELD) {
		if (t->inj)
			inject_resume(t, task);
		else
			resume(t, task, 0);
	}
}

/* --syscall-limit: a traced call completes; the one that reaches the limit
 * ends the loop. A call -e status=, -z or -Z leave out is not counted (as
 * strace 7's manual has it); -P's choice is the workers', made later: with
 * -P every traced call counts. */
static void count_shown(struct tracer *t, int is_error)
{
	if (!t->opt->syscall_limit ||
	    !rn_filter_status_shown(&t->opt->filter,
				    is_error ? RN_STATUS_FAILED : RN_STATUS_SUCCESSFUL))
		return;
	if (++t->shown >= (unsigned long)t->opt->syscall_limit)
		t->limit_reached = 1;
}

/* The number a syscall stop reports, tagged when the call is not of the
 * x86-64 ABI (int $0x80 from a 64-bit process): tracer/abi.h. */
static uint64_t native_nr(const struct __ptrace_syscall_info *info, uint64_t nr)
{
	return rn_abi_nr(info->arch, nr);
}

/* The arguments as the call's ABI sees them (tracer/abi.h). */
static const uint64_t *abi_args(const struct __ptrace_syscall_info *info, uint64_t args[6])
{
	rn_abi_args(info->arch, args);
	return args;
}

static void on_syscall_stop(struct tracer *t, struct rn_task *task)
{
	struct __ptrace_syscall_info info;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, task->tid, sizeof(info), &info) <= 0) {
		resume(t, task, 0);
		return;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		on_entry(t, task, native_nr(&info, info.entry.nr),
			 abi_args(&info, info.entry.args), info.instruction_pointer);
		return;
	}
	if (info.op != PTRACE_SYSCALL_INFO_EXIT) {
		resume(t, task, 0);
		return;
	}
	int had_entry = task->in_syscall;
	task->in_syscall = 0;
	/* The command's first execve failed (ENOEXEC, a missing #!
	 * interpreter): as strace, its line is shown, the spawner's error
	 * report and exit_group are not. */
	const uint8_t exec_failed = task->first_exec && info.exit.is_error;
	task->first_exec = 0;
	if (task->hidden || !had_entry || task->untraced) {
		/* Not shown: before the first execve, filtered out, or no entry
		 * to pair with (attached mid-syscall). */
		task->hidden |= exec_failed;
		task->untraced = 0;
		resume(t, task, 0);
		return;
	}
	struct rn_record rec = { .kind = RN_REC_SYSCALL_EXIT };
	rec.nr = task->nr;
	rec.ret = info.exit.rval;
	if (t->opt->instruction_pointer)
		rec.ip = info.instruction_pointer;
	if (info.exit.is_error)
		rec.flags |= RN_REC_ERROR;
	if (t->inj)
		inject_exit(t, task, &rec);
	const int is_error = (rec.flags & RN_REC_ERROR) != 0;
	/* A rehearsed call's exit is rehearsed whenever it may read, failed or
	 * not: what its decoders read is what gets copied. */
	if (task->rehearsed ? rn_stop_held(&t->policy, task->nr, RN_HOLD_EXIT | RN_HOLD_EXIT_ERR)
			    : rn_stop_held(&t->policy, task->nr, is_error ? RN_HOLD_EXIT_ERR : RN_HOLD_EXIT)) {
		if (task->rehearsed) {
			struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = task->nr,
						   .tid = task->tid };
			memcpy(entry.args, task->args, sizeof(entry.args));
			send_copy_or_hold(t, task, &rec,
					  rn_rehearse(t->opt, task->tid, &entry, &rec,
						      &task->rehearsal, &t->scratch, t->pf_buf,
						      PF_CAP));
		} else {
			hold_or_copy(t, task, &rec, 1);
		}
	}
	task->rehearsed = 0;
	count_shown(t, is_error);
	emit(t, task, &rec);
	task->hidden = exec_failed;
	if (task->state != RN_TASK_HELD) {
		if (t->inj)
			inject_resume(t, task);
		else
			resume(t, task, 0);
	}
}

/* PTRACE_EVENT_SECCOMP: the filter says this syscall is traced. */
static void on_seccomp_stop(struct tracer *t, struct rn_task *task)
{
	struct __ptrace_syscall_info info;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, task->tid, sizeof(info), &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(t, task, 0);
		return;
	}
	on_entry(t, task, native_nr(&info, info.seccomp.nr),
		 abi_args(&info, info.seccomp.args), info.instruction_pointer);
}

static int is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_exec(struct tracer *t, struct rn_task *task)
{
	unsigned long former = 0;
	ptrace(PTRACE_GETEVENTMSG, task->tid, 0, &former);
	if (former && (pid_t)former != task->tid) {
		/* A non-leader thread exec'd: it now has the leader's tid and the
		 * leader is gone without an exit report. Keep the leader's entry
		 * (same tid) and give it the exec'ing thread's syscall state. */
		struct rn_task *execer = rn_proctab_find(&t->tab, (pid_t)former);
		if (!task->hidden)
			emit_simple(t, task, RN_REC_SUPERSEDED, former, 0);
		if (execer) {
			task->in_syscall = execer->in_syscall;
			task->nr = execer->nr;
			task->rehearsed = execer->rehearsed;
			task->rehearsal = execer->rehearsal;
			memcpy(task->args, execer->args, sizeof(task->args));
			task->hidden = execer->hidden;
			rn_proctab_retire(&t->tab, execer);
		}
	}
	/* Under a seccomp filter that leaves execve out, the exec event is the
	 * first sign of the command's execve; -n's last syscall is then that
	 * execve, as strace's filter, which always stops at execve, has it. */
	if (!task->in_syscall) {
		task->nr = SYS_execve;
		task->had_entry = 1;
	}
	task->hidden = 0;
	task->first_exec = 0;
	emit_simple(t, task, RN_REC_EXEC, former, 0);
	/* Under a seccomp filter, the exit stop of an execve past its exec
	 * event could only say "= 0" (the point of no return is behind it):
	 * say it now and run on with PTRACE_CONT, one stop fewer per program
	 * started (367 of 6927 in the 120-unit build, -e trace=%process). */
	if (task->seccomp && task->in_syscall && !task->untraced &&
	    (task->nr == SYS_execve || task->nr == SYS_execveat) &&
	    !rn_stop_held(&t->policy, task->nr, RN_HOLD_EXIT)) {
		struct rn_record rec = { .kind = RN_REC_SYSCALL_EXIT, .nr = task->nr, .ret = 0 };
		task->in_syscall = 0;
		count_shown(t, 0);
		emit(t, task, &rec);
	}
	resume(t, task, 0);
}

static void on_signal_stop(struct tracer *t, struct rn_task *task, int sig)
{
	siginfo_t si;
	if (!task->hidden) {
		struct rn_record rec = { .kind = RN_REC_SIGNAL, .nr = last_nr(t, task) };
		memset(&si, 0, sizeof(si));
		if (ptrace(PTRACE_GETSIGINFO, task->tid, 0, &si) < 0)
			si.si_signo = sig;
		/* Plain data: the first 48 bytes of siginfo, decoded by the worker. */
		_Static_assert(sizeof(si) >= sizeof(rec.args), "siginfo too small");
		memcpy(rec.args, &si, sizeof(rec.args));
		/* -i: one call more, at signal stops only when asked for */
		struct __ptrace_syscall_info info;
		if (t->opt->instruction_pointer &&
		    ptrace(PTRACE_GET_SYSCALL_INFO, task->tid, sizeof(info), &info) > 0)
			rec.ip = info.instruction_pointer;
		emit(t, task, &rec);
	}
	resume(t, task, sig); /* deliver it: never swallow a signal */
}

static void on_exit_status(struct tracer *t, struct rn_task *task, int status)
{
	if (WIFEXITED(status))
		emit_simple(t, task, RN_REC_EXITED, (uint64_t)WEXITSTATUS(status), 0);
	else
		emit_simple(t, task, RN_REC_KILLED, (uint64_t)WTERMSIG(status),
			    (uint64_t)(WCOREDUMP(status) ? 1 : 0));
	if (task->tid == t->command_pid) {
		t->command_status = status;
		t->command_done = 1;
	}
	if (task->detach_pending) {
		task->detach_pending = 0;
		t->detach_waiting--;
	}
	if (task->state == RN_TASK_DELAYED)
		undelay(t, task); /* killed (SIGKILL) while kept stopped */
	rn_proctab_retire(&t->tab, task);
}

/* Shutdown: the tracee stopped after PTRACE_INTERRUPT (or on its own). */
static void detach_stopped(struct tracer *t, struct rn_task *task, int status)
{
	int sig = 0;
	int event = (unsigned)status >> 16;
	if (WSTOPSIG(status) != (SIGTRAP | 0x80) && event == 0)
		sig = WSTOPSIG(status); /* a signal-delivery-stop: pass it on */
	if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
	    event == PTRACE_EVENT_CLONE) {
		/* The new child is attached already: it must be let go too. */
		unsigned long msg = 0;
		if (ptrace(PTRACE_GETEVENTMSG, task->tid, 0, &msg) == 0 && msg) {
			struct rn_task *child = add_task(t, (pid_t)msg, (pid_t)msg, task->tid);
			child->detach_pending = 1;
			t->detach_waiting++;
			struct parked *pk = take_parked(t, (pid_t)msg);
			if (pk) {
				int st = pk->status;
				free(pk);
				handle_status(t, child->tid, st);
			}
		}
	}
	ptrace(PTRACE_DETACH, task->tid, 0, sig);
	if (!task->hidden)
		emit_detached(t, task);
	if (task->detach_pending) {
		task->detach_pending = 0;
		t->detach_waiting--;
	}
	rn_proctab_retire(&t->tab, task);
}

static void handle_status(struct tracer *t, pid_t tid, int status)
{
	struct rn_task *task = rn_proctab_find(&t->tab, tid);
	if (task && t->stall)
		task->seen_ns = t->seen_ns;
	if (!task && !t->opt->follow_forks) {
		/* Without -f no fork event will ever name it: a child its parent
		 * cloned with CLONE_PTRACE, traced by us behind our back. Parked,
		 * it would stay stopped and its parent's wait for it would never
		 * end. Let it go, as strace does. */
		if (WIFSTOPPED(status)) {
			ptrace(PTRACE_DETACH, tid, 0, 0);
			if (!t->opt->quiet) /* -q, quiet=attach, -o FILE */
				fprintf(stderr, "renacer: Detached unknown pid %d\n", tid);
		}
		return;
	}
	if (!task) {
		/* First report of a child whose parent's fork event has not been
		 * seen (a stop, or its death if it was killed at once): park it,
		 * unresumed, until the event names its parent. */
		struct parked *pk = calloc(1, sizeof(*pk));
		if (!pk)
			abort();
		pk->tid = tid;
		pk->status = status;
		pk->next = t->parked;
		t->parked = pk;
		return;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->lifecycle++;
		on_exit_status(t, task, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (t->detaching) {
		detach_stopped(t, task, status);
		return;
	}
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t, task);
		return;
	}
	switch (event) {
	case 0:
		on_signal_stop(t, task, sig);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		t->lifecycle++;
		on_new_child(t, task, event);
		resume(t, task, 0);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(t, task);
		return;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(t, task);
		return;
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			/* group-stop: show it and keep it stopped without
			 * swallowing the SIGCONT that ends it. */
			if (!task->hidden)
				emit_simple(t, task, RN_REC_GROUP_STOP, (uint64_t)sig, 0);
			task->state = RN_TASK_LISTENING;
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		/* A new child's first stop, an interrupt, or the end of a
		 * group-stop: carry on. */
		resume(t, task, 0);
		return;
	default:
		resume(t, task, 0);
		return;
	}
}

/* ---- attaching and spawning ------------------------------------------ */

static unsigned base_options(const struct rn_options *opt)
{
	unsigned o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
	if (opt->follow_forks)
		o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	/* --kill-on-exit: -p's processes die with renacer, as the command it
	 * starts always does (its children inherit the option) */
	if (opt->kill_on_exit)
		o |= PTRACE_O_EXITKILL;
	return o;
}

static int seize_one(struct tracer *t, pid_t tid, pid_t tgid)
{
	if (ptrace(PTRACE_SEIZE, tid, 0, base_options(t->opt)) < 0) {
		fprintf(stderr, "renacer: attach: ptrace(PTRACE_SEIZE, %d): %s\n", tid,
			strerror(errno));
		return -1;
	}
	struct rn_task *task = add_task(t, tid, tgid, 0);
	task->attached = 1;
	/* SEIZE does not stop it: an interrupt gives the stop from which
	 * syscall tracing starts. */
	ptrace(PTRACE_INTERRUPT, tid, 0, 0);
	return 0;
}

static int attach_process(struct tracer *t, pid_t pid)
{
	int attached = 0;
	if (t->opt->follow_forks) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		DIR *dir = opendir(path);
		if (dir) {
			struct dirent *de;
			while ((de = readdir(dir))) {
				pid_t tid = (pid_t)atoi(de->d_name);
				if (tid > 0 && !rn_proctab_find(&t->tab, tid) && seize_one(t, tid, pid) == 0)
					attached++;
			}
			closedir(dir);
		}
	}
	if (!attached && seize_one(t, pid, pid) == 0)
		attached = 1;
	if (attached) {
		struct rn_task *leader = rn_proctab_find(&t->tab, pid);
		if (leader)
			emit_simple(t, leader, RN_REC_ATTACHED, (uint64_t)attached, 0);
	}
	return attached;
}

/* ---- sleeping -------------------------------------------------------- */

static void read_signals(struct tracer *t)
{
	struct signalfd_siginfo ssi;
	while (read(t->sigfd, &ssi, sizeof(ssi)) == (ssize_t)sizeof(ssi)) {
		if (ssi.ssi_signo != SIGCHLD && !t->fatal_signal) {
			t->fatal_signal = (int)ssi.ssi_signo;
			rn_end_signal_note(t->fatal_signal);
		}
	}
}

/*
 * Sleeping in wait4 itself is the cheapest way to wait for the next stop
 * (forkstorm under ptrace-floor: 0.60 s blocking in waitpid, 1.5 s for
 * renacer sleeping in epoll on the signalfd). It is possible only while no
 * tracee is held (a worker's hand-back could not wake it), and the fatal
 * signals, blocked for the signalfd, cannot interrupt it: a timer aimed at
 * this thread (SIGEV_THREAD_ID) does, every TICK_MS, so that SIGINT or an
 * output failure is seen within that time even when no tracee stops.
 */
#define TICK_MS 50

static void on_tick(int sig)
{
	(void)sig; /* only to make a blocking wait4 return EINTR */
}

/* 0, or -1 when the timer cannot be had (the tracer then sleeps in epoll). */
static int start_tick(struct tracer *t)
{
	struct sigaction sa = { .sa_handler = on_tick }; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGRTMIN, &sa, NULL) < 0)
		return -1;
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN };
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &t->tick) < 0)
		return -1;
	struct itimerspec its = { .it_interval = { 0, TICK_MS * 1000000L },
				  .it_value = { 0, TICK_MS * 1000000L } };
	if (timer_settime(t->tick, 0, &its, NULL) < 0) {
		timer_delete(t->tick);
		return -1;
	}
	t->have_tick = 1;
	return 0;
}

static void tracer_sleep(struct tracer *t)
{
	struct rn_pipeline *p = t->p;
	struct epoll_event ev[4];

	rn_pipeline_kick(p);
	/* Dekker handshake with rn_handback(): publish that we sleep, full
	 * fence, then look at the inbox; the worker enqueues, fences, then
	 * looks at tracer_sleeping. One of us sees the other. */
	atomic_store_explicit(&p->tracer_sleeping, 1, memory_order_seq_cst);
	atomic_thread_fence(memory_order_seq_cst);
	if (rn_handback_empty(p)) {
		/* Detaching, a worker's hand-back may never come (the output is
		 * not read): wake to ask rn_end_signal_stalled. */
		int n = epoll_wait(t->epfd, ev, 4, t->detaching ? 100 : delay_timeout_ms(t));
		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd == p->hb_eventfd) {
				uint64_t v;
				(void)!read(p->hb_eventfd, &v, sizeof(v));
			}
		}
	}
	atomic_store_explicit(&p->tracer_sleeping, 0, memory_order_relaxed);
	read_signals(t);
}

static int setup_fds(struct tracer *t)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigorset(&set, &set, &end_set);
	t->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->sigfd < 0 || t->epfd < 0)
		return -1;
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.fd = t->sigfd;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->sigfd, &ev) < 0)
		return -1;
	ev.data.fd = t->p->hb_eventfd;
	return epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->p->hb_eventfd, &ev);
}

/* ---- shutdown -------------------------------------------------------- */

/* The output is abandoned: a held tracee's worker may never hand it back
 * (its record may have been dropped), so let it go now. It is stopped at a
 * syscall stop, where PTRACE_DETACH works; a late hand-back finds it no
 * longer held and is ignored. */
static void let_go_held(struct tracer *t)
{
	struct cds_lfht_iter iter;
	struct rn_task *task;
	rn_proctab_read_lock();
	rn_proctab_foreach(&t->tab, &iter, task) {
		if (task->state == RN_TASK_HELD)
			resume(t, task, 0);
	}
	rn_proctab_read_unlock();
}

/* Why the loop let go of tracees still running: the first cause that
 * ended it (an end signal also comes before an output abandoned for it). */
static void note_let_go_reason(struct tracer *t)
{
	const int sig = t->fatal_signal ? t->fatal_signal : rn_end_signal_first();
	t->let_go_sig = 0;
	if (sig) {
		t->let_go_why = RN_LET_GO_SIGNAL;
		t->let_go_sig = sig;
	} else if (t->limit_reached) {
		t->let_go_why = RN_LET_GO_LIMIT;
	} else if (rn_pipeline_failed(t->p)) {
		t->let_go_why = RN_LET_GO_OUTPUT;
	} else {
		t->let_go_why = RN_LET_GO_UNSAID;
	}
}

/* Let go of every tracee without leaving one stopped: held ones after their
 * worker hands them back (or at once once the output is abandoned),
 * running ones after PTRACE_INTERRUPT stops them. */
static void detach_all(struct tracer *t)
{
	struct cds_lfht_iter iter;
	struct rn_task *task;

	t->detaching = 1;
	note_let_go_reason(t);
	wake_delayed(t, 1); /* stopped: resume() detaches them at once */
	read_signals(t);
	rn_proctab_read_lock();
	rn_proctab_foreach(&t->tab, &iter, task) {
		if (task->state == RN_TASK_HELD)
			continue; /* detached by resume() when handed back */
		if (ptrace(PTRACE_INTERRUPT, task->tid, 0, 0) == 0) {
			task->detach_pending = 1;
			t->detach_waiting++;
		}
	}
	rn_proctab_read_unlock();
	for (struct parked *pk; (pk = t->parked); ) {
		t->parked = pk->next;
		if (WIFSTOPPED(pk->status))
			ptrace(PTRACE_DETACH, pk->tid, 0, 0);
		free(pk);
	}
	int abandoned = rn_pipeline_abandoned(t->p);
	if (abandoned)
		let_go_held(t);
	while (t->detach_waiting > 0 || (t->held > 0 && !abandoned)) {
		drain_handbacks(t);
		int status;
		pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid > 0) {
			handle_status(t, tid, status);
			continue;
		}
		if (tid < 0 && errno == ECHILD)
			break;
		if (tid == 0) {
			if (!abandoned && t->held > 0 && rn_end_signal_stalled(NULL))
				rn_pipeline_abandon(t->p);
			if (!abandoned && rn_pipeline_abandoned(t->p)) {
				abandoned = 1;
				let_go_held(t);
				continue;
			}
			tracer_sleep(t);
		}
	}
	/* Anything still in the table was detached by resume(): forget it. */
	rn_proctab_read_lock();
	rn_proctab_foreach(&t->tab, &iter, task) {
		if (!task->hidden)
			emit_detached(t, task);
		rn_proctab_retire(&t->tab, task);
	}
	rn_proctab_read_unlock();
}

/* ---- the loop -------------------------------------------------------- */

/* A wait status collected in a batch (rn_tracer_run). */
struct pending_stop {
	pid_t tid;
	int status;
	uint64_t stime_ns;
};

/* sched_setattr(2)'s argument; glibc 2.36 has no declaration of it. */
struct rn_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

/*
 * A tracer that sleeps between stops (a seccomp filter, --spin 0) is woken
 * by every stop while the traced build keeps both CPUs busy, and the
 * stopped tracee waits until it runs. Under EEVDF (Linux >= 6.6) a task
 * that asks for a short slice gets an earlier deadline and preempts the
 * running one at wakeup instead of waiting for its slice to end (Linux
 * >= 6.12 honours the request: sched_runtime of a SCHED_OTHER task). The
 * tracer's work per stop is a few microseconds: it asks for the least,
 * 100 us. Same priority, same share of CPU; only the latency changes.
 * Measured: 120-unit build, -e trace=%process, 15 alternating rounds,
 * 1.123x -> 1.100x untraced. An older kernel refuses or ignores it.
 * Called after the command is spawned: it must not inherit the request.
 */
static void set_slice(int short_one)
{
	/* sched_runtime 0: the kernel's default slice again */
	struct rn_sched_attr a = { .size = sizeof(a), .sched_policy = SCHED_OTHER,
				   .sched_runtime = short_one ? 100 * 1000 : 0 };
	(void)syscall(SYS_sched_setattr, 0, &a, 0);
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Setup that does not depend on the tracees: fds, policy, copy buffer. */
static int tracer_setup(struct tracer *t)
{
	/* Asked on this thread only: in reserve() and rn_pipeline_finish. */
	t->p->stalled = rn_end_signal_stalled;
	t->p->stalled_arg = NULL;
	if (rn_proctab_init(&t->tab) < 0 || setup_fds(t) < 0) {
		fprintf(stderr, "renacer: cannot set up the tracer: %s\n", strerror(errno));
		return -1;
	}
	t->ptrace_opts = base_options(t->opt);
	t->inj = t->opt->filter.inject;
	const char *wr = getenv("RENACER_WORKER_READS");
	t->use_prefetch = !(wr && strcmp(wr, "1") == 0);
	t->pf_buf = malloc(PF_CAP);
	if (!t->pf_buf || rn_prefetch_init(&t->pf, t->opt) < 0)
		abort();
	rn_stop_policy_init(&t->policy, t->opt, t->use_prefetch ? &t->pf : NULL);
	if (t->opt->stats_self) {
		t->stall = malloc(sizeof(*t->stall));
		if (!t->stall)
			abort();
		rn_hist_init(t->stall);
	}
	return 0;
}

static int seize_detached(struct tracer *t, pid_t pid);

/* Start the command stopped, seize it, let it run. Returns 0, or -1 when
 * it could not be started (said on stderr). *any_seccomp: it runs under
 * renacer's seccomp filter. */
static int spawn_command(struct tracer *t, const sigset_t *orig_mask, int *any_seccomp)
{
	const struct rn_options *opt = t->opt;
	/* A trace set that leaves syscalls out is enforced by seccomp-bpf in
	 * the spawned tree: untraced syscalls never stop a tracee. Not with
	 * an inject= signal: see rn_inject_table.any_signal. */
	struct sock_fprog prog = { 0 };
	int use_seccomp = !opt->filter.traces_all && opt->seccomp != 0 && opt->follow_forks &&
			  !(opt->filter.inject && opt->filter.inject->any_signal);
	/* Without -f the command's children inherit the filter but have no
	 * tracer: their traced syscalls would fail with ENOSYS. So, like
	 * strace, seccomp only with -f (and say so when asked). */
	if (opt->seccomp == 1 && !opt->follow_forks)
		fprintf(stderr, "renacer: --seccomp-bpf cannot be used without "
				"-f/--follow-forks, disabling\n");
	else if (opt->seccomp == 1 && opt->filter.traces_all)
		fprintf(stderr, "renacer: Seccomp filter is requested but there are no "
				"syscalls to filter.  See -e trace to filter syscalls.\n");
	if (use_seccomp && rn_seccomp_build(&opt->filter, &prog) < 0) {
		fprintf(stderr, "renacer: cannot build the seccomp filter\n");
		return -1;
	}
	if (opt->detached_command)
		return seize_detached(t, opt->detached_command);
	pid_t pid = rn_spawn_stopped(opt, orig_mask, use_seccomp ? &prog : NULL);
	if (use_seccomp)
		rn_seccomp_free(&prog);
	if (pid < 0)
		return -1;
	/* -I1 is strace's: renacer may die anywhere, and the kernel then lets
	 * go of the command as of every tracee, to run on */
	unsigned seize_opts = t->ptrace_opts | (opt->interruptible == 1 ? 0 : PTRACE_O_EXITKILL);
	if (use_seccomp)
		seize_opts |= PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, 0, seize_opts) < 0) {
		fprintf(stderr, "renacer: ptrace(PTRACE_SEIZE, %d): %s\n", pid, strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	struct rn_task *task = add_task(t, pid, pid, 0);
	task->hidden = 1;
	task->is_command = 1;
	task->seccomp = (uint8_t)use_seccomp;
	*any_seccomp = use_seccomp;
	t->command_pid = pid;
	kill(pid, SIGCONT);
	return 0;
}

/* -D: the command is this process's grandparent, waiting (in
 * rn_spawn_detached) for the release pipe to close before its execve: it
 * is seized running and interrupted, as -p's processes, then released, so
 * its execve is the first call it makes under the tracer. Hidden until
 * then, as a spawned command. */
static int seize_detached(struct tracer *t, pid_t pid)
{
	const struct rn_options *opt = t->opt;
	unsigned seize_opts = t->ptrace_opts | (opt->interruptible == 1 ? 0 : PTRACE_O_EXITKILL);
	if (ptrace(PTRACE_SEIZE, pid, 0, seize_opts) < 0) {
		fprintf(stderr, "renacer: ptrace(PTRACE_SEIZE, %d): %s\n", pid, strerror(errno));
		kill(pid, SIGKILL);
		return -1;
	}
	struct rn_task *task = add_task(t, pid, pid, 0);
	task->hidden = 1;
	task->is_command = 1;
	t->command_pid = pid;
	ptrace(PTRACE_INTERRUPT, pid, 0, 0);
	close(opt->detached_release);
	/* strace says it attached, as to -p's processes (-q, -o: not) */
	emit_simple(t, task, RN_REC_ATTACHED, 1, 0);
	return 0;
}

/* -p's processes, then the command. Returns 0, or -1 when nothing is to be
 * traced after all (said on stderr). */
static int start_tracees(struct tracer *t, const sigset_t *orig_mask, int *any_seccomp)
{
	const struct rn_options *opt = t->opt;
	unsigned long attached = 0;
	if (opt->n_attach && opt->seccomp == 1)
		fprintf(stderr, "renacer: --seccomp-bpf is not enabled for processes attached with -p\n");
	for (int i = 0; i < opt->n_attach; i++)
		attached += attach_process(t, opt->attach_pids[i]) ? 1 : 0;
	if (opt->n_attach && !attached && !opt->command)
		return -1;
	return opt->command ? spawn_command(t, orig_mask, any_seccomp) : 0;
}

/*
 * How the loop waits for stops (tracer-private). Polling before sleeping
 * pays when stops come microseconds apart: a syscall-bound tracee
 * (sysheavy 2.14 s -> 0.72 s with 100 polls) or a fully traced build
 * (16.7 s -> 11.6 s). Under a seccomp filter stops are rare and far apart,
 * and the polls only take a CPU from the traced build: 0 there (120-unit
 * build, -e trace=%process, 14 alternating runs: 1.159x untraced with 0
 * polls, 1.187x with 100). --spin wins.
 *
 * Adaptive polling (no --spin, no seccomp filter): each poll is a wait4
 * that takes the tasklist lock fork and exit need too, so while processes
 * come and go often polling slows them down more than it saves (forkstorm
 * 500 -c, 7 alternating rounds: 1.01 s polling, 0.88 s adaptive); while
 * syscalls dominate it pays (sysheavy: 2.1 s without, 0.6 s with; a full
 * trace of a build: 16.7 s -> 11.6 s). Every POLL_EPOCH stops: poll only if
 * fewer than one fork or exit came per POLL_STOPS_PER_FORK stops.
 * forkstorm has one every ~36 stops; no epoch of the 120-unit build has
 * one per 64 (at 1 per 200, 45 of its 535 epochs went unpolled and `-f -c`
 * of it took 8.2 -> 9.0 s).
 *
 * Nor does polling pay when no CPU is idle (a CPU-bound build, make -jN on
 * N CPUs): the poll takes the CPU a compiler would have had, and the
 * tracer is preempted between nearly every pair of stops anyway. So an
 * epoch also goes unpolled when, besides the tracer, at least as many
 * tasks are runnable as there are CPUs (/proc/loadavg's fourth field, the
 * kernel's count of runnable tasks at that instant, read once per epoch).
 */
enum { POLL_EPOCH = 1024, POLL_STOPS_PER_FORK = 64, BATCH = 64 };

struct waiting {
	int block;               /* the next wait4 sleeps until a stop (start_tick) */
	int spins;               /* polls in vain so far */
	int adaptive;
	unsigned long epoch_stops, epoch_forks;
	int loadavg_fd;          /* /proc/loadavg, or -1 */
	long ncpus;
	unsigned long since_signal_check;
	struct rusage ru;
	struct rusage *rusage;   /* -c's and --process-summary's system time, or NULL */
};

static void waiting_init(struct tracer *t, struct waiting *w, int any_seccomp)
{
	const struct rn_options *opt = t->opt;
	memset(w, 0, sizeof(*w));
	t->spin_limit = opt->spin >= 0 ? opt->spin : any_seccomp ? 0 : 100;
	t->spin_start = t->spin_limit;
	if (t->spin_limit == 0)
		set_slice(1);
	w->adaptive = opt->spin < 0 && !any_seccomp;
	w->loadavg_fd = w->adaptive ? open("/proc/loadavg", O_RDONLY | O_CLOEXEC) : -1;
	w->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	w->rusage = (opt->count || opt->process_summary) && !opt->summary_wall ? &w->ru : NULL;
}

/*
 * Collect every stop already reported before handling any. wait4(-1) scans
 * the real children before the other tracees, so handling stops one by one
 * would let a busy command starve its descendants' stops (a child's
 * write-exit lost to the SIGKILL its parent sends next); strace batches for
 * the same reason. Returns how many; *last is wait4's last result (errno
 * tells why it was not a stop).
 */
static int collect_stops(struct waiting *w, struct pending_stop *batch, pid_t *last)
{
	int n = 0, status;
	pid_t tid;
	while (n < BATCH &&
	       (tid = wait4(-1, &status, __WALL | (w->block && n == 0 ? 0 : WNOHANG), w->rusage)) > 0) {
		batch[n].tid = tid;
		batch[n].status = status;
		batch[n].stime_ns = w->rusage ? (uint64_t)w->rusage->ru_stime.tv_sec * 1000000000u +
						(uint64_t)w->rusage->ru_stime.tv_usec * 1000u
					      : 0;
		n++;
	}
	*last = tid;
	return n;
}

/* Whether every CPU has a runnable task besides the tracer ("R/T" in
 * /proc/loadavg counts the tracer itself, which is running). 0 when it
 * cannot be read. */
static int no_cpu_idle(const struct waiting *w)
{
	char buf[128];
	if (w->loadavg_fd < 0 || w->ncpus < 1)
		return 0;
	ssize_t n = pread(w->loadavg_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	double l1, l5, l15;
	long running, total;
	if (sscanf(buf, "%lf %lf %lf %ld/%ld", &l1, &l5, &l15, &running, &total) != 5)
		return 0;
	return running - 1 >= w->ncpus;
}

/* Every POLL_EPOCH stops: keep polling, or not while processes come and go
 * or no CPU is idle. */
static void adapt_polling(struct tracer *t, struct waiting *w, int n)
{
	w->epoch_stops += (unsigned long)n;
	if (!w->adaptive || w->epoch_stops < POLL_EPOCH)
		return;
	unsigned long forks = t->lifecycle - w->epoch_forks;
	t->epochs++;
	int want = forks * POLL_STOPS_PER_FORK > w->epoch_stops ? 0 : 100;
	if (want && no_cpu_idle(w)) {
		want = 0;
		t->epochs_busy++;
	}
	if (want == 0)
		t->epochs_unpolled++;
	if (want != t->spin_limit)
		set_slice(want == 0); /* as for a tracer that never polls */
	t->spin_limit = want;
	w->epoch_stops = 0;
	w->epoch_forks = t->lifecycle;
}

static void handle_batch(struct tracer *t, struct waiting *w, const struct pending_stop *batch,
			 int n)
{
	if (w->spins > 0)
		t->polls_found++;
	adapt_polling(t, w, n);
	if (t->stall)
		t->seen_ns = now_ns();
	for (int i = 0; i < n; i++) {
		t->stime_ns = batch[i].stime_ns;
		handle_status(t, batch[i].tid, batch[i].status);
	}
	w->spins = 0;
	/* Not polling: the next wait4 may as well sleep (it returns at once
	 * for a stop already there). */
	w->block = t->spin_limit == 0 && t->have_tick && t->held == 0 && !t->delayed;
	/* A busy tracer never sleeps; look at the signals now and then. */
	w->since_signal_check += (unsigned long)n;
	if (w->since_signal_check >= 256) {
		w->since_signal_check = 0;
		read_signals(t);
	}
}

/* No stop was there: poll again, sleep in wait4 or in epoll. Returns 0 to
 * go on, 1 when no tracee is left (ECHILD). */
static int no_stop(struct tracer *t, struct waiting *w, int blocked, pid_t tid, int err)
{
	if (blocked && tid < 0 && err == EINTR) {
		/* The tick: a fatal signal? Records the workers were not woken
		 * for yet (they are every 64 records otherwise)? */
		read_signals(t);
		rn_pipeline_kick(t->p);
		return 0;
	}
	if (tid < 0 && err == EINTR)
		return 0;
	if (tid < 0 && err == ECHILD)
		return 1;
	if (w->spins < t->spin_limit) {
		w->spins++;
		return 0;
	}
	w->spins = 0;
	if (t->spin_limit > 0)
		t->polls_vain++;
	if (t->have_tick && t->held == 0 && !t->delayed) {
		w->block = 1;
		return 0;
	}
	tracer_sleep(t);
	return 0;
}

static void trace_loop(struct tracer *t, int any_seccomp)
{
	struct waiting w;
	waiting_init(t, &w, any_seccomp);
	while (t->tab.count > 0 || t->parked) {
		drain_handbacks(t);
		if (t->delayed)
			wake_delayed(t, 0);
		if (t->fatal_signal || rn_pipeline_failed(t->p) || rn_pipeline_abandoned(t->p) ||
		    t->limit_reached)
			break;
		struct pending_stop batch[BATCH];
		pid_t last;
		int n = collect_stops(&w, batch, &last);
		int err = errno, blocked = w.block;
		w.block = 0;
		if (n > 0)
			handle_batch(t, &w, batch, n);
		else if (no_stop(t, &w, blocked, last, err))
			break;
	}
	if (w.loadavg_fd >= 0)
		close(w.loadavg_fd);
}

/* After the loop: let go of what is left; how renacer is to end. */
static void finish_tracees(struct tracer *t, struct rn_outcome *out)
{
	/* --kill-on-exit: nothing is let go; renacer's exit kills them all
	 * (PTRACE_O_EXITKILL). --syscall-limit's end still lets them go. */
	const int keep = t->opt->kill_on_exit && !t->limit_reached;
	if (t->tab.count > 0 || t->parked) {
		if (!keep)
			detach_all(t);
		/* strace kills the command it started with the signal that ended it
		 * (one seen only while waiting for the output, too). */
		const int sig = t->fatal_signal ? t->fatal_signal : rn_end_signal_first();
		if (t->command_pid && !t->command_done && sig) {
			kill(t->command_pid, SIGCONT);
			kill(t->command_pid, sig);
		}
	}
	if (t->fatal_signal || rn_end_signal_first()) {
		out->raise_signal = t->fatal_signal ? t->fatal_signal : rn_end_signal_first();
	} else if (t->command_done) {
		if (WIFEXITED(t->command_status))
			out->exit_code = WEXITSTATUS(t->command_status);
		else
			out->raise_signal = WTERMSIG(t->command_status);
	}
}

/* --stats-self: renacer's own counters, on stderr. */
static void report_self(const struct tracer *t)
{
	const struct rn_stats *st = &t->p->stats;
	fprintf(stderr, "renacer: self: %llu records, %llu held for a worker read, %llu copied by "
		"the tracer, %llu ring stalls, %llu lost\n", (unsigned long long)st->records,
		(unsigned long long)st->holds, (unsigned long long)st->prefetched,
		(unsigned long long)st->ring_stalls, (unsigned long long)st->lost);
	fprintf(stderr, "renacer: self: tracee stopped per stop (wait4 to resume): "
		"p50 %.1f us, p99 %.1f us, max %.1f us over %llu stops\n",
		rn_hist_percentile(t->stall, 0.50) / 1e3, rn_hist_percentile(t->stall, 0.99) / 1e3,
		rn_hist_percentile(t->stall, 1.0) / 1e3, (unsigned long long)t->stall->count);
	fprintf(stderr, "renacer: self: polling (--spin %d): %lu stops found while "
		"polling, %lu times polled in vain and slept; %lu of %lu epochs of %d stops "
		"without polling (%lu: processes came and went, %lu: no CPU idle)\n",
		t->spin_start, t->polls_found, t->polls_vain, t->epochs_unpolled, t->epochs,
		POLL_EPOCH, t->epochs_unpolled - t->epochs_busy, t->epochs_busy);
	/* What tracing cost renacer itself so far (the workers and the writer
	 * still have the tail of the trace to do). */
	struct rusage all, mine;
	if (getrusage(RUSAGE_SELF, &all) == 0 && getrusage(RUSAGE_THREAD, &mine) == 0)
		fprintf(stderr, "renacer: self: cpu %.3f s user + %.3f s sys (tracer thread "
			"%.3f + %.3f), context switches %ld voluntary + %ld involuntary "
			"(tracer thread %ld + %ld)\n",
			tv_s(all.ru_utime), tv_s(all.ru_stime), tv_s(mine.ru_utime),
			tv_s(mine.ru_stime), all.ru_nvcsw, all.ru_nivcsw, mine.ru_nvcsw,
			mine.ru_nivcsw);
}

static void tracer_free(struct tracer *t)
{
	free(t->stall);
	if (t->have_tick)
		timer_delete(t->tick);
	rn_stop_policy_free(&t->policy);
	rn_values_free(&t->scratch);
	rn_prefetch_free(&t->pf);
	free(t->pf_buf);
	rn_proctab_destroy(&t->tab);
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->sigfd >= 0)
		close(t->sigfd);
}

struct rn_outcome rn_tracer_run(const struct rn_options *opt, struct rn_pipeline *p,
				const sigset_t *orig_mask)
{
	struct rn_outcome out = { .exit_code = 0 };
	struct tracer t = { .opt = opt, .p = p, .epfd = -1, .sigfd = -1 };
	if (tracer_setup(&t) < 0) {
		out.exit_code = 1;
		return out;
	}
	int any_seccomp = 0; /* the spawned tree runs under renacer's filter */
	if (start_tracees(&t, orig_mask, &any_seccomp) < 0) {
		out.exit_code = 1;
	} else {
		if (start_tick(&t) < 0)
			t.have_tick = 0;
		trace_loop(&t, any_seccomp);
		finish_tracees(&t, &out);
	}
	if (t.stall)
		report_self(&t);
	tracer_free(&t);
	return out;
}
