/*
 * tracer.h - the tracer thread: the only caller of ptrace() and waitpid()
 * (the kernel ties a tracee to the thread that seized it). It runs on the
 * main thread after the pipeline threads
 * have started, follows every traced tid, and turns each stop into one
 * rn_record pushed to the pipeline.
 */
#ifndef RENACER_TRACER_H
#define RENACER_TRACER_H

#include <signal.h>
#include "syscalls/options.h"
#include "pipeline/pipeline.h"

/* How renacer itself should end. */
struct rn_outcome {
	int exit_code;    /* exit with this ... */
	int raise_signal; /* ... or, when non-zero, die of this signal */
};

/* Block the signals the tracer takes through its signalfd. Call on the main
 * thread before any other thread exists so every thread inherits the mask;
 * `orig` receives the mask to restore in the spawned command.
 * interruptible is -I's: 0 or 2, the end signals (SIGHUP, SIGINT, SIGTERM,
 * ... fatal_signals in tracer.c) end the trace cleanly between stops; 1,
 * none is blocked or taken, so one kills renacer where it is; 3, SIGHUP,
 * SIGINT, SIGQUIT, SIGPIPE and SIGTERM stay blocked and never end it; 4,
 * SIGTSTP too. */
void rn_tracer_block_signals(sigset_t *orig, int interruptible);
/* In the spawned child, before it restores its mask and execs: the end
 * signals' dispositions as they were before renacer's (async-signal-safe). */
void rn_tracer_restore_signals(void);

/* The first signal that asked renacer to end (0: none), also one that
 * arrived after rn_tracer_run returned, while the output was drained. */
int rn_tracer_end_signal(void);

/* Trace the command (opt->command) or the attached pids until every tracee
 * is gone or a fatal signal asks to detach. */
struct rn_outcome rn_tracer_run(const struct rn_options *opt, struct rn_pipeline *p,
				const sigset_t *orig_mask);

/* Spawn the command stopped, ready for PTRACE_SEIZE (spawn.c); once
 * continued it installs `filter` (NULL: none) and execs. Returns the pid,
 * or -1 after printing why. */
struct sock_fprog;
/* -D: fork twice before any thread exists. Returns 0 in the grandchild,
 * the tracer to be, with opt->detached_command (the original process) and
 * opt->detached_release set; the middle process exits at once (-DD: after
 * setpgid, -DDD: setsid), so that the tracer is nobody's child the shell
 * waits for. The original process becomes the command, keeping its pid and
 * parent: it waits until the tracer has seized it and closed the release
 * pipe, then execs, and never returns (exit 1 if renacer never traced
 * it). -1 on failure, said on stderr, nothing forked left. */
int rn_spawn_detached(struct rn_options *opt);

pid_t rn_spawn_stopped(const struct rn_options *opt, const sigset_t *orig_mask,
		       const struct sock_fprog *filter);

#endif /* RENACER_TRACER_H */
