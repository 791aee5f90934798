/*
 * report.h - --format report: one self-contained HTML page about a traced
 * run (a build, a test suite), written when the run ends.
 *
 * What it answers, from the event stream alone:
 *  - overview: wall time, processes, programs, syscalls, errors, the
 *    command;
 *  - parallelism over time: how many traced processes were busy at each
 *    moment (an inline SVG plot), its average and peak, beside the -j of
 *    the outermost make when its command line gives one;
 *  - the critical path: the chain of processes that bounded the wall time
 *    (rn_report_critical_path below), each with its time on the path;
 *  - the slowest processes, time by program, syscall time by program;
 *  - files (insight/fileuse.h): the most read, those read by the most
 *    processes, those written by more than one process or read while
 *    another that wrote them ran, and failed opens by program;
 *  - the process tree, collapsible and sortable (a small inline script).
 * Nothing is fetched: styles, script and plot are in the file. The same
 * figures are in a JSON document inside the page (<script
 * type="application/json" id="report-data">) for scripts and tests.
 *
 * "Busy": alive, and its main thread not inside a call that waits for
 * something else to happen (wait4, waitid, select, poll, epoll, pause,
 * sleeps, sigsuspend, futex): make and the shells waiting on their
 * children are not busy, a compiler is. Reads and writes count as busy.
 *
 * Memory: one row per process and one interval per waiting call of a
 * main thread, never per event: a kernel build's report fits in a few
 * MB. Contract: one thread drives the sink (sinks/sink.h).
 */
#ifndef RENACER_REPORT_H
#define RENACER_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sinks/sink.h"

extern const struct rn_sink_ops rn_report_ops;

/* The critical path of a process tree, on its own for unit tests.
 * Processes i in [0, n): start[i], end[i] (any unit, end >= start) and
 * parent[i] (an index, or -1 for a root). The path starts at the root
 * that ends last and walks back from its end: the process's latest child
 * that ended by then is on the path, the parent's time after that child's
 * end is its own, and the walk goes on from the child's start; the child
 * is walked the same way, inside it. own[i] receives each process's time
 * on the path (0 when off it); the owns sum to the root's duration.
 * Returns the number of processes on the path, or -1 when out of memory. */
long rn_report_critical_path(size_t n, const uint64_t *start, const uint64_t *end,
			     const long *parent, uint64_t *own);

#endif /* RENACER_REPORT_H */
