/*
 * options.h - what the user asked for: data only. Filled once by the main
 * thread (tools/: the command line) before any other thread starts;
 * read-only afterwards, shared by all.
 */
#ifndef RENACER_OPTIONS_H
#define RENACER_OPTIONS_H

#include <sys/types.h>

#include "syscalls/filter.h"
#include "syscalls/summary_opts.h"
#include "base/timefmt.h"

enum rn_output_format {
	RN_FORMAT_TEXT = 0, /* strace's text */
	RN_FORMAT_JSON,     /* JSON Lines */
	RN_FORMAT_CSV,      /* RFC 4180 */
	RN_FORMAT_PERFETTO, /* Chrome's Trace Event JSON, for ui.perfetto.dev */
	RN_FORMAT_REPORT,   /* one HTML page about the whole run */
	RN_FORMAT_COMPILE_DB, /* compile_commands.json, as Bear writes it */
	RN_FORMAT_FILES,    /* JSON Lines: each process's files (docs/FILES.md) */
};

enum rn_count_mode {
	RN_COUNT_OFF = 0,
	RN_COUNT_ONLY,      /* -c: the summary instead of the trace */
	RN_COUNT_AND_TRACE, /* -C: the trace and the summary */
};

/* The progress line on stderr (pipeline/writer.c). */
enum rn_status_line {
	RN_STATUSLINE_AUTO = 0, /* on when stderr is a terminal, and the trace goes
				   to a file or a capture, not to that terminal */
	RN_STATUSLINE_ON,       /* --status-line */
	RN_STATUSLINE_OFF,      /* --no-status-line */
};

/* --decode-fds=SET: what is shown of a descriptor, strace's names. */
enum rn_decode_fd {
	RN_DECODE_FD_PATH = 1u << 0,   /* 3</etc/passwd>, AT_FDCWD</tmp> */
	RN_DECODE_FD_SOCKET = 1u << 1, /* 3<UNIX-STREAM:[1->2]> */
	RN_DECODE_FD_DEV = 1u << 2,    /* 0</dev/null<char 1:3>> */
	RN_DECODE_FD_PIDFD = 1u << 3,  /* 5<pid:1234> */
	RN_DECODE_FD_ALL = (1u << 4) - 1,
};

/* -X: how named constants and flags are shown. */
enum rn_xlat_style {
	RN_XLAT_ABBREV = 0, /* O_WRONLY|O_CREAT (strace's default) */
	RN_XLAT_RAW,        /* 0x41 */
	RN_XLAT_VERBOSE,    /* 0x41 / * O_WRONLY|O_CREAT * / */
};

