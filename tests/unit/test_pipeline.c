/*
 * test_pipeline.c - the pipeline's end (pipeline/pipeline.c): every record
 * pushed becomes output and every thread is joined, also when one worker's
 * output ring is full behind a record another worker was never woken for.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "decode/record.h"
#include "pipeline/pipeline.h"
#include "syscalls/options.h"

static uint64_t seq;

static void push_call(struct rn_pipeline *p, int32_t tid, int kind)
{
	struct rn_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.seq = ++seq;
	rec.ts_ns = seq * 1000;
	rec.tid = tid;
	rec.tgid = tid;
	rec.kind = (uint16_t)kind;
	rec.nr = SYS_getppid;
	rec.ntasks = 2;
	rec.ret = 1;
	rn_pipeline_push(p, &rec);
}

/*
 * Two workers. The first record goes to worker 1, and wakes are batched,
 * so it is not woken for it. Then worker 0 gets more calls than its output
 * ring holds. The writer merges by seq and waits for record 1. Worker 0
 * fills its output ring and waits for room. rn_pipeline_finish must wake
 * worker 1 before it waits for worker 0; joining worker 0 first waited for
 * ever, which the alarm turns into a failure.
 */
static void test_finish_wakes_every_worker_first(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	opt.nworkers = 2;
	int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(out >= 0);
	struct rn_pipeline p;
	assert_int_equal(rn_pipeline_start(&p, &opt, out, NULL, 0), 0);

	seq = 0;
	push_call(&p, 1, RN_REC_SYSCALL_ENTRY); /* worker 1, not woken */
	/* 4096 events fill worker 0's output ring; the 100 after them stay
	 * in its input ring, whose 4096 slots they do not fill (a full one
	 * would make the push wake every worker). */
	for (int i = 0; i < 4196; i++)
		push_call(&p, 2, i % 2 ? RN_REC_SYSCALL_EXIT : RN_REC_SYSCALL_ENTRY);
	/* Give worker 0 the time to fill its output ring. */
	usleep(300 * 1000);

	alarm(30);
	assert_int_equal(rn_pipeline_finish(&p), 0);
	alarm(0);
	assert_int_equal(p.stats.records, 4197);
	assert_int_equal(p.stats.dropped, 0);
	close(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finish_wakes_every_worker_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
