/*
 * count_abi.h - what the kernel side of `-c` in eBPF (count.bpf.c) and
 * renacer (tracer/bpf_count.c) share: the layout of the two maps' values.
 * Plain fixed-size types only: the header is compiled for the BPF target
 * (after vmlinux.h) and for x86-64 (after <linux/types.h>).
 */
#ifndef RENACER_BPF_COUNT_ABI_H
#define RENACER_BPF_COUNT_ABI_H

/* Rows of the per-CPU counts array: one per syscall number below
 * RN_BPF_NR_MAX (the -e filter's range, which holds the native table),
 * and one more, RN_BPF_NR_OTHER, for every number past it, a negative one
 * and a call of another ABI (int $0x80): the ptrace path counts those as
 * outside the table too. */
#define RN_BPF_NR_MAX 1024
#define RN_BPF_NR_OTHER RN_BPF_NR_MAX
#define RN_BPF_NR_SLOTS (RN_BPF_NR_MAX + 1)

/* Live tasks of the tree the tasks map can hold at once. Preallocated
 * (64 Ki entries, about 4 MiB): an insertion from the fork tracepoint
 * must not fail for want of memory. A fork past it is counted in `lost`. */
#define RN_BPF_MAX_TASKS 65536

/* Processes attached with -p at once (the attached map). */
#define RN_BPF_MAX_ATTACH 4096

/* --process-summary: the bytes of a process's argument area (argv, NULs
 * between) sent at its execve; a longer command line is cut there. */
#define RN_BPF_CMD_MAX 4096

/* The events ring buffer (process ends for -p, and with
 * --process-summary forks, execs and ends): its size in bytes. */
#define RN_BPF_EVENTS_SMALL (64 * 1024)
#define RN_BPF_EVENTS_BIG (8 * 1024 * 1024)

/* rn_bpf_task.nr: no call in progress; or a task that began to be counted
 * while it may have been inside a call (-p): its exit is counted under
 * the number the kernel reports there. */
#define RN_BPF_NO_CALL (-1)
#define RN_BPF_IN_CALL_UNSEEN (-2)

/* A traced task's state (tasks map, keyed by its global tid). */
enum rn_bpf_state {
	RN_BPF_BEFORE_EXEC = 1, /* the started command, not yet at its execve */
	RN_BPF_FIRST_EXEC = 2,  /* in its first execve */
	RN_BPF_TRACED = 3,      /* every call counted */
};

/* Written by the task itself (at its syscall entry and exit), by the
 * context switches that take it off and put it on a CPU (never at the
 * same time as it runs a syscall tracepoint), and by the fork tracepoint
 * before the child first runs. */
struct rn_bpf_task {
	__s64 nr;        /* the call in progress, RN_BPF_NO_CALL, RN_BPF_IN_CALL_UNSEEN */
	__u64 start_ns;  /* -w: ktime at entry */
	__u64 run_ns;    /* else: time on a CPU in the call so far ... */
	__u64 since_ns;  /*   ... and since when it has been on one */
	__u32 state;     /* enum rn_bpf_state */
	__u32 pad;
};

/* One syscall number's counts on one CPU. */
struct rn_bpf_count {
	__u64 calls;
	__u64 errors;
	__u64 total_ns;
	__u64 min_ns;    /* meaningful once calls > 0 */
	__u64 max_ns;
};

/* --process-summary: one process's counts and life (procs map, keyed by
 * its global tgid, and in its RN_BPF_EV_EXIT event). Created by the fork
 * tracepoint, or when the command or an attached process is first seen;
 * its counts added to by its threads' syscall exits (atomic adds: threads
 * on other CPUs count into the same row); the rest written at its end by
 * the thread that ends it, when no other thread of it runs. */
struct rn_bpf_proc {
	__u64 calls;
	__u64 errors;
	__u64 total_ns;
	__u64 start_ns;  /* ktime when it began to be counted */
	__u64 end_ns;    /* ktime of its end (RN_BPF_EV_EXIT only) */
	__s32 pid;       /* tgid in renacer's pid namespace, 0 not known yet */
	__s32 ppid;      /* its parent's, 0 for the command and -p's processes */
	__s32 status;    /* RN_BPF_EV_EXIT: a wait status (exit << 8, or signal | core 0x80) */
	__u32 pad;
};

enum rn_bpf_ev_kind {
	RN_BPF_EV_EXIT = 1, /* a process with a row, or (-p) a traced one, ended */
	RN_BPF_EV_FORK = 2, /* a traced task forked a process */
	RN_BPF_EV_EXEC = 3, /* a traced process's execve succeeded */
	RN_BPF_EV_THREAD = 4, /* a traced process made a thread (tgid: its tid) */
};

/* One record of the events ring buffer. An RN_BPF_EV_EXEC record is
 * followed by len bytes of the new program's argument area. */
struct rn_bpf_event {
	__u32 kind;      /* enum rn_bpf_ev_kind */
	__u32 tgid;      /* global */
	__u32 ptgid;     /* RN_BPF_EV_FORK: the parent's global tgid;
			    RN_BPF_EV_EXEC: 1 when the bytes are the
			    16 of the task's comm, NUL-padded (its
			    arguments could not be read) */
	__u32 len;       /* RN_BPF_EV_EXEC: bytes that follow */
	struct rn_bpf_proc row; /* RN_BPF_EV_EXIT with --process-summary */
};

#endif /* RENACER_BPF_COUNT_ABI_H */
