/*
 * renacer.c - the renacer program: parse options, start the pipeline
 * threads, run the tracer on this (main) thread, then exit as the command
 * did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "decode/value.h"
#include "syscalls/options.h"
#include "pipeline/pipeline.h"
#include "pipeline/proctab.h"
#include "tracer/bpf_count.h"
#include "tracer/tracer.h"
#include "cmdline.h"
#include "outputs.h"
#include "stdfds.h"

/* Die of sig as the command did, so the shell sees 128+N. No core file of
 * our own: the command's core, if any, is the one that matters. */
static void die_of(int sig)
{
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* A signal whose default is not to die (SIGCHLD, SIGCONT, ...) cannot
	 * be re-raised to the same effect: use strace's fallback. */
	exit(128 + sig);
}

/* Static: what the options hold (the -p list, the filter, the resolved
 * command path) lives as long as the program, so LeakSanitizer sees it
 * reachable on every way out. */
static struct rn_options opt;

/* The trace's descriptor: stdout, -o FILE, or -1 with -ff -o (the writer
 * creates FILE.TID per thread; FILE itself is not written, as strace).
 * Returns -2 when it cannot be opened (said on stderr). */
static int open_trace_output(void)
{
	if (opt.output_separately && opt.outfile)
		return -1;
	if (!opt.outfile)
		return STDOUT_FILENO;
	int fd = open(opt.outfile,
		      O_WRONLY | O_CREAT | O_CLOEXEC | (opt.append ? O_APPEND : O_TRUNC), 0666);
	if (fd < 0) {
		fprintf(stderr, "renacer: Can't fopen '%s': %s\n", opt.outfile, strerror(errno));
		return -2;
	}
	return fd;
}

/* --capture's writer; NULL and a line on stderr when it cannot be had.
 * real_ns/mono_ns: one reading of both clocks, the -t stamps' too. */
static struct rn_capture_writer *open_capture(int out_fd, uint64_t real_ns, uint64_t mono_ns)
{
	if (out_fd >= 0 && rn_outputs_fd_is_capture(out_fd, opt.capture)) {
		fprintf(stderr, "renacer: the trace's output (%s) is the capture file '%s'\n",
			opt.outfile ? opt.outfile : "standard output", opt.capture);
		return NULL;
	}
	struct rn_capture_info info = {
		.opt = &opt,
		.argc = opt.argc,
		.argv = opt.argv,
		.file_prefix = (opt.outfile && (opt.follow_forks || opt.n_attach > 1)) ||
			       opt.always_show_pid,
		.realtime_ns = real_ns,
		.monotonic_ns = mono_ns,
		.max_size = opt.capture_size,
		.max_files = opt.capture_files,
		.level = opt.capture_level,
	};
	/* For the tests of damage between frames: a small run would otherwise
	 * be one frame (they end every MiB). */
	const char *fb = getenv("RENACER_CAPTURE_FRAME_BYTES");
	if (fb)
		info.frame_bytes = strtoull(fb, NULL, 10);
	int err = 0;
	struct rn_capture_writer *capture = rn_capture_create(opt.capture, &info, &err);
	if (capture)
		return capture;
	if (err == ELOOP)
		fprintf(stderr, "renacer: capture '%s': refusing to write through a symlink\n",
			opt.capture);
	else if (err == EINVAL)
		fprintf(stderr, "renacer: capture '%s': not a regular file\n", opt.capture);
	else if (err == RN_CAPTURE_ERR_FOREIGN)
		fprintf(stderr, "renacer: capture '%s': refusing to write a file owned "
			"by another user\n", opt.capture);
	else if (err == RN_CAPTURE_ERR_LINKED)
		fprintf(stderr, "renacer: capture '%s': refusing to write a file with "
			"other hard links\n", opt.capture);
	else
		fprintf(stderr, "renacer: capture '%s': %s\n", opt.capture, strerror(err));
	return NULL;
}

/* After the trace: drain the pipeline and say what went wrong. Returns 1
 * when the output failed. Does not return when the output was abandoned
 * (renacer dies of the signal that asked it to end). */
