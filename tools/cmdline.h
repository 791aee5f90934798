/*
 * cmdline.h - the command lines of renacer and renacer-dump: one table of
 * options (optable.c) and one parser over it (optparse.c). Each program
 * then checks what its options mean together (options.c, renacer-dump.c).
 */
#ifndef RENACER_CMDLINE_H
#define RENACER_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "syscalls/options.h"

enum rn_prog_id {
	RN_PROG_RENACER = 1u << 0,
	RN_PROG_DUMP = 1u << 1,
	RN_PROG_BOTH = RN_PROG_RENACER | RN_PROG_DUMP,
};

enum rn_arg { RN_ARG_NONE, RN_ARG_REQUIRED, RN_ARG_OPTIONAL };

/* What an option does with its argument. */
enum rn_act {
	RN_ACT_SET,        /* int field = value */
	RN_ACT_INC,        /* int field++ (-f, -x, -t: repeated means more) */
	RN_ACT_STR,        /* const char * field = the argument */
	RN_ACT_INT,        /* int field = the argument, a number in lo..hi */
	RN_ACT_SIZE,       /* unsigned long long field: SIZE[KMG] */
	RN_ACT_SECONDS,    /* unsigned long long field: seconds, in ns */
	RN_ACT_CHOICE,     /* int field = the argument's index in choices */
	RN_ACT_COUNT,      /* opt.count = value; another mode is refused */
	RN_ACT_PIDS,       /* -p LIST into opt.attach_pids */
	RN_ACT_PID,        /* --pid PID into pids */
	RN_ACT_CAPTURE,    /* --capture FILE, at most once */
	RN_ACT_FILTER_OPT, /* rn_filter_opt(value): -q, -z, -Z */
	RN_ACT_FILTER_PATH,/* -P PATH */
	RN_ACT_FILTER_E,   /* -e EXPR */
	RN_ACT_QUALIFY,    /* --trace=SET...: -e qualifier=SET; without an
			      argument rn_filter_opt(value) */
	RN_ACT_TIMESTAMPS, /* --timestamps[=FORMAT,PRECISION] */
	RN_ACT_REL,        /* -r, --relative-timestamps[=PRECISION] */
	RN_ACT_DUR,        /* -T, --syscall-times[=PRECISION] */
	RN_ACT_SORT,       /* -S */
	RN_ACT_COLUMNS,    /* -U */
	RN_ACT_HEXSTR,     /* --strings-in-hex[=none|non-ascii-chars|non-ascii|all] */
	RN_ACT_DECODE_FDS, /* --decode-fds[=SET]: opt.decode_fds bits */
	RN_ACT_DAEMONIZE,  /* --daemonize[=grandchild|pgroup|session] */
	RN_ACT_BAIL,       /* -b SYSCALL: execve only */
	RN_ACT_OVERHEAD,   /* -O TIME[s|ms|us|ns] (us when bare): ns field */
	RN_ACT_ENV,        /* -E VAR=VAL, -E VAR: opt.command_env edited */
	RN_ACT_INTR,       /* -I N: 1-4 or anywhere, waiting, never, never_tstp */
	RN_ACT_HELP,
	RN_ACT_VERSION,
};

/* Which options appeared (struct rn_cmdline.seen), where one program
 * needs to know beyond the value. */
enum {
	RN_SEEN_STRSIZE = 1u << 0,
	RN_SEEN_ABS = 1u << 1,     /* -t or --timestamps */
	RN_SEEN_LONG_TS = 1u << 2, /* --timestamps, --absolute-timestamps */
	RN_SEEN_REL = 1u << 3,
	RN_SEEN_DUR = 1u << 4,
	RN_SEEN_SORT = 1u << 5,
	RN_SEEN_COLUMNS = 1u << 6,
	RN_SEEN_FILTER = 1u << 7,  /* -e */
	RN_SEEN_CAPTURE_OPT = 1u << 8, /* needs --capture: see capture_opt */
	RN_SEEN_ACOLUMN = 1u << 9, /* -a, --columns */
	RN_SEEN_FORMAT = 1u << 10, /* --format */
};

