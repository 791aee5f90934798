/*
 * sysmix.c - the workload behind the -c fixtures (see gen.sh): N getppid
 * calls (argv[1], default 1500), 30 failing opens, a 17- and a 22-character
 * syscall name (they widen strace's name column), 5 failing closes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1500;
	cpu_set_t set;

	for (int i = 0; i < n; i++)
		getppid();
	for (int i = 0; i < 30; i++)
		open("/nonexistent", O_RDONLY);
	sched_getaffinity(0, sizeof(set), &set);
	syscall(SYS_sched_get_priority_max, 0);
	for (int i = 0; i < 5; i++)
		close(100 + i);
	return 0;
}
