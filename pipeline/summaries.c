/*
 * summaries.c - the end-of-trace tables in the trace's format (see
 * pipeline/summaries.h; the JSON objects are documented in
 * capture/CAPTURE.md, "Summaries").
 */
#include "pipeline/summaries.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "sinks/calls.h"
#include "sinks/json_sink.h"
#include "syscalls/options.h"

static void json_syscalls(const struct rn_stats_table *t, int wall, struct rn_sbuf *out)
{
	char scratch[32];
	for (unsigned nr = 0; nr < t->nrows; nr++) {
		const struct rn_stats_row *r = &t->rows[nr];
		if (!r->calls)
			continue;
		rn_sbuf_puts(out, "{\"type\":\"syscall_summary\",\"name\":");
		const char *name = rn_call_name((int32_t)nr, scratch);
		rn_json_text(out, name, strlen(name));
		rn_sbuf_printf(out,
			       ",\"nr\":%u,\"calls\":%" PRIu64 ",\"errors\":%" PRIu64
			       ",\"total_ns\":%" PRIu64 ",\"min_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64
			       ",\"avg_ns\":%" PRIu64 ",\"clock\":\"%s\"}\n",
			       nr, r->calls, r->errors, r->total_ns, r->min_ns, r->max_ns,
			       (r->total_ns + r->calls / 2) / r->calls, wall ? "wall" : "system");
	}
}

static void json_processes(struct rn_procstats *ps, struct rn_sbuf *out)
{
	size_t n;
	struct rn_proc_row *rows = rn_procstats_rows(ps, &n);
	static const char *const ends[] = {
		[RN_PEND_UNKNOWN] = "unknown", [RN_PEND_EXITED] = "exited",
		[RN_PEND_KILLED] = "killed",   [RN_PEND_DETACHED] = "detached",
	};
	for (size_t i = 0; i < n; i++) {
		const struct rn_proc_row *r = &rows[i];
		rn_sbuf_printf(out, "{\"type\":\"process_summary\",\"pid\":%" PRId32 ",\"ppid\":",
			       r->pid);
		/* 0: its parent was not traced (a root of the tree) */
		if (r->ppid)
			rn_sbuf_printf(out, "%" PRId32, r->ppid);
		else
			rn_sbuf_puts(out, "null");
		rn_sbuf_puts(out, ",\"command\":");
		if (r->command)
			rn_json_text(out, r->command, strlen(r->command));
		else
			rn_sbuf_puts(out, "null");
		rn_sbuf_printf(out,
			       ",\"start_ns\":%" PRIu64 ",\"duration_ns\":%" PRIu64
			       ",\"syscalls\":%" PRIu64 ",\"errors\":%" PRIu64
			       ",\"syscall_ns\":%" PRIu64 ",\"exit\":\"%s\",\"status\":",
			       r->start_ns, r->duration_ns, r->syscalls, r->errors, r->syscall_ns,
			       r->end < sizeof(ends) / sizeof(ends[0]) ? ends[r->end] : "unknown");
		if (r->end == RN_PEND_EXITED)
			rn_sbuf_printf(out, "%" PRId32, r->status);
		else
			rn_sbuf_puts(out, "null");
		rn_sbuf_puts(out, ",\"signal\":");
		const char *sig = r->end == RN_PEND_KILLED ? rn_signal_name(r->status) : NULL;
		if (sig)
			rn_json_text(out, sig, strlen(sig));
		else if (r->end == RN_PEND_KILLED)
			rn_sbuf_printf(out, "%" PRId32, r->status);
		else
			rn_sbuf_puts(out, "null");
		rn_sbuf_puts(out, r->core_dumped ? ",\"core_dumped\":true}\n"
						 : ",\"core_dumped\":false}\n");
	}
	free(rows);
}

void rn_summaries_render(int format, const struct rn_stats_table *stats,
			 const struct rn_summary_opts *sopt, int wall,
			 struct rn_procstats *procs, struct rn_sbuf *out)
{
	switch (format) {
	case RN_FORMAT_TEXT: {
		size_t before = out->len;
		if (stats)
			rn_stats_render(stats, sopt, out);
		if (procs) {
			if (out->len > before)
				rn_sbuf_putc(out, '\n');
			rn_procstats_render(procs, out);
		}
		break;
	}
	case RN_FORMAT_JSON:
		if (stats)
			json_syscalls(stats, wall, out);
		if (procs)
			json_processes(procs, out);
		break;
	default: /* CSV, Perfetto: no place for a table */
		break;
	}
}
