/*
 * test_prefetch.c - the tracer's copies (decode/prefetch.c) against the
 * decoders (decode/): for every syscall with a plan, the decoders must
 * find every byte they read in the copy, or the worker would show an
 * address where strace shows a value. Also the snapshot reads of mem.c.
 *
 * The "tracee" is this process: every pointer argument points into a
 * buffer of our own, filled with patterns that make decoders take
 * different paths (zeros: NULL pointers inside structs; 0x01 and 0xff:
 * wild pointers, huge counts), so a decoder that follows a pointer or
 * reads a counted array the plan does not know is caught as a miss.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "base/mem.h"
#include "syscalls/options.h"
#include "decode/prefetch.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"
#include "values_cmp.h"

#define AREA (64 * 1024)

struct run {
	const struct rn_options *opt;
	struct rn_prefetch *pf;
	uint8_t *copy;
	struct rn_values vs;
	unsigned planned[2]; /* phases checked */
};

/* The default options and their plans, for the tests that need no others. */
static struct {
	struct rn_options opt;
	struct rn_prefetch pf;
} dflt;

static int dflt_setup(void **state)
{
	(void)state;
	rn_options_init(&dflt.opt);
	return rn_prefetch_init(&dflt.pf, &dflt.opt);
}

static int dflt_teardown(void **state)
{
	(void)state;
	rn_prefetch_free(&dflt.pf);
	return 0;
}

/* Copy phase `exit` of sc as the tracer would, then decode it from the
 * copy; returns the misses. Without a plan, decodes live (the hold). */
static uint64_t phase(struct run *r, long nr, const struct rn_syscall *sc, struct rn_record *entry,
		      struct rn_record *exit, uint64_t saved[RN_DCTX_NSAVED], unsigned *next)
{
	int at_exit = exit != NULL;
	const struct rn_record *rec = at_exit ? exit : entry;
	const struct rn_prefetch_plan *plan = rn_prefetch_plan(r->pf, nr, at_exit);
	struct rn_mem_snap snap = { 0 };
	if (plan) {
		long n = rn_prefetch_read(r->pf, plan, getpid(), entry->args, at_exit, rec->ret,
					  (rec->flags & RN_REC_ERROR) != 0, r->copy, 1 << 20);
		assert_true(n >= 0);
		snap.data = r->copy;
		snap.len = (size_t)n;
		if (at_exit)
			exit->flags |= RN_REC_SNAPSHOT;
		else
			entry->flags |= RN_REC_SNAPSHOT;
		rn_mem_snap_use(&snap);
		r->planned[at_exit]++;
	}
	struct rn_dctx c = {
		.opt = r->opt, .sc = sc, .entry = entry, .exit = exit, .vs = &r->vs,
		.tid = getpid(), .saved = saved,
	};
	if (at_exit)
		rn_decode_exit(&c, *next);
	else
		*next = rn_decode_entry(&c);
	rn_mem_snap_use(NULL);
	rn_values_reset(&r->vs);
	if (snap.misses)
		print_error("%s %s: %llu reads outside the copy\n", sc->name, at_exit ? "exit" : "entry",
			    (unsigned long long)snap.misses);
	return snap.misses;
}

static uint64_t check_all(struct run *r, uint8_t *area, int fill, int scalars_small, int64_t ret,
			  int error)
{
	uint64_t misses = 0;
	memset(area, fill, AREA);
	area[AREA - 1] = 0;
	for (long nr = 0; nr < (long)rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get(nr);
		if (!sc)
			continue;
		struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = (int32_t)nr,
					   .tid = getpid(), .tgid = getpid() };
		for (unsigned i = 0; i < 6; i++)
			entry.args[i] = !scalars_small || (i < sc->nargs && rn_arg_is_address(sc->args[i].type))
						? (uint64_t)(uintptr_t)(area + 256)
						: 8;
		struct rn_record exit = entry;
		exit.kind = RN_REC_SYSCALL_EXIT;
		exit.ret = ret;
		exit.flags = error ? RN_REC_ERROR : 0;
		uint64_t saved[RN_DCTX_NSAVED] = { 0 };
		unsigned next = 0;
		misses += phase(r, nr, sc, &entry, NULL, saved, &next);
		misses += phase(r, nr, sc, &entry, &exit, saved, &next);
	}
	return misses;
}

