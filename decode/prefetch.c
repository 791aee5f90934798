/* prefetch.c - the tracer's copies of memory arguments (see
 * decode/prefetch.h). */
#define _GNU_SOURCE
#include "decode/prefetch.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <utime.h>

#include "base/mem.h"
#include "decode/decode.h"
#include "syscalls/syscalls.h"

/*
 * Struct decoders that read one block of a fixed size at the argument's
 * address and nothing else (no pointers inside, no counted arrays). The
 * sizes are those of the types the decoders in decode/ read; the unit
 * test checks every plan against the decoders themselves.
 */
static const struct {
	const char *name;
	uint32_t size;
} fixed_structs[] = {
	{ "stat", sizeof(struct stat) },
	{ "statfs", sizeof(struct statfs) },
	{ "statx", 256 },                       /* struct statx */
	{ "sigaction", 3 * sizeof(uint64_t) + 8 }, /* the kernel's, NSIG/8 bytes of mask */
	{ "sigset", 8 },
	{ "timespec", sizeof(struct timespec) },
	{ "timespec_rem", sizeof(struct timespec) },
	{ "timespec_pair", 2 * sizeof(struct timespec) },
	{ "itimerspec", 2 * sizeof(struct timespec) },
	{ "timeval", sizeof(struct timeval) },
	{ "timeval_pair", 2 * sizeof(struct timeval) },
	{ "itimerval", 2 * sizeof(struct timeval) },
	{ "timezone", 2 * sizeof(int) },
	{ "time_t", sizeof(time_t) },
	{ "loff_t", sizeof(int64_t) },
	{ "rlimit", sizeof(struct rlimit) },
	{ "rlimit64", sizeof(struct rlimit) },
	{ "rusage", sizeof(struct rusage) },
	{ "wait_status", sizeof(int) },
	{ "utsname", sizeof(struct utsname) },
	{ "sysinfo", sizeof(struct sysinfo) },
	{ "fd_pair", 2 * sizeof(int) },
	{ "tms", sizeof(struct tms) },
	{ "utimbuf", sizeof(struct utimbuf) },
	{ "stack_t", sizeof(stack_t) },
};

uint32_t rn_prefetch_struct_size(const char *name)
{
	for (size_t i = 0; name && i < sizeof(fixed_structs) / sizeof(fixed_structs[0]); i++)
		if (strcmp(fixed_structs[i].name, name) == 0)
			return fixed_structs[i].size;
	return 0;
}

/*
 * Whole-call decoders (decode/dec_calls.c) whose reads are still those
 * their arguments' types say (they only choose which arguments to show).
 * Any other whole-call decoder may read what it likes: no plan.
 */
static const char *const table_driven_calls[] = {
	"open", "openat", "mknod", "mknodat", "setxattr", "lsetxattr", "fsetxattr",
	"getxattr", "lgetxattr", "fgetxattr", "getrandom", "getcwd", "time", "socket",
	"socketpair", "personality", "membarrier", "mremap", "ioprio_get", "ioprio_set",
	"sched_getscheduler", "waitid", "kcmp",
};

static int table_driven(const struct rn_syscall *sc)
{
	if (!sc->decode)
		return 1;
	for (size_t i = 0; i < sizeof(table_driven_calls) / sizeof(table_driven_calls[0]); i++)
		if (strcmp(table_driven_calls[i], sc->name) == 0)
			return 1;
	return 0;
}

static int shown_at_exit(const struct rn_arg_desc *a)
{
	return a->type == RN_T_OBUF || a->type == RN_T_STRUCT_OUT || a->type == RN_T_STRUCT_IO;
}

static void add(struct rn_prefetch_plan *pl, unsigned argi, int kind, uint32_t size, int on_error)
{
	struct rn_prefetch_item *it = &pl->items[pl->n++];
	it->argi = (uint8_t)argi;
	it->kind = (uint8_t)kind;
	it->size = size;
	it->on_error = (uint8_t)on_error;
}

