// SPDX-License-Identifier: GPL-2.0
/*
 * count.bpf.c - `renacer -c` counted in the kernel: calls, errors and time
 * per syscall number of one process tree, with no ptrace stop at all.
 * User space (tracer/bpf_count.c) loads it, names the command it started,
 * and reads the counts once, at the end.
 *
 * The tree: the tasks map holds every traced task by global tid. The
 * command is put there by its own first syscall after renacer let it go
 * (seed_pid, in renacer's pid namespace, which may not be the initial
 * one), before its execve; its children are added by sched_process_fork
 * (with -f), which runs before a new task can run, so no first call of a
 * fast child is missed; sched_process_exit takes them out. As strace does,
 * the command is counted from its execve on: what the spawner does before
 * it (-u's setuid) is not its own.
 *
 * Counting is per CPU (no lock, no ring buffer, no work in user space per
 * call): row nr of the counts array, summed over the CPUs at the end.
 *
 * -p: renacer puts the attached pids in the attached map (with -f every
 * thread of such a process belongs to the tree, without it only the one
 * whose tid it is). A task of one is taken into the tasks map by itself,
 * at its next syscall entry or exit (or, when renacer's pids are the
 * global ones, when it is next switched onto a CPU): no thread created
 * between renacer's look at /proc and the map's filling is missed, and
 * no task that already ended can be put in the map by user space and
 * stay there. A call it was inside when attached is counted at its exit,
 * timed from the attach, as ptrace counts the call it interrupts at the
 * attach and that is then restarted.
 *
 * --process-summary: per process (procs map, by global tgid) calls,
 * errors and time, its start, parent and end; its forks, execs (with the
 * new program's arguments, read from its memory at the exec) and ends go
 * to user space through the events ring buffer, in the order they
 * happened, so that a pid used again is a new row.
 *
 * GPL: bpf_get_ns_current_pid_tgid and the BTF tracepoints are GPL-only
 * helpers and program types.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "tracer/bpf/count_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by renacer before loading. */
const volatile int follow_forks = 0; /* -f: children and threads too */
const volatile int wall = 0;         /* -w: wall time, else run time */
const volatile int per_process = 0;  /* --process-summary: procs and events */
const volatile int attaching = 0;    /* -p: the attached map */
const volatile int pidns_init = 0;   /* renacer's pids are the global ones */
const volatile int task_events = 0;  /* -f, not -q: every new task told */

/* Set by renacer after loading, before the command runs (the bss is
 * mapped into renacer): the command's pid as renacer's namespace sees it
 * and that namespace's device and inode. Cleared here once the command is
 * in the tasks map. */
volatile __u32 seed_pid = 0;
volatile __u64 pidns_dev = 0;
volatile __u64 pidns_ino = 0;
/* -p: bpf_ktime_get_ns (CLOCK_MONOTONIC) when renacer last put a pid in
 * the attached map, set just before; and how many attached processes it
 * still waits for (0: no task is looked for in the attached map). */
volatile __u64 attach_ns = 0;
volatile __u32 attach_open = 0;

/* --stats-self: tasks followed, forks the full tasks map could not take.
 * Atomic adds (any CPU may count); renacer reads them once the tree is
 * gone. */
__u64 followed = 0;
__u64 lost = 0;
/* Tasks in the tasks map (atomic adds and subtractions): -p -f ends once
 * no attached process is alive and this is 0. Read by renacer after an
 * RN_BPF_EV_EXIT event (the ring buffer's submit orders it before). */
__u64 live = 0;
/* --process-summary: rows the full procs map could not take, events the
 * full ring buffer could not take (said on stderr). */
__u64 procs_lost = 0;
__u64 events_lost = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RN_BPF_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct rn_bpf_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RN_BPF_NR_SLOTS);
	__type(key, __u32);
	__type(value, struct rn_bpf_count);
} counts SEC(".maps");

/* -p's pids in renacer's namespace; written by renacer only. Its size is
 * set before loading (the number of -p pids). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RN_BPF_MAX_ATTACH);
	__type(key, __u32);
	__type(value, __u32);
} attached SEC(".maps");

/* --process-summary's rows of the living processes (one entry unless
 * asked for: set before loading). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RN_BPF_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct rn_bpf_proc);
} procs SEC(".maps");

/* Its size set before loading (RN_BPF_EVENTS_*). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RN_BPF_EVENTS_SMALL);
} events SEC(".maps");

/* An exec's event is built here (too big for the BPF stack). */
struct exec_buf {
	struct rn_bpf_event ev;
	char cmd[RN_BPF_CMD_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_buf);
} scratch SEC(".maps");