static void test_plans_cover_decoders(void **state)
{
	(void)state;
	const struct rn_options *opt = &dflt.opt;
	struct rn_prefetch *pf = &dflt.pf;
	/* The area sits before an unmapped page: reads past it fail as they
	 * would in a tracee. */
	uint8_t *map = mmap(NULL, AREA + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			    0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(munmap(map + AREA, 4096), 0);
	struct run r = { .opt = opt, .pf = pf, .copy = malloc(1 << 20) };
	assert_non_null(r.copy);
	uint64_t misses = 0;
	const int fills[] = { 0x00, 0x01, 0xff, 'a' };
	for (unsigned f = 0; f < sizeof(fills) / sizeof(fills[0]); f++)
		for (int small = 0; small < 2; small++) {
			misses += check_all(&r, map, fills[f], small, 8, 0);
			misses += check_all(&r, map, fills[f], small, 0, 0);
			misses += check_all(&r, map, fills[f], small, -2, 1);
		}
	assert_int_equal(misses, 0);
	/* The plans matter: the calls of a build are among them. */
	const char *const copied[] = { "openat", "newfstatat", "read", "write", "access",
				       "readlink", "rt_sigaction", "fstat", "pread64",
				       "rt_sigprocmask", "prlimit64", "wait4", "uname", "statfs",
				       "execve" };
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		long nr = rn_syscall_by_name(copied[i]);
		const struct rn_syscall *sc = rn_syscall_get(nr);
		int needs_entry = sc->mem_entry, needs_exit = sc->mem_exit;
		if ((needs_entry && !rn_prefetch_plan(pf, nr, 0)) ||
		    (needs_exit && !rn_prefetch_plan(pf, nr, 1)))
			fail_msg("%s has no plan", copied[i]);
	}
	/* And calls the table cannot describe are held. */
	assert_null(rn_prefetch_plan(pf, rn_syscall_by_name("fcntl"), 1));
	assert_null(rn_prefetch_plan(pf, rn_syscall_by_name("sendmsg"), 0));
	assert_null(rn_prefetch_plan(pf, rn_syscall_by_name("ioctl"), 1));
	assert_true(r.planned[0] > 50 && r.planned[1] > 50);
	rn_values_free(&r.vs);
	free(r.copy);
	munmap(map, AREA);
}

/* execve's vectors: real strings, more than -s of them, 100 variables. */
static void test_execve_copy(void **state)
{
	(void)state;
	const struct rn_options *opt = &dflt.opt;
	struct rn_prefetch *pf = &dflt.pf;
	long nr = rn_syscall_by_name("execve");
	const struct rn_prefetch_plan *plan = rn_prefetch_plan(pf, nr, 0);
	assert_non_null(plan);
	static char words[40][48];
	static const char *argv[41], *envp[101];
	for (int i = 0; i < 40; i++) {
		/* word 3 is longer than -s: cut */
		snprintf(words[i], sizeof(words[i]), i == 3 ? "%040d" : "w%d", i);
		argv[i] = words[i];
	}
	for (int i = 0; i < 100; i++)
		envp[i] = "X=1";
	for (int n = 0; n <= 40; n += 40) {
		argv[n ? 40 : 2] = NULL;
		struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = (int32_t)nr,
					   .flags = RN_REC_SNAPSHOT };
		entry.args[0] = (uintptr_t) "/bin/true";
		entry.args[1] = (uintptr_t)argv;
		entry.args[2] = (uintptr_t)envp;
		static uint8_t copy[16384];
		long used = rn_prefetch_read(pf, plan, getpid(), entry.args, 0, 0, 0, copy,
					     sizeof(copy));
		assert_true(used > 0);
		struct rn_mem_snap snap = { .data = copy, .len = (size_t)used };
		struct rn_values vs = { 0 };
		uint64_t saved[RN_DCTX_NSAVED] = { 0 };
		struct rn_dctx c = { .opt = opt, .sc = rn_syscall_get(nr), .entry = &entry,
				     .vs = &vs, .tid = getpid(), .saved = saved };
		rn_mem_snap_use(&snap);
		rn_decode_entry(&c);
		rn_mem_snap_use(NULL);
		assert_int_equal(snap.misses, 0);
		/* path, array open, its strings, close, envp struct (3 nodes) */
		unsigned strings = 0, cut = 0, counted = 0;
		for (uint32_t i = 0; i < vs.n; i++) {
			if (vs.v[i].kind == RN_V_STR && vs.v[i].len > 0)
				strings++;
			if (vs.v[i].flags & RN_VF_TRUNCATED)
				cut++;
			if (vs.v[i].kind == RN_V_UINT && vs.v[i].u == 100)
				counted++;
		}
		assert_int_equal(strings, 1 + (n ? 32 : 2));
		assert_int_equal(cut, n ? 1 : 0);
		assert_int_equal(counted, 1);
		rn_values_free(&vs);
		argv[2] = words[2];
	}
}

