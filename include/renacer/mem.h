/*
 * mem.h - reading a stopped tracee's memory.
 * Contract: callable from any thread; the caller guarantees the tracee is
 * in a ptrace-stop (design.md rule 2). process_vm_readv first, then
 * /proc/TID/mem when the kernel refuses it (e.g. a page it cannot fault).
 */
#ifndef RENACER_MEM_H
#define RENACER_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read exactly len bytes; returns 0, or -1 when any byte is unreadable. */
int rn_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Read a NUL-terminated string of at most max bytes (NUL excluded) into
 * buf (size max + 1, always NUL-terminated). Returns its length, max + 1
 * when no NUL came within max bytes (buf then holds max bytes), or -1 when
 * the first byte is unreadable. */
long rn_mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t max);

#endif /* RENACER_MEM_H */
