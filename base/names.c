/*
 * names.c - errno, signal and si_code names as strace 6.1 prints them on
 * Linux/x86-64.
 *
 * Every answer comes from an immutable table: no strerror(), no locale, so
 * the lookups are deterministic and safe from any thread.  The texts of the
 * ordinary errnos are glibc's strerror() messages, which strace prints; the
 * kernel-internal codes (512 and up) carry strace's own wording for the four
 * ERESTART* codes and glibc's "Unknown error N" for the rest.  Codes strace
 * 6.1 does not name (41, 58, 519, 520, >= 134 below 512, ...) are NULL.
 */
#include <stddef.h>

#include "base/names.h"

struct errno_entry {
	const char *name;
	const char *msg;
};

/* Where names alias (EWOULDBLOCK, EDEADLOCK, ENOTSUP) strace prints the
 * first spelling: EAGAIN, EDEADLK, EOPNOTSUPP. */
static const struct errno_entry errnos[] = {
	[1] = { "EPERM", "Operation not permitted" },
	[2] = { "ENOENT", "No such file or directory" },
	[3] = { "ESRCH", "No such process" },
	[4] = { "EINTR", "Interrupted system call" },
	[5] = { "EIO", "Input/output error" },
	[6] = { "ENXIO", "No such device or address" },
	[7] = { "E2BIG", "Argument list too long" },
	[8] = { "ENOEXEC", "Exec format error" },
	[9] = { "EBADF", "Bad file descriptor" },
	[10] = { "ECHILD", "No child processes" },
	[11] = { "EAGAIN", "Resource temporarily unavailable" },
	[12] = { "ENOMEM", "Cannot allocate memory" },
	[13] = { "EACCES", "Permission denied" },
	[14] = { "EFAULT", "Bad address" },
	[15] = { "ENOTBLK", "Block device required" },
	[16] = { "EBUSY", "Device or resource busy" },
	[17] = { "EEXIST", "File exists" },
	[18] = { "EXDEV", "Invalid cross-device link" },
	[19] = { "ENODEV", "No such device" },
	[20] = { "ENOTDIR", "Not a directory" },
	[21] = { "EISDIR", "Is a directory" },
	[22] = { "EINVAL", "Invalid argument" },
	[23] = { "ENFILE", "Too many open files in system" },
	[24] = { "EMFILE", "Too many open files" },
	[25] = { "ENOTTY", "Inappropriate ioctl for device" },
	[26] = { "ETXTBSY", "Text file busy" },
	[27] = { "EFBIG", "File too large" },
	[28] = { "ENOSPC", "No space left on device" },
	[29] = { "ESPIPE", "Illegal seek" },
	[30] = { "EROFS", "Read-only file system" },
	[31] = { "EMLINK", "Too many links" },
	[32] = { "EPIPE", "Broken pipe" },
	[33] = { "EDOM", "Numerical argument out of domain" },
	[34] = { "ERANGE", "Numerical result out of range" },
	[35] = { "EDEADLK", "Resource deadlock avoided" },
	[36] = { "ENAMETOOLONG", "File name too long" },
	[37] = { "ENOLCK", "No locks available" },
	[38] = { "ENOSYS", "Function not implemented" },
	[39] = { "ENOTEMPTY", "Directory not empty" },
	[40] = { "ELOOP", "Too many levels of symbolic links" },
	[42] = { "ENOMSG", "No message of desired type" },
	[43] = { "EIDRM", "Identifier removed" },
	[44] = { "ECHRNG", "Channel number out of range" },
	[45] = { "EL2NSYNC", "Level 2 not synchronized" },
	[46] = { "EL3HLT", "Level 3 halted" },
	[47] = { "EL3RST", "Level 3 reset" },
	[48] = { "ELNRNG", "Link number out of range" },
	[49] = { "EUNATCH", "Protocol driver not attached" },
	[50] = { "ENOCSI", "No CSI structure available" },
	[51] = { "EL2HLT", "Level 2 halted" },
	[52] = { "EBADE", "Invalid exchange" },
	[53] = { "EBADR", "Invalid request descriptor" },
	[54] = { "EXFULL", "Exchange full" },
	[55] = { "ENOANO", "No anode" },
	[56] = { "EBADRQC", "Invalid request code" },
	[57] = { "EBADSLT", "Invalid slot" },
	[59] = { "EBFONT", "Bad font file format" },
	[60] = { "ENOSTR", "Device not a stream" },
	[61] = { "ENODATA", "No data available" },
	[62] = { "ETIME", "Timer expired" },
	[63] = { "ENOSR", "Out of streams resources" },
	[64] = { "ENONET", "Machine is not on the network" },
	[65] = { "ENOPKG", "Package not installed" },
	[66] = { "EREMOTE", "Object is remote" },
	[67] = { "ENOLINK", "Link has been severed" },
	[68] = { "EADV", "Advertise error" },
	[69] = { "ESRMNT", "Srmount error" },
	[70] = { "ECOMM", "Communication error on send" },
	[71] = { "EPROTO", "Protocol error" },
	[72] = { "EMULTIHOP", "Multihop attempted" },
	[73] = { "EDOTDOT", "RFS specific error" },
	[74] = { "EBADMSG", "Bad message" },
	[75] = { "EOVERFLOW", "Value too large for defined data type" },
	[76] = { "ENOTUNIQ", "Name not unique on network" },
	[77] = { "EBADFD", "File descriptor in bad state" },
	[78] = { "EREMCHG", "Remote address changed" },
	[79] = { "ELIBACC", "Can not access a needed shared library" },
	[80] = { "ELIBBAD", "Accessing a corrupted shared library" },
	[81] = { "ELIBSCN", ".lib section in a.out corrupted" },
	[82] = { "ELIBMAX", "Attempting to link in too many shared libraries" },
	[83] = { "ELIBEXEC", "Cannot exec a shared library directly" },
	[84] = { "EILSEQ", "Invalid or incomplete multibyte or wide character" },
	[85] = { "ERESTART", "Interrupted system call should be restarted" },
	[86] = { "ESTRPIPE", "Streams pipe error" },
	[87] = { "EUSERS", "Too many users" },
	[88] = { "ENOTSOCK", "Socket operation on non-socket" },
	[89] = { "EDESTADDRREQ", "Destination address required" },
	[90] = { "EMSGSIZE", "Message too long" },
	[91] = { "EPROTOTYPE", "Protocol wrong type for socket" },
	[92] = { "ENOPROTOOPT", "Protocol not available" },
	[93] = { "EPROTONOSUPPORT", "Protocol not supported" },
	[94] = { "ESOCKTNOSUPPORT", "Socket type not supported" },
	[95] = { "EOPNOTSUPP", "Operation not supported" },
	[96] = { "EPFNOSUPPORT", "Protocol family not supported" },
	[97] = { "EAFNOSUPPORT", "Address family not supported by protocol" },
	[98] = { "EADDRINUSE", "Address already in use" },
	[99] = { "EADDRNOTAVAIL", "Cannot assign requested address" },
	[100] = { "ENETDOWN", "Network is down" },
	[101] = { "ENETUNREACH", "Network is unreachable" },
	[102] = { "ENETRESET", "Network dropped connection on reset" },
	[103] = { "ECONNABORTED", "Software caused connection abort" },
	[104] = { "ECONNRESET", "Connection reset by peer" },
	[105] = { "ENOBUFS", "No buffer space available" },
	[106] = { "EISCONN", "Transport endpoint is already connected" },
	[107] = { "ENOTCONN", "Transport endpoint is not connected" },
	[108] = { "ESHUTDOWN", "Cannot send after transport endpoint shutdown" },
	[109] = { "ETOOMANYREFS", "Too many references: cannot splice" },
	[110] = { "ETIMEDOUT", "Connection timed out" },
	[111] = { "ECONNREFUSED", "Connection refused" },
	[112] = { "EHOSTDOWN", "Host is down" },
	[113] = { "EHOSTUNREACH", "No route to host" },
	[114] = { "EALREADY", "Operation already in progress" },
	[115] = { "EINPROGRESS", "Operation now in progress" },
	[116] = { "ESTALE", "Stale file handle" },
	[117] = { "EUCLEAN", "Structure needs cleaning" },
	[118] = { "ENOTNAM", "Not a XENIX named type file" },
	[119] = { "ENAVAIL", "No XENIX semaphores available" },
	[120] = { "EISNAM", "Is a named type file" },
	[121] = { "EREMOTEIO", "Remote I/O error" },
	[122] = { "EDQUOT", "Disk quota exceeded" },
	[123] = { "ENOMEDIUM", "No medium found" },
	[124] = { "EMEDIUMTYPE", "Wrong medium type" },
	[125] = { "ECANCELED", "Operation canceled" },
	[126] = { "ENOKEY", "Required key not available" },
	[127] = { "EKEYEXPIRED", "Key has expired" },
	[128] = { "EKEYREVOKED", "Key has been revoked" },
	[129] = { "EKEYREJECTED", "Key was rejected by service" },
	[130] = { "EOWNERDEAD", "Owner died" },
	[131] = { "ENOTRECOVERABLE", "State not recoverable" },
	[132] = { "ERFKILL", "Operation not possible due to RF-kill" },
	[133] = { "EHWPOISON", "Memory page has hardware error" },
};