/* renacer-dump's --format values, by index in their choices. */
enum rn_dump_format {
	RN_DUMP_TEXT, RN_DUMP_JSON, RN_DUMP_CSV, RN_DUMP_STATS, RN_DUMP_PERFETTO,
	RN_DUMP_REPORT,
	RN_DUMP_COMPILE_DB, RN_DUMP_FILES,
};

/* One option. A name that means different things to the two programs has
 * one row for each. */
struct rn_optdef {
	const char *names[3];  /* long names (NULL-ended); the first is shown */
	char letter;           /* short option, 0: none */
	enum rn_arg arg;
	unsigned progs;        /* enum rn_prog_id bits */
	enum rn_act act;
	size_t field;          /* offsetof(struct rn_cmdline, ...) it lands in */
	long value;            /* RN_ACT_SET, _COUNT, _FILTER_OPT, _QUALIFY */
	long lo, hi;           /* RN_ACT_INT, RN_ACT_PID */
	const char *const *choices; /* RN_ACT_CHOICE: NULL-ended */
	const char *qualifier; /* RN_ACT_QUALIFY: trace, signal, status, quiet */
	unsigned seen;         /* RN_SEEN_* bits set when it appears */
	/* Its lines of --help, for renacer [0] and renacer-dump [1]; NULL: none
	 * (another row's lines cover it). */
	const char *help[2];
};

extern const struct rn_optdef rn_optdefs[];
extern const size_t rn_noptdefs;

/* Where the options land: one struct for both programs. */
struct rn_cmdline {
	struct rn_options opt; /* renacer: the run's; renacer-dump: those that
				  override the capture's (see seen) */
	unsigned seen;         /* RN_SEEN_* */
	int xflag;             /* -x count */
	int yflag;             /* -y count */
	int dflag;             /* -D count */
	int daemonize_long;    /* --daemonize[=...]: enum value, 0: not given */
	int hexstr;            /* --strings-in-hex: its quote flags + 1, 0: not given */
	int follow_long;       /* --follow-forks (strace keeps it apart from -f) */
	int output_sep;        /* --output-separately */
	int tflag;             /* -t count */
	const char *username;  /* -u */
	const char *capture_opt; /* the long name of the last option given that
				    needs --capture */
	/* renacer-dump's own */
	int dump_format;       /* enum rn_dump_format, -1: not given */
	int only;              /* -z 1, -Z 2 */
	int timing;            /* --timing */
	int32_t *pids;         /* --pid */
	size_t npids;
	int first_arg;         /* argv index of the first operand */
};

/* A program: how it speaks. */
struct rn_prog {
	unsigned id;           /* enum rn_prog_id */
	const char *name;      /* the prefix of every message */
	int permute;           /* operands may come before options (renacer
				  stops at its COMMAND) */
	const char *usage_head, *usage_tail; /* --help around the options */
	const char *version;   /* --version's line */
};

/* Print "NAME: message" on stderr and exit 1. */
void rn_cmdline_die(const struct rn_prog *p, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* Fill c from argv by the rows of rn_optdefs p accepts (rn_options_init
 * first). On bad input one line on stderr, exit 1; --help, --version
 * print and exit 0. */
void rn_cmdline_parse(struct rn_cmdline *c, const struct rn_prog *p, int argc, char **argv);

/* What getopt_long (opterr = 0, optstring starting with ':') found wrong,
 * in glibc's words as strace prints them, into buf: ch is what it
 * returned (':' or '?'), arg is argv[optind - 1]. */
void rn_getopt_problem(char *buf, size_t len, int ch, int optopt, const char *arg);

/* renacer's: parse, check and derive (options.c). On bad input prints one
 * line on stderr and exits 1; for --help/--version prints and exits 0. */
void rn_options_parse(struct rn_options *o, int argc, char **argv);

#endif /* RENACER_CMDLINE_H */
