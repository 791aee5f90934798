/*
 * fuzz_stop - libFuzzer target for what the tracer does with one syscall's
 * stops, from any number and registers a tracee can produce.
 *
 * The tracer takes the number from PTRACE_GET_SYSCALL_INFO as 64 bits and
 * keeps its low 32 (the kernel looks at no more); a tracee controls all of
 * them: -1, x32's 0x40000000 bit, numbers newer than the table. Here each
 * input is one call through the same steps as tracer/tracer.c's on_entry
 * and on_syscall_stop, then a worker's and the writer's:
 *   - the filter's verdict (rn_filter_traced) under one of a few -e sets;
 *   - the stop policy (hold / rehearse), built for the options chosen;
 *   - a rehearsal of entry and exit, or a planned copy (prefetch.h);
 *   - the decoders, the text and JSON renderers, the call's name;
 *   - the -c table (rn_stats_add), errno and signal names, a siginfo.
 * The "tracee" is this process (process_vm_readv on itself), with a fake
 * memory area before an unmapped page as in fuzz_decode.
 *
 * Input: options byte, filter byte, 8 bytes of number, 8 of return value,
 * 4 of signal number, six arguments (selector + value), then the memory.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sinks/calls.h"
#include "decode/decode.h"
#include "sinks/json_sink.h"
#include "base/names.h"
#include "syscalls/options.h"
#include "decode/prefetch.h"
#include "decode/record.h"
#include "decode/rehearse.h"
#include "sinks/render_text.h"
#include "tracer/stop_policy.h"
#include "stats/summary.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

#define AREA (16u << 10)
#define COPY_CAP 16384u

static unsigned char *area;
static uint8_t *copy_buf;

static const char *const filters[] = {
	"trace=all", "trace=%file", "trace=!getpid", "trace=/sock", "trace=none",
	"trace=%process,%signal", "signal=none", "status=failed",
};
#define NFILTERS (sizeof(filters) / sizeof(filters[0]))

/* Options per combination of the option byte's low 4 bits, with the
 * policy and plans built once for each (as the tracer builds them once). */
struct setup {
	int ready;
	struct rn_options opt;
	struct rn_prefetch pf;
	struct rn_stop_policy policy;
};
static struct setup setups[16][NFILTERS];

static struct setup *get_setup(unsigned o, unsigned f)
{
	struct setup *s = &setups[o & 15][f];
	if (s->ready)
		return s;
	rn_options_init(&s->opt);
	s->opt.decode_fds = (o & 1) != 0;
	s->opt.count = (o & 2) ? RN_COUNT_ONLY : RN_COUNT_OFF;
	s->opt.process_summary = s->opt.whole_commands = (o & 4) != 0;
	char err[256];
	if (o & 8)
		rn_filter_add_path(&s->opt.filter, "/tmp");
	if (rn_filter_parse_e(&s->opt.filter, filters[f], err, sizeof(err)) < 0 ||
	    rn_filter_finish(&s->opt.filter, err, sizeof(err)) < 0 ||
	    rn_prefetch_init(&s->pf, &s->opt) < 0)
		abort();
	rn_stop_policy_init(&s->policy, &s->opt, &s->pf);
	s->ready = 1;
	return s;
}

static void setup_area(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, AREA + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect((char *)m + AREA, page, PROT_NONE) < 0)
		abort();
	area = m;
	copy_buf = malloc(COPY_CAP);
	if (!copy_buf)
		abort();
}

struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		v = v << 8;
		if (in->n) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

static uint64_t arg_value(struct in *in)
{
	switch (take(in, 1) % 6) {
	case 0:
		return (uint64_t)(int64_t)(int8_t)take(in, 1);
	case 1:
		return take(in, 8);
	case 2:
		return 0;
	case 3:
		return (uint64_t)-1;
	default:
		return (uint64_t)(uintptr_t)(area + take(in, 2) % AREA);
	}
}

/* The tracer's part of a stop: a rehearsal or a planned copy when the
 * policy says this phase needs memory. Returns the bytes copied or -1
 * (the tracee would be held for a worker). */
