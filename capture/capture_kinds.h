/*
 * capture_kinds.h - the "t" of each event record: its kind's name on disk
 * (capture/CAPTURE.md). The writer and the reader both use this one list.
 */
#ifndef RENACER_CAPTURE_KINDS_H
#define RENACER_CAPTURE_KINDS_H

#include "decode/event.h"

/* By enum rn_event_kind, RN_EV_ENTRY .. RN_EV_DETACHED; NULL elsewhere. */
extern const char *const rn_capture_kind_names[RN_EV_DETACHED + 1];

#endif /* RENACER_CAPTURE_KINDS_H */
