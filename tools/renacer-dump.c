/*
 * renacer-dump.c - render a capture (or a rotated set of them) as text,
 * JSON Lines or CSV, through the same sinks the live tracer uses: the text
 * is byte for byte what `renacer` printed for the same run.
 *
 *   renacer-dump [--format text|json|csv] [-s N] [--pid PID]... [--timing] FILE...
 *
 * Exit status: 0 when everything was read, 2 when damage was skipped (one
 * line on stderr says where and what), 1 when nothing could be read (one
 * line names the problem) or on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renacer/capture.h"
#include "renacer/csv_sink.h"
#include "renacer/json_sink.h"
#include "renacer/text_sink.h"

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

static void usage(FILE *to)
{
	fputs("usage: renacer-dump [OPTIONS] FILE...\n"
	      "Render renacer captures (--capture FILE) as strace text, JSON Lines or CSV.\n"
	      "A FILE's rotated parts (FILE.1, FILE.2, ...) are read with it, oldest first.\n"
	      "\n"
	      "  --format FMT  text (default, as renacer printed it), json or csv\n"
	      "  -s N          show at most N bytes of strings and N array elements\n"
	      "                (at most what the capture recorded)\n"
	      "  --pid PID     only this process and its threads (repeatable)\n"
	      "  --timing      csv: add the seq,ts_ns,duration_ns,error columns (on when\n"
	      "                the run had -t, -r or -T)\n"
	      "  -h, --help    this help\n"
	      "  -V, --version the version\n"
	      "\n"
	      "Exit status: 0 read whole, 2 damage skipped (see stderr), 1 nothing readable.\n",
	      to);
}

static void die_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "renacer-dump: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
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

/* ---- main ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	enum fmt fmt = FMT_TEXT;
	long strsize = -1, v;
	int timing = 0;
	int32_t *pids = NULL;
	size_t npids = 0;

	enum { OPT_FORMAT = 256, OPT_PID, OPT_TIMING };
	static const struct option longopts[] = {
		{ "timing", no_argument, NULL, OPT_TIMING },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "s:hV", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else if (!strcmp(optarg, "csv"))
				fmt = FMT_CSV;
			else
				die_usage("unknown --format (text, json or csv)", optarg);
			break;
		case OPT_PID:
			if (parse_int(optarg, 1, INT32_MAX, &v) < 0)
				die_usage("invalid --pid", optarg);
			pids = realloc(pids, (npids + 1) * sizeof(*pids));
			if (!pids)
				die_usage("out of memory", NULL);
			pids[npids++] = (int32_t)v;
			break;
		case 's':
			if (parse_int(optarg, 0, INT32_MAX, &strsize) < 0)
				die_usage("invalid -s", optarg);
			break;
		case OPT_TIMING:
			timing = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("renacer-dump version " RN_VERSION);
			return 0;
		case ':':
			die_usage("option needs an argument", argv[optind - 1]);
			break;
		default:
			die_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}

	struct rn_capture_reader *r = rn_capture_reader_open((const char *const *)argv + optind,
							     (size_t)(argc - optind),
							     RN_CAPTURE_ROTATED);
	if (!r)
		die_usage("out of memory", NULL);
	struct rn_sbuf msg = { 0 };
	if (rn_capture_reader_status(r) == RN_CAPTURE_UNREADABLE) {
		rn_capture_reader_describe(r, &msg);
		fprintf(stderr, "renacer-dump: %s\n", rn_sbuf_cstr(&msg));
		rn_sbuf_free(&msg);
		rn_capture_reader_close(r);
		free(pids);
		return 1;
	}

	/* Render with the options the run had, as the live sink did. */
	struct rn_options opt = { .strsize = 32 };
	int file_prefix = 0;
	const struct rn_capture_header *h = rn_capture_reader_header(r);
	if (h) {
		opt = h->opt;
		file_prefix = h->file_prefix;
		if (opt.tf.abs_format || opt.tf.rel || opt.tf.dur)
			timing = 1;
	}
	if (strsize >= 0 && strsize < opt.strsize)
		opt.strsize = (int)strsize;
	else
		strsize = -1; /* nothing to cut: the capture has no more */

	int out_fd = STDOUT_FILENO;
	struct rn_text_sink ts;
	struct rn_json_sink js;
	struct rn_csv_sink cs;
	if (fmt == FMT_TEXT) {
		rn_text_sink_init(&ts, &opt, file_prefix, write_all, &out_fd);
		/* -t: the run's wall clock, from the clock bases it recorded */
		if (h)
			rn_text_sink_set_clock(&ts, (int64_t)(h->realtime_ns - h->monotonic_ns));
	}
	else if (fmt == FMT_JSON)
		rn_json_sink_init(&js, &opt, write_all, &out_fd);
	else
		rn_csv_sink_init(&cs, &opt, timing, write_all, &out_fd);

	struct tgmap tg = { 0 };
	struct rn_event ev;
	int err = 0;
	while (!err && rn_capture_next(r, &ev)) {
		if (npids) {
			if (ev.kind == RN_EV_NEW_TASK)
				tg_put(&tg, ev.tid, ev.aux ? tg_get(&tg, (int32_t)ev.ret) : ev.tid);
			int32_t g = ev.tgid ? ev.tgid : tg_get(&tg, ev.tid);
			size_t k = 0;
			while (k < npids && pids[k] != g)
				k++;
			if (k == npids) {
				free(ev.v);
				continue;
			}
		}
		if (strsize >= 0)
			recut(&ev, (uint32_t)strsize);
		if (fmt == FMT_TEXT) {
			rn_text_sink_event(&ts, &ev);
			err = ts.error;
		} else if (fmt == FMT_JSON) {
			rn_json_sink_event(&js, &ev);
			err = js.error;
		} else {
			rn_csv_sink_event(&cs, &ev);
			err = cs.error;
		}
		free(ev.v);
	}
	if (!err) {
		if (fmt == FMT_TEXT)
			err = rn_text_sink_finish(&ts);
		else if (fmt == FMT_JSON)
			err = rn_json_sink_finish(&js);
		else
			err = rn_csv_sink_finish(&cs);
	}
	if (fmt == FMT_TEXT)
		rn_text_sink_free(&ts);
	else if (fmt == FMT_JSON)
		rn_json_sink_free(&js);
	else
		rn_csv_sink_free(&cs);
	free(tg.key);
	free(tg.val);
	free(pids);

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