/* The read argument a makes in phase `exit` (the walk of decode/decode.c:
 * arguments before the first exit-shown one at entry, the rest at exit,
 * and struct_io ones at both). Returns 0 when the table cannot say. */
static int plan_arg(struct rn_prefetch_plan *pl, const struct rn_arg_desc *a, unsigned argi,
		    int exit, int in_exit_part, size_t strsize)
{
	uint32_t fixed = a->decode ? rn_prefetch_struct_size(a->sub) : 0;
	switch (a->type) {
	case RN_T_PATH:
	case RN_T_STR:
		if (exit == in_exit_part)
			add(pl, argi, RN_PF_STR, a->type == RN_T_PATH ? PATH_MAX - 1 : (uint32_t)strsize, 1);
		return 1;
	case RN_T_IBUF:
		if (exit == in_exit_part && a->len_arg >= 0)
			add(pl, argi, RN_PF_BUF_ARG, (uint32_t)a->len_arg, 1);
		return 1;
	case RN_T_OBUF:
		if (exit)
			add(pl, argi, RN_PF_BUF_RET, 0, 0);
		return 1;
	case RN_T_ARGV:
	case RN_T_ENVP:
		if (exit == in_exit_part)
			add(pl, argi, a->type == RN_T_ARGV ? RN_PF_ARGV : RN_PF_ENVP, 0, 1);
		return 1;
	case RN_T_STRUCT_IN: /* decoded where it stands, failed calls too */
		if (!a->decode || exit != in_exit_part)
			return 1;
		if (!fixed)
			return 0;
		add(pl, argi, RN_PF_FIXED, fixed, 1);
		return 1;
	case RN_T_STRUCT_OUT: /* decoded at exit when the call succeeded */
		if (!a->decode || !exit)
			return 1;
		if (!fixed)
			return 0;
		add(pl, argi, RN_PF_FIXED, fixed, 0);
		return 1;
	case RN_T_STRUCT_IO: /* read at entry (the saving pass) and at exit */
	case RN_T_STRUCT_INRET: /* read at entry (shown) and at exit (after ret) */
		if (!a->decode)
			return 1;
		if (!fixed)
			return 0;
		add(pl, argi, RN_PF_FIXED, fixed, 1);
		return 1;
	default:
		return 1; /* no memory */
	}
}

int rn_syscall_takes_fd(const struct rn_syscall *sc)
{
	static const char *const in_structs[] = { "poll", "ppoll", "select", "pselect6",
						  "io_submit", "io_cancel", "waitid", "kcmp", "clone",
						  "clone3" };
	for (unsigned i = 0; i < sc->nargs; i++)
		if (sc->args[i].type == RN_T_FD || sc->args[i].type == RN_T_DIRFD)
			return 1;
	for (size_t i = 0; i < sizeof(in_structs) / sizeof(in_structs[0]); i++)
		if (strcmp(sc->name, in_structs[i]) == 0)
			return 1;
	return 0;
}

static void plan_phase(struct rn_prefetch_plan *pl, const struct rn_syscall *sc, long nr,
		       int exit, const struct rn_options *opt)
{
	int fd_paths = opt->decode_fds || opt->filter.npaths;
	size_t strsize = (size_t)opt->strsize;
	memset(pl, 0, sizeof(*pl));
	/* -y, -P: the worker reads /proc while the tracee is held */
	if (fd_paths && (rn_syscall_takes_fd(sc) || sc->ret_type == RN_T_FD))
		return;
	if (strcmp(sc->name, "clone3") == 0) {
		/* Its whole-call decoder reads its struct and what that points
		 * to, nothing else: copy_clone_args. Every posix_spawn (make's
		 * jobs) would be held twice without it. */
		add(pl, 0, RN_PF_CLONE_ARGS, 1, 1);
		pl->ok = 1;
		return;
	}
	if (!table_driven(sc))
		return;
	/* -e read=/write=: the whole buffer is read at exit, as long as it is */
	if (rn_dump_call(opt, nr))
		return;
	/* --process-summary and the report read every argv string whole, in
	 * the worker; unabbreviated (-v), execve shows every string of both
	 * arrays, which no plan states: it is rehearsed. */
	if (opt->whole_commands || !rn_filter_abbrev(&opt->filter, nr))
		for (unsigned i = 0; i < sc->nargs; i++)
			if (sc->args[i].type == RN_T_ARGV || sc->args[i].type == RN_T_ENVP)
				return;
	unsigned first_exit = sc->nargs;
	for (unsigned i = 0; i < sc->nargs; i++) {
		if (shown_at_exit(&sc->args[i])) {
			first_exit = i;
			break;
		}
	}
	for (unsigned i = 0; i < sc->nargs; i++)
		if (!plan_arg(pl, &sc->args[i], i, exit, i >= first_exit, strsize))
			return;
	pl->ok = 1;
}

