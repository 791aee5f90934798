/*
 * filter.h - strace's qualifying expressions: -e trace=, status=, signal=,
 * quiet=, and the options that are shorthands for them (-z -Z -q -P).
 *
 * Contract: struct rn_filter is written only by the main thread while the
 * command line is parsed (rn_filter_init .. rn_filter_finish); afterwards it
 * is immutable and read by every thread without locks. It holds results
 * only (bit sets, masks, path strings): regexes and names are resolved
 * while parsing, so the readers below are a few loads each.
 *
 * Error strings are strace 6.1's wording without the "strace: " prefix,
 * e.g. "invalid system call 'foo'"; the caller prints them after its own
 * prefix. Differences from strace are listed at the top of syscalls/filter.c.
 */
#ifndef RENACER_FILTER_H
#define RENACER_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rn_inject_table;

/* Room for syscall numbers 0 .. RN_FILTER_NR_MAX-1; rn_filter_init checks
 * that the native table (rn_syscall_count) fits. */
#define RN_FILTER_NR_MAX 1024
#define RN_FILTER_WORDS (RN_FILTER_NR_MAX / 64)

/* -e status=: which syscall outcomes are printed. */
enum rn_status {
	RN_STATUS_SUCCESSFUL = 1u << 0,  /* returned without error */
	RN_STATUS_FAILED = 1u << 1,      /* returned an error */
	RN_STATUS_UNFINISHED = 1u << 2,  /* never returned: the tracee exited/exec'd */
	RN_STATUS_UNAVAILABLE = 1u << 3, /* returned but the result is unknown */
	RN_STATUS_DETACHED = 1u << 4,    /* renacer detached before it returned */
	RN_STATUS_ALL = (1u << 5) - 1,
};

/* -e quiet= / -q: which informational messages are suppressed. */
enum rn_quiet {
	RN_QUIET_ATTACH = 1u << 0,          /* "Process N attached/detached" */
	RN_QUIET_EXIT = 1u << 1,            /* "+++ exited with N +++" */
	RN_QUIET_PATH_RESOLUTION = 1u << 2, /* "Requested path ... resolved into ..." */
	RN_QUIET_PERSONALITY = 1u << 3,     /* "[ Process PID=N runs in ... mode. ]" */
	RN_QUIET_THREAD_EXECVE = 1u << 4,   /* "+++ superseded by execve ... +++" */
	RN_QUIET_ALL = (1u << 5) - 1,
};

/* -e read=SET / -e write=SET: descriptor numbers, as given. */
struct rn_fdset {
	int *fds;             /* malloc'ed, n of them */
	unsigned n;
	bool neg;             /* the set is every descriptor but these */
};

struct rn_filter {
	/* Syscall numbers to trace, bit nr%64 of word nr/64. Holes of the
	 * table are always set (see trace_unknown). */
	uint64_t trace[RN_FILTER_WORDS];
	/* Trace numbers the table has no name for: holes, nr >= rn_syscall_count
	 * and x32 numbers. strace 6.1 shows those whatever the expression says
	 * (even trace=none), so this is always true; a field so that the
	 * seccomp builder and the tests say it explicitly. */
	bool trace_unknown;
	/* Every syscall is traced: no seccomp filter is needed. */
	bool traces_all;
	unsigned status;      /* enum rn_status bits to print; default all */
	unsigned quiet;       /* enum rn_quiet bits to suppress; default none */
	uint64_t signals;     /* bit sig-1 set: show signal sig (1..64); default all */
	/* -e abbrev=SET (-v: none), -e verbose=SET, -e raw=SET: syscall
	 * numbers as in trace, each set kept as the calls that differ from
	 * strace's default (abbrev=all, verbose=all, raw=none), so that
	 * options zeroed rather than initialised (tests, fuzzers) mean the
	 * default. Holes and numbers past the table take the default. */
	uint64_t unabbrev[RN_FILTER_WORDS]; /* not in abbrev= */
	uint64_t unverbose[RN_FILTER_WORDS]; /* not in verbose= */
	uint64_t raw[RN_FILTER_WORDS];
	struct rn_fdset read_fds;  /* -e read=: data read there is dumped */
	struct rn_fdset write_fds; /* -e write=: data written there is dumped */
	char **paths;         /* -P PATH..., as given (malloc'ed), npaths of them */
	size_t npaths;
	/* -e inject=/fault= (syscalls/inject.h), NULL when none was given:
	 * the tracer's one test for whether any call may be tampered with. */
	struct rn_inject_table *inject;
	/* After rn_filter_finish: a warning to print (without prefix), or NULL. */
	const char *warning;

	/* Parsing state, meaningless after rn_filter_finish. */
	unsigned n_zZ;        /* -z/-Z seen */
	unsigned n_q;         /* -q seen */
	unsigned given;       /* enum rn_filter_given: the qualifiers an -e set
				 (RN_GIVEN_QUIET: -e quiet= / --quiet= seen) */
};

/* Which parts of a filter an -e expression set (renacer-dump lays a new -e
 * over the filter the run recorded, part by part). */
