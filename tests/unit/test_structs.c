/*
 * test_structs.c - the struct decoders (decode/dec_*.c) on bytes in this
 * process's own memory, read back through rn_mem_read(getpid(), ...) as a
 * worker reads a stopped tracee; the text is checked exactly.
 *
 * Every expected string was printed by strace 6.1 on x86-64 for a program
 * passing the same bytes (addresses and volatile numbers aside), except
 * where a comment says otherwise.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/dec_structs.h"
#include "decode/decode.h"
#include "syscalls/options.h"
#include "sinks/render_text.h"
#include "base/sbuf.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

/* ---- harness ------------------------------------------------------------- */

struct call {
	struct rn_options opt;
	struct rn_record entry, exit;
	uint64_t saved[RN_DCTX_NSAVED];
	struct rn_values vs;
	struct rn_dctx c;
	struct rn_sbuf out;
};

static struct call K;

#define A(p) ((uint64_t)(uintptr_t)(p))

/* A call of syscall `name` at its entry, arguments a0.. (the rest 0). */
static void enter6(const char *name, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4, uint64_t a5)
{
	rn_values_free(&K.vs);
	rn_sbuf_free(&K.out);
	memset(&K, 0, sizeof(K));
	K.opt.strsize = 32;
	long nr = rn_syscall_by_name(name);
	assert_true(nr >= 0);
	K.entry.kind = RN_REC_SYSCALL_ENTRY;
	K.entry.nr = (int32_t)nr;
	K.entry.tid = getpid();
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	memcpy(K.entry.args, a, sizeof(a));
	K.c = (struct rn_dctx){
		.opt = &K.opt, .sc = rn_syscall_get(nr), .entry = &K.entry, .exit = NULL,
		.vs = &K.vs, .tid = getpid(), .saved = K.saved,
	};
	assert_non_null(K.c.sc);
}
#define enter(name, ...) enter_(name, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define enter_(name, a, b, c, d, e, f, ...) enter6(name, A(a), A(b), A(c), A(d), A(e), A(f))

/* The entry pass of a struct_io argument: keep what the exit needs. */
static void save(rn_arg_decoder fn, unsigned argi)
{
	rn_values_reset(&K.vs);
	K.c.saving = 1;
	fn(&K.c, argi, K.entry.args[argi]);
	K.c.saving = 0;
	assert_int_equal(K.vs.n, 0);
}

/* The call returns ret (-errno: failed); the tracee is held. */
static void leave(int64_t ret)
{
	K.exit.kind = RN_REC_SYSCALL_EXIT;
	K.exit.nr = K.entry.nr;
	K.exit.ret = ret;
	K.exit.flags = RN_REC_HELD | (ret < 0 ? RN_REC_ERROR : 0);
	K.c.exit = &K.exit;
}

/* Decode argument argi with fn; its text, then what strace shows after the
 * return value (with its parentheses), if anything. */
static const char *show(rn_arg_decoder fn, unsigned argi)
{
	rn_values_reset(&K.vs);
	rn_sbuf_reset(&K.out);
	fn(&K.c, argi, K.entry.args[argi]);
	rn_text_values(&K.out, &K.opt, K.vs.v, K.vs.bytes, 0, K.vs.n);
	rn_text_after_result(&K.out, &K.opt, K.vs.v, K.vs.bytes, 0, K.vs.n);
	return rn_sbuf_cstr(&K.out);
}

/* The text of the values in K.vs (built by a *_value helper). */
static const char *text(void)
{
	rn_sbuf_reset(&K.out);
	rn_text_values(&K.out, &K.opt, K.vs.v, K.vs.bytes, 0, K.vs.n);
	return rn_sbuf_cstr(&K.out);
}

static char addrbuf[64];
static const char *addr(const void *p)
{
	snprintf(addrbuf, sizeof(addrbuf), "%p", p);
	return addrbuf;
}

/* ---- stat family ----------------------------------------------------------- */

struct k_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t times[6];
	int64_t unused[3];
};

static void test_stat(void **state)
{
	(void)state;
	static struct k_stat st;
	memset(&st, 0, sizeof(st));
	enter("stat", "/etc/passwd", &st);
	leave(0);
	st.st_mode = 0100644;
	st.st_size = 1221;
	assert_string_equal(show(rn_dec_stat, 1), "{st_mode=S_IFREG|0644, st_size=1221, ...}");
	st.st_mode = 0104755;
	st.st_size = 68248;
	assert_string_equal(show(rn_dec_stat, 1),
			    "{st_mode=S_IFREG|S_ISUID|0755, st_size=68248, ...}");
	st.st_mode = 041777;
	st.st_size = 4096;
	assert_string_equal(show(rn_dec_stat, 1),
			    "{st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}");
	st.st_mode = 020666;
	st.st_rdev = (1 << 8) | 3;
	assert_string_equal(show(rn_dec_stat, 1),
			    "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}");
	st.st_mode = 060600;
	st.st_rdev = 7 << 8;
	assert_string_equal(show(rn_dec_stat, 1),
			    "{st_mode=S_IFBLK|0600, st_rdev=makedev(0x7, 0), ...}");
	st.st_mode = 0120777;
	st.st_size = 0;
	assert_string_equal(show(rn_dec_stat, 1), "{st_mode=S_IFLNK|0777, st_size=0, ...}");
	st.st_mode = 010600;
	assert_string_equal(show(rn_dec_stat, 1), "{st_mode=S_IFIFO|0600, st_size=0, ...}");
	/* unreadable: the address, as strace */
	enter("stat", "/etc/passwd", 8);
	leave(0);
	assert_string_equal(show(rn_dec_stat, 1), "0x8");
}

static void test_statx(void **state)
{
	(void)state;
	static unsigned char sx[256];
	memset(sx, 0, sizeof(sx));
	uint32_t mask = 0x17ff; /* STATX_BASIC_STATS|STATX_MNT_ID */
	uint64_t attrs = 0x2000, size = 4096;
	uint16_t mode = 040755;
	memcpy(sx, &mask, 4);
	memcpy(sx + 8, &attrs, 8);
	memcpy(sx + 28, &mode, 2);
	memcpy(sx + 40, &size, 8);
	enter("statx", -100, "/", 0, 0x7ff, sx);
	leave(0);
	assert_string_equal(show(rn_dec_statx, 4),
			    "{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, "
			    "stx_attributes=STATX_ATTR_MOUNT_ROOT, stx_mode=S_IFDIR|0755, "
			    "stx_size=4096, ...}");
	mask = 0x1fff; /* STATX_ALL|STATX_MNT_ID */
	attrs = 0;
	mode = 0100644;
	size = 1221;
	memcpy(sx, &mask, 4);
	memcpy(sx + 8, &attrs, 8);
	memcpy(sx + 28, &mode, 2);
	memcpy(sx + 40, &size, 8);
	assert_string_equal(show(rn_dec_statx, 4),
			    "{stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, "
			    "stx_mode=S_IFREG|0644, stx_size=1221, ...}");
}

