/*
 * capture_sink.h - the capture writer (capture/capture.h) behind the sink
 * interface (sinks/sink.h), so the writer thread drives it like any other
 * output.
 *
 * begin takes over params->target, an open struct rn_capture_writer (the
 * program created it: its refusals are reported before any thread starts);
 * event appends (RN_EV_NONE is skipped by the capture), flush makes what
 * was appended readable (a zstd flush and a check record; the frame goes
 * on), finish closes the file (flush, fsync). The first failure is
 * sticky: nothing more is appended after it. buffered is always 0: the
 * capture is flushed on its own clock (the writer's flush interval), not
 * by the trace's flush deadline. destroy after begin
 * without finish closes the capture as well.
 *
 * Owned by the writer thread, as the capture writer it wraps.
 */
#ifndef RENACER_CAPTURE_SINK_H
#define RENACER_CAPTURE_SINK_H

#include "sinks/sink.h"

extern const struct rn_sink_ops rn_capture_sink_ops;

#endif /* RENACER_CAPTURE_SINK_H */
