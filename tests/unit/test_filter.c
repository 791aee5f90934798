/*
 * test_filter.c - strace's qualifying expressions (syscalls/filter.c).
 *
 * Every expected result and error text below was taken from strace 6.1 on
 * x86-64: the sets by tracing a program that issues every syscall number
 * under a seccomp filter failing them with ENOSYS, the texts from its
 * stderr (without the "strace: " prefix).
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "syscalls/filter.h"
#include "syscalls/inject.h"
#include "syscalls/syscalls.h"

/* ---- helpers ------------------------------------------------------------- */

static char err[512];

/* A filter after the given -e arguments (NULL-terminated) and finish. */
static struct rn_filter parsed(const char *first, ...)
{
	struct rn_filter f;
	va_list ap;

	rn_filter_init(&f);
	va_start(ap, first);
	for (const char *e = first; e != NULL; e = va_arg(ap, const char *)) {
		err[0] = '\0';
		int rc = rn_filter_parse_e(&f, e, err, sizeof(err));
		if (rc != 0)
			fail_msg("-e '%s' refused: %s", e, err);
	}
	va_end(ap);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	return f;
}

/* Parse one -e expecting refusal; returns the code, err holds the text. */
static int refused(const char *expr)
{
	struct rn_filter f;
	int rc;

	rn_filter_init(&f);
	err[0] = '\0';
	rc = rn_filter_parse_e(&f, expr, err, sizeof(err));
	rn_filter_free(&f);
	return rc;
}

static void expect_refusal(const char *expr, const char *msg)
{
	int rc = refused(expr);

	if (rc != -1)
		fail_msg("-e '%s' accepted (rc %d), expected '%s'", expr, rc, msg);
	if (strcmp(err, msg) != 0)
		fail_msg("-e '%s': got '%s', expected '%s'", expr, err, msg);
}

static bool traced(const struct rn_filter *f, const char *name)
{
	long nr = rn_syscall_by_name(name);

	if (nr < 0)
		fail_msg("no syscall '%s'", name);
	return rn_filter_traced(f, nr);
}

/* Number of named (non-hole) syscalls traced. */
static unsigned count_named(const struct rn_filter *f)
{
	unsigned n = 0;

	for (long nr = 0; nr < (long)rn_syscall_count; nr++)
		if (rn_syscall_get(nr) != NULL && rn_filter_traced(f, nr))
			n++;
	return n;
}

static unsigned count_named_total(void)
{
	unsigned n = 0;

	for (long nr = 0; nr < (long)rn_syscall_count; nr++)
		n += rn_syscall_get(nr) != NULL;
	return n;
}

/* The set is exactly the named syscalls carrying one of `classes`. */
static void assert_class_set(const struct rn_filter *f, uint32_t classes)
{
	for (long nr = 0; nr < (long)rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get(nr);

		if (sc == NULL)
			continue;
		if (rn_filter_traced(f, nr) != ((sc->classes & classes) != 0))
			fail_msg("%s: traced %d", sc->name, rn_filter_traced(f, nr));
	}
}

static void assert_same_set(const struct rn_filter *a, const struct rn_filter *b)
{
	assert_memory_equal(a->trace, b->trace, sizeof(a->trace));
}

/* ---- defaults ------------------------------------------------------------ */

static void test_defaults(void **state)
{
	struct rn_filter f = parsed(NULL);

	(void)state;
	assert_true(f.traces_all);
	assert_true(f.trace_unknown);
	assert_int_equal(count_named(&f), count_named_total());
	assert_int_equal(f.status, RN_STATUS_ALL);
	assert_int_equal(f.quiet, 0);
	assert_true(f.signals == ~UINT64_C(0));
	assert_int_equal(f.npaths, 0);
	assert_null(f.warning);
	assert_true(rn_filter_status_shown(&f, RN_STATUS_FAILED));
	assert_false(rn_filter_quiet(&f, RN_QUIET_EXIT));
	assert_true(rn_filter_signal_shown(&f, SIGCHLD));
	assert_true(rn_filter_signal_shown(&f, 64));
	assert_false(rn_filter_signal_shown(&f, 0));
	assert_false(rn_filter_signal_shown(&f, 65));
}

/* ---- trace= ---------------------------------------------------------------- */

static void test_trace_names(void **state)
{
	(void)state;
	struct rn_filter f = parsed("trace=openat,close", NULL);
	assert_true(traced(&f, "openat"));
	assert_true(traced(&f, "close"));
	assert_false(traced(&f, "read"));
	assert_int_equal(count_named(&f), 2);
	assert_false(f.traces_all);

	/* Spellings of the same qualifier. */
	struct rn_filter g = parsed("openat,close", NULL);
	assert_same_set(&f, &g);
	g = parsed("t=openat,close", NULL);
	assert_same_set(&f, &g);
	g = parsed("trace=close,openat", NULL);
	assert_same_set(&f, &g);

	/* Empty items are skipped. */
	g = parsed("trace=,openat,,close,", NULL);
	assert_same_set(&f, &g);

	/* rn_filter_qualify is --trace=. */
	rn_filter_init(&g);
	assert_int_equal(rn_filter_qualify(&g, "trace", "openat,close", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_finish(&g, err, sizeof(err)), 0);
	assert_same_set(&f, &g);
}

static void test_trace_repeated_replaces(void **state)
{
	(void)state;
	/* strace -e trace=getpid -e trace=getppid shows getppid only. */
	struct rn_filter f = parsed("trace=getpid", "trace=getppid", NULL);
	assert_false(traced(&f, "getpid"));
	assert_true(traced(&f, "getppid"));
	assert_int_equal(count_named(&f), 1);

	f = parsed("trace=getpid,getppid", "getpid", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "getpid"));

	/* Other qualifiers in between do not touch the trace set. */
	f = parsed("trace=getpid", "status=failed", "signal=none", NULL);
	assert_int_equal(count_named(&f), 1);
}

static void test_trace_all_none(void **state)
{
	(void)state;
	struct rn_filter f = parsed("trace=all", NULL);
	assert_true(f.traces_all);

	f = parsed("trace=none", NULL);
	assert_int_equal(count_named(&f), 0);
	assert_false(f.traces_all);

	f = parsed("trace=!none", NULL);
	assert_true(f.traces_all);
	f = parsed("trace=!all", NULL);
	assert_int_equal(count_named(&f), 0);

	/* "all" is also an item of a list; "none" is not (see refusals). */
	f = parsed("trace=getpid,all", NULL);
	assert_true(f.traces_all);
	f = parsed("trace=all,getpid", NULL);
	assert_true(f.traces_all);
	f = parsed("trace=?all", NULL);
	assert_true(f.traces_all);
	f = parsed("trace=all@64", NULL);
	assert_true(f.traces_all);

	/* A filter that names every syscall is "all" too. */
	f = parsed("trace=%desc", "trace=!%desc", NULL);
	assert_false(f.traces_all);
	f = parsed("trace=/", NULL);  /* the empty regex matches everything */
	assert_true(f.traces_all);
}