static void test_statfs(void **state)
{
	(void)state;
	static struct {
		int64_t f_type, f_bsize;
		uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
		int32_t f_fsid[2];
		int64_t f_namelen, f_frsize, f_flags, f_spare[4];
	} sf;
	memset(&sf, 0, sizeof(sf));
	sf.f_type = 0x9fa0;
	sf.f_bsize = 4096;
	sf.f_fsid[0] = 0x15;
	sf.f_namelen = 255;
	sf.f_frsize = 4096;
	sf.f_flags = 0x1020;
	enter("statfs", "/proc", &sf);
	leave(0);
	assert_string_equal(show(rn_dec_statfs, 1),
			    "{f_type=PROC_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, "
			    "f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0x15, 0]}, "
			    "f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}");
	sf.f_type = 0xef53;
	sf.f_blocks = 66053021;
	sf.f_fsid[0] = (int32_t)0xee7e1f2f;
	sf.f_fsid[1] = 0x75e28548;
	assert_string_equal(show(rn_dec_statfs, 1),
			    "{f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, "
			    "f_bfree=0, f_bavail=0, f_files=0, f_ffree=0, "
			    "f_fsid={val=[0xee7e1f2f, 0x75e28548]}, f_namelen=255, "
			    "f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}");
}

/* ---- times ---------------------------------------------------------------------- */

static void test_time_structs(void **state)
{
	(void)state;
	static int64_t ts[4] = { 1, 500, 2, 0 };
	static int32_t tz[2] = { 0, 0 };
	enter("timerfd_settime", 3, 0, ts, 0);
	assert_string_equal(show(rn_dec_itimerspec, 2),
			    "{it_interval={tv_sec=1, tv_nsec=500}, it_value={tv_sec=2, tv_nsec=0}}");
	enter("setitimer", 0, ts, 0);
	ts[1] = 2;
	assert_string_equal(show(rn_dec_itimerval, 1),
			    "{it_interval={tv_sec=1, tv_usec=2}, it_value={tv_sec=2, tv_usec=0}}");
	enter("clock_settime", 0, ts);
	assert_string_equal(show(rn_dec_timespec, 1), "{tv_sec=1, tv_nsec=2}");
	enter("gettimeofday", ts, tz);
	leave(0);
	assert_string_equal(show(rn_dec_timeval, 0), "{tv_sec=1, tv_usec=2}");
	assert_string_equal(show(rn_dec_timezone, 1), "{tz_minuteswest=0, tz_dsttime=0}");
}

static void test_time_dates(void **state)
{
	(void)state;
	static int64_t t[4];
	t[0] = 1;
	t[1] = 2;
	t[2] = 0;
	t[3] = (1 << 30) - 1; /* UTIME_NOW */
	enter("utimensat", -100, "/tmp/f", t, 0);
	assert_string_equal(show(rn_dec_timespec_pair, 2),
			    "[{tv_sec=1, tv_nsec=2} /* 1970-01-01T00:00:01.000000002+0000 */, "
			    "UTIME_NOW]");
	t[1] = (1 << 30) - 2; /* UTIME_OMIT */
	assert_string_equal(show(rn_dec_timespec_pair, 2), "[UTIME_OMIT, UTIME_NOW]");
	t[0] = 5;
	t[1] = 0;
	t[2] = 6;
	t[3] = 0;
	assert_string_equal(show(rn_dec_timespec_pair, 2),
			    "[{tv_sec=5, tv_nsec=0} /* 1970-01-01T00:00:05+0000 */, "
			    "{tv_sec=6, tv_nsec=0} /* 1970-01-01T00:00:06+0000 */]");
	t[0] = 1;
	t[1] = 2;
	t[2] = 3;
	t[3] = 4;
	enter("utimes", "/tmp/f", t);
	assert_string_equal(show(rn_dec_timeval_pair, 1),
			    "[{tv_sec=1, tv_usec=2} /* 1970-01-01T00:00:01.000002+0000 */, "
			    "{tv_sec=3, tv_usec=4} /* 1970-01-01T00:00:03.000004+0000 */]");
	t[0] = 5;
	t[1] = 6;
	enter("utime", "/tmp/f", t);
	assert_string_equal(show(rn_dec_utimbuf, 1),
			    "{actime=5 /* 1970-01-01T00:00:05+0000 */, "
			    "modtime=6 /* 1970-01-01T00:00:06+0000 */}");
	t[0] = 1795643741;
	enter("time", t);
	leave(1795643741);
	assert_string_equal(show(rn_dec_time_t, 0),
			    "[1795643741 /* 2026-11-25T21:55:41+0000 */]");
}

static void test_timespec_rem(void **state)
{
	(void)state;
	static int64_t req[2] = { 10, 0 }, rem[2] = { 9, 999 };
	enter("nanosleep", req, rem);
	assert_string_equal(show(rn_dec_timespec, 0), "{tv_sec=10, tv_nsec=0}");
	save(rn_dec_timespec_rem, 1);
	leave(0);
	/* not interrupted: only the address */
	assert_string_equal(show(rn_dec_timespec_rem, 1), addr(rem));
	leave(-516); /* ERESTART_RESTARTBLOCK */
	assert_string_equal(show(rn_dec_timespec_rem, 1), "{tv_sec=9, tv_nsec=999}");
	leave(-22);
	assert_string_equal(show(rn_dec_timespec_rem, 1), addr(rem));
}

/* ---- resources ---------------------------------------------------------------------- */

