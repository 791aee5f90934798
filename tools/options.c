/*
 * options.c - the command line, strace's spelling (see options.h).
 * Every refusal is one line on stderr naming the problem, exit status 1,
 * before anything is traced.
 */
#define _GNU_SOURCE
#include "syscalls/options.h"
#include "stats/summary.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/quote.h"

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("renacer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	puts("usage: renacer [-fqx] [-o FILE] [-s STRSIZE] [-p PID]... [--workers N]\n"
	     "               [--spin N] [--] COMMAND [ARGS]\n"
	     "\n"
	     "  -f            follow forks, vforks and clones (processes and threads)\n"
	     "  -ff           with -o FILE: one file FILE.TID per traced thread\n"
	     "  -o FILE       write the trace to FILE instead of stdout\n"
	     "  -p PID[,PID]  attach to running processes (repeatable)\n"
	     "  -u USER       run the command as USER: its uid, gid and groups (root only)\n"
	     "  -s STRSIZE    show at most STRSIZE bytes of strings (default 32)\n"
	     "  -x, -xx       print non-printable (-x) or all (-xx) string bytes in hex\n"
	     "  -y            print paths associated with file descriptors\n"
	     "  -q, -qq       do not report attaching and detaching (-qq: nor exits)\n"
	     "  -e EXPR       trace=SET, signal=SET, status=SET, quiet=SET (strace's)\n"
	     "  -z, -Z        show only successful / failed syscalls\n"
	     "  -P PATH       trace only syscalls touching PATH\n"
	     "  --seccomp-bpf, --no-seccomp-bpf  stop only at traced syscalls (default\n"
	     "                when the trace set leaves syscalls out and renacer spawns)\n"
	     "  -c            count time, calls and errors per syscall; print a summary\n"
	     "  -C            like -c, and print the trace too\n"
	     "  -w            summarise syscall latency (wall time) instead of system time\n"
	     "  -S SORTBY     sort the summary by time|calls|errors|name|avgtime|...\n"
	     "  -U COLUMNS    summary columns (strace's names, plus p50,p90,p99)\n"
	     "  -t, -tt, -ttt prefix lines with the time of day / microseconds / epoch\n"
	     "  -r            prefix lines with the time since the previous line\n"
	     "  -T            show the time spent in each syscall\n"
	     "  --process-summary  one row per traced process at exit\n"
	     "  --stats-self  renacer's own counters at exit (holds, stalls, stop times)\n"
	     "  --format FMT  text (strace's, default), json (JSON Lines) or csv\n"
	     "  --capture FILE     also write a compressed capture (see renacer-dump)\n"
	     "  --capture-size SIZE  start a new capture file past SIZE (K, M, G)\n"
	     "  --capture-files K  keep the newest K capture files (0: all)\n"
	     "  --flush-interval SECONDS  end a capture frame at least this often (1)\n"
	     "  --status-line, --no-status-line  progress on stderr (default: when\n"
	     "                stderr is a terminal and the trace goes to -o FILE or a\n"
	     "                capture)\n"
	     "  --workers N   decoding threads (default: one per online CPU)\n"
	     "  --spin N      polls of waitpid before the tracer sleeps (default 100;\n"
	     "                0 under a seccomp filter, whose stops are far apart, and\n"
	     "                while processes start and exit often)\n"
	     "  -h, --help    this text\n"
	     "  -V, --version the version");
	exit(0);
}

static long parse_number(const char *what, const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("invalid %s argument: '%s'", what, s);
	return v;
}

/* SIZE with an optional K, M or G suffix (powers of 1024). */
static unsigned long long parse_size(const char *what, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (errno || end == s || *end || *s == '-' || v == 0 || v > (~0ull >> shift))
		die("invalid %s argument: '%s'", what, s);
	return v << shift;
}

/* Seconds, fractions allowed: "1", "0.25". */
static unsigned long long parse_seconds(const char *what, const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400)
		die("invalid %s argument: '%s'", what, s);
	return (unsigned long long)(v * 1e9);
}

/* -p LIST: pids separated by one ',', ' ' or tab each, as strace splits
 * them: an empty item ("5,,6", " 5") is refused, a trailing separator and
 * an empty LIST are not. */
