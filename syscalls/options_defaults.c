/* options_defaults.c - strace's defaults for struct rn_options (options.h). */
#include "syscalls/options.h"

#include <string.h>

void rn_options_init(struct rn_options *o)
{
	memset(o, 0, sizeof(*o));
	rn_filter_init(&o->filter);
	o->seccomp = -1;
	o->strsize = 32;
	o->acolumn = 40;
	o->spin = -1; /* auto: see rn_tracer_run */
	o->flush_interval_ns = 1000000000ull;
	o->detached_release = -1;
}
