/*
 * bench_decode.c - a worker's decode of one syscall, measured (see bench.h).
 *
 * The records point into this process's own memory and name our own pid,
 * so rn_mem_read's process_vm_readv reads ourselves: the same system call,
 * the same copies, as a worker reading a stopped tracee (minus the page
 * faults a fresh tracee may take).
 */
#define _GNU_SOURCE
#include "bench.h"
#include "bench_internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "decode/decode.h"
#include "syscalls/options.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

/* ---- the fixtures: memory the records point at ------------------------- */

static unsigned char read_buf[4096];
static char write_buf[64];
static const char open_path[] = "/usr/lib/x86_64-linux-gnu/libc.so.6";
static const char empty_path[] = "";
static struct stat stat_buf;
static const char exec_path[] = "/usr/lib/gcc/x86_64-linux-gnu/12/cc1";
static const char *const exec_argv_src[] = {
	"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "-quiet", "-imultiarch", "x86_64-linux-gnu",
	"unit7.c", "-quiet", "-dumpdir", "./", "-dumpbase", "unit7.c", "-dumpbase-ext", ".c",
	"-mtune=generic", "-march=x86-64", "-g", "-O1", "-o", "/tmp/ccQ1wERt.s",
};
#define EXEC_ARGC (sizeof(exec_argv_src) / sizeof(exec_argv_src[0]))
static const char *exec_argv[EXEC_ARGC + 1];
#define EXEC_ENVC 30
static char exec_env_strings[EXEC_ENVC][48];
static const char *exec_envp[EXEC_ENVC + 1];

static void fixtures_init(void)
{
	static int ready;
	if (ready)
		return;
	ready = 1;
	/* the start of an ELF file, then something that is not text */
	static const unsigned char elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 3 };
	memcpy(read_buf, elf, sizeof(elf));
	for (size_t i = sizeof(elf); i < sizeof(read_buf); i++)
		read_buf[i] = (unsigned char)(i * 131u);
	snprintf(write_buf, sizeof(write_buf), "%-62s\n",
		 "unit7.c:12:5: note: in expansion of macro 'ITEM'");
	if (stat("/", &stat_buf) != 0)
		memset(&stat_buf, 0, sizeof(stat_buf));
	for (size_t i = 0; i < EXEC_ARGC; i++)
		exec_argv[i] = exec_argv_src[i];
	for (int i = 0; i < EXEC_ENVC; i++) {
		snprintf(exec_env_strings[i], sizeof(exec_env_strings[i]),
			 "VARIABLE_%02d=/some/value/of/a/typical/length", i);
		exec_envp[i] = exec_env_strings[i];
	}
}

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

