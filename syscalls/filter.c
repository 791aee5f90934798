/*
 * filter.c - strace's qualifying expressions (see syscalls/filter.h).
 *
 * The grammar, as strace 6.1 behaves (each point checked by running it):
 *
 *   SET      := '!'* ( "none" | ITEM? (',' ITEM?)* )
 *   - every leading '!' toggles negation of the whole set; "!" inside a
 *     list is not an operator: trace=file,!openat is "invalid system call
 *     '!openat'";
 *   - "none" is only recognised as the whole set, "all" too for status,
 *     signal and quiet; trace also accepts "all" as one item of a list;
 *   - empty items are skipped; a set with no item at all is refused with the
 *     whole value quoted: trace= -> "invalid system call ''", trace=!! ->
 *     "invalid system call '!!'";
 *   - a later -e of the same qualifier replaces the earlier one; -z/-Z
 *     write status= (last one wins, with a warning when given twice).
 *
 *   trace ITEM := '?'* NAME ['@' ("64" | "32" | "x32")]
 *   NAME is "all", /ERE (regcomp REG_EXTENDED, matched against names),
 *   %CLASS, a bare class name among file network process memory signal
 *   ipc desc (these win over same-named i386 syscalls: "ipc", "signal"),
 *   a decimal number below the table size (leading zeros allowed), or a
 *   syscall name (case-sensitive). '?' turns "unknown name/class" and
 *   "regex matches nothing" into no-ops; regcomp errors and bad personality
 *   suffixes are still refused. The suffix is split at the last '@'.
 *
 *   status: successful failed unfinished unavailable detached (any case)
 *   signal: 0..255 in decimal, or a name of 1..64 with or without SIG, any
 *           case, spelled as strace prints it (SIGRTMIN, SIGRT_1..SIGRT_32;
 *           no SIGIOT/SIGPOLL/SIGCLD aliases)
 *   quiet:  attach exit exits path-resolution personality thread-execve
 *           superseded (any case); -q = attach,personality, -qq adds exit,
 *           -qqq = all; -q together with -e quiet= is refused
 *
 * Where renacer differs, on purpose:
 *   - renacer knows the x86-64 (64-bit) ABI only. Names that exist only in
 *     the i386 ABI (stat64, waitpid, socketcall, ...) are accepted, as
 *     strace accepts them on x86-64, and select nothing. Items suffixed
 *     @32/@x32 select nothing either; their validity is checked against
 *     native + i386 names, which accepts a few that strace refuses
 *     (tuxcall@32). x32 syscall numbers are "unknown numbers" (below).
 *   - numbers the table has no name for (holes, >= rn_syscall_count, x32)
 *     are always traced: strace 6.1 does the same in its default (ptrace)
 *     mode, even with trace=none.
 *   - a regex that glibc's regcomp cannot compile and match within 500 ms
 *     of CPU and 256 MiB (stacked repetitions: p+++...+, (a{0}){10000}),
 *     or with groups nested more than 100 deep, is refused with its
 *     REG_ESIZE text (regex_bounded.h); strace would take minutes and
 *     gigabytes, or crash.
 */
#define _GNU_SOURCE
#include "syscalls/filter.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/names.h"
#include "base/regex_bounded.h"
#include "syscalls/inject.h"
#include "syscalls/syscalls.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A set over syscall numbers while it is being parsed (main thread only). */
struct nrset {
	uint64_t w[RN_FILTER_WORDS];
};

