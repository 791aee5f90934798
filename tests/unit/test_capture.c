/*
 * test_capture.c - the capture codec: msgpack round trip of every event and
 * value kind, the header, recovery from truncation and corruption (a cut at
 * any offset gives back every event flushed before it; a flipped byte or a
 * zeroed block every event checked before it and every event of the frames
 * after it, the damage reported where it is), rotation,
 * refusal to write through a symlink, and the "nothing readable" cases.
 * Also the JSON value mapping and CSV quoting.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <msgpack.h>
#include <zstd.h>

#include "capture_fixture.h"
#include "capture/capture.h"
#include "sinks/csv_sink.h"
#include "sinks/json_sink.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/rncap.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

/* A path in the test's directory; valid for the next 63 calls. */
static char *path_of(const char *name)
{
	static char buf[64][512];
	static int i;
	char *p = buf[i++ % 64];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static struct rn_options test_opt(void)
{
	static pid_t pids[2] = { 4242, 4343 };
	static char *cmd[] = { "make", "-j2", NULL };
	struct rn_options o = {
		.follow_forks = 1, .outfile = "trace.txt", .attach_pids = pids, .n_attach = 2,
		.strsize = 48, .quote_flags = 1, .quiet = 1, .decode_fds = 1, .command = cmd,
	};
	rn_filter_init(&o.filter);
	return o;
}

/* Write events [0, n) to path, ending a frame after every `every` events;
 * frame_end[i] = file size after the i-th flush (frame_end[0]: the header). */
static void write_capture(const char *path, uint64_t n, uint64_t every, uint64_t max_size,
			  unsigned max_files, uint64_t *frame_end, size_t *nframes)
{
	static char *argv[] = { "renacer", "-f", "--capture", "x", "make", NULL };
	struct rn_options o = test_opt();
	struct rn_capture_info info = {
		.opt = &o, .argc = 5, .argv = argv, .file_prefix = 1, .version = "9.9.9",
		.realtime_ns = 1700000000123456789ull, .monotonic_ns = 999000000000ull,
		.max_size = max_size, .max_files = max_files,
	};
	int err = 0;
	struct rn_capture_writer *w = rn_capture_create(path, &info, &err);
	assert_non_null(w);
	struct stat st;
	size_t f = 0;
	if (frame_end) {
		assert_int_equal(stat(path, &st), 0);
		frame_end[f++] = (uint64_t)st.st_size;
	}
	for (uint64_t k = 0; k < n; k++) {
		struct rn_event ev;
		cf_event(k, &ev);
		assert_int_equal(rn_capture_append(w, &ev), 0);
		free(ev.v);
		if ((k + 1) % every == 0 || k + 1 == n) {
			assert_int_equal(rn_capture_flush(w), 0);
			if (frame_end) {
				assert_int_equal(stat(path, &st), 0);
				frame_end[f++] = (uint64_t)st.st_size;
			}
		}
	}
	assert_int_equal(rn_capture_close(w), 0);
	if (nframes)
		*nframes = f;
}

/* Read everything; check each event against the fixture; return the seqs. */
static uint64_t *read_back(const char *const *paths, size_t npaths, unsigned flags, size_t *count,
			   enum rn_capture_status *status, struct rn_capture_reader **keep)
{
	struct rn_capture_reader *r = rn_capture_reader_open(paths, npaths, flags);
	assert_non_null(r);
	size_t cap = 1024, n = 0;
	uint64_t *seqs = malloc(cap * sizeof(*seqs));
	struct rn_event ev, want;
	char why[256];
	while (rn_capture_next(r, &ev)) {
		cf_event(ev.seq - 1, &want);
		if (!cf_event_equal(&ev, &want, why, sizeof(why)))
			fail_msg("event differs: %s", why);
		free(want.v);
		free(ev.v);
		if (n == cap)
			seqs = realloc(seqs, (cap *= 2) * sizeof(*seqs));
		seqs[n++] = ev.seq;
	}
	*count = n;
	*status = rn_capture_reader_status(r);
	if (keep)
		*keep = r;
	else
		rn_capture_reader_close(r);
	return seqs;
}

static void copy_prefix(const char *from, const char *to, uint64_t len)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(in >= 0 && out >= 0);
	char *buf = malloc(len + 1);
	assert_int_equal(pread(in, buf, len, 0), (ssize_t)len);
	assert_int_equal(write(out, buf, len), (ssize_t)len);
	free(buf);
	close(in);
	close(out);
}

/* ---- round trip ---------------------------------------------------------- */

