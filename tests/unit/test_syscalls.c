/*
 * test_syscalls.c - the generated x86-64 syscall table (syscalls/syscalls_x86_64.tbl
 * through syscalls/gen_syscalls.py) against syscalls/syscalls.h.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <asm/unistd.h>
#include <cmocka.h>

#include "syscalls/syscalls.h"

static const struct rn_syscall *get_ok(long nr, const char *name)
{
	const struct rn_syscall *sc = rn_syscall_get(nr);

	assert_non_null(sc);
	assert_string_equal(sc->name, name);
	return sc;
}

static void check_arg(const struct rn_syscall *sc, int i, const char *name,
		      int type, const char *sub)
{
	assert_true(i < sc->nargs);
	assert_string_equal(sc->args[i].name, name);
	assert_int_equal(sc->args[i].type, type);
	if (sub == NULL)
		assert_null(sc->args[i].sub);
	else
		assert_string_equal(sc->args[i].sub, sub);
	if (type != RN_T_IBUF)
		assert_int_equal(sc->args[i].len_arg, -1);
}

static void test_count(void **state)
{
	(void)state;
	/* Highest number in this machine's asm/unistd_64.h, plus one. */
	assert_int_equal(rn_syscall_count, 451);
	assert_int_equal(rn_syscall_count, __NR_set_mempolicy_home_node + 1);
}

static void test_holes_and_range(void **state)
{
	unsigned n = 0;

	(void)state;
	assert_null(rn_syscall_get(-1));
	assert_null(rn_syscall_get(LONG_MIN));
	assert_null(rn_syscall_get((long)rn_syscall_count));
	assert_null(rn_syscall_get(LONG_MAX));
	for (long nr = 335; nr <= 423; nr++)
		assert_null(rn_syscall_get(nr));
	for (long nr = 0; nr < (long)rn_syscall_count; nr++)
		if (rn_syscall_get(nr) != NULL)
			n++;
	assert_int_equal(n, 362);
	assert_non_null(rn_syscall_get(334));
	assert_non_null(rn_syscall_get(424));
}

static void test_header_numbers(void **state)
{
	(void)state;
	get_ok(__NR_read, "read");
	get_ok(__NR_execve, "execve");
	get_ok(__NR_newfstatat, "newfstatat");
	get_ok(__NR_rseq, "rseq");
	get_ok(__NR_pidfd_send_signal, "pidfd_send_signal");
	get_ok(__NR_io_uring_setup, "io_uring_setup");
	get_ok(__NR_landlock_create_ruleset, "landlock_create_ruleset");
	get_ok(__NR_process_mrelease, "process_mrelease");
	get_ok(__NR_futex_waitv, "futex_waitv");
	get_ok(__NR__sysctl, "_sysctl");
}

static void test_read_write_close(void **state)
{
	const struct rn_syscall *sc;

	(void)state;
	sc = get_ok(0, "read");
	assert_int_equal(sc->nargs, 3);
	assert_int_equal(sc->ret_type, RN_T_LONG);
	assert_int_equal(sc->classes, RN_C_DESC);
	check_arg(sc, 0, "fd", RN_T_FD, NULL);
	check_arg(sc, 1, "buf", RN_T_OBUF, NULL);
	check_arg(sc, 2, "count", RN_T_ULONG, NULL);
	assert_int_equal(sc->mem_entry, 0);
	assert_int_equal(sc->mem_exit, 1);

	sc = get_ok(1, "write");
	assert_int_equal(sc->nargs, 3);
	assert_int_equal(sc->classes, RN_C_DESC);
	check_arg(sc, 0, "fd", RN_T_FD, NULL);
	check_arg(sc, 1, "buf", RN_T_IBUF, NULL);
	assert_int_equal(sc->args[1].len_arg, 2);
	check_arg(sc, 2, "count", RN_T_ULONG, NULL);
	assert_int_equal(sc->mem_entry, 1);
	assert_int_equal(sc->mem_exit, 0);

	sc = get_ok(3, "close");
	assert_int_equal(sc->nargs, 1);
	assert_int_equal(sc->ret_type, RN_T_INT);
	check_arg(sc, 0, "fd", RN_T_FD, NULL);
	assert_int_equal(sc->mem_entry, 0);
	assert_int_equal(sc->mem_exit, 0);

	sc = get_ok(17, "pread64");
	assert_int_equal(sc->nargs, 4);
	assert_int_equal(sc->mem_exit, 1);
	sc = get_ok(20, "writev");
	check_arg(sc, 1, "vec", RN_T_STRUCT_IN, "iovec");
	assert_int_equal(sc->mem_entry, 1);
	assert_int_equal(sc->mem_exit, 0);
	/* struct_io: shown after a failure too (the vectors, without data) */
	sc = get_ok(19, "readv");
	check_arg(sc, 1, "vec", RN_T_STRUCT_IO, "iovec");
	assert_int_equal(sc->mem_exit, 1);
}

