/*
 * test_procstats.c - stats/procstats.c's live mode (the table of the
 * processes alive that a rotated capture's later part begins with) and its
 * seeding (renacer-dump reading such a part alone).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "stats/procstats.h"

static struct rn_event ev(int kind, int32_t tid, int32_t tgid, uint64_t ts, int64_t ret,
			  int64_t aux)
{
	struct rn_event e;
	memset(&e, 0, sizeof(e));
	e.kind = (uint16_t)kind;
	e.tid = tid;
	e.tgid = tgid;
	e.ts_ns = ts;
	e.ret = ret;
	e.aux = aux;
	e.nr = -1;
	return e;
}

/* An execve entry whose worker sent the whole command line (ret_path). */
static struct rn_event exec_entry(int32_t pid, uint64_t ts, const char *cmd)
{
	struct rn_event e = ev(RN_EV_ENTRY, pid, pid, ts, 0, 0);
	e.nr = SYS_execve;
	e.bytes = (uint8_t *)cmd;
	e.nbytes = (uint32_t)strlen(cmd);
	e.ret_path_off = 0;
	e.ret_path_len = (uint32_t)strlen(cmd);
	return e;
}

static struct rn_event exec_exit(int32_t pid, uint64_t ts)
{
	struct rn_event e = ev(RN_EV_EXIT, pid, pid, ts, 0, 0);
	e.nr = SYS_execve;
	return e;
}

static void feed(struct rn_procstats *ps, struct rn_event e)
{
	rn_procstats_event(ps, &e);
}

/* Live: ended processes and threads are forgotten; start_ns stays the
 * clock's; a forked child has its parent's command until its own execve
 * succeeds, and an execve whose exit is not seen yet is pending. */
static void test_live_table(void **state)
{
	(void)state;
	struct rn_procstats *ps = rn_procstats_new_live();
	feed(ps, exec_entry(10, 1000, "make -j2"));
	feed(ps, exec_exit(10, 1100));
	feed(ps, ev(RN_EV_NEW_TASK, 11, 11, 2000, 10, 0));  /* fork */
	feed(ps, ev(RN_EV_NEW_TASK, 12, 10, 2100, 10, 1));  /* a thread of make */
	feed(ps, ev(RN_EV_NEW_TASK, 13, 13, 2200, 10, 0));  /* fork */
	feed(ps, exec_entry(11, 3000, "cc -c a.c"));          /* pending */
	feed(ps, ev(RN_EV_EXITED, 13, 13, 4000, 0, 0));     /* gone */
	feed(ps, ev(RN_EV_EXITED, 12, 10, 4100, 0, 0));     /* the thread: make goes on */

	size_t n;
	struct rn_proc_row *rows = rn_procstats_rows(ps, &n);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].pid, 10);
	assert_int_equal(rows[0].ppid, 0);
	assert_int_equal(rows[0].start_ns, 1000);
	assert_string_equal(rows[0].command, "make -j2");
	assert_null(rows[0].exec_pending);
	assert_int_equal(rows[1].pid, 11);
	assert_int_equal(rows[1].ppid, 10);
	assert_int_equal(rows[1].start_ns, 2000);
	assert_string_equal(rows[1].command, "make -j2");
	assert_string_equal(rows[1].exec_pending, "cc -c a.c");
	free(rows);
	rn_procstats_free(ps);
}

/* Seeded: the part's table gives parent, start and command; an execve
 * whose entry was in the part before completes with its pending command;
 * start offsets count from the earliest seeded start. */
static void test_seeded(void **state)
{
	(void)state;
	struct rn_procstats *ps = rn_procstats_new();
	rn_procstats_seed(ps, 10, 0, 1000, "make -j2", NULL);
	rn_procstats_seed(ps, 11, 10, 2000, "make -j2", "cc -c a.c");
	feed(ps, exec_exit(11, 5000));
	feed(ps, ev(RN_EV_EXITED, 11, 11, 6000, 0, 0));
	feed(ps, ev(RN_EV_EXITED, 10, 10, 7000, 2, 0));

	size_t n;
	struct rn_proc_row *rows = rn_procstats_rows(ps, &n);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].pid, 10);
	assert_int_equal(rows[0].start_ns, 0);
	assert_int_equal(rows[0].duration_ns, 6000);
	assert_int_equal(rows[0].status, 2);
	assert_string_equal(rows[0].command, "make -j2");
	assert_int_equal(rows[1].pid, 11);
	assert_int_equal(rows[1].ppid, 10);
	assert_int_equal(rows[1].start_ns, 1000);
	assert_int_equal(rows[1].duration_ns, 4000);
	assert_int_equal(rows[1].syscalls, 1);
	assert_string_equal(rows[1].command, "cc -c a.c");
	free(rows);
	rn_procstats_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_table),
		cmocka_unit_test(test_seeded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
