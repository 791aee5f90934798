/*
 * test_summary.c - per-syscall statistics and the -c table (stats/
 * summary.c), byte for byte against tables printed by strace 6.1.
 *
 * The fixtures in data/summary/ come from gen.sh there:
 *  - w_*.txt: `strace -C -w -T --syscall-times=ns`: every call with its
 *    duration in ns, then strace's table. We feed the calls to
 *    rn_stats_add and must print the identical table.
 *  - c_*.txt: plain `strace -c` (system time, whole microseconds). We parse
 *    the table back into rows (calls, errors, seconds, shortest, longest)
 *    and must print it again identically.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stats/summary.h"
#include "syscalls/syscalls.h"

#ifndef RN_SUMMARY_DATA
#error "RN_SUMMARY_DATA must name tests/unit/data/summary"
#endif

static char *slurp(const char *name)
{
	char path[512];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", RN_SUMMARY_DATA, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The table starts at the line followed by a rule ("------ ---- ..."). */
static char *find_table(char *text)
{
	for (char *l = text; *l; ) {
		char *nl = strchr(l, '\n');

		if (!nl)
			break;
		if (nl[1] == '-' && strspn(nl + 1, "- ") == strcspn(nl + 1, "\n"))
			return l;
		l = nl + 1;
	}
	fail_msg("no table in fixture");
	return NULL;
}

static long nr_of(const char *name, size_t len)
{
	char buf[64];
	long nr;

	assert_true(len < sizeof(buf));
	memcpy(buf, name, len);
	buf[len] = '\0';
	nr = rn_syscall_by_name(buf);
	if (nr < 0)
		fail_msg("unknown syscall name '%s'", buf);
	return nr;
}

/* Feed every "name(...) = ret <S.NNNNNNNNN>" line of an strace -T ns log
 * (up to end), handling "PID " / "[pid N] " prefixes and "<... name
 * resumed>" lines. A call failed when its result reads "-1 E..." or
 * "? E..." (ERESTARTSYS and friends). */
static unsigned feed_trace(struct rn_stats_table *t, char *text, const char *end,
			   uint64_t overhead_ns)
{
	unsigned n = 0;

	for (char *l = text; l < end; ) {
		char *nl = strchr(l, '\n');
		char *p = l, *lt, *eq, *name;
		size_t namelen;
		unsigned long long sec, nsec;
		uint64_t ns;
		int err;

		*nl = '\0';
		if (!strncmp(p, "[pid ", 5))
			p = strchr(p, ']') + 2;
		else if (*p >= '0' && *p <= '9')
			p += strspn(p, "0123456789 ");
		lt = strrchr(p, '<');
		if (!strncmp(p, "+++", 3) || !strncmp(p, "---", 3) || !lt ||
		    nl[-1] != '>' || !strcmp(lt, "<unfinished ...>")) {
			*nl = '\n';
			l = nl + 1;
			continue;
		}
		if (!strncmp(p, "<... ", 5)) {
			name = p + 5;
			namelen = strcspn(name, " ");
		} else {
			name = p;
			namelen = strcspn(name, "(");
		}
		assert_int_equal(sscanf(lt, "<%llu.%9llu>", &sec, &nsec), 2);
		ns = sec * 1000000000ull + nsec;
		lt[-1] = '\0';
		eq = strrchr(p, '=');
		assert_non_null(eq);
		err = !strncmp(eq, "= -1 E", 6) || !strncmp(eq, "= ? E", 5);
		lt[-1] = ' ';
		rn_stats_add(t, nr_of(name, namelen),
			     ns > overhead_ns ? ns - overhead_ns : 0, err);
		n++;
		*nl = '\n';
		l = nl + 1;
	}
	return n;
}

static void set_opts(struct rn_summary_opts *o, const char *sort, const char *cols)
{
	char err[256];

	memset(o, 0, sizeof(*o));
	if (sort && rn_summary_parse_sort(o, sort, err, sizeof(err)))
		fail_msg("%s", err);
	if (cols && rn_summary_parse_columns(o, cols, err, sizeof(err)))
		fail_msg("%s", err);
}

static void check_render(const struct rn_stats_table *t,
			 const struct rn_summary_opts *o, const char *want)
{
	struct rn_sbuf b = { 0 };

	rn_stats_render(t, o, &b);
	assert_string_equal(rn_sbuf_cstr(&b), want);
	rn_sbuf_free(&b);
}

