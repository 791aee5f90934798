/*
 * mem.h - reading a stopped tracee's memory.
 * Contract: callable from any thread; the caller guarantees the tracee is
 * in a ptrace-stop, since a running tracee may rewrite the bytes before
 * they are read. process_vm_readv first, then
 * /proc/TID/mem when the kernel refuses it (e.g. a page it cannot fault).
 *
 * Snapshots: the tracer may copy the few bytes a stop's decoders will read
 * (decode/prefetch.c) and resume the tracee at once; the copy travels to the
 * worker with the record. A thread that installs a snapshot
 * (rn_mem_snap_use) reads from it only, never from the (running) tracee:
 * a read the copy does not cover fails and is counted as a miss.
 */
#ifndef RENACER_MEM_H
#define RENACER_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read exactly len bytes; returns 0, or -1 when any byte is unreadable. */
int rn_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Read a NUL-terminated string of at most max bytes (NUL excluded) into
 * buf (size max + 1, always NUL-terminated). Returns its length (a string
 * of exactly max bytes included: the byte after it is looked at), max + 1
 * when it is longer (buf then holds max bytes), or -1 when any of its
 * first max + 1 bytes before a NUL is unreadable (a string that runs into
 * an unmapped page: shown as its address, as strace does), and always for
 * max 0. */
long rn_mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t max);

/* Up to len bytes, stopping early at an unreadable page: the number read,
 * or -1 when the first byte is unreadable. Always live (no snapshot). */
long rn_mem_read_some(pid_t tid, uint64_t addr, void *buf, size_t len);

/*
 * A snapshot is a byte stream of regions, each an rn_mem_region header
 * followed by len bytes, padded to 8. A region with RN_MEM_CUT ends where
 * the tracee's memory became unreadable (or a string's copy ended): a read
 * that starts in it and runs past its end fails, as the live read would.
 */
struct rn_mem_region {
	uint64_t addr;
	uint32_t len;
	uint32_t flags; /* RN_MEM_* */
};
enum { RN_MEM_CUT = 1u << 0 };

/* Append a region to a stream of used bytes in buf (capacity cap): the new
 * used size, or 0 when it does not fit. */
size_t rn_mem_snap_add(uint8_t *buf, size_t cap, size_t used, uint64_t addr, const void *bytes,
		       uint32_t len, uint32_t flags);

/* Owned by the worker that assembles it; installed for its own thread. */
struct rn_mem_snap {
	const uint8_t *data;
	size_t len;
	uint64_t misses; /* reads it could not serve (a plan that is too small) */
};

/* Install (or with NULL remove) the calling thread's snapshot. */
void rn_mem_snap_use(struct rn_mem_snap *snap);

/*
 * Recording (the tracer's rehearsals, tracer/tracer.c): between start and
 * stop, the calling thread's rn_mem_read and rn_mem_read_str read live as
 * usual and also append what they read to buf as snapshot regions, so that
 * the same reads made again from that snapshot give the same answers.
 * rn_mem_read_some is not recorded (it is always live).
 */
void rn_mem_record_start(uint8_t *buf, size_t cap);
/* Ends recording: the bytes used in buf, or -1 when the reads did not fit
 * in cap (they were still made and answered). */
long rn_mem_record_stop(void);

#endif /* RENACER_MEM_H */
