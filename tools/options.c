/*
 * options.c - renacer's command line, strace's spelling: what its options
 * (optable.c) mean together.
 * Every refusal is one line on stderr naming the problem, exit status 1,
 * before anything is traced.
 */
#define _GNU_SOURCE
#include "cmdline.h"

#include "syscalls/options.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/quote.h"
#include "sinks/proctrack.h"
#include "syscalls/inject.h"

static const struct rn_prog renacer = {
	.id = RN_PROG_RENACER,
	.name = "renacer",
	/* strace's synopsis: the tracing flags and options first, the -c form
	 * second; tuning (--workers, --spin) only in the list below. */
	.usage_head = "usage: renacer [-ACDffhinqqrtttTvVwxxyyzZ] [-e EXPR]... [-o FILE] [-s STRSIZE]\n"
		      "               [-P PATH]... [-S SORTBY] [-U COLUMNS] [-X FORMAT] [--format FMT]\n"
		      "               [-I N] [--capture FILE] [--process-summary]\n"
		      "               [--syscall-limit N] [-b execve]\n"
		      "               { -p PID... | [-E VAR[=VAL]]... [-u USER] [--] COMMAND [ARGS] }\n"
		      "   or: renacer -c[DfwzZ] [-e EXPR]... [-O OVERHEAD] [-S SORTBY] [-U COLUMNS]\n"
		      "               [-P PATH]... [-I N] [--syscall-limit N]\n"
		      "               { -p PID... | [-E VAR[=VAL]]... [-u USER] [--] COMMAND [ARGS] }\n"
		      "\n",
	.usage_tail = "",
	.version = "renacer version 0.1.0",
};

#define die(...) rn_cmdline_die(&renacer, __VA_ARGS__)

/* PATH lookup as the shell would, done here so a missing program is refused
 * before anything forks. */
static const char *resolve_command(const char *name)
{
	struct stat st;
	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			die("Can't stat '%s': %s", name, strerror(errno));
		if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0)
			die("Can't execute '%s': %s", name, strerror(S_ISDIR(st.st_mode) ? EISDIR : EACCES));
		return name;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int found_noexec = 0;
	for (const char *p = path;;) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char *full;
		if (asprintf(&full, "%.*s%s%s", (int)dlen, dlen ? p : ".", "/", name) < 0)
			die("out of memory");
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(full, X_OK) == 0)
				return full;
			found_noexec = 1;
		}
		free(full);
		if (!colon)
			break;
		p = colon + 1;
	}
	if (found_noexec)
		die("Can't execute '%s': %s", name, strerror(EACCES));
	die("Can't stat '%s': %s", name, strerror(ENOENT));
}

/* -u USER: everything the spawned child needs, looked up now, before any
 * thread or fork (getpwnam and getgrouplist are not async-signal-safe): the
 * child only makes the three system calls (tracer/spawn.c). As strace: root
 * only, an unknown user refused. */
static void set_user(struct rn_options *o, const char *name)
{
	if (getuid() != 0 || geteuid() != 0)
		die("You must be root to use the -u/--username option");
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (!pw)
		die("Cannot find user '%s'%s%s", name, errno ? ": " : "", errno ? strerror(errno) : "");
	o->username = name;
	o->run_uid = pw->pw_uid;
	o->run_gid = pw->pw_gid;
	int n = 16;
	for (;;) {
		gid_t *groups = realloc(o->run_groups, sizeof(gid_t) * (size_t)n);
		if (!groups)
			die("out of memory");
		o->run_groups = groups;
		int got = n;
		if (getgrouplist(name, o->run_gid, groups, &got) >= 0) {
			o->n_run_groups = got;
			return;
		}
		if (got <= n) /* no growth asked for: give up rather than loop */
			die("Cannot find the groups of user '%s'", name);
		n = got;
	}
}

/* What the filter options mean together; strace's implicit -q: "-q happens
 * automatically when output is redirected to a file and the command is run
 * directly instead of attaching". */
