/*
 * seccomp_filter.h - the seccomp-bpf program that makes untraced syscalls
 * free: SECCOMP_RET_TRACE for the syscalls a struct rn_filter traces,
 * SECCOMP_RET_ALLOW for the rest, so the tracee stops (PTRACE_EVENT_SECCOMP,
 * with PTRACE_O_TRACESECCOMP) only where renacer will print something.
 *
 * Contract: the program is built by the main thread from the finished
 * rn_filter before the command is spawned, and owned by that thread; the
 * spawned child installs it between fork and exec (rn_seccomp_install is
 * async-signal-safe: two system calls, no allocation). Install it only
 * once the tracer has seized the child (after spawn.c's SIGSTOP, right
 * before execv): a RET_TRACE with no tracer fails the syscall with ENOSYS.
 * Descendants inherit it across fork/clone/exec. Attach mode (-p) cannot
 * use it.
 *
 * Scope (documented in syscalls/seccomp_filter.c): x86-64 only; syscalls of
 * another audit arch (i386 via int 0x80, 32-bit programs) are ALLOWed, i.e.
 * not traced; x32 numbers are always traced (they are "unknown numbers").
 */
#ifndef RENACER_SECCOMP_FILTER_H
#define RENACER_SECCOMP_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include "syscalls/filter.h"

/* Build the program for f (after rn_filter_finish). out->filter is
 * malloc'ed; release with rn_seccomp_free. Returns 0, or -1 with errno
 * (ENOMEM; EPROTO if the program failed its own check against
 * rn_filter_traced, which would be a renacer bug). */
int rn_seccomp_build(const struct rn_filter *f, struct sock_fprog *out);

void rn_seccomp_free(struct sock_fprog *prog);

/* Install prog on the calling thread. Tries without PR_SET_NO_NEW_PRIVS
 * first (works with CAP_SYS_ADMIN, and leaves setuid/file-capability execs
 * as they would be untraced), then sets it and retries. Returns 0 or
 * -errno. Async-signal-safe; meant for the child between fork and exec. */
int rn_seccomp_install(const struct sock_fprog *prog);

/* Run prog the way the kernel would for (arch, nr) - the instructions the
 * builder emits, nothing more - and return the action (SECCOMP_RET_*), or
 * UINT32_MAX on an instruction it does not know or a jump out of range.
 * *steps (if not NULL) receives the number of instructions executed.
 * For tests and for the builder's self-check. */
uint32_t rn_seccomp_eval(const struct sock_fprog *prog, uint32_t arch, uint32_t nr,
			 unsigned *steps);

#endif /* RENACER_SECCOMP_FILTER_H */
