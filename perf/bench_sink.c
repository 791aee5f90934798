/*
 * bench_sink.c - the writer's output stage on pre-built events, measured
 * (see bench.h): strace text, JSON Lines, and the capture's msgpack + zstd.
 */
#define _GNU_SOURCE
#include "bench.h"
#include "bench_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "decode/event.h"
#include "sinks/json_sink.h"
#include "syscalls/options.h"
#include "syscalls/syscalls.h"
#include "sinks/text_sink.h"
#include "decode/value.h"

#define TID_A 4242
#define TID_B 4243
#define MAX_EVENTS 64

struct rn_bench_sink {
	int kind;
	struct rn_options opt;
	struct rn_event ev[MAX_EVENTS];
	unsigned nev;
	uint64_t seq;
	uint64_t ts;              /* the clock of the next batch */
	uint64_t rng;             /* xorshift64 state */
	uint64_t bytes;           /* text / JSON: bytes handed to the writer */
	struct rn_text_sink text;
	struct rn_json_sink json;
	struct rn_capture_writer *cap;
	int error;
};

/* ---- building the mix ---------------------------------------------------- */

/* Move the values built in vs into ev (one block, nodes first), as the
 * worker's attach_values does. */
static void attach(struct rn_values *vs, struct rn_event *ev)
{
	if (vs->n == 0 && vs->nbytes == 0)
		return;
	size_t nodes = (size_t)vs->n * sizeof(struct rn_value);
	unsigned char *block = malloc(nodes + vs->nbytes + 1);
	if (!block)
		abort();
	memcpy(block, vs->v, nodes);
	if (vs->nbytes)
		memcpy(block + nodes, vs->bytes, vs->nbytes);
	ev->v = (struct rn_value *)block;
	ev->nv = vs->n;
	ev->bytes = block + nodes;
	ev->nbytes = vs->nbytes;
	rn_values_reset(vs);
}

