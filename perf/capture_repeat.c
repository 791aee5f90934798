/*
 * capture_repeat IN OUT K - writes OUT, one capture holding K copies of the
 * events of the capture IN, one after another as if one long run: each copy's
 * sequence numbers and times follow the previous copy's, and its pids are
 * moved by 10,000,000 per copy so that every copy's processes are new ones.
 * A real capture of a build made as long as a benchmark of renacer-dump's
 * streaming needs (perf/bench.sh's dump part: a 1 GB capture), without
 * tracing for an hour. Written at zstd level 1 (fast; the bytes it makes are
 * what renacer-dump then reads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "decode/event.h"

#define PID_STEP 10000000

/* The ids in an event that name a task: its own, and a process event's. */
static void shift_ids(struct rn_event *ev, int32_t by)
{
	ev->tid += by;
	ev->tgid += by;
	if ((ev->kind == RN_EV_NEW_TASK || ev->kind == RN_EV_SUPERSEDED) && ev->ret > 0)
		ev->ret += by;
}

/* One pass over IN into w; seq0 and ts0 advance past what it wrote. */
static long copy_once(const char *in, struct rn_capture_writer *w, uint64_t *seq0, uint64_t *ts0,
		      int32_t pid_shift)
{
	const char *paths[] = { in };
	struct rn_capture_reader *r = rn_capture_reader_open(paths, 1, 0);
	if (!r)
		return -1;
	struct rn_event ev;
	uint64_t first_ts = 0, last_seq = 0, last_ts = 0;
	long n = 0;
	while (rn_capture_next(r, &ev) == 1) {
		if (!n)
			first_ts = ev.ts_ns;
		last_seq = ev.seq;
		last_ts = ev.ts_ns;
		ev.seq += *seq0;
		ev.ts_ns = ev.ts_ns - first_ts + *ts0;
		if (ev.entry_ts_ns)
			ev.entry_ts_ns = ev.entry_ts_ns - first_ts + *ts0;
		shift_ids(&ev, pid_shift);
		if (rn_capture_append(w, &ev) < 0) {
			free(ev.v);
			rn_capture_reader_close(r);
			return -1;
		}
		free(ev.v);
		n++;
	}
	int bad = rn_capture_reader_status(r) != RN_CAPTURE_INTACT;
	rn_capture_reader_close(r);
	*seq0 += last_seq;
	*ts0 += last_ts - first_ts + 1000000;
	return bad ? -1 : n;
}

int main(int argc, char **argv)
{
	if (argc != 4 || atoi(argv[3]) < 1) {
		fputs("usage: capture_repeat IN OUT K\n", stderr);
		return 2;
	}
	const char *paths[] = { argv[1] };
	struct rn_capture_reader *hr = rn_capture_reader_open(paths, 1, 0);
	const struct rn_capture_header *h = hr ? rn_capture_reader_header(hr) : NULL;
	if (!h) {
		fprintf(stderr, "capture_repeat: %s: no readable capture\n", argv[1]);
		return 1;
	}
	struct rn_capture_info info = {
		.opt = &h->opt,
		.argc = h->argc,
		.argv = h->argv,
		.file_prefix = h->file_prefix,
		.realtime_ns = h->realtime_ns,
		.monotonic_ns = h->monotonic_ns,
		.level = 1,
	};
	int err = 0;
	struct rn_capture_writer *w = rn_capture_create(argv[2], &info, &err);
	if (!w) {
		fprintf(stderr, "capture_repeat: %s: cannot create (%d)\n", argv[2], err);
		return 1;
	}
	uint64_t seq0 = 0, ts0 = h->monotonic_ns;
	long total = 0;
	for (int k = 0; k < atoi(argv[3]); k++) {
		long n = copy_once(argv[1], w, &seq0, &ts0, k * PID_STEP);
		if (n < 0) {
			fprintf(stderr, "capture_repeat: copy %d of %s failed\n", k + 1, argv[1]);
			return 1;
		}
		total += n;
	}
	rn_capture_reader_close(hr);
	if (rn_capture_close(w) < 0) {
		fprintf(stderr, "capture_repeat: %s: write failed\n", argv[2]);
		return 1;
	}
	printf("%ld events\n", total);
	return 0;
}