static void test_roundtrip(void **state)
{
	(void)state;
	const char *p = path_of("rt.cap");
	uint64_t n = 16 * CF_ROUND + 5; /* 16 rounds (one 70 KB string) + a partial */
	write_capture(p, n, 50, 0, 0, NULL, NULL);

	struct stat st;
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600 & ~(mode_t)022 & 0777);

	size_t count;
	enum rn_capture_status status;
	struct rn_capture_reader *r;
	uint64_t *seqs = read_back(&p, 1, 0, &count, &status, &r);
	assert_int_equal(status, RN_CAPTURE_INTACT);
	assert_int_equal(count, n);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(seqs[i], i + 1);
	free(seqs);

	const struct rn_capture_header *h = rn_capture_reader_header(r);
	assert_non_null(h);
	assert_int_equal(h->format, RN_CAPTURE_FORMAT);
	assert_string_equal(h->version, "9.9.9");
	assert_int_equal(h->argc, 5);
	assert_string_equal(h->argv[2], "--capture");
	assert_null(h->argv[5]);
	assert_int_equal(h->opt.follow_forks, 1);
	assert_int_equal(h->opt.strsize, 48);
	assert_int_equal(h->opt.quote_flags, 1);
	assert_int_equal(h->opt.quiet, 1);
	assert_int_equal(h->opt.decode_fds, 1);
	assert_string_equal(h->opt.outfile, "trace.txt");
	assert_int_equal(h->opt.n_attach, 2);
	assert_int_equal(h->opt.attach_pids[1], 4343);
	assert_string_equal(h->opt.command[1], "-j2");
	assert_int_equal(h->file_prefix, 1);
	assert_int_equal(h->realtime_ns, 1700000000123456789ull);
	assert_int_equal(h->monotonic_ns, 999000000000ull);
	assert_int_equal(h->part, 0);
	assert_non_null(h->host);
	assert_non_null(h->release);
	assert_non_null(h->arch);
	assert_int_equal(h->nsyscalls, rn_syscall_count);
	assert_string_equal(h->syscalls[rn_syscall_by_name("openat")], "openat");
	assert_string_equal(h->syscalls[0], rn_syscall_get(0)->name);
	rn_capture_reader_close(r);
}

/* Any msgpack library can read it: zstd frames concatenate, the header is
 * a map and every other record an array, [head, ...]: kind 0 a check
 * record, 1..10 an event. Decompress the whole file in one go and count. */
static void test_plain_zstd_msgpack(void **state)
{
	(void)state;
	const char *p = path_of("plain.cap");
	write_capture(p, 3 * CF_ROUND, 20, 0, 0, NULL, NULL);
	int fd = open(p, O_RDONLY);
	struct stat st;
	fstat(fd, &st);
	char *in = malloc((size_t)st.st_size);
	assert_int_equal(read(fd, in, (size_t)st.st_size), st.st_size);
	close(fd);
	size_t cap = 64u << 20;
	char *out = malloc(cap);
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, (size_t)st.st_size, 0 };
	ZSTD_outBuffer ob = { out, cap, 0 };
	while (ib.pos < ib.size)
		assert_false(ZSTD_isError(ZSTD_decompressStream(d, &ob, &ib)));
	ZSTD_freeDCtx(d);
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0, maps = 0, events = 0, checks = 0;
	while (msgpack_unpack_next(&u, out, ob.pos, &off) > 0) {
		if (u.data.type == MSGPACK_OBJECT_MAP) {
			maps++;
			continue;
		}
		assert_int_equal(u.data.type, MSGPACK_OBJECT_ARRAY);
		assert_int_equal(u.data.via.array.ptr[0].type, MSGPACK_OBJECT_POSITIVE_INTEGER);
		if (u.data.via.array.ptr[0].via.u64 & 15)
			events++;
		else
			checks++;
	}
	msgpack_unpacked_destroy(&u);
	assert_int_equal(maps, 1); /* the header */
	assert_int_equal(events, 3 * CF_ROUND);
	assert_true(checks >= 3 * CF_ROUND / 20); /* one at each flush at least */
	free(in);
	free(out);
}

/* ---- damage -------------------------------------------------------------- */

#define NF 12 /* flushes */
#define PER 30 /* events between flushes */

/* What a damage test knows of the file it wrote: where each flush ended
 * (flush_end[0]: the header frame) and where each zstd frame of events
 * begins, with the first seq in it. */
struct layout {
	uint64_t flush_end[NF + 2];
	uint64_t frame_off[NF + 2], frame_seq[NF + 2];
	size_t nframes;
	uint64_t size;
};

