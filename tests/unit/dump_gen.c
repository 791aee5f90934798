/*
 * dump_gen.c - captures for check_dump.py that the scripted trace of
 * capture_gen does not make:
 *
 *   dump_gen unfinished N CAPTURE
 *       N tasks, each a new process (task event) that enters read(fd=i)
 *       and never leaves it: N calls still pending when the trace ends.
 *   dump_gen hostile CAPTURE
 *       a short intact trace, then one more frame of records that no
 *       renacer writes (values out of the ranges the format gives them),
 *       each between two good records: the reader must skip exactly those.
 *
 * The header and the good events go through the real writer; the hostile
 * frame is msgpack packed here and compressed as its own zstd frame,
 * appended to the file (zstd frames concatenate).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>
#include <zstd.h>

#include "capture/capture.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

static struct rn_capture_writer *open_capture(const char *path, int argc, char **argv,
					      struct rn_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->follow_forks = 1;
	opt->strsize = 32;
	opt->quiet = 1;
	rn_filter_init(&opt->filter);
	struct rn_capture_info info = { .opt = opt, .argc = argc, .argv = argv,
					.realtime_ns = 1764000000000000000ull,
					.monotonic_ns = 500000000000ull };
	int err = 0;
	struct rn_capture_writer *w = rn_capture_create(path, &info, &err);
	if (!w) {
		fprintf(stderr, "dump_gen: %s: %s\n", path, strerror(err));
		exit(1);
	}
	return w;
}

static void put(struct rn_capture_writer *w, struct rn_event *ev)
{
	if (rn_capture_append(w, ev)) {
		fputs("dump_gen: append failed\n", stderr);
		exit(1);
	}
}

static void finish(struct rn_capture_writer *w)
{
	if (rn_capture_close(w)) {
		fputs("dump_gen: close failed\n", stderr);
		exit(1);
	}
}

static int unfinished(const char *path, unsigned long n, int argc, char **argv)
{
	struct rn_options opt;
	struct rn_capture_writer *w = open_capture(path, argc, argv, &opt);
	struct rn_values vs = { 0 };
	int32_t nr_read = (int32_t)rn_syscall_by_name("read");
	uint64_t seq = 0;
	for (unsigned long i = 0; i < n; i++) {
		int32_t tid = (int32_t)(1000 + i);
		seq++;
		struct rn_event ev = { .seq = seq, .ts_ns = 500000000000ull + seq * 100,
				       .tid = tid, .tgid = tid, .ntasks = (uint32_t)(i + 1),
				       .kind = RN_EV_NEW_TASK, .nr = -1 };
		put(w, &ev);
		seq++;
		ev = (struct rn_event){ .seq = seq, .ts_ns = 500000000000ull + seq * 100,
					.tid = tid, .tgid = tid, .ntasks = (uint32_t)(i + 1),
					.kind = RN_EV_ENTRY, .nr = nr_read, .more = 1 };
		rn_values_reset(&vs);
		rn_v_fd(&vs, "fd", (int)i);
		ev.v = (struct rn_value *)rn_values_block(&vs, 0);
		ev.nv = vs.n;
		ev.bytes = (unsigned char *)(ev.v + vs.n);
		ev.nbytes = vs.nbytes;
		put(w, &ev);
		free(ev.v);
		if (i % 4096 == 4095)
			rn_capture_flush(w);
	}
	rn_values_free(&vs);
	finish(w);
	return 0;
}

/* ---- hostile ------------------------------------------------------------ */

static void pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

/* A good exit of close(3) = 0, seq `seq`. */
static void good_exit(msgpack_packer *pk, uint64_t seq)
{
	msgpack_pack_map(pk, 6);
	pack_str(pk, "t");
	pack_str(pk, "exit");
	pack_str(pk, "seq");
	msgpack_pack_uint64(pk, seq);
	pack_str(pk, "ts");
	msgpack_pack_uint64(pk, 500000000000ull + seq * 100);
	pack_str(pk, "tid");
	msgpack_pack_int32(pk, 1000);
	pack_str(pk, "nr");
	msgpack_pack_int64(pk, rn_syscall_by_name("close"));
	pack_str(pk, "rt");
	msgpack_pack_uint64(pk, 1);
}