/* x86's TS_COMPAT: the task is in a 32-bit syscall (int $0x80), whose
 * number is of the i386 table. */
#define RN_TS_COMPAT 0x0002
#define RN_SIGKILL 9
#define RN_PF_EXITING 0x4

/*
 * strace's "system time" of a call is the CPU time the task ran between
 * its entry and its exit, all of it in the kernel. The scheduler's own
 * account (se.sum_exec_runtime) is brought up to date only at ticks and
 * switches, and the update then covers everything since the last one:
 * read at entry and exit, a blocking call would be charged the user time
 * that ran before it (a make's vfork read 356 us per call that way). So
 * the time on a CPU is measured here, with one clock: from entry to exit,
 * less every stretch between a switch away and the switch back
 * (rn_switch). -w: from entry to exit.
 */
static __always_inline void clock_start(struct rn_bpf_task *t)
{
	__u64 now = bpf_ktime_get_ns();
	t->start_ns = now;
	t->since_ns = now;
	t->run_ns = 0;
}

static __always_inline __u64 clock_end(struct rn_bpf_task *t)
{
	__u64 now = bpf_ktime_get_ns();
	if (wall)
		return now - t->start_ns;
	return t->run_ns + (now - t->since_ns);
}

/* The current task's tid and tgid in renacer's pid namespace. */
static __always_inline int ns_ids(__u32 *pid, __u32 *tgid)
{
	if (pidns_init) {
		__u64 id = bpf_get_current_pid_tgid();
		*pid = (__u32)id;
		*tgid = (__u32)(id >> 32);
		return 0;
	}
	struct bpf_pidns_info ns;
	if (bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)))
		return -1;
	*pid = ns.pid;
	*tgid = ns.tgid;
	return 0;
}

/* Put tid in the tasks map: the entry, or NULL when the map is full. An
 * entry already there (a tid seen again before its exit was: never, but
 * cheap to survive) is replaced without counting it twice. */
static __always_inline struct rn_bpf_task *add_task(__u32 tid, struct rn_bpf_task *t)
{
	long err = bpf_map_update_elem(&tasks, &tid, t, BPF_NOEXIST);
	if (err == 0) {
		__sync_fetch_and_add(&followed, 1);
		__sync_fetch_and_add(&live, 1);
	} else if (err != -17 /* EEXIST */ || bpf_map_update_elem(&tasks, &tid, t, BPF_ANY)) {
		__sync_fetch_and_add(&lost, 1);
		return NULL;
	}
	return bpf_map_lookup_elem(&tasks, &tid);
}

/* --process-summary: the row of a process now first counted. A row that
 * is there already (another thread of an attached process was first) is
 * kept. */
static __always_inline void new_proc(__u32 tgid, __s32 pid, __s32 ppid, __u64 start)
{
	if (!per_process)
		return;
	struct rn_bpf_proc r = { .start_ns = start, .pid = pid, .ppid = ppid };
	long err = bpf_map_update_elem(&procs, &tgid, &r, BPF_NOEXIST);
	if (err && err != -17 /* EEXIST */)
		__sync_fetch_and_add(&procs_lost, 1);
}

static __always_inline struct rn_bpf_task *seed(__u32 tid)
{
	__u32 pid, tgid;
	if (ns_ids(&pid, &tgid) || pid != seed_pid)
		return NULL;
	struct rn_bpf_task t = { .nr = RN_BPF_NO_CALL, .state = RN_BPF_BEFORE_EXEC };
	seed_pid = 0;
	struct rn_bpf_task *p = add_task(tid, &t);
	if (p)
		new_proc((__u32)(bpf_get_current_pid_tgid() >> 32), (__s32)tgid, 0,
			 bpf_ktime_get_ns());
	return p;
}

/* -p: a task of an attached process (ids in renacer's namespace; with -f
 * any thread of it, else the one whose tid was given) is taken in, in the
 * state nr says, its clock started at since. NULL: not one. */