static void test_process(void **state)
{
	const struct rn_syscall *sc;

	(void)state;
	sc = get_ok(59, "execve");
	assert_int_equal(sc->classes, RN_C_FILE | RN_C_PROCESS);
	assert_int_equal(sc->nargs, 3);
	check_arg(sc, 0, "filename", RN_T_PATH, NULL);
	check_arg(sc, 1, "argv", RN_T_ARGV, NULL);
	check_arg(sc, 2, "envp", RN_T_ENVP, NULL);
	assert_int_equal(sc->mem_entry, 1);
	assert_int_equal(sc->mem_exit, 0);

	sc = get_ok(322, "execveat");
	assert_int_equal(sc->classes, RN_C_DESC | RN_C_FILE | RN_C_PROCESS);
	check_arg(sc, 0, "fd", RN_T_DIRFD, NULL);

	sc = get_ok(231, "exit_group");
	assert_int_equal(sc->ret_type, RN_T_NONE);
	assert_int_equal(sc->classes, RN_C_PROCESS);
	assert_int_equal(sc->nargs, 1);
	check_arg(sc, 0, "error_code", RN_T_INT, NULL);
	sc = get_ok(60, "exit");
	assert_int_equal(sc->ret_type, RN_T_NONE);

	sc = get_ok(435, "clone3");
	assert_int_equal(sc->classes, RN_C_PROCESS);
	assert_int_equal(sc->ret_type, RN_T_PID);
	assert_int_equal(sc->nargs, 2);
	/* struct_io: what the kernel wrote back is shown at exit, {...} => {pidfd=[3]} */
	check_arg(sc, 0, "uargs", RN_T_STRUCT_IO, "clone_args");
	check_arg(sc, 1, "size", RN_T_ULONG, NULL);
	assert_int_equal(sc->mem_entry, 1);
	assert_int_equal(sc->mem_exit, 1);

	sc = get_ok(56, "clone");
	assert_int_equal(sc->nargs, 5);
	check_arg(sc, 0, "clone_flags", RN_T_FLAGS, "clone_flags");

	sc = get_ok(62, "kill");
	assert_int_equal(sc->classes, RN_C_PROCESS | RN_C_SIGNAL);
	check_arg(sc, 1, "sig", RN_T_SIGNAL, NULL);

	/* one argument, the signal frame, so that the tracee is held at the
	 * entry while its mask is read ({mask=[...]}) */
	sc = get_ok(15, "rt_sigreturn");
	assert_int_equal(sc->nargs, 1);
	check_arg(sc, 0, "frame", RN_T_STRUCT_IN, "rt_sigframe");
	assert_int_equal(sc->mem_entry, 1);
	assert_int_equal(sc->classes, RN_C_SIGNAL);
}

