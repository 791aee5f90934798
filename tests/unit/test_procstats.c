/*
 * test_procstats.c - stats/procstats.c's live mode (the table of the
 * processes alive that a rotated capture's later part begins with) and its
 * seeding (renacer-dump reading such a part alone), and the whole rows
 * the eBPF counter gathers (rn_procstats_add_row).
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

/* Whole rows: copied (the command too), a pid used twice is two
 * processes, starts count from the earliest row's, the rendered table
 * nests a child under the parent that came before it. */
static void test_added_rows(void **state)
{
	(void)state;
	struct rn_procstats *ps = rn_procstats_new();
	char cmd[] = "sh -c true";
	struct rn_proc_row r = {
		.pid = 20, .command = cmd, .start_ns = 5000, .duration_ns = 900,
		.syscalls = 7, .errors = 1, .syscall_ns = 30, .end = RN_PEND_EXITED, .status = 3,
	};
	rn_procstats_add_row(ps, &r);
	cmd[0] = 'X'; /* the table has its own copy */
	r = (struct rn_proc_row){ .pid = 21, .ppid = 20, .start_ns = 5100, .syscalls = 2,
				  .end = RN_PEND_KILLED, .status = 9 };
	rn_procstats_add_row(ps, &r);
	r = (struct rn_proc_row){ .pid = 21, .start_ns = 9000, .syscalls = 4,
				  .end = RN_PEND_DETACHED };
	rn_procstats_add_row(ps, &r);

	size_t n;
	struct rn_proc_row *rows = rn_procstats_rows(ps, &n);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].pid, 20);
	assert_int_equal(rows[0].start_ns, 0);
	assert_int_equal(rows[0].duration_ns, 900);
	assert_int_equal(rows[0].syscalls, 7);
	assert_int_equal(rows[0].errors, 1);
	assert_int_equal(rows[0].status, 3);
	assert_string_equal(rows[0].command, "sh -c true");
	assert_int_equal(rows[1].pid, 21);
	assert_int_equal(rows[1].ppid, 20);
	assert_int_equal(rows[1].start_ns, 100);
	assert_null(rows[1].command);
	assert_int_equal(rows[1].end, RN_PEND_KILLED);
	assert_int_equal(rows[2].pid, 21);
	assert_int_equal(rows[2].start_ns, 4000);
	assert_int_equal(rows[2].syscalls, 4);
	assert_int_equal(rows[2].end, RN_PEND_DETACHED);
	free(rows);
	struct rn_sbuf out = { 0 };
	rn_procstats_render(ps, &out);
	rn_sbuf_cstr(&out);
	assert_non_null(strstr(out.p, "exit 3                sh -c true\n"));
	assert_non_null(strstr(out.p, "SIGKILL                \\_ \n"));
	assert_non_null(strstr(out.p, "detached              \n"));
	rn_sbuf_free(&out);
	rn_procstats_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_table),
		cmocka_unit_test(test_seeded),
		cmocka_unit_test(test_added_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