static void add_pids(struct rn_options *o, const char *list)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ", \t");
		char tok[32];

		snprintf(tok, sizeof(tok), "%.*s", (int)(len < sizeof(tok) ? len : sizeof(tok) - 1), p);
		char *end;
		errno = 0;
		long v = strtol(tok, &end, 10);
		if (len >= sizeof(tok) || errno || end == tok || *end || v <= 0 || v > INT_MAX ||
		    !(*tok == '+' || (*tok >= '0' && *tok <= '9')))
			die("Invalid process id: '%.*s'", (int)len, p);
		if ((pid_t)v == getpid())
			die("I'm sorry, I can't let you do that, Dave.");
		pid_t *grown = realloc(o->attach_pids, sizeof(pid_t) * (size_t)(o->n_attach + 1));
		if (!grown)
			die("out of memory");
		o->attach_pids = grown;
		o->attach_pids[o->n_attach++] = (pid_t)v;
		p += len;
		if (*p)
			p++;
	}
}

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

void rn_options_parse(struct rn_options *o, int argc, char **argv)
{
	enum { OPT_WORKERS = 256, OPT_SPIN, OPT_PROCSUM, OPT_TIMESTAMPS, OPT_SYSCALL_TIMES,
	       OPT_RELATIVE, OPT_SUMMARY_ONLY, OPT_SUMMARY, OPT_WALL, OPT_FORMAT, OPT_CAPTURE,
	       OPT_CAPTURE_SIZE, OPT_CAPTURE_FILES, OPT_FLUSH, OPT_STATUS, OPT_NO_STATUS,
	       OPT_SECCOMP, OPT_NO_SECCOMP, OPT_QUALIFY_TRACE, OPT_QUALIFY_SIGNAL,
	       OPT_QUALIFY_STATUS, OPT_QUALIFY_QUIET, OPT_STATS_SELF };
	static const struct option longopts[] = {
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "spin", required_argument, NULL, OPT_SPIN },
		{ "process-summary", no_argument, NULL, OPT_PROCSUM },
		{ "stats-self", no_argument, NULL, OPT_STATS_SELF },
		{ "timestamps", optional_argument, NULL, OPT_TIMESTAMPS },
		{ "absolute-timestamps", optional_argument, NULL, OPT_TIMESTAMPS },
		{ "syscall-times", optional_argument, NULL, OPT_SYSCALL_TIMES },
		{ "relative-timestamps", optional_argument, NULL, OPT_RELATIVE },
		{ "summary-only", no_argument, NULL, OPT_SUMMARY_ONLY },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "summary-wall-clock", no_argument, NULL, OPT_WALL },
		{ "summary-sort-by", required_argument, NULL, 'S' },
		{ "summary-columns", required_argument, NULL, 'U' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "seccomp-bpf", no_argument, NULL, OPT_SECCOMP },
		{ "no-seccomp-bpf", no_argument, NULL, OPT_NO_SECCOMP },
		{ "trace", required_argument, NULL, OPT_QUALIFY_TRACE },
		{ "signal", required_argument, NULL, OPT_QUALIFY_SIGNAL },
		{ "status", required_argument, NULL, OPT_QUALIFY_STATUS },
		{ "quiet", optional_argument, NULL, OPT_QUALIFY_QUIET },
		{ "silent", optional_argument, NULL, OPT_QUALIFY_QUIET },
		{ "successful-only", no_argument, NULL, 'z' },
		{ "failed-only", no_argument, NULL, 'Z' },
		{ "trace-path", required_argument, NULL, 'P' },
		{ "capture", required_argument, NULL, OPT_CAPTURE },
		{ "capture-size", required_argument, NULL, OPT_CAPTURE_SIZE },
		{ "capture-files", required_argument, NULL, OPT_CAPTURE_FILES },
		{ "flush-interval", required_argument, NULL, OPT_FLUSH },
		/* not --status: strace's --status=SET is -e status=SET */
		{ "status-line", no_argument, NULL, OPT_STATUS },
		{ "no-status-line", no_argument, NULL, OPT_NO_STATUS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int xflag = 0;
	int tflag = 0, long_ts = 0;
	int sort_given = 0, columns_given = 0;
	const char *capture_opt = NULL; /* the last of --capture-size/-files, --flush-interval */
	const char *username = NULL;
	char err[256];

	rn_options_init(o);
	o->argc = argc;
	o->argv = argv;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "+:fo:p:s:u:xyqhVcCwS:U:tTre:zZP:", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'f':
			o->follow_forks++;
			break;
		case 'o':
			o->outfile = optarg;
			break;
		case 'p':
			add_pids(o, optarg);
			break;
		case 'u':
			username = optarg;
			break;
		case 's':
			o->strsize = (int)parse_number("-s", optarg, 0, 1 << 24);
			break;
		case 'x':
			xflag++;
			break;
		case 'q':
			rn_filter_opt(&o->filter, 'q');
			break;
		case 'z':
		case 'Z':
			rn_filter_opt(&o->filter, c);
			break;
		case 'P':
			rn_filter_add_path(&o->filter, optarg);
			break;
		case 'e': {
			int rc = rn_filter_parse_e(&o->filter, optarg, err, sizeof(err));
			if (rc < 0)
				die("%s", err);
			break;
		}
		case OPT_QUALIFY_TRACE:
		case OPT_QUALIFY_SIGNAL:
		case OPT_QUALIFY_STATUS:
		case OPT_QUALIFY_QUIET: {
			static const char *const names[] = { "trace", "signal", "status", "quiet" };
			if (c == OPT_QUALIFY_QUIET && !optarg) {
				rn_filter_opt(&o->filter, 'q');
				break;
			}
			if (rn_filter_qualify(&o->filter, names[c - OPT_QUALIFY_TRACE], optarg, err,
					      sizeof(err)) < 0)
				die("%s", err);
			break;
		}
		case OPT_SECCOMP:
			o->seccomp = 1;
			break;
		case OPT_NO_SECCOMP:
			o->seccomp = 0;
			break;
		case 'y':
			o->decode_fds = 1;
			break;
		case 'c':
		case OPT_SUMMARY_ONLY:
		case 'C':
		case OPT_SUMMARY: {
			int mode = c == 'c' || c == OPT_SUMMARY_ONLY ? RN_COUNT_ONLY : RN_COUNT_AND_TRACE;
			if (o->count && o->count != mode)
				die("-c/--summary-only and -C/--summary are mutually exclusive");
			o->count = mode;
			break;
		}
		case 'w':
		case OPT_WALL:
			o->summary_wall = 1;
			break;
		case 'S':
			sort_given = 1;
			if (rn_summary_parse_sort(&o->summary, optarg, err, sizeof(err)) < 0)
				die("%s", err);
			break;
		case 'U':
			columns_given = 1;
			if (rn_summary_parse_columns(&o->summary, optarg, err, sizeof(err)) < 0)
				die("%s", err);
			break;
		case 't':
			tflag++;
			break;
		case OPT_TIMESTAMPS:
			long_ts = 1;
			if (!o->tf.abs_format) {
				o->tf.abs_format = RN_TABS_TIME;
				o->tf.abs_digits = 0;
			}
			if (rn_timefmt_parse_abs(optarg ? optarg : "", &o->tf.abs_format,
						 &o->tf.abs_digits) < 0)
				die("invalid --timestamps argument: '%s'", optarg);
			break;
		case 'T':
			o->tf.dur = 1;
			o->tf.dur_digits = 6;
			break;
		case OPT_SYSCALL_TIMES: {
			int d = optarg ? rn_timefmt_parse_precision(optarg) : 6;
			if (d < 0)
				die("invalid --syscall-times argument: '%s'", optarg);
			o->tf.dur = 1;
			o->tf.dur_digits = (uint8_t)d;
			break;
		}
		case 'r':
			o->tf.rel = 1;
			o->tf.rel_digits = 6;
			break;
		case OPT_RELATIVE: {
			int d = optarg ? rn_timefmt_parse_precision(optarg) : 6;
			if (d < 0)
				die("invalid --relative-timestamps argument: '%s'", optarg);
			o->tf.rel = 1;
			o->tf.rel_digits = (uint8_t)d;
			break;
		}
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = RN_FORMAT_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = RN_FORMAT_JSON;
			else if (!strcmp(optarg, "csv"))
				o->format = RN_FORMAT_CSV;
			else if (!strcmp(optarg, "perfetto"))
				o->format = RN_FORMAT_PERFETTO;
			else
				die("invalid --format argument: '%s' (text, json, csv or perfetto)",
				    optarg);
			break;
		case OPT_CAPTURE:
			if (!*optarg)
				die("invalid --capture argument: ''");
			if (o->capture)
				die("--capture given twice ('%s', '%s'): one capture per run",
				    o->capture, optarg);
			o->capture = optarg;
			break;
		case OPT_CAPTURE_SIZE:
			capture_opt = "--capture-size";
			o->capture_size = parse_size("--capture-size", optarg);
			break;
		case OPT_CAPTURE_FILES:
			capture_opt = "--capture-files";
			o->capture_files = (unsigned)parse_number("--capture-files", optarg, 0, 1000000);
			break;
		case OPT_FLUSH:
			capture_opt = "--flush-interval";
			o->flush_interval_ns = parse_seconds("--flush-interval", optarg);
			break;
		case OPT_STATUS:
			o->status_line = RN_STATUSLINE_ON;
			break;
		case OPT_NO_STATUS:
			o->status_line = RN_STATUSLINE_OFF;
			break;
		case OPT_PROCSUM:
			o->process_summary = 1;
			break;
		case OPT_STATS_SELF:
			o->stats_self = 1;
			break;
		case OPT_WORKERS:
			o->nworkers = (int)parse_number("--workers", optarg, 1, 1024);
			break;
		case OPT_SPIN:
			o->spin = (int)parse_number("--spin", optarg, 0, 1000000);
			break;
		case 'h':
			usage();
		case 'V':
			puts("renacer version 0.1.0");
			exit(0);
		default: /* ':' or '?' */
			rn_getopt_problem(err, sizeof(err), c, optopt, argv[optind - 1]);
			die("%s", err);
		}
	}
	if (rn_filter_finish(&o->filter, err, sizeof(err)) < 0)
		die("%s", err);
	if (o->filter.warning)
		fprintf(stderr, "renacer: %s\n", o->filter.warning);
	/* strace: "-q happens automatically when output is redirected to a
	 * file and the command is run directly instead of attaching". */
	int quiet_chosen = o->filter.n_q || (o->filter.given & RN_GIVEN_QUIET);
	o->quiet = rn_filter_quiet(&o->filter, RN_QUIET_ATTACH) ||
		   (!quiet_chosen && o->outfile && optind < argc && !o->n_attach);
	if (tflag && long_ts)
		die("-t and --absolute-timestamps cannot be provided simultaneously");
	if (tflag) {
		/* -t: time; -tt: time with microseconds; -ttt: epoch seconds. */
		o->tf.abs_format = tflag >= 3 ? RN_TABS_UNIX : RN_TABS_TIME;
		o->tf.abs_digits = tflag >= 2 ? 6 : 0;
	}
	if (xflag == 1)
		o->quote_flags = RN_QUOTE_HEX_NONPRINT;
	else if (xflag > 1)
		o->quote_flags = RN_QUOTE_HEX_ALL;
	/* -ff -o FILE: FILE.TID per traced thread, as strace (whose -ff
	 * without -o is plain -f). One trace file per tid has no room for a
	 * summary or another format: strace refuses -c/-C too. */
	if (o->follow_forks > 1 && o->outfile) {
		if (o->count)
			die("(-c/--summary-only or -C/--summary) and -ff/--output-separately are "
			    "mutually exclusive");
		if (o->format != RN_FORMAT_TEXT)
			die("-ff with -o writes strace's text: --format json/csv need one file");
		if (o->process_summary)
			die("--process-summary and -ff with -o are mutually exclusive");
	}
	/* -c/-C print strace's summary table, text only: in a JSON Lines or
	 * CSV stream it would break every reader (a capture gives the table
	 * back in any case: renacer-dump --format stats). */
	if (o->count && o->format != RN_FORMAT_TEXT)
		die("-c/-C print a text table: --format json/csv cannot go with them (use a "
		    "capture and renacer-dump --format stats)");
	if (optind < argc) {
		o->command = argv + optind;
		o->command_path = resolve_command(argv[optind]);
	} else if (!o->n_attach) {
		die("must have PROG [ARGS] or -p PID");
	}
	/* strace's order: a command or -p first, then -u's root check. */
	if (username) {
		set_user(o, username);
		if (!o->command)
			die("-u USER applies to a command renacer starts: there is none with -p only");
	}
	/* The summary's own options without a summary, as strace: refused
	 * when they would change nothing the user asked for, else a warning.
	 * -w also chooses --process-summary's time measure. */
	if (o->summary_wall && !o->count && !o->process_summary)
		die("-w/--summary-wall-clock must be given with (-c/--summary-only or "
		    "-C/--summary or --process-summary)");
	if (capture_opt && !o->capture)
		die("%s must be given with --capture", capture_opt);
	if (columns_given && !o->count)
		die("-U/--summary-columns must be given with (-c/--summary-only or -C/--summary)");
	if (sort_given && !o->count)
		fprintf(stderr, "renacer: -S/--summary-sort-by has no effect without "
				"(-c/--summary-only or -C/--summary)\n");
	if (o->count == RN_COUNT_ONLY && o->tf.dur)
		fprintf(stderr, "renacer: -T/--syscall-times has no effect with -c/--summary-only\n");
	if (o->count == RN_COUNT_ONLY && o->decode_fds)
		fprintf(stderr, "renacer: -y/--decode-fds has no effect with -c/--summary-only\n");
}
