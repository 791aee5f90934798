/*
 * sockdesc.h - -yy: a socket described as strace 6.1 does
 * (pipeline/sockdesc.c). Contract: only the owning worker thread calls
 * these, with the tracee held.
 */
#ifndef RENACER_SOCKDESC_H
#define RENACER_SOCKDESC_H

#include <stdint.h>

#include "base/sbuf.h"
#include "pipeline/worker_internal.h"

/* Append what strace -yy shows inside the brackets for the socket of
 * inode ino behind link (/proc/TID/fd/N): UNIX-STREAM:[5->6], TCP:[...],
 * PROTO:[INODE]; 1, or 0 (nothing appended) for a protocol strace leaves
 * as the link's text, socket:[INODE]. */
int rn_sockdesc(struct rn_worker *w, const char *link, uint32_t ino, struct rn_sbuf *out,
		unsigned quote_flags);
void rn_sockdesc_free(struct rn_worker *w);

#endif /* RENACER_SOCKDESC_H */
