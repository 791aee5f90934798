/*
 * procsummary.h - the --process-summary table: one row per traced process,
 * in tree order.
 *
 * Format (an example; numbers are right-aligned, the exit status and the
 * command left-aligned; one space between columns, like strace's -c
 * table):
 *
 *       pid      start   duration  syscalls    errors   sys-time exit                  command
 *   ------- ---------- ---------- --------- --------- ---------- --------------------- ----------------------
 *     24486   0.000000   0.123456       120         2   0.001234 exit 0                sh -c sleep 0.1 & wait
 *     24487   0.000512   0.121000        35             0.000400 exit 0                 \_ sleep 0.1
 *     24490   0.000600   0.001000        20         1   0.000100 SIGSEGV (core dumped)  \_ ./crash
 *     24491   0.000700   0.002000         9             0.000050 SIGKILL                    \_ ./child
 *
 *  - pid: the process (thread-group) id.
 *  - start: seconds from the start of the trace to the process's first
 *    event, "%.6f"; duration: its wall time until it exited (or until
 *    renacer stopped tracing it), "%.6f".
 *  - syscalls, errors: completed syscalls of all its threads, and how many
 *    failed; errors is blank when zero, as in strace's -c table.
 *  - sys-time: total time in syscalls, seconds "%.6f" (the same measure as
 *    the -c table: system time by default, wall time with -w).
 *  - exit: "exit N", a signal name ("SIGSEGV", "SIGKILL"; "signal N" when
 *    unnamed) with " (core dumped)" when it dumped core, "detached" for a
 *    process renacer let go while it ran, "?" when unknown.
 *  - command: argv after its last exec, as the caller joined it; bytes
 *    below 0x20 and 0x7f are shown as '?' so a row stays one line. Last
 *    column, not padded. Children sit under their parent, ordered by start
 *    (then pid), indented like `ps f`: depth d >= 1 gets 4 * (d - 1)
 *    spaces then " \_ ".
 *  - Widths: pid 7, start/duration/sys-time 10, syscalls/errors 9, exit 21,
 *    command 7, each growing to fit its widest cell (the command's with
 *    its indentation); one rule of dashes under the header, as wide as
 *    the columns. Seconds are rounded to the microsecond.
 *  - Parent: the row whose pid is this row's ppid and which comes before
 *    it in start order (start, then pid); the latest such row when a pid
 *    was reused. Without one the row is a root (its parent was not
 *    traced). Roots are ordered by start too.
 *  - No rows: nothing is appended.
 */
#ifndef RENACER_PROCSUMMARY_H
#define RENACER_PROCSUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "base/sbuf.h"

enum rn_proc_end {
	RN_PEND_UNKNOWN = 0, /* "?" */
	RN_PEND_EXITED,      /* "exit N" */
	RN_PEND_KILLED,      /* "SIGX" [" (core dumped)"] */
	RN_PEND_DETACHED,    /* "detached" */
};

/* One process. Filled by whoever owns the process bookkeeping at exit;
 * only read here. */
struct rn_proc_row {
	int32_t pid;
	int32_t ppid;          /* 0 or an untraced pid for a root */
	const char *command;   /* argv after the last exec, joined; may be NULL */
	const char *exec_pending; /* argv of an execve whose exit is not seen yet */
	uint64_t start_ns;     /* offset from the start of the trace */
	uint64_t duration_ns;  /* wall time */
	uint64_t syscalls;
	uint64_t errors;
	uint64_t syscall_ns;   /* time in syscalls */
	uint8_t end;           /* enum rn_proc_end */
	uint8_t core_dumped;   /* RN_PEND_KILLED */
	int32_t status;        /* exit code, or the signal number */
};

/* Append the table for rows[0..n) to out; rows may come in any order. */
void rn_procsummary_render(const struct rn_proc_row *rows, size_t n,
			   struct rn_sbuf *out);

#endif /* RENACER_PROCSUMMARY_H */
