/*
 * capture_gen.c - writes a capture of the scripted trace (capture_fixture.h)
 * and, beside it, the text the live text sink prints for the same events
 * with the same options: what `renacer-dump` must reproduce byte for byte.
 * Used by check_formats.py.
 *
 *   capture_gen [--rotate SIZE] [--keep K] [--prefix] [-x] [--times]
 *               CAPTURE TEXT ROUNDS
 *
 * --times: the run had -tt -r -T (wall-clock stamps from the recorded
 * clock bases, deltas, durations).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_fixture.h"
#include "capture/capture.h"
#include "sinks/text_sink.h"

static int write_all(void *ctx, const char *p, size_t n)
{
	int fd = *(int *)ctx;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k <= 0)
			return k < 0 ? errno : EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long rotate = 0;
	unsigned keep = 0;
	int prefix = 0, x = 0, times = 0, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--rotate") && i + 1 < argc)
			rotate = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--prefix"))
			prefix = 1;
		else if (!strcmp(argv[i], "--times"))
			times = 1;
		else if (!strcmp(argv[i], "-x"))
			x = 1;
		else
			break;
	}
	if (argc - i != 3) {
		fputs("usage: capture_gen [--rotate SIZE] [--keep K] [--prefix] [-x] [--times] "
		      "CAPTURE TEXT ROUNDS\n",
		      stderr);
		return 1;
	}
	const char *cap = argv[i], *txt = argv[i + 1];
	unsigned long rounds = strtoul(argv[i + 2], NULL, 10);

	struct rn_options opt = { .follow_forks = 1, .strsize = 32, .acolumn = 40, .quiet = 1,
				  .quote_flags = x ? 1u : 0u, .outfile = prefix ? "t.txt" : NULL };
	rn_filter_init(&opt.filter); /* nothing filtered, as a default run */
	if (times)
		opt.tf = (struct rn_timefmt){ .abs_format = RN_TABS_TIME, .abs_digits = 6, .rel = 1,
					      .rel_digits = 6, .dur = 1, .dur_digits = 6 };
	struct rn_capture_info info = { .opt = &opt, .argc = argc, .argv = argv,
					.realtime_ns = 1764000000123456789ull,
					.monotonic_ns = 990000000000ull,
					.file_prefix = prefix, .max_size = rotate,
					.max_files = keep };
	int err = 0;
	struct rn_capture_writer *w = rn_capture_create(cap, &info, &err);
	if (!w) {
		fprintf(stderr, "capture_gen: %s: %s\n", cap, strerror(err));
		return 1;
	}
	int fd = open(txt, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(txt);
		return 1;
	}
	struct rn_text_sink ts;
	rn_text_sink_init(&ts, &opt, prefix, write_all, &fd);
	rn_text_sink_set_clock(&ts, (int64_t)(info.realtime_ns - info.monotonic_ns));
	for (uint64_t k = 0; k < rounds * CF_ROUND; k++) {
		struct rn_event ev;
		cf_event(k, &ev);
		rn_text_sink_event(&ts, &ev);
		int e = rn_capture_append(w, &ev);
		free(ev.v);
		if (e)
			break;
		if (k % 50 == 49)
			rn_capture_flush(w);
	}
	err = rn_capture_close(w);
	if (rn_text_sink_finish(&ts) || err) {
		fprintf(stderr, "capture_gen: write failed\n");
		return 1;
	}
	rn_text_sink_free(&ts);
	close(fd);
	return 0;
}
