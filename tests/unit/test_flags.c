/*
 * test_flags.c - the flag and enum printer (rn_dec_flags with the tables
 * generated from the .def files of decode/flags) and some whole-call
 * decoders, checked on the final text (rn_text_values).
 *
 * Every expected string was printed by strace 6.1 on x86-64 for the same
 * value (system calls issued under a seccomp filter that fails them all,
 * so any value can be passed).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "syscalls/options.h"
#include "decode/record.h"
#include "sinks/render_text.h"
#include "base/sbuf.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

extern const struct rn_flag_table rn_flags_mmap_prot, rn_flags_mmap_flags, rn_flags_msync_flags,
	rn_flags_lseek_whence, rn_flags_open_flags, rn_flags_clone_flags, rn_flags_futex_op,
	rn_flags_socket_type, rn_flags_statx_flags, rn_flags_personality, rn_flags_access_mode,
	rn_flags_rusage_who, rn_flags_clockid, rn_flags_mknod_type, rn_flags_wait_options,
	rn_flags_memfd_flags, rn_flags_pipe_flags, rn_flags_ioctl_cmd;

static struct rn_options opt = { .strsize = 32 };

/* Text of all the values built in vs. */
static const char *text(struct rn_values *vs)
{
	static struct rn_sbuf b;
	rn_sbuf_reset(&b);
	rn_text_values(&b, &opt, vs->v, vs->bytes, 0, vs->n);
	return rn_sbuf_cstr(&b);
}

static void check(const struct rn_flag_table *t, uint64_t v, const char *want)
{
	struct rn_values vs = { 0 };
	rn_dec_flags(&vs, "x", t, v);
	const char *got = text(&vs);
	if (strcmp(got, want) != 0) {
		print_error("value %#llx\n  want %s\n  got  %s\n", (unsigned long long)v, want, got);
		rn_values_free(&vs);
		fail();
	}
	rn_values_free(&vs);
}

static void test_zero(void **state)
{
	(void)state;
	check(&rn_flags_mmap_prot, 0, "PROT_NONE");
	check(&rn_flags_msync_flags, 0, "0");
	check(&rn_flags_access_mode, 0, "F_OK");
	check(&rn_flags_wait_options, 0, "0");
}

static void test_single_multiple(void **state)
{
	(void)state;
	check(&rn_flags_mmap_prot, 1, "PROT_READ");
	check(&rn_flags_mmap_prot, 7, "PROT_READ|PROT_WRITE|PROT_EXEC");
	check(&rn_flags_access_mode, 7, "R_OK|W_OK|X_OK");
	/* strace's order, not the values' */
	check(&rn_flags_wait_options, 7, "WNOHANG|WEXITED|WSTOPPED");
	check(&rn_flags_msync_flags, 7, "MS_SYNC|MS_ASYNC|MS_INVALIDATE");
}

static void test_leftover(void **state)
{
	(void)state;
	check(&rn_flags_mmap_prot, 0xffffffff,
	      "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfcfffff0");
	check(&rn_flags_mmap_prot, 0x80, "0x80 /* PROT_??? */");
	check(&rn_flags_access_mode, 8, "0x8 /* ?_OK */");
	check(&rn_flags_msync_flags, 0x7777, "MS_SYNC|MS_ASYNC|MS_INVALIDATE|0x7770");
	/* the argument is an int: the upper half of the register is ignored */
	check(&rn_flags_msync_flags, 0x100000004ull, "MS_SYNC");
	check(&rn_flags_pipe_flags, 0x7777,
	      "O_CREAT|O_NOCTTY|O_TRUNC|O_APPEND|O_DSYNC|O_DIRECT|FASYNC|0x37");
}

static void test_enum(void **state)
{
	(void)state;
	check(&rn_flags_lseek_whence, 1, "SEEK_CUR");
	check(&rn_flags_lseek_whence, 0x7777, "0x7777 /* SEEK_??? */");
	/* enums are ints: sign-extended, as the generic walk passes them */
	check(&rn_flags_rusage_who, (uint64_t)(int64_t)-1, "RUSAGE_CHILDREN");
	check(&rn_flags_clockid, (uint64_t)(int64_t)(int32_t)0xffff8889u,
	      "0xffff8889 /* CLOCK_??? */");
	/* a table without strace's comment: the number */
	check(&rn_flags_mknod_type, 5, "5");
	check(&rn_flags_ioctl_cmd, 0x5402, "SNDCTL_TMR_START or TCSETS");
}