static void finish_filter(struct rn_cmdline *c, int have_command)
{
	struct rn_options *o = &c->opt;
	char err[256];

	/* The per-process formats read a set of calls of their own: a trace
	 * of other calls would leave their cwd and descriptors wrong. */
	if (o->format == RN_FORMAT_COMPILE_DB || o->format == RN_FORMAT_FILES) {
		if ((o->filter.given & RN_GIVEN_TRACE) || o->filter.npaths)
			die("--format %s chooses the calls it traces: %s cannot go with it",
			    o->format == RN_FORMAT_FILES ? "files" : "compile-db",
			    o->filter.npaths ? "-P" : "-e trace=");
		if (rn_filter_parse_e(&o->filter,
				      o->format == RN_FORMAT_FILES ? rn_pt_trace_files
								   : rn_pt_trace_compile_db,
				      err, sizeof(err)) < 0)
			die("%s", err);
		/* A command line cut at -s would be a wrong command: execve's
		 * argv whole (up to the kernel's limit for one string). */
		if (!(c->seen & RN_SEEN_STRSIZE))
			o->strsize = 128 * 1024;
	}
	if (rn_filter_finish(&o->filter, err, sizeof(err)) < 0)
		die("%s", err);
	if (o->filter.warning)
		fprintf(stderr, "renacer: %s\n", o->filter.warning);
	if (o->filter.inject && o->filter.inject->warning[0]) {
		const char *w = o->filter.inject->warning;
		for (const char *nl; (nl = strchr(w, '\n')); w = nl + 1)
			fprintf(stderr, "renacer: %.*s\n", (int)(nl - w), w);
		fprintf(stderr, "renacer: %s\n", w);
	}
	/* A capture alone (no_trace, below) goes to a file as well. */
	int to_file = o->outfile || (o->capture && !(c->seen & RN_SEEN_FORMAT));
	int quiet_chosen = o->filter.n_q || (o->filter.given & RN_GIVEN_QUIET);
	o->quiet = rn_filter_quiet(&o->filter, RN_QUIET_ATTACH) ||
		   (!quiet_chosen && to_file && have_command && !o->n_attach);
}

/* -t counted and -x counted into their formats. */
static void derive_formats(struct rn_cmdline *c)
{
	struct rn_options *o = &c->opt;

	if (c->tflag && (c->seen & RN_SEEN_LONG_TS))
		die("-t and --absolute-timestamps cannot be provided simultaneously");
	if (c->tflag) {
		/* -t: time; -tt: time with microseconds; -ttt: epoch seconds. */
		o->tf.abs_format = c->tflag >= 3 ? RN_TABS_UNIX : RN_TABS_TIME;
		o->tf.abs_digits = c->tflag >= 2 ? 6 : 0;
	}
	/* -y: paths; -yy: everything strace knows of a descriptor; added to
	 * what --decode-fds chose */
	if (c->yflag)
		o->decode_fds |= c->yflag > 1 ? RN_DECODE_FD_ALL : RN_DECODE_FD_PATH;
	if (c->xflag && c->hexstr)
		die("-x and --strings-in-hex cannot be provided simultaneously");
	if (c->xflag == 1)
		o->quote_flags = RN_QUOTE_HEX_NONPRINT;
	else if (c->xflag > 1)
		o->quote_flags = RN_QUOTE_HEX_ALL;
	else if (c->hexstr)
		o->quote_flags = (unsigned)c->hexstr - 1;
	/* A capture is what a long run is recorded for: rendering its text
	 * as well, for nobody, would cost the run a formatter. The trace is
	 * shown beside it only when asked for where (-o) or how (--format). */
	o->no_trace = o->capture && !o->outfile && !(c->seen & RN_SEEN_FORMAT);
	o->whole_commands = o->process_summary || o->format == RN_FORMAT_REPORT;
}

/* -f, --follow-forks and --output-separately as strace 6.1 has them: -f is
 * counted and decides alone (-f: one trace, -ff: a file per thread), so
 * -f --output-separately is one trace; --follow-forks and
 * --output-separately are each their own half of -ff, and
 * --output-separately alone writes FILE.PID of the one process traced. */
static void derive_follow(struct rn_cmdline *c)
{
	struct rn_options *o = &c->opt;

	if (o->follow_forks && c->follow_long)
		die("-f and --follow-forks cannot be provided simultaneously");
	if (o->follow_forks > 1 && c->output_sep)
		die("-ff and --output-separately cannot be provided simultaneously");
	if (o->follow_forks) {
		o->output_separately = o->follow_forks > 1;
	} else {
		o->follow_forks = c->follow_long;
		o->output_separately = c->output_sep;
	}
}

/* Outputs that cannot go together. */
static void check_outputs(const struct rn_options *o)
{
	/* -ff -o FILE: FILE.TID per traced thread, as strace (whose -ff
	 * without -o is plain -f). One trace file per tid has no room for a
	 * summary or another format: strace refuses -c/-C too. */
	if (o->output_separately && o->outfile) {
		if (o->count)
			die("(-c/--summary-only or -C/--summary) and -ff/--output-separately are "
			    "mutually exclusive");
		if (o->format != RN_FORMAT_TEXT)
			die("-ff with -o writes strace's text: --format json/csv need one file");
		if (o->process_summary)
			die("--process-summary and -ff with -o are mutually exclusive");
	}
	/* Their documents have one schema each: no table goes into them. */
	if (o->process_summary &&
	    (o->format == RN_FORMAT_COMPILE_DB || o->format == RN_FORMAT_FILES))
		die("--process-summary prints a table: --format compile-db/files cannot hold it");
	/* -c/-C print strace's summary table, text only: in a JSON Lines or
	 * CSV stream it would break every reader (a capture gives the table
	 * back in any case: renacer-dump --format stats). */
	if (o->count && o->format != RN_FORMAT_TEXT)
		die("-c/-C print a text table: --format json/csv cannot go with them (use a "
		    "capture and renacer-dump --format stats)");
	/* A page for a browser: on stderr, among the program's own output,
	 * nobody could open it. */
	if (o->format == RN_FORMAT_REPORT && !o->outfile)
		die("--format report writes an HTML page: give -o FILE");
	/* A CSV file is one header and records of its columns: no table fits
	 * (JSON Lines takes the summary as objects of its own type). */
	if (o->process_summary && o->format == RN_FORMAT_CSV)
		die("--process-summary prints a table: --format csv cannot hold it (use "
		    "--format json, or a capture and renacer-dump)");
}