/* Kernel-internal codes (include/linux/errno.h), never seen by user space
 * except through a tracer.  519 (ENOPARAM) and 520 are unknown to strace
 * 6.1, which prints them as "(errno 519)". */
#define RN_ERRNO_INTERNAL_BASE 512
static const struct errno_entry errnos_internal[] = {
	[512 - RN_ERRNO_INTERNAL_BASE] = { "ERESTARTSYS",
		"To be restarted if SA_RESTART is set" },
	[513 - RN_ERRNO_INTERNAL_BASE] = { "ERESTARTNOINTR", "To be restarted" },
	[514 - RN_ERRNO_INTERNAL_BASE] = { "ERESTARTNOHAND",
		"To be restarted if no handler" },
	[515 - RN_ERRNO_INTERNAL_BASE] = { "ENOIOCTLCMD", "Unknown error 515" },
	[516 - RN_ERRNO_INTERNAL_BASE] = { "ERESTART_RESTARTBLOCK",
		"Interrupted by signal" },
	[517 - RN_ERRNO_INTERNAL_BASE] = { "EPROBE_DEFER", "Unknown error 517" },
	[518 - RN_ERRNO_INTERNAL_BASE] = { "EOPENSTALE", "Unknown error 518" },
	[521 - RN_ERRNO_INTERNAL_BASE] = { "EBADHANDLE", "Unknown error 521" },
	[522 - RN_ERRNO_INTERNAL_BASE] = { "ENOTSYNC", "Unknown error 522" },
	[523 - RN_ERRNO_INTERNAL_BASE] = { "EBADCOOKIE", "Unknown error 523" },
	[524 - RN_ERRNO_INTERNAL_BASE] = { "ENOTSUPP", "Unknown error 524" },
	[525 - RN_ERRNO_INTERNAL_BASE] = { "ETOOSMALL", "Unknown error 525" },
	[526 - RN_ERRNO_INTERNAL_BASE] = { "ESERVERFAULT", "Unknown error 526" },
	[527 - RN_ERRNO_INTERNAL_BASE] = { "EBADTYPE", "Unknown error 527" },
	[528 - RN_ERRNO_INTERNAL_BASE] = { "EJUKEBOX", "Unknown error 528" },
	[529 - RN_ERRNO_INTERNAL_BASE] = { "EIOCBQUEUED", "Unknown error 529" },
	[530 - RN_ERRNO_INTERNAL_BASE] = { "ERECALLCONFLICT",
		"Unknown error 530" },
};