/* A whole -C -w -T ns fixture: feed, render with the same -S/-U, compare. */
static void check_wall_fixture(const char *file, const char *sort,
			       const char *cols, uint64_t overhead_ns,
			       unsigned min_calls)
{
	char *text = slurp(file);
	char *table = find_table(text);
	struct rn_stats_table t;
	struct rn_summary_opts o;

	rn_stats_init(&t);
	assert_true(feed_trace(&t, text, table, overhead_ns) >= min_calls);
	set_opts(&o, sort, cols);
	check_render(&t, &o, table);
	rn_stats_free(&t);
	free(text);
}

static void test_wall_default(void **state)
{
	(void)state;
	/* 1100 getppid, errors, a 22-character name widening the column. */
	check_wall_fixture("w_default.txt", NULL, NULL, 0, 1166);
}

static void test_wall_calls_all_columns(void **state)
{
	(void)state;
	check_wall_fixture("w_calls_all.txt", "calls",
			   "time-percent,total-time,min-time,max-time,avg-time,"
			   "calls,errors,name", 0, 80);
}

static void test_wall_name_first(void **state)
{
	(void)state;
	/* A name column that is not last is padded, header included. */
	check_wall_fixture("w_name_first.txt", "name",
			   "name,calls,errors,avg-time,shortest,longest", 0, 80);
}

static void test_wall_errors_name_appended(void **state)
{
	(void)state;
	check_wall_fixture("w_errors.txt", "errors", "errors,calls", 0, 80);
}

static void test_wall_avg(void **state)
{
	(void)state;
	check_wall_fixture("w_avg.txt", "avg-time", NULL, 0, 80);
}

static void test_wall_unsorted(void **state)
{
	(void)state;
	check_wall_fixture("w_none.txt", "none", "max-time,time,total-time", 0, 80);
}

static void test_wall_min(void **state)
{
	(void)state;
	check_wall_fixture("w_min.txt", "min-time", "min-time,calls,name,time", 0, 80);
}

static void test_wall_all_zero(void **state)
{
	(void)state;
	/* -O 1s: every call clamped to 0; "0.00", "0.000000", total "100.00",
	 * rows in syscall-number order. */
	check_wall_fixture("w_zero.txt", NULL, NULL, 1000000000ull, 80);
}

static void test_wall_fork(void **state)
{
	(void)state;
	/* -f: three processes, "PID " prefixes, unfinished/resumed pairs,
	 * ERESTARTNOHAND and rt_sigreturn's EINTR counted as errors. */
	check_wall_fixture("w_fork.txt", NULL, NULL, 0, 300);
}

/* Byte range [start, end) of each column, from the rule under the header. */
struct colspan {
	size_t start, end;
	char title[16];
};

static size_t parse_spans(const char *header, const char *rule, struct colspan *c)
{
	size_t n = 0, i = 0, rlen = strcspn(rule, "\n");

	while (i < rlen) {
		size_t s = i, tl;
		const char *tt;

		while (i < rlen && rule[i] == '-')
			i++;
		c[n].start = s;
		c[n].end = i;
		/* The title: the header text over the span, trimmed; the last
		 * column's header is not padded and may be shorter. */
		tt = header + s;
		tl = i - s;
		if (strcspn(tt, "\n") < tl)
			tl = strcspn(tt, "\n");
		while (tl && *tt == ' ')
			tt++, tl--;
		while (tl && tt[tl - 1] == ' ')
			tl--;
		assert_true(tl < sizeof(c[n].title));
		memcpy(c[n].title, tt, tl);
		c[n].title[tl] = '\0';
		n++;
		i++; /* the separating space */
	}
	return n;
}

static int span_index(const struct colspan *c, size_t n, const char *title)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].title, title))
			return (int)i;
	return -1;
}

static uint64_t cell_u64(const char *line, const struct colspan *c)
{
	size_t len = strcspn(line, "\n");
	char buf[64] = { 0 };

	if (c->start >= len)
		return 0;
	memcpy(buf, line + c->start, (c->end < len ? c->end : len) - c->start);
	return strtoull(buf, NULL, 10);
}

/* "0.000116" -> 116000 ns; exact for strace -c's whole microseconds. */
static uint64_t cell_ns(const char *line, const struct colspan *c)
{
	char buf[64] = { 0 };
	unsigned long long s, us;

	memcpy(buf, line + c->start, c->end - c->start);
	assert_int_equal(sscanf(buf, "%llu.%6llu", &s, &us), 2);
	return (s * 1000000 + us) * 1000;
}

/* Parse a plain strace -c table and add calls reproducing each row: its
 * count, errors, total, and (when shown) its shortest and longest call. */
