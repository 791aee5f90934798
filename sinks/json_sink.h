/*
 * json_sink.h - JSON Lines from a stream of events in sequence order: one
 * object per completed syscall, one per process event.
 *
 * Objects (keys always in this order; see capture/CAPTURE.md, "JSON
 * Lines", for every field):
 *
 *   {"pid":1234,"tid":1234,"syscall":"openat",
 *    "arguments":"AT_FDCWD, \"/etc/x\", O_RDONLY",
 *    "result":"-1 ENOENT (No such file or directory)","seq":17,"ts_ns":...,
 *    "time_ns":...,"duration_ns":5310,"error":"ENOENT","return":-1,"errno":2,
 *    "args":{"dfd":"AT_FDCWD","filename":"/etc/x","flags":["O_RDONLY"]},
 *    "fd_paths":{}}
 *   {"pid":1235,"tid":1235,"event":"exited","status":0,"seq":90,"ts_ns":...,
 *    "time_ns":...}
 *
 * Byte strings: valid UTF-8 that was not cut at -s is a JSON string;
 * anything else is an object {"str": "..."} (valid UTF-8, cut at -s) or
 * {"hex": "00ff..."} (not UTF-8), plus "truncated": true when cut. So every
 * string value is lossless; "arguments" and "result" (strace's text) show a
 * byte that is not UTF-8 as strace does, \ooo in octal.
 *
 * Contract: one thread uses a sink at a time; events must come in seq order.
 * The sink copies what it keeps: the caller may free an event's values as
 * soon as rn_json_sink_event returns.
 */
#ifndef RENACER_JSON_SINK_H
#define RENACER_JSON_SINK_H

#include "sinks/calls.h"
#include "decode/event.h"
#include "syscalls/options.h"
#include "base/sbuf.h"
#include "sinks/text_sink.h" /* rn_sink_write_fn */

struct rn_json_sink {
	const struct rn_options *opt;
	rn_sink_write_fn write;
	void *ctx;
	struct rn_sbuf out;
	struct rn_sbuf tmp;    /* strace text before it is escaped */
	struct rn_calls calls; /* each tid's ENTRY until its EXIT */
	int error;             /* first write error (errno), 0 if none */
	int64_t real_minus_mono; /* CLOCK_REALTIME - CLOCK_MONOTONIC for
				    "time_ns"; 0: unknown (null) */
};

void rn_json_sink_init(struct rn_json_sink *s, const struct rn_options *opt,
		       rn_sink_write_fn write, void *ctx);
/* Render one event (buffers; flushes past 64 KiB). */
void rn_json_sink_event(struct rn_json_sink *s, const struct rn_event *ev);
/* Write what is buffered (whole lines only). Returns 0 or an errno value. */
int rn_json_sink_flush(struct rn_json_sink *s);
/* End of trace: every call still pending is written as unfinished
 * ("result":"?"), then everything is flushed. Returns 0 or an errno value. */
int rn_json_sink_finish(struct rn_json_sink *s);
void rn_json_sink_free(struct rn_json_sink *s);

/* One typed value tree (v[i] and its subtree) as JSON, as the sink writes
 * "args" values. Returns the index past the subtree. */
uint32_t rn_json_value(struct rn_sbuf *b, const struct rn_value *v, const unsigned char *bytes,
		       uint32_t i);
/* A JSON string literal of bytes: valid UTF-8 as is (escaped as JSON needs),
 * any other byte as strace's \ooo. For text fields. */
void rn_json_text(struct rn_sbuf *b, const void *p, size_t n);

#endif /* RENACER_JSON_SINK_H */