static void *xalloc(void *p)
{
	if (p == NULL) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void set_bit(uint64_t *w, unsigned nr)
{
	w[nr / 64] |= UINT64_C(1) << (nr % 64);
}

/* Holes and numbers past the table are traced whatever the set says. */
static void force_unknown(struct rn_filter *f)
{
	for (unsigned nr = 0; nr < RN_FILTER_NR_MAX; nr++)
		if (rn_syscall_get((long)nr) == NULL)
			set_bit(f->trace, nr);
	f->trace_unknown = true;
}

/* ---- the names of other ABIs ------------------------------------------ */

/* Syscall names of the i386 ABI that x86-64 does not have (from the
 * kernel's asm/unistd_32.h, minus every name of unistd_64.h); x32 has no
 * name of its own. strace 6.1 accepts each of them in trace=. Sorted for
 * bsearch. */
static const char *const i386_only[] = {
	"_llseek", "_newselect", "bdflush", "break", "chown32",
	"clock_adjtime64", "clock_getres_time64", "clock_gettime64",
	"clock_nanosleep_time64", "clock_settime64", "fadvise64_64",
	"fchown32", "fcntl64", "fstat64", "fstatat64", "fstatfs64", "ftime",
	"ftruncate64", "futex_time64", "getegid32", "geteuid32", "getgid32",
	"getgroups32", "getresgid32", "getresuid32", "getuid32", "gtty",
	"idle", "io_pgetevents_time64", "ipc", "lchown32", "lock", "lstat64",
	"mmap2", "mpx", "mq_timedreceive_time64", "mq_timedsend_time64",
	"nice", "oldfstat", "oldlstat", "oldolduname", "oldstat", "olduname",
	"ppoll_time64", "prof", "profil", "pselect6_time64", "readdir",
	"recvmmsg_time64", "rt_sigtimedwait_time64",
	"sched_rr_get_interval_time64", "semtimedop_time64", "sendfile64",
	"setfsgid32", "setfsuid32", "setgid32", "setgroups32", "setregid32",
	"setresgid32", "setresuid32", "setreuid32", "setuid32", "sgetmask",
	"sigaction", "signal", "sigpending", "sigprocmask", "sigreturn",
	"sigsuspend", "socketcall", "ssetmask", "stat64", "statfs64", "stime",
	"stty", "timer_gettime64", "timer_settime64", "timerfd_gettime64",
	"timerfd_settime64", "truncate64", "ugetrlimit", "ulimit", "umount",
	"utimensat_time64", "vm86", "vm86old", "waitpid",
};

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool is_i386_only(const char *name)
{
	return bsearch(name, i386_only, COUNT(i386_only), sizeof(i386_only[0]),
		       cmp_name) != NULL;
}

/* ---- trace= ----------------------------------------------------------- */

enum abi { ABI_ANY, ABI_64, ABI_32, ABI_X32 };

struct class_name {
	const char *name;
	uint32_t bits;
	bool bare; /* also accepted without '%' */
};

static const struct class_name classes[] = {
	{ "file", RN_C_FILE, true },
	{ "desc", RN_C_DESC, true },
	{ "process", RN_C_PROCESS, true },
	{ "network", RN_C_NETWORK, true },
	{ "net", RN_C_NETWORK, false },
	{ "signal", RN_C_SIGNAL, true },
	{ "ipc", RN_C_IPC, true },
	{ "memory", RN_C_MEMORY, true },
	{ "creds", RN_C_CREDS, false },
	{ "clock", RN_C_CLOCK, false },
	{ "stat", RN_C_STAT, false },
	{ "lstat", RN_C_LSTAT, false },
	{ "fstat", RN_C_FSTAT, false },
	{ "%stat", RN_C_STAT_LIKE, false },
	{ "statfs", RN_C_STATFS, false },
	{ "fstatfs", RN_C_FSTATFS, false },
	{ "%statfs", RN_C_STATFS_LIKE, false },
	{ "pure", RN_C_PURE, false },
};

static const struct class_name *find_class(const char *name, bool bare)
{
	for (size_t i = 0; i < COUNT(classes); i++)
		if ((!bare || classes[i].bare) && strcmp(classes[i].name, name) == 0)
			return &classes[i];
	return NULL;
}

/* Decimal digits only, value below limit; no sign, no spaces. */
static bool parse_decimal(const char *s, unsigned long limit, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= limit)
			return false;
	}
	*out = v;
	return true;
}

/*
 * A /regex item: matched against every native name, then the i386-only
 * ones, in one bounded child (regex_bounded.h). A native match validates
 * the item for any suffix (x32 and i386 share most names: an
 * approximation); i386-only names validate it with no suffix or @32.
 * Returns as trace_item.
 */
static int trace_regex(struct nrset *set, const char *re, bool native, bool i386,
		       char *err, size_t errlen)
{
	const char *names[RN_REGEX_MAX_NAMES] = { NULL };
	uint64_t hits[RN_REGEX_MAX_NAMES / 64];
	const size_t n = rn_syscall_count + COUNT(i386_only);
	char why[128];
	int found = 0;

	if (n > RN_REGEX_MAX_NAMES)
		abort();  /* a table grew past the bitmap: a build mistake */
	for (unsigned nr = 0; nr < rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get((long)nr);

		names[nr] = sc != NULL ? sc->name : NULL;
	}
	for (size_t i = 0; i < COUNT(i386_only); i++)
		names[rn_syscall_count + i] = i386_only[i];
	if (rn_regex_match_bounded(re, names, n, hits, why, sizeof(why)) != 0) {
		fail(err, errlen, "regcomp: %s: %s", re, why);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(hits[i / 64] >> (i % 64) & 1))
			continue;
		if (i < rn_syscall_count) {
			found = 1;
			if (native)
				set_bit(set->w, (unsigned)i);
		} else if (i386) {
			found = 1;
		}
	}
	return found;
}