static void write_layout(const char *path, uint64_t frame_bytes, struct layout *l)
{
	static char *argv[] = { "renacer", "--capture", "x", NULL };
	struct rn_options o = test_opt();
	struct rn_capture_info info = { .opt = &o, .argc = 3, .argv = argv,
					.frame_bytes = frame_bytes };
	int err = 0;
	struct rn_capture_writer *w = rn_capture_create(path, &info, &err);
	assert_non_null(w);
	struct stat st;
	memset(l, 0, sizeof(*l));
	assert_int_equal(stat(path, &st), 0);
	l->flush_end[0] = (uint64_t)st.st_size;
	l->frame_off[0] = (uint64_t)st.st_size;
	l->frame_seq[0] = 1;
	l->nframes = 1;
	uint64_t frames = rn_capture_writer_stats(w)->frames;
	for (uint64_t k = 0; k < NF * PER; k++) {
		struct rn_event ev;
		cf_event(k, &ev);
		assert_int_equal(rn_capture_append(w, &ev), 0);
		free(ev.v);
		if ((k + 1) % PER)
			continue;
		assert_int_equal(rn_capture_flush(w), 0);
		assert_int_equal(stat(path, &st), 0);
		l->flush_end[(k + 1) / PER] = (uint64_t)st.st_size;
		/* A frame ended at this flush: the next one begins here. */
		if (rn_capture_writer_stats(w)->frames != frames && k + 1 < NF * PER) {
			frames = rn_capture_writer_stats(w)->frames;
			l->frame_off[l->nframes] = (uint64_t)st.st_size;
			l->frame_seq[l->nframes++] = k + 2;
		}
	}
	assert_int_equal(rn_capture_close(w), 0);
	assert_int_equal(stat(path, &st), 0);
	l->size = (uint64_t)st.st_size;
}

/* seqs must be 1..a, then b..NF*PER (b > NF*PER: none), in order. */
static const char *context = "";

static void expect_seqs(const uint64_t *seqs, size_t count, uint64_t a, uint64_t b,
			uint64_t where)
{
	size_t i = 0;
	for (uint64_t s = 1; s <= NF * PER; s++) {
		if (s > a && s < b)
			continue;
		if (i >= count || seqs[i] != s)
			fail_msg("damage at %llu: event %llu missing (%zu of %zu read) %s",
				 (unsigned long long)where, (unsigned long long)s, i, count, context);
		i++;
	}
	if (i != count)
		fail_msg("damage at %llu: %zu events, want %zu", (unsigned long long)where, count, i);
}

/* Cut at every offset after the header: every event flushed before the
 * cut comes back, and no other; what is lost is reported from the end of
 * the last flush. A cut where a flush ended loses nothing. */
static void test_cut_anywhere(void **state)
{
	(void)state;
	const char *p = path_of("whole.cap"), *t = path_of("cut.cap");
	struct layout l;
	write_layout(p, 0, &l);
	assert_int_equal(l.nframes, 1); /* one frame: the cuts fall inside it */
	size_t tries = 0;
	for (uint64_t cut = l.flush_end[0]; cut <= l.size; cut++) {
		int f = 0;
		while (f < NF && l.flush_end[f + 1] <= cut)
			f++;
		copy_prefix(p, t, cut);
		size_t count;
		enum rn_capture_status status;
		struct rn_capture_reader *r;
		uint64_t *seqs = read_back(&t, 1, 0, &count, &status, &r);
		expect_seqs(seqs, count, (uint64_t)f * PER, UINT64_MAX, cut);
		const struct rn_capture_damage *d;
		size_t nd = rn_capture_reader_damage(r, &d);
		/* Where a block ends, nothing that was there is lost: at a flush,
		 * at the end, and after the frame's own header (magic, descriptor,
		 * window: 6 bytes), which the frame's first output writes. */
		if (cut == l.flush_end[f] || cut == l.size || cut == l.flush_end[0] + 6) {
			if (status != RN_CAPTURE_INTACT) {
				struct rn_sbuf b = { 0 };
				rn_capture_reader_describe(r, &b);
				fail_msg("cut at %llu (flush %d ends at %llu): %s",
					 (unsigned long long)cut, f,
					 (unsigned long long)l.flush_end[f], rn_sbuf_cstr(&b));
			}
			assert_int_equal(nd, 0);
		} else {
			if (status != RN_CAPTURE_RECOVERED || nd != 1)
				fail_msg("cut at %llu (flush %d ends at %llu): %zu regions",
					 (unsigned long long)cut, f,
					 (unsigned long long)l.flush_end[f], nd);
			/* From the last flush (or, for the end of the frame, after
			 * the last one) to the cut. */
			uint64_t from = f == NF ? l.flush_end[NF] : l.flush_end[f];
			assert_int_equal(d[0].offset, from);
			assert_int_equal(d[0].length, cut - from);
			assert_non_null(strstr(d[0].what, "truncated"));
		}
		rn_capture_reader_close(r);
		free(seqs);
		tries++;
	}
	assert_true(tries > 500);

	/* Cut inside the header frame: nothing readable. */
	copy_prefix(p, t, l.flush_end[0] / 2);
	struct rn_capture_reader *r = rn_capture_reader_open(&t, 1, 0);
	struct rn_event ev;
	assert_int_equal(rn_capture_next(r, &ev), 0);
	assert_int_equal(rn_capture_reader_status(r), RN_CAPTURE_UNREADABLE);
	rn_capture_reader_close(r);
}

