/*
 * stdfds.h - the programs' standard descriptors, made safe at start.
 *
 * A program started with fd 0, 1 or 2 closed would hand that number to
 * the first file it opens: the text trace would land in the capture, an
 * error message in the -o file. rn_stdfds_guard() opens /dev/null on each
 * closed one before anything else is opened, close-on-exec, so that the
 * command renacer starts still finds it closed, as it would untraced.
 */
#ifndef RENACER_TOOLS_STDFDS_H
#define RENACER_TOOLS_STDFDS_H

/* Bit N set: fd N was closed (now /dev/null, close-on-exec). */
unsigned rn_stdfds_guard(void);

#endif /* RENACER_TOOLS_STDFDS_H */