struct rn_options {
	int follow_forks;     /* -f, --follow-forks; 2 or more: -ff */
	int output_separately; /* -ff, --output-separately: with -o, one file
				  FILE.TID per traced thread */
	const char *outfile;  /* -o FILE, NULL for stdout */
	int append;           /* -A: -o FILE (and -ff's FILE.TID) opened for
				 appending, nothing truncated */
	pid_t *attach_pids;   /* -p PID... */
	int n_attach;
	int strsize;          /* -s N, default 32 */
	int acolumn;          /* -a N: " = ret" aligned at column N, default 40
				 (0, or a line already past it: one space) */
	unsigned quote_flags; /* -x / -xx: enum rn_quote_flags */
	int nworkers;         /* --workers N; 0 = one per online CPU */
	int spin;             /* --spin N: waitpid(WNOHANG) polls before sleeping;
				 -1: the tracer chooses (100; 0 under seccomp-bpf, and
				 while processes come and go: rn_tracer_run) */
	int quiet;            /* attach/detach messages suppressed (-q, quiet=attach) */
	struct rn_filter filter; /* -e trace=/status=/signal=/quiet=, -z, -Z, -P, -q */
	int seccomp;          /* --seccomp-bpf 1, --no-seccomp-bpf 0, default -1: use
			         it when the trace set leaves syscalls out */
	int no_bpf;           /* --no-bpf: -c by ptrace even where the kernel could
				 count (tracer/bpf_count.h) */
	int decode_fds;       /* enum rn_decode_fd bits: -y path, -yy all,
				 --decode-fds=SET; 0: descriptors bare */
	int xlat_style;       /* enum rn_xlat_style: -X */
	int bail_execve;      /* -b execve: a tracee is let go at the start of
				 an execve (but the command's first) */
	int daemonize;        /* -D 1: renacer a detached grandchild of the
				 command, which keeps renacer's pid; -DD 2: and
				 in its own process group; -DDD 3: session */
	pid_t detached_command; /* -D: the command, which this process (the
				   grandchild) is to seize (tools/renacer.c);
				   0 otherwise */
	int detached_release; /* -D: a pipe's write end; closing it lets the
				 command go on to stop itself (-1: none) */
	int interruptible;    /* -I: 1 anywhere, 2 waiting (default), 3 never,
				 4 never_tstp: which signals end renacer (tracer.h) */
	int kill_on_exit;     /* --kill-on-exit: every tracee, -p's too, dies when
				 renacer exits (PTRACE_O_EXITKILL), none let go */
	int syscall_limit;    /* --syscall-limit N: every tracee let go once N
				 calls were shown (0: no limit) */
	int always_show_pid;  /* --always-show-pid: "PID   " before every line, as
				 -f with -o has it, even with one process */
	int instruction_pointer; /* -i: "[00007f0123456789] " before each line */
	int syscall_number;   /* -n: "[ NR] " before each line; the tracer then
				 gives process events the thread's last syscall
				 number (struct rn_record's nr) */
	int count;            /* enum rn_count_mode: -c, -C */
	int summary_wall;     /* -w: latency (wall) instead of system time */
	unsigned long long summary_overhead_ns; /* -O: taken off each call's time
						   in the -c table (0: none) */
	struct rn_summary_opts summary; /* -S, -U */
	struct rn_timefmt tf; /* -t -tt -ttt -r -T and their long forms */
	int process_summary;  /* --process-summary */
	int whole_commands;   /* execve's entry carries the whole command line,
				 not cut at -s (--process-summary, --format
				 report: they name processes by it) */
	int stats_self;       /* --stats-self: renacer's own counters at exit */
	int format;           /* enum rn_output_format: --format */
	int no_trace;         /* --capture without -o or --format: the capture
				 alone, no trace rendered (the -c/-C and
				 --process-summary tables still are) */
	const char *capture;  /* --capture FILE */
	unsigned long long capture_size; /* --capture-size: rotate past it (0: never) */
	unsigned capture_files; /* --capture-files: keep the newest K (0: all) */
	int capture_level;    /* --capture-level: zstd's level (0: the default) */
	unsigned long long flush_interval_ns; /* --flush-interval, default 1 s */
	int status_line;      /* enum rn_status_line: --status-line, --no-status-line */
	int argc;             /* renacer's own command line, for the capture */
	char **argv;
	char **command;       /* NULL-terminated argv, NULL with -p only */
	char **command_env;   /* -E: the command's environment (renacer's own,
				 edited), NULL: renacer's as it is */
	const char *command_path; /* command[0] resolved through PATH */
	const char *cwd;      /* the working directory the command starts in
				 (renacer's own, read at parse time), kept in
				 the capture; NULL: unknown */
	const char *username; /* -u USER: the command runs as USER (renacer stays
				 root); NULL: as renacer. Looked up at parse time: */
	uid_t run_uid;        /*   USER's uid and gid (passwd), */
	gid_t run_gid;
	gid_t *run_groups;    /*   and the groups initgroups would give it */
	int n_run_groups;
};

/* Every field at strace's default: nothing filtered, -s 32, ... Any code
 * that builds options by hand (renacer-dump, tests) starts here. */
void rn_options_init(struct rn_options *o);

#endif /* RENACER_OPTIONS_H */
