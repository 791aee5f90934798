/*
 * test_seccomp.c - the seccomp-bpf program (syscalls/seccomp_filter.c).
 *
 * Two checks. The program is evaluated for every syscall number with
 * rn_seccomp_eval and compared with rn_filter_traced, for the usual sets
 * and for adversarial ones (alternating bits: programs long enough to need
 * far jumps). Then the real kernel: a forked child installs the program
 * and issues harmless syscalls; with no tracer attached SECCOMP_RET_TRACE
 * fails a syscall with ENOSYS, which tells exactly which ones are traced.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "syscalls/filter.h"
#include "syscalls/seccomp_filter.h"
#include "syscalls/syscalls.h"

static char err[256];

static struct rn_filter parsed(const char *expr)
{
	struct rn_filter f;

	rn_filter_init(&f);
	if (expr != NULL && rn_filter_parse_e(&f, expr, err, sizeof(err)) != 0)
		fail_msg("-e '%s': %s", expr, err);
	assert_int_equal(rn_filter_finish(&f, err, sizeof(err)), 0);
	return f;
}

/* Program for f, checked against rn_filter_traced for every number that
 * matters; returns the length, *maxsteps the longest decision. */
static unsigned check_program(const struct rn_filter *f, unsigned *maxsteps)
{
	static const uint32_t far[] = { 0x40000000u, 0x40000000u | 39, 0x7fffffffu,
					0x80000000u, UINT32_MAX - 1, UINT32_MAX };
	struct sock_fprog p;
	unsigned most = 0;

	assert_int_equal(rn_seccomp_build(f, &p), 0);
	assert_true(p.len >= 5);
	assert_true(p.len <= BPF_MAXINSNS);

	/* Only the opcodes the kernel's seccomp action cache can emulate. */
	for (unsigned i = 0; i < p.len; i++) {
		uint16_t c = p.filter[i].code;
		if (c != (BPF_LD | BPF_W | BPF_ABS) && c != (BPF_JMP | BPF_JA) &&
		    c != (BPF_JMP | BPF_JEQ | BPF_K) && c != (BPF_JMP | BPF_JGE | BPF_K) &&
		    c != (BPF_RET | BPF_K))
			fail_msg("insn %u: opcode 0x%x", i, c);
	}

	for (uint32_t nr = 0; nr < RN_FILTER_NR_MAX + 64; nr++) {
		unsigned steps = 0;
		uint32_t want = rn_filter_traced(f, nr) ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW;
		uint32_t got = rn_seccomp_eval(&p, AUDIT_ARCH_X86_64, nr, &steps);

		if (got != want)
			fail_msg("nr %u: got 0x%x want 0x%x", nr, got, want);
		if (nr < rn_syscall_count && steps > most)
			most = steps;
	}
	for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++)
		assert_int_equal(rn_seccomp_eval(&p, AUDIT_ARCH_X86_64, far[i], NULL),
				 f->trace_unknown ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW);

	/* Another ABI is never traced, whatever the number. */
	for (uint32_t nr = 0; nr < 600; nr += 7) {
		unsigned steps = 0;

		assert_int_equal(rn_seccomp_eval(&p, AUDIT_ARCH_I386, nr, &steps),
				 SECCOMP_RET_ALLOW);
		assert_int_equal(steps, 3);
	}
	if (maxsteps != NULL)
		*maxsteps = most;
	unsigned len = p.len;
	rn_seccomp_free(&p);
	assert_null(p.filter);
	return len;
}

/* ---- the program, evaluated ------------------------------------------------------ */