/* Decode one call's entry and exit with or without copies; the values of
 * the exit phase (all of them when the entry defers to the exit). */
static void decode_call(const struct rn_options *opt, struct rn_prefetch *pf, long nr,
			struct rn_record *entry, struct rn_record *exit, int copies,
			struct rn_values *vs, uint64_t *misses)
{
	static uint8_t copy[2][16384];
	struct rn_mem_snap snap[2] = { { 0 }, { 0 } };
	struct rn_record *recs[2] = { entry, exit };
	uint64_t saved[RN_DCTX_NSAVED] = { 0 };
	unsigned next = 0;
	for (int at_exit = 0; at_exit < 2; at_exit++) {
		if (copies) {
			const struct rn_prefetch_plan *plan = rn_prefetch_plan(pf, nr, at_exit);
			assert_non_null(plan);
			long used = rn_prefetch_read(pf, plan, getpid(), entry->args, at_exit,
						     exit->ret, (exit->flags & RN_REC_ERROR) != 0,
						     copy[at_exit], sizeof(copy[at_exit]));
			assert_true(used >= 0);
			snap[at_exit].data = copy[at_exit];
			snap[at_exit].len = (size_t)used;
			recs[at_exit]->flags |= RN_REC_SNAPSHOT;
			rn_mem_snap_use(&snap[at_exit]);
		}
		struct rn_dctx c = { .opt = opt, .sc = rn_syscall_get(nr), .entry = entry,
				     .exit = at_exit ? exit : NULL, .vs = vs, .tid = getpid(),
				     .saved = saved };
		if (at_exit)
			rn_decode_exit(&c, next);
		else
			next = rn_decode_entry(&c);
		rn_mem_snap_use(NULL);
	}
	*misses = snap[0].misses + snap[1].misses;
}

/* Decode a call (args, returning ret) live and from the tracer's copies:
 * the same values, and no read outside the copies. The live values stay
 * in *live for the caller's own checks. */
static void copies_match_live(const struct rn_options *opt, struct rn_prefetch *pf, long nr,
			      const uint64_t args[6], int64_t ret, struct rn_values *live)
{
	struct rn_values copied = { 0 };
	uint64_t misses = 0;
	for (int copies = 0; copies < 2; copies++) {
		struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = (int32_t)nr };
		memcpy(entry.args, args, sizeof(entry.args));
		struct rn_record exit = entry;
		exit.kind = RN_REC_SYSCALL_EXIT;
		exit.ret = ret;
		decode_call(opt, pf, nr, &entry, &exit, copies, copies ? &copied : live, &misses);
	}
	assert_int_equal(misses, 0);
	assert_true(rn_test_values_same(live, &copied));
	rn_values_free(&copied);
}

/* clone3: the struct, its set_tid array and (CLONE_PIDFD) the pidfd the
 * kernel stored, decoded from the tracer's copies exactly as live. */
static void test_clone3_copy(void **state)
{
	(void)state;
	const struct rn_options *opt = &dflt.opt;
	struct rn_prefetch *pf = &dflt.pf;
	long nr = rn_syscall_by_name("clone3");
	static int32_t set_tid[3] = { 300, 301, 302 };
	static int32_t pidfd = 7;
	static uint64_t ca[11];
	memset(ca, 0, sizeof(ca));
	ca[1] = (uintptr_t)&pidfd;
	ca[4] = 17; /* SIGCHLD */
	ca[8] = (uintptr_t)set_tid;
	ca[9] = 3;
	for (int with_pidfd = 0; with_pidfd < 2; with_pidfd++) {
		ca[0] = (with_pidfd ? 0x1000 /* CLONE_PIDFD */ : 0) | 0x100 /* CLONE_VM */;
		const uint64_t args[6] = { (uintptr_t)ca, sizeof(ca) };
		struct rn_values live = { 0 };
		copies_match_live(opt, pf, nr, args, 1234, &live);
		assert_true(live.n > 10);
		unsigned seven = 0, tids = 0;
		for (uint32_t i = 0; i < live.n; i++) {
			seven += live.v[i].kind == RN_V_FD && live.v[i].i == 7; /* a descriptor */
			tids += live.v[i].u >= 300 && live.v[i].u <= 302;
		}
		assert_int_equal(seven, with_pidfd); /* pidfd=[7] */
		assert_int_equal(tids, 3);           /* set_tid=[300, 301, 302] */
		rn_values_free(&live);
	}
}