static void flip(const char *path, uint64_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char c;
	assert_int_equal(pread(fd, &c, 1, (off_t)off), 1);
	c ^= 0x5a;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)off), 1);
	close(fd);
}

static void zero(const char *path, uint64_t off, uint64_t len)
{
	int fd = open(path, O_RDWR);
	char z[256] = { 0 };
	assert_true(len <= sizeof(z));
	assert_int_equal(pwrite(fd, z, len, (off_t)off), (ssize_t)len);
	close(fd);
}

/* Damage over [a, b): what must come back is every event flushed before
 * a, and every event of the frames that begin at b or later; nothing else
 * may (the frame is skipped from the damage to its end), except that
 * damage in the bytes that only end a frame loses nothing. Every event
 * read is the one written (read_back compares each with the fixture). */
static void check_damage(const char *t, const struct layout *l, uint64_t a, uint64_t b)
{
	size_t count;
	enum rn_capture_status status;
	struct rn_capture_reader *r;
	uint64_t *seqs = read_back(&t, 1, 0, &count, &status, &r);
	struct rn_sbuf db = { 0 };
	rn_capture_reader_describe(r, &db);
	char ctx[1024];
	snprintf(ctx, sizeof(ctx), "[%s; frames at", rn_sbuf_cstr(&db));
	for (size_t i = 0; i < l->nframes; i++)
		snprintf(ctx + strlen(ctx), sizeof(ctx) - strlen(ctx), " %llu (seq %llu)",
			 (unsigned long long)l->frame_off[i], (unsigned long long)l->frame_seq[i]);
	strcat(ctx, "]");
	context = ctx;
	int f = 0;
	while (f < NF && l->flush_end[f + 1] <= a)
		f++;
	size_t g = 0;
	while (g < l->nframes && l->frame_off[g] < b)
		g++;
	uint64_t resync = g < l->nframes ? l->frame_seq[g] : UINT64_MAX;
	/* 1..x, then resync..: x at least every event flushed before the
	 * damage (a check record inside the block of the damage may cover a
	 * few more), and the events of the frames after the damage whole. */
	size_t x = 0;
	while (x < count && seqs[x] == x + 1)
		x++;
	if (x < (size_t)f * PER || (x < NF * PER && x >= resync))
		fail_msg("damage at %llu: events 1..%zu read, want at least 1..%d %s",
			 (unsigned long long)a, x, f * PER, ctx);
	expect_seqs(seqs, count, x, x >= NF * PER ? UINT64_MAX : resync, a);
	const struct rn_capture_damage *d;
	size_t nd = rn_capture_reader_damage(r, &d), hit = 0;
	if (!nd && count == NF * PER) {
		/* A flip zstd never reads (the window size of a frame that does
		 * not need it): nothing changed, nothing to report. */
		rn_capture_reader_close(r);
		free(seqs);
		rn_sbuf_free(&db);
		return;
	}
	assert_int_equal(status, RN_CAPTURE_RECOVERED);
	for (size_t i = 0; i < nd; i++)
		if (d[i].offset <= a && a < d[i].offset + d[i].length)
			hit = 1;
	if (!hit)
		fail_msg("damage at %llu not in the reported regions: %s", (unsigned long long)a, ctx);
	rn_sbuf_free(&db);
	rn_capture_reader_close(r);
	free(seqs);
}

static void test_flip_anywhere(void **state)
{
	(void)state;
	const char *p = path_of("whole.cap"), *t = path_of("bad.cap");
	struct layout l;
	write_layout(p, 1500, &l); /* a frame every 1500 bytes */
	assert_true(l.nframes >= 4);
	size_t tries = 0;
	for (uint64_t off = l.flush_end[0]; off < l.size; off += 3) {
		copy_prefix(p, t, l.size);
		flip(t, off);
		check_damage(t, &l, off, off + 1);
		tries++;
	}
	assert_true(tries > 300);
}

static void test_zero_anywhere(void **state)
{
	(void)state;
	const char *p = path_of("whole.cap"), *t = path_of("bad.cap");
	struct layout l;
	write_layout(p, 1500, &l);
	for (uint64_t off = l.flush_end[0]; off + 64 <= l.size; off += 29) {
		copy_prefix(p, t, l.size);
		zero(t, off, 64);
		check_damage(t, &l, off, off + 64);
	}
}

