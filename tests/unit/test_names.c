/*
 * test_names.c - errno, signal and si_code names (base/names.c), checked
 * against what strace 6.1 prints on Linux/x86-64.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/names.h"

/* Every errno strace 6.1 names below 512, by the header's own macros. */
#define E_(x) { x, #x }
static const struct {
	int value;
	const char *name;
} known[] = {
	E_(EPERM),
	E_(ENOENT),
	E_(ESRCH),
	E_(EINTR),
	E_(EIO),
	E_(ENXIO),
	E_(E2BIG),
	E_(ENOEXEC),
	E_(EBADF),
	E_(ECHILD),
	E_(EAGAIN),
	E_(ENOMEM),
	E_(EACCES),
	E_(EFAULT),
	E_(ENOTBLK),
	E_(EBUSY),
	E_(EEXIST),
	E_(EXDEV),
	E_(ENODEV),
	E_(ENOTDIR),
	E_(EISDIR),
	E_(EINVAL),
	E_(ENFILE),
	E_(EMFILE),
	E_(ENOTTY),
	E_(ETXTBSY),
	E_(EFBIG),
	E_(ENOSPC),
	E_(ESPIPE),
	E_(EROFS),
	E_(EMLINK),
	E_(EPIPE),
	E_(EDOM),
	E_(ERANGE),
	E_(EDEADLK),
	E_(ENAMETOOLONG),
	E_(ENOLCK),
	E_(ENOSYS),
	E_(ENOTEMPTY),
	E_(ELOOP),
	E_(ENOMSG),
	E_(EIDRM),
	E_(ECHRNG),
	E_(EL2NSYNC),
	E_(EL3HLT),
	E_(EL3RST),
	E_(ELNRNG),
	E_(EUNATCH),
	E_(ENOCSI),
	E_(EL2HLT),
	E_(EBADE),
	E_(EBADR),
	E_(EXFULL),
	E_(ENOANO),
	E_(EBADRQC),
	E_(EBADSLT),
	E_(EBFONT),
	E_(ENOSTR),
	E_(ENODATA),
	E_(ETIME),
	E_(ENOSR),
	E_(ENONET),
	E_(ENOPKG),
	E_(EREMOTE),
	E_(ENOLINK),
	E_(EADV),
	E_(ESRMNT),
	E_(ECOMM),
	E_(EPROTO),
	E_(EMULTIHOP),
	E_(EDOTDOT),
	E_(EBADMSG),
	E_(EOVERFLOW),
	E_(ENOTUNIQ),
	E_(EBADFD),
	E_(EREMCHG),
	E_(ELIBACC),
	E_(ELIBBAD),
	E_(ELIBSCN),
	E_(ELIBMAX),
	E_(ELIBEXEC),
	E_(EILSEQ),
	E_(ERESTART),
	E_(ESTRPIPE),
	E_(EUSERS),
	E_(ENOTSOCK),
	E_(EDESTADDRREQ),
	E_(EMSGSIZE),
	E_(EPROTOTYPE),
	E_(ENOPROTOOPT),
	E_(EPROTONOSUPPORT),
	E_(ESOCKTNOSUPPORT),
	E_(EOPNOTSUPP),
	E_(EPFNOSUPPORT),
	E_(EAFNOSUPPORT),
	E_(EADDRINUSE),
	E_(EADDRNOTAVAIL),
	E_(ENETDOWN),
	E_(ENETUNREACH),
	E_(ENETRESET),
	E_(ECONNABORTED),
	E_(ECONNRESET),
	E_(ENOBUFS),
	E_(EISCONN),
	E_(ENOTCONN),
	E_(ESHUTDOWN),
	E_(ETOOMANYREFS),
	E_(ETIMEDOUT),
	E_(ECONNREFUSED),
	E_(EHOSTDOWN),
	E_(EHOSTUNREACH),
	E_(EALREADY),
	E_(EINPROGRESS),
	E_(ESTALE),
	E_(EUCLEAN),
	E_(ENOTNAM),
	E_(ENAVAIL),
	E_(EISNAM),
	E_(EREMOTEIO),
	E_(EDQUOT),
	E_(ENOMEDIUM),
	E_(EMEDIUMTYPE),
	E_(ECANCELED),
	E_(ENOKEY),
	E_(EKEYEXPIRED),
	E_(EKEYREVOKED),
	E_(EKEYREJECTED),
	E_(EOWNERDEAD),
	E_(ENOTRECOVERABLE),
	E_(ERFKILL),
	E_(EHWPOISON),
};

