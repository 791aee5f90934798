/*
 * test_procsummary.c - the --process-summary table (stats/procsummary.c):
 * tree order, indentation, exit texts, widths, pid reuse, orphans.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stats/procsummary.h"

#define HEADER \
	"    pid      start   duration  syscalls    errors   sys-time exit                  command\n"
#define RULE(cmd_dashes) \
	"------- ---------- ---------- --------- --------- ---------- --------------------- " \
	cmd_dashes "\n"

static void check(const struct rn_proc_row *rows, size_t n, const char *want)
{
	struct rn_sbuf b = { 0 };

	rn_procsummary_render(rows, n, &b);
	assert_string_equal(rn_sbuf_cstr(&b), want);
	rn_sbuf_free(&b);
}

static void test_empty(void **state)
{
	struct rn_sbuf b = { 0 };

	(void)state;
	rn_procsummary_render(NULL, 0, &b);
	assert_int_equal(b.len, 0);
	rn_sbuf_free(&b);
}

/* Rows arrive in any order; the table is the tree, children by start. */
static void test_tree_order(void **state)
{
	const struct rn_proc_row r[] = {
		{ .pid = 24487, .ppid = 24486, .command = "sleep 0.1",
		  .start_ns = 512000, .duration_ns = 121000000, .syscalls = 35,
		  .syscall_ns = 400000, .end = RN_PEND_EXITED, .status = 0 },
		{ .pid = 24491, .ppid = 24490, .command = "./child",
		  .start_ns = 700000, .duration_ns = 2000000, .syscalls = 9,
		  .syscall_ns = 50000, .end = RN_PEND_KILLED, .status = SIGKILL },
		{ .pid = 24486, .ppid = 1, .command = "sh -c sleep 0.1 & wait",
		  .start_ns = 0, .duration_ns = 123456000, .syscalls = 120,
		  .errors = 2, .syscall_ns = 1234000, .end = RN_PEND_EXITED },
		{ .pid = 24490, .ppid = 24486, .command = "./crash",
		  .start_ns = 600000, .duration_ns = 1000000, .syscalls = 20,
		  .errors = 1, .syscall_ns = 100000, .end = RN_PEND_KILLED,
		  .status = SIGSEGV, .core_dumped = 1 },
		{ .pid = 24488, .ppid = 24486, .command = "true",
		  .start_ns = 550000, .duration_ns = 999999, .syscalls = 3,
		  .syscall_ns = 999999499, .end = RN_PEND_EXITED, .status = 1 },
	};

	(void)state;
	check(r, sizeof(r) / sizeof(r[0]),
	      HEADER
	      RULE("----------------------")
	      "  24486   0.000000   0.123456       120         2   0.001234 exit 0                sh -c sleep 0.1 & wait\n"
	      "  24487   0.000512   0.121000        35             0.000400 exit 0                 \\_ sleep 0.1\n"
	      "  24488   0.000550   0.001000         3             0.999999 exit 1                 \\_ true\n"
	      "  24490   0.000600   0.001000        20         1   0.000100 SIGSEGV (core dumped)  \\_ ./crash\n"
	      "  24491   0.000700   0.002000         9             0.000050 SIGKILL                    \\_ ./child\n");
}

static void test_exit_texts(void **state)
{
	const struct rn_proc_row r[] = {
		{ .pid = 10, .command = "a", .start_ns = 1, .end = RN_PEND_EXITED, .status = 255 },
		{ .pid = 11, .command = "b", .start_ns = 2, .end = RN_PEND_KILLED, .status = SIGTERM },
		{ .pid = 12, .command = "c", .start_ns = 3, .end = RN_PEND_KILLED, .status = SIGABRT, .core_dumped = 1 },
		{ .pid = 13, .command = "d", .start_ns = 4, .end = RN_PEND_KILLED, .status = 99 },
		{ .pid = 14, .command = "e", .start_ns = 5, .end = RN_PEND_DETACHED },
		{ .pid = 15, .command = NULL, .start_ns = 6, .end = RN_PEND_UNKNOWN },
	};

	(void)state;
	check(r, sizeof(r) / sizeof(r[0]),
	      HEADER
	      RULE("-------")
	      "     10   0.000000   0.000000         0             0.000000 exit 255              a\n"
	      "     11   0.000000   0.000000         0             0.000000 SIGTERM               b\n"
	      "     12   0.000000   0.000000         0             0.000000 SIGABRT (core dumped) c\n"
	      "     13   0.000000   0.000000         0             0.000000 signal 99             d\n"
	      "     14   0.000000   0.000000         0             0.000000 detached              e\n"
	      "     15   0.000000   0.000000         0             0.000000 ?                     \n");
}

