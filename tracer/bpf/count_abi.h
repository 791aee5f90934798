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
	__s64 nr;        /* the call in progress, -1 between calls */
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

#endif /* RENACER_BPF_COUNT_ABI_H */