static void test_errno_basic(void **state)
{
	(void)state;
	assert_string_equal(rn_errno_name(ENOENT), "ENOENT");
	assert_string_equal(rn_errno_message(ENOENT),
			    "No such file or directory");
	assert_string_equal(rn_errno_name(11), "EAGAIN");
	assert_string_equal(rn_errno_name(EWOULDBLOCK), "EAGAIN");
	assert_string_equal(rn_errno_message(11),
			    "Resource temporarily unavailable");
	assert_string_equal(rn_errno_name(EDEADLOCK), "EDEADLK");
	assert_string_equal(rn_errno_name(ENOTSUP), "EOPNOTSUPP");
	assert_string_equal(rn_errno_message(EOPNOTSUPP),
			    "Operation not supported");
	assert_string_equal(rn_errno_name(EPERM), "EPERM");
	assert_string_equal(rn_errno_message(EPERM), "Operation not permitted");
	assert_string_equal(rn_errno_name(133), "EHWPOISON");
	assert_string_equal(rn_errno_message(ENOSYS),
			    "Function not implemented");
}

static void test_errno_unknown(void **state)
{
	(void)state;
	int unknown[] = { 0, -1, -2, 41, 58, 134, 200, 511, 519, 520, 531,
			  4095, 4096, 1 << 30 };

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_null(rn_errno_name(unknown[i]));
		assert_null(rn_errno_message(unknown[i]));
	}
}

static void test_errno_all(void **state)
{
	int named = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_string_equal(rn_errno_name(known[i].value),
				    known[i].name);
		/* strace prints glibc's message: compare in the C locale. */
		assert_string_equal(rn_errno_message(known[i].value),
				    strerror(known[i].value));
	}
	for (int e = 1; e < 512; e++)
		if (rn_errno_name(e) != NULL) {
			named++;
			assert_non_null(rn_errno_message(e));
		}
	assert_int_equal(named, 131);
	assert_int_equal(sizeof(known) / sizeof(known[0]), 131);
}

static void test_errno_internal(void **state)
{
	(void)state;
	assert_string_equal(rn_errno_name(512), "ERESTARTSYS");
	assert_string_equal(rn_errno_message(512),
			    "To be restarted if SA_RESTART is set");
	assert_string_equal(rn_errno_name(513), "ERESTARTNOINTR");
	assert_string_equal(rn_errno_message(513), "To be restarted");
	assert_string_equal(rn_errno_name(514), "ERESTARTNOHAND");
	assert_string_equal(rn_errno_message(514),
			    "To be restarted if no handler");
	assert_string_equal(rn_errno_name(516), "ERESTART_RESTARTBLOCK");
	assert_string_equal(rn_errno_message(516), "Interrupted by signal");
	assert_string_equal(rn_errno_name(515), "ENOIOCTLCMD");
	assert_string_equal(rn_errno_message(515), "Unknown error 515");
	assert_string_equal(rn_errno_name(517), "EPROBE_DEFER");
	assert_string_equal(rn_errno_name(518), "EOPENSTALE");
	assert_string_equal(rn_errno_name(521), "EBADHANDLE");
	assert_string_equal(rn_errno_name(524), "ENOTSUPP");
	assert_string_equal(rn_errno_name(528), "EJUKEBOX");
	assert_string_equal(rn_errno_name(530), "ERECALLCONFLICT");
	assert_string_equal(rn_errno_message(530), "Unknown error 530");
	for (int e = 512; e <= 530; e++) {
		char buf[32];

		if (e == 519 || e == 520)
			continue;
		assert_non_null(rn_errno_name(e));
		if (e >= 512 && e <= 514)
			continue;
		if (e == 516)
			continue;
		snprintf(buf, sizeof(buf), "Unknown error %d", e);
		assert_string_equal(rn_errno_message(e), buf);
	}
}