/* Two damaged frames and garbage appended; the header frame damaged. */
static void test_corrupt_middle(void **state)
{
	(void)state;
	const char *p = path_of("whole.cap"), *t = path_of("bad.cap");
	struct layout l;
	write_layout(p, 1000, &l);
	assert_true(l.nframes >= 5);
	copy_prefix(p, t, l.size);
	flip(t, l.frame_off[1] + 40);
	flip(t, l.frame_off[3] + 40);
	int fd = open(t, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "garbage!", 8), 8);
	close(fd);
	size_t count;
	enum rn_capture_status status;
	struct rn_capture_reader *r;
	uint64_t *seqs = read_back(&t, 1, 0, &count, &status, &r);
	assert_int_equal(status, RN_CAPTURE_RECOVERED);
	/* Frames 1 and 3 damaged in their first block: the others whole. */
	size_t i = 0;
	for (uint64_t q = 1; q <= NF * PER; q++) {
		if ((q >= l.frame_seq[1] && q < l.frame_seq[2]) ||
		    (q >= l.frame_seq[3] && q < l.frame_seq[4]))
			continue;
		assert_true(i < count);
		assert_int_equal(seqs[i++], q);
	}
	assert_int_equal(i, count);
	const struct rn_capture_damage *d;
	size_t nd = rn_capture_reader_damage(r, &d);
	assert_int_equal(nd, 3);
	assert_int_equal(d[0].offset, l.frame_off[1]);
	assert_int_equal(d[0].offset + d[0].length, l.frame_off[2]);
	assert_int_equal(d[1].offset, l.frame_off[3]);
	assert_int_equal(d[1].offset + d[1].length, l.frame_off[4]);
	assert_int_equal(d[2].offset, l.size);
	assert_int_equal(d[2].length, 8);
	struct rn_sbuf b = { 0 };
	rn_capture_reader_describe(r, &b);
	assert_null(strchr(rn_sbuf_cstr(&b), '\n'));
	rn_sbuf_free(&b);
	rn_capture_reader_close(r);
	free(seqs);

	/* The header frame damaged: its events still come back. */
	copy_prefix(p, t, l.size);
	flip(t, l.flush_end[0] / 2);
	seqs = read_back(&t, 1, 0, &count, &status, &r);
	expect_seqs(seqs, count, NF * PER, UINT64_MAX, 0);
	assert_int_equal(status, RN_CAPTURE_RECOVERED);
	assert_null(rn_capture_reader_header(r));
	rn_capture_reader_close(r);
	free(seqs);
}

/* ---- rotation ------------------------------------------------------------ */

static void test_rotation(void **state)
{
	(void)state;
	const char *p = path_of("rot.cap");
	uint64_t n = 300 * CF_ROUND;
	write_capture(p, n, 25, 8192, 3, NULL, NULL);

	struct stat st;
	for (int i = 0; i < 3; i++) {
		const char *q = i ? path_of(i == 1 ? "rot.cap.1" : "rot.cap.2") : p;
		assert_int_equal(lstat(q, &st), 0);
		assert_int_equal(st.st_mode & 0177, 0);
	}
	assert_int_equal(lstat(path_of("rot.cap.3"), &st), -1);

	size_t count;
	enum rn_capture_status status;
	struct rn_capture_reader *r;
	uint64_t *seqs = read_back(&p, 1, RN_CAPTURE_ROTATED, &count, &status, &r);
	assert_int_equal(status, RN_CAPTURE_INTACT);
	assert_true(count > 0 && count < n);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(seqs[i], n - count + 1 + i); /* the newest, in order */
	assert_true(rn_capture_reader_header(r)->part >= 2);
	rn_capture_reader_close(r);
	free(seqs);

	/* Named in any order (a shell glob gives FILE FILE.1 FILE.2). */
	const char *glob[] = { p, path_of("rot.cap.1"), path_of("rot.cap.2") };
	size_t count2;
	seqs = read_back(glob, 3, 0, &count2, &status, NULL);
	assert_int_equal(status, RN_CAPTURE_INTACT);
	assert_int_equal(count2, count);
	for (size_t i = 0; i < count2; i++)
		assert_int_equal(seqs[i], n - count + 1 + i);
	free(seqs);

	/* Keep everything: every event is there. */
	const char *q = path_of("all.cap");
	write_capture(q, n, 25, 8192, 0, NULL, NULL);
	assert_int_equal(lstat(path_of("all.cap.5"), &st), 0);
	seqs = read_back(&q, 1, RN_CAPTURE_ROTATED, &count, &status, NULL);
	assert_int_equal(status, RN_CAPTURE_INTACT);
	assert_int_equal(count, n);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(seqs[i], i + 1);
	free(seqs);

	/* A new run over an old set: the old parts are not read with it. */
	write_capture(q, 2 * CF_ROUND, 25, 0, 0, NULL, NULL);
	seqs = read_back(&q, 1, RN_CAPTURE_ROTATED, &count, &status, NULL);
	assert_int_equal(status, RN_CAPTURE_INTACT);
	assert_int_equal(count, 2 * CF_ROUND);
	free(seqs);
}

/* ---- files that cannot be used ------------------------------------------ */

