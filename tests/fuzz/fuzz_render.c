/*
 * fuzz_render.c - libFuzzer target for the renderers of typed values:
 * strace's text (render_text.c, through the text sink), JSON (json.c) and
 * CSV (csv.c), on value trees built from the input.
 *
 * Input: a few option bytes (-s, -x/-xx, -y, -T, the event kinds and the
 * return value), then a program of operations that append values through
 * the value.h API, so every tree is well formed but any kind, flag, name,
 * number or byte string may appear where the renderers expect another (a
 * capture file can hold the same). Rendered: an ENTRY event with the
 * first part and an EXIT event with the second, through all three sinks,
 * plus rn_text_values / rn_text_after_result / rn_json_value directly.
 * The renderers must not crash, leak, read out of bounds or loop.
 *
 * Built in the clang ASan build (build-asan), which compiles the library
 * with libFuzzer's coverage (RN_FUZZ_LIB in the top CMakeLists.txt).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/csv_sink.h"
#include "sinks/json_sink.h"
#include "syscalls/options.h"
#include "sinks/render_text.h"
#include "syscalls/syscalls.h"
#include "sinks/text_sink.h"
#include "decode/value.h"

#define MAX_DEPTH 40
#define MAX_NODES 4096

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned get8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t get64(struct in *in)
{
	uint64_t v = 0;
	unsigned k = get8(in) & 7; /* how many bytes: small numbers are common */
	for (unsigned i = 0; i <= k; i++)
		v = v << 8 | get8(in);
	return v;
}

/* Names are static in real trees: pick one. */
static const char *const names[] = {
	NULL, "fd", "buf", "count", "flags", "mode", "st_mode", "sa_handler", "msg_iov",
	"iov_base", "tv_sec", "tv_nsec", "left", "in", "child_tidptr", "envp", "argv", "",
};

static const char *pick_name(struct in *in)
{
	return names[get8(in) % (sizeof(names) / sizeof(names[0]))];
}

/* Up to 255 bytes of the input, copied out (bytes may hold NULs). */
static size_t get_bytes(struct in *in, char *buf, size_t max)
{
	size_t len = get8(in);
	if (len > in->n)
		len = in->n;
	if (len > max)
		len = max;
	memcpy(buf, in->p, len);
	in->p += len;
	in->n -= len;
	return len;
}

/* Build values until the input ends or an "end of part" operation. */
static void build(struct in *in, struct rn_values *vs)
{
	uint32_t stack[MAX_DEPTH];
	unsigned depth = 0;
	char buf[256];
	static const enum rn_vkind containers[] = { RN_V_STRUCT, RN_V_ARRAY, RN_V_FLAGS };

	while (in->n && vs->n < MAX_NODES) {
		unsigned op = get8(in);
		const char *name = pick_name(in);
		uint32_t node;
		size_t len;

		switch (op % 16) {
		case 0:
			node = rn_v_int(vs, name, (int64_t)get64(in));
			break;
		case 1:
			node = rn_v_uint(vs, name, get64(in));
			break;
		case 2:
			node = rn_v_hex(vs, name, get64(in));
			break;
		case 3:
			node = rn_v_octal(vs, name, get64(in));
			break;
		case 4:
			node = rn_v_ptr(vs, name, get64(in));
			break;
		case 5:
			node = rn_v_fd(vs, name, (int)get64(in));
			if (get8(in) & 1) {
				len = get_bytes(in, buf, sizeof(buf));
				rn_v_set_bytes(vs, node, buf, len);
			}
			break;
		case 6:
			node = rn_v_name(vs, name, pick_name(in) ?: "SIGCHLD");
			break;
		case 7:
		case 8: {
			unsigned flags = get8(in) | get8(in) << 8;
			len = get_bytes(in, buf, sizeof(buf));
			node = rn_v_str(vs, name, buf, len, flags);
			break;
		}
		case 9:
			len = get_bytes(in, buf, sizeof(buf) - 1);
			buf[len] = '\0';
			node = rn_v_text(vs, name, buf);
			break;
		case 10:
			node = rn_v_unknown(vs, name);
			break;
		case 11:
			if (depth == MAX_DEPTH)
				continue;
			node = rn_v_open(vs, name, containers[get8(in) % 3]);
			vs->v[node].u = get64(in); /* FLAGS: leftover bits */
			stack[depth++] = node;
			continue;
		case 12:
			if (depth)
				rn_v_close(vs, stack[--depth]);
			continue;
		case 13: /* any flags on the last node */
			if (vs->n)
				vs->v[vs->n - 1].flags |= (uint16_t)(get8(in) | get8(in) << 8);
			continue;
		case 14: /* an expression or a comment for the last node */
			if (vs->n) {
				len = get_bytes(in, buf, sizeof(buf) - 1);
				buf[len] = '\0';
				rn_v_annotate(vs, vs->n - 1, (get8(in) & 1) ? RN_VF_EXPR : RN_VF_COMMENT,
					      buf);
			}
			continue;
		default: /* end of this part */
			while (depth)
				rn_v_close(vs, stack[--depth]);
			return;
		}
		(void)node;
	}
	while (depth)
		rn_v_close(vs, stack[--depth]);
}