static __always_inline struct rn_bpf_task *seed_attached(__u32 tid, __u32 gtgid, __u32 pid,
							 __u32 tgid, __s64 nr, __u64 since)
{
	__u32 key = follow_forks ? tgid : pid;
	if (!bpf_map_lookup_elem(&attached, &key))
		return NULL;
	struct rn_bpf_task t = {
		.nr = nr, .state = RN_BPF_TRACED, .start_ns = since, .since_ns = since,
	};
	struct rn_bpf_task *p = add_task(tid, &t);
	if (p)
		new_proc(gtgid, (__s32)tgid, 0, attach_ns);
	return p;
}

/* The same for the current task. */
static __always_inline struct rn_bpf_task *seed_attached_current(__s64 nr, __u64 since)
{
	__u32 pid, tgid;
	if (!attaching || !attach_open || ns_ids(&pid, &tgid))
		return NULL;
	__u64 id = bpf_get_current_pid_tgid();
	return seed_attached((__u32)id, (__u32)(id >> 32), pid, tgid, nr, since);
}

/*
 * Whether ptrace would have seen no exit of this call: the task is being
 * killed (SIGKILL is in its own pending set by now: a SIGKILL, another
 * thread's exit_group, or a fatal signal the kernel turned into SIGKILL
 * for the whole group because no tracer wants it). For the last, ptrace
 * does see the exit of the call the signal interrupted (the signal is not
 * turned into SIGKILL for a traced task; it is delivered after the call's
 * exit) in the thread that takes it: the one it was sent to, or for one
 * sent to the process the leader, which the kernel wakes for it first.
 */
static __always_inline int killed_in_call(struct task_struct *task)
{
	__u64 own = BPF_CORE_READ(task, pending.signal.sig[0]);
	if (!(own & (1ull << (RN_SIGKILL - 1))))
		return 0;
	int code = BPF_CORE_READ(task, signal, group_exit_code);
	int sig = code & 0x7f;
	if (sig == 0 || sig == RN_SIGKILL || sig > 64 || (code & ~0xff))
		return 1; /* SIGKILL, exit_group's status << 8 */
	__u64 bit = 1ull << (sig - 1);
	if (own & bit)
		return 0;
	__u64 shared = BPF_CORE_READ(task, signal, shared_pending.signal.sig[0]);
	return !((shared & bit) && BPF_CORE_READ(task, pid) == BPF_CORE_READ(task, tgid));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(rn_sys_enter, struct pt_regs *regs, long id)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &tid);
	if (!t && seed_pid)
		t = seed(tid);
	if (!t && !(t = seed_attached_current(RN_BPF_NO_CALL, 0)))
		return 0;
	if (t->state == RN_BPF_BEFORE_EXEC) {
		if (id != 59 && id != 322) /* execve, execveat */
			return 0;
		t->state = RN_BPF_FIRST_EXEC;
	}
	struct task_struct *task = bpf_get_current_task_btf();
	__s64 nr = id;
	if (bpf_core_field_exists(task->thread_info.status) &&
	    (BPF_CORE_READ(task, thread_info.status) & RN_TS_COMPAT))
		nr = RN_BPF_NR_OTHER;
	else if (nr < 0 || nr >= RN_BPF_NR_MAX)
		nr = RN_BPF_NR_OTHER;
	t->nr = nr;
	clock_start(t);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rn_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &tid);
	/* -p: the exit of a call the task was inside when attached. */
	if (!t && !(t = seed_attached_current(RN_BPF_IN_CALL_UNSEEN, attach_ns)))
		return 0;
	/* No entry seen: a call begun before the task was traced (the
	 * command's kill(SIGSTOP) in the spawner). The number is the one of
	 * the entry: rt_sigreturn's exit reports -1. */
	if (t->nr == RN_BPF_NO_CALL)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	if (t->nr == RN_BPF_IN_CALL_UNSEEN) {
		/* Attached inside a call: the kernel's own number of it (an
		 * rt_sigreturn there says -1: not counted). */
		__s64 nr = BPF_CORE_READ(regs, orig_ax);
		if (nr < 0) {
			t->nr = RN_BPF_NO_CALL;
			return 0;
		}
		if ((bpf_core_field_exists(task->thread_info.status) &&
		     (BPF_CORE_READ(task, thread_info.status) & RN_TS_COMPAT)) ||
		    nr >= RN_BPF_NR_MAX)
			nr = RN_BPF_NR_OTHER;
		t->nr = nr;
	}
	/* Before the call ends for rn_switch: a switch in between would not
	 * be accounted. */
	__u64 d = clock_end(t);
	__u32 slot = (__u32)t->nr;
	t->nr = RN_BPF_NO_CALL;
	if (killed_in_call(task))
		return 0;
	int failed = (unsigned long)ret >= (unsigned long)-4095;
	/* A first execve that failed hides the spawner's error report and
	 * exit again, as under ptrace. */
	if (t->state == RN_BPF_FIRST_EXEC)
		t->state = failed ? RN_BPF_BEFORE_EXEC : RN_BPF_TRACED;
	if (slot > RN_BPF_NR_OTHER)
		slot = RN_BPF_NR_OTHER;
	struct rn_bpf_count *c = bpf_map_lookup_elem(&counts, &slot);
	if (!c)
		return 0;
	/* Atomic although per CPU: the syscall tracepoints may run with
	 * preemption enabled (faultable since Linux 6.13), so another task
	 * on this CPU may be counting into the same row. The extremes may
	 * lose such a race; they are only the -U min/max columns. */
	if (__sync_fetch_and_add(&c->calls, 1) == 0 || d < c->min_ns)
		c->min_ns = d;
	if (d > c->max_ns)
		c->max_ns = d;
	if (failed)
		__sync_fetch_and_add(&c->errors, 1);
	__sync_fetch_and_add(&c->total_ns, d);
	if (per_process) {
		__u32 tgid = (__u32)(id >> 32);
		struct rn_bpf_proc *r = bpf_map_lookup_elem(&procs, &tgid);
		if (r) {
			__sync_fetch_and_add(&r->calls, 1);
			if (failed)
				__sync_fetch_and_add(&r->errors, 1);
			__sync_fetch_and_add(&r->total_ns, d);
			/* A forked child's pid in renacer's namespace, when that
			 * is not the initial one: known from its own calls. */
			__u32 npid, ntgid;
			if (!r->pid && !ns_ids(&npid, &ntgid))
				r->pid = (__s32)ntgid;
		}
	}
	return 0;
}

