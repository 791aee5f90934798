/* mem.c - reading a stopped tracee's memory (see include/renacer/mem.h). */
#define _GNU_SOURCE
#include "renacer/mem.h"

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

int rn_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (addr == 0)
		return -1;
	return read_some(tid, addr, buf, len) == (ssize_t)len ? 0 : -1;
}

long rn_mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t max)
{
	size_t got = 0;
	if (addr == 0)
		return -1;
	/* Read page by page: a string may end just before an unmapped page,
	 * and one read across it would fail as a whole. */
	while (got < max) {
		size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
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
	if (got == 0)
		return -1;
	return got < max ? (long)got : (long)max + 1;
}