#define RN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct errno_entry *errno_lookup(int err)
{
	const struct errno_entry *e = NULL;

	if (err > 0 && (size_t)err < RN_COUNT(errnos))
		e = &errnos[err];
	else if (err >= RN_ERRNO_INTERNAL_BASE &&
		 (size_t)(err - RN_ERRNO_INTERNAL_BASE) <
			 RN_COUNT(errnos_internal))
		e = &errnos_internal[err - RN_ERRNO_INTERNAL_BASE];
	if (e != NULL && e->name == NULL)
		e = NULL;
	return e;
}

const char *rn_errno_name(int err)
{
	const struct errno_entry *e = errno_lookup(err);

	return e != NULL ? e->name : NULL;
}

const char *rn_errno_message(int err)
{
	const struct errno_entry *e = errno_lookup(err);

	return e != NULL ? e->msg : NULL;
}

/* x86-64 numbering.  Aliases print as strace does: SIGIOT -> SIGABRT,
 * SIGPOLL -> SIGIO, SIGCLD -> SIGCHLD.  Real-time signals are counted from
 * the kernel's SIGRTMIN (32), not glibc's: 32 is SIGRTMIN, 33 SIGRT_1, ...,
 * 64 SIGRT_32. */
static const char *const signals[] = {
	[1] = "SIGHUP",     [2] = "SIGINT",     [3] = "SIGQUIT",
	[4] = "SIGILL",     [5] = "SIGTRAP",    [6] = "SIGABRT",
	[7] = "SIGBUS",     [8] = "SIGFPE",     [9] = "SIGKILL",
	[10] = "SIGUSR1",   [11] = "SIGSEGV",   [12] = "SIGUSR2",
	[13] = "SIGPIPE",   [14] = "SIGALRM",   [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD",   [18] = "SIGCONT",
	[19] = "SIGSTOP",   [20] = "SIGTSTP",   [21] = "SIGTTIN",
	[22] = "SIGTTOU",   [23] = "SIGURG",    [24] = "SIGXCPU",
	[25] = "SIGXFSZ",   [26] = "SIGVTALRM", [27] = "SIGPROF",
	[28] = "SIGWINCH",  [29] = "SIGIO",     [30] = "SIGPWR",
	[31] = "SIGSYS",
	[32] = "SIGRTMIN",
	[33] = "SIGRT_1",   [34] = "SIGRT_2",   [35] = "SIGRT_3",
	[36] = "SIGRT_4",   [37] = "SIGRT_5",   [38] = "SIGRT_6",
	[39] = "SIGRT_7",   [40] = "SIGRT_8",   [41] = "SIGRT_9",
	[42] = "SIGRT_10",  [43] = "SIGRT_11",  [44] = "SIGRT_12",
	[45] = "SIGRT_13",  [46] = "SIGRT_14",  [47] = "SIGRT_15",
	[48] = "SIGRT_16",  [49] = "SIGRT_17",  [50] = "SIGRT_18",
	[51] = "SIGRT_19",  [52] = "SIGRT_20",  [53] = "SIGRT_21",
	[54] = "SIGRT_22",  [55] = "SIGRT_23",  [56] = "SIGRT_24",
	[57] = "SIGRT_25",  [58] = "SIGRT_26",  [59] = "SIGRT_27",
	[60] = "SIGRT_28",  [61] = "SIGRT_29",  [62] = "SIGRT_30",
	[63] = "SIGRT_31",  [64] = "SIGRT_32",
};

const char *rn_signal_name(int sig)
{
	if (sig <= 0 || (size_t)sig >= RN_COUNT(signals))
		return NULL;
	return signals[sig];
}

/* si_code values common to all signals (<= 0, and SI_KERNEL). */
static const char *sicode_generic(int code)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	default: return NULL;
	}
}