static int finish_outputs(struct rn_pipeline *pipeline, int out_fd, const struct rn_outcome *out,
			  int end_signal(void))
{
	int failed = rn_pipeline_failed(pipeline);
	int finished = rn_pipeline_finish(pipeline);
	if (finished == RN_PIPELINE_ABANDONED) {
		/* A signal asked to end and nothing reads the output: every
		 * tracee is let go; what is still queued cannot be written. Not
		 * said when stderr is that same output: the line would block. */
		if (!rn_outputs_same_fd(STDERR_FILENO, out_fd))
			fprintf(stderr, "renacer: %s: the output is not being read: the %s ends "
				"early (%llu records dropped, more queued)\n",
				opt.outfile ? opt.outfile : "standard output",
				opt.no_trace ? "run" : "trace",
				(unsigned long long)pipeline->stats.dropped);
		die_of(out->raise_signal ? out->raise_signal : end_signal());
	}
	if (finished < 0)
		failed = 1;
	if (pipeline->stats.lost)
		fprintf(stderr, "renacer: %llu events lost\n", (unsigned long long)pipeline->stats.lost);
	/* A decoder read what the tracer's copy did not cover: that argument
	 * was shown as its address (a wrong plan in decode/prefetch.c). */
	if (pipeline->stats.prefetch_misses)
		fprintf(stderr, "renacer: %llu argument reads missed the tracer's copy\n",
			(unsigned long long)pipeline->stats.prefetch_misses);
	if (out_fd > STDERR_FILENO && close(out_fd) < 0 && !failed) {
		fprintf(stderr, "renacer: close '%s': %s\n", opt.outfile, strerror(errno));
		failed = 1;
	}
	return failed;
}

int main(int argc, char **argv)
{
	const unsigned closed_fds = rn_stdfds_guard();
	rn_options_parse(&opt, argc, argv);
	rn_value_xlat = opt.xlat_style; /* before any thread decodes */
	/* A capture alone writes nothing on stdout but its tables, if any. */
	if ((closed_fds & 2) && !opt.outfile &&
	    (!opt.no_trace || opt.count || opt.process_summary)) {
		fputs("renacer: standard output is closed: nothing to write the trace to "
		      "(use -o FILE)\n", stderr);
		return 1;
	}
	char clash[PATH_MAX * 2 + 100];
	if (rn_outputs_clash(&opt, clash, sizeof(clash)) < 0) {
		fprintf(stderr, "renacer: %s\n", clash);
		return 1;
	}
	/* -D: from here on this is renacer's grandchild, the original
	 * process being the command; before the outputs are opened, so that
	 * the command inherits none of them, and before any thread exists. */
	if (opt.daemonize && rn_spawn_detached(&opt) < 0)
		return 1;
	int out_fd = open_trace_output();
	if (out_fd == -2)
		return 1;

	/* After -o's open, which waits for a reader when FILE is a FIFO: until
	 * here SIGINT and SIGTERM end renacer at once (nothing is traced yet).
	 * Before any thread exists, so that every thread inherits the mask,
	 * and before anything is written: SIGXFSZ is blocked with the rest, so
	 * that a file past RLIMIT_FSIZE fails its write (EFBIG, reported)
	 * instead of killing renacer (rn_tracer_block_signals). */
	sigset_t orig_mask;
	rn_tracer_block_signals(&orig_mask, opt.interruptible);

	/* One reading of both clocks: -t stamps and the capture's header use
	 * the same offset, so a dump prints the live run's times. */
	struct timespec real, mono;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	uint64_t real_ns = (uint64_t)real.tv_sec * 1000000000u + (uint64_t)real.tv_nsec;
	uint64_t mono_ns = (uint64_t)mono.tv_sec * 1000000000u + (uint64_t)mono.tv_nsec;
	struct rn_capture_writer *capture = NULL;
	if (opt.capture && !(capture = open_capture(out_fd, real_ns, mono_ns)))
		return 1;

	rn_proctab_thread_online();
	struct rn_pipeline pipeline;
	if (rn_pipeline_start(&pipeline, &opt, out_fd, capture, (int64_t)(real_ns - mono_ns)) < 0) {
		fprintf(stderr, "renacer: cannot start the pipeline: %s\n", strerror(errno));
		return 1;
	}
	/* -c alone is counted in the kernel where it can be: no stops. */
	struct rn_outcome out;
	int (*end_signal)(void) = rn_bpf_count_end_signal;
	if (!rn_bpf_count_run(&opt, &pipeline, &orig_mask, &out)) {
		out = rn_tracer_run(&opt, &pipeline, &orig_mask);
		end_signal = rn_tracer_end_signal;
	}
	int failed = finish_outputs(&pipeline, out_fd, &out, end_signal);
	rn_proctab_thread_offline();
	if (failed)
		return 1;
	if (out.raise_signal)
		die_of(out.raise_signal);
	return out.exit_code;
}
