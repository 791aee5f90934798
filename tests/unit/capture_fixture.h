/*
 * capture_fixture.h - a scripted, endless trace of synthetic events for the
 * capture and format tests: every event kind, every value kind and flag,
 * unfinished/resumed lines, a non-leader execve, an unknown syscall, bytes
 * that are not UTF-8, and (every 16th round) a 70 KB string.
 *
 * Event k (from 0) has seq k + 1; a round of CF_ROUND events ends with every
 * task of the round gone, so any whole number of rounds is a whole trace.
 */
#ifndef RENACER_TEST_CAPTURE_FIXTURE_H
#define RENACER_TEST_CAPTURE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"

#define CF_ROUND 37u

/* The k-th event; the caller frees ev->v (one block, as a worker's). */
void cf_event(uint64_t k, struct rn_event *ev);
/* 1 when a and b are the same event (values compared deeply); else 0 and
 * why says where they differ. */
int cf_event_equal(const struct rn_event *a, const struct rn_event *b, char *why, size_t n);

#endif
