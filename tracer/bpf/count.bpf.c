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

/* Set by renacer after loading, before the command runs (the bss is
 * mapped into renacer): the command's pid as renacer's namespace sees it
 * and that namespace's device and inode. Cleared here once the command is
 * in the tasks map. */
volatile __u32 seed_pid = 0;
volatile __u64 pidns_dev = 0;
volatile __u64 pidns_ino = 0;

/* --stats-self: tasks followed, forks the full tasks map could not take.
 * Atomic adds (any CPU may count); renacer reads them once the tree is
 * gone. */
__u64 followed = 0;
__u64 lost = 0;

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

/* x86's TS_COMPAT: the task is in a 32-bit syscall (int $0x80), whose
 * number is of the i386 table. */
#define RN_TS_COMPAT 0x0002
#define RN_SIGKILL 9

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

static __always_inline struct rn_bpf_task *seed(__u32 tid)
{
	struct bpf_pidns_info ns;
	if (bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)) ||
	    ns.pid != seed_pid)
		return NULL;
	struct rn_bpf_task t = { .nr = -1, .state = RN_BPF_BEFORE_EXEC };
	if (bpf_map_update_elem(&tasks, &tid, &t, BPF_NOEXIST) == 0)
		__sync_fetch_and_add(&followed, 1);
	seed_pid = 0;
	return bpf_map_lookup_elem(&tasks, &tid);
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
	if (!t) {
		if (!seed_pid || !(t = seed(tid)))
			return 0;
	}
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
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &tid);
	/* No entry seen: a call begun before the task was traced (the
	 * command's kill(SIGSTOP) in the spawner). The number is the one of
	 * the entry: rt_sigreturn's exit reports -1. */
	if (!t || t->nr < 0)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	/* Before the call ends for rn_switch: a switch in between would not
	 * be accounted. */
	__u64 d = clock_end(t);
	__u32 slot = (__u32)t->nr;
	t->nr = -1;
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
	return 0;
}

/* Not loaded with -w. A task in a call: the time it was on the CPU it
 * leaves is added up; the one it comes to starts a new stretch. */
SEC("tp_btf/sched_switch")
int BPF_PROG(rn_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 tid = (__u32)BPF_CORE_READ(prev, pid);
	struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &tid);
	if (t && t->nr >= 0)
		t->run_ns += now - t->since_ns;
	tid = (__u32)BPF_CORE_READ(next, pid);
	t = bpf_map_lookup_elem(&tasks, &tid);
	if (t && t->nr >= 0)
		t->since_ns = now;
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
	struct rn_bpf_task t = { .nr = -1, .state = RN_BPF_TRACED };
	if (bpf_map_update_elem(&tasks, &tid, &t, BPF_ANY) == 0)
		__sync_fetch_and_add(&followed, 1);
	else
		__sync_fetch_and_add(&lost, 1);
	return 0;
}

/* An execve from a thread that is not the leader takes over the leader's
 * tid (whose exit was seen already): carry the task's state over. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(rn_exec, struct task_struct *p, pid_t old_pid)
{
	__u32 old = (__u32)old_pid, tid = (__u32)BPF_CORE_READ(p, pid);
	if (old == tid)
		return 0;
	struct rn_bpf_task *t = bpf_map_lookup_elem(&tasks, &old);
	if (!t)
		return 0;
	struct rn_bpf_task copy = *t;
	bpf_map_update_elem(&tasks, &tid, &copy, BPF_ANY);
	bpf_map_delete_elem(&tasks, &old);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(rn_exit, struct task_struct *p)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_delete_elem(&tasks, &tid);
	return 0;
}
