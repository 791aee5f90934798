/* options_defaults.c - strace's defaults for struct rn_options, and its
 * words for a bad command line (options.h). */
#include "syscalls/options.h"

#include <stdio.h>
#include <string.h>

void rn_options_init(struct rn_options *o)
{
	memset(o, 0, sizeof(*o));
	rn_filter_init(&o->filter);
	o->seccomp = -1;
	o->strsize = 32;
	o->spin = -1; /* auto: see rn_tracer_run */
	o->flush_interval_ns = 1000000000ull;
}

void rn_getopt_problem(char *buf, size_t len, int ch, int optopt, const char *arg)
{
	if (strncmp(arg, "--", 2) != 0) {
		snprintf(buf, len, ch == ':' ? "option requires an argument -- '%c'"
					     : "invalid option -- '%c'", optopt);
		return;
	}
	/* A long option: named, up to any '='. getopt_long sets optopt to a
	 * known option's value, 0 for an unknown (or ambiguous) one. */
	int name = (int)strcspn(arg, "=");

	if (ch == ':')
		snprintf(buf, len, "option '%.*s' requires an argument", name, arg);
	else if (optopt != 0 && arg[name] == '=')
		snprintf(buf, len, "option '%.*s' doesn't allow an argument", name, arg);
	else
		snprintf(buf, len, "unrecognized option '%s'", arg);
}