static void test_rlimit(void **state)
{
	(void)state;
	static uint64_t r[2];
	r[0] = 8192 * 1024;
	r[1] = UINT64_MAX;
	enter("prlimit64", 0, 3, 0, r);
	leave(0);
	assert_string_equal(show(rn_dec_rlimit64, 3),
			    "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}");
	r[0] = 8388609;
	r[1] = 1024 * 1024 * 1024;
	assert_string_equal(show(rn_dec_rlimit64, 3), "{rlim_cur=8388609, rlim_max=1048576*1024}");
	r[0] = 0;
	r[1] = 20000;
	enter("getrlimit", 7, r);
	leave(0);
	assert_string_equal(show(rn_dec_rlimit, 1), "{rlim_cur=0, rlim_max=20000}");
}

static void test_process_structs(void **state)
{
	(void)state;
	static char uts[6][65];
	memset(uts, 0, sizeof(uts));
	strcpy(uts[0], "Linux");
	strcpy(uts[1], "vm");
	strcpy(uts[2], "6.1.0");
	enter("uname", uts);
	leave(0);
	assert_string_equal(show(rn_dec_utsname, 0), "{sysname=\"Linux\", nodename=\"vm\", ...}");

	static int64_t ru[18];
	memset(ru, 0, sizeof(ru));
	ru[1] = 1849;
	enter("getrusage", 0, ru);
	leave(0);
	assert_string_equal(show(rn_dec_rusage, 1),
			    "{ru_utime={tv_sec=0, tv_usec=1849}, ru_stime={tv_sec=0, tv_usec=0}, ...}");

	static int64_t tms[4] = { 1, 2, 3, 4 };
	enter("times", tms);
	leave(100);
	assert_string_equal(show(rn_dec_tms, 0),
			    "{tms_utime=1, tms_stime=2, tms_cutime=3, tms_cstime=4}");

	static struct {
		int64_t uptime;
		uint64_t loads[3];
		uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char f[4];
	} si = { 1643, { 91232, 78976, 54944 }, 25276518400u, 24694870016u, 8933376, 4337664,
		 0, 0, 102, 0, 0, 0, 0, 1, { 0 } };
	enter("sysinfo", &si);
	leave(0);
	assert_string_equal(show(rn_dec_sysinfo, 0),
			    "{uptime=1643, loads=[91232, 78976, 54944], totalram=25276518400, "
			    "freeram=24694870016, sharedram=8933376, bufferram=4337664, "
			    "totalswap=0, freeswap=0, procs=102, totalhigh=0, freehigh=0, "
			    "mem_unit=1}");
}

static void test_small_arrays(void **state)
{
	(void)state;
	static int32_t fds[2] = { 4, 5 };
	enter("pipe2", fds, 0);
	leave(0);
	assert_string_equal(show(rn_dec_fd_pair, 0), "[4, 5]");
	static uint32_t u = 0;
	enter("getresuid", &u, &u, &u);
	leave(0);
	assert_string_equal(show(rn_dec_uid, 0), "[0]");
	static uint64_t p = 0x7fa963bf3a20, len = 24;
	enter("get_robust_list", 0, &p, &len);
	leave(0);
	assert_string_equal(show(rn_dec_ptr, 1), "[0x7fa963bf3a20]");
	assert_string_equal(show(rn_dec_ulong, 2), "[24]");
	static int32_t prio = 0;
	enter("sched_getparam", 0, &prio);
	leave(0);
	assert_string_equal(show(rn_dec_sched_param, 1), "[0]");

	static uint32_t gids[3] = { 0, 5, 100 };
	enter("setgroups", 3, gids);
	assert_string_equal(show(rn_dec_gid_list, 1), "[0, 5, 100]");
	enter("getgroups", 64, gids);
	leave(0);
	assert_string_equal(show(rn_dec_gid_list, 1), "[]");
	leave(2);
	assert_string_equal(show(rn_dec_gid_list, 1), "[0, 5]");

	static uint64_t cpus[16] = { 0x3 };
	enter("sched_getaffinity", 0, 128, cpus);
	leave(32);
	assert_string_equal(show(rn_dec_cpu_set, 2), "[0 1]");
}

static void test_wait_status(void **state)
{
	(void)state;
	static const struct {
		int status;
		const char *want;
	} cases[] = {
		{ 0x0300, "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]" },
		{ 0x0000, "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]" },
		{ 0x000f, "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}]" },
		{ 0x008b, "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]" },
		{ 0x137f, "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]" },
		{ 0xffff, "[{WIFCONTINUED(s)}]" },
		{ 0x4057f, "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP} | PTRACE_EVENT_EXEC << 16]" },
	};
	enter("wait4", -1, 0, 0, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rn_values_reset(&K.vs);
		rn_dec_wait_status_value(&K.vs, "stat_addr", cases[i].status);
		assert_string_equal(text(), cases[i].want);
	}
	static int32_t st = 0x300;
	enter("wait4", 42, &st, 0, 0);
	leave(42);
	assert_string_equal(show(rn_dec_wait_status, 1), "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]");
	leave(0); /* WNOHANG, nothing reaped */
	assert_string_equal(show(rn_dec_wait_status, 1), addr(&st));
}

/* ---- signals ------------------------------------------------------------------------- */

static void test_sigset(void **state)
{
	(void)state;
	static uint64_t m;
	enter("rt_sigpending", &m, 8);
	leave(0);
	m = 1ull << (17 - 1);
	assert_string_equal(show(rn_dec_sigset, 0), "[CHLD]");
	m = 0;
	assert_string_equal(show(rn_dec_sigset, 0), "[]");
	m = ~0ull;
	assert_string_equal(show(rn_dec_sigset, 0), "~[]");
	m = ~0ull & ~(3ull << 31); /* glibc's sigfillset: all but 32 and 33 */
	assert_string_equal(show(rn_dec_sigset, 0), "~[RTMIN RT_1]");
	m = (1ull << 33) | (1ull << 34) | (1ull << 63);
	assert_string_equal(show(rn_dec_sigset, 0), "[RT_2 RT_3 RT_32]");
	/* strace lists the complement from 2/3 of the bits on */
	m = (1ull << 41) - 1;
	assert_true(strncmp(show(rn_dec_sigset, 0), "[HUP INT ", 9) == 0);
	m = (1ull << 42) - 1;
	assert_true(strncmp(show(rn_dec_sigset, 0), "~[RT_11 RT_12 ", 14) == 0);
	/* any size but 8: the address */
	enter("rt_sigpending", &m, 16);
	leave(-22);
	assert_string_equal(show(rn_dec_sigset, 0), addr(&m));
}