/*
 * One item of a trace set, '?' and suffix already split off. Adds the
 * native numbers it names to *set when `native`; returns 1 when the item
 * names something (in any ABI considered), 0 when it names nothing, -1 on
 * a regcomp error (err filled).
 */
static int trace_item(struct nrset *set, const char *name, enum abi abi,
		      char *err, size_t errlen)
{
	const bool native = abi == ABI_ANY || abi == ABI_64;
	const bool i386 = abi == ABI_ANY || abi == ABI_32;
	const struct class_name *cls;
	unsigned long num;

	if (strcmp(name, "all") == 0) {
		if (native)
			for (unsigned nr = 0; nr < rn_syscall_count; nr++)
				set_bit(set->w, nr);
		return 1;
	}
	if (name[0] == '/')
		return trace_regex(set, name + 1, native, i386, err, errlen);
	cls = name[0] == '%' ? find_class(name + 1, false) : find_class(name, true);
	if (cls != NULL) {
		for (unsigned nr = 0; native && nr < rn_syscall_count; nr++) {
			const struct rn_syscall *sc = rn_syscall_get((long)nr);

			if (sc != NULL && (sc->classes & cls->bits))
				set_bit(set->w, nr);
		}
		return 1;
	}
	if (name[0] == '%')
		return 0;
	if (parse_decimal(name, rn_syscall_count, &num)) {
		if (native)
			set_bit(set->w, (unsigned)num);
		return 1;
	}
	long nr = rn_syscall_by_name(name);
	if (nr >= 0) {
		if (native)
			set_bit(set->w, (unsigned)nr);
		return 1;
	}
	return i386 && is_i386_only(name);
}

/* One comma-separated token of trace=: '?'s, the name, the '@' suffix. */
static int trace_token(struct nrset *set, char *tok, char *err, size_t errlen)
{
	bool ignore = false;
	enum abi abi = ABI_ANY;
	char *at;
	int rc;

	while (*tok == '?') {
		ignore = true;
		tok++;
	}
	at = strrchr(tok, '@');
	if (at != NULL) {
		const char *sfx = at + 1;

		if (strcmp(sfx, "64") == 0)
			abi = ABI_64;
		else if (strcmp(sfx, "32") == 0)
			abi = ABI_32;
		else if (strcmp(sfx, "x32") == 0)
			abi = ABI_X32;
		else {
			fail(err, errlen, "incorrect personality designator '%s' in "
			     "qualification '%s'", sfx, tok);
			return -1;
		}
		*at = '\0';
	}
	rc = trace_item(set, tok, abi, err, errlen);
	if (at != NULL)
		*at = '@';
	if (rc < 0)
		return -1;
	if (rc == 0 && !ignore) {
		fail(err, errlen, "invalid system call '%s'", tok);
		return -1;
	}
	return 0;
}

/* ---- the other qualifiers ----------------------------------------------- */

struct word {
	const char *name;
	unsigned bits;
};

static const struct word statuses[] = {
	{ "successful", RN_STATUS_SUCCESSFUL },
	{ "failed", RN_STATUS_FAILED },
	{ "unfinished", RN_STATUS_UNFINISHED },
	{ "unavailable", RN_STATUS_UNAVAILABLE },
	{ "detached", RN_STATUS_DETACHED },
};

static const struct word quiets[] = {
	{ "attach", RN_QUIET_ATTACH },
	{ "exit", RN_QUIET_EXIT },
	{ "exits", RN_QUIET_EXIT },
	{ "path-resolution", RN_QUIET_PATH_RESOLUTION },
	{ "personality", RN_QUIET_PERSONALITY },
	{ "thread-execve", RN_QUIET_THREAD_EXECVE },
	{ "superseded", RN_QUIET_THREAD_EXECVE },
};

static unsigned find_word(const struct word *w, size_t n, const char *tok)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(w[i].name, tok) == 0)
			return w[i].bits;
	return 0;
}

/* Signal 1..64 by name, 0..255 by number (strace's range); returns the
 * number, or -1. */
