/*
 * fuzz_filter.c - libFuzzer target for the -e expression parser and the
 * seccomp-bpf builder (syscalls/filter.c, syscalls/seccomp_filter.c).
 *
 * The input is a command line, one argument per '\n'-separated line:
 *   "-z" "-Z" "-q"     rn_filter_opt
 *   "-PPATH"           rn_filter_add_path
 *   "--NAME=VALUE"     rn_filter_qualify (a long option)
 *   anything else      rn_filter_parse_e (an -e argument)
 * After rn_filter_finish the invariants are checked and, when the filter
 * was accepted, the BPF program is built (the builder checks itself
 * against rn_filter_traced for every number) and spot-checked here.
 * Build: tests/fuzz/build.sh, or the CMake target when CC is clang.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/filter.h"
#include "syscalls/seccomp_filter.h"
#include "syscalls/syscalls.h"

#define MAX_ARGS 16

static void check_err(const char *err, size_t errlen)
{
	/* A refusal always says something and fits the buffer. */
	size_t n = strnlen(err, errlen);

	if (n == 0 || n == errlen)
		abort();
}

static void one_arg(struct rn_filter *f, const char *arg)
{
	char err[128];
	int rc;

	err[0] = '\0';
	if (strcmp(arg, "-z") == 0 || strcmp(arg, "-Z") == 0 || strcmp(arg, "-q") == 0) {
		rn_filter_opt(f, arg[1]);
		return;
	}
	if (strncmp(arg, "-P", 2) == 0) {
		rn_filter_add_path(f, arg + 2);
		return;
	}
	if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=') != NULL) {
		char *name = strdup(arg + 2);

		if (name == NULL)
			abort();
		*strchr(name, '=') = '\0';
		rc = rn_filter_qualify(f, name, strchr(arg, '=') + 1, err, sizeof(err));
		free(name);
	} else {
		rc = rn_filter_parse_e(f, arg, err, sizeof(err));
	}
	if (rc != 0 && rc != -1 && rc != -2)
		abort();
	if (rc != 0)
		check_err(err, sizeof(err));
}

static void check_filter(const struct rn_filter *f)
{
	struct sock_fprog p;

	/* Numbers without a name are traced whatever the expression. */
	if (!f->trace_unknown)
		abort();
	for (long nr = 0; nr < RN_FILTER_NR_MAX; nr++)
		if (rn_syscall_get(nr) == NULL && !rn_filter_traced(f, nr))
			abort();
	if ((f->status & ~(unsigned)RN_STATUS_ALL) || (f->quiet & ~(unsigned)RN_QUIET_ALL))
		abort();
	if (f->traces_all)
		for (long nr = 0; nr < (long)rn_syscall_count; nr++)
			if (!rn_filter_traced(f, nr))
				abort();

	if (rn_seccomp_build(f, &p) != 0)
		abort(); /* EPROTO: the program disagrees with the set */
	if (p.len > BPF_MAXINSNS)
		abort();
	if (rn_seccomp_eval(&p, AUDIT_ARCH_I386, 39, NULL) != SECCOMP_RET_ALLOW)
		abort();
	if (rn_seccomp_eval(&p, AUDIT_ARCH_X86_64, 0x40000027u, NULL) != SECCOMP_RET_TRACE)
		abort();
	rn_seccomp_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rn_filter f;
	char err[128];
	char *buf = malloc(size + 1);
	char *line;
	int nargs = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	rn_filter_init(&f);
	line = buf;
	/* Embedded NULs end an argument early, as they would in argv. */
	while (line != NULL && nargs++ < MAX_ARGS) {
		char *nl = memchr(line, '\n', (size_t)(buf + size - line));

		if (nl != NULL)
			*nl = '\0';
		one_arg(&f, line);
		line = nl != NULL ? nl + 1 : NULL;
	}
	err[0] = '\0';
	if (rn_filter_finish(&f, err, sizeof(err)) == 0)
		check_filter(&f);
	else
		check_err(err, sizeof(err));
	rn_filter_free(&f);
	free(buf);
	return 0;
}