static void test_sigaction(void **state)
{
	(void)state;
	static struct {
		uint64_t handler, flags, restorer, mask;
	} sa;
	sa.handler = 1;
	sa.flags = 0x14000000;
	sa.restorer = 0x7f70a3613050;
	sa.mask = 1ull << (10 - 1);
	enter("rt_sigaction", 12, &sa, 0, 8);
	assert_string_equal(show(rn_dec_sigaction, 1),
			    "{sa_handler=SIG_IGN, sa_mask=[USR1], sa_flags=SA_RESTORER|SA_RESTART, "
			    "sa_restorer=0x7f70a3613050}");
	memset(&sa, 0, sizeof(sa));
	assert_string_equal(show(rn_dec_sigaction, 1),
			    "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}");
	/* glibc sign-extends its int flags */
	sa.handler = 0x5640ada2a2a9;
	sa.flags = 0xffffffffcc000007;
	sa.restorer = 0x7f283b4a3050;
	assert_string_equal(show(rn_dec_sigaction, 1),
			    "{sa_handler=0x5640ada2a2a9, sa_mask=[], sa_flags=SA_RESTORER|SA_ONSTACK|"
			    "SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|"
			    "0xffffffff00000000, sa_restorer=0x7f283b4a3050}");
}

static void test_siginfo(void **state)
{
	(void)state;
	static unsigned char si[128];
	int32_t w[4];
	uint64_t q;
	enter("rt_sigqueueinfo", 1, 10, si);

	memset(si, 0, sizeof(si));
	w[0] = 10, w[1] = 5, w[2] = -1;
	memcpy(si, w, 12);
	w[0] = 7, w[1] = 8;
	memcpy(si + 16, w, 8);
	q = 0x1234567890;
	memcpy(si + 24, &q, 8);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_errno=EIO, si_pid=7, si_uid=8, "
			    "si_int=878082192, si_ptr=0x1234567890}");
	w[0] = 10, w[1] = 0, w[2] = -2; /* SI_TIMER */
	memcpy(si, w, 12);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0x7, si_overrun=8, "
			    "si_int=878082192, si_ptr=0x1234567890}");
	w[2] = 0; /* SI_USER */
	memcpy(si, w, 12);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=7, si_uid=8}");
	w[2] = 1; /* unknown code of a signal without codes */
	memcpy(si, w, 12);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGUSR1, si_code=0x1, si_pid=7, si_uid=8, "
			    "si_int=878082192, si_ptr=0x1234567890}");

	memset(si, 0, sizeof(si));
	w[0] = 17, w[1] = 0, w[2] = 2; /* CLD_KILLED */
	memcpy(si, w, 12);
	w[0] = 3, w[1] = 0, w[2] = 9;
	memcpy(si + 16, w, 12);
	q = 150;
	memcpy(si + 32, &q, 8);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=3, si_uid=0, "
			    "si_status=SIGKILL, si_utime=150 /* 1.50 s */, si_stime=0}");

	memset(si, 0, sizeof(si));
	w[0] = 31, w[1] = 0, w[2] = 1; /* SYS_SECCOMP */
	memcpy(si, w, 12);
	q = 0x99;
	memcpy(si + 16, &q, 8);
	w[0] = 5, w[1] = (int32_t)0xc000003e;
	memcpy(si + 24, w, 8);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x99, "
			    "si_syscall=__NR_fstat, si_arch=AUDIT_ARCH_X86_64}");

	memset(si, 0, sizeof(si));
	w[0] = 11, w[1] = 0, w[2] = 0x80; /* SI_KERNEL */
	memcpy(si, w, 12);
	assert_string_equal(show(rn_dec_siginfo, 2),
			    "{si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL}");
	memset(si, 0, sizeof(si));
	assert_string_equal(show(rn_dec_siginfo, 2), "{}");
}

static void test_stack_sigevent(void **state)
{
	(void)state;
	static struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss = { 0, 2, 0, 0 };
	enter("sigaltstack", 0, &ss);
	leave(0);
	assert_string_equal(show(rn_dec_stack_t, 1), "{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}");
	static struct {
		uint64_t value;
		int32_t signo, notify;
		uint64_t u[6];
	} ev = { 9, 14, 0, { 0 } };
	enter("timer_create", 1, &ev, 0);
	assert_string_equal(show(rn_dec_sigevent, 1),
			    "{sigev_value={sival_int=9, sival_ptr=0x9}, sigev_signo=SIGALRM, "
			    "sigev_notify=SIGEV_SIGNAL}");
	/* the value whenever it is not 0, the signal by name only when sent */
	ev.signo = 0;
	ev.notify = 1;
	assert_string_equal(show(rn_dec_sigevent, 1),
			    "{sigev_value={sival_int=9, sival_ptr=0x9}, sigev_signo=0, "
			    "sigev_notify=SIGEV_NONE}");
	ev.value = 0;
	assert_string_equal(show(rn_dec_sigevent, 1), "{sigev_signo=0, sigev_notify=SIGEV_NONE}");
	ev.signo = 10;
	ev.notify = 77;
	assert_string_equal(show(rn_dec_sigevent, 1),
			    "{sigev_signo=10, sigev_notify=0x4d /* SIGEV_??? */}");
}

/* ---- sockets ------------------------------------------------------------------------- */