int rn_prefetch_init(struct rn_prefetch *pf, const struct rn_options *opt)
{
	pf->count = rn_syscall_count;
	pf->strsize = (size_t)opt->strsize;
	pf->plan = calloc(pf->count, sizeof(*pf->plan));
	if (!pf->plan)
		return -1;
	for (unsigned nr = 0; nr < pf->count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get(nr);
		if (!sc)
			continue;
		plan_phase(&pf->plan[nr][0], sc, nr, 0, opt);
		plan_phase(&pf->plan[nr][1], sc, nr, 1, opt);
	}
	return 0;
}

void rn_prefetch_free(struct rn_prefetch *pf)
{
	free(pf->plan);
	pf->plan = NULL;
}

const struct rn_prefetch_plan *rn_prefetch_plan(const struct rn_prefetch *pf, long nr, int exit)
{
	if (nr < 0 || (unsigned long)nr >= pf->count || !pf->plan[nr][exit != 0].ok)
		return NULL;
	return &pf->plan[nr][exit != 0];
}

/* Copy len bytes at addr the way rn_mem_read would read them: all, or the
 * readable start marked cut. */
static size_t copy_block(pid_t tid, uint64_t addr, uint32_t len, uint8_t *buf, size_t cap,
			 size_t used)
{
	uint8_t tmp[512];
	if (len > cap - used)
		return 0; /* cannot fit: do not read it first (-s 1000000) */
	uint8_t *p = len <= sizeof(tmp) ? tmp : malloc(len);
	if (!p)
		return 0;
	long n = rn_mem_read_some(tid, addr, p, len);
	if (n < 0)
		n = 0;
	used = rn_mem_snap_add(buf, cap, used, addr, p, (uint32_t)n,
			       (uint32_t)n < len ? RN_MEM_CUT : 0);
	if (p != tmp)
		free(p);
	return used;
}

/* Copy a string the way rn_mem_read_str reads it (mem.c's snap_read_str
 * gives the same answer from the copy). */
static size_t copy_str(pid_t tid, uint64_t addr, uint32_t max, uint8_t *buf, size_t cap,
		       size_t used)
{
	char tmp[512];
	char *p = max < sizeof(tmp) ? tmp : malloc((size_t)max + 1);
	if (!p)
		return 0;
	long n = rn_mem_read_str(tid, addr, p, max);
	if (n < 0) /* unreadable: an empty cut region */
		used = rn_mem_snap_add(buf, cap, used, addr, NULL, 0, RN_MEM_CUT);
	else if ((size_t)n > max) /* no NUL within max bytes */
		used = rn_mem_snap_add(buf, cap, used, addr, p, max, 0);
	else /* up to its NUL */
		used = rn_mem_snap_add(buf, cap, used, addr, p, (uint32_t)n + 1, 0);
	if (p != tmp)
		free(p);
	return used;
}

/*
 * Several strings of at most max bytes each, copied as copy_str would copy
 * them one by one but in one process_vm_readv for up to STRS_N of them
 * (execve's argv: 1 call instead of 1 or 2 per word). Each string's max + 1
 * bytes are read at once; the last says whether a string of max bytes is
 * exactly that long. The call stops at the first string that is not
 * readable whole that way (it ends near unreadable memory): copy_str
 * copies that one, the next call goes on after it.
 */
