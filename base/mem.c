/* mem.c - reading a stopped tracee's memory (see base/mem.h). */
#define _GNU_SOURCE
#include "base/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u

static ssize_t read_proc_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, buf, len, (off_t)addr);
	close(fd);
	return n;
}

/* Up to len bytes, stopping early at an unreadable page. */
static ssize_t read_some(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0 && (errno == ENOSYS || errno == EPERM))
		n = read_proc_mem(tid, addr, buf, len);
	return n;
}

long rn_mem_read_some(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (addr == 0)
		return -1;
	if (len == 0)
		return 0;
	ssize_t n = read_some(tid, addr, buf, len);
	return n > 0 ? (long)n : -1;
}

/* ---- snapshots ---------------------------------------------------------- */

static __thread struct rn_mem_snap *cur_snap;

void rn_mem_snap_use(struct rn_mem_snap *snap)
{
	cur_snap = snap;
}

size_t rn_mem_snap_add(uint8_t *buf, size_t cap, size_t used, uint64_t addr, const void *bytes,
		       uint32_t len, uint32_t flags)
{
	size_t need = sizeof(struct rn_mem_region) + (((size_t)len + 7) & ~(size_t)7);
	if (need > cap - used)
		return 0;
	struct rn_mem_region r = { .addr = addr, .len = len, .flags = flags };
	memcpy(buf + used, &r, sizeof(r));
	if (len)
		memcpy(buf + used + sizeof(r), bytes, len);
	return used + need;
}

/* The region holding addr with the most bytes from addr on (two arguments
 * may point into the same memory, copied twice with different lengths):
 * those bytes (*avail of them) and whether the region was cut there; NULL
 * when the snapshot does not know addr. An empty cut region marks an
 * unreadable address. */
static const uint8_t *snap_find(const struct rn_mem_snap *s, uint64_t addr, size_t *avail,
				int *cut)
{
	const uint8_t *best = NULL;
	/* Kept here, stored once at the end: gcc -O2 cannot see that *avail
	 * is written before it is compared, and warns. */
	size_t best_avail = 0;
	int best_cut = 0;
	size_t off = 0;
	while (off + sizeof(struct rn_mem_region) <= s->len) {
		struct rn_mem_region r;
		memcpy(&r, s->data + off, sizeof(r));
		const uint8_t *bytes = s->data + off + sizeof(r);
		off += sizeof(r) + (((size_t)r.len + 7) & ~(size_t)7);
		if (addr < r.addr || addr - r.addr > r.len ||
		    (addr - r.addr == r.len && !(r.flags & RN_MEM_CUT)))
			continue;
		size_t a = (size_t)(r.len - (addr - r.addr));
		if (!best || a > best_avail) {
			best = bytes + (addr - r.addr);
			best_avail = a;
			best_cut = (r.flags & RN_MEM_CUT) != 0;
		}
	}
	if (best) {
		*avail = best_avail;
		*cut = best_cut;
	}
	return best;
}

static int snap_read(struct rn_mem_snap *s, uint64_t addr, void *buf, size_t len)
{
	size_t avail;
	int cut;
	const uint8_t *p = snap_find(s, addr, &avail, &cut);
	if (p && avail >= len) {
		memcpy(buf, p, len);
		return 0;
	}
	if (!p || !cut)
		s->misses++;
	return -1;
}

/* Same result as the live read below for every string the tracer copied
 * with the same max: its bytes up to the NUL, or max of them, or as many
 * as were readable (a cut region). */
static long snap_read_str(struct rn_mem_snap *s, uint64_t addr, char *buf, size_t max)
{
	size_t avail;
	int cut;
	const uint8_t *p = snap_find(s, addr, &avail, &cut);
	if (!p) {
		s->misses++;
		return -1;
	}
	size_t n = avail < max ? avail : max;
	memcpy(buf, p, n);
	const char *nul = memchr(buf, '\0', n);
	if (nul)
		return (long)(nul - buf);
	buf[n] = '\0';
	if (n == max && avail > max)
		return p[max] == '\0' ? (long)max : (long)max + 1;
	if (n == max && !cut)
		return (long)max + 1; /* copied as "longer than max" */
	/* The copy ends before a NUL: where the memory did (cut), as the
	 * live read, unreadable; else a plan too small. */
	if (!cut)
		s->misses++;
	return -1;
}

