/*
 * test_report.c - insight/report.c: the critical path on trees built by
 * hand, and the sink's figures for a small event stream (the numbers in
 * the page's JSON document).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "insight/formats.h"
#include "insight/report.h"
#include "syscalls/options.h"

/* root [0,100]; a [10,40] and b [5,60] run side by side, then c [60,90],
 * then d [95,99]. Walking back from 100: d, c, b (a ended after b began:
 * it did not hold the root back). */
static void test_path_siblings(void **state)
{
	(void)state;
	const uint64_t start[] = { 0, 10, 5, 60, 95 }, end[] = { 100, 40, 60, 90, 99 };
	const long parent[] = { -1, 0, 0, 0, 0 };
	uint64_t own[5];
	assert_int_equal(rn_report_critical_path(5, start, end, parent, own), 4);
	assert_int_equal(own[0], 1 + 5 + 0 + 5);
	assert_int_equal(own[1], 0);
	assert_int_equal(own[2], 55);
	assert_int_equal(own[3], 30);
	assert_int_equal(own[4], 4);
}

/* The same, b with a child e [20,50]: b's own time is what e leaves. */
static void test_path_nested(void **state)
{
	(void)state;
	const uint64_t start[] = { 0, 10, 5, 60, 95, 20 }, end[] = { 100, 40, 60, 90, 99, 50 };
	const long parent[] = { -1, 0, 0, 0, 0, 2 };
	uint64_t own[6], sum = 0;
	assert_int_equal(rn_report_critical_path(6, start, end, parent, own), 5);
	assert_int_equal(own[2], 10 + 15);
	assert_int_equal(own[5], 30);
	for (int i = 0; i < 6; i++)
		sum += own[i];
	assert_int_equal(sum, 100);
}

/* Two roots (two -p processes): the path is the one that ended last. */
static void test_path_two_roots(void **state)
{
	(void)state;
	const uint64_t start[] = { 0, 3, 4 }, end[] = { 50, 70, 60 };
	const long parent[] = { -1, -1, 1 };
	uint64_t own[3];
	assert_int_equal(rn_report_critical_path(3, start, end, parent, own), 2);
	assert_int_equal(own[0], 0);
	assert_int_equal(own[1], 10 + 1);
	assert_int_equal(own[2], 56);
	assert_int_equal(rn_report_critical_path(0, start, end, parent, own), 0);
}

static struct rn_event ev(int kind, int32_t tid, uint64_t ms, int32_t nr, int64_t ret)
{
	struct rn_event e;
	memset(&e, 0, sizeof(e));
	e.kind = (uint16_t)kind;
	e.tid = e.tgid = tid;
	e.ts_ns = 1000000000u + ms * 1000000u;
	e.nr = nr;
	e.ret = ret;
	return e;
}

static int collect(void *ctx, const char *p, size_t n)
{
	struct { char *p; size_t n; } *out = ctx;
	out->p = realloc(out->p, out->n + n + 1);
	memcpy(out->p + out->n, p, n);
	out->n += n;
	out->p[out->n] = 0;
	return 0;
}

/* A parent that starts a child and waits 9 ms for it: the parent is busy
 * 3 of its 12 ms, the child 9, so 12 ms of work in 12 ms (average 1), two
 * at once while both run (1 to 2 ms). */
static void test_sink_figures(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	struct { char *p; size_t n; } out = { 0 };
	struct rn_sink_params params = { .opt = &opt, .write = collect, .ctx = &out };
	struct rn_sink s;
	assert_int_equal(rn_sink_begin(&s, rn_sink_for_format(RN_FORMAT_REPORT), &params), 0);
	const struct rn_event evs[] = {
		ev(RN_EV_ENTRY, 10, 0, SYS_getpid, 0), ev(RN_EV_EXIT, 10, 0, SYS_getpid, 10),
		ev(RN_EV_NEW_TASK, 11, 1, -1, 10),
		ev(RN_EV_ENTRY, 10, 2, SYS_wait4, 0),
		ev(RN_EV_ENTRY, 11, 3, SYS_getpid, 0), ev(RN_EV_EXIT, 11, 3, SYS_getpid, 11),
		ev(RN_EV_EXITED, 11, 10, -1, 0),
		ev(RN_EV_EXIT, 10, 11, SYS_wait4, 11),
		ev(RN_EV_EXITED, 10, 12, -1, 0),
	};
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct rn_event e = evs[i];
		e.seq = i + 1;
		rn_sink_event(&s, &e);
	}
	assert_int_equal(rn_sink_finish(&s), 0);
	rn_sink_destroy(&s);
	assert_non_null(out.p);
	assert_non_null(strstr(out.p, "{\"wall_ns\":12000000,\"processes\":2,"));
	assert_non_null(strstr(out.p, "\"syscalls\":3,\"errors\":0,"));
	assert_non_null(strstr(out.p, "\"parallelism\":{\"average\":1.0000,\"peak\":2,\"jobs\":null"));
	assert_non_null(strstr(out.p, "{\"pid\":10,\"start_ns\":0,\"own_ns\":3000000,"));
	assert_non_null(strstr(out.p, "{\"pid\":11,\"start_ns\":1000000,\"own_ns\":9000000,"));
	assert_non_null(strstr(out.p, "<svg id=\"parallelism-plot\""));
	free(out.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_siblings),
		cmocka_unit_test(test_path_nested),
		cmocka_unit_test(test_path_two_roots),
		cmocka_unit_test(test_sink_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