#define STRS_N 64
#define STRS_BYTES 4096

static size_t copy_strs(pid_t tid, const uint64_t *addrs, size_t n, uint32_t max, uint8_t *buf,
			size_t cap, size_t used)
{
	uint8_t tmp[STRS_BYTES];
	size_t per = (size_t)max + 1;
	size_t i = 0;
	while (i < n) {
		struct iovec local[STRS_N], remote[STRS_N];
		size_t k = 0;
		while (max > 0 && i + k < n && k < STRS_N && (k + 1) * per <= sizeof(tmp)) {
			remote[k].iov_base = (void *)(uintptr_t)addrs[i + k];
			remote[k].iov_len = per;
			local[k].iov_base = tmp + k * per;
			local[k].iov_len = per;
			k++;
		}
		ssize_t got = k ? process_vm_readv(tid, local, k, remote, k, 0) : -1;
		size_t whole = got > 0 ? (size_t)got / per : 0;
		for (size_t j = 0; j < whole; j++) {
			const uint8_t *str = tmp + j * per;
			const uint8_t *nul = memchr(str, '\0', per);
			/* up to its NUL (max bytes and the NUL: exactly max), or
			 * max bytes of a longer one: copy_str's regions */
			uint32_t len = nul ? (uint32_t)(nul - str) + 1 : max;
			used = rn_mem_snap_add(buf, cap, used, addrs[i + j], str, len, 0);
			if (used == 0)
				return 0;
		}
		i += whole;
		if (i < n) {
			used = copy_str(tid, addrs[i], max, buf, cap, used);
			if (used == 0)
				return 0;
			i++;
		}
	}
	return used;
}

/* Read back a pointer from the copy being made: the region just added. */
static void last_region(const uint8_t *buf, size_t start, struct rn_mem_region *r,
		       const uint8_t **bytes)
{
	memcpy(r, buf + start, sizeof(*r));
	*bytes = buf + start + sizeof(*r);
}

/* execve's argv as decode/decode.c's dec_argv reads it: the pointers (at
 * most -s + 1 of them, the last to see whether the array ends), then each
 * string up to -s bytes. */
static size_t copy_argv(pid_t tid, uint64_t addr, size_t strsize, uint8_t *buf, size_t cap,
			size_t used)
{
	size_t start = used;
	if (strsize + 1 > cap / 8)
		return 0; /* a huge -s: the worker reads it */
	used = copy_block(tid, addr, (uint32_t)(8 * (strsize + 1)), buf, cap, used);
	if (used == 0)
		return 0;
	struct rn_mem_region r;
	const uint8_t *ptrs;
	last_region(buf, start, &r, &ptrs);
	uint64_t words[256];
	size_t n = 0;
	for (size_t i = 0; i < strsize && 8 * (i + 1) <= r.len; i++) {
		uint64_t p;
		memcpy(&p, ptrs + 8 * i, sizeof(p));
		if (p == 0)
			break;
		words[n++] = p;
		if (n == sizeof(words) / sizeof(words[0])) {
			used = copy_strs(tid, words, n, (uint32_t)strsize, buf, cap, used);
			if (used == 0)
				return 0;
			n = 0;
		}
	}
	return n ? copy_strs(tid, words, n, (uint32_t)strsize, buf, cap, used) : used;
}

/* execve's envp as dec_envp reads it: 64 pointers at a time until one
 * of them is NULL or the memory ends. */
static size_t copy_envp(pid_t tid, uint64_t addr, uint8_t *buf, size_t cap, size_t used)
{
	for (uint64_t off = 0;; off += 512) {
		size_t start = used;
		used = copy_block(tid, addr + off, 512, buf, cap, used);
		if (used == 0)
			return 0;
		struct rn_mem_region r;
		const uint8_t *ptrs;
		last_region(buf, start, &r, &ptrs);
		if (r.flags & RN_MEM_CUT)
			return used;
		for (size_t i = 0; i < 64; i++) {
			uint64_t p;
			memcpy(&p, ptrs + 8 * i, sizeof(p));
			if (p == 0)
				return used;
		}
	}
}

