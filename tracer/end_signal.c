/*
 * end_signal.c - the run's first end signal and the output's grace after
 * it (tracer/end_signal.h).
 */
#include "tracer/end_signal.h"

#include <stdint.h>
#include <time.h>

/* How long after the first end signal the output may keep renacer from
 * ending. */
#define END_GRACE_NS (1000 * 1000 * 1000ull)

/* Main thread only (end_signal.h): no atomics needed. */
static sigset_t watched;
static int first;
static uint64_t first_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void rn_end_signal_watch(const sigset_t *ends)
{
	watched = *ends;
}

void rn_end_signal_note(int sig)
{
	if (!first) {
		first = sig;
		first_ns = now_ns();
	}
}

int rn_end_signal_first(void)
{
	return first;
}

int rn_end_signal_stalled(void *arg)
{
	(void)arg;
	if (!first) {
		sigset_t pending;
		if (sigpending(&pending) < 0)
			return 0;
		for (int sig = 1; sig < NSIG; sig++) {
			if (sigismember(&watched, sig) == 1 && sigismember(&pending, sig) == 1) {
				rn_end_signal_note(sig);
				break;
			}
		}
	}
	return first && now_ns() - first_ns >= END_GRACE_NS;
}