static void feed_table(struct rn_stats_table *t, char *table)
{
	char *rule = strchr(table, '\n') + 1;
	struct colspan c[16];
	size_t n = parse_spans(table, rule, c);
	int ci = span_index(c, n, "calls"), ei = span_index(c, n, "errors");
	int si = span_index(c, n, "seconds"), ni = span_index(c, n, "syscall");
	int mi = span_index(c, n, "shortest"), xi = span_index(c, n, "longest");

	assert_true(ci >= 0 && si >= 0 && ni >= 0);
	for (char *l = strchr(rule, '\n') + 1; *l != '-'; l = strchr(l, '\n') + 1) {
		const char *name = l + c[ni].start;
		size_t nlen = strcspn(name, " \n");
		long nr = nr_of(name, nlen);
		uint64_t calls = cell_u64(l, &c[ci]);
		uint64_t errs = ei >= 0 ? cell_u64(l, &c[ei]) : 0;
		uint64_t total = cell_ns(l, &c[si]), k = 0;

		if (mi >= 0 && xi >= 0 && calls >= 2) {
			uint64_t mn = cell_ns(l, &c[mi]), mx = cell_ns(l, &c[xi]);

			rn_stats_add(t, nr, mn, k++ < errs);
			rn_stats_add(t, nr, mx, k++ < errs);
			total -= mn + mx;
		}
		/* The rest evenly, the remainder one ns at a time. */
		for (uint64_t rest = calls - k, i = 0; i < rest; i++)
			rn_stats_add(t, nr, total / rest + (i < total % rest),
				     k++ < errs);
	}
}

static void check_table_fixture(const char *file, const char *sort,
				const char *cols)
{
	char *text = slurp(file);
	char *table = find_table(text);
	struct rn_stats_table t;
	struct rn_summary_opts o;

	rn_stats_init(&t);
	feed_table(&t, table);
	set_opts(&o, sort, cols);
	check_render(&t, &o, table);
	rn_stats_free(&t);
	free(text);
}

static void test_table_default(void **state)
{
	(void)state;
	check_table_fixture("c_default.txt", NULL, NULL);
}

static void test_table_calls(void **state)
{
	(void)state;
	check_table_fixture("c_calls.txt", "calls", NULL);
}

static void test_table_minmax(void **state)
{
	(void)state;
	check_table_fixture("c_minmax.txt", "max-time",
			    "min-time,max-time,total-time,avg-time,calls,errors,name");
}

static long nr(const char *name)
{
	long n = rn_syscall_by_name(name);

	assert_true(n >= 0);
	return n;
}

static void test_empty_prints_nothing(void **state)
{
	struct rn_stats_table t;
	struct rn_sbuf b = { 0 };

	(void)state;
	rn_stats_init(&t);
	/* strace -c -e trace=getpid true: not even a header. */
	rn_stats_add(&t, 1000, 5, 0);  /* outside the table: ignored */
	rn_stats_add(&t, -1, 5, 0);
	assert_int_equal(t.ignored, 2);
	rn_stats_render(&t, NULL, &b);
	assert_int_equal(b.len, 0);
	rn_stats_free(&t);
	rn_sbuf_free(&b);
}

/* Hand-computed: rounding of seconds and percentages, truncated usecs/call
 * (after the average is rounded to the ns), blank zero errors, ties in
 * syscall-number order, the total row's own average. */
static void test_hand_computed(void **state)
{
	struct rn_stats_table t;

	(void)state;
	rn_stats_init(&t);
	rn_stats_add(&t, nr("read"), 1500, 0);
	rn_stats_add(&t, nr("read"), 1998, 1);   /* avg 1749 ns -> 1 us */
	rn_stats_add(&t, nr("write"), 3499, 0);  /* 0.000003, ties with close */
	rn_stats_add(&t, nr("close"), 3499, 0);
	rn_stats_add(&t, nr("openat"), 0, 1);
	/* 3499 / 10496 = 33.336 %, 3498 / 10496 = 33.327 %; the total's
	 * average is 10496 / 5 = 2099 ns -> 2 us. */
	check_render(&t, NULL,
		"% time     seconds  usecs/call     calls    errors syscall\n"
		"------ ----------- ----------- --------- --------- ----------------\n"
		" 33.34    0.000003           3         1           write\n"
		" 33.34    0.000003           3         1           close\n"
		" 33.33    0.000003           1         2         1 read\n"
		"  0.00    0.000000           0         1         1 openat\n"
		"------ ----------- ----------- --------- --------- ----------------\n"
		"100.00    0.000010           2         5         2 total\n");
	rn_stats_free(&t);
}

