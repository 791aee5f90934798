/* rehearse.c - the tracer's decode of a stop, recorded (see
 * decode/rehearse.h). */
#define _GNU_SOURCE
#include "decode/rehearse.h"

#include <string.h>
#include <sys/syscall.h>

#include "decode/decode.h"
#include "base/mem.h"
#include "syscalls/syscalls.h"

_Static_assert(RN_REHEARSE_NSAVED == RN_DCTX_NSAVED, "rehearse.h keeps decode.h's saved words");

int rn_rehearsable(long nr, const struct rn_options *opt)
{
	if (!rn_syscall_get(nr))
		return 0;
	/* rt_sigreturn's decoder reads the stack pointer from /proc/TID/syscall,
	 * which only the stopped tracee can answer. */
	if (nr == SYS_rt_sigreturn)
		return 0;
	/* --process-summary reads whole argv strings outside the decoders. */
	if (opt->whole_commands && (nr == SYS_execve || nr == SYS_execveat))
		return 0;
	return 1;
}

long rn_rehearse(const struct rn_options *opt, pid_t tid, const struct rn_record *entry,
		 const struct rn_record *exit, struct rn_rehearsal *state,
		 struct rn_values *scratch, uint8_t *buf, size_t cap)
{
	/* Decoded as the worker will decode them: from a copy (du_read_io
	 * reads what the kernel wrote only when there is one). */
	struct rn_record in = *entry, out;
	in.flags |= RN_REC_SNAPSHOT;
	if (exit) {
		out = *exit;
		out.flags |= RN_REC_SNAPSHOT;
	}
	struct rn_dctx c = {
		.opt = opt, .sc = rn_syscall_get(entry->nr), .entry = &in, .exit = exit ? &out : NULL,
		.vs = scratch, .tid = tid, .saved = state->saved,
	};
	if (!c.sc)
		return 0;
	rn_mem_record_start(buf, cap);
	if (exit) {
		rn_decode_exit(&c, state->from);
	} else {
		memset(state->saved, 0, sizeof(state->saved));
		state->from = rn_decode_entry(&c);
	}
	long used = rn_mem_record_stop();
	rn_values_reset(scratch);
	return used;
}