/* execve's words read together (copy_strs) give what the live reads give:
 * words of exactly -s bytes and of one more, and words that end at the
 * edge of readable memory, with and without their NUL, among others. */
static void test_execve_words_at_edges(void **state)
{
	(void)state;
	const struct rn_options *opt = &dflt.opt;
	struct rn_prefetch *pf = &dflt.pf;
	long nr = rn_syscall_by_name("execve");
	uint8_t *map = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			    0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(munmap(map + 4096, 4096), 0);
	char *edge_nul = (char *)map + 4096 - 6;  /* "abcde" and its NUL end the page */
	memcpy(edge_nul, "abcde", 6);
	char *edge_cut = (char *)map + 2048 - 4;  /* placed at the page end below */
	char *exact = (char *)map + 100, *longer = (char *)map + 200;
	memset(exact, 'x', 32);
	exact[32] = '\0';
	memset(longer, 'y', 33);
	longer[33] = '\0';
	for (int cut_at_end = 0; cut_at_end < 2; cut_at_end++) {
		if (cut_at_end) { /* "zzz" and no NUL before the unmapped page */
			edge_cut = (char *)map + 4096 - 3;
			memcpy(edge_cut, "zzz", 3);
		} else {
			memcpy(edge_cut, "ok", 3);
		}
		const char *argv[] = { "first", edge_nul, exact, edge_cut, longer, "last", NULL };
		const char *envp[] = { "A=1", NULL };
		const uint64_t args[6] = { (uintptr_t) "/bin/true", (uintptr_t)argv, (uintptr_t)envp };
		struct rn_values live = { 0 };
		copies_match_live(opt, pf, nr, args, 0, &live);
		unsigned cut = 0;
		for (uint32_t i = 0; i < live.n; i++)
			cut += (live.v[i].flags & RN_VF_TRUNCATED) != 0;
		/* "yyy..."... ("zzz" runs into the unmapped page: its address,
		 * live too) */
		assert_int_equal(cut, 1);
		rn_values_free(&live);
	}
	munmap(map, 4096);
}

/* Paths of 4093..4097 bytes that end at an unmapped page with no NUL: the
 * copy shows each as the live read does (as strace, which reads 4096
 * bytes: the address below 4096 bytes, 4095 and then "..." from there on),
 * the plan's length being the decoder's. */
static void test_paths_at_page_end(void **state)
{
	(void)state;
	const size_t page = 4096;
	uint8_t *map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			    0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(munmap(map + 2 * page, page), 0);
	long nr = rn_syscall_by_name("unlink"); /* pathname:path */
	for (size_t len = 4093; len <= 4097; len++) {
		char *path = (char *)map + 2 * page - len;
		memset(path, 'a', len);
		const uint64_t args[6] = { (uintptr_t)path };
		struct rn_values live = { 0 };
		copies_match_live(&dflt.opt, &dflt.pf, nr, args, 0, &live);
		assert_int_equal(live.n, 1);
		if (len < 4096) {
			assert_int_equal(live.v[0].kind, RN_V_PTR);
			assert_int_equal(live.v[0].u, (uintptr_t)path);
		} else {
			assert_int_equal(live.v[0].kind, RN_V_STR);
			assert_int_equal(live.v[0].len, 4095);
			assert_true(live.v[0].flags & RN_VF_TRUNCATED);
		}
		rn_values_free(&live);
	}
	munmap(map, 2 * page);
}

/* Live reads: a string of exactly max bytes is whole, one byte more is cut
 * (strace's -s: "hello" with -s 5, "hello!"... with -s 5). */
static void test_live_string_lengths(void **state)
{
	(void)state;
	static const char s[] = "hello";
	char out[16];
	uint64_t a = (uintptr_t)s;
	assert_int_equal(rn_mem_read_str(getpid(), a, out, 5), 5);
	assert_string_equal(out, "hello");
	assert_int_equal(rn_mem_read_str(getpid(), a, out, 4), 5);
	assert_string_equal(out, "hell");
	assert_int_equal(rn_mem_read_str(getpid(), a, out, 6), 5);
	/* and the tracer's copy of it says the same */
	struct rn_options opt;
	rn_options_init(&opt);
	opt.strsize = 5;
	struct rn_prefetch pf;
	assert_int_equal(rn_prefetch_init(&pf, &opt), 0);
	long nr = rn_syscall_by_name("mq_unlink"); /* u_name:str */
	const struct rn_prefetch_plan *plan = rn_prefetch_plan(&pf, nr, 0);
	assert_non_null(plan);
	uint64_t args[6] = { a };
	uint8_t copy[256];
	long used = rn_prefetch_read(&pf, plan, getpid(), args, 0, 0, 0, copy, sizeof(copy));
	assert_true(used > 0);
	struct rn_mem_snap snap = { .data = copy, .len = (size_t)used };
	rn_mem_snap_use(&snap);
	assert_int_equal(rn_mem_read_str(getpid(), a, out, 5), 5);
	assert_int_equal(rn_mem_read_str(getpid(), a, out, 4), 5);
	rn_mem_snap_use(NULL);
	assert_int_equal(snap.misses, 0);
	rn_prefetch_free(&pf);
}