void rn_bench_call_make(int family, struct rn_bench_call *out)
{
	fixtures_init();
	memset(out, 0, sizeof(*out));
	struct rn_record *en = &out->entry, *ex = &out->exit;
	en->kind = RN_REC_SYSCALL_ENTRY;
	ex->kind = RN_REC_SYSCALL_EXIT;
	en->tid = en->tgid = ex->tid = ex->tgid = (int32_t)getpid();
	en->ntasks = ex->ntasks = 2;
	en->ts_ns = 1000000;
	ex->ts_ns = 1002500;
	uint64_t *a = en->args;
	switch (family) {
	case RN_BENCH_READ:
		en->nr = SYS_read;
		a[0] = 3, a[1] = addr(read_buf), a[2] = sizeof(read_buf);
		ex->ret = 832;
		break;
	case RN_BENCH_WRITE:
		en->nr = SYS_write;
		a[0] = 1, a[1] = addr(write_buf), a[2] = sizeof(write_buf);
		ex->ret = sizeof(write_buf);
		break;
	case RN_BENCH_OPENAT:
		en->nr = SYS_openat;
		a[0] = (uint64_t)(int64_t)AT_FDCWD, a[1] = addr(open_path);
		a[2] = O_RDONLY | O_CLOEXEC, a[3] = 0;
		ex->ret = 3;
		break;
	case RN_BENCH_FSTATAT:
		en->nr = SYS_newfstatat;
		a[0] = 3, a[1] = addr(empty_path), a[2] = addr(&stat_buf), a[3] = AT_EMPTY_PATH;
		ex->ret = 0;
		break;
	case RN_BENCH_MMAP:
		en->nr = SYS_mmap;
		a[0] = 0, a[1] = 8192, a[2] = PROT_READ | PROT_WRITE;
		a[3] = MAP_PRIVATE | MAP_ANONYMOUS, a[4] = (uint64_t)(int64_t)-1, a[5] = 0;
		ex->ret = 0x7f1c2a3b4000;
		break;
	case RN_BENCH_CLOSE:
		en->nr = SYS_close;
		a[0] = 3;
		ex->ret = 0;
		break;
	case RN_BENCH_EXECVE:
		en->nr = SYS_execve;
		a[0] = addr(exec_path), a[1] = addr(exec_argv), a[2] = addr(exec_envp);
		ex->ret = 0;
		break;
	default:
		fprintf(stderr, "bench_decode: no family %d\n", family);
		abort();
	}
	ex->nr = en->nr;
	/* Held exactly when the tracer would hold it (tracer.c hold_policy). */
	const struct rn_syscall *sc = rn_syscall_get(en->nr);
	if (sc && sc->mem_entry)
		en->flags |= RN_REC_HELD;
	if (sc && sc->mem_exit)
		ex->flags |= RN_REC_HELD;
}

/* ---- the benchmark ------------------------------------------------------ */

static const char *const family_names[RN_BENCH_NFAMILIES] = {
	[RN_BENCH_READ] = "read",       [RN_BENCH_WRITE] = "write",
	[RN_BENCH_OPENAT] = "openat",   [RN_BENCH_FSTATAT] = "newfstatat",
	[RN_BENCH_MMAP] = "mmap",       [RN_BENCH_CLOSE] = "close",
	[RN_BENCH_EXECVE] = "execve",
};

const char *rn_bench_family_name(int family)
{
	return family >= 0 && family < RN_BENCH_NFAMILIES ? family_names[family] : "?";
}

struct rn_bench_decode {
	struct rn_options opt;
	struct rn_bench_call call;
	const struct rn_syscall *sc;
	struct rn_values vs;
	uint64_t value_bytes;
};

struct rn_bench_decode *rn_bench_decode_new(int family)
{
	struct rn_bench_decode *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	rn_options_init(&d->opt);
	rn_bench_call_make(family, &d->call);
	d->sc = rn_syscall_get(d->call.entry.nr);
	return d;
}

void rn_bench_decode_run(struct rn_bench_decode *d, uint64_t n)
{
	uint64_t saved[RN_DCTX_NSAVED];
	for (uint64_t i = 0; i < n; i++) {
		memset(saved, 0, sizeof(saved));
		struct rn_dctx c = {
			.opt = &d->opt, .sc = d->sc, .entry = &d->call.entry, .exit = NULL,
			.vs = &d->vs, .tid = d->call.entry.tid, .saved = saved,
		};
		unsigned from = rn_decode_entry(&c);
		uint64_t entry_bytes = (uint64_t)d->vs.n * sizeof(struct rn_value) + d->vs.nbytes;
		rn_values_reset(&d->vs);
		c.exit = &d->call.exit;
		rn_decode_exit(&c, from);
		d->value_bytes = entry_bytes + (uint64_t)d->vs.n * sizeof(struct rn_value) +
				 d->vs.nbytes;
		rn_values_reset(&d->vs);
	}
}

uint64_t rn_bench_decode_value_bytes(const struct rn_bench_decode *d)
{
	return d->value_bytes;
}

void rn_bench_decode_free(struct rn_bench_decode *d)
{
	rn_values_free(&d->vs);
	free(d);
}
