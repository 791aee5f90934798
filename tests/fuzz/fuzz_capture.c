/*
 * fuzz_capture.c - libFuzzer target for the capture reader
 * (capture/capture_read.c) and everything renacer-dump renders its events
 * with: the text, JSON, CSV and Perfetto sinks, under the options the
 * capture's header claims.
 *
 * Input: a mode byte, then
 *   mode & 1 == 0: the capture file's bytes as they are (frames, damage,
 *                  truncation, garbage between frames);
 *   mode & 1 == 1: a msgpack stream (what `zstd -dc FILE` prints), which is
 *                  compressed here into zstd frames (with checksums) before
 *                  the reader sees it: the header's map alone in the first
 *                  frame, as renacer writes, then K maps per frame
 *                  (K = mode >> 1, 0: all in one). A mutated compressed
 *                  frame only fails its checksum; this mode lets the fuzzer
 *                  reach the msgpack decoding and the renderers.
 * The file is a memfd, opened by the reader as /proc/self/fd/N.
 * Checked: the reader's status is one of its three values, a damaged read
 * says why in one line, nothing crashes, leaks or reads out of bounds.
 *
 * Built in the clang ASan build (build-asan), which compiles the library
 * with libFuzzer's coverage (RN_FUZZ_LIB in the top CMakeLists.txt).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <msgpack.h>
#include <zstd.h>

#include "capture/capture.h"
#include "sinks/csv_sink.h"
#include "sinks/json_sink.h"
#include "sinks/perfetto_sink.h"
#include "sinks/text_sink.h"

static int discard(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

static void put_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		if (k <= 0)
			abort();
		c += k;
		n -= (size_t)k;
	}
}

static void put_frame(int fd, ZSTD_CCtx *cctx, const uint8_t *p, size_t n)
{
	size_t cap = ZSTD_compressBound(n);
	void *out = malloc(cap ? cap : 1);
	if (!out)
		abort();
	size_t k = ZSTD_compress2(cctx, out, cap, p, n);
	if (ZSTD_isError(k))
		abort();
	put_all(fd, out, k);
	free(out);
}

/* mode 1: split the msgpack stream into frames at map boundaries. */
static void write_frames(int fd, const uint8_t *p, size_t n, unsigned per_frame)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	msgpack_unpacked up;
	size_t off = 0, start = 0;
	unsigned in_frame = 0, frames = 0;

	if (!cctx)
		abort();
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	/* msgpack-c on the sane prefix only, as the reader (no huge counts) */
	size_t sane = rn_msgpack_sane_prefix(p, n);
	msgpack_unpacked_init(&up);
	while (off < sane) {
		size_t at = off;
		if (msgpack_unpack_next(&up, (const char *)p, sane, &at) != MSGPACK_UNPACK_SUCCESS)
			break; /* the rest goes in the last frame, as it is */
		off = at;
		in_frame++;
		/* The header alone, then per_frame maps a frame. */
		if ((frames == 0 && in_frame == 1) || (per_frame && in_frame == per_frame)) {
			put_frame(fd, cctx, p + start, off - start);
			start = off;
			in_frame = 0;
			frames++;
		}
	}
	if (start < n)
		put_frame(fd, cctx, p + start, n - start);
	msgpack_unpacked_destroy(&up);
	ZSTD_freeCCtx(cctx);
}

static void render(struct rn_capture_reader *r)
{
	const struct rn_capture_header *h = rn_capture_reader_header(r);
	struct rn_options opt;
	int file_prefix = 0;

	rn_options_init(&opt);
	if (h) {
		opt = h->opt;
		file_prefix = h->file_prefix;
	}
	/* renacer-dump: the header's -c run renders as a table, not here. */
	opt.count = RN_COUNT_OFF;

	struct rn_text_sink ts;
	struct rn_json_sink js;
	struct rn_csv_sink cs;
	struct rn_perfetto_sink ps;
	rn_text_sink_init(&ts, &opt, file_prefix, discard, NULL);
	if (h)
		rn_text_sink_set_clock(&ts, (int64_t)(h->realtime_ns - h->monotonic_ns));
	rn_json_sink_init(&js, &opt, discard, NULL);
	rn_csv_sink_init(&cs, &opt, 1, discard, NULL);
	rn_perfetto_sink_init(&ps, &opt, h ? h->monotonic_ns : 0, h ? opt.command : NULL, discard,
			      NULL);
	if (h && h->host)
		rn_perfetto_sink_info(&ps, "host", h->host);

	struct rn_event ev;
	while (rn_capture_next(r, &ev)) {
		rn_text_sink_event(&ts, &ev);
		rn_json_sink_event(&js, &ev);
		rn_csv_sink_event(&cs, &ev);
		rn_perfetto_sink_event(&ps, &ev);
		free(ev.v);
	}
	rn_text_sink_finish(&ts);
	rn_json_sink_finish(&js);
	rn_csv_sink_finish(&cs);
	rn_perfetto_sink_finish(&ps);
	rn_text_sink_free(&ts);
	rn_json_sink_free(&js);
	rn_csv_sink_free(&cs);
	rn_perfetto_sink_free(&ps);
	if (!h)
		rn_filter_free(&opt.filter);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	int fd = memfd_create("fuzz_capture", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (mode & 1)
		write_frames(fd, data + 1, size - 1, mode >> 1);
	else if (size > 1)
		put_all(fd, data + 1, size - 1);

	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *paths[] = { path };
	struct rn_capture_reader *r = rn_capture_reader_open(paths, 1, 0);
	if (!r)
		abort();
	render(r);

	enum rn_capture_status st = rn_capture_reader_status(r);
	if (st != RN_CAPTURE_INTACT && st != RN_CAPTURE_UNREADABLE && st != RN_CAPTURE_RECOVERED)
		abort();
	struct rn_sbuf msg = { 0 };
	rn_capture_reader_describe(r, &msg);
	/* Something went wrong exactly when it is said, in one line. */
	if ((st == RN_CAPTURE_INTACT) != (msg.len == 0))
		abort();
	if (msg.len && memchr(msg.p, '\n', msg.len))
		abort();
	rn_sbuf_free(&msg);
	rn_capture_reader_close(r);
	close(fd);
	return 0;
}