static void test_sockaddr(void **state)
{
	(void)state;
	static unsigned char sa[128];
	static const unsigned char in4[16] = { 2, 0, 0, 80, 127, 0, 0, 1 };
	memcpy(sa, in4, sizeof(in4));
	enter("connect", 3, sa, 16);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_INET, sin_port=htons(80), "
			    "sin_addr=inet_addr(\"127.0.0.1\")}");
	memset(sa, 0, sizeof(sa));
	sa[0] = 2;
	enter("connect", 3, sa, 8);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_INET, sa_data=\"\\0\\0\\0\\0\\0\\0\"}");

	static const unsigned char in6[28] = { 10, 0, 0, 53, 0, 0, 0, 7,
					       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	memcpy(sa, in6, sizeof(in6));
	enter("connect", 3, sa, 28);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(7), "
			    "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}");
	static const unsigned char mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
						  1, 2, 3, 4 };
	memcpy(sa + 8, mapped, sizeof(mapped));
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(7), "
			    "inet_pton(AF_INET6, \"::ffff:1.2.3.4\", &sin6_addr), sin6_scope_id=0}");

	memset(sa, 0, sizeof(sa));
	sa[0] = 1;
	strcpy((char *)sa + 2, "/tmp/st/nonexist.sock");
	enter("connect", 3, sa, 110);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_UNIX, sun_path=\"/tmp/st/nonexist.sock\"}");
	sa[2] = 0;
	enter("connect", 3, sa, 10);
	assert_string_equal(show(rn_dec_sockaddr, 1), "{sa_family=AF_UNIX, sun_path=@\"tmp/st/\"}");
	enter("connect", 3, sa, 2);
	assert_string_equal(show(rn_dec_sockaddr, 1), "{sa_family=AF_UNIX}");

	memset(sa, 0, sizeof(sa));
	sa[0] = 16;
	sa[8] = 5;
	enter("bind", 3, sa, 12);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_NETLINK, nl_pid=0, nl_groups=0x000005}");
	sa[8] = 0;
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}");

	memset(sa, 0, sizeof(sa));
	sa[0] = 99;
	enter("connect", 3, sa, 16);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=0x63 /* AF_??? */, "
			    "sa_data=\"\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\"}");
	enter("connect", 3, 8, 16);
	assert_string_equal(show(rn_dec_sockaddr, 1), "0x8");

	/* AF_PACKET: sll_ifindex 1 is the loopback in any network namespace */
	static const unsigned char ll[20] = { 17, 0, 0x08, 0x00, 1, 0, 0, 0, 1, 0, 0, 6 };
	memcpy(sa, ll, sizeof(ll));
	enter("bind", 3, sa, 20);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IP), "
			    "sll_ifindex=if_nametoindex(\"lo\"), sll_hatype=ARPHRD_ETHER, "
			    "sll_pkttype=PACKET_HOST, sll_halen=6, "
			    "sll_addr=[00, 00, 00, 00, 00, 00]}");
}

/* accept(3, {...}, [128 => 16]): the length before and after the call. */
static void test_socklen(void **state)
{
	(void)state;
	static unsigned char sa[128];
	static uint32_t len;
	len = 128;
	enter("accept", 3, sa, &len);
	save(rn_dec_socklen, 2);
	static const unsigned char in4[16] = { 2, 0, 0x8a, 0xa4, 127, 0, 0, 1 };
	memcpy(sa, in4, sizeof(in4));
	len = 16;
	leave(5);
	assert_string_equal(show(rn_dec_sockaddr, 1),
			    "{sa_family=AF_INET, sin_port=htons(35492), "
			    "sin_addr=inet_addr(\"127.0.0.1\")}");
	assert_string_equal(show(rn_dec_socklen, 2), "[128 => 16]");

	/* a buffer too small: the sockaddr is cut at the caller's size */
	len = 4;
	enter("getpeername", 5, sa, &len);
	save(rn_dec_socklen, 2);
	len = 16;
	leave(0);
	assert_string_equal(show(rn_dec_sockaddr, 1), "{sa_family=AF_INET, sa_data=\"\\212\\244\"}");
	assert_string_equal(show(rn_dec_socklen, 2), "[4 => 16]");

	len = 16;
	enter("getsockname", 3, sa, &len);
	save(rn_dec_socklen, 2);
	leave(0);
	assert_string_equal(show(rn_dec_socklen, 2), "[16]");
	/* failed: what the caller passed */
	len = 128;
	enter("accept", 0, sa, &len);
	save(rn_dec_socklen, 2);
	leave(-88);
	assert_string_equal(show(rn_dec_socklen, 2), "[128]");
	/* recvfrom with nothing returned: the address */
	len = 128;
	enter("recvfrom", 5, sa, 64, 0, sa, &len);
	save(rn_dec_socklen, 5);
	len = 0;
	leave(2);
	assert_string_equal(show(rn_dec_sockaddr, 4), addr(sa));
	assert_string_equal(show(rn_dec_socklen, 5), "[128 => 0]");
}

static void test_iovec(void **state)
{
	(void)state;
	static char a[] = "hello", b[] = "world!", r1[3], r2[20];
	static uint64_t iov[4];
	iov[0] = A(a), iov[1] = 5, iov[2] = A(b), iov[3] = 6;
	enter("writev", 7, iov, 2);
	assert_string_equal(show(rn_dec_iovec, 1),
			    "[{iov_base=\"hello\", iov_len=5}, {iov_base=\"world!\", iov_len=6}]");
	/* read: the data up to the return value */
	memcpy(r1, "hel", 3);
	memcpy(r2, "loworld!", 8);
	iov[0] = A(r1), iov[1] = 3, iov[2] = A(r2), iov[3] = 20;
	enter("readv", 6, iov, 2);
	leave(11);
	assert_string_equal(show(rn_dec_iovec, 1),
			    "[{iov_base=\"hel\", iov_len=3}, {iov_base=\"loworld!\", iov_len=20}]");
	/* each element cut at -s */
	static char x[100];
	memset(x, 'x', sizeof(x));
	iov[0] = A(x), iov[1] = 100, iov[2] = A(x), iov[3] = 30;
	enter("writev", 5, iov, 2);
	assert_string_equal(show(rn_dec_iovec, 1),
			    "[{iov_base=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., iov_len=100}, "
			    "{iov_base=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", iov_len=30}]");
	/* at most -s elements */
	static uint64_t big[80];
	for (int i = 0; i < 40; i++)
		big[2 * i] = A(x), big[2 * i + 1] = 1;
	enter("writev", 5, big, 40);
	K.opt.strsize = 2;
	assert_string_equal(show(rn_dec_iovec, 1),
			    "[{iov_base=\"x\", iov_len=1}, {iov_base=\"x\", iov_len=1}, ...]");
	/* remote vectors: addresses */
	iov[0] = A(x), iov[1] = 8;
	enter("process_vm_readv", 1, iov, 1, iov, 1, 0);
	leave(8);
	char want[96];
	snprintf(want, sizeof(want), "[{iov_base=%p, iov_len=8}]", (void *)x);
	assert_string_equal(show(rn_dec_iovec, 3), want);
}