/* Widths grow with the numbers: seconds, usecs/call, calls, shortest. */
static void test_wide_columns(void **state)
{
	struct rn_stats_table t;
	struct rn_summary_opts o;

	(void)state;
	rn_stats_init(&t);
	rn_stats_add(&t, nr("wait4"), 12345678900000000ull, 0); /* 12345678.9 s */
	rn_stats_add(&t, nr("wait4"), 12345678900000000ull, 0);
	t.rows[nr("getpid")].calls = 1234567890123ull - 1; /* bulk counts */
	rn_stats_add(&t, nr("getpid"), 0, 0);
	set_opts(&o, NULL, "time,total-time,min-time,max-time,avg-time,calls,errors");
	/* The total's usecs/call is 24691357.8 / 1234567890125 * 1e6 in
	 * double: 19.999..., truncated to 19, as strace would. */
	check_render(&t, &o,
		"% time         seconds        shortest         longest     usecs/call         calls    errors syscall\n"
		"------ --------------- --------------- --------------- -------------- ------------- --------- ----------------\n"
		"100.00 24691357.800000 12345678.900000 12345678.900000 12345678900000             2           wait4\n"
		"  0.00        0.000000        0.000000        0.000000              0 1234567890123           getpid\n"
		"------ --------------- --------------- --------------- -------------- ------------- --------- ----------------\n"
		"100.00 24691357.800000        0.000000 12345678.900000             19 1234567890125           total\n");
	rn_stats_free(&t);
}

static void test_merge(void **state)
{
	struct rn_stats_table a, b, all;
	struct rn_sbuf s1 = { 0 }, s2 = { 0 };
	struct rn_summary_opts o;

	(void)state;
	rn_stats_init(&a);
	rn_stats_init(&b);
	rn_stats_init(&all);
	for (unsigned i = 0; i < 1000; i++) {
		struct rn_stats_table *w = (i % 3) ? &a : &b;
		long n = (long)(i % 7);
		uint64_t d = (i * 7919u) % 100000u;

		rn_stats_add(w, n, d, i % 5 == 0);
		rn_stats_add(&all, n, d, i % 5 == 0);
	}
	rn_stats_add(&b, 9999, 1, 0);
	rn_stats_merge(&a, &b);
	assert_int_equal(a.ignored, 1);
	set_opts(&o, "p99", "time,total-time,avg-time,calls,errors,min-time,max-time,"
		 "p50,p90,p99,name");
	rn_stats_render(&a, &o, &s1);
	rn_stats_render(&all, &o, &s2);
	assert_string_equal(rn_sbuf_cstr(&s1), rn_sbuf_cstr(&s2));
	rn_stats_free(&a);
	rn_stats_free(&b);
	rn_stats_free(&all);
	rn_sbuf_free(&s1);
	rn_sbuf_free(&s2);
}

static void test_percentile_columns(void **state)
{
	struct rn_stats_table t;
	struct rn_summary_opts o;

	(void)state;
	rn_stats_init(&t);
	/* read: 1..100 us. p50 is the 50th value, 50000 ns, in the bucket
	 * [49664, 50176): middle 49919 -> "49.9"; p90 90000 in [89088,
	 * 90112): 89599; p99 99000 in [98304, 99328): 98815. write: 100 ns,
	 * exact. Total (110 calls): ranks 55, 99, 109 -> 45000, 89000, 99000
	 * -> 44799, 88575, 98815. */
	for (uint64_t i = 1; i <= 100; i++)
		rn_stats_add(&t, nr("read"), i * 1000, 0);
	for (int i = 0; i < 10; i++)
		rn_stats_add(&t, nr("write"), 100, 0);
	set_opts(&o, "p50", "p50,p90,p99,calls");
	check_render(&t, &o,
		"    p50(us)     p90(us)     p99(us)     calls syscall\n"
		"----------- ----------- ----------- --------- ----------------\n"
		"       49.9        89.6        98.8       100 read\n"
		"        0.1         0.1         0.1        10 write\n"
		"----------- ----------- ----------- --------- ----------------\n"
		"       44.8        88.6        98.8       110 total\n");
	rn_stats_free(&t);
}

static void test_hole_and_name_sort(void **state)
{
	struct rn_stats_table t;
	struct rn_summary_opts o;

	(void)state;
	rn_stats_init(&t);
	rn_stats_add(&t, 335, 1000, 1);   /* a hole: strace 6.1 would crash */
	rn_stats_add(&t, nr("close"), 1000, 0);
	rn_stats_add(&t, nr("brk"), 1000, 0);
	set_opts(&o, "name", "calls,errors");
	check_render(&t, &o,
		"    calls    errors syscall\n"
		"--------- --------- ----------------\n"
		"        1           brk\n"
		"        1           close\n"
		"        1         1 syscall_0x14f\n"
		"--------- --------- ----------------\n"
		"        3         1 total\n");
	rn_stats_free(&t);
}

