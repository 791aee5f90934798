/*
 * fanout N SECONDS: N live processes at once, for measuring what a tracer
 * keeps per traced process (perf/bench.sh's memory measurement).
 *
 * Forks N children that each block in read() on one pipe; once all N exist
 * the parent sleeps SECONDS (all N alive and traced meanwhile), closes the
 * pipe's write end, and every child sees end-of-file and exits; the parent
 * reaps them all. Waiting on the pipe instead of sleeping a fixed time in
 * each child keeps all N alive together however slowly a tracer lets the
 * forks go. Prints "live=N" on stderr when all are up; exits 0 when every
 * child was forked and exited 0.
 *
 *   cc -O2 -o fanout perf/fanout.c && ./fanout 1000 2
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	int fds[2];
	if (n < 1 || secs < 0 || pipe(fds) != 0) {
		fprintf(stderr, "usage: fanout N SECONDS\n");
		return 2;
	}
	long forked = 0;
	for (; forked < n; forked++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fanout: fork");
			break;
		}
		if (pid == 0) {
			char c;
			close(fds[1]);
			while (read(fds[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(fds[0]);
	fprintf(stderr, "live=%ld\n", forked);
	struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	close(fds[1]);
	int failed = forked < n;
	for (long i = 0; i < forked; i++) {
		int st;
		if (wait(&st) < 0) {
			perror("fanout: wait");
			return 1;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	}
	return failed;
}
