/*
 * stdfds.c - see stdfds.h.
 */
#define _GNU_SOURCE
#include "stdfds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

unsigned rn_stdfds_guard(void)
{
	unsigned closed = 0;
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		closed |= 1u << fd;
		/* The lowest free number: fd itself, the ones below are open.
		 * Without /dev/null (a bare chroot) fd stays closed. */
		int got = open("/dev/null", (fd == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
		if (got >= 0 && got != fd)
			close(got);
	}
	return closed;
}