/* -y: descriptor paths are read from /proc while held: no plan then. */
static void test_fd_paths_hold(void **state)
{
	(void)state;
	struct rn_options opt;
	rn_options_init(&opt);
	opt.decode_fds = 1;
	struct rn_prefetch pf;
	assert_int_equal(rn_prefetch_init(&pf, &opt), 0);
	assert_null(rn_prefetch_plan(&pf, rn_syscall_by_name("read"), 1));
	assert_null(rn_prefetch_plan(&pf, rn_syscall_by_name("openat"), 0));
	assert_non_null(rn_prefetch_plan(&pf, rn_syscall_by_name("access"), 0));
	rn_prefetch_free(&pf);
}

/* Snapshot reads give the live read's answer: whole, cut, unreadable. */
static void test_snapshot_reads(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t used = 0;
	const char s1[] = "hello";
	used = rn_mem_snap_add(buf, sizeof(buf), used, 0x1000, s1, sizeof(s1), 0);
	used = rn_mem_snap_add(buf, sizeof(buf), used, 0x2000, "abc", 3, RN_MEM_CUT);
	used = rn_mem_snap_add(buf, sizeof(buf), used, 0x3000, NULL, 0, RN_MEM_CUT);
	used = rn_mem_snap_add(buf, sizeof(buf), used, 0x4000, "0123456789", 10, 0);
	assert_true(used > 0);
	assert_int_equal(rn_mem_snap_add(buf, sizeof(buf), used, 0x5000, buf, 480, 0), 0);
	struct rn_mem_snap snap = { .data = buf, .len = used };
	rn_mem_snap_use(&snap);
	char out[64];
	assert_int_equal(rn_mem_read_str(1, 0x1000, out, 32), 5);
	assert_string_equal(out, "hello");
	assert_int_equal(rn_mem_read_str(1, 0x1002, out, 32), 3);
	assert_string_equal(out, "llo");
	assert_int_equal(rn_mem_read_str(1, 0x1000, out, 3), 4); /* max + 1: longer */
	assert_int_equal(rn_mem_read_str(1, 0x1000, out, 5), 5); /* exactly max: whole */
	assert_string_equal(out, "hello");
	assert_int_equal(rn_mem_read_str(1, 0x1000, out, 4), 5);
	/* cut before a NUL: not a string, unreadable (strace shows the address) */
	assert_int_equal(rn_mem_read_str(1, 0x2000, out, 32), -1);
	assert_int_equal(rn_mem_read_str(1, 0x2000, out, 3), -1); /* its max + 1st byte too */
	assert_int_equal(rn_mem_read_str(1, 0x2000, out, 2), 3);  /* readable longer than 2 */
	assert_int_equal(rn_mem_read_str(1, 0x3000, out, 32), -1);
	assert_int_equal(rn_mem_read(1, 0x4002, out, 8), 0);
	assert_memory_equal(out, "23456789", 8);
	assert_int_equal(rn_mem_read(1, 0x2001, out, 2), 0);
	assert_int_equal(rn_mem_read(1, 0x2001, out, 3), -1); /* past the cut */
	assert_int_equal(snap.misses, 0);
	assert_int_equal(rn_mem_read(1, 0x4002, out, 9), -1); /* past an uncut end */
	assert_int_equal(rn_mem_read(1, 0x9000, out, 1), -1);  /* unknown */
	assert_int_equal(rn_mem_read_str(1, 0x4000, out, 32), -1); /* no NUL, not cut: a miss */
	assert_int_equal(snap.misses, 3);
	rn_mem_snap_use(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_reads),
		cmocka_unit_test(test_fd_paths_hold),
		cmocka_unit_test(test_live_string_lengths),
		cmocka_unit_test(test_execve_copy),
		cmocka_unit_test(test_plans_cover_decoders),
		cmocka_unit_test(test_clone3_copy),
		cmocka_unit_test(test_execve_words_at_edges),
		cmocka_unit_test(test_paths_at_page_end),
	};
	return cmocka_run_group_tests(tests, dflt_setup, dflt_teardown);
}
