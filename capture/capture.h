/*
 * capture.h - the capture file: zstd frames of msgpack records (schema and
 * versioning rule: capture/CAPTURE.md).
 *
 * Writer (capture/capture_write.c, format 2): the writer thread appends
 * events in seq order and flushes the compressor at least once a second
 * (rn_capture_flush), so a killed tracer loses at most what came after the
 * last flush. A frame ends every frame_bytes, at rotation and at close:
 * those are the points a reader starts again from after damage. The first
 * frame of every file holds only the header. Files are created 0600 and
 * never opened through a symlink; with a size limit the file rotates at a
 * frame boundary: FILE is always the newest part, FILE.1 the one before,
 * ... (FILE.N is created by renaming; the new FILE with O_EXCL).
 *
 * Reader (capture/capture_read.c): events of one file or of a rotated set,
 * oldest first, of format 1 or 2. Format 1: a damaged frame (corrupt,
 * truncated, or bytes that are not a frame) is skipped up to the next
 * intact frame, and reported. Format 2: every event up to the last check
 * record before the damage is read, then nothing up to the next frame.
 *
 * Contract: a writer or reader is used by one thread at a time.
 */
#ifndef RENACER_CAPTURE_H
#define RENACER_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "decode/event.h"
#include "syscalls/options.h"
#include "base/sbuf.h"

/* The format this build writes and the newest it reads. */
#define RN_CAPTURE_FORMAT 2

/* ---- writer ------------------------------------------------------------- */

/* A process alive when a part of a rotated capture begins: the part's
 * header lists them (CAPTURE.md 1.3, "procs") so that the part decodes on
 * its own, whatever came before it. */
struct rn_capture_proc {
	int32_t pid;          /* the thread group */
	int32_t ppid;         /* its parent's; 0 when that was not traced */
	uint64_t start_ns;    /* CLOCK_MONOTONIC of its first event */
	const char *command;  /* argv after its last exec, joined; may be NULL */
	const char *exec_pending; /* the argv of an execve it is in (its exit
				     comes later), joined; NULL: none */
};

struct rn_capture_info {
	const struct rn_options *opt; /* the run's options (into the header) */
	int argc;                     /* renacer's own command line */
	char *const *argv;
	int file_prefix;              /* the text sink's file_prefix of this run
					 (renacer-dump renders the same) */
	const char *version;          /* NULL: this build's version */
	uint64_t realtime_ns;         /* clock bases read at the same moment; */
	uint64_t monotonic_ns;        /*   both 0: read them now */
	uint64_t max_size;            /* --capture-size: rotate once a file holds
					 this many bytes; 0: never */
	unsigned max_files;           /* --capture-files: keep FILE and FILE.1 ..
					 FILE.(K-1); 0: keep all */
	int level;                    /* zstd level; 0: default (9) */
	uint64_t frame_bytes;         /* end a frame once it wrote this many
					 bytes; 0: 1 MiB */
};

/* The processes alive now, for the header of every part after the first:
 * sets *procs (the callee's, valid until the next event) and returns how
 * many. Called on the thread that appends, from within rn_capture_append
 * or rn_capture_flush. */
typedef size_t (*rn_capture_live_procs_fn)(void *arg, const struct rn_capture_proc **procs);

struct rn_capture_stats {
	uint64_t events;       /* appended */
	uint64_t frames;       /* ended, header frames included */
	uint64_t bytes_in;     /* msgpack bytes before compression */
	uint64_t bytes_out;    /* bytes written, all files */
	unsigned files;        /* files created (1 + rotations) */
};

struct rn_capture_writer;

/* Create `path` (0600, O_NOFOLLOW; an existing regular file of ours alone
 * is truncated) and write its header frame. NULL on failure with *err = an
 * errno (ELOOP: the path is a symlink; EINVAL: not a regular file) or one
 * of these, which are not errnos: */
enum {
	RN_CAPTURE_ERR_FOREIGN = 0x10000, /* an existing file of another user */
	RN_CAPTURE_ERR_LINKED,            /* an existing file with other hard links */
};
struct rn_capture_writer *rn_capture_create(const char *path, const struct rn_capture_info *info,
					    int *err);
/* Add one event (RN_EV_NONE is skipped) to the frame in progress; ends the
 * frame past frame_bytes and rotates when the file is full. Returns 0 or
 * the first error (errno value; sticky). */
int rn_capture_append(struct rn_capture_writer *w, const struct rn_event *ev);
/* Does the capture rotate (--capture-size)? Only then are there later
 * parts, which get their table of live processes from fn (none until this
 * is called). */
