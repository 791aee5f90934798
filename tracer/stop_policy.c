/*
 * stop_policy.c - which stops need memory, and which are rehearsed (see
 * tracer/stop_policy.h).
 */
#include "tracer/stop_policy.h"

#include <stdlib.h>
#include <sys/syscall.h>

#include "decode/decode.h"
#include "decode/rehearse.h"

/* A struct_io argument is shown after a failure too (what the caller
 * passed: poll's fds, a socklen, nanosleep's remainder), and so is a
 * struct_in one that comes after the first argument shown at exit
 * (rt_sigtimedwait's timeout): both are read then. */
static int reads_after_failure(const struct rn_syscall *sc)
{
	int exit_part = 0;
	for (unsigned i = 0; i < sc->nargs; i++) {
		const struct rn_arg_desc *a = &sc->args[i];
		exit_part |= a->type == RN_T_OBUF || a->type == RN_T_STRUCT_OUT ||
			     a->type == RN_T_STRUCT_IO;
		if (a->decode && (a->type == RN_T_STRUCT_IO || (exit_part && a->type == RN_T_STRUCT_IN)))
			return 1;
	}
	return 0;
}

/* A syscall whose rendering needs no memory is resumed at once. With -y,
 * descriptors are resolved through /proc while the tracee is stopped, so
 * calls taking or returning one are held too. */
static uint8_t hold_bits(const struct rn_syscall *sc, long nr, const struct rn_options *opt)
{
	if (opt->count == RN_COUNT_ONLY && !opt->filter.npaths) {
		/* -c shows no arguments and must read no memory; only
		 * --process-summary needs the command line of each exec. (-c
		 * with -P counts only the calls touching the paths: those are
		 * decoded as without -c.) */
		if (opt->whole_commands && (nr == SYS_execve || nr == SYS_execveat))
			return RN_HOLD_ENTRY;
		return 0;
	}
	uint8_t bits = 0;
	/* -y shows, and -P matches, the file behind each descriptor. */
	const int fd_paths = opt->decode_fds || opt->filter.npaths;
	const int fd_arg = fd_paths && rn_syscall_takes_fd(sc);
	const int fd_ret = fd_paths && sc->ret_type == RN_T_FD;
	if (sc->mem_entry || fd_arg)
		bits |= RN_HOLD_ENTRY;
	/* -e write=: a write's data is dumped at its exit */
	if (sc->mem_exit || fd_ret || rn_dump_call(opt, nr))
		bits |= RN_HOLD_EXIT;
	if (fd_arg || fd_ret)
		bits |= RN_HOLD_FD_PATHS;
	if (reads_after_failure(sc))
		bits |= RN_HOLD_EXIT_ERR;
	return bits;
}

/* Rehearsed: a call held for a memory read in a phase without a plan,
 * unless held for descriptor paths or its decoders read more than tracee
 * memory. */
static int rehearse_bit(uint8_t hold, long nr, const struct rn_options *opt,
			const struct rn_prefetch *pf)
{
	if (!hold || (hold & RN_HOLD_FD_PATHS) || !rn_rehearsable(nr, opt))
		return 0;
	return ((hold & RN_HOLD_ENTRY) && !rn_prefetch_plan(pf, nr, 0)) ||
	       ((hold & (RN_HOLD_EXIT | RN_HOLD_EXIT_ERR)) && !rn_prefetch_plan(pf, nr, 1));
}

void rn_stop_policy_init(struct rn_stop_policy *sp, const struct rn_options *opt,
			 const struct rn_prefetch *pf)
{
	sp->hold = calloc(rn_syscall_count, 1);
	sp->rehearse = calloc(rn_syscall_count, 1);
	if (!sp->hold || !sp->rehearse)
		abort();
	for (unsigned nr = 0; nr < rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get(nr);
		if (!sc)
			continue;
		sp->hold[nr] = hold_bits(sc, nr, opt);
		sp->rehearse[nr] = pf && rehearse_bit(sp->hold[nr], nr, opt, pf);
	}
}

void rn_stop_policy_free(struct rn_stop_policy *sp)
{
	free(sp->hold);
	free(sp->rehearse);
	sp->hold = sp->rehearse = NULL;
}
