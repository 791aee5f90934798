/*
 * calls.h - whole syscalls for the per-call outputs (JSON, CSV): the
 * ENTRY event of each tid kept until its EXIT, and strace's text of a
 * call's arguments and result.
 *
 * The text sink prints entry and exit as they come and needs none of
 * this; JSON and CSV print one record per completed call, so they keep
 * each tid's entry (a deep copy: the writer frees an event's values as
 * soon as the sink has seen it).
 *
 * Contract: one thread uses a table at a time (the writer, or
 * renacer-dump); events come in seq order.
 */
#ifndef RENACER_CALLS_H
#define RENACER_CALLS_H

#include <stdint.h>

#include "decode/event.h"
#include "syscalls/options.h"
#include "base/sbuf.h"

struct rn_call_slot;

/* Pending entries by tid (a table that grows with them, so a trace with
 * any number of tasks in a syscall costs the same per event), and in the
 * order they were entered: the end of a trace takes them oldest first in
 * one pass. */
struct rn_calls {
	struct rn_call_slot **bucket; /* chains by tid; a power of two of them */
	uint32_t nbuckets;
	uint32_t n;                   /* entries pending */
	struct rn_call_slot *first, *last; /* order of entry */
	int unsorted;                 /* that order is not seq order (events
					 out of order: a damaged capture) */
};

void rn_calls_init(struct rn_calls *c);
/* Frees every pending entry. */
void rn_calls_free(struct rn_calls *c);
/* Keep a copy of an ENTRY event; an older pending entry of the same tid is
 * dropped (it can have no exit any more). */
void rn_calls_enter(struct rn_calls *c, const struct rn_event *entry);
/* Take tid's pending entry: the caller owns it (rn_event_free_copy), or
 * NULL when there is none. */
struct rn_event *rn_calls_take(struct rn_calls *c, int32_t tid);
/* The pending entry of `from` now belongs to `to` (an execve in a
 * non-leader thread completes in the leader's tid). */
void rn_calls_move(struct rn_calls *c, int32_t from, int32_t to);
/* Take the pending entry with the lowest seq, or NULL when none is left
 * (end of trace: what never completed). */
struct rn_event *rn_calls_take_oldest(struct rn_calls *c);

/* A deep copy of an event: the struct, its nodes and bytes in one block.
 * Value names stay shared (they are static or reader-owned). */
struct rn_event *rn_event_copy(const struct rn_event *ev);
void rn_event_free_copy(struct rn_event *ev);

/* strace's text of a call's arguments, without the parentheses: the
 * entry's values, then the exit's ("3, \"abc\", 3"). Either may be NULL. */
void rn_call_arguments(struct rn_sbuf *b, const struct rn_options *opt,
		       const struct rn_event *entry, const struct rn_event *exit);
/* strace's text of the result, without "= ": "3", "-1 ENOENT (No such file
 * or directory)", "0x7f12...", "3</etc/passwd>" with -y (the path escaped
 * as in the arguments, -x/-xx from opt); "?" when exit is NULL (the call
 * never returned). */
void rn_call_result(struct rn_sbuf *b, const struct rn_options *opt, const struct rn_event *exit);
/* The syscall's name, or "syscall_0x1b3" as strace when unknown; scratch
 * must hold 32 bytes. */
const char *rn_call_name(int32_t nr, char *scratch);

/* -e status= (-z, -Z) for the structured sinks, as the text sink applies
 * it: is a call with this exit (NULL: it never returned; `at`, the event
 * that ended it, tells a detach from an unfinished call) shown? */
int rn_call_status_shown(const struct rn_options *opt, const struct rn_event *exit,
			 const struct rn_event *at);

#endif /* RENACER_CALLS_H */