/* ---- recording ---------------------------------------------------------- */

/* The calling thread's recording, if any (mem.h). */
static __thread struct {
	uint8_t *buf;
	size_t cap, used;
	int overflow;
} rec;

void rn_mem_record_start(uint8_t *buf, size_t cap)
{
	rec.buf = buf;
	rec.cap = cap;
	rec.used = 0;
	rec.overflow = 0;
}

long rn_mem_record_stop(void)
{
	long used = rec.overflow ? -1 : (long)rec.used;
	rec.buf = NULL;
	return used;
}

static void record(uint64_t addr, const void *bytes, size_t len, uint32_t flags)
{
	if (!rec.buf || rec.overflow)
		return;
	size_t used = len > UINT32_MAX ? 0
				       : rn_mem_snap_add(rec.buf, rec.cap, rec.used, addr, bytes,
							 (uint32_t)len, flags);
	if (used == 0)
		rec.overflow = 1;
	else
		rec.used = used;
}

/* ---- live reads --------------------------------------------------------- */

int rn_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (addr == 0)
		return -1;
	if (cur_snap)
		return snap_read(cur_snap, addr, buf, len);
	ssize_t n = read_some(tid, addr, buf, len);
	/* what was readable, cut where it stopped: the snapshot read of len
	 * bytes then fails as this one does */
	record(addr, buf, n > 0 ? (size_t)n : 0, n == (ssize_t)len ? 0 : RN_MEM_CUT);
	return n == (ssize_t)len ? 0 : -1;
}

static long live_read_str(pid_t tid, uint64_t addr, char *buf, size_t max);

long rn_mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t max)
{
	if (addr == 0 || max == 0) {
		buf[0] = '\0';
		return -1; /* nothing to read: the same live, copied and recorded */
	}
	if (cur_snap)
		return snap_read_str(cur_snap, addr, buf, max);
	long n = live_read_str(tid, addr, buf, max);
	/* The regions snap_read_str answers the same from (and the tracer's
	 * planned copies make: decode/prefetch.c copy_str): none readable, max
	 * bytes of a longer string, or the string and its NUL. */
	if (n < 0)
		record(addr, NULL, 0, RN_MEM_CUT);
	else if ((size_t)n > max)
		record(addr, buf, max, 0);
	else
		record(addr, buf, (size_t)n + 1, 0);
	return n;
}

static long live_read_str(pid_t tid, uint64_t addr, char *buf, size_t max)
{
	size_t got = 0;
	/* Read page by page: a string may end just before an unmapped page,
	 * and one read across it would fail as a whole. The first read is
	 * short: most strings (paths) end within 256 bytes, and copying up to
	 * a page for each costs more than a second read for the few longer. */
	while (got < max) {
		size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
		if (got == 0 && chunk > 256)
			chunk = 256;
		if (chunk > max - got)
			chunk = max - got;
		ssize_t n = read_some(tid, addr + got, buf + got, chunk);
		if (n <= 0)
			break;
		char *nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return (long)(nul - buf);
		got += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	buf[got] = '\0';
	/* No NUL before the memory became unreadable: what was read is not a
	 * string, only the start of one. strace (umovestr over max + 1 bytes)
	 * then shows the address: so must we, not the bytes read so far. */
	if (got < max)
		return -1;
	/* max bytes and no NUL: exactly max long, or longer? The byte after
	 * them is one strace reads too: unreadable, the address again. */
	char next;
	if (read_some(tid, addr + max, &next, 1) != 1)
		return -1;
	return next == '\0' ? (long)max : (long)max + 1;
}