static long tracer_stop(struct setup *s, const struct rn_record *entry, const struct rn_record *exit,
			struct rn_rehearsal *state, struct rn_values *scratch)
{
	const int32_t nr = entry->nr;
	const int rehearsed = rn_stop_rehearsed(&s->policy, nr);
	int what = RN_HOLD_ENTRY;
	if (exit)
		what = rehearsed ? RN_HOLD_EXIT | RN_HOLD_EXIT_ERR
				 : (exit->flags & RN_REC_ERROR) ? RN_HOLD_EXIT_ERR : RN_HOLD_EXIT;
	if (rehearsed) {
		long n = rn_rehearse(&s->opt, entry->tid, entry, exit, state, scratch, copy_buf,
				     COPY_CAP);
		return rn_stop_held(&s->policy, nr, what) ? n : 0;
	}
	if (!rn_stop_held(&s->policy, nr, what))
		return 0;
	const struct rn_prefetch_plan *plan = rn_prefetch_plan(&s->pf, nr, exit != NULL);
	if (!plan)
		return -1;
	return rn_prefetch_read(&s->pf, plan, entry->tid, entry->args, exit != NULL,
				exit ? exit->ret : 0, exit && (exit->flags & RN_REC_ERROR),
				copy_buf, COPY_CAP);
}

static void render(const struct rn_options *opt, struct rn_values *vs, struct rn_sbuf *b)
{
	size_t nodes = (size_t)vs->n * sizeof(struct rn_value);
	unsigned char *block = rn_values_block(vs, 0);
	const struct rn_value *v = (const struct rn_value *)block;
	const unsigned char *bytes = block + nodes;
	rn_text_values(b, opt, v, bytes, 0, vs->n);
	rn_text_after_result(b, opt, v, bytes, 0, vs->n);
	for (uint32_t i = 0; i < vs->n; i = v[i].end)
		rn_json_value(b, v, bytes, i);
	free(block);
	rn_sbuf_reset(b);
	rn_values_reset(vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	pid_t me = getpid();

	if (!area)
		setup_area();
	unsigned o = (unsigned)take(&in, 1);
	struct setup *s = get_setup(o, (unsigned)take(&in, 1) % NFILTERS);
	/* As the tracer: the low 32 bits of what the tracee passed. */
	const int32_t nr = (int32_t)take(&in, 8);
	const int64_t ret = (int64_t)take(&in, 8);
	const int sig = (int)take(&in, 4);
	const int is_error = ret < 0 && ret > -4096;

	struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = nr, .tid = me, .tgid = me };
	for (int i = 0; i < 6; i++)
		entry.args[i] = arg_value(&in);
	struct rn_record exit = entry;
	exit.kind = RN_REC_SYSCALL_EXIT;
	exit.ret = ret;
	exit.flags = is_error ? RN_REC_ERROR : 0;
	size_t len = in.n < AREA ? in.n : AREA;
	memcpy(area, in.p, len);
	memset(area + len, 0, AREA - len);

	struct rn_values vs = { 0 };
	struct rn_sbuf b = { 0 };
	if (s->opt.filter.traces_all || rn_filter_traced(&s->opt.filter, nr)) {
		struct rn_rehearsal state = { 0 };
		tracer_stop(s, &entry, NULL, &state, &vs);
		rn_values_reset(&vs);
		tracer_stop(s, &entry, &exit, &state, &vs);
		rn_values_reset(&vs);

		uint64_t saved[RN_DCTX_NSAVED] = { 0 };
		struct rn_dctx c = { .opt = &s->opt, .sc = rn_syscall_get(nr), .entry = &entry,
				     .vs = &vs, .tid = me, .saved = saved };
		unsigned next = rn_decode_entry(&c);
		render(&s->opt, &vs, &b);
		c.exit = &exit;
		rn_decode_exit(&c, next);
		render(&s->opt, &vs, &b);

		char scratch[32];
		rn_sbuf_puts(&b, rn_call_name(nr, scratch));
		rn_sbuf_reset(&b);
	}

	struct rn_stats_table st;
	rn_stats_init(&st);
	rn_stats_add(&st, nr, (uint64_t)ret, is_error);
	rn_stats_free(&st);
	const int err = (int)(0 - (uint64_t)ret); /* ret may be INT64_MIN */
	(void)rn_errno_name(err);
	(void)rn_errno_message(err);
	(void)rn_signal_name(sig);
	(void)rn_filter_signal_shown(&s->opt.filter, sig);

	struct rn_record siginfo = { .kind = RN_REC_SIGNAL, .nr = sig };
	memcpy(siginfo.args, area, sizeof(siginfo.args));
	memcpy(siginfo.args, &sig, sizeof(sig));
	rn_decode_siginfo(&vs, &siginfo);
	render(&s->opt, &vs, &b);

	rn_values_free(&vs);
	rn_sbuf_free(&b);
	return 0;
}
