/*
 * event.h - a decoded event: what a worker hands the writer, what the
 * capture stores and what renacer-dump reads back.
 *
 * Contract: plain data plus one owned block of typed values (value.h);
 * the thread that holds the event owns the block.
 */
#ifndef RENACER_EVENT_H
#define RENACER_EVENT_H

#include <stdint.h>

#include "decode/value.h"

enum rn_event_kind {
	RN_EV_NONE = 0,   /* nothing to show; keeps the sequence dense */
	RN_EV_ENTRY,      /* values: the arguments shown at entry */
	RN_EV_EXIT,       /* values: the arguments shown at exit; ret, is_error */
	RN_EV_SIGNAL,     /* values: one struct "siginfo"; ret: the signal */
	RN_EV_GROUP_STOP, /* ret: the stopping signal */
	RN_EV_EXITED,     /* ret: exit code */
	RN_EV_KILLED,     /* ret: signal; aux: 1 when it dumped core */
	RN_EV_SUPERSEDED, /* ret: the tid whose execve replaced this leader */
	RN_EV_NEW_TASK,   /* ret: parent tid; aux: 1 for a thread */
	RN_EV_ATTACHED,   /* ret: threads attached with it (-p) */
	RN_EV_DETACHED,   /* the tid was let go; aux: why (enum rn_let_go);
			     ret: the end signal for RN_LET_GO_SIGNAL */
};

/* Why renacer let a task go before it ended: kept in the capture with the
 * task's detached event, so that a dump can say what the trace lacks and
 * why. The numbers are part of the capture format (CAPTURE.md 1.4). */
enum rn_let_go {
	RN_LET_GO_UNSAID = 0, /* not recorded (a capture older than this) */
	RN_LET_GO_SIGNAL,     /* an end signal (SIGINT, SIGTERM, ...) reached renacer */
	RN_LET_GO_LIMIT,      /* --syscall-limit was reached */
	RN_LET_GO_OUTPUT,     /* the trace's output could not be written */
	RN_LET_GO_EXECVE,     /* -b execve: it called execve */
};

/* The reason's name as JSON and renacer-dump show it; NULL for UNSAID and
 * for a number this reader does not know. */
static inline const char *rn_let_go_name(int64_t why)
{
	return why == RN_LET_GO_SIGNAL ? "signal"
	       : why == RN_LET_GO_LIMIT ? "syscall-limit"
	       : why == RN_LET_GO_OUTPUT ? "output-failed"
	       : why == RN_LET_GO_EXECVE ? "execve" : NULL;
}

/* One decoded event. Written by one worker, then owned by the writer. */
/* rn_event.tampered: what -e inject= did to the call (the record's
 * RN_REC_INJECTED, RN_REC_DELAYED and RN_REC_INJECTED_ARGS). */
enum {
	RN_EV_INJECTED = 1u << 0,
	RN_EV_DELAYED = 1u << 1,
	RN_EV_INJECTED_ARGS = 1u << 2,
};

struct rn_event {
	uint64_t seq;
	uint64_t ts_ns;
	int32_t tid;
	int32_t tgid;
	uint32_t ntasks;
	uint16_t kind;        /* enum rn_event_kind */
	uint8_t more;         /* ENTRY: more arguments follow at exit;
				 EXITED/KILLED/SUPERSEDED with finish_pending:
				 the unfinished call had more to show (strace
				 ends it " <unfinished ...>) = ?") */
	uint8_t is_error;     /* EXIT: the call failed (ret = -errno) */
	uint8_t ret_type;     /* EXIT: enum rn_arg_type of the return value */
	uint8_t finish_pending; /* EXITED/KILLED/SUPERSEDED: the tid had an
				   unfinished syscall: end it with ") = ?" */
	uint8_t tampered;     /* EXIT: RN_EV_INJECTED / RN_EV_DELAYED bits */
	int32_t nr;           /* ENTRY/EXIT: syscall number */
	int64_t ret;          /* as the kind says */
	int64_t aux;
	uint64_t ip;          /* -i: the instruction pointer at the stop
				 (ENTRY, EXIT, SIGNAL), 0: unknown */
	uint64_t entry_ts_ns; /* EXIT: when the entry stopped */
	uint64_t duration_ns; /* EXIT: the time -c counts: system CPU time, or
				 with -w (and for -T) exit minus entry */
	uint32_t ret_path_off; /* in bytes: EXIT with -y: the returned fd's path;
				  ENTRY of execve/execveat with --process-summary:
				  the whole command line (argv joined by spaces,
				  not cut at -s) */
	uint32_t ret_path_len; /* 0 when none */
	struct rn_value *v;   /* typed values (value.h), malloc'd with bytes in
				 one block by the worker, freed by the writer */
	uint32_t nv;
	uint32_t nbytes;
	unsigned char *bytes;
};

#endif /* RENACER_EVENT_H */