static void test_trace_unknown_numbers(void **state)
{
	(void)state;
	/* strace 6.1 prints syscall_0x151 .. and syscall_0x1f4 whatever the
	 * expression, trace=none included. */
	const char *exprs[] = { "trace=none", "trace=getpid", "trace=!all", "trace=%file",
				"trace=/^get", "trace=?foo" };
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct rn_filter f = parsed(exprs[i], NULL);

		assert_true(f.trace_unknown);
		for (long nr = 335; nr <= 423; nr++)
			assert_true(rn_filter_traced(&f, nr));
		assert_true(rn_filter_traced(&f, (long)rn_syscall_count));
		assert_true(rn_filter_traced(&f, 500));
		assert_true(rn_filter_traced(&f, 1000));
		assert_true(rn_filter_traced(&f, RN_FILTER_NR_MAX));
		assert_true(rn_filter_traced(&f, 0x40000000L | 39)); /* x32 getpid */
		assert_true(rn_filter_traced(&f, -1));
	}
}

static void test_trace_classes(void **state)
{
	static const struct {
		const char *expr;
		uint32_t classes;
	} cases[] = {
		{ "trace=%file", RN_C_FILE },
		{ "trace=%desc", RN_C_DESC },
		{ "trace=%process", RN_C_PROCESS },
		{ "trace=%network", RN_C_NETWORK },
		{ "trace=%net", RN_C_NETWORK },
		{ "trace=%signal", RN_C_SIGNAL },
		{ "trace=%ipc", RN_C_IPC },
		{ "trace=%memory", RN_C_MEMORY },
		{ "trace=%creds", RN_C_CREDS },
		{ "trace=%clock", RN_C_CLOCK },
		{ "trace=%stat", RN_C_STAT },
		{ "trace=%lstat", RN_C_LSTAT },
		{ "trace=%fstat", RN_C_FSTAT },
		{ "trace=%%stat", RN_C_STAT_LIKE },
		{ "trace=%statfs", RN_C_STATFS },
		{ "trace=%fstatfs", RN_C_FSTATFS },
		{ "trace=%%statfs", RN_C_STATFS_LIKE },
		{ "trace=%pure", RN_C_PURE },
		/* strace 6.1 takes these seven without '%' too. */
		{ "trace=file", RN_C_FILE },
		{ "trace=desc", RN_C_DESC },
		{ "trace=process", RN_C_PROCESS },
		{ "trace=network", RN_C_NETWORK },
		{ "trace=signal", RN_C_SIGNAL },
		{ "trace=ipc", RN_C_IPC },
		{ "trace=memory", RN_C_MEMORY },
		{ "%file,%network", RN_C_FILE | RN_C_NETWORK },
		{ "trace=%file@64", RN_C_FILE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rn_filter f = parsed(cases[i].expr, NULL);

		assert_class_set(&f, cases[i].classes);
	}

	/* Sizes strace 6.1 reports for the probe (named syscalls only). */
	struct rn_filter f = parsed("trace=%file", NULL);
	assert_int_equal(count_named(&f), 67);
	f = parsed("trace=%desc", NULL);
	assert_int_equal(count_named(&f), 123);
	f = parsed("trace=%process", NULL);
	assert_int_equal(count_named(&f), 16);
	f = parsed("trace=%%stat", NULL);
	assert_int_equal(count_named(&f), 5);
	f = parsed("trace=%fstat", NULL);
	assert_int_equal(count_named(&f), 3);
	assert_true(traced(&f, "fstat"));
	assert_true(traced(&f, "newfstatat"));
	assert_true(traced(&f, "statx"));

	/* Bare "stat" is the syscall, not the class; "net", "creds", "clock"
	 * and "pure" need their '%' (refusals below). */
	f = parsed("trace=stat", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "stat"));
	f = parsed("trace=fstat", NULL);
	assert_int_equal(count_named(&f), 1);
}

static void test_trace_negation(void **state)
{
	(void)state;
	struct rn_filter f = parsed("trace=!getpid", NULL);
	assert_false(traced(&f, "getpid"));
	assert_int_equal(count_named(&f), count_named_total() - 1);

	/* '!' negates the whole list: !file,openat = all but (file + openat). */
	f = parsed("trace=!file,openat", NULL);
	assert_false(traced(&f, "openat"));
	assert_false(traced(&f, "open"));
	assert_true(traced(&f, "getpid"));
	assert_true(traced(&f, "close"));
	struct rn_filter g = parsed("trace=%file", NULL);
	for (long nr = 0; nr < (long)rn_syscall_count; nr++)
		if (rn_syscall_get(nr) != NULL && rn_filter_traced(&g, nr))
			assert_false(rn_filter_traced(&f, nr));

	/* Each leading '!' toggles. */
	f = parsed("trace=!!getpid", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "getpid"));
	f = parsed("trace=!!!getpid", NULL);
	assert_int_equal(count_named(&f), count_named_total() - 1);

	/* !getpid,getpid: the union is negated, getpid stays out. */
	f = parsed("trace=!getpid,getpid", NULL);
	assert_false(traced(&f, "getpid"));
	assert_int_equal(count_named(&f), count_named_total() - 1);

	/* '!' then only a comma: !(,getpid). */
	f = parsed("trace=!,getpid", NULL);
	assert_false(traced(&f, "getpid"));

	/* ?-ignored unknown under '!' is the empty set negated. */
	f = parsed("trace=!?foo", NULL);
	assert_true(f.traces_all);
}