static void test_symlink_refused(void **state)
{
	(void)state;
	const char *target = path_of("target"), *link = path_of("link.cap");
	int fd = open(target, O_WRONLY | O_CREAT, 0644);
	close(fd);
	assert_int_equal(symlink(target, link), 0);
	struct rn_options o = { .strsize = 32 };
	struct rn_capture_info info = { .opt = &o };
	int err = 0;
	assert_null(rn_capture_create(link, &info, &err));
	assert_int_equal(err, ELOOP);
	struct stat st;
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 0);

	/* An existing regular file is truncated and keeps being a capture. */
	const char *p = path_of("again.cap");
	write_capture(p, 3 * CF_ROUND, 10, 0, 0, NULL, NULL);
	write_capture(p, CF_ROUND, 10, 0, 0, NULL, NULL);
	size_t count;
	enum rn_capture_status status;
	free(read_back(&p, 1, 0, &count, &status, NULL));
	assert_int_equal(count, CF_ROUND);
	assert_int_equal(status, RN_CAPTURE_INTACT);
}

static void expect_unreadable(const char *p, const char *words)
{
	struct rn_capture_reader *r = rn_capture_reader_open(&p, 1, RN_CAPTURE_ROTATED);
	struct rn_event ev;
	assert_int_equal(rn_capture_reader_status(r), RN_CAPTURE_UNREADABLE);
	assert_int_equal(rn_capture_next(r, &ev), 0);
	assert_int_equal(rn_capture_reader_status(r), RN_CAPTURE_UNREADABLE);
	struct rn_sbuf b = { 0 };
	rn_capture_reader_describe(r, &b);
	if (!strstr(rn_sbuf_cstr(&b), words) || !strstr(b.p, p))
		fail_msg("'%s' does not say '%s'", b.p, words);
	rn_sbuf_free(&b);
	rn_capture_reader_close(r);
}

static void write_zstd(const char *p, const void *data, size_t n)
{
	size_t cap = ZSTD_compressBound(n);
	void *z = malloc(cap);
	size_t zn = ZSTD_compress(z, cap, data, n, 3);
	assert_false(ZSTD_isError(zn));
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, z, zn), (ssize_t)zn);
	close(fd);
	free(z);
}

static void test_unreadable(void **state)
{
	(void)state;
	expect_unreadable(path_of("missing.cap"), "No such file");

	const char *e = path_of("empty.cap");
	close(open(e, O_WRONLY | O_CREAT, 0600));
	expect_unreadable(e, "empty");

	const char *t = path_of("text.cap");
	int fd = open(t, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "hello, world\n", 13), 13);
	close(fd);
	expect_unreadable(t, "not a renacer capture");

	/* zstd, but not of a capture */
	const char *z = path_of("other.zst");
	write_zstd(z, "hello, world\n", 13);
	expect_unreadable(z, "not a renacer capture");

	/* a header from the future */
	msgpack_packer pk;
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	msgpack_pack_str_with_body(&pk, "t", 1);
	msgpack_pack_str_with_body(&pk, "header", 6);
	msgpack_pack_str_with_body(&pk, "format", 6);
	msgpack_pack_uint64(&pk, RN_CAPTURE_FORMAT + 1);
	msgpack_pack_str_with_body(&pk, "newfield", 8);
	msgpack_pack_nil(&pk);
	const char *f = path_of("future.cap");
	write_zstd(f, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	expect_unreadable(f, "newer");

	/* Several files, one missing: the rest is read, the gap reported. */
	const char *ok = path_of("ok.cap");
	write_capture(ok, CF_ROUND, 10, 0, 0, NULL, NULL);
	const char *two[] = { ok, path_of("gone.cap") };
	size_t count;
	enum rn_capture_status status;
	struct rn_capture_reader *r;
	free(read_back(two, 2, RN_CAPTURE_ROTATED, &count, &status, &r));
	assert_int_equal(count, CF_ROUND);
	assert_int_equal(status, RN_CAPTURE_RECOVERED);
	struct rn_sbuf b = { 0 };
	rn_capture_reader_describe(r, &b);
	assert_non_null(strstr(rn_sbuf_cstr(&b), "gone.cap: not read: No such file"));
	rn_sbuf_free(&b);
	rn_capture_reader_close(r);
}