static void test_parse_columns(void **state)
{
	struct rn_summary_opts o;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(rn_summary_parse_columns(&o, "count,time_total,shortest",
						  err, sizeof(err)), 0);
	assert_int_equal(o.columns[0], RN_SUM_CALLS);
	assert_int_equal(o.columns[1], RN_SUM_TOTAL);
	assert_int_equal(o.columns[2], RN_SUM_MIN);
	assert_int_equal(o.columns[3], RN_SUM_NAME);  /* appended */
	assert_int_equal(o.columns[4], RN_SUM_END);
	assert_int_equal(rn_summary_parse_columns(&o, "syscall-name,p99",
						  err, sizeof(err)), 0);
	assert_int_equal(o.columns[0], RN_SUM_NAME);
	assert_int_equal(o.columns[1], RN_SUM_P99);
	assert_int_equal(o.columns[2], RN_SUM_END);

	/* strace 6.1's messages, checked by running it. */
	assert_int_equal(rn_summary_parse_columns(&o, "none", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown column name: 'none'");
	assert_int_equal(rn_summary_parse_columns(&o, "bogus,", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown column name: 'bogus'");
	assert_int_equal(rn_summary_parse_columns(&o, "time,", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown column name: ''");
	assert_int_equal(rn_summary_parse_columns(&o, "calls,calls", err, sizeof(err)), -1);
	assert_string_equal(err, "call summary column has been provided more than "
			    "once: 'calls' (-U option residual: 'calls')");
	assert_int_equal(rn_summary_parse_columns(&o, "time,errors,time-percent,name",
						  err, sizeof(err)), -1);
	assert_string_equal(err, "call summary column has been provided more than "
			    "once: 'time-percent' (-U option residual: "
			    "'time-percent,name')");
}

static void test_parse_sort(void **state)
{
	static const struct {
		const char *s;
		int sort;
	} ok[] = {
		{ "time", RN_SORT_TIME },        { "time_percent", RN_SORT_TIME },
		{ "time-percent", RN_SORT_TIME }, { "time_total", RN_SORT_TIME },
		{ "total-time", RN_SORT_TIME },   { "min-time", RN_SORT_MIN },
		{ "shortest", RN_SORT_MIN },      { "longest", RN_SORT_MAX },
		{ "max_time", RN_SORT_MAX },      { "avg_time", RN_SORT_AVG },
		{ "time-avg", RN_SORT_AVG },      { "calls", RN_SORT_CALLS },
		{ "count", RN_SORT_CALLS },       { "error", RN_SORT_ERRORS },
		{ "errors", RN_SORT_ERRORS },     { "name", RN_SORT_NAME },
		{ "syscall", RN_SORT_NAME },      { "syscall_name", RN_SORT_NAME },
		{ "syscall-name", RN_SORT_NAME }, { "none", RN_SORT_NONE },
		{ "nothing", RN_SORT_NONE },      { "p50", RN_SORT_P50 },
		{ "p90", RN_SORT_P90 },           { "p99", RN_SORT_P99 },
	};
	struct rn_summary_opts o;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(rn_summary_parse_sort(&o, ok[i].s, err, sizeof(err)), 0);
		assert_int_equal(o.sort, ok[i].sort);
	}
	assert_int_equal(rn_summary_parse_sort(&o, "bogus", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid sortby: 'bogus'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wall_default),
		cmocka_unit_test(test_wall_calls_all_columns),
		cmocka_unit_test(test_wall_name_first),
		cmocka_unit_test(test_wall_errors_name_appended),
		cmocka_unit_test(test_wall_avg),
		cmocka_unit_test(test_wall_unsorted),
		cmocka_unit_test(test_wall_min),
		cmocka_unit_test(test_wall_all_zero),
		cmocka_unit_test(test_wall_fork),
		cmocka_unit_test(test_table_default),
		cmocka_unit_test(test_table_calls),
		cmocka_unit_test(test_table_minmax),
		cmocka_unit_test(test_empty_prints_nothing),
		cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_wide_columns),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_percentile_columns),
		cmocka_unit_test(test_hole_and_name_sort),
		cmocka_unit_test(test_parse_columns),
		cmocka_unit_test(test_parse_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