static void test_signals(void **state)
{
	(void)state;
	assert_string_equal(rn_signal_name(SIGCHLD), "SIGCHLD");
	assert_string_equal(rn_signal_name(17), "SIGCHLD");
	assert_string_equal(rn_signal_name(1), "SIGHUP");
	assert_string_equal(rn_signal_name(SIGABRT), "SIGABRT");
	assert_string_equal(rn_signal_name(SIGIOT), "SIGABRT");
	assert_string_equal(rn_signal_name(SIGPOLL), "SIGIO");
	assert_string_equal(rn_signal_name(SIGKILL), "SIGKILL");
	assert_string_equal(rn_signal_name(SIGSTKFLT), "SIGSTKFLT");
	assert_string_equal(rn_signal_name(SIGPWR), "SIGPWR");
	assert_string_equal(rn_signal_name(31), "SIGSYS");
	/* strace counts from the kernel's SIGRTMIN, 32. */
	assert_string_equal(rn_signal_name(32), "SIGRTMIN");
	assert_string_equal(rn_signal_name(33), "SIGRT_1");
	assert_string_equal(rn_signal_name(34), "SIGRT_2");
	assert_string_equal(rn_signal_name(35), "SIGRT_3");
	assert_string_equal(rn_signal_name(64), "SIGRT_32");
	assert_null(rn_signal_name(0));
	assert_null(rn_signal_name(-1));
	assert_null(rn_signal_name(65));
	assert_null(rn_signal_name(1000));
	for (int s = 1; s <= 64; s++) {
		const char *n = rn_signal_name(s);

		assert_non_null(n);
		assert_memory_equal(n, "SIG", 3);
		if (s >= 33) {
			char buf[16];

			snprintf(buf, sizeof(buf), "SIGRT_%d", s - 32);
			assert_string_equal(n, buf);
		}
	}
}

static void test_sicodes(void **state)
{
	(void)state;
	assert_string_equal(rn_sicode_name(SIGCHLD, CLD_EXITED), "CLD_EXITED");
	assert_string_equal(rn_sicode_name(SIGCHLD, CLD_KILLED), "CLD_KILLED");
	assert_string_equal(rn_sicode_name(SIGCHLD, CLD_CONTINUED),
			    "CLD_CONTINUED");
	assert_string_equal(rn_sicode_name(SIGSEGV, SEGV_MAPERR),
			    "SEGV_MAPERR");
	assert_string_equal(rn_sicode_name(SIGSEGV, SEGV_ACCERR),
			    "SEGV_ACCERR");
	assert_string_equal(rn_sicode_name(SIGSEGV, 4), "SEGV_PKUERR");
	assert_string_equal(rn_sicode_name(SIGBUS, BUS_ADRERR), "BUS_ADRERR");
	assert_string_equal(rn_sicode_name(SIGILL, ILL_ILLOPC), "ILL_ILLOPC");
	assert_string_equal(rn_sicode_name(SIGFPE, FPE_INTDIV), "FPE_INTDIV");
	assert_string_equal(rn_sicode_name(SIGFPE, 14), "FPE_FLTUNK");
	assert_null(rn_sicode_name(SIGFPE, 9));
	assert_string_equal(rn_sicode_name(SIGTRAP, 1), "TRAP_BRKPT");
	assert_string_equal(rn_sicode_name(SIGTRAP, 6), "TRAP_PERF");
	assert_string_equal(rn_sicode_name(SIGIO, POLL_IN), "POLL_IN");
	assert_string_equal(rn_sicode_name(SIGSYS, 1), "SYS_SECCOMP");

	assert_string_equal(rn_sicode_name(SIGUSR1, SI_USER), "SI_USER");
	assert_string_equal(rn_sicode_name(SIGCHLD, SI_USER), "SI_USER");
	assert_string_equal(rn_sicode_name(SIGSEGV, SI_KERNEL), "SI_KERNEL");
	assert_string_equal(rn_sicode_name(SIGUSR1, SI_QUEUE), "SI_QUEUE");
	assert_string_equal(rn_sicode_name(SIGUSR1, SI_TIMER), "SI_TIMER");
	assert_string_equal(rn_sicode_name(SIGUSR1, SI_MESGQ), "SI_MESGQ");
	assert_string_equal(rn_sicode_name(SIGUSR1, SI_ASYNCIO), "SI_ASYNCIO");
	assert_string_equal(rn_sicode_name(SIGIO, SI_SIGIO), "SI_SIGIO");
	assert_string_equal(rn_sicode_name(SIGTERM, SI_TKILL), "SI_TKILL");
	assert_string_equal(rn_sicode_name(SIGUSR1, -7), "SI_DETHREAD");
	assert_string_equal(rn_sicode_name(SIGUSR1, -60), "SI_ASYNCNL");

	assert_null(rn_sicode_name(SIGUSR1, 1));
	assert_null(rn_sicode_name(SIGCHLD, 7));
	assert_null(rn_sicode_name(SIGSEGV, 1000));
	assert_null(rn_sicode_name(SIGUSR1, -8));
	assert_null(rn_sicode_name(SIGUSR1, -59));
	assert_null(rn_sicode_name(SIGCHLD, 0x81));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno_basic),
		cmocka_unit_test(test_errno_unknown),
		cmocka_unit_test(test_errno_all),
		cmocka_unit_test(test_errno_internal),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_sicodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