/* The command, or -p: strace's order, then -u's root check. */
static void find_command(struct rn_cmdline *c, int argc, char **argv)
{
	struct rn_options *o = &c->opt;

	if (c->first_arg < argc) {
		o->command = argv + c->first_arg;
		o->command_path = resolve_command(argv[c->first_arg]);
		/* The command starts where renacer is: the base of its
		 * relative paths (compile-db, files), kept in a capture. */
		o->cwd = getcwd(NULL, 0); /* not $PWD: the kernel's */
	} else if (!o->n_attach) {
		die("must have PROG [ARGS] or -p PID");
	}
	if (c->username) {
		set_user(o, c->username);
		if (!o->command)
			die("-u USER applies to a command renacer starts: there is none with -p only");
	}
}

/* -D, -DD, -DDD or --daemonize=: strace's limits and words. */
static void derive_daemonize(struct rn_cmdline *c)
{
	struct rn_options *o = &c->opt;

	if (c->dflag > 3)
		die("Too many -D's (%d), maximum supported -D count is 3", c->dflag);
	o->daemonize = c->daemonize_long ? c->daemonize_long : c->dflag;
	if (o->daemonize && !o->command)
		die("PROG [ARGS] must be specified with -D/--daemonize");
	/* The command seizes no filter of renacer's: it is not renacer's
	 * child but its grandparent, started before the tracer is. */
	if (o->daemonize && o->seccomp == 1)
		fprintf(stderr, "renacer: --seccomp-bpf is not enabled with -D/--daemonize\n");
	if (o->daemonize)
		o->seccomp = 0;
}

/* Options that need another: refused when they would change nothing the
 * user asked for, else a warning, as strace. -w also chooses
 * --process-summary's time measure. */
static void check_dependents(const struct rn_cmdline *c)
{
	const struct rn_options *o = &c->opt;

	if (o->summary_wall && !o->count && !o->process_summary)
		die("-w/--summary-wall-clock must be given with (-c/--summary-only or "
		    "-C/--summary or --process-summary)");
	if (c->capture_opt && !o->capture)
		die("--%s must be given with --capture", c->capture_opt);
	if ((c->seen & RN_SEEN_COLUMNS) && !o->count)
		die("-U/--summary-columns must be given with (-c/--summary-only or -C/--summary)");
	if ((c->seen & RN_SEEN_SORT) && !o->count)
		fprintf(stderr, "renacer: -S/--summary-sort-by has no effect without "
				"(-c/--summary-only or -C/--summary)\n");
	if (o->count == RN_COUNT_ONLY && o->tf.dur)
		fprintf(stderr, "renacer: -T/--syscall-times has no effect with -c/--summary-only\n");
	if (o->append && !o->outfile)
		fprintf(stderr, "renacer: -A/--output-append-mode has no effect without "
				"-o/--output\n");
	if (o->count == RN_COUNT_ONLY && o->decode_fds)
		fprintf(stderr, "renacer: -y/--decode-fds has no effect with -c/--summary-only\n");
}

/* A tracee let go under renacer's seccomp filter would get ENOSYS from
 * every call the filter traces: with nobody to trace them they fail
 * (seccomp(2)'s SECCOMP_RET_TRACE). So the filter is not the default when
 * the trace is to end before the command does (--syscall-limit), nor
 * with -b execve. */
static void derive_seccomp(struct rn_options *o)
{
	if ((o->syscall_limit || o->bail_execve) && o->seccomp < 0)
		o->seccomp = 0;
	/* -b execve lets tracees go in the middle of the run, as the limit
	 * does, at calls it cannot know in advance: never the filter then */
	if (o->bail_execve && o->seccomp == 1) {
		fprintf(stderr, "renacer: --seccomp-bpf is not enabled with -b execve: a process let "
				"go under it could make none of the calls it traces\n");
		o->seccomp = 0;
	}
}

void rn_options_parse(struct rn_options *o, int argc, char **argv)
{
	struct rn_cmdline c;

	rn_cmdline_parse(&c, &renacer, argc, argv);
	c.opt.argc = argc;
	c.opt.argv = argv;
	finish_filter(&c, c.first_arg < argc);
	derive_formats(&c);
	derive_follow(&c);
	check_outputs(&c.opt);
	derive_seccomp(&c.opt);
	find_command(&c, argc, argv);
	derive_daemonize(&c);
	check_dependents(&c);
	*o = c.opt;
}
