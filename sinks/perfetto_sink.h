/*
 * perfetto_sink.h - a trace for ui.perfetto.dev (and chrome://tracing):
 * Chrome's Trace Event Format, JSON Object form, from a stream of events in
 * sequence order.
 *
 *   {"traceEvents":[
 *    {"ph":"X","cat":"syscall","name":"openat","pid":100,"tid":101,
 *     "ts":1234.567,"dur":8.250,"args":{"arguments":"AT_FDCWD, \"/etc/x\", O_RDONLY",
 *     "result":"3","seq":17}},
 *    ...
 *    {"ph":"M","name":"process_name","pid":100,"tid":100,"args":{"name":"make -j2"}}
 *   ],"displayTimeUnit":"ns","otherData":{...}}
 *
 * What it holds (every "pid" is a process = thread group, every "tid" a
 * thread; "ts"/"dur" in microseconds since base_ns, with ns digits):
 *  - one "X" (complete) slice per syscall on its thread's track, "cat"
 *    "syscall", args: strace's argument text, result text ("?" for a call
 *    that never returned: it ends where its thread did), "seq";
 *  - one "X" slice per process lifetime on its leader's track, "cat"
 *    "process" (its syscalls nest in it): from its fork (or first event) to
 *    its leader's exit, args: "pid", "parent", "status" ("exited with 0",
 *    "killed by SIGKILL", "running" at the end of the trace);
 *  - fork and clone links: a flow ("s" on the parent thread inside its
 *    clone call, "f" on the child, "cat" "fork"/"clone", one id each);
 *  - "i" (instant, thread-scoped) events for execve ("exec", args
 *    "filename"), signals ("SIGCHLD", args "siginfo"), group-stops and
 *    "superseded" leaders;
 *  - "M" metadata at the end: process_name = the process's command (the
 *    argv of its last successful execve, else its parent's, else the
 *    traced command), thread_name = the command's basename.
 *
 * Contract: one thread uses a sink at a time; events come in seq order; the
 * sink copies what it keeps (the caller frees an event's values as soon as
 * rn_perfetto_sink_event returns).
 */
#ifndef RENACER_PERFETTO_SINK_H
#define RENACER_PERFETTO_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "sinks/calls.h"
#include "decode/event.h"
#include "syscalls/options.h"
#include "base/sbuf.h"
#include "sinks/text_sink.h" /* rn_sink_write_fn */

struct rn_pf_proc;
struct rn_pf_thread;

struct rn_perfetto_sink {
	const struct rn_options *opt;
	rn_sink_write_fn write;
	void *ctx;
	uint64_t base_ns;        /* ts 0 (CLOCK_MONOTONIC); 0: the first event */
	int have_base;
	uint64_t last_ts;        /* the latest event: where unfinished slices end */
	uint64_t next_flow;      /* flow ids */
	int nevents;             /* trace events written (for the commas) */
	struct rn_sbuf out;
	struct rn_sbuf tmp;
	struct rn_calls calls;   /* each tid's ENTRY until its EXIT */
	struct rn_pf_proc **procs;     /* in order of appearance */
	size_t nprocs, capprocs;
	struct rn_pf_proc **proc_index; /* by tgid, open addressing */
	size_t cap_proc_index;
	struct rn_pf_thread **threads; /* in order of appearance */
	size_t nthreads, capthreads;
	struct rn_pf_thread **thread_index; /* by tid, open addressing */
	size_t cap_thread_index;
	char *root_command;      /* the traced command's text, or NULL */
	char *other_data;        /* "otherData" members (JSON text), or NULL */
	int error;               /* first write error (errno), 0 if none */
};

/* base_ns: the CLOCK_MONOTONIC time shown as 0 (a capture's monotonic_ns);
 * 0: the first event's. command: the traced command (names the first
 * process until it calls execve); NULL if none. */
void rn_perfetto_sink_init(struct rn_perfetto_sink *s, const struct rn_options *opt,
			   uint64_t base_ns, char *const *command, rn_sink_write_fn write,
			   void *ctx);
/* Add a string member to the trailing "otherData" object (host, kernel...). */
void rn_perfetto_sink_info(struct rn_perfetto_sink *s, const char *key, const char *value);
void rn_perfetto_sink_event(struct rn_perfetto_sink *s, const struct rn_event *ev);
/* Write what is buffered (whole trace events only: the sink buffers an
 * event at a time). Returns 0 or an errno value. */
int rn_perfetto_sink_flush(struct rn_perfetto_sink *s);
/* End of trace: unfinished calls and lifetimes end at the last event, the
 * metadata is written, the JSON closed and everything flushed. Returns 0
 * or an errno value. */
int rn_perfetto_sink_finish(struct rn_perfetto_sink *s);
void rn_perfetto_sink_free(struct rn_perfetto_sink *s);

#endif /* RENACER_PERFETTO_SINK_H */
