/*
 * fileuse.h - the report's view of files: for each path the run opened, how
 * often it was read, by how many processes, by how many written, and how
 * often one process read it while another that had written it was still
 * running. Built on sinks/proctrack.h (paths resolved against each
 * process's cwd and descriptors).
 *
 * Memory: one entry per distinct path read or written (a kernel build's
 * headers: thousands), and per live process the set of paths it used,
 * freed when it ends.
 *
 * Owner: the thread that drives the report sink.
 */
#ifndef RENACER_FILEUSE_H
#define RENACER_FILEUSE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "syscalls/options.h"

struct rn_fileuse_path {
	const char *path;
	uint64_t reads;          /* opens for reading */
	uint64_t readers;        /* distinct processes that read it */
	uint64_t writers;        /* distinct processes that wrote it */
	uint64_t conflict_reads; /* reads while another process that wrote it ran */
	uint32_t live_writers;   /* (while gathering) writers still running */
};

struct rn_fileuse;

struct rn_fileuse *rn_fileuse_new(const struct rn_options *opt);
void rn_fileuse_event(struct rn_fileuse *u, const struct rn_event *ev);
/* Ends every process still running; then the paths are final. */
void rn_fileuse_finish(struct rn_fileuse *u);
/* Every path, in no order; valid until rn_fileuse_free. */
struct rn_fileuse_path *rn_fileuse_paths(struct rn_fileuse *u, size_t *count);
void rn_fileuse_free(struct rn_fileuse *u);

#endif /* RENACER_FILEUSE_H */
