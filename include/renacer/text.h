/*
 * text.h - strace's text for syscalls, signals and process events.
 *
 * Contract: called by a worker thread while the tracee is held stopped for
 * any argument that needs memory; pure otherwise. Writes into the caller's
 * buffer; never prints the pid prefix or the column padding (the writer
 * does, since only it knows the line's neighbours).
 */
#ifndef RENACER_TEXT_H
#define RENACER_TEXT_H

#include <stdint.h>
#include "renacer/options.h"
#include "renacer/record.h"
#include "renacer/sbuf.h"
#include "renacer/syscalls.h"

/* The name strace prints for nr: the table's, or "syscall_0x1c8". The
 * returned pointer is static or points into `scratch` (>= 32 bytes). */
const char *rn_text_syscall_name(long nr, char *scratch);

/* "name(arg, arg" up to the first argument that is read at exit. Returns
 * the index of that argument (nargs when every argument is shown). */
unsigned rn_text_entry(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_record *entry, const char *name);

/* The arguments from `from` on, then ')'. `entry` holds the arguments,
 * `exit` the return value. */
void rn_text_exit_args(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_record *entry, unsigned from,
		       const struct rn_record *exit);

/* "= 3", "= -1 ENOENT (No such file or directory)", "= ?". */
void rn_text_result(struct rn_sbuf *b, const struct rn_record *exit);

/* "--- SIGCHLD {si_signo=SIGCHLD, ...} ---" from an RN_REC_SIGNAL record. */
void rn_text_signal(struct rn_sbuf *b, const struct rn_record *rec);

#endif /* RENACER_TEXT_H */