static void test_msghdr(void **state)
{
	(void)state;
	static char abc[] = "abc", defg[] = "defg";
	static uint64_t iov[4];
	iov[0] = A(abc), iov[1] = 3, iov[2] = A(defg), iov[3] = 4;
	static union {
		unsigned char b[24];
		uint64_t align;
	} cm;
	uint64_t clen = 24;
	int32_t lt[4] = { 1, 1, 0, 1 }; /* SOL_SOCKET, SCM_RIGHTS, fds 0 and 1 */
	memcpy(cm.b, &clen, 8);
	memcpy(cm.b + 8, lt, 16);
	static struct {
		uint64_t name;
		uint32_t namelen, pad;
		uint64_t iov, iovlen, control, controllen;
		int32_t flags, pad2;
	} m;
	memset(&m, 0, sizeof(m));
	m.iov = A(iov), m.iovlen = 2;
	enter("sendmsg", 4, &m, 0);
	assert_string_equal(show(rn_dec_msghdr, 1),
			    "{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}, "
			    "{iov_base=\"defg\", iov_len=4}], msg_iovlen=2, msg_controllen=0, "
			    "msg_flags=0}");
	m.iovlen = 1;
	m.control = A(cm.b), m.controllen = 24;
	assert_string_equal(show(rn_dec_msghdr, 1),
			    "{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}], "
			    "msg_iovlen=1, msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, "
			    "cmsg_type=SCM_RIGHTS, cmsg_data=[0, 1]}], msg_controllen=24, "
			    "msg_flags=0}");

	/* recvmsg: namelen before and after, data up to the return value */
	static unsigned char sa[128];
	static char buf[64];
	memset(&m, 0, sizeof(m));
	iov[0] = A(buf), iov[1] = 64;
	m.name = A(sa), m.namelen = 128, m.iov = A(iov), m.iovlen = 1;
	enter("recvmsg", 5, &m, 0);
	save(rn_dec_msghdr, 1);
	memcpy(buf, "abcdefg", 7);
	m.namelen = 0;
	leave(7);
	char want[256];
	snprintf(want, sizeof(want),
		 "{msg_name=%p, msg_namelen=128 => 0, msg_iov=[{iov_base=\"abcdefg\", iov_len=64}], "
		 "msg_iovlen=1, msg_controllen=0, msg_flags=0}",
		 (void *)sa);
	assert_string_equal(show(rn_dec_msghdr, 1), want);
	leave(-11);
	assert_string_equal(show(rn_dec_msghdr, 1), "{msg_namelen=128}");
}

static void test_mmsghdr(void **state)
{
	(void)state;
	static char b1[10], b2[10];
	static uint64_t iov[4];
	iov[0] = A(b1), iov[1] = 10, iov[2] = A(b2), iov[3] = 10;
	static struct {
		uint64_t name;
		uint32_t namelen, pad;
		uint64_t iov, iovlen, control, controllen;
		int32_t flags, pad2;
		uint32_t len, pad3;
	} mm[3];
	memset(mm, 0, sizeof(mm));
	mm[0].iov = A(&iov[0]), mm[0].iovlen = 1;
	mm[1].iov = A(&iov[2]), mm[1].iovlen = 1;
	enter("recvmmsg", 4, mm, 3, 0x40, 0);
	save(rn_dec_mmsghdr, 1);
	memcpy(b1, "hello", 5);
	memcpy(b2, "wor", 3);
	mm[0].len = 5;
	mm[1].len = 3;
	leave(2);
	assert_string_equal(show(rn_dec_mmsghdr, 1),
			    "[{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"hello\", "
			    "iov_len=10}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=5}, "
			    "{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"wor\", "
			    "iov_len=10}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=3}]");
	leave(-11);
	assert_string_equal(show(rn_dec_mmsghdr, 1), addr(mm));
}

static void test_sched_attr(void **state)
{
	(void)state;
	static struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
		uint32_t util_min, util_max;
	} at = { 56, 0, 0, 0, 0, 1400000, 0, 0, 0, 0 };
	enter("sched_getattr", 0, &at, 56, 0);
	leave(0);
	assert_string_equal(show(rn_dec_sched_attr, 1),
			    "{size=56, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, "
			    "sched_priority=0, sched_runtime=1400000, sched_deadline=0, "
			    "sched_period=0, sched_util_min=0, sched_util_max=0}");
	at.size = 48;
	at.flags = 1;
	assert_string_equal(show(rn_dec_sched_attr, 1),
			    "{size=48, sched_policy=SCHED_OTHER, sched_flags=SCHED_FLAG_RESET_ON_FORK, "
			    "sched_nice=0, sched_priority=0, sched_runtime=1400000, "
			    "sched_deadline=0, sched_period=0}");
}

static void test_poll(void **state)
{
	(void)state;
	static struct {
		int32_t fd;
		int16_t events, revents;
	} p[2] = { { 6, 1, 0 }, { 7, 5, 0 } };
	/* struct_inret: the array as passed at entry (so while poll blocks
	 * too), what the kernel wrote only after the return value */
	enter("poll", p, 2, 0);
	assert_string_equal(show(rn_dec_pollfd, 0),
			    "[{fd=6, events=POLLIN}, {fd=7, events=POLLIN|POLLOUT}]");
	p[1].revents = 4;
	leave(1);
	assert_string_equal(show(rn_dec_pollfd, 0), " ([{fd=7, revents=POLLOUT}])");
	p[1].revents = 0;
	leave(0);
	assert_string_equal(show(rn_dec_pollfd, 0), " (Timeout)");
	p[0].fd = -1;
	p[1].fd = 0;
	p[1].events = 0;
	enter("poll", p, 2, 0);
	assert_string_equal(show(rn_dec_pollfd, 0), "[{fd=-1}, {fd=0, events=0}]");
	leave(-4);
	assert_string_equal(show(rn_dec_pollfd, 0), "");

	/* ppoll: the timeout as passed, what is left after the return value */
	static int64_t ts[2] = { 0, 5 };
	p[0].fd = 3, p[0].events = 1, p[0].revents = 1;
	enter("ppoll", p, 1, ts, 0, 8);
	assert_string_equal(show(rn_dec_pollfd, 0), "[{fd=3, events=POLLIN}]");
	assert_string_equal(show(rn_dec_timespec, 2), "{tv_sec=0, tv_nsec=5}");
	ts[1] = 3;
	leave(1);
	assert_string_equal(show(rn_dec_pollfd, 0), " ([{fd=3, revents=POLLIN}])");
	assert_string_equal(show(rn_dec_timespec, 2), " (left {tv_sec=0, tv_nsec=3})");
	leave(0);
	assert_string_equal(show(rn_dec_timespec, 2), "");
}