static void test_typical_sets(void **state)
{
	/* The sizes are documented in syscalls/seccomp_filter.c: these bounds keep
	 * that comment honest. */
	static const struct {
		const char *expr;
		unsigned max_len, max_steps;
	} cases[] = {
		{ "trace=%process", 30, 10 },
		{ "trace=%file", 90, 12 },
		{ "trace=!getpid", 8, 6 },
		{ "trace=openat,close", 13, 7 },
		{ "trace=getpid", 11, 7 },
		{ "trace=none", 9, 6 },
		{ "trace=all", 7, 4 },
		{ "trace=%desc", 100, 12 },
		{ "trace=%network", 20, 8 },
		{ "trace=%memory", 40, 9 },
		{ "trace=%signal", 30, 9 },
		{ "trace=!%file", 90, 12 },
		{ "trace=%file,%desc,%network", 120, 12 },
		{ "trace=/^[a-m]", 170, 12 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rn_filter f = parsed(cases[i].expr);
		unsigned steps, len = check_program(&f, &steps);

		print_message("%-28s %4u insns, at most %2u executed\n", cases[i].expr, len,
			      steps);
		if (len > cases[i].max_len || steps > cases[i].max_steps)
			fail_msg("%s: %u insns / %u steps over %u / %u", cases[i].expr, len,
				 steps, cases[i].max_len, cases[i].max_steps);
	}
}

/* Sets built bit by bit, bypassing the parser: worst cases for the tree. */
static void test_adversarial_sets(void **state)
{
	struct rn_filter f;
	unsigned steps, len;

	(void)state;
	/* Every other number: ~450 boundaries, far jumps needed. */
	f = parsed(NULL);
	for (unsigned nr = 0; nr < rn_syscall_count; nr++)
		if (nr % 2)
			f.trace[nr / 64] &= ~(UINT64_C(1) << (nr % 64));
	len = check_program(&f, &steps);
	print_message("%-28s %4u insns, at most %2u executed\n", "every other number", len,
		      steps);
	assert_true(steps <= 14);

	/* The same, starting with an untraced 0. */
	f = parsed(NULL);
	for (unsigned nr = 0; nr < rn_syscall_count; nr++)
		if (nr % 2 == 0)
			f.trace[nr / 64] &= ~(UINT64_C(1) << (nr % 64));
	check_program(&f, NULL);

	/* Everything alternating, unknown numbers included, and
	 * trace_unknown off: the builder does not depend on the parser's
	 * invariants. */
	for (int phase = 0; phase < 2; phase++) {
		memset(&f, 0, sizeof(f));
		for (unsigned nr = 0; nr < RN_FILTER_NR_MAX; nr++)
			if ((nr + (unsigned)phase) % 2)
				f.trace[nr / 64] |= UINT64_C(1) << (nr % 64);
		f.trace_unknown = phase;
		len = check_program(&f, &steps);
		assert_true(len < BPF_MAXINSNS);
	}

	/* Pseudo-random sets of varying density. */
	srand(42);
	for (int round = 0; round < 200; round++) {
		int density = rand() % 100;

		memset(&f, 0, sizeof(f));
		for (unsigned nr = 0; nr < RN_FILTER_NR_MAX; nr++)
			if (rand() % 100 < density)
				f.trace[nr / 64] |= UINT64_C(1) << (nr % 64);
		f.trace_unknown = rand() % 2;
		check_program(&f, NULL);
	}

	/* Empty and full without unknowns. */
	memset(&f, 0, sizeof(f));
	check_program(&f, NULL);
	memset(f.trace, 0xff, sizeof(f.trace));
	check_program(&f, NULL);
}

static void test_eval_rejects_unknown_code(void **state)
{
	struct sock_filter bad[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16), /* args[0]: not emulated */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter falls_off[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	};
	struct sock_fprog p = { 2, bad };

	(void)state;
	assert_int_equal(rn_seccomp_eval(&p, AUDIT_ARCH_X86_64, 0, NULL), UINT32_MAX);
	p.len = 1;
	p.filter = falls_off;
	assert_int_equal(rn_seccomp_eval(&p, AUDIT_ARCH_X86_64, 0, NULL), UINT32_MAX);
}

/* ---- the program, in the kernel ------------------------------------------------------ */

/* Harmless syscalls the child issues, with the result seen. */
static const long probes[] = {
	SYS_getpid, SYS_getppid, SYS_getuid, SYS_getgid, SYS_geteuid, SYS_getegid,
	SYS_gettid, SYS_getpgrp, SYS_sched_yield, SYS_getcwd, SYS_clock_gettime,
	SYS_umask,
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

/* Shared with the child: it cannot write() or exit() when those are
 * traced (ENOSYS), so it reports here and the parent kills it. */
struct report {
	volatile int done;
	volatile int install_rc;
	volatile int nnp;
	volatile int enosys[NPROBES];
};

static long probe_call(long nr)
{
	char buf[256];
	struct timespec ts;

	switch (nr) {
	case SYS_getcwd:
		return syscall(nr, buf, sizeof(buf));
	case SYS_clock_gettime:
		return syscall(nr, CLOCK_MONOTONIC, &ts);
	case SYS_umask:
		return syscall(nr, 022);
	default:
		return syscall(nr);
	}
}

static bool have_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	return (d[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1;
}

static void drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	syscall(SYS_capset, &h, d);
}

/* Fork, install prog in the child (optionally without CAP_SYS_ADMIN), run
 * the probes, and return the report. */
static struct report run_child(const struct sock_fprog *prog, bool drop_admin)
{
	struct report *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct report out;
	pid_t pid;

	assert_true(r != MAP_FAILED);
	memset(r, 0, sizeof(*r));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (drop_admin)
			drop_cap_sys_admin();
		r->install_rc = rn_seccomp_install(prog);
		r->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
		for (size_t i = 0; i < NPROBES; i++) {
			errno = 0;
			long rc = probe_call(probes[i]);
			r->enosys[i] = rc == -1 && errno == ENOSYS;
		}
		__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
		for (;;)
			pause();  /* may fail with ENOSYS: spin until killed */
	}
	for (int i = 0; i < 5000 && !__atomic_load_n(&r->done, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_true(r->done);
	out = *r;
	munmap(r, sizeof(*r));
	return out;
}

static void test_kernel_agrees(void **state)
{
	static const char *const exprs[] = {
		"trace=getppid", "trace=!getppid", "trace=/^get", "trace=%creds",
		"trace=%file", "trace=%clock", "trace=%process", "trace=none",
		"trace=all", "trace=umask,sched_yield,gettid", "trace=!%creds",
	};

	(void)state;
	for (size_t e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		struct rn_filter f = parsed(exprs[e]);
		struct sock_fprog p;

		assert_int_equal(rn_seccomp_build(&f, &p), 0);
		struct report r = run_child(&p, false);
		rn_seccomp_free(&p);
		assert_int_equal(r.install_rc, 0);
		for (size_t i = 0; i < NPROBES; i++) {
			bool want = rn_filter_traced(&f, probes[i]);

			if (r.enosys[i] != want)
				fail_msg("%s: syscall %ld %s", exprs[e], probes[i],
					 want ? "not stopped" : "failed with ENOSYS");
		}
	}
}

/* A one-call set: without a tracer getppid fails with ENOSYS and its
 * neighbour getpid (one number below) runs, as does every other probe. */
static void test_kernel_getppid(void **state)
{
	struct rn_filter f = parsed("trace=getppid");
	struct sock_fprog p;

	(void)state;
	assert_int_equal(rn_seccomp_build(&f, &p), 0);
	struct report r = run_child(&p, false);
	rn_seccomp_free(&p);
	assert_int_equal(r.install_rc, 0);
	assert_true(r.enosys[1]);   /* getppid */
	assert_false(r.enosys[0]);  /* getpid */
	for (size_t i = 2; i < NPROBES; i++)
		assert_false(r.enosys[i]);
}

/* no_new_privs only when the filter cannot be installed without it. */
static void test_install_no_new_privs(void **state)
{
	struct rn_filter f = parsed("trace=getppid");
	struct sock_fprog p;

	(void)state;
	assert_int_equal(rn_seccomp_build(&f, &p), 0);
	struct report r = run_child(&p, false);
	assert_int_equal(r.install_rc, 0);
	assert_int_equal(r.nnp, have_cap_sys_admin() ? 0 : 1);
	assert_true(r.enosys[1]);

	/* Without CAP_SYS_ADMIN: the fallback sets no_new_privs. */
	r = run_child(&p, true);
	assert_int_equal(r.install_rc, 0);
	assert_int_equal(r.nnp, 1);
	assert_true(r.enosys[1]);
	assert_false(r.enosys[0]);
	rn_seccomp_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typical_sets),
		cmocka_unit_test(test_adversarial_sets),
		cmocka_unit_test(test_eval_rejects_unknown_code),
		cmocka_unit_test(test_kernel_agrees),
		cmocka_unit_test(test_kernel_getppid),
		cmocka_unit_test(test_install_no_new_privs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