/* Not loaded with -w. A task in a call (or maybe in one, -p): the time
 * it was on the CPU it leaves is added up; the one it comes to starts a
 * new stretch. */
SEC("tp_btf/sched_switch")
int BPF_PROG(rn_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 tid = (__u32)BPF_CORE_READ(prev, pid);
	struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &tid);
	if (t && t->nr != RN_BPF_NO_CALL)
		t->run_ns += now - t->since_ns;
	tid = (__u32)BPF_CORE_READ(next, pid);
	t = bpf_map_lookup_elem(&tasks, &tid);
	if (t && t->nr != RN_BPF_NO_CALL) {
		t->since_ns = now;
	} else if (!t && attaching && attach_open && pidns_init &&
		   !(BPF_CORE_READ(next, flags) & RN_PF_EXITING)) {
		/* -p: an attached task that comes back to a CPU may be inside
		 * a call; its time on a CPU there counts from now. (next is
		 * not the current task: its ids in another namespace than
		 * the initial one are not to be had here, and such a task's
		 * call is timed from the attach instead.) One in do_exit is
		 * still switched to after its exit tracepoint: taken in, it
		 * would stay in the map, and its tid's next owner with it. */
		__u32 tgid = (__u32)BPF_CORE_READ(next, tgid);
		seed_attached(tid, tgid, tid, tgid, RN_BPF_IN_CALL_UNSEEN, now);
	}
	return 0;
}