static void test_trace_regex(void **state)
{
	(void)state;
	struct rn_filter f = parsed("trace=/getp", NULL);
	/* strace 6.1: getpeername getpgid getpgrp getpid getpmsg getppid
	 * getpriority sched_getparam */
	assert_int_equal(count_named(&f), 8);
	assert_true(traced(&f, "sched_getparam"));
	assert_true(traced(&f, "getpmsg"));

	f = parsed("trace=/^get(pid|ppid)$", NULL);
	assert_int_equal(count_named(&f), 2);

	/* Regexes are items like any other. */
	f = parsed("trace=/^getp,close", NULL);
	assert_true(traced(&f, "close"));
	assert_true(traced(&f, "getpid"));
	assert_false(traced(&f, "sched_getparam"));

	f = parsed("trace=!/^get", NULL);
	assert_false(traced(&f, "getpid"));
	assert_true(traced(&f, "close"));

	/* Matches i386-only names: accepted, nothing native selected. */
	f = parsed("trace=/^stat64$", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=/^stat64$@32", NULL);
	assert_int_equal(count_named(&f), 0);

	/* ERE, case-sensitive, matches anywhere in the name. */
	f = parsed("trace=/a||b", NULL);
	assert_true(f.traces_all);
	f = parsed("trace=/()", NULL);
	assert_true(f.traces_all);
	f = parsed("trace=/^getpid$@64", NULL);
	assert_int_equal(count_named(&f), 1);
}

/* glibc's regcomp copies the operand of '+' and {m,n}: stacked operators
 * blow up ("/p" and 22 '+': 3 GB; "-?" and 12 '+', "^p*+++++ip$": minutes).
 * renacer compiles and matches in a child limited to 500 ms of CPU and
 * 256 MiB and refuses what does not finish, with glibc's REG_ESIZE text;
 * strace 6.1 would try. Each refusal here costs the 500 ms. */
static void test_trace_regex_too_big(void **state)
{
	(void)state;
	expect_refusal("trace=/p++++++++++++++++++++++e",
		       "regcomp: p++++++++++++++++++++++e: Regular expression too big");
	expect_refusal("trace=/-?++++++++++++", "regcomp: -?++++++++++++: Regular expression too big");
	expect_refusal("trace=/^p+*++++++ipe$", "regcomp: ^p+*++++++ipe$: Regular expression too big");
	expect_refusal("trace=/^p*+++++ip$", "regcomp: ^p*+++++ip$: Regular expression too big");
	expect_refusal("trace=/(a{000}){10000}", "regcomp: (a{000}){10000}: Regular expression too big");
	/* glibc's own limit on a count (RE_DUP_MAX, 32767). */
	expect_refusal("trace=/a{70000}", "regcomp: a{70000}: Regular expression too big");

	/* Groups nested past 100: refused before regcomp, whose recursive
	 * parser would overflow the stack (60000 levels crash strace 6.1);
	 * 100 levels are fine. */
	for (int levels = 101; levels >= 100; levels--) {
		char deep[16 + 2 * 101 + 8], want[sizeof(deep) + 64];
		int n = snprintf(deep, sizeof(deep), "trace=/^");

		for (int i = 0; i < levels; i++)
			deep[n++] = '(';
		n += sprintf(deep + n, "read");
		for (int i = 0; i < levels; i++)
			deep[n++] = ')';
		strcpy(deep + n, "$");
		if (levels > 100) {
			snprintf(want, sizeof(want), "regcomp: %s: Regular expression too big",
				 deep + 7);
			expect_refusal(deep, want);
		} else {
			struct rn_filter d = parsed(deep, NULL);

			assert_int_equal(count_named(&d), 1);
			assert_true(traced(&d, "read"));
		}
	}
	/* The verdict comes through a pipe: a caller with SIGCHLD ignored
	 * (inherited across exec) still gets it. */
	{
		void (*old_chld)(int) = signal(SIGCHLD, SIG_IGN);
		struct rn_filter g = parsed("trace=/^getp+.d$", NULL);

		signal(SIGCHLD, old_chld);
		assert_int_equal(count_named(&g), 2);
		assert_true(traced(&g, "getpid"));
		assert_true(traced(&g, "getppid"));
	}

	/* Stacked but quick to compile (milliseconds, also under the
	 * sanitizers): accepted as strace accepts them. Not here: ones close
	 * to the limit, "(((((((((a?)+)+)+)+)+)+)+)+)+" takes 50 ms, 550 ms
	 * under ASan. */
	struct rn_filter f = parsed("trace=/^p+++++++++ipe$", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "pipe"));
	expect_refusal("trace=/x{2}{2}{2}{2}{2}{2}{2}{2}{2}",
		       "invalid system call '/x{2}{2}{2}{2}{2}{2}{2}{2}{2}'");
	expect_refusal("trace=/(((a{20}){20}){20})", "invalid system call '/(((a{20}){20}){20})'");
	expect_refusal("trace=/(a{100}){100}", "invalid system call '/(a{100}){100}'");
	expect_refusal("trace=/a{32767}", "invalid system call '/a{32767}'");
	f = parsed("trace=/^p+++++ipe$", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "pipe"));
	f = parsed("trace=/[[:alpha:]_]+[0-9]{2}$", NULL);
	assert_true(traced(&f, "pread64"));
	f = parsed("trace=/[]a]+", NULL);
	assert_true(traced(&f, "read"));
	f = parsed("trace=/(((((a?)+)+)+)+)", NULL);
	assert_true(traced(&f, "read"));
	/* Brackets, escapes and an unmatched ')'. */
	f = parsed("trace=/^[(]*get\\(*pid)*$", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "getpid"));
}

static void test_trace_numbers(void **state)
{
	(void)state;
	struct rn_filter f = parsed("trace=39", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "getpid"));
	f = parsed("trace=039", NULL);
	assert_true(traced(&f, "getpid"));
	f = parsed("trace=450", NULL);
	assert_true(traced(&f, "set_mempolicy_home_node"));
	f = parsed("trace=0,1", NULL);
	assert_true(traced(&f, "read"));
	assert_true(traced(&f, "write"));
	/* A hole is a valid number; holes are traced anyway. */
	f = parsed("trace=337", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=39@64", NULL);
	assert_int_equal(count_named(&f), 1);
	f = parsed("trace=39@32", NULL);
	assert_int_equal(count_named(&f), 0);
}

static void test_trace_question_mark(void **state)
{
	(void)state;
	/* '?' ignores unknown names, classes and empty regex matches. */
	struct rn_filter f = parsed("trace=?foo", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=?foo,getpid", NULL);
	assert_int_equal(count_named(&f), 1);
	f = parsed("trace=?%foo,getpid", NULL);
	assert_int_equal(count_named(&f), 1);
	f = parsed("trace=??getpid", NULL);
	assert_int_equal(count_named(&f), 1);
	f = parsed("trace=?/zzzz,getpid", NULL);
	assert_int_equal(count_named(&f), 1);
	f = parsed("trace=?!getpid", NULL);  /* "!getpid" is a name: unknown */
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=?", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=?none", NULL);     /* "none" only as the whole set */
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=?@64", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=?tuxcall@32", NULL);
	assert_int_equal(count_named(&f), 0);
}