/* An exit with one key out of range: `key` = `val` (signed). */
static void bad_exit(msgpack_packer *pk, uint64_t seq, const char *key, int64_t val, int err)
{
	int tid = strcmp(key, "tid") != 0;
	msgpack_pack_map(pk, 4 + (uint32_t)tid + (err != 0));
	pack_str(pk, "t");
	pack_str(pk, "exit");
	pack_str(pk, "seq");
	msgpack_pack_uint64(pk, seq);
	if (tid) {
		pack_str(pk, "tid");
		msgpack_pack_int32(pk, 1000);
	}
	if (strcmp(key, "nr")) {
		pack_str(pk, "nr");
		msgpack_pack_int64(pk, rn_syscall_by_name("close"));
	} else {
		pack_str(pk, "rt");
		msgpack_pack_uint64(pk, 1);
	}
	pack_str(pk, key);
	msgpack_pack_int64(pk, val);
	if (err) {
		pack_str(pk, "err");
		msgpack_pack_true(pk);
	}
}

static int hostile(const char *path, int argc, char **argv)
{
	struct rn_options opt;
	struct rn_capture_writer *w = open_capture(path, argc, argv, &opt);
	struct rn_event ev = { .seq = 1, .ts_ns = 500000000100ull, .tid = 1000, .tgid = 1000,
			       .ntasks = 1, .kind = RN_EV_NEW_TASK, .nr = -1 };
	put(w, &ev);
	finish(w);

	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	uint64_t seq = 2;
	good_exit(&pk, seq++);
	/* err with a return value no kernel gives (-errno is -4095..-1):
	 * INT64_MIN has no negation in int64_t. */
	bad_exit(&pk, seq++, "ret", INT64_MIN, 1);
	good_exit(&pk, seq++);
	bad_exit(&pk, seq++, "ret", 5, 1);
	good_exit(&pk, seq++);
	/* Numbers wider than the event's fields: they would wrap into other,
	 * valid-looking ones (read, tid 1000). */
	bad_exit(&pk, seq++, "nr", (int64_t)1 << 32, 0);
	good_exit(&pk, seq++);
	bad_exit(&pk, seq++, "tid", ((int64_t)1 << 32) + 1000, 0);
	good_exit(&pk, seq++);
	/* A return type this reader does not know is not damage: shown as
	 * signed decimal (CAPTURE.md 1.5), not as the type its low byte
	 * names (5, a pointer: 0xff). */
	msgpack_pack_map(&pk, 6);
	pack_str(&pk, "t");
	pack_str(&pk, "exit");
	pack_str(&pk, "seq");
	msgpack_pack_uint64(&pk, seq++);
	pack_str(&pk, "tid");
	msgpack_pack_int32(&pk, 1000);
	pack_str(&pk, "nr");
	msgpack_pack_int64(&pk, rn_syscall_by_name("close"));
	pack_str(&pk, "ret");
	msgpack_pack_int64(&pk, 255);
	pack_str(&pk, "rt");
	msgpack_pack_uint64(&pk, 256 + 5);
	good_exit(&pk, seq++);

	size_t cap = ZSTD_compressBound(sb.size);
	void *out = malloc(cap);
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	if (!out || !cctx)
		return 1;
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	size_t k = ZSTD_compress2(cctx, out, cap, sb.data, sb.size);
	FILE *f = fopen(path, "ab");
	if (ZSTD_isError(k) || !f || fwrite(out, 1, k, f) != k || fclose(f)) {
		fprintf(stderr, "dump_gen: %s: cannot append\n", path);
		return 1;
	}
	ZSTD_freeCCtx(cctx);
	free(out);
	msgpack_sbuffer_destroy(&sb);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "unfinished"))
		return unfinished(argv[3], strtoul(argv[2], NULL, 10), argc, argv);
	if (argc == 3 && !strcmp(argv[1], "hostile"))
		return hostile(argv[2], argc, argv);
	fputs("usage: dump_gen unfinished N CAPTURE | dump_gen hostile CAPTURE\n", stderr);
	return 2;
}
