/*
 * test_rehearse.c - the tracer's rehearsals (decode/rehearse.c, mem.c's
 * recording): decoding a call from the recording of its rehearsal must
 * give exactly the values of decoding it live, with no read outside the
 * recording, for every syscall the tracer may rehearse.
 *
 * The "tracee" is this process: pointer arguments point into an area of
 * our own that ends at an unmapped page, filled with patterns that drive
 * the decoders down different paths (zeros: NULL pointers in structs;
 * 0x01, 0xff: wild pointers and huge counts; 'a': long strings).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "base/mem.h"
#include "syscalls/options.h"
#include "decode/rehearse.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"
#include "values_cmp.h"

#define AREA (64 * 1024)

/* Both decodings of one call: entry then exit, into vs. */
static void decode_live(const struct rn_options *opt, const struct rn_record *entry,
			const struct rn_record *exit, struct rn_values *vs)
{
	/* as a worker decodes a held stop: live, while the tracee waits */
	struct rn_record in = *entry, out = *exit;
	in.flags |= RN_REC_HELD;
	out.flags |= RN_REC_HELD;
	uint64_t saved[RN_DCTX_NSAVED] = { 0 };
	struct rn_dctx c = { .opt = opt, .sc = rn_syscall_get(entry->nr), .entry = &in,
			     .vs = vs, .tid = getpid(), .saved = saved };
	unsigned from = rn_decode_entry(&c);
	c.exit = &out;
	rn_decode_exit(&c, from);
}

/* Rehearse both phases, then decode each from its recording, as the
 * tracer and then a worker do. Returns the reads the recordings missed. */
static uint64_t decode_rehearsed(const struct rn_options *opt, const struct rn_record *entry,
				 const struct rn_record *exit, struct rn_values *vs)
{
	static uint8_t buf[2][1 << 20];
	struct rn_values scratch = { 0 };
	struct rn_rehearsal st;
	long n0 = rn_rehearse(opt, getpid(), entry, NULL, &st, &scratch, buf[0], sizeof(buf[0]));
	long n1 = rn_rehearse(opt, getpid(), entry, exit, &st, &scratch, buf[1], sizeof(buf[1]));
	rn_values_free(&scratch);
	if (n0 < 0 || n1 < 0)
		fail_msg("%s: recording over 1 MiB", rn_syscall_get(entry->nr)->name);
	struct rn_record in = *entry, out = *exit;
	in.flags |= RN_REC_SNAPSHOT;
	out.flags |= RN_REC_SNAPSHOT;
	struct rn_mem_snap snap[2] = { { .data = buf[0], .len = (size_t)n0 },
				       { .data = buf[1], .len = (size_t)n1 } };
	uint64_t saved[RN_DCTX_NSAVED] = { 0 };
	struct rn_dctx c = { .opt = opt, .sc = rn_syscall_get(entry->nr), .entry = &in,
			     .vs = vs, .tid = getpid(), .saved = saved };
	rn_mem_snap_use(&snap[0]);
	unsigned from = rn_decode_entry(&c);
	rn_mem_snap_use(&snap[1]);
	c.exit = &out;
	rn_decode_exit(&c, from);
	rn_mem_snap_use(NULL);
	return snap[0].misses + snap[1].misses;
}

/* 0 when the two decodings are the same, else a message was printed. */
static int same_values(const char *what, const struct rn_values *a, const struct rn_values *b)
{
	if (rn_test_values_same(a, b))
		return 0;
	print_error("%s: decoded from the rehearsal unlike live (%u values, %u live)\n", what, b->n,
		    a->n);
	return 1;
}

static unsigned check_call(const struct rn_options *opt, const struct rn_record *entry,
			   const struct rn_record *exit, const char *what)
{
	struct rn_values live = { 0 }, replay = { 0 };
	decode_live(opt, entry, exit, &live);
	uint64_t misses = decode_rehearsed(opt, entry, exit, &replay);
	unsigned bad = same_values(what, &live, &replay) || misses;
	if (misses)
		print_error("%s: %llu reads outside the recording\n", what,
			    (unsigned long long)misses);
	rn_values_free(&live);
	rn_values_free(&replay);
	return bad;
}