static void test_trace_personality(void **state)
{
	(void)state;
	struct rn_filter f = parsed("trace=getpid@64", NULL);
	assert_int_equal(count_named(&f), 1);
	f = parsed("trace=getpid@32", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=getpid@x32", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=getpid@64,getppid@32", NULL);
	assert_int_equal(count_named(&f), 1);
	assert_true(traced(&f, "getpid"));
	f = parsed("trace=!getpid@64", NULL);
	assert_int_equal(count_named(&f), count_named_total() - 1);
	f = parsed("trace=%desc@32", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=tuxcall@x32", NULL);
	assert_int_equal(count_named(&f), 0);
	f = parsed("trace=/getp@64", NULL);
	assert_int_equal(count_named(&f), 8);
}

static void test_trace_i386_names(void **state)
{
	static const char *const names[] = {
		"stat64", "waitpid", "socketcall", "umount", "sigreturn", "mmap2",
		"_llseek", "oldstat", "_newselect", "chown32", "vm86old",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char expr[64];

		snprintf(expr, sizeof(expr), "trace=%s", names[i]);
		struct rn_filter f = parsed(expr, NULL);
		assert_int_equal(count_named(&f), 0);
	}
	/* "ipc" and "signal" are i386 syscalls too, but the class wins. */
	struct rn_filter f = parsed("trace=ipc", NULL);
	assert_class_set(&f, RN_C_IPC);
	f = parsed("trace=signal", NULL);
	assert_class_set(&f, RN_C_SIGNAL);
}

static void test_trace_failed_parse_keeps_set(void **state)
{
	struct rn_filter f;

	(void)state;
	rn_filter_init(&f);
	assert_int_equal(rn_filter_parse_e(&f, "trace=getpid", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_parse_e(&f, "trace=getppid,foo", err, sizeof(err)), -1);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_true(traced(&f, "getpid"));
	assert_false(traced(&f, "getppid"));
}

static void test_trace_refusals(void **state)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
		{ "trace=foo", "invalid system call 'foo'" },
		{ "trace=%foo", "invalid system call '%foo'" },
		{ "trace=", "invalid system call ''" },
		{ "trace=,", "invalid system call ','" },
		{ "trace=!", "invalid system call '!'" },
		{ "trace=!!", "invalid system call '!!'" },
		{ "", "invalid system call ''" },
		{ "trace=file,!openat", "invalid system call '!openat'" },
		{ "trace=!getpid,!getppid", "invalid system call '!getppid'" },
		{ "trace=all,!getpid", "invalid system call '!getpid'" },
		{ "trace=none,getpid", "invalid system call 'none'" },
		{ "trace=getpid,none", "invalid system call 'none'" },
		{ "trace=!foo", "invalid system call 'foo'" },
		{ "trace=!!foo", "invalid system call 'foo'" },
		{ "trace=!%foo", "invalid system call '%foo'" },
		{ "trace=!/zzz", "invalid system call '/zzz'" },
		{ "trace=/zzzz", "invalid system call '/zzzz'" },
		{ "trace=/)", "invalid system call '/)'" },
		{ "trace=/GETPID", "invalid system call '/GETPID'" },
		{ "trace=/^syscall", "invalid system call '/^syscall'" },
		{ "trace=%", "invalid system call '%'" },
		{ "trace=%%", "invalid system call '%%'" },
		{ "trace=%FILE", "invalid system call '%FILE'" },
		{ "trace=%stat_like", "invalid system call '%stat_like'" },
		{ "trace=%%file", "invalid system call '%%file'" },
		{ "trace=%seccomp_default", "invalid system call '%seccomp_default'" },
		{ "trace=net", "invalid system call 'net'" },
		{ "trace=creds", "invalid system call 'creds'" },
		{ "trace=clock", "invalid system call 'clock'" },
		{ "trace=pure", "invalid system call 'pure'" },
		{ "trace=ALL", "invalid system call 'ALL'" },
		{ "trace=NONE", "invalid system call 'NONE'" },
		{ "trace=GETPID", "invalid system call 'GETPID'" },
		{ "trace= getpid", "invalid system call ' getpid'" },
		{ "trace=39 ", "invalid system call '39 '" },
		{ "trace=451", "invalid system call '451'" },
		{ "trace=1000", "invalid system call '1000'" },
		{ "trace=-1", "invalid system call '-1'" },
		{ "trace=+39", "invalid system call '+39'" },
		{ "trace=0x27", "invalid system call '0x27'" },
		{ "trace=99999999999999999999999", "invalid system call '99999999999999999999999'" },
		{ "trace=fstatat", "invalid system call 'fstatat'" },
		{ "trace=sysctl", "invalid system call 'sysctl'" },
		{ "trace=pread", "invalid system call 'pread'" },
		{ "trace=syscall_0x151", "invalid system call 'syscall_0x151'" },
		{ "trace=getpid=1", "invalid system call 'getpid=1'" },
		{ "trace=stat64@64", "invalid system call 'stat64@64'" },
		{ "trace=/^stat64$@64", "invalid system call '/^stat64$@64'" },
		{ "trace=none@64", "invalid system call 'none@64'" },
		{ "trace=@64", "invalid system call '@64'" },
		{ "trace=!@64", "invalid system call '@64'" },
		{ "trace=getpid@64@64", "invalid system call 'getpid@64@64'" },
		{ "trace=/get@pid@64", "invalid system call '/get@pid@64'" },
		{ "trace=%foo@32", "invalid system call '%foo@32'" },
		{ "trace=500@32", "invalid system call '500@32'" },
		{ "trace=451@32", "invalid system call '451@32'" },
		{ "trace=stat64@x32", "invalid system call 'stat64@x32'" },
		/* Personality designators (strace adds its usage hint line). */
		{ "trace=getpid@", "incorrect personality designator '' in qualification 'getpid@'" },
		{ "trace=getpid@foo",
		  "incorrect personality designator 'foo' in qualification 'getpid@foo'" },
		{ "trace=getpid@6", "incorrect personality designator '6' in qualification 'getpid@6'" },
		{ "trace=?getpid@foo",
		  "incorrect personality designator 'foo' in qualification 'getpid@foo'" },
		{ "trace=?@foo", "incorrect personality designator 'foo' in qualification '@foo'" },
		{ "trace=?/zzz@foo",
		  "incorrect personality designator 'foo' in qualification '/zzz@foo'" },
		/* regcomp errors: glibc's regerror text, even after '?'. */
		{ "trace=/[", "regcomp: [: Invalid regular expression" },
		{ "trace=/(", "regcomp: (: Unmatched ( or \\(" },
		{ "trace=?/(", "regcomp: (: Unmatched ( or \\(" },
		{ "trace=/a{1", "regcomp: a{1: Unmatched \\{" },
		{ "trace=/a{2,1}", "regcomp: a{2: Unmatched \\{" },  /* split at ',' */
		{ "trace=/*", "regcomp: *: Invalid preceding regular expression" },
		{ "trace=/\\", "regcomp: \\: Trailing backslash" },
		{ "trace=/[[:foo:]]", "regcomp: [[:foo:]]: Invalid character class name" },
		/* Unknown qualifiers make the whole argument a trace set. */
		{ "bogus=1", "invalid system call 'bogus=1'" },
		{ "bogus", "invalid system call 'bogus'" },
		{ "=getpid", "invalid system call '=getpid'" },
		{ "=", "invalid system call '='" },
		{ "trace", "invalid system call 'trace'" },
		{ "Trace=getpid", "invalid system call 'Trace=getpid'" },
		{ "sig=all", "invalid system call 'sig=all'" },
		{ "statuses=all", "invalid system call 'statuses=all'" },
		{ "quiets=all", "invalid system call 'quiets=all'" },
		{ "decode_fds=all", "invalid system call 'decode_fds=all'" },
		{ "e=all", "invalid system call 'e=all'" },
		{ "z=all", "invalid system call 'z=all'" },
		{ "P=all", "invalid system call 'P=all'" },
		{ "memory=all", "invalid system call 'memory=all'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refusal(cases[i].expr, cases[i].msg);
}

/* ---- status=, -z, -Z ------------------------------------------------------- */

static void test_status(void **state)
{
	(void)state;
	struct rn_filter f = parsed("status=successful", NULL);
	assert_int_equal(f.status, RN_STATUS_SUCCESSFUL);
	assert_true(rn_filter_status_shown(&f, RN_STATUS_SUCCESSFUL));
	assert_false(rn_filter_status_shown(&f, RN_STATUS_FAILED));

	f = parsed("status=failed,unfinished", NULL);
	assert_int_equal(f.status, RN_STATUS_FAILED | RN_STATUS_UNFINISHED);
	f = parsed("status=unfinished,unavailable,detached,failed,successful", NULL);
	assert_int_equal(f.status, RN_STATUS_ALL);
	f = parsed("status=!failed", NULL);
	assert_int_equal(f.status, RN_STATUS_ALL & ~RN_STATUS_FAILED);
	f = parsed("status=!!failed", NULL);
	assert_int_equal(f.status, RN_STATUS_FAILED);
	f = parsed("status=none", NULL);
	assert_int_equal(f.status, 0);
	f = parsed("status=!none", NULL);
	assert_int_equal(f.status, RN_STATUS_ALL);
	f = parsed("status=all", NULL);
	assert_int_equal(f.status, RN_STATUS_ALL);
	f = parsed("status=!all", NULL);
	assert_int_equal(f.status, 0);
	f = parsed("status=Successful", NULL);  /* values are case-insensitive */
	assert_int_equal(f.status, RN_STATUS_SUCCESSFUL);
	f = parsed("status=FAILED", NULL);
	assert_int_equal(f.status, RN_STATUS_FAILED);
	f = parsed("status=successful,,failed", NULL);
	assert_int_equal(f.status, RN_STATUS_SUCCESSFUL | RN_STATUS_FAILED);
	f = parsed("status=,failed", NULL);
	assert_int_equal(f.status, RN_STATUS_FAILED);
	/* The later one replaces. */
	f = parsed("status=successful", "status=failed", NULL);
	assert_int_equal(f.status, RN_STATUS_FAILED);
}

static void test_status_refusals(void **state)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
		{ "status=foo", "invalid status 'foo'" },
		{ "status=", "invalid status ''" },
		{ "status=!", "invalid status '!'" },
		{ "status=!!", "invalid status '!!'" },
		{ "status=,", "invalid status ','" },
		{ "status=?foo", "invalid status '?foo'" },
		{ "status=successful,foo", "invalid status 'foo'" },
		{ "status=successful,all", "invalid status 'all'" },
		{ "status=none,failed", "invalid status 'none'" },
		{ "status= failed", "invalid status ' failed'" },
		{ "status=ALL", "invalid status 'ALL'" },
		{ "status=NONE", "invalid status 'NONE'" },
		{ "status=!ALL", "invalid status 'ALL'" },
		{ "status=success", "invalid status 'success'" },
		{ "status=fail", "invalid status 'fail'" },
		{ "status=error", "invalid status 'error'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refusal(cases[i].expr, cases[i].msg);
}

static void test_z_Z(void **state)
{
	struct rn_filter f;

	(void)state;
	rn_filter_init(&f);
	rn_filter_opt(&f, 'z');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.status, RN_STATUS_SUCCESSFUL);
	assert_null(f.warning);

	rn_filter_init(&f);
	rn_filter_opt(&f, 'Z');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.status, RN_STATUS_FAILED);
	assert_null(f.warning);

	/* Last of -z/-Z wins, with strace's warning. */
	rn_filter_init(&f);
	rn_filter_opt(&f, 'z');
	rn_filter_opt(&f, 'Z');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.status, RN_STATUS_FAILED);
	assert_string_equal(f.warning,
			    "Only the last of -z/--successful-only/-Z/--failed-only options "
			    "will take effect. See status qualifier for more complex filters.");

	rn_filter_init(&f);
	rn_filter_opt(&f, 'z');
	rn_filter_opt(&f, 'z');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_non_null(f.warning);

	/* -z and status= write the same setting: the later one counts. */
	rn_filter_init(&f);
	assert_int_equal(rn_filter_parse_e(&f, "status=failed", err, sizeof(err)), 0);
	rn_filter_opt(&f, 'z');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.status, RN_STATUS_SUCCESSFUL);
	assert_null(f.warning);

	rn_filter_init(&f);
	rn_filter_opt(&f, 'z');
	assert_int_equal(rn_filter_parse_e(&f, "status=failed", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.status, RN_STATUS_FAILED);
}

