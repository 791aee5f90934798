/*
 * regex_bounded.c - POSIX ERE matching in a child process with CPU-time
 * and memory limits (why and the contract: regex_bounded.h).
 */
#define _GNU_SOURCE
#include "base/regex_bounded.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RN_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RN_SANITIZED 1
#endif
#endif

/* What the child sends back, in one write below PIPE_BUF: all or nothing. */
struct verdict {
	int rc;         /* regcomp's result; 0: compiled, hits filled */
	char msg[128];  /* regerror's text when rc != 0 */
	uint64_t hits[RN_REGEX_MAX_NAMES / 64];
};
_Static_assert(sizeof(struct verdict) <= PIPE_BUF, "the verdict is one atomic pipe write");

static void fail(char *err, size_t errlen, const char *what)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", what);
}

#ifndef RN_SANITIZED
/* The child's address space now, in bytes (0 if unknown). */
static unsigned long long vm_size(void)
{
	char buf[64];
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10) * (unsigned long long)sysconf(_SC_PAGESIZE);
}
#endif

/* In the child: SIGPROF's default action (terminate, no core) after
 * RN_REGEX_CPU_MS of CPU time, user and system; malloc fails past
 * RN_REGEX_MEM_MIB more address space (regcomp then says REG_ESPACE). */
static void limit_self(void)
{
	struct itimerval cpu = {
		.it_value = { .tv_sec = RN_REGEX_CPU_MS / 1000,
			      .tv_usec = (RN_REGEX_CPU_MS % 1000) * 1000 },
	};
	sigset_t prof;

	signal(SIGPROF, SIG_DFL);
	sigemptyset(&prof);
	sigaddset(&prof, SIGPROF);
	sigprocmask(SIG_UNBLOCK, &prof, NULL);
	setitimer(ITIMER_PROF, &cpu, NULL);
#ifndef RN_SANITIZED
	unsigned long long vm = vm_size();

	if (vm != 0) {
		struct rlimit as;

		as.rlim_cur = as.rlim_max = vm + ((unsigned long long)RN_REGEX_MEM_MIB << 20);
		setrlimit(RLIMIT_AS, &as);
	}
#endif
}

/* regcomp + regexec over the names into v; v zeroed by the caller. */
static void match(const char *re, const char *const *names, size_t n, struct verdict *v)
{
	regex_t rx;

	v->rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (v->rc != 0) {
		regerror(v->rc, &rx, v->msg, sizeof(v->msg));
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (names[i] != NULL && regexec(&rx, names[i], 0, NULL, 0) == 0)
			v->hits[i / 64] |= UINT64_C(1) << (i % 64);
	regfree(&rx);
}

static void child(const char *re, const char *const *names, size_t n, int out)
{
	struct verdict v;

	memset(&v, 0, sizeof(v));
	limit_self();
	match(re, names, n, &v);
	_exit(write(out, &v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 1);
}

/* match() in a limited child: its verdict in *v, REG_ESIZE when it sent
 * none. -1 with err set when no child could run. */
static int run_child(const char *re, const char *const *names, size_t n,
		     struct verdict *v, char *err, size_t errlen)
{
	ssize_t got;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		fail(err, errlen, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fail(err, errlen, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child(re, names, n, fds[1]);
	}
	close(fds[1]);
	do
		got = read(fds[0], v, sizeof(*v));
	while (got < 0 && errno == EINTR);
	close(fds[0]);
	/* Only to reap it: the verdict is what came through the pipe (with
	 * SIGCHLD ignored there is no status to wait for, and a child killed
	 * by SIGPROF after its write still sent a whole verdict). */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	/* A child killed by SIGPROF, or by a sanitizer that could not
	 * allocate, sent nothing: too big, as one whose malloc failed under
	 * RLIMIT_AS (REG_ESPACE). */
	if (got != (ssize_t)sizeof(*v))
		v->rc = REG_ESIZE;
	return 0;
}

/* The deepest nesting of '(' in re (escaped or bracketed ones counted
 * too: an overestimate is only a refusal of an absurd pattern). */
static unsigned group_depth(const char *re)
{
	unsigned depth = 0, max = 0;

	for (; *re; re++) {
		if (*re == '(' && ++depth > max)
			max = depth;
		else if (*re == ')' && depth > 0)
			depth--;
	}
	return max;
}

int rn_regex_match_bounded(const char *re, const char *const *names, size_t n,
			   uint64_t *hits, char *err, size_t errlen)
{
	struct verdict v;

	if (n > RN_REGEX_MAX_NAMES) {
		fail(err, errlen, "too many names to match");
		return -1;
	}
	/* glibc parses a group by recursion: deep enough nesting overflows
	 * the stack, in a child as here ("(" x 60000 kills strace 6.1).
	 * Syscall names need a few levels. */
	if (group_depth(re) > RN_REGEX_MAX_DEPTH) {
		fail(err, errlen, "Regular expression too big");
		return -1;
	}
	memset(&v, 0, sizeof(v));
	/* Only repetitions make regcomp's automaton or its closures grow
	 * faster than the pattern: without one (a '*', '+', '?' or '{'
	 * anywhere, even escaped or in brackets) it is matched here, with
	 * no fork. */
	if (strpbrk(re, "*+?{") == NULL)
		match(re, names, n, &v);
	else if (run_child(re, names, n, &v, err, errlen) != 0)
		return -1;
	if (v.rc == REG_ESPACE || v.rc == REG_ESIZE) {
		fail(err, errlen, "Regular expression too big");
		return -1;
	}
	if (v.rc != 0) {
		fail(err, errlen, v.msg);
		return -1;
	}
	memcpy(hits, v.hits, (n + 63) / 64 * sizeof(*hits));
	return 0;
}