/* Runs in the parent before the child is first woken. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(rn_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!follow_forks)
		return 0;
	__u32 ptid = (__u32)bpf_get_current_pid_tgid();
	struct rn_bpf_task *p = bpf_map_lookup_elem(&tasks, &ptid);
	if (!p || p->state != RN_BPF_TRACED)
		return 0;
	__u32 tid = (__u32)BPF_CORE_READ(child, pid);
	__u32 tgid = (__u32)BPF_CORE_READ(child, tgid);
	struct rn_bpf_task t = { .nr = RN_BPF_NO_CALL, .state = RN_BPF_TRACED };
	if (!add_task(tid, &t))
		return 0;
	int process = tgid == tid;
	if (per_process && process) {
		/* A new process (not a thread): its row; renacer is told its
		 * parent, whose command it has until it execs. */
		__u32 ppid, pptgid;
		if (ns_ids(&ppid, &pptgid))
			pptgid = 0;
		new_proc(tgid, pidns_init ? (__s32)tgid : 0, (__s32)pptgid, bpf_ktime_get_ns());
	} else if (!task_events) {
		return 0;
	}
	struct rn_bpf_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&events_lost, 1);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = process ? RN_BPF_EV_FORK : RN_BPF_EV_THREAD;
	e->tgid = process ? tgid : tid;
	e->ptgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* An execve from a thread that is not the leader takes over the leader's
 * tid (whose exit was seen already): carry the task's state over. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(rn_exec, struct task_struct *p, pid_t old_pid)
{
	__u32 old = (__u32)old_pid, tid = (__u32)BPF_CORE_READ(p, pid);
	if (old != tid) {
		struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &old);
		if (!t)
			return 0;
		struct rn_bpf_task copy = *t;
		if (bpf_map_delete_elem(&tasks, &old) == 0)
			__sync_fetch_and_sub(&live, 1);
		add_task(tid, &copy);
	} else if (!bpf_map_lookup_elem(&tasks, &tid)) {
		return 0;
	}
	if (!per_process)
		return 0;
	/* The new program's argument area, argv with a NUL after each, as
	 * the kernel just laid it out on the new stack (present: written
	 * by the exec itself). Its name alone (comm) if it cannot be read. */
	__u32 zero = 0;
	struct exec_buf *b = bpf_map_lookup_elem(&scratch, &zero);
	if (!b)
		return 0;
	__u64 start = BPF_CORE_READ(p, mm, arg_start), end = BPF_CORE_READ(p, mm, arg_end);
	__u64 n = end > start ? end - start : 0;
	if (n > RN_BPF_CMD_MAX)
		n = RN_BPF_CMD_MAX;
	b->ev.ptgid = 0;
	if (n == 0 || bpf_probe_read_user(b->cmd, n, (const void *)start)) {
		bpf_get_current_comm(b->cmd, 16);
		n = 16;
		b->ev.ptgid = 1; /* comm: NUL-padded */
	}
	b->ev.kind = RN_BPF_EV_EXEC;
	b->ev.tgid = (__u32)BPF_CORE_READ(p, tgid);
	b->ev.len = (__u32)n;
	if (bpf_ringbuf_output(&events, b, sizeof(b->ev) + n, 0))
		__sync_fetch_and_add(&events_lost, 1);
	return 0;
}

/* The wait status of the process whose last thread is task, as wait4
 * will report it: a group exit's code (exit_group, a fatal signal), else
 * the leader's own. */
static __always_inline __s32 exit_status(struct task_struct *task)
{
	unsigned int flags = BPF_CORE_READ(task, signal, flags);
	if (flags & 0x4 /* SIGNAL_GROUP_EXIT */)
		return BPF_CORE_READ(task, signal, group_exit_code);
	return BPF_CORE_READ(task, group_leader, exit_code);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(rn_exit, struct task_struct *p)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = (__u32)(id >> 32);
	int traced = bpf_map_delete_elem(&tasks, &tid) == 0;
	if (traced)
		__sync_fetch_and_sub(&live, 1);
	if (!per_process && !(attaching && traced))
		return 0;
	/* Only the end of the whole process is told (the thread group's
	 * live count is down before this tracepoint). */
	struct task_struct *task = bpf_get_current_task_btf();
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	struct rn_bpf_proc *r = per_process ? bpf_map_lookup_elem(&procs, &tgid) : NULL;
	if (!r && !traced)
		return 0;
	struct rn_bpf_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&events_lost, 1);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = RN_BPF_EV_EXIT;
	e->tgid = tgid;
	if (r) {
		e->row = *r;
		e->row.end_ns = bpf_ktime_get_ns();
		e->row.status = exit_status(task);
		__u32 npid, ntgid;
		if (!e->row.pid && !ns_ids(&npid, &ntgid))
			e->row.pid = (__s32)ntgid;
		bpf_map_delete_elem(&procs, &tgid);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}