static int signal_number(const char *tok)
{
	unsigned long num;
	const char *bare = tok;

	if (parse_decimal(tok, 256, &num))
		return (int)num;
	if (strncasecmp(bare, "SIG", 3) == 0)
		bare += 3;
	for (int sig = 1; sig <= 64; sig++) {
		const char *name = rn_signal_name(sig);

		if (name != NULL && strcasecmp(name + 3, bare) == 0)
			return sig;
	}
	return -1;
}

/* ---- the generic set syntax --------------------------------------------- */

enum qual {
	Q_TRACE, Q_SIGNAL, Q_STATUS, Q_QUIET, Q_ABBREV, Q_VERBOSE, Q_RAW, Q_READ, Q_WRITE,
	Q_INJECT, Q_FAULT, Q_UNSUPPORTED
};

struct qual_name {
	const char *name;
	enum qual q;
};

/* strace 6.1's qualifier names and aliases (case-sensitive). */
static const struct qual_name quals[] = {
	{ "trace", Q_TRACE }, { "t", Q_TRACE },
	{ "signal", Q_SIGNAL }, { "signals", Q_SIGNAL }, { "s", Q_SIGNAL },
	{ "status", Q_STATUS },
	{ "quiet", Q_QUIET }, { "silent", Q_QUIET }, { "silence", Q_QUIET },
	{ "q", Q_QUIET },
	{ "abbrev", Q_ABBREV }, { "a", Q_ABBREV },
	{ "verbose", Q_VERBOSE }, { "v", Q_VERBOSE },
	{ "raw", Q_RAW }, { "x", Q_RAW },
	{ "read", Q_READ }, { "reads", Q_READ }, { "r", Q_READ },
	{ "write", Q_WRITE }, { "writes", Q_WRITE }, { "w", Q_WRITE },
	{ "fault", Q_FAULT }, { "inject", Q_INJECT },
	{ "kvm", Q_UNSUPPORTED },
	{ "decode-fds", Q_UNSUPPORTED }, { "decode-fd", Q_UNSUPPORTED },
	{ "decode-pids", Q_UNSUPPORTED }, { "decode-pid", Q_UNSUPPORTED },
};

static const struct qual_name *find_qual(const char *name, size_t len)
{
	for (size_t i = 0; i < COUNT(quals); i++)
		if (strlen(quals[i].name) == len && memcmp(quals[i].name, name, len) == 0)
			return &quals[i];
	return NULL;
}

static const char *const what[] = {
	[Q_TRACE] = "system call", [Q_SIGNAL] = "signal",
	[Q_ABBREV] = "system call", [Q_VERBOSE] = "system call", [Q_RAW] = "system call",
	[Q_READ] = "descriptor", [Q_WRITE] = "descriptor",
	[Q_STATUS] = "status", [Q_QUIET] = "quiet",
};

/* The qualifiers whose sets are of syscalls, parsed as trace's. */
static bool is_nrset(enum qual q)
{
	return q == Q_TRACE || q == Q_ABBREV || q == Q_VERBOSE || q == Q_RAW;
}

/*
 * Parse VALUE for qualifier q into the right field of f, or leave f as it
 * was and fill err. The set is built in `set` (syscall numbers, trace) or
 * `mask` (the others) and complemented at the end on '!'.
 */