static void test_every_call_as_live(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	uint8_t *area = mmap(NULL, AREA + 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(area != MAP_FAILED);
	assert_int_equal(munmap(area + AREA, 4096), 0);
	const int fills[] = { 0x00, 0x01, 0xff, 'a' };
	const struct { int64_t ret; int error; } outcomes[] = { { 8, 0 }, { 0, 0 }, { 1, 0 },
								  { -2, 1 } };
	unsigned bad = 0, checked = 0;
	for (unsigned f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
		memset(area, fills[f], AREA);
		area[AREA - 1] = 0;
		for (int small = 0; small < 2; small++)
			for (unsigned o = 0; o < sizeof(outcomes) / sizeof(outcomes[0]); o++)
				for (long nr = 0; nr < (long)rn_syscall_count; nr++) {
					const struct rn_syscall *sc = rn_syscall_get(nr);
					if (!sc || !rn_rehearsable(nr, &opt))
						continue;
					struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY,
								   .nr = (int32_t)nr };
					for (unsigned i = 0; i < 6; i++)
						entry.args[i] = small && i < sc->nargs &&
									!rn_arg_is_address(sc->args[i].type)
								? 8 : (uint64_t)(uintptr_t)(area + 256);
					struct rn_record exit = entry;
					exit.kind = RN_REC_SYSCALL_EXIT;
					exit.ret = outcomes[o].ret;
					exit.flags = outcomes[o].error ? RN_REC_ERROR : 0;
					char what[96];
					snprintf(what, sizeof(what), "%s (fill 0x%02x, %s, ret %lld)",
						 sc->name, fills[f], small ? "small scalars" : "pointers",
						 (long long)exit.ret);
					bad += check_call(&opt, &entry, &exit, what);
					checked++;
				}
	}
	assert_true(checked > 300 * 4 * 2 * 4);
	assert_int_equal(bad, 0);
	munmap(area, AREA);
}

/* Calls the tracer rehearses in a build, with real arguments. */
static void test_real_calls(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	static uint8_t out[256];
	static uint64_t fds[2] = { 0x28, 0 }; /* fds 3 and 5 */
	static struct { int64_t s, ns; } ts = { 1, 500 };
	static struct { uint64_t mask, size; } sigmask = { 0, 8 };
	static uint64_t fs;
	static struct { int16_t type, whence; int64_t start, len; int32_t pid; } lk = { 1, 0, 0, 10, 0 };
	struct {
		const char *name;
		uint64_t args[6];
		int64_t ret;
	} calls[] = {
		{ "ioctl", { 1, 0x5401 /* TCGETS */, (uintptr_t)out }, 0 },
		{ "ioctl", { 1, 0x5413 /* TIOCGWINSZ */, (uintptr_t)out }, 0 },
		{ "ioctl", { 3, 0x541B /* FIONREAD */, (uintptr_t)out }, 0 },
		{ "fcntl", { 3, 5 /* F_GETLK */, (uintptr_t)&lk }, 0 },
		{ "fcntl", { 3, 6 /* F_SETLK */, (uintptr_t)&lk }, 0 },
		{ "fcntl", { 3, 2 /* F_SETFD */, 1 }, 0 },
		{ "pselect6", { 6, (uintptr_t)&fds[0], 0, 0, (uintptr_t)&ts, (uintptr_t)&sigmask }, 1 },
		{ "arch_prctl", { 0x1003 /* ARCH_GET_FS */, (uintptr_t)&fs }, 0 },
		{ "futex", { (uintptr_t)out, 0 /* FUTEX_WAIT */, 1, (uintptr_t)&ts }, 0 },
		{ "clone", { 0x1200011, 0, (uintptr_t)out, (uintptr_t)out + 8, 0 }, 1234 },
	};
	unsigned bad = 0;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long nr = rn_syscall_by_name(calls[i].name);
		assert_true(nr >= 0 && rn_rehearsable(nr, &opt));
		struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = (int32_t)nr };
		memcpy(entry.args, calls[i].args, sizeof(entry.args));
		struct rn_record exit = entry;
		exit.kind = RN_REC_SYSCALL_EXIT;
		exit.ret = calls[i].ret;
		bad += check_call(&opt, &entry, &exit, calls[i].name);
	}
	assert_int_equal(bad, 0);
	/* What is never rehearsed: rt_sigreturn reads /proc/TID/syscall. */
	assert_false(rn_rehearsable(SYS_rt_sigreturn, &opt));
}

/* A recording that does not fit says so (the tracer then holds). */
static void test_too_big(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	static char path[4000];
	memset(path, 'p', sizeof(path) - 1);
	struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY,
				   .nr = (int32_t)rn_syscall_by_name("openat") };
	entry.args[0] = (uint64_t)-100;
	entry.args[1] = (uintptr_t)path;
	struct rn_values scratch = { 0 };
	struct rn_rehearsal st;
	uint8_t small[64], big[8192];
	assert_int_equal(rn_rehearse(&opt, getpid(), &entry, NULL, &st, &scratch, small,
				     sizeof(small)), -1);
	long n = rn_rehearse(&opt, getpid(), &entry, NULL, &st, &scratch, big, sizeof(big));
	assert_true(n > (long)sizeof(path));
	assert_int_equal(scratch.n, 0); /* thrown away */
	rn_values_free(&scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_call_as_live),
		cmocka_unit_test(test_real_calls),
		cmocka_unit_test(test_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
