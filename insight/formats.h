/*
 * formats.h - --format's sink: the only place a format (enum
 * rn_output_format) is mapped to an implementation, above every layer that
 * holds one (sinks/ for the traces, insight/ for what is computed from a
 * whole run).
 */
#ifndef RENACER_FORMATS_H
#define RENACER_FORMATS_H

#include "sinks/sink.h"

/* NULL for a value that has none. */
const struct rn_sink_ops *rn_sink_for_format(int format);

#endif /* RENACER_FORMATS_H */