int rn_capture_rotates(const struct rn_capture_writer *w);
void rn_capture_set_live_procs(struct rn_capture_writer *w, rn_capture_live_procs_fn fn,
			       void *arg);
/* Write out everything appended (the frame goes on: ZSTD_e_flush), then
 * rotate if the file reached max_size. Call at least once a second. */
int rn_capture_flush(struct rn_capture_writer *w);
/* Flush, fsync, close and free. Returns 0 or the first error seen. */
int rn_capture_close(struct rn_capture_writer *w);
/* Is the file st describes the capture file being written? (Another
 * output must never be the capture: both would be corrupt.) */
int rn_capture_is_file(const struct rn_capture_writer *w, const struct stat *st);
const struct rn_capture_stats *rn_capture_writer_stats(const struct rn_capture_writer *w);

/* ---- reader ------------------------------------------------------------- */

/* The header of a capture, as the reader rebuilt it. Strings are owned by
 * the reader; `opt` holds the recorded options that change rendering. */
struct rn_capture_header {
	uint32_t format;
	const char *version;    /* renacer's version that wrote it */
	const char *host;
	const char *sysname, *release, *kversion, *arch; /* uname */
	int argc;
	char **argv;            /* renacer's command line */
	struct rn_options opt;  /* follow_forks, strsize, quote_flags, quiet,
				   decode_fds, outfile, attach_pids, command */
	int file_prefix;
	uint64_t realtime_ns, monotonic_ns;
	uint64_t run_id;        /* the same in every part of one run */
	uint32_t part;          /* 0 for the first file of a run, then +1 */
	uint32_t nsyscalls;
	const char **syscalls;  /* name by number, NULL for holes */
	size_t nprocs;          /* a later part: the processes alive at its start */
	const struct rn_capture_proc *procs;
};

enum rn_capture_status {
	RN_CAPTURE_INTACT = 0,     /* everything read */
	RN_CAPTURE_UNREADABLE = 1, /* nothing could be read */
	RN_CAPTURE_RECOVERED = 2,  /* read, but something was skipped */
};

/* One skipped region (or a file that could not be used at all). */
struct rn_capture_damage {
	const char *path;
	uint64_t offset;  /* where the skipped bytes begin */
	uint64_t length;  /* how many were skipped (to the next intact frame) */
	const char *what; /* "truncated frame", "corrupt frame (...)", ... */
};

enum {
	RN_CAPTURE_ROTATED = 1u << 0, /* read each path's rotated set
					 (PATH.N ..., PATH), oldest first */
	RN_CAPTURE_STDIN = 1u << 1,   /* "-" and /dev/stdin are standard
					 input, which may be a pipe */
};

struct rn_capture_reader;

/* Open one or more captures. Every file's first frame is read at once to
 * order the parts: files of one run by part number (whatever the order of
 * the arguments), runs in the order they were named. Files named by the
 * rotation rule but written by another run are ignored. Never NULL (except
 * out of memory): problems are in the status. */
struct rn_capture_reader *rn_capture_reader_open(const char *const *paths, size_t npaths,
						 unsigned flags);
/* The first header read, or NULL when no file has a readable header. */
const struct rn_capture_header *rn_capture_reader_header(const struct rn_capture_reader *r);
/* Next event: 1 (the caller owns ev->v: free(ev->v), as the writer does
 * with a worker's event; value names stay valid until the reader is
 * closed), 0 at the end. */
int rn_capture_next(struct rn_capture_reader *r, struct rn_event *ev);
/* So far (final once rn_capture_next returned 0). */
enum rn_capture_status rn_capture_reader_status(const struct rn_capture_reader *r);
size_t rn_capture_reader_damage(const struct rn_capture_reader *r,
				const struct rn_capture_damage **list);
/* One line (no newline) for the user: what was skipped and where, or why
 * nothing could be read. Empty when intact. */
void rn_capture_reader_describe(const struct rn_capture_reader *r, struct rn_sbuf *b);
void rn_capture_reader_close(struct rn_capture_reader *r);

/* The length of the longest prefix of a msgpack stream made of whole
 * objects in which no container announces more elements, and no str, bin
 * or ext more bytes, than the bytes that are left. The reader gives
 * msgpack-c only that prefix of a frame: msgpack-c allocates a
 * container's elements before reading them. */
size_t rn_msgpack_sane_prefix(const void *p, size_t n);

#endif /* RENACER_CAPTURE_H */