/* ---- signal= ----------------------------------------------------------------- */

static uint64_t sigbit(int sig)
{
	return UINT64_C(1) << (sig - 1);
}

static void test_signal(void **state)
{
	(void)state;
	struct rn_filter f = parsed("signal=SIGCHLD", NULL);
	assert_true(f.signals == sigbit(SIGCHLD));
	assert_true(rn_filter_signal_shown(&f, SIGCHLD));
	assert_false(rn_filter_signal_shown(&f, SIGINT));

	/* With or without SIG, any case, or the number. */
	static const char *const chld[] = { "signal=sigchld", "signal=chld", "signal=CHLD",
					    "signal=17", "signal=017", "signals=CHLD",
					    "s=SIGCHLD", "signal=Sigchld" };
	for (size_t i = 0; i < sizeof(chld) / sizeof(chld[0]); i++) {
		f = parsed(chld[i], NULL);
		assert_true(f.signals == sigbit(SIGCHLD));
	}

	f = parsed("signal=SIGRTMIN", NULL);
	assert_true(f.signals == sigbit(32));
	f = parsed("signal=rtmin", NULL);
	assert_true(f.signals == sigbit(32));
	f = parsed("signal=SIGRT_1", NULL);
	assert_true(f.signals == sigbit(33));
	f = parsed("signal=RT_2", NULL);
	assert_true(f.signals == sigbit(34));
	f = parsed("signal=sigrt_2", NULL);
	assert_true(f.signals == sigbit(34));
	f = parsed("signal=SIGRT_32", NULL);
	assert_true(f.signals == sigbit(64));
	f = parsed("signal=SIGSTKFLT,SIGPWR,SIGSYS,SIGIO,SIGURG,SIGWINCH", NULL);
	assert_true(f.signals == (sigbit(16) | sigbit(30) | sigbit(31) | sigbit(29) |
				  sigbit(23) | sigbit(28)));
	f = parsed("signal=1,2,SIGTERM", NULL);
	assert_true(f.signals == (sigbit(1) | sigbit(2) | sigbit(15)));

	/* strace accepts 0..255; only 1..64 can happen. */
	f = parsed("signal=0", NULL);
	assert_true(f.signals == 0);
	f = parsed("signal=64", NULL);
	assert_true(f.signals == sigbit(64));
	f = parsed("signal=65", NULL);
	assert_true(f.signals == 0);
	f = parsed("signal=255", NULL);
	assert_true(f.signals == 0);

	f = parsed("signal=!SIGCHLD", NULL);
	assert_true(f.signals == ~sigbit(SIGCHLD));
	f = parsed("signal=!!17", NULL);
	assert_true(f.signals == sigbit(SIGCHLD));
	f = parsed("signal=all", NULL);
	assert_true(f.signals == ~UINT64_C(0));
	f = parsed("signal=!all", NULL);
	assert_true(f.signals == 0);
	f = parsed("signal=none", NULL);
	assert_true(f.signals == 0);
	assert_false(rn_filter_signal_shown(&f, SIGCHLD));
	f = parsed("signal=,17", NULL);
	assert_true(f.signals == sigbit(SIGCHLD));
	f = parsed("signal=SIGINT", "signal=SIGTERM", NULL);
	assert_true(f.signals == sigbit(SIGTERM));
}

