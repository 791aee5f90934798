/*
 * spawn.c - start the command so that the tracer can seize it before its
 * first instruction of interest (the execve).
 *
 * Why the SIGSTOP dance: PTRACE_SEIZE, unlike PTRACE_TRACEME, is done by the
 * tracer. The child stops itself, the tracer seizes the stopped child and
 * continues it; the child's execve is then the first traced syscall. The
 * path was resolved by the option parser, so a missing program never forks.
 */
#define _GNU_SOURCE
#include "tracer/tracer.h"
#include "syscalls/seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: "renacer: " and the parts as one line on stderr, in one
 * write (no other output lands inside it), then exit 1. Async-signal-safe,
 * as everything in the child (the parent has threads): errno's text comes
 * from errno_text, not strerror (which may lock and allocate). */
static void child_fail(const char *a, const char *b, const char *c, const char *d)
	__attribute__((noreturn));
static void child_fail(const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[] = { "renacer: ", a, b, c, d };
	char line[512];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *p = parts[i]; p != NULL && *p && n < sizeof(line) - 1; p++)
			line[n++] = *p;
	line[n++] = '\n';
	(void)!write(2, line, n);
	_exit(1);
}

/* strerrordesc_np: glibc's constant table (2.32+), no locale, no lock. */
static const char *errno_text(int err)
{
	const char *t = strerrordesc_np(err);

	return t != NULL ? t : "Unknown error";
}

/* Is this process traced (its status's TracerPid)? */
static int traced_now(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *p = strstr(buf, "\nTracerPid:");
	return p && atoi(p + strlen("\nTracerPid:")) > 0;
}

int rn_spawn_detached(struct rn_options *opt)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		fprintf(stderr, "renacer: pipe: %s\n", strerror(errno));
		return -1;
	}
	const pid_t command = getpid();
	pid_t mid = fork();
	if (mid < 0) {
		fprintf(stderr, "renacer: fork: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (mid == 0) {
		if (opt->daemonize == 2)
			setpgid(0, 0);
		else if (opt->daemonize >= 3)
			setsid();
		pid_t g = fork();
		if (g != 0) {
			/* the command's tracer, or -1: it has none */
			(void)!write(fds[1], &g, sizeof(g));
			_exit(g < 0);
		}
		close(fds[0]);
		opt->detached_command = command;
		opt->detached_release = fds[1];
		return 0;
	}
	/* The command. */
	close(fds[1]);
	pid_t tracer = -1;
	ssize_t n;
	while ((n = read(fds[0], &tracer, sizeof(tracer))) < 0 && errno == EINTR)
		;
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(tracer) || tracer <= 0)
		child_fail("fork: ", errno_text(errno ? errno : EAGAIN), NULL, NULL);
	/* YAMA's ptrace_scope 1 lets only ancestors trace a process: name
	 * the one that is to (an error here only means there is no YAMA) */
	prctl(PR_SET_PTRACER, (unsigned long)tracer, 0, 0, 0);
	char c;
	while ((n = read(fds[0], &c, 1)) > 0 || (n < 0 && errno == EINTR))
		;
	close(fds[0]);
	if (!traced_now())
		child_fail("the tracer did not start: the command is not run", NULL, NULL, NULL);
	if (opt->username &&
	    (syscall(SYS_setgroups, (size_t)opt->n_run_groups, opt->run_groups) < 0 ||
	     syscall(SYS_setgid, opt->run_gid) < 0 || syscall(SYS_setuid, opt->run_uid) < 0))
		child_fail("-u ", opt->username, ": ", errno_text(errno));
	if (opt->command_env)
		execve(opt->command_path, opt->command, opt->command_env);
	else
		execv(opt->command_path, opt->command);
	child_fail("exec: ", errno_text(errno), NULL, NULL);
}

pid_t rn_spawn_stopped(const struct rn_options *opt, const sigset_t *orig_mask,
		       const struct sock_fprog *filter)
{
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "renacer: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls here: the parent has threads. */
		rn_tracer_restore_signals();
		sigprocmask(SIG_SETMASK, orig_mask, NULL);
		kill(getpid(), SIGSTOP);
		/* -u USER: the groups, gid and uid looked up before the fork
		 * (options.c). Raw system calls: glibc's wrappers would signal
		 * the parent's other threads, which do not exist here. Before
		 * the filter (which may need no_new_privs), as strace. */
		if (opt->username &&
		    (syscall(SYS_setgroups, (size_t)opt->n_run_groups, opt->run_groups) < 0 ||
		     syscall(SYS_setgid, opt->run_gid) < 0 || syscall(SYS_setuid, opt->run_uid) < 0))
			child_fail("-u ", opt->username, ": ", errno_text(errno));
		/* Seized by now: install the filter so that only traced syscalls
		 * stop us (and our descendants, who inherit it) from exec on. */
		if (filter) {
			int err = rn_seccomp_install(filter);
			if (err < 0)
				child_fail("seccomp filter: ", errno_text(-err), NULL, NULL);
		}
		if (opt->command_env)
			execve(opt->command_path, opt->command, opt->command_env);
		else
			execv(opt->command_path, opt->command);
		/* Reached only if execve failed after the checks (ENOEXEC, a
		 * missing #! interpreter); say it as strace. */
		child_fail("exec: ", errno_text(errno), NULL, NULL);
	}
	int status;
	for (;;) {
		if (waitpid(pid, &status, WSTOPPED) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "renacer: wait: %s\n", strerror(errno));
			kill(pid, SIGKILL);
			return -1;
		}
		break;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		fprintf(stderr, "renacer: unexpected wait status %#x of the command\n", status);
		kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}