static const char *const sicodes_ill[] = {
	[1] = "ILL_ILLOPC", [2] = "ILL_ILLOPN", [3] = "ILL_ILLADR",
	[4] = "ILL_ILLTRP", [5] = "ILL_PRVOPC", [6] = "ILL_PRVREG",
	[7] = "ILL_COPROC", [8] = "ILL_BADSTK", [9] = "ILL_BADIADDR",
};
/* 9..13 are ia64-only (FPE_DECOVF..FPE_INVDEC): strace prints numbers. */
static const char *const sicodes_fpe[] = {
	[1] = "FPE_INTDIV", [2] = "FPE_INTOVF", [3] = "FPE_FLTDIV",
	[4] = "FPE_FLTOVF", [5] = "FPE_FLTUND", [6] = "FPE_FLTRES",
	[7] = "FPE_FLTINV", [8] = "FPE_FLTSUB", [14] = "FPE_FLTUNK",
	[15] = "FPE_CONDTRAP",
};
static const char *const sicodes_segv[] = {
	[1] = "SEGV_MAPERR",  [2] = "SEGV_ACCERR",  [3] = "SEGV_BNDERR",
	[4] = "SEGV_PKUERR",  [5] = "SEGV_ACCADI",  [6] = "SEGV_ADIDERR",
	[7] = "SEGV_ADIPERR", [8] = "SEGV_MTEAERR", [9] = "SEGV_MTESERR",
};
static const char *const sicodes_bus[] = {
	[1] = "BUS_ADRALN", [2] = "BUS_ADRERR", [3] = "BUS_OBJERR",
	[4] = "BUS_MCEERR_AR", [5] = "BUS_MCEERR_AO",
};
static const char *const sicodes_trap[] = {
	[1] = "TRAP_BRKPT", [2] = "TRAP_TRACE", [3] = "TRAP_BRANCH",
	[4] = "TRAP_HWBKPT", [5] = "TRAP_UNK", [6] = "TRAP_PERF",
};
static const char *const sicodes_chld[] = {
	[1] = "CLD_EXITED", [2] = "CLD_KILLED", [3] = "CLD_DUMPED",
	[4] = "CLD_TRAPPED", [5] = "CLD_STOPPED", [6] = "CLD_CONTINUED",
};
static const char *const sicodes_poll[] = {
	[1] = "POLL_IN", [2] = "POLL_OUT", [3] = "POLL_MSG",
	[4] = "POLL_ERR", [5] = "POLL_PRI", [6] = "POLL_HUP",
};
static const char *const sicodes_sys[] = {
	[1] = "SYS_SECCOMP", [2] = "SYS_USER_DISPATCH",
};

#define RN_SICODE(tab, code) \
	((size_t)(code) < RN_COUNT(tab) ? (tab)[code] : NULL)

const char *rn_sicode_name(int sig, int code)
{
	if (code <= 0 || code == 0x80)
		return sicode_generic(code);
	switch (sig) {
	case 4: return RN_SICODE(sicodes_ill, code);    /* SIGILL */
	case 8: return RN_SICODE(sicodes_fpe, code);    /* SIGFPE */
	case 11: return RN_SICODE(sicodes_segv, code);  /* SIGSEGV */
	case 7: return RN_SICODE(sicodes_bus, code);    /* SIGBUS */
	case 5: return RN_SICODE(sicodes_trap, code);   /* SIGTRAP */
	case 17: return RN_SICODE(sicodes_chld, code);  /* SIGCHLD */
	case 29: return RN_SICODE(sicodes_poll, code);  /* SIGIO */
	case 31: return RN_SICODE(sicodes_sys, code);   /* SIGSYS */
	default: return NULL;
	}
}