static void test_signal_refusals(void **state)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
		{ "signal=foo", "invalid signal 'foo'" },
		{ "signal=", "invalid signal ''" },
		{ "signal=!", "invalid signal '!'" },
		{ "signal=,", "invalid signal ','" },
		{ "signal=SIGFOO", "invalid signal 'SIGFOO'" },
		{ "signal=SIG", "invalid signal 'SIG'" },
		{ "signal=1,foo", "invalid signal 'foo'" },
		{ "signal=?foo", "invalid signal '?foo'" },
		{ "signal=?1", "invalid signal '?1'" },
		{ "signal=none,1", "invalid signal 'none'" },
		{ "signal=1,all", "invalid signal 'all'" },
		{ "signal=NONE", "invalid signal 'NONE'" },
		{ "signal=ALL", "invalid signal 'ALL'" },
		{ "signal=SIGRTMAX", "invalid signal 'SIGRTMAX'" },
		{ "signal=SIGRTMIN+1", "invalid signal 'SIGRTMIN+1'" },
		{ "signal=SIGRT_0", "invalid signal 'SIGRT_0'" },
		{ "signal=SIGRT_33", "invalid signal 'SIGRT_33'" },
		{ "signal=SIGRT_05", "invalid signal 'SIGRT_05'" },
		{ "signal=SIGRT_", "invalid signal 'SIGRT_'" },
		{ "signal=SIGIOT", "invalid signal 'SIGIOT'" },
		{ "signal=IOT", "invalid signal 'IOT'" },
		{ "signal=SIGPOLL", "invalid signal 'SIGPOLL'" },
		{ "signal=SIGCLD", "invalid signal 'SIGCLD'" },
		{ "signal=SIGUNUSED", "invalid signal 'SIGUNUSED'" },
		{ "signal=-1", "invalid signal '-1'" },
		{ "signal=256", "invalid signal '256'" },
		{ "signal=1000", "invalid signal '1000'" },
		{ "signal=4294967296", "invalid signal '4294967296'" },
		{ "signal=0x11", "invalid signal '0x11'" },
		{ "signal= 17", "invalid signal ' 17'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refusal(cases[i].expr, cases[i].msg);
}

/* ---- quiet=, -q ---------------------------------------------------------------- */

static void test_quiet(void **state)
{
	(void)state;
	struct rn_filter f = parsed("quiet=attach", NULL);
	assert_int_equal(f.quiet, RN_QUIET_ATTACH);
	assert_true(rn_filter_quiet(&f, RN_QUIET_ATTACH));
	assert_false(rn_filter_quiet(&f, RN_QUIET_EXIT));

	f = parsed("quiet=attach,exit,path-resolution,personality,thread-execve", NULL);
	assert_int_equal(f.quiet, RN_QUIET_ALL);
	f = parsed("quiet=exits", NULL);
	assert_int_equal(f.quiet, RN_QUIET_EXIT);
	f = parsed("quiet=superseded", NULL);
	assert_int_equal(f.quiet, RN_QUIET_THREAD_EXECVE);
	f = parsed("quiet=Superseded,ATTACH", NULL);
	assert_int_equal(f.quiet, RN_QUIET_THREAD_EXECVE | RN_QUIET_ATTACH);
	f = parsed("quiet=all", NULL);
	assert_int_equal(f.quiet, RN_QUIET_ALL);
	f = parsed("quiet=none", NULL);
	assert_int_equal(f.quiet, 0);
	f = parsed("quiet=!none", NULL);
	assert_int_equal(f.quiet, RN_QUIET_ALL);
	f = parsed("quiet=!attach", NULL);
	assert_int_equal(f.quiet, RN_QUIET_ALL & ~RN_QUIET_ATTACH);
	f = parsed("quiet=attach,,", NULL);
	assert_int_equal(f.quiet, RN_QUIET_ATTACH);
	/* Aliases of the qualifier; a later one replaces. */
	f = parsed("silent=exit", NULL);
	assert_int_equal(f.quiet, RN_QUIET_EXIT);
	f = parsed("silence=exit", NULL);
	assert_int_equal(f.quiet, RN_QUIET_EXIT);
	f = parsed("q=exit", NULL);
	assert_int_equal(f.quiet, RN_QUIET_EXIT);
	f = parsed("quiet=attach", "quiet=exit", NULL);
	assert_int_equal(f.quiet, RN_QUIET_EXIT);
}

static void test_q_flags(void **state)
{
	struct rn_filter f;

	(void)state;
	rn_filter_init(&f);
	rn_filter_opt(&f, 'q');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.quiet, RN_QUIET_ATTACH | RN_QUIET_PERSONALITY);

	rn_filter_init(&f);
	rn_filter_opt(&f, 'q');
	rn_filter_opt(&f, 'q');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.quiet, RN_QUIET_ATTACH | RN_QUIET_PERSONALITY | RN_QUIET_EXIT);

	rn_filter_init(&f);
	for (int i = 0; i < 4; i++)
		rn_filter_opt(&f, 'q');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.quiet, RN_QUIET_ALL);

	/* -q with -e quiet=, in either order, is refused. */
	for (int order = 0; order < 2; order++) {
		rn_filter_init(&f);
		if (order == 0)
			rn_filter_opt(&f, 'q');
		assert_int_equal(rn_filter_parse_e(&f, "quiet=none", err, sizeof(err)), 0);
		if (order == 1)
			rn_filter_opt(&f, 'q');
		assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), -1);
		assert_string_equal(err, "-q and -e quiet/--quiet cannot be provided simultaneously");
	}
	rn_filter_init(&f);
	rn_filter_opt(&f, 'q');
	assert_int_equal(rn_filter_qualify(&f, "quiet", "exit", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), -1);

	/* Other option letters are ignored. */
	rn_filter_init(&f);
	rn_filter_opt(&f, 'f');
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.quiet, 0);
	assert_int_equal(f.status, RN_STATUS_ALL);
}

static void test_quiet_refusals(void **state)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
		{ "quiet=foo", "invalid quiet 'foo'" },
		{ "quiet=", "invalid quiet ''" },
		{ "quiet=!", "invalid quiet '!'" },
		{ "quiet=!!", "invalid quiet '!!'" },
		{ "quiet=,", "invalid quiet ','" },
		{ "quiet=exit,foo", "invalid quiet 'foo'" },
		{ "quiet=none,exit", "invalid quiet 'none'" },
		{ "quiet=exit,all", "invalid quiet 'all'" },
		{ "quiet=NONE", "invalid quiet 'NONE'" },
		{ "quiet=thread_execve", "invalid quiet 'thread_execve'" },
		{ "quiet=path_resolution", "invalid quiet 'path_resolution'" },
		{ "quiet=detach", "invalid quiet 'detach'" },
		{ "quiet=exi", "invalid quiet 'exi'" },
		{ "silent=foo", "invalid quiet 'foo'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refusal(cases[i].expr, cases[i].msg);
}