static void test_files(void **state)
{
	const struct rn_syscall *sc;

	(void)state;
	sc = get_ok(437, "openat2");
	assert_int_equal(sc->classes, RN_C_DESC | RN_C_FILE);
	assert_int_equal(sc->ret_type, RN_T_FD);
	assert_int_equal(sc->nargs, 4);
	check_arg(sc, 0, "dfd", RN_T_DIRFD, NULL);
	check_arg(sc, 1, "filename", RN_T_PATH, NULL);
	check_arg(sc, 2, "how", RN_T_STRUCT_IN, "open_how");
	check_arg(sc, 3, "usize", RN_T_ULONG, NULL);

	sc = get_ok(257, "openat");
	check_arg(sc, 2, "flags", RN_T_FLAGS, "open_flags");
	check_arg(sc, 3, "mode", RN_T_OCTAL, NULL);

	sc = get_ok(4, "stat");
	assert_int_equal(sc->classes, RN_C_FILE | RN_C_STAT | RN_C_STAT_LIKE);
	check_arg(sc, 1, "statbuf", RN_T_STRUCT_OUT, "stat");
	assert_int_equal(sc->mem_entry, 1);
	assert_int_equal(sc->mem_exit, 1);
	sc = get_ok(6, "lstat");
	assert_int_equal(sc->classes, RN_C_FILE | RN_C_LSTAT | RN_C_STAT_LIKE);
	sc = get_ok(5, "fstat");
	assert_int_equal(sc->classes, RN_C_DESC | RN_C_FSTAT | RN_C_STAT_LIKE);
	sc = get_ok(262, "newfstatat");
	assert_int_equal(sc->classes, RN_C_DESC | RN_C_FILE | RN_C_FSTAT |
					      RN_C_STAT_LIKE);
	sc = get_ok(332, "statx");
	assert_int_equal(sc->classes, RN_C_DESC | RN_C_FILE | RN_C_FSTAT |
					      RN_C_STAT_LIKE);
	sc = get_ok(137, "statfs");
	assert_int_equal(sc->classes,
			 RN_C_FILE | RN_C_STATFS | RN_C_STATFS_LIKE);
	sc = get_ok(138, "fstatfs");
	assert_int_equal(sc->classes,
			 RN_C_DESC | RN_C_FSTATFS | RN_C_STATFS_LIKE);
	sc = get_ok(136, "ustat");
	assert_int_equal(sc->classes, RN_C_STATFS_LIKE);

	sc = get_ok(79, "getcwd");
	assert_int_equal(sc->classes, RN_C_FILE);
}

static void test_other_classes(void **state)
{
	(void)state;
	assert_int_equal(get_ok(39, "getpid")->classes, RN_C_PURE);
	assert_int_equal(get_ok(39, "getpid")->nargs, 0);
	assert_int_equal(get_ok(102, "getuid")->classes,
			 RN_C_CREDS | RN_C_PURE);
	assert_int_equal(get_ok(186, "gettid")->classes, RN_C_PURE);
	assert_int_equal(get_ok(41, "socket")->classes, RN_C_NETWORK);
	assert_int_equal(get_ok(40, "sendfile")->classes,
			 RN_C_DESC | RN_C_NETWORK);
	assert_int_equal(get_ok(9, "mmap")->classes, RN_C_DESC | RN_C_MEMORY);
	assert_int_equal(get_ok(9, "mmap")->nargs, 6);
	assert_int_equal(get_ok(30, "shmat")->classes, RN_C_IPC | RN_C_MEMORY);
	assert_int_equal(get_ok(228, "clock_gettime")->classes, RN_C_CLOCK);
	assert_int_equal(get_ok(157, "prctl")->classes, RN_C_CREDS);
	assert_int_equal(get_ok(426, "io_uring_enter")->classes,
			 RN_C_DESC | RN_C_SIGNAL);
	assert_int_equal(get_ok(424, "pidfd_send_signal")->classes,
			 RN_C_DESC | RN_C_PROCESS | RN_C_SIGNAL);
	assert_int_equal(get_ok(24, "sched_yield")->classes, 0);
	assert_int_equal(get_ok(436, "close_range")->classes, 0);
	assert_int_equal(get_ok(95, "umask")->ret_type, RN_T_OCTAL);
	assert_int_equal(get_ok(12, "brk")->ret_type, RN_T_PTR);
}