static int parse_set(struct rn_filter *f, enum qual q, const char *value,
		     char *err, size_t errlen)
{
	struct nrset set = { { 0 } };
	uint64_t mask = 0;
	int *fds = NULL;
	unsigned nfds = 0;
	const char *s = value;
	bool neg = false;
	int items = 0;
	int rc = 0;

	while (*s == '!') {
		neg = !neg;
		s++;
	}
	if (strcmp(s, "none") == 0) {
		/* empty */
	} else if (!is_nrset(q) && strcmp(s, "all") == 0) {
		mask = ~UINT64_C(0);
	} else {
		char *copy = xalloc(strdup(s));
		char *next = copy;

		/* Items are split on ',' and empty ones skipped, like strtok. */
		while (next != NULL && rc == 0) {
			char *tok = next;
			char *comma = strchr(tok, ',');
			unsigned bits;
			int sig;

			next = comma ? comma + 1 : NULL;
			if (comma)
				*comma = '\0';
			if (*tok == '\0')
				continue;
			items++;
			switch (q) {
			case Q_TRACE:
			case Q_ABBREV:
			case Q_VERBOSE:
			case Q_RAW:
				rc = trace_token(&set, tok, err, errlen);
				break;
			case Q_STATUS:
			case Q_QUIET:
				bits = q == Q_STATUS ? find_word(statuses, COUNT(statuses), tok)
						     : find_word(quiets, COUNT(quiets), tok);
				if (bits == 0) {
					fail(err, errlen, "invalid %s '%s'", what[q], tok);
					rc = -1;
				}
				mask |= bits;
				break;
			case Q_SIGNAL:
				sig = signal_number(tok);
				if (sig < 0) {
					fail(err, errlen, "invalid signal '%s'", tok);
					rc = -1;
				} else if (sig >= 1 && sig <= 64) {
					mask |= UINT64_C(1) << (sig - 1);
				}
				break;
			case Q_READ:
			case Q_WRITE: {
				unsigned long fd;
				int *grown;
				if (!parse_decimal(tok, (unsigned long)INT_MAX + 1, &fd)) {
					fail(err, errlen, "invalid descriptor '%s'", tok);
					rc = -1;
					break;
				}
				grown = xalloc(realloc(fds, (nfds + 1) * sizeof(*fds)));
				fds = grown;
				fds[nfds++] = (int)fd;
				break;
			}
			case Q_INJECT:
			case Q_FAULT:
			case Q_UNSUPPORTED:
				break;
			}
		}
		free(copy);
		if (rc == 0 && items == 0) {
			fail(err, errlen, "invalid %s '%s'", what[q], value);
			rc = -1;
		}
		if (rc != 0) {
			free(fds);
			return -1;
		}
	}

	switch (q) {
	case Q_TRACE:
		for (size_t i = 0; i < RN_FILTER_WORDS; i++)
			f->trace[i] = neg ? ~set.w[i] : set.w[i];
		force_unknown(f);
		f->given |= RN_GIVEN_TRACE;
		break;
	case Q_ABBREV:
	case Q_VERBOSE:
	case Q_RAW: {
		uint64_t *dst = q == Q_ABBREV ? f->unabbrev : q == Q_VERBOSE ? f->unverbose : f->raw;
		if (q != Q_RAW)
			neg = !neg; /* kept as the complement: see filter.h */
		for (size_t i = 0; i < RN_FILTER_WORDS; i++)
			dst[i] = neg ? ~set.w[i] : set.w[i];
		f->given |= q == Q_ABBREV ? RN_GIVEN_ABBREV :
			    q == Q_VERBOSE ? RN_GIVEN_VERBOSE : RN_GIVEN_RAW;
		break;
	}
	case Q_READ:
	case Q_WRITE: {
		struct rn_fdset *d = q == Q_READ ? &f->read_fds : &f->write_fds;
		free(d->fds);
		d->fds = fds;
		d->n = nfds;
		/* "all" is every descriptor but none */
		d->neg = neg != (mask != 0);
		f->given |= q == Q_READ ? RN_GIVEN_READ : RN_GIVEN_WRITE;
		fds = NULL;
		break;
	}
	case Q_STATUS:
		f->status = (unsigned)(neg ? ~mask : mask) & RN_STATUS_ALL;
		f->given |= RN_GIVEN_STATUS;
		break;
	case Q_QUIET:
		f->quiet = (unsigned)(neg ? ~mask : mask) & RN_QUIET_ALL;
		f->given |= RN_GIVEN_QUIET;
		break;
	case Q_SIGNAL:
		f->signals = neg ? ~mask : mask;
		f->given |= RN_GIVEN_SIGNAL;
		break;
	case Q_INJECT:
	case Q_FAULT:
	case Q_UNSUPPORTED:
		break;
	}
	return 0;
}

/* -e inject=SET:... / fault=SET:...: SET as a trace set (its errors
 * worded so), the rest by inject.c. */
static int parse_inject(struct rn_filter *f, int fault, const char *value,
			char *err, size_t errlen)
{
	const char *colon = strchr(value, ':');
	char *set = xalloc(strndup(value, colon ? (size_t)(colon - value) : strlen(value)));
	struct rn_filter tmp;
	int rc;

	rn_filter_init(&tmp);
	rc = parse_set(&tmp, Q_TRACE, set, err, errlen);
	free(set);
	if (rc != 0)
		return rc;
	return rn_inject_add(&f->inject, fault, value, tmp.trace, colon ? colon + 1 : NULL,
			     err, errlen);
}