static int discard(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

/* As a worker hands an event over (pipeline/worker.c): nodes and bytes in
 * one block, bytes right after the nodes, never NULL when there are nodes.
 * The caller frees ev->v. */
static void event_of(struct rn_event *ev, int kind, const struct rn_values *vs, uint64_t seq)
{
	size_t nodes = (size_t)vs->n * sizeof(struct rn_value);
	unsigned char *block = rn_values_block(vs, 0);

	memset(ev, 0, sizeof(*ev));
	ev->seq = seq;
	ev->ts_ns = 1000000000ull * seq;
	ev->tid = 42;
	ev->tgid = 42;
	ev->ntasks = 1;
	ev->kind = (uint16_t)kind;
	ev->v = (struct rn_value *)block;
	ev->nv = vs->n;
	ev->bytes = block + nodes;
	ev->nbytes = vs->nbytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct rn_options opt;
	struct rn_values entry = { 0 }, exit = { 0 };
	struct rn_sbuf b = { 0 };

	rn_options_init(&opt);
	opt.strsize = (int)(get8(&in) % 80);
	opt.quote_flags = get8(&in) % 3;
	unsigned misc = get8(&in);
	opt.decode_fds = misc & 1;
	opt.tf.dur = (misc >> 1) & 1;
	opt.tf.dur_digits = 6;
	int32_t nr = (int32_t)(get8(&in) | get8(&in) << 8) % ((int32_t)rn_syscall_count + 8) - 4;
	int64_t ret = (int64_t)get64(&in);
	int is_error = misc >> 2 & 1;
	int ret_type = (int)(misc >> 3);

	build(&in, &entry);
	build(&in, &exit);
	struct rn_event ev_entry, ev_exit;
	event_of(&ev_entry, RN_EV_ENTRY, &entry, 1);
	event_of(&ev_exit, RN_EV_EXIT, &exit, 2);
	rn_values_free(&entry);
	rn_values_free(&exit);

	/* The renderers, directly. */
	rn_text_values(&b, &opt, ev_entry.v, ev_entry.bytes, 0, ev_entry.nv);
	rn_text_after_result(&b, &opt, ev_exit.v, ev_exit.bytes, 0, ev_exit.nv);
	rn_text_result(&b, ret, is_error, ret_type);
	for (uint32_t i = 0; i < ev_entry.nv; i = ev_entry.v[i].end)
		rn_json_value(&b, ev_entry.v, ev_entry.bytes, i);

	/* Through the sinks, as the writer and renacer-dump do. */
	ev_entry.nr = nr;
	ev_entry.more = 1;
	ev_exit.nr = nr;
	ev_exit.ret = is_error ? -(ret & 4095) : ret;
	ev_exit.is_error = (uint8_t)is_error;
	ev_exit.ret_type = (uint8_t)ret_type;
	ev_exit.duration_ns = (uint64_t)ret;

	struct rn_text_sink ts;
	rn_text_sink_init(&ts, &opt, misc >> 7, discard, NULL);
	rn_text_sink_event(&ts, &ev_entry);
	rn_text_sink_event(&ts, &ev_exit);
	rn_text_sink_finish(&ts);
	rn_text_sink_free(&ts);

	struct rn_json_sink js;
	rn_json_sink_init(&js, &opt, discard, NULL);
	rn_json_sink_event(&js, &ev_entry);
	rn_json_sink_event(&js, &ev_exit);
	rn_json_sink_finish(&js);
	rn_json_sink_free(&js);

	struct rn_csv_sink cs;
	rn_csv_sink_init(&cs, &opt, misc >> 6 & 1, discard, NULL);
	rn_csv_sink_event(&cs, &ev_entry);
	rn_csv_sink_event(&cs, &ev_exit);
	rn_csv_sink_finish(&cs);
	rn_csv_sink_free(&cs);

	rn_sbuf_free(&b);
	free(ev_entry.v);
	free(ev_exit.v);
	rn_filter_free(&opt.filter);
	return 0;
}