/* ---- -P, unsupported qualifiers, long options ------------------------------------ */

static void test_paths(void **state)
{
	struct rn_filter f;

	(void)state;
	rn_filter_init(&f);
	rn_filter_add_path(&f, "/etc/passwd");
	rn_filter_add_path(&f, "");
	char tmp[] = "/tmp/x";
	rn_filter_add_path(&f, tmp);
	tmp[1] = 'X';  /* stored as a copy */
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_int_equal(f.npaths, 3);
	assert_string_equal(f.paths[0], "/etc/passwd");
	assert_string_equal(f.paths[1], "");
	assert_string_equal(f.paths[2], "/tmp/x");
	rn_filter_free(&f);
	assert_int_equal(f.npaths, 0);
	assert_null(f.paths);
}

static void test_unsupported_qualifiers(void **state)
{
	static const char *const exprs[] = {
		"kvm=vcpu",
		"decode-fds=path", "decode-fd=all", "decode-pids=pidns", "decode-pid=all",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		if (refused(exprs[i]) != -2)
			fail_msg("-e %s: not refused as unsupported", exprs[i]);
		assert_non_null(strstr(err, "is not supported by renacer"));
	}
	expect_refusal("abbrev", "invalid system call 'abbrev'");
	assert_int_equal(refused("kvm=vcpu"), -2);
	assert_string_equal(err, "-e kvm= is not supported by renacer "
				 "(supported: trace, signal, status, quiet, abbrev, verbose, raw, read, "
				 "write, inject, fault)");
}

/* -e inject= / fault=: what a rule holds, which calls when= selects, a
 * later rule replacing an earlier one, strace's messages. */