static void test_open_access_mode(void **state)
{
	(void)state;
	check(&rn_flags_open_flags, 0, "O_RDONLY");
	check(&rn_flags_open_flags, 02000000, "O_RDONLY|O_CLOEXEC");
	check(&rn_flags_open_flags, 01 | 0100 | 01000, "O_WRONLY|O_CREAT|O_TRUNC");
	check(&rn_flags_open_flags, 3, "O_ACCMODE");
	check(&rn_flags_open_flags, 0x80000000, "O_RDONLY|0x80000000");
	check(&rn_flags_open_flags, 04000 | 02000000 | 0200000,
	      "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY");
	check(&rn_flags_open_flags, 020200002, "O_RDWR|O_TMPFILE");
	check(&rn_flags_open_flags, 0xffffffff,
	      "O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|"
	      "O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c");
}

static void test_clone_exit_signal(void **state)
{
	(void)state;
	check(&rn_flags_clone_flags, 0x01200000 | 17,
	      "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	check(&rn_flags_clone_flags, 17, "SIGCHLD");
	check(&rn_flags_clone_flags, 0, "0");
	check(&rn_flags_clone_flags, 127, "127");
	check(&rn_flags_clone_flags, 0x100000000ull | 0x100 | 17,
	      "CLONE_VM|0x100000000|SIGCHLD");
	check(&rn_flags_clone_flags, 0x100000000ull, "0x100000000 /* CLONE_??? */");
	check(&rn_flags_clone_flags, 0xffffffffffffffffull,
	      "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE|CLONE_VFORK|"
	      "CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|"
	      "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|"
	      "CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|"
	      "CLONE_NEWNET|CLONE_IO|0xffffffff00400000|255");
}

static void test_futex_op(void **state)
{
	(void)state;
	check(&rn_flags_futex_op, 0x81, "FUTEX_WAKE_PRIVATE");
	check(&rn_flags_futex_op, 0x189, "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME");
	check(&rn_flags_futex_op, 0x100, "FUTEX_WAIT|FUTEX_CLOCK_REALTIME");
	/* FUTEX_CLOCK_REALTIME with a command that does not take it */
	check(&rn_flags_futex_op, 0x101, "0x101 /* FUTEX_??? */");
	check(&rn_flags_futex_op, 0x7f, "0x7f /* FUTEX_??? */");
}

static void test_fields(void **state)
{
	(void)state;
	/* mmap: the type first, the huge page size last */
	check(&rn_flags_mmap_flags, 0, "MAP_FILE");
	check(&rn_flags_mmap_flags, 0x22, "MAP_PRIVATE|MAP_ANONYMOUS");
	check(&rn_flags_mmap_flags, 0x3, "MAP_SHARED_VALIDATE");
	check(&rn_flags_mmap_flags, 0x4, "0x4 /* MAP_??? */");
	check(&rn_flags_mmap_flags, 0x2 | 0x40000 | (21u << 26),
	      "MAP_PRIVATE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT");
	check(&rn_flags_mmap_flags, 0x80000000, "MAP_FILE|32<<MAP_HUGE_SHIFT");
	check(&rn_flags_mmap_flags, 0xffffffff,
	      "0xf /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|"
	      "MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|"
	      "MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e00680|63<<MAP_HUGE_SHIFT");
	check(&rn_flags_memfd_flags, 0x7777, "MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB|0x7770");
	/* socket: an unknown type goes with the unnamed bits */
	check(&rn_flags_socket_type, 0, "0");
	check(&rn_flags_socket_type, 0x80000, "SOCK_CLOEXEC");
	check(&rn_flags_socket_type, 0x80101, "SOCK_STREAM|SOCK_CLOEXEC|0x100");
	check(&rn_flags_socket_type, 0x1f, "0x1f /* SOCK_??? */");
	/* statx: AT_STATX_SYNC_AS_STAT is 0 */
	check(&rn_flags_statx_flags, 0, "AT_STATX_SYNC_AS_STAT");
	check(&rn_flags_statx_flags, 0x1000, "AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH");
	check(&rn_flags_statx_flags, 0x1, "AT_STATX_SYNC_AS_STAT|0x1");
	/* personality: an unknown PER_* apart, with its comment */
	check(&rn_flags_personality, 0, "PER_LINUX");
	check(&rn_flags_personality, 0x0040008, "PER_LINUX32|ADDR_NO_RANDOMIZE");
	check(&rn_flags_personality, 0x7777, "0x77 /* PER_??? */|0x7700");
}

/* ---- whole-call decoders, on this process's own memory ------------------ */

static const char *call(long nr, const uint64_t args[6], int64_t ret, int is_error)
{
	static struct rn_values vs;
	struct rn_record entry = { 0 }, exit_ = { 0 };
	struct rn_dctx c = { .opt = &opt, .sc = rn_syscall_get(nr), .entry = &entry,
			     .vs = &vs, .tid = getpid() };
	rn_values_reset(&vs);
	entry.nr = (int32_t)nr;
	memcpy(entry.args, args, sizeof(entry.args));
	unsigned next = rn_decode_entry(&c);
	exit_.ret = ret;
	exit_.flags = is_error ? RN_REC_ERROR : 0;
	c.exit = &exit_;
	rn_decode_exit(&c, next);
	return text(&vs);
}

#define CALL(want, nr, ret, err, ...)                                              \
	do {                                                                       \
		const uint64_t a_[6] = { __VA_ARGS__ };                            \
		const char *got_ = call(nr, a_, ret, err);                         \
		if (strcmp(got_, want) != 0) {                                     \
			print_error("want %s\n  got  %s\n", want, got_);            \
			fail();                                                    \
		}                                                                  \
	} while (0)

static void test_calls(void **state)
{
	(void)state;
	static const char path[] = "/etc/passwd";
	uint64_t p = (uint64_t)(uintptr_t)path;
	uint64_t set = 1u << 16; /* SIGCHLD */
	uint64_t s = (uint64_t)(uintptr_t)&set;
	int tid = 42;
	uint64_t t = (uint64_t)(uintptr_t)&tid;

	CALL("AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC", SYS_openat, 3, 0,
	     (uint64_t)-100, p, 02000000, 0644);
	CALL("AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC, 0644", SYS_openat, 3, 0,
	     (uint64_t)-100, p, 01101, 0644);
	CALL("child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
	     "child_tidptr=0x7f00",
	     SYS_clone, 100, 0, 0x01200011, 0, 0, 0x7f00, 0);
	/* parent_tid: the new tid the kernel stored there, the return value */
	CALL("child_stack=0x1000, flags=CLONE_PARENT_SETTID, parent_tid=[42]", SYS_clone, 42, 0,
	     0x00100000, 0x1000, t, 0, 0);
	CALL("NULL, FUTEX_WAKE_PRIVATE, 2147483647", SYS_futex, 0, 0, 0, 0x81, 2147483647, 0, 0,
	     0);
	CALL("NULL, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, "
	     "FUTEX_BITSET_MATCH_ANY",
	     SYS_futex, 0, 0, 0, 0x189, 0, 0, 0, 0xffffffff);
	CALL("SIG_BLOCK, [CHLD], NULL, 8", SYS_rt_sigprocmask, 0, 0, 0, s, 0, 8);
	set = ~3ull;
	CALL("SIG_SETMASK, ~[HUP INT], NULL, 8", SYS_rt_sigprocmask, 0, 0, 2, s, 0, 8);
	CALL("0, _IOC(_IOC_READ, 0x78, 0x33, 0x4), 0x10", SYS_ioctl, -25, 1, 0,
	     0x80047833, 0x10);
	CALL("3, F_SETFD, FD_CLOEXEC", SYS_fcntl, 0, 0, 3, 2, 1);
	CALL("AT_FDCWD, \"/etc/passwd\", S_IFCHR|0644, makedev(0x1, 0x3)", SYS_mknodat, -1, 1,
	     (uint64_t)-100, p, 0020644, 0x103);
	CALL("AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP", SYS_socket, 3, 0, 2, 0x80001, 6);
	CALL("AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)", SYS_socket, 3, 0, 17, 3, 0x300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_single_multiple),
		cmocka_unit_test(test_leftover),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_open_access_mode),
		cmocka_unit_test(test_clone_exit_signal),
		cmocka_unit_test(test_futex_op),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