/* Every column grows to its widest cell, header and rule included. */
static void test_widths_grow(void **state)
{
	const struct rn_proc_row r[] = {
		{ .pid = 1234567890, .command = "x", .start_ns = 12345678901234567ull,
		  .duration_ns = 1, .syscalls = 12345678901ull, .errors = 1234567890123ull,
		  .syscall_ns = 0, .end = RN_PEND_KILLED, .status = 99, .core_dumped = 1 },
	};

	(void)state;
	check(r, 1,
	      "       pid           start   duration    syscalls        errors   sys-time exit                    command\n"
	      "---------- --------------- ---------- ----------- ------------- ---------- ----------------------- -------\n"
	      "1234567890 12345678.901235   0.000000 12345678901 1234567890123   0.000000 signal 99 (core dumped) x\n");
}

static void test_pid_reuse_and_orphans(void **state)
{
	/* pid 100 lives twice; each child hangs under the holder of the pid
	 * when it started. 300's parent 999 was never traced: a root. */
	const struct rn_proc_row r[] = {
		{ .pid = 100, .ppid = 1, .command = "first", .start_ns = 1000 },
		{ .pid = 101, .ppid = 100, .command = "child-of-first", .start_ns = 2000 },
		{ .pid = 100, .ppid = 1, .command = "second", .start_ns = 3000 },
		{ .pid = 102, .ppid = 100, .command = "child-of-second", .start_ns = 4000 },
		{ .pid = 300, .ppid = 999, .command = "orphan", .start_ns = 2500 },
		{ .pid = 301, .ppid = 300, .command = "grand\nchild\x7f.", .start_ns = 2600 },
	};

	(void)state;
	check(r, sizeof(r) / sizeof(r[0]),
	      HEADER
	      RULE("-------------------")
	      "    100   0.000001   0.000000         0             0.000000 ?                     first\n"
	      "    101   0.000002   0.000000         0             0.000000 ?                      \\_ child-of-first\n"
	      "    300   0.000003   0.000000         0             0.000000 ?                     orphan\n"
	      "    301   0.000003   0.000000         0             0.000000 ?                      \\_ grand?child?.\n"
	      "    100   0.000003   0.000000         0             0.000000 ?                     second\n"
	      "    102   0.000004   0.000000         0             0.000000 ?                      \\_ child-of-second\n");
}

/* A chain of 2000 nested processes: indentation grows by 4 per level and
 * the walk needs no recursion. */
static void test_deep_chain(void **state)
{
	enum { N = 2000 };
	struct rn_proc_row *r = calloc(N, sizeof(*r));
	struct rn_sbuf b = { 0 };
	const char *last;
	size_t lines = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		/* Given in reverse, to exercise the ordering. */
		r[N - 1 - i].pid = 1000 + i;
		r[N - 1 - i].ppid = 999 + i;
		r[N - 1 - i].start_ns = (uint64_t)i * 10;
		r[N - 1 - i].command = "sh";
	}
	rn_procsummary_render(r, N, &b);
	rn_sbuf_cstr(&b);
	for (size_t i = 0; i < b.len; i++)
		lines += b.p[i] == '\n';
	assert_int_equal(lines, N + 2);
	b.p[b.len - 1] = '\0';
	last = strrchr(b.p, '\n') + 1;
	assert_memory_equal(last, "   2999", 7);
	/* depth N - 1: 4 * (N - 2) spaces, then " \_ sh" */
	last = strstr(last, "?") + 22;
	for (int i = 0; i < 4 * (N - 2); i++)
		assert_int_equal(last[i], ' ');
	assert_string_equal(last + 4 * (N - 2), " \\_ sh");
	free(r);
	rn_sbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_tree_order),
		cmocka_unit_test(test_exit_texts),
		cmocka_unit_test(test_widths_grow),
		cmocka_unit_test(test_pid_reuse_and_orphans),
		cmocka_unit_test(test_deep_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
