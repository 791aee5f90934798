/*
 * optable.c - every option of renacer and renacer-dump (cmdline.h): its
 * names, argument, programs, what it does and where it lands, its --help
 * lines. The rows are in --help's order. Which of the fields are recorded
 * in a capture's header, and under which key, is the header's own list
 * (syscalls/options_record.c; rn_opt_record_at finds a field's key).
 */
#include "cmdline.h"

#include <stddef.h>

#include "syscalls/filter.h"

#define AT(field) offsetof(struct rn_cmdline, field)
#define R RN_PROG_RENACER
#define D RN_PROG_DUMP

/* By enum rn_output_format. */
static const char *const formats[] = {
	[RN_FORMAT_TEXT] = "text",
	[RN_FORMAT_JSON] = "json",
	[RN_FORMAT_CSV] = "csv",
	[RN_FORMAT_PERFETTO] = "perfetto",
	[RN_FORMAT_REPORT] = "report",
	[RN_FORMAT_COMPILE_DB] = "compile-db",
	[RN_FORMAT_FILES] = "files",
	NULL,
};

/* By enum rn_xlat_style: -X's names, strace's. */
static const char *const xlat_styles[] = {
	[RN_XLAT_ABBREV] = "abbrev",
	[RN_XLAT_RAW] = "raw",
	[RN_XLAT_VERBOSE] = "verbose",
	NULL,
};

/* By enum rn_dump_format. */
static const char *const dump_formats[] = {
	[RN_DUMP_TEXT] = "text",
	[RN_DUMP_JSON] = "json",
	[RN_DUMP_CSV] = "csv",
	[RN_DUMP_STATS] = "stats",
	[RN_DUMP_PERFETTO] = "perfetto",
	[RN_DUMP_REPORT] = "report",
	[RN_DUMP_COMPILE_DB] = "compile-db",
	[RN_DUMP_FILES] = "files",
	NULL,
};