static void test_inject(void **state)
{
	struct rn_filter f;
	const long getuid_nr = rn_syscall_by_name("getuid");
	const long chdir_nr = rn_syscall_by_name("chdir");
	const long getpid_nr = rn_syscall_by_name("getpid");

	(void)state;
	rn_filter_init(&f);
	assert_null(f.inject);
	assert_int_equal(rn_filter_parse_e(&f, "inject=getuid,chdir:error=enoent:when=2..5+2",
					   err, sizeof(err)), 0);
	assert_int_equal(rn_filter_qualify(&f, "fault", "chdir:syscall=getpid", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_non_null(f.inject);
	const struct rn_inject_rule *u = rn_inject_rule(f.inject, getuid_nr);
	const struct rn_inject_rule *c = rn_inject_rule(f.inject, chdir_nr);
	assert_non_null(u);
	assert_non_null(c);
	assert_null(rn_inject_rule(f.inject, getpid_nr));
	assert_null(rn_inject_rule(f.inject, -1));
	assert_int_equal(u->what, RN_INJ_ERROR);
	assert_int_equal(u->ret, -2);
	assert_int_equal(u->replace_nr, -1);
	/* 2..5+2: calls 2 and 4 */
	char picked[8] = "";
	for (uint32_t n = 1; n < 8; n++)
		picked[n - 1] = rn_inject_when(u, n) ? 'y' : '-';
	assert_string_equal(picked, "-y-y---");
	/* the later fault= replaced chdir's rule; its counter stays the same */
	assert_int_equal(c->ret, -38);
	assert_int_equal(c->replace_nr, getpid_nr);
	assert_true(rn_inject_when(c, 1) && rn_inject_when(c, 70000));
	assert_int_equal(f.inject->nslots, 2);
	assert_int_not_equal(f.inject->slot_of[getuid_nr], f.inject->slot_of[chdir_nr]);
	assert_string_equal(f.inject->warning, "");
	rn_filter_free(&f);
	assert_null(f.inject);

	static const struct { const char *when; uint32_t n; int yes; } whens[] = {
		{ "3", 3, 1 }, { "3", 4, 0 }, { "2+", 2, 1 }, { "2+", 65536, 1 }, { "2+", 1, 0 },
		{ "2+3", 5, 1 }, { "2+3", 6, 0 }, { "2..4", 4, 1 }, { "2..4", 5, 0 },
		{ "1..65534+65535", 1, 1 }, { "1..65534+65535", 65534, 0 },
	};
	for (size_t i = 0; i < sizeof(whens) / sizeof(whens[0]); i++) {
		char expr[64];
		snprintf(expr, sizeof(expr), "inject=getuid:retval=1:when=%s", whens[i].when);
		rn_filter_init(&f);
		assert_int_equal(rn_filter_parse_e(&f, expr, err, sizeof(err)), 0);
		if (rn_inject_when(rn_inject_rule(f.inject, getuid_nr), whens[i].n) != whens[i].yes)
			fail_msg("when=%s, call %u", whens[i].when, whens[i].n);
		rn_filter_free(&f);
	}

	rn_filter_init(&f);
	assert_int_equal(rn_filter_parse_e(&f, "inject=getuid:retval=-1:signal=usr1:delay_exit=2ms",
					   err, sizeof(err)), 0);
	u = rn_inject_rule(f.inject, getuid_nr);
	assert_int_equal(u->what, RN_INJ_RETVAL | RN_INJ_SIGNAL | RN_INJ_DELAY_EXIT);
	assert_int_equal(u->signo, 10);
	assert_int_equal(u->delay_exit_ns, 2000000);
	assert_true(f.inject->any_signal);
	assert_string_equal(f.inject->warning, "Inadvertent injection of error 1 is possible "
					       "for retval=18446744073709551615");
	rn_filter_free(&f);

	expect_refusal("inject=getuid", "invalid inject argument 'getuid'");
	expect_refusal("inject=getuid:error=1:when=2..1", "invalid inject argument 'getuid:error=1:when=2..1'");
	expect_refusal("fault=getuid:retval=1", "invalid fault argument 'getuid:retval=1'");
	expect_refusal("inject=nosuch:error=1", "invalid system call 'nosuch'");
	rn_filter_init(&f);
	assert_int_equal(rn_filter_parse_e(&f, "inject=chdir:poke_exit=@arg1=2f0x,,@arg7=ff",
					   err, sizeof(err)), 0);
	c = rn_inject_rule(f.inject, chdir_nr);
	assert_int_equal(c->what, RN_INJ_POKE_EXIT);
	assert_int_equal(c->npoke[0], 0);
	assert_int_equal(c->npoke[1], 2);
	assert_int_equal(c->poke[1][0].arg, 1);
	assert_int_equal(c->poke[1][0].len, 2);
	assert_memory_equal(c->poke[1][0].data, "\x2f\x00", 2);
	assert_int_equal(c->poke[1][1].arg, 7);
	assert_int_equal(c->poke[1][1].data[0], 0xff);
	rn_filter_free(&f);
	expect_refusal("inject=chdir:poke_enter=@arg1=2f0",
		       "invalid inject argument 'chdir:poke_enter=@arg1=2f0'");
	expect_refusal("inject=chdir:poke_enter=@arg1=00,@arg1=01",
		       "invalid inject argument 'chdir:poke_enter=@arg1=00,@arg1=01'");
}

/* abbrev=, verbose=, raw= are syscall sets parsed as trace's; -v is
 * abbrev=none where it stands. */
static void test_display_sets(void **state)
{
	struct rn_filter f;
	const long openat = rn_syscall_by_name("openat"), wr = rn_syscall_by_name("write");

	(void)state;
	rn_filter_init(&f);
	assert_true(rn_filter_abbrev(&f, openat) && rn_filter_verbose(&f, openat));
	assert_false(rn_filter_raw(&f, openat));
	assert_true(rn_filter_abbrev(&f, -1) && !rn_filter_raw(&f, 5000));
	assert_int_equal(rn_filter_parse_e(&f, "x=openat,1", err, sizeof(err)), 0);
	assert_true(rn_filter_raw(&f, openat) && rn_filter_raw(&f, wr));
	assert_false(rn_filter_raw(&f, rn_syscall_by_name("read")));
	assert_int_equal(rn_filter_parse_e(&f, "verbose=!%file", err, sizeof(err)), 0);
	assert_false(rn_filter_verbose(&f, openat));
	assert_true(rn_filter_verbose(&f, wr));
	assert_int_equal(rn_filter_parse_e(&f, "a=none", err, sizeof(err)), 0);
	assert_false(rn_filter_abbrev(&f, openat));
	assert_int_equal(rn_filter_parse_e(&f, "abbrev=all", err, sizeof(err)), 0);
	assert_true(rn_filter_abbrev(&f, openat));
	rn_filter_opt(&f, 'v');
	assert_false(rn_filter_abbrev(&f, openat));
	assert_true(f.given & RN_GIVEN_ABBREV);
	assert_int_equal(rn_filter_parse_e(&f, "raw=nosuch", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid system call 'nosuch'");
	assert_int_equal(rn_filter_parse_e(&f, "v=", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid system call ''");
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_true(f.traces_all);
	rn_filter_free(&f);
}

/* read= and write= are sets of descriptor numbers. */
static void test_fd_sets(void **state)
{
	struct rn_filter f;

	(void)state;
	rn_filter_init(&f);
	assert_false(rn_fdset_any(&f.read_fds) || rn_fdset_any(&f.write_fds));
	assert_int_equal(rn_filter_parse_e(&f, "read=3,,0", err, sizeof(err)), 0);
	assert_true(rn_fdset_has(&f.read_fds, 3) && rn_fdset_has(&f.read_fds, 0));
	assert_false(rn_fdset_has(&f.read_fds, 1) || rn_fdset_has(&f.write_fds, 3));
	assert_int_equal(rn_filter_parse_e(&f, "w=!1", err, sizeof(err)), 0);
	assert_true(rn_fdset_has(&f.write_fds, 0) && rn_fdset_has(&f.write_fds, 70000));
	assert_false(rn_fdset_has(&f.write_fds, 1) || rn_fdset_has(&f.write_fds, -1));
	assert_int_equal(rn_filter_parse_e(&f, "writes=all", err, sizeof(err)), 0);
	assert_true(rn_fdset_has(&f.write_fds, 1));
	assert_int_equal(rn_filter_parse_e(&f, "reads=none", err, sizeof(err)), 0);
	assert_false(rn_fdset_any(&f.read_fds));
	assert_int_equal(rn_filter_qualify(&f, "r", "2147483647", err, sizeof(err)), 0);
	assert_true(rn_fdset_has(&f.read_fds, 2147483647));
	static const char *const bad[][2] = {
		{ "read=foo", "invalid descriptor 'foo'" },
		{ "write=-1", "invalid descriptor '-1'" },
		{ "read=", "invalid descriptor ''" },
		{ "read=2147483648", "invalid descriptor '2147483648'" },
		{ "w=1,x", "invalid descriptor 'x'" },
		{ "w=!!", "invalid descriptor '!!'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rn_filter_parse_e(&f, bad[i][0], err, sizeof(err)), -1);
		assert_string_equal(err, bad[i][1]);
	}
	/* a refused set leaves the one before */
	assert_true(rn_fdset_has(&f.read_fds, 2147483647));
	rn_filter_free(&f);
	assert_null(f.read_fds.fds);
}

static void test_qualify_long_options(void **state)
{
	struct rn_filter f;

	(void)state;
	rn_filter_init(&f);
	assert_int_equal(rn_filter_qualify(&f, "trace", "%process", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_qualify(&f, "signal", "SIGINT", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_qualify(&f, "status", "failed", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_qualify(&f, "silent", "exit", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	assert_class_set(&f, RN_C_PROCESS);
	assert_true(f.signals == sigbit(SIGINT));
	assert_int_equal(f.status, RN_STATUS_FAILED);
	assert_int_equal(f.quiet, RN_QUIET_EXIT);

	/* A value containing '=' is a value, not a second qualifier. */
	rn_filter_init(&f);
	assert_int_equal(rn_filter_qualify(&f, "trace", "getpid=1", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid system call 'getpid=1'");
	assert_int_equal(rn_filter_qualify(&f, "bogus", "1", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid qualifier 'bogus'");
	assert_int_equal(rn_filter_qualify(&f, "abbrev", "all", err, sizeof(err)), 0);
	assert_int_equal(rn_filter_qualify(&f, "kvm", "vcpu", err, sizeof(err)), -2);
}

static void test_error_buffer(void **state)
{
	struct rn_filter f;
	char small[8];

	(void)state;
	rn_filter_init(&f);
	/* Truncated, NUL-terminated; no buffer at all is fine too. */
	memset(small, 'x', sizeof(small));
	assert_int_equal(rn_filter_parse_e(&f, "trace=foo", small, sizeof(small)), -1);
	assert_string_equal(small, "invalid");
	assert_int_equal(rn_filter_parse_e(&f, "trace=foo", NULL, 0), -1);
	assert_int_equal(rn_filter_parse_e(&f, "status=foo", NULL, 0), -1);
	assert_int_equal(rn_filter_finish(&f, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_trace_names),
		cmocka_unit_test(test_trace_repeated_replaces),
		cmocka_unit_test(test_trace_all_none),
		cmocka_unit_test(test_trace_unknown_numbers),
		cmocka_unit_test(test_trace_classes),
		cmocka_unit_test(test_trace_negation),
		cmocka_unit_test(test_trace_regex),
		cmocka_unit_test(test_trace_regex_too_big),
		cmocka_unit_test(test_trace_numbers),
		cmocka_unit_test(test_trace_question_mark),
		cmocka_unit_test(test_trace_personality),
		cmocka_unit_test(test_trace_i386_names),
		cmocka_unit_test(test_trace_failed_parse_keeps_set),
		cmocka_unit_test(test_trace_refusals),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_refusals),
		cmocka_unit_test(test_z_Z),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_signal_refusals),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_q_flags),
		cmocka_unit_test(test_quiet_refusals),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_unsupported_qualifiers),
		cmocka_unit_test(test_display_sets),
		cmocka_unit_test(test_fd_sets),
		cmocka_unit_test(test_qualify_long_options),
		cmocka_unit_test(test_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
