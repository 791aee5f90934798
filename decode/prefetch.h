/*
 * prefetch.h - the tracer copies a stop's memory arguments itself.
 *
 * Why: a stop whose decoding reads memory used to be held until a worker
 * had read it, since a tracee that ran on could change the bytes first
 * (docs/DESIGN.md, "Correctness rules"): a futex wake, a worker scheduled
 * on the other CPU, the read, a hand-back. The round trip costs ~100 us of tracee
 * stop for a ~1 us read (perf/RESULTS.md, "Where the time goes"). Read by
 * the tracer while the tracee is still stopped, the bytes are as safe and
 * the stop far shorter.
 *
 * What: for each syscall and phase (entry, exit) a plan, computed once from
 * the syscall table, lists the reads its decoders make: a path or string
 * (up to PATH_MAX or -s bytes), a buffer (its length argument or the return
 * value, up to -s), a struct of a known fixed size, execve's vectors,
 * clone3's argument struct. The tracer performs
 * the plan while the tracee is stopped, sends the bytes with the record
 * (RN_REC_BYTES records before it) and resumes at once; the worker decodes
 * from that copy (mem.h snapshots). A call whose reads the table cannot
 * describe (structs with pointers or counted arrays, most whole-call
 * decoders, -y's descriptor paths, --process-summary's whole command lines)
 * has no plan and is held for its worker; so is a copy over 16 KiB. tests/unit/test_prefetch.c runs every plan against the decoders
 * and requires that they never read outside the copy.
 *
 * Ownership: built and used by the tracer thread; immutable once built.
 */
#ifndef RENACER_PREFETCH_H
#define RENACER_PREFETCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "syscalls/options.h"

enum rn_prefetch_kind {
	RN_PF_STR = 1, /* NUL-terminated, at most `size` bytes */
	RN_PF_BUF_ARG, /* buffer; length in argument `size`, at most -s */
	RN_PF_BUF_RET, /* buffer; length = the return value, at most -s */
	RN_PF_FIXED,   /* `size` bytes */
	RN_PF_ARGV,    /* execve's argv: the pointers, then -s bytes of each string */
	RN_PF_ENVP,    /* execve's envp: the pointers up to the NULL (counted) */
	RN_PF_CLONE_ARGS, /* clone3's struct (its length in argument `size`), its
			     set_tid array, and at exit the pidfd stored */
};

struct rn_prefetch_item {
	uint8_t argi;
	uint8_t kind;      /* enum rn_prefetch_kind */
	uint8_t on_error;  /* also read when the call failed (exit only) */
	uint32_t size;
};

struct rn_prefetch_plan {
	uint8_t ok; /* 1: the plan covers every read of this phase */
	uint8_t n;
	struct rn_prefetch_item items[6];
};

/* Plans per syscall number: [nr][0] entry, [nr][1] exit. */
struct rn_prefetch {
	struct rn_prefetch_plan (*plan)[2];
	unsigned count;
	size_t strsize;
};

struct rn_syscall;

/* Does the call take a descriptor -y names: an fd or dirfd argument, or
 * one inside what an argument points to (poll's and select's sets,
 * io_submit's iocbs, waitid's P_PIDFD, kcmp's KCMP_FILE indices, the
 * pidfd clone and clone3 store)? Its
 * stops are held for the worker's /proc read with -y and -P. */
int rn_syscall_takes_fd(const struct rn_syscall *sc);

/* 0, or -1 on allocation failure. decode_fds (-y, -P): calls that take
 * (rn_syscall_takes_fd) or return a descriptor get no plan (the worker
 * reads /proc). */
int rn_prefetch_init(struct rn_prefetch *pf, const struct rn_options *opt);
void rn_prefetch_free(struct rn_prefetch *pf);

/* The plan for nr's entry (exit = 0) or exit, or NULL when there is none. */
const struct rn_prefetch_plan *rn_prefetch_plan(const struct rn_prefetch *pf, long nr, int exit);

/* Perform a plan on a stopped tid: the regions go to buf (mem.h's stream
 * format). Returns the bytes used, or -1 when they do not fit in cap (the
 * caller then holds the tracee for its worker). ret/is_error: the exit's. */
long rn_prefetch_read(const struct rn_prefetch *pf, const struct rn_prefetch_plan *plan, pid_t tid,
		      const uint64_t args[6], int exit, int64_t ret, int is_error, uint8_t *buf,
		      size_t cap);

/* The fixed size of struct decoder NAME's read, or 0 when it reads more
 * than one fixed-size block (the table of decode/prefetch.c). */
uint32_t rn_prefetch_struct_size(const char *name);

#endif /* RENACER_PREFETCH_H */
