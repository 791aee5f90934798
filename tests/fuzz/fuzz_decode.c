/*
 * fuzz_decode - libFuzzer target for the argument decoders (decode/dec_*.c,
 * decode.c and the flag tables): a system call's entry and exit decoded
 * from raw registers and a fake memory buffer, then rendered.
 *
 * Input: the syscall number, the options (-s, -x/-xx), the return value,
 * then for each of the six arguments a selector and a value: a small
 * number, a 64-bit number, a flag word, NULL / -1, or a pointer into the
 * buffer; the rest of the input is the buffer. The "tracee" is this very
 * process (rn_mem_read(getpid(), ...) reads it as process_vm_readv does a
 * tracee's), and the buffer sits right before an unmapped page, so a read
 * past its end fails (the raw address is shown) instead of reading
 * whatever the heap holds: every input decodes the same way each time.
 * The buffer is mapped at 0x40000000 when that is free, so the input's
 * own pointers (argv arrays, iovecs) can point into it.
 * The entry's and the exit's values go through strace's text and JSON.
 * Also the siginfo decoder, on the buffer's first bytes.
 *
 * Built in the clang ASan build (build-asan), which compiles the library
 * with libFuzzer's coverage (RN_FUZZ_LIB in the top CMakeLists.txt).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decode/decode.h"
#include "sinks/json_sink.h"
#include "syscalls/options.h"
#include "decode/record.h"
#include "sinks/render_text.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

#define AREA (64u << 10) /* the fake memory: 64 KiB, then a PROT_NONE page */
/* Where it is mapped when the address is free, so that pointers stored in
 * the input (argv arrays, iovecs, msghdr) can point into it: seeds write
 * 0x40000000 + offset. (Below 2 GiB: application memory under ASan.) */
#define AREA_AT 0x40000000ul

static unsigned char *area;

static void setup(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *m = mmap((void *)AREA_AT, AREA + page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (m == MAP_FAILED)
		m = mmap(NULL, AREA + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			 0);
	if (m == MAP_FAILED || mprotect((char *)m + AREA, page, PROT_NONE) < 0)
		abort();
	area = m;
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
	switch (take(in, 1) % 8) {
	case 0:
	case 1:
		return (uint64_t)(int64_t)(int8_t)take(in, 1); /* small, maybe negative */
	case 2:
		return take(in, 8);
	case 3:
		return take(in, 4); /* flags */
	case 4:
		return 0; /* NULL */
	case 5:
		return (uint64_t)-1;
	default: /* a pointer into the fake memory */
		return (uint64_t)(uintptr_t)(area + take(in, 2) % AREA);
	}
}

/* Render what was decoded as the writer does, from one block of nodes then
 * bytes (pipeline/worker.c's attach_values: bytes never NULL). */
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
	struct rn_options opt;
	struct rn_values vs = { 0 };
	struct rn_sbuf b = { 0 };
	pid_t me = getpid();

	if (!area)
		setup();
	rn_options_init(&opt);
	long nr = (long)(take(&in, 2) % (rn_syscall_count + 4));
	unsigned o = (unsigned)take(&in, 1);
	opt.strsize = (int)(o % 64);
	opt.quote_flags = (o >> 6) % 3;
	int64_t ret = (int64_t)arg_value(&in);
	int is_error = ret < 0 && ret > -4096;

	struct rn_record entry = { .kind = RN_REC_SYSCALL_ENTRY, .nr = (int32_t)nr };
	entry.tid = entry.tgid = me;
	for (int i = 0; i < 6; i++)
		entry.args[i] = arg_value(&in);
	struct rn_record exit = entry;
	exit.kind = RN_REC_SYSCALL_EXIT;
	exit.ret = ret;
	exit.flags = is_error ? RN_REC_ERROR : 0;

	/* The rest is the memory (what is not given is zero). */
	size_t len = in.n < AREA ? in.n : AREA;
	memcpy(area, in.p, len);
	memset(area + len, 0, AREA - len);

	uint64_t saved[RN_DCTX_NSAVED] = { 0 };
	struct rn_dctx c = { .opt = &opt, .sc = rn_syscall_get(nr), .entry = &entry,
			     .vs = &vs, .tid = me, .saved = saved };
	unsigned next = rn_decode_entry(&c);
	render(&opt, &vs, &b);
	c.exit = &exit;
	rn_decode_exit(&c, next);
	render(&opt, &vs, &b);

	/* A signal record carries the first 48 bytes of a siginfo. */
	struct rn_record sig = { .kind = RN_REC_SIGNAL, .nr = -1 };
	memcpy(sig.args, area, sizeof(sig.args));
	rn_decode_siginfo(&vs, &sig);
	render(&opt, &vs, &b);

	rn_values_free(&vs);
	rn_sbuf_free(&b);
	rn_filter_free(&opt.filter);
	return 0;
}