static void test_fd_set(void **state)
{
	(void)state;
	static uint64_t in, out;
	static int64_t ts[2] = { 0, 100000 };
	in = (1u << 0) | (1u << 4);
	out = 0;
	enter("pselect6", 5, &in, &out, 0, ts, 0);
	assert_string_equal(show(rn_dec_fd_set, 1), "[0 4]");
	assert_string_equal(show(rn_dec_fd_set, 2), "[]");
	assert_string_equal(show(rn_dec_timespec, 4), "{tv_sec=0, tv_nsec=100000}");
	in = 1u << 4;
	ts[1] = 97336;
	leave(1);
	assert_string_equal(show(rn_dec_fd_set, 1), " (in [4])");
	assert_string_equal(show(rn_dec_fd_set, 2), "");
	assert_string_equal(show(rn_dec_timespec, 4), " (left {tv_sec=0, tv_nsec=97336})");
	in = 0;
	leave(0);
	assert_string_equal(show(rn_dec_fd_set, 1), "");
	assert_string_equal(show(rn_dec_timespec, 4), " (Timeout)");
	/* a wide set, read at entry whole */
	static uint64_t wide[4];
	wide[3] = 1u << 2;
	enter("select", 200, wide, 0, 0, 0);
	assert_string_equal(show(rn_dec_fd_set, 1), "[194]");
	leave(0);
	assert_string_equal(show(rn_dec_fd_set, 1), "");
}

static void test_epoll_event(void **state)
{
	(void)state;
	static struct __attribute__((packed)) {
		uint32_t events;
		uint64_t data;
	} ev[2] = { { 0x80000001u, 3 }, { 1, 0x100000005ull } };
	enter("epoll_ctl", 11, 1, 7, ev);
	assert_string_equal(show(rn_dec_epoll_event, 3),
			    "{events=EPOLLIN|EPOLLET, data={u32=3, u64=3}}");
	enter("epoll_wait", 11, &ev[1], 4, 0);
	leave(1);
	assert_string_equal(show(rn_dec_epoll_event, 1),
			    "[{events=EPOLLIN, data={u32=5, u64=4294967301}}]");
	leave(0);
	assert_string_equal(show(rn_dec_epoll_event, 1), "[]");
}

/* ---- processes and files ------------------------------------------------------------- */

static void test_clone_args(void **state)
{
	(void)state;
	static uint64_t ca[11];
	memset(ca, 0, sizeof(ca));
	ca[0] = 0x4100; /* CLONE_VM|CLONE_VFORK */
	ca[4] = 17;
	enter("clone3", ca, 88);
	assert_string_equal(show(rn_dec_clone_args, 0),
			    "{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=NULL, "
			    "stack_size=0}");
	ca[0] = 0x101000; /* CLONE_PIDFD|CLONE_PARENT_SETTID */
	ca[1] = 0x7fffcdf4afdc;
	ca[3] = 0x7fffcdf4afd8;
	assert_string_equal(show(rn_dec_clone_args, 0),
			    "{flags=CLONE_PIDFD|CLONE_PARENT_SETTID, pidfd=0x7fffcdf4afdc, "
			    "parent_tid=0x7fffcdf4afd8, exit_signal=SIGCHLD, stack=NULL, "
			    "stack_size=0}");
	enter("clone3", ca, 32); /* older than any clone_args */
	assert_string_equal(show(rn_dec_clone_args, 0), addr(ca));
}

static void test_open_how(void **state)
{
	(void)state;
	static uint64_t how[3] = { 02000000, 0, 4 }; /* O_RDONLY|O_CLOEXEC */
	enter("openat2", -100, "/etc/passwd", how, 24);
	assert_string_equal(show(rn_dec_open_how, 2),
			    "{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}");
	how[0] = 0101; /* O_WRONLY|O_CREAT */
	how[1] = 0600;
	how[2] = 0;
	assert_string_equal(show(rn_dec_open_how, 2),
			    "{flags=O_WRONLY|O_CREAT, mode=0600, resolve=0}");
}

static void test_capabilities(void **state)
{
	(void)state;
	static uint32_t hdr[2] = { 0x20080522, 0 };
	static uint32_t data[6] = { 3, 0, 0, 0, 1u << 8, 0 };
	enter("capget", hdr, data);
	save(rn_dec_cap_user_header, 0);
	leave(0);
	assert_string_equal(show(rn_dec_cap_user_header, 0),
			    "{version=_LINUX_CAPABILITY_VERSION_3, pid=0}");
	assert_string_equal(show(rn_dec_cap_user_data, 1),
			    "{effective=1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE, "
			    "permitted=1<<CAP_CHECKPOINT_RESTORE, inheritable=0}");
}

/* System V IPC (dec_ipc.c) and the arrays of du_array. */
static void test_ipc(void **state)
{
	(void)state;
	static struct {
		uint16_t num;
		int16_t op, flg;
	} ops[3] = { { 0, -1, 0x1000 }, { 1, 1, 0 }, { 1, -9, 0x1000 | 04000 } };
	enter("semop", 5, ops, 3);
	assert_string_equal(show(rn_dec_sembuf, 1),
			    "[{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}, {sem_num=1, sem_op=1, "
			    "sem_flg=0}, {sem_num=1, sem_op=-9, sem_flg=SEM_UNDO|IPC_NOWAIT}]");
	/* -s 1: one element, then "..." */
	K.opt.strsize = 1;
	assert_string_equal(show(rn_dec_sembuf, 1), "[{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}, ...]");

	static struct {
		int64_t mtype;
		char mtext[8];
	} m = { 7, "hi\0there" };
	enter("msgsnd", 1, &m, 4, 0);
	assert_string_equal(show(rn_dec_msgbuf, 1), "{mtype=7, mtext=\"hi\\0t\"}");

	/* IPC_SET: the fields the kernel takes; IPC_RMID: the raw argument */
	static uint32_t ds[28] = { 0, 1, 2, 3, 4, 0640 };
	enter("shmctl", 4, 1 /* IPC_SET */, ds);
	save(rn_dec_shmid_ds, 2);
	leave(0);
	assert_string_equal(show(rn_dec_shmid_ds, 2), "{shm_perm={uid=1, gid=2, mode=0640}}");
	enter("shmctl", 4, 0 /* IPC_RMID */, 0);
	leave(0);
	assert_string_equal(show(rn_dec_shmid_ds, 2), "NULL");
}