static int qualify(struct rn_filter *f, const struct qual_name *qn, const char *value,
		   char *err, size_t errlen)
{
	if (qn->q == Q_UNSUPPORTED) {
		fail(err, errlen, "-e %s= is not supported by renacer (supported: "
		     "trace, signal, status, quiet, abbrev, verbose, raw, read, write, inject, "
		     "fault)", qn->name);
		return -2;
	}
	if (qn->q == Q_INJECT || qn->q == Q_FAULT)
		return parse_inject(f, qn->q == Q_FAULT, value, err, errlen);
	return parse_set(f, qn->q, value, err, errlen);
}

/* ---- the API ------------------------------------------------------------- */

void rn_filter_init(struct rn_filter *f)
{
	if (rn_syscall_count > RN_FILTER_NR_MAX) {
		fputs("renacer: syscall table larger than RN_FILTER_NR_MAX\n", stderr);
		abort();
	}
	memset(f, 0, sizeof(*f));
	memset(f->trace, 0xff, sizeof(f->trace));
	f->trace_unknown = true;
	f->traces_all = true;
	f->status = RN_STATUS_ALL;
	f->signals = ~UINT64_C(0);
}

int rn_filter_parse_e(struct rn_filter *f, const char *expr, char *err, size_t errlen)
{
	const char *eq = strchr(expr, '=');
	const struct qual_name *qn = eq ? find_qual(expr, (size_t)(eq - expr)) : NULL;

	/* No known "NAME=" prefix: the whole argument is a trace set. */
	if (qn == NULL)
		return parse_set(f, Q_TRACE, expr, err, errlen);
	return qualify(f, qn, eq + 1, err, errlen);
}

int rn_filter_qualify(struct rn_filter *f, const char *name, const char *value,
		      char *err, size_t errlen)
{
	const struct qual_name *qn = find_qual(name, strlen(name));

	if (qn == NULL) {
		fail(err, errlen, "invalid qualifier '%s'", name);
		return -1;
	}
	return qualify(f, qn, value, err, errlen);
}

void rn_filter_opt(struct rn_filter *f, int opt)
{
	switch (opt) {
	case 'z':
		f->status = RN_STATUS_SUCCESSFUL;
		f->n_zZ++;
		break;
	case 'Z':
		f->status = RN_STATUS_FAILED;
		f->n_zZ++;
		break;
	case 'q':
		f->n_q++;
		break;
	case 'v':
		memset(f->unabbrev, 0xff, sizeof(f->unabbrev));
		f->given |= RN_GIVEN_ABBREV;
		break;
	default:
		break;
	}
}

void rn_filter_add_path(struct rn_filter *f, const char *path)
{
	f->paths = xalloc(realloc(f->paths, sizeof(*f->paths) * (f->npaths + 1)));
	f->paths[f->npaths++] = xalloc(strdup(path));
}

int rn_filter_finish(struct rn_filter *f, char *err, size_t errlen)
{
	bool all = true;

	if (f->n_q > 0 && (f->given & RN_GIVEN_QUIET)) {
		fail(err, errlen, "-q and -e quiet/--quiet cannot be provided simultaneously");
		return -1;
	}
	if (f->n_q == 1)
		f->quiet = RN_QUIET_ATTACH | RN_QUIET_PERSONALITY;
	else if (f->n_q == 2)
		f->quiet = RN_QUIET_ATTACH | RN_QUIET_PERSONALITY | RN_QUIET_EXIT;
	else if (f->n_q > 2)
		f->quiet = RN_QUIET_ALL;
	f->warning = NULL;
	if (f->n_zZ > 1)
		f->warning = "Only the last of -z/--successful-only/-Z/--failed-only "
			     "options will take effect. See status qualifier for more "
			     "complex filters.";
	for (unsigned nr = 0; nr < rn_syscall_count && all; nr++)
		all = rn_filter_traced(f, (long)nr);
	f->traces_all = all && f->trace_unknown;
	return 0;
}

void rn_filter_free(struct rn_filter *f)
{
	for (size_t i = 0; i < f->npaths; i++)
		free(f->paths[i]);
	free(f->paths);
	f->paths = NULL;
	rn_inject_free(f->inject);
	f->inject = NULL;
	f->npaths = 0;
	free(f->read_fds.fds);
	free(f->write_fds.fds);
	memset(&f->read_fds, 0, sizeof(f->read_fds));
	memset(&f->write_fds, 0, sizeof(f->write_fds));
}