/* clone3's arguments as decode/dec_misc.c's rn_dec_clone_args reads them:
 * the struct (the size argument's bytes, at most the 88 it knows), the
 * set_tid array (at most -s elements), and at the exit of a call that
 * succeeded with CLONE_PIDFD the int stored at pidfd. */
static size_t copy_clone_args(pid_t tid, uint64_t addr, uint64_t size, size_t strsize, int ok_exit,
			      uint8_t *buf, size_t cap, size_t used)
{
	enum { SET_TID = 64, SET_TID_SIZE = 72, FULL = 88 };
	size_t start = used;
	used = copy_block(tid, addr, (uint32_t)(size < FULL ? size : FULL), buf, cap, used);
	if (used == 0)
		return 0;
	struct rn_mem_region r;
	const uint8_t *ca;
	last_region(buf, start, &r, &ca);
	if (r.len < 64 || r.len < (size < FULL ? size : FULL))
		return used; /* the decoder shows the address */
	uint64_t flags, pidfd, set_tid = 0, n = 0;
	memcpy(&flags, ca, 8);
	memcpy(&pidfd, ca + 8, 8);
	if (r.len >= SET_TID_SIZE + 8) {
		memcpy(&set_tid, ca + SET_TID, 8);
		memcpy(&n, ca + SET_TID_SIZE, 8);
	}
	if (n && set_tid) {
		uint64_t k = n < strsize ? n : strsize;
		if (k * 4 > cap)
			return 0;
		used = copy_block(tid, set_tid, (uint32_t)(k ? k * 4 : 4), buf, cap, used);
		if (used == 0)
			return 0;
	}
	if (ok_exit && (flags & 0x1000 /* CLONE_PIDFD */) && pidfd)
		used = copy_block(tid, pidfd, 4, buf, cap, used);
	return used;
}

long rn_prefetch_read(const struct rn_prefetch *pf, const struct rn_prefetch_plan *plan, pid_t tid,
		      const uint64_t args[6], int exit, int64_t ret, int is_error, uint8_t *buf,
		      size_t cap)
{
	size_t used = 0;
	for (unsigned k = 0; k < plan->n; k++) {
		const struct rn_prefetch_item *it = &plan->items[k];
		uint64_t addr = args[it->argi];
		if (addr == 0 || (exit && is_error && !it->on_error))
			continue;
		size_t before = used;
		uint64_t len;
		switch (it->kind) {
		case RN_PF_STR:
			used = copy_str(tid, addr, it->size, buf, cap, used);
			break;
		case RN_PF_BUF_ARG:
		case RN_PF_BUF_RET:
			len = it->kind == RN_PF_BUF_ARG ? args[it->size] : (uint64_t)ret;
			if (it->kind == RN_PF_BUF_RET && ret < 0)
				continue;
			if (len > pf->strsize)
				len = pf->strsize;
			if (len == 0)
				continue;
			used = copy_block(tid, addr, (uint32_t)len, buf, cap, used);
			break;
		case RN_PF_ARGV:
			used = copy_argv(tid, addr, pf->strsize, buf, cap, used);
			break;
		case RN_PF_ENVP:
			used = copy_envp(tid, addr, buf, cap, used);
			break;
		case RN_PF_CLONE_ARGS:
			if (args[it->size] < 8)
				continue; /* too small to read */
			used = copy_clone_args(tid, addr, args[it->size], pf->strsize, exit && !is_error, buf,
					       cap, used);
			break;
		default:
			used = copy_block(tid, addr, it->size, buf, cap, used);
			break;
		}
		if (used <= before)
			return -1; /* did not fit */
	}
	return (long)used;
}