/* Unknown fields and record kinds from a newer writer are ignored. */
static void test_unknown_fields(void **state)
{
	(void)state;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	msgpack_pack_str_with_body(&pk, "t", 1);
	msgpack_pack_str_with_body(&pk, "header", 6);
	msgpack_pack_str_with_body(&pk, "format", 6);
	msgpack_pack_uint64(&pk, 1); /* format 1's maps */
	msgpack_pack_str_with_body(&pk, "future", 6);
	msgpack_pack_array(&pk, 0);
	const char *p = path_of("unknown.cap");
	write_zstd(p, sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);
	/* a record kind nobody knows, then an exit with an extra key and a
	 * value node with an extra element and an unknown kind */
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "t", 1);
	msgpack_pack_str_with_body(&pk, "hologram", 8);
	msgpack_pack_str_with_body(&pk, "seq", 3);
	msgpack_pack_uint64(&pk, 7);
	msgpack_pack_map(&pk, 7);
	msgpack_pack_str_with_body(&pk, "t", 1);
	msgpack_pack_str_with_body(&pk, "exit", 4);
	msgpack_pack_str_with_body(&pk, "seq", 3);
	msgpack_pack_uint64(&pk, 9);
	msgpack_pack_str_with_body(&pk, "ts", 2);
	msgpack_pack_uint64(&pk, 5000);
	msgpack_pack_str_with_body(&pk, "tid", 3);
	msgpack_pack_int64(&pk, 77);
	msgpack_pack_str_with_body(&pk, "dur", 3);
	msgpack_pack_int64(&pk, 1000);
	msgpack_pack_str_with_body(&pk, "colour", 6);
	msgpack_pack_str_with_body(&pk, "blue", 4);
	msgpack_pack_str_with_body(&pk, "v", 1);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_array(&pk, 7);
	msgpack_pack_uint64(&pk, 200);
	msgpack_pack_uint64(&pk, 0);
	msgpack_pack_str_with_body(&pk, "x", 1);
	msgpack_pack_uint64(&pk, 1);
	msgpack_pack_nil(&pk);
	msgpack_pack_uint64(&pk, 0);
	msgpack_pack_true(&pk);
	size_t cap = ZSTD_compressBound(sb.size);
	char *z = malloc(cap);
	size_t zn = ZSTD_compress(z, cap, sb.data, sb.size, 1);
	int fd = open(p, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, z, zn), (ssize_t)zn);
	close(fd);
	free(z);
	msgpack_sbuffer_destroy(&sb);

	struct rn_capture_reader *r = rn_capture_reader_open(&p, 1, 0);
	struct rn_event ev;
	assert_int_equal(rn_capture_next(r, &ev), 1);
	assert_int_equal(ev.kind, RN_EV_EXIT);
	assert_int_equal(ev.seq, 9);
	assert_int_equal(ev.tid, 77);
	assert_int_equal(ev.entry_ts_ns, 4000);
	assert_int_equal(ev.nr, -1);
	assert_int_equal(ev.nv, 1);
	assert_int_equal(ev.v[0].kind, RN_V_UNKNOWN);
	assert_string_equal(ev.v[0].name, "x");
	free(ev.v);
	assert_int_equal(rn_capture_next(r, &ev), 0);
	assert_int_equal(rn_capture_reader_status(r), RN_CAPTURE_INTACT);
	rn_capture_reader_close(r);
}

/* A parseable record that is not a valid event is skipped alone, reported;
 * msgpack that does not parse ends its frame. */
static void test_malformed_record(void **state)
{
	(void)state;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "t", 1);
	msgpack_pack_str_with_body(&pk, "header", 6);
	msgpack_pack_str_with_body(&pk, "format", 6);
	msgpack_pack_uint64(&pk, 1); /* format 1's maps */
	const char *p = path_of("malformed.cap");
	write_zstd(p, sb.data, sb.size);
	msgpack_sbuffer_clear(&sb);
	for (int k = 0; k < 3; k++) {
		msgpack_pack_map(&pk, 3);
		msgpack_pack_str_with_body(&pk, "t", 1);
		msgpack_pack_str_with_body(&pk, "exited", 6);
		msgpack_pack_str_with_body(&pk, "seq", 3);
		msgpack_pack_uint64(&pk, 10 + (uint64_t)k);
		msgpack_pack_str_with_body(&pk, "tid", 3);
		if (k == 1) /* a tid that is not a number */
			msgpack_pack_str_with_body(&pk, "x", 1);
		else
			msgpack_pack_int64(&pk, 5);
	}
	msgpack_pack_array(&pk, 3); /* cut short: undecodable from here */
	size_t cap = ZSTD_compressBound(sb.size);
	char *z = malloc(cap);
	size_t zn = ZSTD_compress(z, cap, sb.data, sb.size, 1);
	int fd = open(p, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, z, zn), (ssize_t)zn);
	close(fd);
	free(z);
	msgpack_sbuffer_destroy(&sb);

	struct rn_capture_reader *r = rn_capture_reader_open(&p, 1, 0);
	struct rn_event ev;
	assert_int_equal(rn_capture_next(r, &ev), 1);
	assert_int_equal(ev.seq, 10);
	assert_int_equal(rn_capture_next(r, &ev), 1);
	assert_int_equal(ev.seq, 12);
	assert_int_equal(ev.tgid, 5);
	assert_int_equal(rn_capture_next(r, &ev), 0);
	assert_int_equal(rn_capture_reader_status(r), RN_CAPTURE_RECOVERED);
	const struct rn_capture_damage *d;
	assert_int_equal(rn_capture_reader_damage(r, &d), 2);
	assert_non_null(strstr(d[0].what, "malformed record"));
	assert_non_null(strstr(d[1].what, "undecodable msgpack"));
	rn_capture_reader_close(r);
}