static struct rn_event *add(struct rn_bench_sink *s, int kind, int32_t tid)
{
	if (s->nev == MAX_EVENTS)
		abort();
	struct rn_event *ev = &s->ev[s->nev++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = (uint16_t)kind;
	ev->tid = ev->tgid = tid;
	ev->ntasks = 2;
	ev->nr = -1;
	ev->ts_ns = 1000000u + 1000u * s->nev;
	return ev;
}

/* A call's entry and exit events, decoded as a worker decodes them. The
 * exit is built at once but placed where the caller says. */
struct call_events {
	struct rn_event entry, exit;
};

static void decode_call(const struct rn_options *opt, int family, int32_t tid,
			struct call_events *out)
{
	struct rn_bench_call call;
	struct rn_values vs = { 0 };
	uint64_t saved[RN_DCTX_NSAVED] = { 0 };
	rn_bench_call_make(family, &call);
	const struct rn_syscall *sc = rn_syscall_get(call.entry.nr);
	struct rn_dctx c = {
		.opt = opt, .sc = sc, .entry = &call.entry, .exit = NULL,
		.vs = &vs, .tid = call.entry.tid, .saved = saved,
	};
	unsigned from = rn_decode_entry(&c);
	memset(out, 0, sizeof(*out));
	out->entry.kind = RN_EV_ENTRY;
	out->entry.nr = call.entry.nr;
	out->entry.more = sc ? from < sc->nargs : 0;
	attach(&vs, &out->entry);
	c.exit = &call.exit;
	rn_decode_exit(&c, from);
	out->exit.kind = RN_EV_EXIT;
	out->exit.nr = call.entry.nr;
	out->exit.ret = call.exit.ret;
	out->exit.ret_type = c.ret_hex ? RN_T_HEX : sc ? sc->ret_type : RN_T_LONG;
	attach(&vs, &out->exit);
	rn_values_free(&vs);
	out->entry.tid = out->entry.tgid = out->exit.tid = out->exit.tgid = tid;
}

static void place(struct rn_bench_sink *s, const struct rn_event *proto)
{
	struct rn_event *ev = add(s, proto->kind, proto->tid);
	uint64_t ts = ev->ts_ns;
	*ev = *proto;
	ev->ts_ns = ts;
	ev->ntasks = 2;
	if (ev->kind == RN_EV_EXIT) {
		ev->entry_ts_ns = ts - 2500;
		ev->duration_ns = 2500;
	}
}

static void call_seq(struct rn_bench_sink *s, int family, int32_t tid)
{
	struct call_events ce;
	decode_call(&s->opt, family, tid, &ce);
	place(s, &ce.entry);
	place(s, &ce.exit);
}

static void build_mix(struct rn_bench_sink *s)
{
	struct rn_event *ev;
	struct call_events a, b;

	ev = add(s, RN_EV_NEW_TASK, TID_B);
	ev->ret = TID_A;
	call_seq(s, RN_BENCH_EXECVE, TID_B);
	add(s, RN_EV_NONE, TID_B); /* the exec event: no line, still sequenced */
	call_seq(s, RN_BENCH_OPENAT, TID_B);
	call_seq(s, RN_BENCH_FSTATAT, TID_B);
	call_seq(s, RN_BENCH_MMAP, TID_B);
	call_seq(s, RN_BENCH_READ, TID_B);
	call_seq(s, RN_BENCH_CLOSE, TID_B);
	/* two tids at once: "<unfinished ...>" and "<... resumed>" */
	decode_call(&s->opt, RN_BENCH_READ, TID_A, &a);
	decode_call(&s->opt, RN_BENCH_OPENAT, TID_B, &b);
	place(s, &a.entry);
	place(s, &b.entry);
	place(s, &a.exit);
	place(s, &b.exit);
	call_seq(s, RN_BENCH_FSTATAT, TID_B);
	call_seq(s, RN_BENCH_MMAP, TID_B);
	call_seq(s, RN_BENCH_MMAP, TID_B);
	call_seq(s, RN_BENCH_CLOSE, TID_B);
	call_seq(s, RN_BENCH_WRITE, TID_B);
	call_seq(s, RN_BENCH_WRITE, TID_A);
	ev = add(s, RN_EV_EXITED, TID_B);
	ev->ret = 0;
}

/* ---- the sinks ------------------------------------------------------------ */

static int null_write(void *ctx, const char *p, size_t n)
{
	struct rn_bench_sink *s = ctx;
	(void)p;
	s->bytes += n;
	return 0;
}

struct rn_bench_sink *rn_bench_sink_new(int kind, const char *capture_path)
{
	struct rn_bench_sink *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->kind = kind;
	s->ts = 1000000000u;
	s->rng = 0x9e3779b97f4a7c15ull;
	rn_options_init(&s->opt);
	s->opt.follow_forks = 1;
	s->opt.quiet = 1; /* no "Process N attached" on stderr */
	s->opt.outfile = "trace";
	build_mix(s);
	switch (kind) {
	case RN_BENCH_TEXT:
		rn_text_sink_init(&s->text, &s->opt, 1, null_write, s);
		break;
	case RN_BENCH_JSON:
		s->opt.format = RN_FORMAT_JSON;
		rn_json_sink_init(&s->json, &s->opt, null_write, s);
		break;
	case RN_BENCH_CAPTURE: {
		static char *argv[] = { "renacer", "-f", "--capture", "bench.cap", NULL };
		struct rn_capture_info info = {
			.opt = &s->opt, .argc = 4, .argv = argv, .file_prefix = 1,
			.max_size = 64u << 20, .max_files = 1,
		};
		int err = 0;
		s->opt.capture = capture_path;
		s->cap = rn_capture_create(capture_path, &info, &err);
		if (!s->cap) {
			fprintf(stderr, "bench_sink: cannot create %s: %s\n", capture_path,
				strerror(err));
			free(s);
			return NULL;
		}
		break;
	}
	default:
		abort();
	}
	return s;
}

static uint64_t next_random(struct rn_bench_sink *s)
{
	uint64_t x = s->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->rng = x;
}

/* A batch like the one before would compress far better than a real trace
 * (zstd finds the whole batch again): give every batch what differs from
 * call to call in a real one. Times, durations and mapped addresses change;
 * what read() returned becomes other binary bytes, what write() wrote other
 * letters; paths and names stay (a build opens the same files again). */
static void vary(struct rn_bench_sink *s, struct rn_event *ev)
{
	uint64_t r = next_random(s);
	s->ts += 800 + (r & 0x3ff);
	ev->ts_ns = s->ts;
	if (ev->kind == RN_EV_EXIT) {
		ev->duration_ns = 300 + ((r >> 10) & 0xfff);
		ev->entry_ts_ns = ev->ts_ns - ev->duration_ns;
		if (ev->nr == SYS_mmap)
			ev->ret = (int64_t)(0x7f0000000000ull + ((r >> 22) & 0xfffffff000ull));
	}
	if (ev->nr != SYS_read && ev->nr != SYS_write)
		return;
	for (uint32_t i = 0; i < ev->nv; i++) {
		const struct rn_value *v = &ev->v[i];
		if (v->kind != RN_V_STR || (v->flags & RN_VF_PATH))
			continue;
		for (uint32_t k = 0; k < v->len; k++) {
			if ((k & 7) == 0)
				r = next_random(s);
			unsigned char b = (unsigned char)(r >> (8 * (k & 7)));
			ev->bytes[v->off + k] = ev->nr == SYS_read ? b : (unsigned char)('a' + b % 26);
		}
	}
}

uint64_t rn_bench_sink_batch(struct rn_bench_sink *s)
{
	for (unsigned i = 0; i < s->nev; i++) {
		struct rn_event *ev = &s->ev[i];
		ev->seq = ++s->seq;
		vary(s, ev);
		switch (s->kind) {
		case RN_BENCH_TEXT:
			rn_text_sink_event(&s->text, ev);
			break;
		case RN_BENCH_JSON:
			rn_json_sink_event(&s->json, ev);
			break;
		default:
			if (rn_capture_append(s->cap, ev) != 0)
				s->error = 1;
			break;
		}
	}
	if (s->kind == RN_BENCH_TEXT && s->text.error)
		s->error = 1;
	if (s->kind == RN_BENCH_JSON && s->json.error)
		s->error = 1;
	return s->nev;
}

void rn_bench_sink_bytes(struct rn_bench_sink *s, uint64_t *in, uint64_t *out)
{
	if (s->kind == RN_BENCH_CAPTURE) {
		const struct rn_capture_stats *st = rn_capture_writer_stats(s->cap);
		*in = st->bytes_in;
		*out = st->bytes_out;
		return;
	}
	*in = *out = s->bytes;
}

int rn_bench_sink_error(const struct rn_bench_sink *s)
{
	return s->error;
}

void rn_bench_sink_free(struct rn_bench_sink *s)
{
	switch (s->kind) {
	case RN_BENCH_TEXT:
		rn_text_sink_finish(&s->text);
		rn_text_sink_free(&s->text);
		break;
	case RN_BENCH_JSON:
		rn_json_sink_finish(&s->json);
		rn_json_sink_free(&s->json);
		break;
	default:
		rn_capture_close(s->cap);
		break;
	}
	for (unsigned i = 0; i < s->nev; i++)
		free(s->ev[i].v);
	free(s);
}
