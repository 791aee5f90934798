/*
 * outputs.h - refusing outputs that are one and the same file.
 *
 * Two writers on one file corrupt both: the text trace inside the
 * capture's zstd frames. Checked before anything is opened (names, and
 * the files where they exist: links, hard links), and again once the
 * trace's descriptor is open (a shell's `> FILE` on the capture).
 */
#ifndef RENACER_TOOLS_OUTPUTS_H
#define RENACER_TOOLS_OUTPUTS_H

#include <stddef.h>

#include "syscalls/options.h"

/* 0, or -1 with the reason in msg: -o FILE and --capture name one file;
 * --capture is named like one of -ff's FILE.TID; -o FILE is named like a
 * part a rotated capture will create (CAPTURE.N). */
int rn_outputs_clash(const struct rn_options *o, char *msg, size_t n);

/* 1 when the open descriptor fd (the trace's) is the file the capture
 * path names. */
int rn_outputs_fd_is_capture(int fd, const char *capture);

/* 1 when descriptors a and b are one file (or one pipe). */
int rn_outputs_same_fd(int a, int b);

#endif /* RENACER_TOOLS_OUTPUTS_H */