/* ---- JSON values, CSV fields --------------------------------------------- */

static void check_json(struct rn_values *vs, const char *want)
{
	struct rn_sbuf b = { 0 };
	rn_json_value(&b, vs->v, vs->bytes, 0);
	if (b.len != strlen(want) || memcmp(b.p, want, b.len))
		fail_msg("want %s\n got  %.*s", want, (int)b.len, b.p);
	rn_sbuf_free(&b);
	rn_values_reset(vs);
}

static void test_json_values(void **state)
{
	(void)state;
	struct rn_values vs = { 0 };
	uint32_t n;

	rn_v_str(&vs, NULL, "a\"b\\c\n\x01\xc3\xa9", 9, 0);
	check_json(&vs, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
	rn_v_str(&vs, NULL, "\xff" "A", 2, 0);
	check_json(&vs, "{\"hex\":\"ff41\"}");
	rn_v_str(&vs, NULL, "\xed\xa0\x80", 3, RN_VF_TRUNCATED); /* a surrogate */
	check_json(&vs, "{\"hex\":\"eda080\",\"truncated\":true}");
	rn_v_str(&vs, NULL, "abc", 3, RN_VF_TRUNCATED);
	check_json(&vs, "{\"str\":\"abc\",\"truncated\":true}");
	rn_v_int(&vs, NULL, -9223372036854775807ll - 1);
	check_json(&vs, "-9223372036854775808");
	rn_v_ptr(&vs, NULL, 0xffffffffffffffffull);
	check_json(&vs, "18446744073709551615");
	n = rn_v_fd(&vs, NULL, 3);
	rn_v_set_bytes(&vs, n, "/dev/null", 9);
	/* a number with -y too: the path is the call's "fd_paths" */
	check_json(&vs, "3");
	n = rn_v_open(&vs, NULL, RN_V_FLAGS);
	rn_v_name(&vs, NULL, "O_RDONLY");
	rn_v_hex(&vs, NULL, 0x40);
	vs.v[n].flags |= RN_VF_LEFTOVER;
	vs.v[n].u = 0x80000000;
	rn_v_close(&vs, n);
	check_json(&vs, "[\"O_RDONLY\",64,2147483648]");
	n = rn_v_open(&vs, NULL, RN_V_FLAGS);
	rn_v_close(&vs, n);
	check_json(&vs, "[]");
	n = rn_v_open(&vs, NULL, RN_V_STRUCT);
	rn_v_int(&vs, "a", 1);
	rn_v_unknown(&vs, NULL);
	vs.v[n].flags |= RN_VF_ELLIPSIS;
	rn_v_close(&vs, n);
	check_json(&vs, "{\"a\":1,\"1\":null,\"...\":true}");
	n = rn_v_open(&vs, NULL, RN_V_ARRAY);
	rn_v_name(&vs, NULL, "RTMIN");
	vs.v[n].flags |= RN_VF_INVERTED | RN_VF_SPACED;
	rn_v_close(&vs, n);
	check_json(&vs, "{\"items\":[\"RTMIN\"],\"inverted\":true}");
	n = rn_v_open(&vs, NULL, RN_V_STRUCT);
	vs.v[n].flags |= RN_VF_CHANGED;
	rn_v_int(&vs, "len", 128);
	rn_v_int(&vs, "len", 16);
	rn_v_close(&vs, n);
	check_json(&vs, "{\"before\":128,\"after\":16}");
	rn_values_free(&vs);

	struct rn_sbuf b = { 0 };
	rn_json_text(&b, "\xff\x7f\"", 3);
	assert_string_equal(rn_sbuf_cstr(&b), "\"\\\\377\\u007f\\\"\"");
	rn_sbuf_free(&b);
}

static void test_csv_field(void **state)
{
	(void)state;
	struct rn_sbuf b = { 0 };
	rn_csv_field(&b, "plain", 5);
	rn_sbuf_putc(&b, '|');
	rn_csv_field(&b, "a, \"b\"", 6);
	rn_sbuf_putc(&b, '|');
	rn_csv_field(&b, "x\r\ny", 4);
	rn_sbuf_putc(&b, '|');
	rn_csv_field(&b, "", 0);
	assert_string_equal(rn_sbuf_cstr(&b), "plain|\"a, \"\"b\"\"\"|\"x\r\ny\"|");
	rn_sbuf_free(&b);
}

/* The capture stores every field of struct rn_event: a new field must be
 * added to capture_write.c / capture_read.c (and capture/CAPTURE.md). */
static void test_event_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct rn_event), 112);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_zstd_msgpack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_anywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flip_anywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_anywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_record, setup, teardown),
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_event_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
