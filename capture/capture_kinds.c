/* capture_kinds.c - the event kinds' names on disk (capture_kinds.h). They
 * are part of the format: never renamed. */
#include "capture/capture_kinds.h"

const char *const rn_capture_kind_names[RN_EV_DETACHED + 1] = {
	[RN_EV_ENTRY] = "entry",       [RN_EV_EXIT] = "exit",
	[RN_EV_SIGNAL] = "signal",     [RN_EV_GROUP_STOP] = "stop",
	[RN_EV_EXITED] = "exited",     [RN_EV_KILLED] = "killed",
	[RN_EV_SUPERSEDED] = "superseded", [RN_EV_NEW_TASK] = "task",
	[RN_EV_ATTACHED] = "attached", [RN_EV_DETACHED] = "detached",
};
