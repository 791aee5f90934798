/*
 * renacer-dump.c - render a capture (or a rotated set of them) through the
 * same sinks the live tracer uses: strace text (byte for byte what
 * `renacer` printed for the same run), JSON Lines, CSV, the -c table
 * (--format stats) or a Chrome Trace Event JSON for ui.perfetto.dev
 * (--format perfetto).
 *
 *   renacer-dump [--format FMT] [-s N] [--pid PID]... [-z|-Z] [-t|-tt|-ttt]
 *                [-r] [-T] [-y] [-c|-C] [-w] [-S SORTBY] [-U COLUMNS]
 *                [--timing] FILE...
 *
 * The capture's header holds the run's options; a dump option overrides
 * the one recorded. Exit status: 0 when everything was read, 2 when damage
 * was skipped (one line on stderr says where and what), 1 when nothing
 * could be read (one line names the problem) or on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "stdfds.h"
#include "base/names.h"
#include "sinks/calls.h"
#include "capture/capture.h"
#include "syscalls/filter.h"
#include "pipeline/summaries.h"
#include "insight/formats.h"
#include "sinks/sink.h"
#include "stats/procstats.h"
#include "stats/summary.h"

static const struct rn_prog dump_prog = {
	.id = RN_PROG_DUMP,
	.name = "renacer-dump",
	.permute = 1,
	.usage_head = "usage: renacer-dump [OPTIONS] FILE...\n"
		      "Render renacer captures (renacer --capture FILE). A FILE's rotated parts\n"
		      "(FILE.1, FILE.2, ...) are read with it, oldest first. The options the run\n"
		      "had (recorded in the capture) apply; the options below override them.\n"
		      "FILE - (or /dev/stdin) reads a capture from standard input, a pipe too.\n"
		      "\n",
	.usage_tail = "\n"
		      "Exit status: 0 read whole, 2 damage skipped (see stderr), 1 nothing readable\n"
		      "or bad usage.\n",
	.version = "renacer-dump version " RN_VERSION,
};

/* Bad usage: one line in renacer's (strace's) words, exit 1. */
static void die_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("renacer-dump: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int write_all(void *ctx, const char *p, size_t n)
{
	int fd = *(int *)ctx;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* ---- --pid: which thread group a tid is in ------------------------------ */

struct tgmap {
	int32_t *key, *val;
	size_t n, cap;
};

static size_t tg_slot(const struct tgmap *m, int32_t tid)
{
	size_t j = ((uint32_t)tid * 2654435761u) & (m->cap - 1);
	while (m->key[j] && m->key[j] != tid)
		j = (j + 1) & (m->cap - 1);
	return j;
}

static void tg_put(struct tgmap *m, int32_t tid, int32_t tgid)
{
	if (!tid)
		return;
	if (2 * (m->n + 1) > m->cap) {
		struct tgmap bigger = { 0 };
		bigger.cap = m->cap ? 2 * m->cap : 1024;
		bigger.key = calloc(bigger.cap, sizeof(int32_t));
		bigger.val = calloc(bigger.cap, sizeof(int32_t));
		if (!bigger.key || !bigger.val) {
			fputs("renacer-dump: out of memory\n", stderr);
			exit(1);
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i])
				tg_put(&bigger, m->key[i], m->val[i]);
		free(m->key);
		free(m->val);
		*m = bigger;
	}
	size_t j = tg_slot(m, tid);
	if (!m->key[j])
		m->n++;
	m->key[j] = tid;
	m->val[j] = tgid;
}

static int32_t tg_get(const struct tgmap *m, int32_t tid)
{
	if (!m->cap)
		return tid;
	size_t j = tg_slot(m, tid);
	return m->key[j] ? m->val[j] : tid;
}

/* ---- -s N: cut strings and arrays shorter than the capture did ---------- */

static uint32_t recut_node(const struct rn_event *ev, uint32_t i, uint32_t cut, struct rn_value *nv,
			   uint32_t *nn, unsigned char *nb, uint32_t *nbl)
{
	const struct rn_value *x = &ev->v[i];
	uint32_t me = (*nn)++, len = x->len;
	nv[me] = *x;
	if (x->kind == RN_V_STR && !(x->flags & RN_VF_PATH) && len > cut) {
		len = cut;
		nv[me].flags |= RN_VF_TRUNCATED;
	}
	memcpy(nb + *nbl, ev->bytes + x->off, len);
	nv[me].off = *nbl;
	nv[me].len = len;
	*nbl += len;
	uint32_t count = 0, k = i + 1;
	while (k < x->end) {
		/* strace shows at most -s elements of an array (not of a set) */
		if (x->kind == RN_V_ARRAY && !(x->flags & RN_VF_SPACED) && count >= cut) {
			nv[me].flags |= RN_VF_ELLIPSIS;
			break;
		}
		k = recut_node(ev, k, cut, nv, nn, nb, nbl);
		count++;
	}
	nv[me].end = *nn;
	return x->end;
}

static void recut(struct rn_event *ev, uint32_t cut)
{
	if (!ev->nv)
		return;
	size_t nodes = (size_t)ev->nv * sizeof(struct rn_value);
	unsigned char *block = malloc(nodes + ev->nbytes + 1);
	if (!block) {
		fputs("renacer-dump: out of memory\n", stderr);
		exit(1);
	}
	struct rn_value *nv = (struct rn_value *)block;
	unsigned char *nb = block + nodes;
	uint32_t nn = 0, nbl = 0;
	for (uint32_t i = 0; i < ev->nv;)
		i = recut_node(ev, i, cut, nv, &nn, nb, &nbl);
	if (ev->ret_path_len) {
		memcpy(nb + nbl, ev->bytes + ev->ret_path_off, ev->ret_path_len);
		ev->ret_path_off = nbl;
		nbl += ev->ret_path_len;
	}
	free(ev->v);
	ev->v = nv;
	ev->nv = nn;
	ev->bytes = nb;
	ev->nbytes = nbl;
}

/* ---- the outputs ------------------------------------------------------ */

/* Main-thread-owned, as everything in renacer-dump. */
struct dump {
	int table_only;      /* --format stats: the -c table alone, no sink */
	int format;          /* the sink's enum rn_output_format (not stats) */
	const struct rn_options *opt;
	int out_fd;
	struct rn_sink sink; /* --format's; none with stats */
	/* the -c table: built for --format stats, and after the trace when the
	 * run had -C (or the dump has -C) */
	int counting;
	int wall;
	struct rn_stats_table stats;
	struct rn_procstats *procs; /* --process-summary of the run */
	/* -z / -Z: 1 only successful calls, 2 only failed ones; held: each
	 * tid's entry until its exit says whether the call is shown */
	int only;
	struct rn_calls held;
	int err;
	/* tasks the run let go before they ended, and the first reason given */
	unsigned long let_go;
	int let_go_why, let_go_sig;
};

/* A task the run let go says why: counted for let_go_report. */
static void note_let_go(struct dump *d, const struct rn_event *ev)
{
	if (ev->kind != RN_EV_DETACHED || !rn_let_go_name(ev->aux))
		return;
	if (d->let_go++ == 0) {
		d->let_go_why = (int)ev->aux;
		d->let_go_sig = ev->aux == RN_LET_GO_SIGNAL ? (int)ev->ret : 0;
	}
}

/* The trace of tasks let go stops there while they ran on: one line on
 * stderr says so and why, whatever the format (not an error: exit 0). */
static void let_go_report(const struct dump *d)
{
	if (!d->let_go)
		return;
	const char *sig = d->let_go_sig ? rn_signal_name(d->let_go_sig) : NULL;
	char why[96];
	if (d->let_go_why == RN_LET_GO_SIGNAL && sig)
		snprintf(why, sizeof(why), "%s reached renacer", sig);
	else if (d->let_go_why == RN_LET_GO_SIGNAL)
		snprintf(why, sizeof(why), "an end signal reached renacer");
	else if (d->let_go_why == RN_LET_GO_LIMIT)
		snprintf(why, sizeof(why), "--syscall-limit was reached");
	else
		snprintf(why, sizeof(why), "the trace's output could not be written");
	fprintf(stderr, "renacer-dump: the run let %lu task%s go before %s ended (%s): what "
		"%s did next is not in the capture\n", d->let_go, d->let_go == 1 ? "" : "s",
		d->let_go == 1 ? "it" : "they", why, d->let_go == 1 ? "it" : "they");
}

static void out_event(struct dump *d, const struct rn_event *ev)
{
	rn_sink_event(&d->sink, ev);
	d->err = rn_sink_error(&d->sink);
}

/* -z/-Z: strace prints a call's line only once its exit says whether it
 * failed, so entry and exit are given to the sink one after the other: a
 * shown call is never split ("<unfinished ...>"), and a call that never
 * returned (the task died in it, or the trace ended) is not shown. */
static void only_event(struct dump *d, const struct rn_event *ev)
{
	struct rn_event *entry;
	struct rn_event copy;
	switch (ev->kind) {
	case RN_EV_ENTRY:
		rn_calls_enter(&d->held, ev);
		return;
	case RN_EV_EXIT:
		entry = rn_calls_take(&d->held, ev->tid);
		if ((d->only == 1) == !ev->is_error) {
			if (entry)
				out_event(d, entry);
			out_event(d, ev);
		}
		rn_event_free_copy(entry);
		return;
	case RN_EV_SUPERSEDED:
		rn_event_free_copy(rn_calls_take(&d->held, ev->tid));
		/* the execve of thread `ret` completes in the leader's tid */
		rn_calls_move(&d->held, (int32_t)ev->ret, ev->tid);
		break;
	case RN_EV_EXITED:
	case RN_EV_KILLED:
	case RN_EV_DETACHED:
		rn_event_free_copy(rn_calls_take(&d->held, ev->tid));
		break;
	default:
		break;
	}
	/* The unfinished call was never shown: nothing to end. */
	copy = *ev;
	copy.finish_pending = 0;
	copy.more = 0;
	out_event(d, &copy);
}

static void dump_event(struct dump *d, const struct rn_event *ev)
{
	if (d->procs)
		rn_procstats_event(d->procs, ev);
	if (d->counting && ev->kind == RN_EV_EXIT)
		rn_stats_add(&d->stats, ev->nr,
			     d->wall && ev->entry_ts_ns ? ev->ts_ns - ev->entry_ts_ns : ev->duration_ns,
			     ev->is_error);
	if (d->table_only)
		return;
	if (d->only)
		only_event(d, ev);
	else
		out_event(d, ev);
}

/* In the trace's format, as live (pipeline/summaries.h): --format stats
 * is the text table. */
static int write_summaries(struct dump *d)
{
	struct rn_sbuf out = { 0 };
	rn_summaries_render(d->table_only ? RN_FORMAT_TEXT : d->format,
			    d->counting ? &d->stats : NULL, &d->opt->summary, d->wall,
			    d->table_only ? NULL : d->procs, &out);
	int err = out.len ? write_all(&d->out_fd, out.p, out.len) : 0;
	rn_sbuf_free(&out);
	return err;
}

static int dump_finish(struct dump *d)
{
	int err = d->err;
	if (!err)
		err = rn_sink_finish(&d->sink);
	/* The tables are a step after the sink, not a sink: as live (see
	 * pipeline/writer.c's write_summaries), and nothing follows a sink's
	 * one document. */
	if (!err && !(rn_sink_flags(&d->sink) & RN_SINK_WHOLE_DOCUMENT))
		err = write_summaries(d);
	return err;
}

static void dump_free(struct dump *d)
{
	rn_sink_destroy(&d->sink);
	if (d->counting)
		rn_stats_free(&d->stats);
	rn_procstats_free(d->procs);
	rn_calls_free(&d->held);
}

/* --format's sink, told what the capture's header says of the run. */
static int dump_begin(struct dump *d, const struct rn_sink_ops *ops,
		      const struct rn_capture_header *h, int file_prefix, int timing)
{
	/* Perfetto's "otherData": where the run was made (live renacer gives
	 * the same from uname) */
	const char *const info[] = { "tool", "renacer", "version", h ? h->version : NULL,
				     "host", h ? h->host : NULL, "kernel", h ? h->release : NULL,
				     "arch", h ? h->arch : NULL, NULL };
	struct rn_sink_params params = {
		.opt = d->opt,
		.write = write_all,
		.ctx = &d->out_fd,
		.file_prefix = file_prefix,
		/* -t: the run's wall clock, from the clock bases it recorded */
		.real_minus_mono = h ? (int64_t)(h->realtime_ns - h->monotonic_ns) : 0,
		.timing = timing,
		.base_ns = h ? h->monotonic_ns : 0,
		.command = h ? d->opt->command : NULL,
		.info = h ? info : NULL,
	};
	return rn_sink_begin(&d->sink, ops, &params);
}

/* ---- main ------------------------------------------------------------- */

/* What the command line asked for, applied over the capture's options. */
struct cmdline {
	struct rn_cmdline cl; /* as parsed: cl.opt holds the overriding values,
				 cl.seen says which were given */
	int fmt;              /* enum rn_output_format, -1: not given */
	int stats;            /* --format stats, -c: the -c table, no trace */
	long strsize;         /* -s, -1: not given */
	int32_t *pids;        /* --pid */
	size_t npids;
	int only;             /* -z 1, -Z 2 */
	int timing;           /* --timing */
	int wall;             /* -w */
	int count;            /* -C: RN_COUNT_AND_TRACE */
};

static void parse_cmdline(struct cmdline *c, int argc, char **argv)
{
	static const int live_format[] = {
		[RN_DUMP_TEXT] = RN_FORMAT_TEXT, [RN_DUMP_JSON] = RN_FORMAT_JSON,
		[RN_DUMP_CSV] = RN_FORMAT_CSV,   [RN_DUMP_STATS] = -1,
		[RN_DUMP_PERFETTO] = RN_FORMAT_PERFETTO,
		[RN_DUMP_REPORT] = RN_FORMAT_REPORT,
		[RN_DUMP_COMPILE_DB] = RN_FORMAT_COMPILE_DB, [RN_DUMP_FILES] = RN_FORMAT_FILES,
	};
	struct rn_cmdline *cl = &c->cl;

	memset(c, 0, sizeof(*c));
	rn_cmdline_parse(cl, &dump_prog, argc, argv);
	c->stats = cl->dump_format == RN_DUMP_STATS;
	c->fmt = cl->dump_format < 0 ? -1 : live_format[cl->dump_format];
	c->strsize = cl->seen & RN_SEEN_STRSIZE ? cl->opt.strsize : -1;
	c->pids = cl->pids;
	c->npids = cl->npids;
	c->only = cl->only;
	c->timing = cl->timing;
	c->wall = cl->opt.summary_wall;
	c->count = cl->opt.count;
	if (cl->tflag && (cl->seen & RN_SEEN_LONG_TS))
		die_usage("-t and --absolute-timestamps cannot be provided simultaneously");
	/* -C appends strace's text table to the trace: a table inside JSON,
	 * CSV or perfetto output would break their readers (renacer refuses
	 * -C --format json/csv too), and -c (= --format stats) is the table
	 * alone. */
	if (c->count == RN_COUNT_AND_TRACE && c->stats)
		die_usage("-C/--summary and -c/--format stats are mutually exclusive");
	if (c->count == RN_COUNT_AND_TRACE && c->fmt >= 0 && c->fmt != RN_FORMAT_TEXT)
		die_usage("-C prints a text table: --format json/csv/perfetto cannot go with it");
	if (cl->tflag) {
		cl->opt.tf.abs_format = cl->tflag >= 3 ? RN_TABS_UNIX : RN_TABS_TIME;
		cl->opt.tf.abs_digits = cl->tflag >= 2 ? 6 : 0;
	}
}

/* -e: each qualifier the dump's -e gives replaces the run's; the others
 * stay as recorded (-e trace=write on a -z capture keeps -z). 0, or -1
 * refused (one line on stderr). */
static int apply_filter(struct rn_options *opt, struct rn_filter *given)
{
	char ferr[256];
	if (rn_filter_finish(given, ferr, sizeof(ferr)) < 0) {
		fprintf(stderr, "renacer-dump: %s\n", ferr);
		return -1;
	}
	if (given->inject) {
		/* tampering changes a live run; a capture only shows one */
		fprintf(stderr, "renacer-dump: -e inject= and -e fault= need a live run (renacer)\n");
		return -1;
	}
	/* The capture holds values already decoded: how they were decoded
	 * cannot be chosen again. */
	if (given->given & (RN_GIVEN_ABBREV | RN_GIVEN_VERBOSE | RN_GIVEN_RAW | RN_GIVEN_READ |
			    RN_GIVEN_WRITE)) {
		fprintf(stderr, "renacer-dump: -e abbrev=, verbose=, raw=, read= and write= apply "
				"when tracing: a capture holds the arguments as the run decoded "
				"them\n");
		return -1;
	}
	struct rn_filter *to = &opt->filter;
	if (given->given & RN_GIVEN_TRACE) {
		memcpy(to->trace, given->trace, sizeof(to->trace));
		to->trace_unknown = given->trace_unknown;
		to->traces_all = given->traces_all;
	}
	if (given->given & RN_GIVEN_SIGNAL)
		to->signals = given->signals;
	if (given->given & RN_GIVEN_STATUS)
		to->status = given->status;
	if (given->given & RN_GIVEN_QUIET) {
		to->quiet = given->quiet;
		/* the attach/detach notes too, as renacer resolves it
		 * (quiet=none shows them, whatever the run had) */
		opt->quiet = rn_filter_quiet(&opt->filter, RN_QUIET_ATTACH);
	}
	return 0;
}

/* The dump's options over the run's (opt). 0, or -1 refused (one line on
 * stderr). */
static int apply_cmdline(struct rn_options *opt, struct cmdline *c)
{
	const struct rn_options *o = &c->cl.opt;
	const unsigned seen = c->cl.seen;

	/* -z/-Z: the text sink holds each entry until its exit (as live, where
	 * the run's -z/-Z/-e status= recorded in the header apply); the other
	 * formats, which show every call live, are paired here (only_event). */
	if ((seen & RN_SEEN_FILTER) && apply_filter(opt, &c->cl.opt.filter) < 0)
		return -1;
	if (c->only)
		opt->filter.status = c->only == 1 ? RN_STATUS_SUCCESSFUL : RN_STATUS_FAILED;
	if (seen & RN_SEEN_ABS) {
		opt->tf.abs_format = o->tf.abs_format;
		opt->tf.abs_digits = o->tf.abs_digits;
	}
	if (seen & RN_SEEN_REL) {
		opt->tf.rel = 1;
		opt->tf.rel_digits = o->tf.rel_digits;
	}
	if (seen & RN_SEEN_DUR) {
		opt->tf.dur = 1;
		opt->tf.dur_digits = o->tf.dur_digits;
	}
	if (seen & RN_SEEN_ACOLUMN)
		opt->acolumn = o->acolumn;
	if (o->syscall_number)
		opt->syscall_number = 1;
	if (o->instruction_pointer)
		opt->instruction_pointer = 1;
	if (seen & RN_SEEN_SORT)
		opt->summary.sort = o->summary.sort;
	if (seen & RN_SEEN_COLUMNS)
		memcpy(opt->summary.columns, o->summary.columns, sizeof(opt->summary.columns));
	if (o->decode_fds && !opt->decode_fds) {
		fputs("renacer-dump: -y: this capture has no descriptor paths (record them with "
		      "renacer -y)\n", stderr);
		return -1;
	}
	if (c->strsize >= 0 && c->strsize < opt->strsize)
		opt->strsize = (int)c->strsize;
	else
		c->strsize = -1; /* nothing to cut: the capture has no more */
	return 0;
}

/* Every event of the capture that the dump's --pid, -e trace= keep, cut to
 * its -s, into d. */
static void dump_events(struct dump *d, struct rn_capture_reader *r, const struct cmdline *c,
			const struct rn_options *opt)
{
	struct tgmap tg = { 0 };
	struct rn_event ev;
	while (!d->err && rn_capture_next(r, &ev)) {
		if (c->npids) {
			if (ev.kind == RN_EV_NEW_TASK)
				tg_put(&tg, ev.tid, ev.aux ? tg_get(&tg, (int32_t)ev.ret) : ev.tid);
			int32_t g = ev.tgid ? ev.tgid : tg_get(&tg, ev.tid);
			size_t k = 0;
			while (k < c->npids && c->pids[k] != g)
				k++;
			if (k == c->npids) {
				free(ev.v);
				continue;
			}
		}
		/* -e trace=: calls outside the set are not shown, nor is the
		 * "= ?" end of one cut short by its process's death. */
		if (!opt->filter.traces_all && !rn_filter_traced(&opt->filter, ev.nr)) {
			if (ev.kind == RN_EV_ENTRY || ev.kind == RN_EV_EXIT) {
				free(ev.v);
				continue;
			}
			ev.finish_pending = 0;
		}
		if (c->strsize >= 0)
			recut(&ev, (uint32_t)c->strsize);
		note_let_go(d, &ev);
		dump_event(d, &ev);
		free(ev.v);
	}
	free(tg.key);
	free(tg.val);
}

int main(int argc, char **argv)
{
	struct cmdline c;
	const unsigned closed_fds = rn_stdfds_guard();
	parse_cmdline(&c, argc, argv);
	if (closed_fds & 2) {
		fputs("renacer-dump: standard output is closed: nothing to write to\n", stderr);
		return 1;
	}
	if (optind >= argc)
		die_usage("must have a capture file"); /* as renacer's "must have PROG" */

	struct rn_capture_reader *r = rn_capture_reader_open((const char *const *)argv + optind,
							     (size_t)(argc - optind),
							     RN_CAPTURE_ROTATED | RN_CAPTURE_STDIN);
	if (!r)
		die_usage("out of memory");
	struct rn_sbuf msg = { 0 };
	if (rn_capture_reader_status(r) == RN_CAPTURE_UNREADABLE) {
		rn_capture_reader_describe(r, &msg);
		fprintf(stderr, "renacer-dump: %s\n", rn_sbuf_cstr(&msg));
		rn_sbuf_free(&msg);
		rn_capture_reader_close(r);
		free(c.pids);
		return 1;
	}

	/* Render with the options the run had, as the live sink did; the
	 * command line overrides them. */
	struct rn_options opt;
	rn_options_init(&opt);
	/* Without a header (it was damaged) the run's options are unknown:
	 * strace's, but quiet (as the reader does for a header that does not
	 * say): the "Process N attached" notes the run may have written to
	 * its stderr are not shown, only the line about the damage is. */
	opt.quiet = 1;
	int file_prefix = 0;
	const struct rn_capture_header *h = rn_capture_reader_header(r);
	if (h) {
		opt = h->opt;
		file_prefix = h->file_prefix;
		/* A later part read without the first: its processes have moved
		 * on from where the command started (compile-db and files then
		 * know no cwd rather than a wrong one). */
		if (h->part > 0)
			opt.cwd = NULL;
	}
	int recorded_count = opt.count;
	if (apply_cmdline(&opt, &c) < 0) {
		rn_capture_reader_close(r);
		free(c.pids);
		return 1;
	}
	int timing = c.timing || opt.tf.abs_format || opt.tf.rel || opt.tf.dur;

	/* A -c run recorded only the exits of calls (no arguments): its dump
	 * is the table. */
	const int table_only = c.stats || (c.fmt < 0 && recorded_count == RN_COUNT_ONLY);
	const struct rn_sink_ops *ops =
		table_only ? NULL : rn_sink_for_format(c.fmt < 0 ? RN_FORMAT_TEXT : c.fmt);
	const unsigned flags = ops ? ops->flags : 0;
	if (recorded_count == RN_COUNT_ONLY && !table_only) {
		fputs("renacer-dump: this capture was made with -c: it holds counts, not the "
		      "trace (use --format stats)\n", stderr);
		rn_capture_reader_close(r);
		free(c.pids);
		return 1;
	}
	if (c.count)
		opt.count = c.count;
	if (table_only)
		opt.count = RN_COUNT_ONLY;
	else if ((flags & RN_SINK_WHOLE_DOCUMENT) || recorded_count == RN_COUNT_OFF)
		opt.count = c.count; /* the table only when asked for */

	struct dump d;
	memset(&d, 0, sizeof(d));
	d.table_only = table_only;
	d.format = c.fmt < 0 ? RN_FORMAT_TEXT : c.fmt;
	d.opt = &opt;
	d.out_fd = STDOUT_FILENO;
	d.only = flags & RN_SINK_STATUS_FILTER ? 0 : c.only;
	d.wall = c.wall;
	rn_calls_init(&d.held);
	d.counting = opt.count != RN_COUNT_OFF;
	if (d.counting)
		rn_stats_init(&d.stats);
	if (opt.process_summary && !table_only && !(flags & RN_SINK_WHOLE_DOCUMENT)) {
		d.procs = rn_procstats_new();
		/* A later part of a rotated run alone: the processes that began
		 * before it, from its header's table. */
		for (size_t i = 0; h && i < h->nprocs; i++)
			rn_procstats_seed(d.procs, h->procs[i].pid, h->procs[i].ppid,
					  h->procs[i].start_ns, h->procs[i].command,
					  h->procs[i].exec_pending);
	}
	if (ops && dump_begin(&d, ops, h, file_prefix, timing) < 0)
		die_usage("out of memory");

	dump_events(&d, r, &c, &opt);
	int err = dump_finish(&d);
	let_go_report(&d);
	dump_free(&d);
	free(c.pids);

	int status;
	if (err) {
		fprintf(stderr, "renacer-dump: write: %s\n", strerror(err));
		status = 1;
	} else {
		status = (int)rn_capture_reader_status(r);
		if (status != RN_CAPTURE_INTACT) {
			rn_capture_reader_describe(r, &msg);
			fprintf(stderr, "renacer-dump: %s\n", rn_sbuf_cstr(&msg));
		}
	}
	rn_sbuf_free(&msg);
	rn_capture_reader_close(r);
	return status;
}