enum rn_filter_given {
	RN_GIVEN_TRACE = 1u << 0,
	RN_GIVEN_SIGNAL = 1u << 1,
	RN_GIVEN_STATUS = 1u << 2,
	RN_GIVEN_QUIET = 1u << 3,
	RN_GIVEN_ABBREV = 1u << 4,
	RN_GIVEN_VERBOSE = 1u << 5,
	RN_GIVEN_RAW = 1u << 6,
	RN_GIVEN_READ = 1u << 7,
	RN_GIVEN_WRITE = 1u << 8,
};

/* Defaults: trace all, status all, signals all, quiet none, no paths. */
void rn_filter_init(struct rn_filter *f);

/*
 * One -e argument: "QUALIFIER=SET" for trace (t), signal (signals, s),
 * status, quiet (silent, silence, q); anything else is a trace set, as in
 * strace (-e openat, -e 'bogus=1' -> "invalid system call 'bogus=1'").
 * A later -e of the same qualifier replaces the earlier one.
 * Returns 0; -1 with err filled on a bad expression; -2 with err filled for
 * a qualifier strace has and renacer does not implement (kvm, decode-fds,
 * decode-pids). abbrev (a), verbose (v) and raw (x) take a syscall set as
 * trace does; read (reads, r) and write (writes, w) a set of descriptor
 * numbers; inject= and fault= add to f->inject.
 */
int rn_filter_parse_e(struct rn_filter *f, const char *expr, char *err, size_t errlen);

/* The same for a long option: name is "trace", "signal", "status", "quiet",
 * ... (any qualifier name above), value the text after '='. Unknown names
 * return -1 ("invalid qualifier 'NAME'"). */
int rn_filter_qualify(struct rn_filter *f, const char *name, const char *value,
		      char *err, size_t errlen);

/* Short options: 'z' (--successful-only), 'Z' (--failed-only), 'q' (once per
 * q: -q, -qq, -qqq; also --quiet without a value), 'v' (-v, --no-abbrev:
 * abbrev=none, in its place among the -e abbrev= as strace). Other
 * values: no-op. */
void rn_filter_opt(struct rn_filter *f, int opt);

/* -P PATH (repeatable). Stores a copy; the matching is the caller's. */
void rn_filter_add_path(struct rn_filter *f, const char *path);

/* After the whole command line: applies -q, checks combinations, sets
 * traces_all and f->warning. Returns 0, or -1 with err filled. */
int rn_filter_finish(struct rn_filter *f, char *err, size_t errlen);

/* Frees the paths, the descriptor sets and the injection table. */
void rn_filter_free(struct rn_filter *f);

/* Is syscall nr traced? nr as the tracer sees it (any long). */
static inline bool rn_filter_traced(const struct rn_filter *f, long nr)
{
	if (nr < 0 || nr >= RN_FILTER_NR_MAX)
		return f->trace_unknown;
	return (f->trace[nr / 64] >> (nr % 64)) & 1;
}

static inline bool rn_filter_nr_in(const uint64_t *set, long nr)
{
	if (nr < 0 || nr >= RN_FILTER_NR_MAX)
		return false;
	return (set[nr / 64] >> (nr % 64)) & 1;
}

/* -e abbrev=: are syscall nr's big structures and execve's arrays cut
 * short ("...", "/ * N vars * /")? */
static inline bool rn_filter_abbrev(const struct rn_filter *f, long nr)
{
	return !rn_filter_nr_in(f->unabbrev, nr);
}

/* -e verbose=: are syscall nr's structures read at all (else addresses)? */
static inline bool rn_filter_verbose(const struct rn_filter *f, long nr)
{
	return !rn_filter_nr_in(f->unverbose, nr);
}

/* -e raw=: are syscall nr's arguments and result shown as plain hex? */
static inline bool rn_filter_raw(const struct rn_filter *f, long nr)
{
	return rn_filter_nr_in(f->raw, nr);
}

/* Is descriptor fd in the set (-e read=, -e write=)? */
static inline bool rn_fdset_has(const struct rn_fdset *s, long fd)
{
	bool in = false;
	for (unsigned i = 0; i < s->n && !in; i++)
		in = s->fds[i] == fd;
	return fd >= 0 && in != s->neg;
}

/* Does the set hold any descriptor at all? */
static inline bool rn_fdset_any(const struct rn_fdset *s)
{
	return s->n || s->neg;
}

/* Is signal sig shown (--- SIG... ---)? Numbers outside 1..64 never are. */
static inline bool rn_filter_signal_shown(const struct rn_filter *f, int sig)
{
	return sig >= 1 && sig <= 64 && ((f->signals >> (sig - 1)) & 1);
}

/* Is a syscall with this outcome (one RN_STATUS_* bit) printed? */
static inline bool rn_filter_status_shown(const struct rn_filter *f, unsigned status)
{
	return (f->status & status) != 0;
}

/* Is this message kind (one RN_QUIET_* bit) suppressed? */
static inline bool rn_filter_quiet(const struct rn_filter *f, unsigned what)
{
	return (f->quiet & what) != 0;
}

#endif /* RENACER_FILTER_H */
