/*
 * test_record.c - struct rn_record's layout is part of the contract between
 * the tracer and the workers (and later the capture format): pin it, and
 * check that a record crosses a ring unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <stdalign.h>

#include "decode/record.h"
#include "pipeline/ring.h"

static void test_size_align(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct rn_record), 112);
	assert_int_equal(alignof(struct rn_record), 8);
	/* An array of records has no gaps: a ring of them is dense. */
	assert_int_equal(sizeof(struct rn_record[4]), 4 * 112);
}

static void test_offsets(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct rn_record, seq), 0);
	assert_int_equal(offsetof(struct rn_record, ts_ns), 8);
	assert_int_equal(offsetof(struct rn_record, tid), 16);
	assert_int_equal(offsetof(struct rn_record, tgid), 20);
	assert_int_equal(offsetof(struct rn_record, kind), 24);
	assert_int_equal(offsetof(struct rn_record, flags), 26);
	assert_int_equal(offsetof(struct rn_record, nr), 28);
	assert_int_equal(offsetof(struct rn_record, ntasks), 32);
	assert_int_equal(offsetof(struct rn_record, hold_id), 36);
	assert_int_equal(offsetof(struct rn_record, ip), 40);
	assert_int_equal(offsetof(struct rn_record, args), 48);
	assert_int_equal(offsetof(struct rn_record, args[5]), 88);
	assert_int_equal(offsetof(struct rn_record, ret), 96);
	assert_int_equal(offsetof(struct rn_record, stime_ns), 104);
	/* Field widths, so a type change cannot hide behind same offsets. */
	struct rn_record r;
	assert_int_equal(sizeof(r.seq), 8);
	assert_int_equal(sizeof(r.ts_ns), 8);
	assert_int_equal(sizeof(r.tid), 4);
	assert_int_equal(sizeof(r.tgid), 4);
	assert_int_equal(sizeof(r.kind), 2);
	assert_int_equal(sizeof(r.flags), 2);
	assert_int_equal(sizeof(r.nr), 4);
	assert_int_equal(sizeof(r.ntasks), 4);
	assert_int_equal(sizeof(r.hold_id), 4);
	assert_int_equal(sizeof(r.ip), 8);
	assert_int_equal(sizeof(r.args), 48);
	assert_int_equal(sizeof(r.ret), 8);
}

static void fill_bytes(void *p, size_t n, unsigned seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed * 167u + i * 31u + 1u);
}

/* Records go through the ring by value: every byte, padding-free, must come
 * out as it went in, including across wrap-around. */
static void test_ring_round_trip(void **state)
{
	struct rn_ring *r = aligned_alloc(alignof(struct rn_ring),
					  sizeof(struct rn_ring));

	(void)state;
	assert_non_null(r);
	assert_int_equal(rn_ring_init(r, sizeof(struct rn_record), 4), 0);
	for (unsigned i = 0; i < 37; i++) {
		struct rn_record in, *slot;

		fill_bytes(&in, sizeof(in), i);
		if (i == 0) {
			/* A realistic one as well as raw patterns. */
			memset(&in, 0, sizeof(in));
			in.seq = 1;
			in.ts_ns = 123456789012345ull;
			in.tid = 4242;
			in.tgid = 4240;
			in.kind = RN_REC_SYSCALL_EXIT;
			in.flags = RN_REC_HELD | RN_REC_ERROR;
			in.nr = 257;
			in.ntasks = 3;
			in.hold_id = 77;
			in.args[0] = (uint64_t)-100;
			in.args[1] = 0x7ffd12345678ull;
			in.ret = -2;
		}
		slot = rn_ring_reserve(r);
		assert_non_null(slot);
		memcpy(slot, &in, sizeof(in));
		rn_ring_commit(r);

		const struct rn_record *out = rn_ring_peek(r);
		assert_non_null(out);
		assert_memory_equal(out, &in, sizeof(in));
		if (i == 0) {
			assert_int_equal(out->tid, 4242);
			assert_int_equal(out->kind, RN_REC_SYSCALL_EXIT);
			assert_int_equal(out->ret, -2);
		}
		rn_ring_pop(r);
	}
	rn_ring_destroy(r);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_align),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_ring_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