const struct rn_optdef rn_optdefs[] = {
	/* strace 6.1 counts -f but sets --follow-forks and --output-separately
	 * apart from it: options.c says what they mean together */
	{ .letter = 'f', .progs = R, .act = RN_ACT_INC, .field = AT(opt.follow_forks),
	  .help = { "  -f            follow forks, vforks and clones (processes and threads)\n"
		    "  -ff           with -o FILE: one file FILE.TID per traced thread\n"
		    "                (--follow-forks, --output-separately)\n" } },
	{ .names = { "follow-forks" }, .progs = R, .act = RN_ACT_SET, .field = AT(follow_long),
	  .value = 1 },
	{ .names = { "output-separately" }, .progs = R, .act = RN_ACT_SET,
	  .field = AT(output_sep), .value = 1 },
	{ .names = { "output" }, .letter = 'o', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_STR,
	  .field = AT(opt.outfile),
	  .help = { "  -o FILE       write the trace to FILE instead of stdout\n" } },
	{ .names = { "output-append-mode" }, .letter = 'A', .progs = R, .act = RN_ACT_SET,
	  .field = AT(opt.append), .value = 1,
	  .help = { "  -A            open -o FILE (and -ff's FILE.TID) for appending\n" } },
	{ .names = { "attach" }, .letter = 'p', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_PIDS,
	  .help = { "  -p PID[,PID]  attach to running processes (repeatable)\n" } },
	{ .names = { "env" }, .letter = 'E', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_ENV,
	  .help = { "  -E VAR=VAL    put VAR=VAL in the command's environment (repeatable)\n"
		    "  -E VAR        remove VAR from the command's environment\n" } },
	{ .letter = 'D', .progs = R, .act = RN_ACT_INC, .field = AT(dflag),
	  .help = { "  -D            run renacer as a detached grandchild, the command keeping its\n"
		    "                pid and parent; -DD: in its own process group; -DDD: session\n"
		    "                (--daemonize[=grandchild|pgroup|session])\n" } },
	{ .names = { "daemonize" }, .arg = RN_ARG_OPTIONAL, .progs = R, .act = RN_ACT_DAEMONIZE },
	{ .names = { "detach-on" }, .letter = 'b', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_BAIL,
	  .help = { "  -b execve     let a traced process go when it calls execve (but the\n"
		    "                command's first): its execve line ends <detached ...>\n" } },
	{ .names = { "kill-on-exit" }, .progs = R, .act = RN_ACT_SET,
	  .field = AT(opt.kill_on_exit), .value = 1,
	  .help = { "  --kill-on-exit  kill -p's processes too when renacer exits; let none go\n" } },
	{ .names = { "user" }, .letter = 'u', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_STR,
	  .field = AT(username),
	  .help = { "  -u USER       run the command as USER: its uid, gid and groups (root only)\n" } },
	{ .names = { "string-limit" }, .letter = 's', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_INT,
	  .field = AT(opt.strsize), .lo = 0, .hi = 1 << 24, .seen = RN_SEEN_STRSIZE,
	  .help = { "  -s STRSIZE    show at most STRSIZE bytes of strings (default 32)\n" } },
	{ .letter = 's', .arg = RN_ARG_REQUIRED, .progs = D, .act = RN_ACT_INT,
	  .field = AT(opt.strsize), .lo = 0, .hi = INT32_MAX, .seen = RN_SEEN_STRSIZE,
	  .help = { NULL, "  -s N          show at most N bytes of strings and N array elements\n"
			  "                (at most what the capture recorded)\n" } },
	{ .letter = 'x', .progs = R, .act = RN_ACT_INC, .field = AT(xflag),
	  .help = { "  -x, -xx       print non-printable (-x) or all (-xx) string bytes in hex\n"
		    "                (--strings-in-hex[=none|non-ascii-chars|non-ascii|all])\n" } },
	{ .names = { "strings-in-hex" }, .arg = RN_ARG_OPTIONAL, .progs = R,
	  .act = RN_ACT_HEXSTR, .field = AT(hexstr) },
	{ .names = { "columns" }, .letter = 'a', .arg = RN_ARG_REQUIRED, .progs = R | D,
	  .act = RN_ACT_INT, .field = AT(opt.acolumn), .lo = 0, .hi = INT32_MAX,
	  .seen = RN_SEEN_ACOLUMN,
	  .help = { "  -a COLUMN     align syscall results at COLUMN (default 40)\n",
		    "  -a COLUMN     align syscall results at COLUMN (default: the run's)\n" } },
	{ .letter = 'y', .progs = R, .act = RN_ACT_INC, .field = AT(yflag),
	  .help = { "  -y, -yy       print paths associated with file descriptors (-yy: and\n"
		    "                socket endpoints, device numbers, pidfds' processes)\n" } },
	{ .names = { "decode-fds" }, .arg = RN_ARG_OPTIONAL, .progs = R, .act = RN_ACT_DECODE_FDS,
	  .help = { "  --decode-fds[=SET]  path (-y, the default), socket, dev, pidfd, all (-yy)\n"
		    "                or none, as strace\n" } },
	{ .names = { "decode-fds" }, .letter = 'y', .progs = D, .act = RN_ACT_INC,
	  .field = AT(opt.decode_fds),
	  .help = { NULL, "  -y            descriptor paths: needs a capture made with renacer -y\n"
			  "                (they are shown whenever the capture has them)\n" } },
	{ .names = { "instruction-pointer" }, .letter = 'i', .progs = R | D, .act = RN_ACT_SET,
	  .field = AT(opt.instruction_pointer), .value = 1,
	  .help = { "  -i            print the instruction pointer at the time of each syscall\n",
		    "  -i            text and json: the instruction pointers (a capture made with\n"
		    "                renacer -i has them)\n" } },
	{ .names = { "always-show-pid" }, .progs = R, .act = RN_ACT_SET,
	  .field = AT(opt.always_show_pid), .value = 1,
	  .help = { "  --always-show-pid  the pid before every line, even with one process\n" } },
	{ .names = { "syscall-number" }, .letter = 'n', .progs = R | D, .act = RN_ACT_SET,
	  .field = AT(opt.syscall_number), .value = 1,
	  .help = { "  -n            print the syscall number before each line (\"[  59] \")\n",
		    "  -n            text: the syscall number before each line (a signal's and an\n"
		    "                exit's: the thread's last call in the capture)\n" } },
	{ .letter = 'q', .progs = R, .act = RN_ACT_FILTER_OPT, .value = 'q',
	  .help = { "  -q, -qq       do not report attaching and detaching (-qq: nor exits)\n" } },
	{ .letter = 'e', .arg = RN_ARG_REQUIRED, .progs = R | D, .act = RN_ACT_FILTER_E,
	  .seen = RN_SEEN_FILTER,
	  .help = { "  -e EXPR       trace=SET, signal=SET, status=SET, quiet=SET, abbrev=SET,\n"
		    "                verbose=SET, raw=SET, read=SET, write=SET (strace's), and\n"
		    "                inject=, fault= below\n",
		    "  -e EXPR       trace=SET, signal=SET, status=SET, quiet=SET, as renacer's\n" } },
	{ .names = { "trace" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "trace" },
	{ .names = { "abbrev" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "abbrev",
	  .help = { "  -e abbrev=SET, verbose=SET, raw=SET  these calls' big structures cut\n"
		    "                short (default all), their structures read (default\n"
		    "                all), their arguments and result in plain hex (none)\n" } },
	{ .names = { "verbose" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "verbose" },
	{ .names = { "raw" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "raw" },
	{ .names = { "read" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "read",
	  .help = { "  -e read=SET, write=SET  dump in hex and ASCII all the data read from /\n"
		    "                written to these descriptors (read, pread64, recvfrom /\n"
		    "                write, pwrite64, sendto)\n" } },
	{ .names = { "write" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "write" },
	{ .names = { "no-abbrev" }, .letter = 'v', .progs = R, .act = RN_ACT_FILTER_OPT,
	  .value = 'v',
	  .help = { "  -v            unabbreviated: execve's environment, whole stat structs\n"
		    "                (-e abbrev=none)\n" } },
	{ .names = { "const-print-style" }, .letter = 'X', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_CHOICE, .field = AT(opt.xlat_style), .choices = xlat_styles,
	  .help = { "  -X FORMAT     constants and flags: abbrev (names, default), raw\n"
		    "                (numbers) or verbose (numbers, names in a comment)\n" } },
	{ .names = { "signal" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "signal" },
	{ .names = { "inject" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "inject",
	  .help = { "  -e inject=SET:[error=ERRNO|retval=VALUE][:signal=SIG][:syscall=NAME]\n"
		    "         [:delay_enter=TIME][:delay_exit=TIME][:when=FIRST[..LAST][+[STEP]]]\n"
		    "         [:poke_enter=@argN=HEX,...][:poke_exit=@argN=HEX,...]\n"
		    "                tamper with the traced calls of SET, as strace\n" } },
	{ .names = { "fault" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "fault",
	  .help = { "  -e fault=SET[:error=ERRNO][:when=EXPR]\n"
		    "                inject=SET:error=ERRNO, ENOSYS by default\n" } },
	/* not --status for the status line: strace's --status=SET is -e status=SET */
	{ .names = { "status" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_QUALIFY,
	  .qualifier = "status" },
	{ .names = { "quiet", "silent" }, .arg = RN_ARG_OPTIONAL, .progs = R,
	  .act = RN_ACT_QUALIFY, .qualifier = "quiet", .value = 'q' },
	{ .names = { "successful-only" }, .letter = 'z', .progs = R, .act = RN_ACT_FILTER_OPT,
	  .value = 'z', .help = { "  -z, -Z        show only successful / failed syscalls\n" } },
	{ .names = { "failed-only" }, .letter = 'Z', .progs = R, .act = RN_ACT_FILTER_OPT,
	  .value = 'Z' },
	{ .names = { "successful-only" }, .letter = 'z', .progs = D, .act = RN_ACT_SET,
	  .field = AT(only), .value = 1,
	  .help = { NULL, "  -z            only syscalls that succeeded (--successful-only)\n" } },
	{ .names = { "failed-only" }, .letter = 'Z', .progs = D, .act = RN_ACT_SET,
	  .field = AT(only), .value = 2,
	  .help = { NULL, "  -Z            only syscalls that failed (--failed-only)\n" } },
	{ .names = { "trace-path" }, .letter = 'P', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_FILTER_PATH,
	  .help = { "  -P PATH       trace only syscalls touching PATH\n" } },
	{ .names = { "seccomp-bpf" }, .progs = R, .act = RN_ACT_SET, .field = AT(opt.seccomp),
	  .value = 1,
	  .help = { "  --seccomp-bpf, --no-seccomp-bpf  stop only at traced syscalls: renacer's\n"
		    "                default already, with -f and a trace set that leaves\n"
		    "                syscalls out, in a command renacer starts (or never)\n" } },
	{ .names = { "no-seccomp-bpf" }, .progs = R, .act = RN_ACT_SET, .field = AT(opt.seccomp),
	  .value = 0 },
	{ .names = { "syscall-limit" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_INT,
	  .field = AT(opt.syscall_limit), .lo = 1, .hi = INT32_MAX,
	  .help = { "  --syscall-limit N  let every tracee go once N syscalls were shown\n" } },
	{ .names = { "no-bpf" }, .progs = R, .act = RN_ACT_SET, .field = AT(opt.no_bpf),
	  .value = 1,
	  .help = { "  --no-bpf      -c by ptrace stops even where the kernel can count with eBPF\n" } },
	{ .names = { "summary-only" }, .letter = 'c', .progs = R, .act = RN_ACT_COUNT,
	  .value = RN_COUNT_ONLY,
	  .help = { "  -c            count time, calls and errors per syscall; print a summary\n" } },
	{ .names = { "summary-only" }, .letter = 'c', .progs = D, .act = RN_ACT_SET,
	  .field = AT(dump_format), .value = RN_DUMP_STATS,
	  .help = { NULL, "  -c            the same as --format stats\n" } },
	{ .names = { "summary" }, .letter = 'C', .progs = R | D, .act = RN_ACT_COUNT,
	  .value = RN_COUNT_AND_TRACE,
	  .help = { "  -C            like -c, and print the trace too\n",
		    "  -C            the trace, then the -c table (as renacer -C)\n" } },
	{ .names = { "summary-wall-clock" }, .letter = 'w', .progs = R | D, .act = RN_ACT_SET,
	  .field = AT(opt.summary_wall), .value = 1,
	  .help = { "  -w            summarise syscall latency (wall time) instead of system time\n",
		    "  -w            stats: wall time of each call, not the recorded time\n"
		    "                (system CPU time when the run had -c without -w)\n" } },
	{ .names = { "summary-syscall-overhead" }, .letter = 'O', .arg = RN_ARG_REQUIRED,
	  .progs = R, .act = RN_ACT_OVERHEAD,
	  .help = { "  -O OVERHEAD   -c: take OVERHEAD (s, ms, us, ns; us when bare) off each\n"
		    "                call's time; counts by ptrace, not in the kernel\n" } },
	{ .names = { "summary-sort-by" }, .letter = 'S', .arg = RN_ARG_REQUIRED, .progs = R | D,
	  .act = RN_ACT_SORT, .seen = RN_SEEN_SORT,
	  .help = { "  -S SORTBY     sort the summary by time, min-time, max-time, avg-time,\n"
		    "                calls, errors, name or nothing (default time)\n",
		    "  -S SORTBY     stats: sort by time, min-time, max-time, avg-time,\n"
		    "                calls, errors, name or nothing (default time)\n" } },
	{ .names = { "summary-columns" }, .letter = 'U', .arg = RN_ARG_REQUIRED, .progs = R | D,
	  .act = RN_ACT_COLUMNS, .seen = RN_SEEN_COLUMNS,
	  .help = { "  -U COLUMNS    summary columns (strace's names, plus p50,p90,p99)\n",
		    "  -U COLUMNS    stats: columns (strace's names, plus p50,p90,p99)\n" } },
	{ .letter = 't', .progs = R | D, .act = RN_ACT_INC, .field = AT(tflag), .seen = RN_SEEN_ABS,
	  .help = { "  -t, -tt, -ttt prefix lines with the time of day / microseconds / epoch\n",
		    "  -t, -tt, -ttt prefix lines with the time of day / microseconds / epoch\n"
		    "                (--timestamps[=FORMAT,PRECISION] as renacer)\n" } },
	{ .names = { "timestamps", "absolute-timestamps" }, .arg = RN_ARG_OPTIONAL, .progs = R | D,
	  .act = RN_ACT_TIMESTAMPS, .seen = RN_SEEN_ABS | RN_SEEN_LONG_TS },
	{ .letter = 'r', .progs = R | D, .act = RN_ACT_REL, .seen = RN_SEEN_REL,
	  .help = { "  -r            prefix lines with the time since the previous line\n",
		    "  -r            prefix lines with the time since the previous line\n"
		    "                (--relative-timestamps[=PRECISION])\n" } },
	{ .names = { "relative-timestamps" }, .arg = RN_ARG_OPTIONAL, .progs = R | D,
	  .act = RN_ACT_REL, .seen = RN_SEEN_REL },
	{ .letter = 'T', .progs = R | D, .act = RN_ACT_DUR, .seen = RN_SEEN_DUR,
	  .help = { "  -T            show the time spent in each syscall\n",
		    "  -T            show the time spent in each syscall (--syscall-times[=P])\n" } },
	{ .names = { "syscall-times" }, .arg = RN_ARG_OPTIONAL, .progs = R | D, .act = RN_ACT_DUR,
	  .seen = RN_SEEN_DUR },
	{ .names = { "process-summary" }, .progs = R, .act = RN_ACT_SET,
	  .field = AT(opt.process_summary), .value = 1,
	  .help = { "  --process-summary  one row per traced process at exit\n" } },
	{ .names = { "stats-self" }, .progs = R, .act = RN_ACT_SET, .field = AT(opt.stats_self),
	  .value = 1,
	  .help = { "  --stats-self  renacer's own counters at exit (holds, stalls, stop times)\n" } },
	{ .names = { "format" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_CHOICE,
	  .field = AT(opt.format), .choices = formats, .seen = RN_SEEN_FORMAT,
	  .help = { "  --format FMT  text (strace's, default), json (JSON Lines), csv, perfetto;\n"
		    "                report: one HTML page about the run, at its end;\n"
		    "                compile-db: compile_commands.json of the compilers run (as\n"
		    "                Bear); files: JSON Lines, each process's files (with -f)\n" } },
	{ .names = { "format" }, .arg = RN_ARG_REQUIRED, .progs = D, .act = RN_ACT_CHOICE,
	  .field = AT(dump_format), .choices = dump_formats,
	  .help = { NULL, "  --format FMT  text: strace's text, as renacer printed it (default)\n"
			  "                json: JSON Lines; csv: CSV (RFC 4180)\n"
			  "                stats: the -c table (default for a capture made with -c)\n"
			  "                perfetto: Chrome Trace Event JSON for ui.perfetto.dev\n"
			  "                report: one HTML page about the run (processes,\n"
			  "                parallelism, critical path, time by program)\n"
			  "                compile-db: compile_commands.json of the compilers run\n"
			  "                files: JSON Lines, the files each process used\n" } },
	{ .names = { "pid" }, .arg = RN_ARG_REQUIRED, .progs = D, .act = RN_ACT_PID,
	  .lo = 1, .hi = INT32_MAX,
	  .help = { NULL, "  --pid PID     only this process and its threads (repeatable)\n" } },
	{ .names = { "timing" }, .progs = D, .act = RN_ACT_SET, .field = AT(timing), .value = 1,
	  .help = { NULL, "  --timing      csv: no effect (every column is always there; kept for\n"
			  "                scripts that give it)\n" } },
	{ .names = { "capture" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_CAPTURE,
	  .help = { "  --capture FILE     write a compressed capture (see renacer-dump); alone,\n"
		    "                     no trace is rendered (-o or --format: also the trace)\n" } },
	{ .names = { "capture-size" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_SIZE,
	  .field = AT(opt.capture_size), .seen = RN_SEEN_CAPTURE_OPT,
	  .help = { "  --capture-size SIZE  start a new capture file past SIZE (K, M, G)\n" } },
	{ .names = { "capture-files" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_INT,
	  .field = AT(opt.capture_files), .lo = 0, .hi = 1000000, .seen = RN_SEEN_CAPTURE_OPT,
	  .help = { "  --capture-files K  keep the newest K capture files (0: all)\n" } },
	{ .names = { "capture-level" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_INT,
	  .field = AT(opt.capture_level), .lo = 1, .hi = 19, .seen = RN_SEEN_CAPTURE_OPT,
	  .help = { "  --capture-level N  the capture's zstd level, 1-19 (default 9; higher:\n"
		    "                     smaller and slower)\n" } },
	{ .names = { "flush-interval" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_SECONDS,
	  .field = AT(opt.flush_interval_ns), .seen = RN_SEEN_CAPTURE_OPT,
	  .help = { "  --flush-interval SECONDS  make the capture readable to here at least this\n"
		    "                     often (1)\n" } },
	{ .names = { "status-line" }, .progs = R, .act = RN_ACT_SET, .field = AT(opt.status_line),
	  .value = RN_STATUSLINE_ON,
	  .help = { "  --status-line, --no-status-line  progress on stderr (default: when\n"
		    "                stderr is a terminal and the trace goes to -o FILE or a\n"
		    "                capture)\n" } },
	{ .names = { "no-status-line" }, .progs = R, .act = RN_ACT_SET,
	  .field = AT(opt.status_line), .value = RN_STATUSLINE_OFF },
	{ .names = { "workers" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_INT,
	  .field = AT(opt.nworkers), .lo = 1, .hi = 1024,
	  .help = { "  --workers N   decoding threads (default: one per online CPU)\n" } },
	{ .names = { "spin" }, .arg = RN_ARG_REQUIRED, .progs = R, .act = RN_ACT_INT,
	  .field = AT(opt.spin), .lo = 0, .hi = 1000000,
	  .help = { "  --spin N      polls of waitpid before the tracer sleeps (default 100;\n"
		    "                0 under a seccomp filter, whose stops are far apart, and\n"
		    "                while processes start and exit often)\n" } },
	{ .names = { "interruptible" }, .letter = 'I', .arg = RN_ARG_REQUIRED, .progs = R,
	  .act = RN_ACT_INTR,
	  .help = { "  -I N          when signals end renacer: 1 anywhere (dies at once), 2 waiting\n"
		    "                (default: lets go of all first), 3 never (SIGHUP, SIGINT,\n"
		    "                SIGQUIT, SIGPIPE, SIGTERM ignored), 4 never_tstp (and SIGTSTP)\n" } },
	{ .names = { "help" }, .letter = 'h', .progs = R | D, .act = RN_ACT_HELP,
	  .help = { "  -h, --help    this text\n", "  -h, --help    this help\n" } },
	{ .names = { "version" }, .letter = 'V', .progs = R | D, .act = RN_ACT_VERSION,
	  .help = { "  -V, --version the version\n", "  -V, --version the version\n" } },
};

const size_t rn_noptdefs = sizeof(rn_optdefs) / sizeof(rn_optdefs[0]);

/* RN_ACT_INT writes an int: the unsigned field it also fills must be one. */
_Static_assert(sizeof(((struct rn_options *)0)->capture_files) == sizeof(int),
	       "--capture-files lands in an int-sized field");
