/*
 * csv_sink.h - CSV (RFC 4180) from a stream of events in sequence order:
 * a header row, then one row per completed syscall and one per process
 * event. Records end in CRLF; a field holding a comma, a double quote, CR
 * or LF is quoted, its quotes doubled.
 *
 * Columns, always, in this order (capture/CAPTURE.md, "CSV"):
 * pid,syscall,arguments,result,seq,ts_ns,duration_ns,error,tid,time_ns,
 * return,errno; a field that does not apply or is not known is empty.
 * "arguments" and "result" are strace's text
 * ("AT_FDCWD, \"/etc/x\", O_RDONLY" / "-1 ENOENT (No such file or
 * directory)"); a call that never returned has result "?".
 *
 * Process events are rows whose syscall column is a marker, strace's words:
 *
 *   syscall          arguments           result
 *   +++ exited                           exit status ("0")
 *   +++ killed                           "SIGKILL", "SIGSEGV (core dumped)"
 *   +++ superseded                       the tid whose execve replaced it
 *   --- SIGCHLD      the siginfo text    (empty)
 *   --- stopped                          the stopping signal ("SIGSTOP")
 *   +++ fork         (new process)       the parent's tid
 *   +++ clone        (new thread)        the parent's tid
 *   +++ attached                         threads attached with it
 *   +++ detached
 *
 * Contract: one thread uses a sink at a time; events must come in seq order.
 * The sink copies what it keeps.
 */
#ifndef RENACER_CSV_SINK_H
#define RENACER_CSV_SINK_H

#include "sinks/calls.h"
#include "decode/event.h"
#include "syscalls/options.h"
#include "base/sbuf.h"
#include "sinks/text_sink.h" /* rn_sink_write_fn */

struct rn_csv_sink {
	const struct rn_options *opt;
	int timing;            /* unused: every column is always there */
	int64_t real_minus_mono; /* CLOCK_REALTIME - CLOCK_MONOTONIC for
				    time_ns; 0: unknown (empty) */
	rn_sink_write_fn write;
	void *ctx;
	struct rn_sbuf out;
	struct rn_sbuf tmp;
	struct rn_calls calls;
	int error;
};

/* Buffers the header row at once (an empty trace is still a valid CSV). */
void rn_csv_sink_init(struct rn_csv_sink *s, const struct rn_options *opt, int timing,
		      rn_sink_write_fn write, void *ctx);
void rn_csv_sink_event(struct rn_csv_sink *s, const struct rn_event *ev);
/* Write what is buffered (whole records only). Returns 0 or an errno value. */
int rn_csv_sink_flush(struct rn_csv_sink *s);
/* End of trace: pending calls as unfinished rows, then flush. */
int rn_csv_sink_finish(struct rn_csv_sink *s);
void rn_csv_sink_free(struct rn_csv_sink *s);

/* One RFC 4180 field (quoted only when it must be). */
void rn_csv_field(struct rn_sbuf *b, const char *p, size_t n);

#endif /* RENACER_CSV_SINK_H */