static void test_by_name(void **state)
{
	(void)state;
	for (long nr = 0; nr < (long)rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get(nr);

		if (sc == NULL)
			continue;
		assert_int_equal(rn_syscall_by_name(sc->name), nr);
	}
	assert_int_equal(rn_syscall_by_name("read"), 0);
	assert_int_equal(rn_syscall_by_name("_sysctl"), 156);
	assert_int_equal(rn_syscall_by_name("set_mempolicy_home_node"), 450);
	assert_int_equal(rn_syscall_by_name("nosuchcall"), -1);
	assert_int_equal(rn_syscall_by_name("rea"), -1);
	assert_int_equal(rn_syscall_by_name("readx"), -1);
	assert_int_equal(rn_syscall_by_name("READ"), -1);
	assert_int_equal(rn_syscall_by_name(""), -1);
	assert_int_equal(rn_syscall_by_name(NULL), -1);
	assert_int_equal(rn_syscall_by_name("stat64"), -1);
}

/* Invariants the generator promises for every entry. */
static void test_invariants(void **state)
{
	(void)state;
	for (long nr = 0; nr < (long)rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get(nr);
		int entry = 0, exit_ = 0;

		if (sc == NULL)
			continue;
		assert_true(sc->nargs <= 6);
		assert_true(sc->ret_type < RN_T__COUNT);
		assert_true(sc->ret_type != RN_T_PATH &&
			    sc->ret_type != RN_T_IBUF &&
			    sc->ret_type != RN_T_OBUF);
		assert_int_equal(sc->classes & ~((RN_C_PURE << 1) - 1), 0);
		for (int i = 0; i < 6; i++) {
			const struct rn_arg_desc *a = &sc->args[i];

			if (i >= sc->nargs) {
				assert_null(a->name);
				continue;
			}
			assert_non_null(a->name);
			assert_true(a->type < RN_T__COUNT);
			assert_true(a->type != RN_T_NONE);
			if (a->type == RN_T_IBUF) {
				assert_true(a->len_arg >= 0);
				assert_true(a->len_arg < sc->nargs);
				assert_true(a->len_arg != i);
			} else {
				assert_int_equal(a->len_arg, -1);
			}
			if (a->type == RN_T_FLAGS || a->type == RN_T_ENUM ||
			    a->type == RN_T_STRUCT_IN ||
			    a->type == RN_T_STRUCT_OUT || a->type == RN_T_STRUCT_IO ||
			    a->type == RN_T_STRUCT_INRET)
				assert_non_null(a->sub);
			else
				assert_null(a->sub);
			switch (a->type) {
			case RN_T_PATH: case RN_T_STR: case RN_T_IBUF:
			case RN_T_ARGV: case RN_T_ENVP: case RN_T_STRUCT_IN:
				entry = 1;
				break;
			case RN_T_OBUF: case RN_T_STRUCT_OUT:
				exit_ = 1;
				break;
			case RN_T_STRUCT_IO: /* read at entry and at exit */
			case RN_T_STRUCT_INRET:
				entry = 1;
				exit_ = 1;
				break;
			default:
				break;
			}
		}
		assert_int_equal(sc->mem_entry, entry);
		/* struct_io arguments set both. */
		if (exit_)
			assert_int_equal(sc->mem_exit, 1);
	}
	/* A value-result struct: read at entry and exit. */
	assert_int_equal(get_ok(7, "poll")->mem_entry, 1);
	assert_int_equal(get_ok(7, "poll")->mem_exit, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_holes_and_range),
		cmocka_unit_test(test_header_numbers),
		cmocka_unit_test(test_read_write_close),
		cmocka_unit_test(test_process),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_other_classes),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
