/*
 * record.h - the fixed-size record the tracer thread hands to the workers.
 *
 * Contract: a record is plain data. It holds no pointer into tracer-owned
 * memory and carries everything a worker needs to decode and render the
 * event without asking the tracer again, whose state has moved on by then.
 * Pointers that
 * appear in args[] are tracee addresses, read by the worker with
 * process_vm_readv while the tracee is held stopped (RN_REC_HELD), or
 * copied by the tracer before it resumed the tracee (RN_REC_SNAPSHOT).
 *
 * Ownership: written by the tracer thread, copied by value into a worker's
 * ring, read by exactly one worker.
 */
#ifndef RENACER_RECORD_H
#define RENACER_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum rn_rec_kind {
	RN_REC_SYSCALL_ENTRY = 1, /* nr, args[0..5] */
	RN_REC_SYSCALL_EXIT,      /* nr (from the tracer's entry), ret, RN_REC_ERROR */
	RN_REC_NEW_TASK,          /* a tid joined the trace: args[0] = parent tid (0 if none),
				     args[1] = 1 when it is a thread (CLONE_THREAD) */
	RN_REC_EXEC,              /* PTRACE_EVENT_EXEC: args[0] = former tid */
	RN_REC_SIGNAL,            /* signal-delivery-stop: see rn_rec_sig_* below */
	RN_REC_GROUP_STOP,        /* group-stop: args[0] = stopping signal */
	RN_REC_EXITED,            /* args[0] = exit code */
	RN_REC_KILLED,            /* args[0] = signal, args[1] = 1 when it dumped core */
	RN_REC_ATTACHED,          /* -p: args[0] = number of threads attached with it */
	RN_REC_DETACHED,          /* renacer let go of the tid: args[0] = why
				     (enum rn_let_go, event.h), args[1] = the end signal */
	RN_REC_SUPERSEDED,        /* a thread-group leader replaced by an exec in args[0] */
	RN_REC_BYTES,             /* part of the memory copy of the next RN_REC_SNAPSHOT
				     record of the same ring: hold_id bytes of payload
				     from offsetof(args) on (RN_REC_PAYLOAD at most);
				     no seq, no event */
};

/* RN_REC_SIGNAL: the siginfo fields strace prints, flattened. */
enum {
	RN_REC_SIG_SIGNO = 0, /* args[0] */
	RN_REC_SIG_CODE,      /* args[1] */
	RN_REC_SIG_PID,       /* args[2]: si_pid (kill/sigqueue/SIGCHLD) */
	RN_REC_SIG_UID,       /* args[3] */
	RN_REC_SIG_STATUS,    /* args[4]: si_status for SIGCHLD, si_addr for faults */
	RN_REC_SIG_UTIME,     /* args[5]: si_utime for SIGCHLD; ret holds si_stime */
};

enum rn_rec_flags {
	RN_REC_HELD = 1u << 0,     /* tracee held stopped until the worker hands it back */
	RN_REC_ERROR = 1u << 1,    /* syscall exit with is_error set */
	RN_REC_SECCOMP = 1u << 2,  /* entry reported by a seccomp stop */
	RN_REC_HIDDEN = 1u << 3,   /* not shown (e.g. before the command's first execve);
				      still sequenced so the writer's merge stays contiguous */
	RN_REC_SNAPSHOT = 1u << 4, /* the memory its decoders read was copied by the tracer
				      (prefetch.h) into the RN_REC_BYTES records just
				      before it; the tracee already runs on */
	RN_REC_INJECTED = 1u << 5, /* exit: -e inject= replaced the result (error or
				      retval): strace's " (INJECTED)" */
	RN_REC_DELAYED = 1u << 6,  /* exit: -e inject= delayed the call at its entry
				      or exit: strace's " (DELAYED)" */
	RN_REC_INJECTED_ARGS = 1u << 7, /* exit: -e inject='s poke_enter=/poke_exit=
					   wrote into the call's arguments:
					   " (INJECTED: args)" */
};

/*
 * 112 bytes: a fixed size, so a ring is a plain array of records. Checked
 * by the static assertion below and by the record unit test. (104 until
 * -i's ip: no field of the 104 was free at every stop, and 8 bytes more per
 * record is 8% more ring memory, at the same number of records.)
 */
struct rn_record {
	uint64_t seq;      /* global order, stamped by the tracer, dense from 1 */
	uint64_t ts_ns;    /* CLOCK_MONOTONIC at the stop */
	int32_t tid;       /* the thread that stopped */
	int32_t tgid;      /* its thread group: selects the worker */
	uint16_t kind;     /* enum rn_rec_kind */
	uint16_t flags;    /* enum rn_rec_flags */
	int32_t nr;        /* syscall number, -1 when not a syscall record; with -n
			      a signal's, group stop's or end's: the thread's last
			      syscall number (-1: none seen yet) */
	uint32_t ntasks;   /* live traced tids after this event (strace's nprocs) */
	uint32_t hold_id;  /* with RN_REC_HELD: the token to hand back */
	uint64_t ip;       /* -i: the instruction pointer at a syscall or signal
			      stop (PTRACE_GET_SYSCALL_INFO's), 0: unknown or no -i */
	uint64_t args[6];
	int64_t ret;       /* syscall return value, or as the kind says */
	uint64_t stime_ns; /* -c without -w: the tracee's system CPU time at this
			      stop (wait4's rusage), else 0 */
};

_Static_assert(sizeof(struct rn_record) == 112, "rn_record layout changed");

/* RN_REC_BYTES: the payload spans args, ret and stime_ns. */
#define RN_REC_PAYLOAD (sizeof(struct rn_record) - offsetof(struct rn_record, args))
_Static_assert(RN_REC_PAYLOAD == 64, "rn_record payload layout changed");

#endif /* RENACER_RECORD_H */