static void test_newer(void **state)
{
	(void)state;
	static uint64_t nodes[2] = { 1, 0 };
	enter("set_mempolicy", 1, nodes, 64);
	assert_string_equal(show(rn_dec_nodemask, 1), "[0x00000000000001]");
	enter("set_mempolicy", 1, nodes + 1, 64);
	assert_string_equal(show(rn_dec_nodemask, 1), "[0000000000000000]");

	static struct {
		uint64_t val, uaddr;
		uint32_t flags, reserved;
	} w = { 5, 0x7ffc00001000, 2 | 128, 0 };
	enter("futex_waitv", &w, 1, 0, 0, 1);
	assert_string_equal(show(rn_dec_futex_waitv, 0),
			    "[{val=0x5, uaddr=0x7ffc00001000, flags=FUTEX_32|FUTEX_PRIVATE_FLAG}]");
	enter("futex_waitv", &w, 0, 0, 0, 1);
	assert_string_equal(show(rn_dec_futex_waitv, 0), "[]");

	static uint64_t fs = 6;
	enter("landlock_create_ruleset", &fs, 8, 0);
	assert_string_equal(show(rn_dec_landlock_ruleset_attr, 0),
			    "{handled_access_fs=LANDLOCK_ACCESS_FS_WRITE_FILE|"
			    "LANDLOCK_ACCESS_FS_READ_FILE}");
	enter("landlock_create_ruleset", &fs, 4, 0);
	assert_string_equal(show(rn_dec_landlock_ruleset_attr, 0), addr(&fs));
}

static void test_dirents(void **state)
{
	(void)state;
	static unsigned char buf[4096];
	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 3; i++) {
		uint16_t reclen = 24;
		memcpy(buf + 24 * i + 16, &reclen, 2);
	}
	enter("getdents64", 3, buf, 4096);
	leave(72);
	char want[96];
	snprintf(want, sizeof(want), "%p /* 3 entries */", (void *)buf);
	assert_string_equal(show(rn_dec_linux_dirent64, 1), want);
	leave(0);
	snprintf(want, sizeof(want), "%p /* 0 entries */", (void *)buf);
	assert_string_equal(show(rn_dec_linux_dirent64, 1), want);
}

static void test_loff_mq(void **state)
{
	(void)state;
	static int64_t off;
	off = 5;
	enter("sendfile", 5, 6, &off, 10);
	save(rn_dec_loff_t, 2);
	off = 15;
	leave(10);
	assert_string_equal(show(rn_dec_loff_t, 2), "[5] => [15]");
	leave(-22);
	off = 5;
	assert_string_equal(show(rn_dec_loff_t, 2), "[5]");
	off = 0;
	enter("splice", 3, &off, 5, 0, 3, 0);
	save(rn_dec_loff_t, 1);
	off = 3;
	leave(3);
	assert_string_equal(show(rn_dec_loff_t, 1), "[0]");

	static int64_t mq[4] = { 0, 5, 64, 0 };
	enter("mq_open", "rnq", 0102, 0600, mq);
	assert_string_equal(show(rn_dec_mq_attr, 3),
			    "{mq_flags=0, mq_maxmsg=5, mq_msgsize=64, mq_curmsgs=0}");
}

/* ---- the value model's forms ----------------------------------------------------------- */

static void test_render_forms(void **state)
{
	(void)state;
	enter("getpid", 0);
	struct rn_values *vs = &K.vs;
	rn_values_reset(vs);
	uint32_t ch = rn_v_open(vs, "msg_namelen", RN_V_STRUCT);
	vs->v[ch].flags |= RN_VF_CHANGED;
	rn_v_uint(vs, NULL, 128);
	rn_v_uint(vs, NULL, 16);
	rn_v_close(vs, ch);
	uint32_t s = rn_v_open(vs, NULL, RN_V_STRUCT);
	rn_v_close(vs, s);
	/* a field of a struct prints its name; a top-level value does not */
	assert_string_equal(text(), "128 => 16, {}");

	rn_values_reset(vs);
	uint32_t a = rn_v_open(vs, "set", RN_V_ARRAY);
	vs->v[a].flags |= RN_VF_SPACED | RN_VF_INVERTED;
	rn_v_name(vs, NULL, "KILL");
	rn_v_name(vs, NULL, "STOP");
	rn_v_close(vs, a);
	uint32_t p = rn_v_ptr(vs, "dirp", 0x1000);
	rn_v_annotate(vs, p, RN_VF_COMMENT, "2 entries");
	uint32_t e = rn_v_uint(vs, "rlim", 8192 * 1024);
	rn_v_annotate(vs, e, RN_VF_EXPR, "8192*1024");
	uint32_t r = rn_v_text(vs, "timeout", "Timeout");
	vs->v[r].flags |= RN_VF_AFTER_RET;
	uint32_t l = rn_v_uint(vs, "left", 3);
	vs->v[l].flags |= RN_VF_AFTER_RET | RN_VF_NAMED;
	assert_string_equal(text(), "~[KILL STOP], 0x1000 /* 2 entries */, 8192*1024");
	rn_sbuf_reset(&K.out);
	rn_text_after_result(&K.out, &K.opt, vs->v, vs->bytes, 0, vs->n);
	assert_string_equal(rn_sbuf_cstr(&K.out), " (Timeout, left 3)");
}

int main(void)
{
	/* the date comments are local time, as strace's */
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_statx),
		cmocka_unit_test(test_statfs),
		cmocka_unit_test(test_time_structs),
		cmocka_unit_test(test_time_dates),
		cmocka_unit_test(test_timespec_rem),
		cmocka_unit_test(test_rlimit),
		cmocka_unit_test(test_process_structs),
		cmocka_unit_test(test_small_arrays),
		cmocka_unit_test(test_wait_status),
		cmocka_unit_test(test_sigset),
		cmocka_unit_test(test_sigaction),
		cmocka_unit_test(test_siginfo),
		cmocka_unit_test(test_stack_sigevent),
		cmocka_unit_test(test_sockaddr),
		cmocka_unit_test(test_socklen),
		cmocka_unit_test(test_iovec),
		cmocka_unit_test(test_msghdr),
		cmocka_unit_test(test_mmsghdr),
		cmocka_unit_test(test_sched_attr),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_fd_set),
		cmocka_unit_test(test_epoll_event),
		cmocka_unit_test(test_clone_args),
		cmocka_unit_test(test_open_how),
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_ipc),
		cmocka_unit_test(test_newer),
		cmocka_unit_test(test_dirents),
		cmocka_unit_test(test_loff_mq),
		cmocka_unit_test(test_render_forms),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rn_values_free(&K.vs);
	rn_sbuf_free(&K.out);
	return rc;
}
