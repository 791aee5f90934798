/*
 * test_timefmt.c - -t/-tt/-ttt, -r and -T texts (base/timefmt.c). The
 * expected strings are what strace 6.1 printed on this machine for the
 * same instants (e.g. -ttt "1795643573.442642 " was -t "21:52:53 " in UTC,
 * "16:52:53" under TZ=EST5EDT and "03:22:53" under Asia/Kolkata).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/timefmt.h"

/* 2026-11-25 21:52:53.442642123 UTC */
#define T0 1795643573442642123ull

static struct rn_sbuf buf;

static const char *abs_(int format, int digits, uint64_t ns)
{
	rn_sbuf_reset(&buf);
	rn_timefmt_abs(&buf, format, digits, ns);
	return rn_sbuf_cstr(&buf);
}

static const char *rel_(int digits, uint64_t ns, int after_abs)
{
	rn_sbuf_reset(&buf);
	rn_timefmt_rel(&buf, digits, ns, after_abs);
	return rn_sbuf_cstr(&buf);
}

static const char *dur_(int digits, uint64_t ns)
{
	rn_sbuf_reset(&buf);
	rn_timefmt_dur(&buf, digits, ns);
	return rn_sbuf_cstr(&buf);
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void test_absolute_utc(void **state)
{
	(void)state;
	set_tz("UTC0");
	assert_string_equal(abs_(RN_TABS_TIME, 0, T0), "21:52:53 ");          /* -t */
	assert_string_equal(abs_(RN_TABS_TIME, 6, T0), "21:52:53.442642 ");   /* -tt */
	assert_string_equal(abs_(RN_TABS_UNIX, 6, T0), "1795643573.442642 "); /* -ttt */
	assert_string_equal(abs_(RN_TABS_TIME, 9, T0), "21:52:53.442642123 ");
	assert_string_equal(abs_(RN_TABS_TIME, 3, T0), "21:52:53.442 ");
	assert_string_equal(abs_(RN_TABS_UNIX, 0, T0), "1795643573 ");
	assert_string_equal(abs_(RN_TABS_UNIX, 3, T0), "1795643573.442 ");
	assert_string_equal(abs_(RN_TABS_UNIX, 9, T0), "1795643573.442642123 ");
	assert_string_equal(abs_(RN_TABS_NONE, 6, T0), "");
	/* Truncated, never rounded up into the next second. */
	assert_string_equal(abs_(RN_TABS_TIME, 6, 1795643573999999999ull),
			    "21:52:53.999999 ");
	/* Leading zeros in every field. */
	assert_string_equal(abs_(RN_TABS_TIME, 6, 1795568645000001000ull),
			    "01:04:05.000001 ");
}

static void test_absolute_local_time(void **state)
{
	(void)state;
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	assert_string_equal(abs_(RN_TABS_TIME, 0, T0), "16:52:53 ");
	/* The epoch does not depend on the zone. */
	assert_string_equal(abs_(RN_TABS_UNIX, 6, T0), "1795643573.442642 ");
	/* Summer time: 2026-07-01 12:00:00 UTC is 08:00:00 EDT. */
	assert_string_equal(abs_(RN_TABS_TIME, 0, 1782907200000000000ull), "08:00:00 ");
	set_tz("IST-5:30");
	assert_string_equal(abs_(RN_TABS_TIME, 6, T0), "03:22:53.442642 ");
	set_tz("UTC0");
}

static void test_relative(void **state)
{
	(void)state;
	assert_string_equal(rel_(6, 0, 0), "     0.000000 ");          /* -r */
	assert_string_equal(rel_(6, 306999, 0), "     0.000306 ");
	assert_string_equal(rel_(6, 304000, 1), "(+     0.000304) ");  /* -t -r */
	assert_string_equal(rel_(9, 122242, 0), "     0.000122242 ");
	assert_string_equal(rel_(3, 122242, 0), "     0.000 ");
	assert_string_equal(rel_(0, 1999999999, 0), "     1 ");
	assert_string_equal(rel_(6, 12500000000ull, 0), "    12.500000 ");
	/* Wider than 6 digits: the field grows. */
	assert_string_equal(rel_(6, 1234567500000000ull, 0), "1234567.500000 ");
}

static void test_duration(void **state)
{
	(void)state;
	assert_string_equal(dur_(6, 22999), " <0.000022>");               /* -T */
	assert_string_equal(dur_(9, 8563), " <0.000008563>");
	assert_string_equal(dur_(0, 999999999), " <0>");
	assert_string_equal(dur_(3, 45969), " <0.000>");
	assert_string_equal(dur_(6, 300258123ull), " <0.300258>");
	assert_string_equal(dur_(6, 62500000000ull), " <62.500000>");
}

static void test_prefix(void **state)
{
	struct rn_timefmt f = { 0 };

	(void)state;
	set_tz("UTC0");
	rn_sbuf_reset(&buf);
	rn_timefmt_prefix(&buf, &f, T0, 5);
	assert_int_equal(buf.len, 0);

	f.abs_format = RN_TABS_TIME;
	f.rel = 1;
	f.rel_digits = 6;
	rn_sbuf_reset(&buf);
	rn_timefmt_prefix(&buf, &f, T0, 788000);
	assert_string_equal(rn_sbuf_cstr(&buf), "21:52:53 (+     0.000788) ");

	f.abs_format = RN_TABS_UNIX;
	f.abs_digits = 6;
	rn_sbuf_reset(&buf);
	rn_timefmt_prefix(&buf, &f, T0, 235000);
	assert_string_equal(rn_sbuf_cstr(&buf), "1795643573.442642 (+     0.000235) ");

	f.abs_format = RN_TABS_NONE;
	rn_sbuf_reset(&buf);
	rn_timefmt_prefix(&buf, &f, T0, 331000);
	assert_string_equal(rn_sbuf_cstr(&buf), "     0.000331 ");
}

static void test_rel_state(void **state)
{
	struct rn_timefmt_rel_state s = { 0 };

	(void)state;
	assert_int_equal(rn_timefmt_rel_next(&s, 5000000), 0);  /* first line */
	assert_int_equal(rn_timefmt_rel_next(&s, 5000306), 306);
	assert_int_equal(rn_timefmt_rel_next(&s, 5000306), 0);
	assert_int_equal(rn_timefmt_rel_next(&s, 6000000), 999694);
}

static void test_parse(void **state)
{
	static const struct {
		const char *arg;
		int ok;
		uint8_t format, digits; /* starting from time,s */
	} k[] = {
		{ "", 1, RN_TABS_TIME, 0 },
		{ "unix", 1, RN_TABS_UNIX, 0 },
		{ "format:unix", 1, RN_TABS_UNIX, 0 },
		{ "precision:ms", 1, RN_TABS_TIME, 3 },
		{ "format:time,precision:us", 1, RN_TABS_TIME, 6 },
		{ "us,unix", 1, RN_TABS_UNIX, 6 },
		{ "unix,precision:ns", 1, RN_TABS_UNIX, 9 },
		{ "none,us", 1, RN_TABS_NONE, 6 },
		{ "unix,time", 1, RN_TABS_TIME, 0 },
		{ "ns,us", 1, RN_TABS_TIME, 6 },
		{ ",us", 1, RN_TABS_TIME, 6 },
		{ "us,", 1, RN_TABS_TIME, 6 },
		{ "bogus", 0, 0, 0 },
		{ "format:ns", 0, 0, 0 },
		{ "precision:unix", 0, 0, 0 },
		{ "format:", 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		uint8_t f = RN_TABS_TIME, d = 0;
		int r = rn_timefmt_parse_abs(k[i].arg, &f, &d);

		assert_int_equal(r, k[i].ok ? 0 : -1);
		if (k[i].ok) {
			assert_int_equal(f, k[i].format);
			assert_int_equal(d, k[i].digits);
		} else {
			assert_int_equal(f, RN_TABS_TIME); /* untouched */
			assert_int_equal(d, 0);
		}
	}
	/* A second --timestamps keeps what it does not mention. */
	{
		uint8_t f = RN_TABS_TIME, d = 0;

		assert_int_equal(rn_timefmt_parse_abs("ms", &f, &d), 0);
		assert_int_equal(rn_timefmt_parse_abs("unix", &f, &d), 0);
		assert_int_equal(f, RN_TABS_UNIX);
		assert_int_equal(d, 3);
	}
	assert_int_equal(rn_timefmt_parse_precision("s"), 0);
	assert_int_equal(rn_timefmt_parse_precision("ms"), 3);
	assert_int_equal(rn_timefmt_parse_precision("us"), 6);
	assert_int_equal(rn_timefmt_parse_precision("ns"), 9);
	assert_int_equal(rn_timefmt_parse_precision(""), -1);
	assert_int_equal(rn_timefmt_parse_precision("precision:ns"), -1);
}

static int teardown(void **state)
{
	(void)state;
	rn_sbuf_free(&buf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute_utc),
		cmocka_unit_test(test_absolute_local_time),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_rel_state),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
