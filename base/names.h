/*
 * names.h - errno and signal names, as strace prints them.
 * Contract: pure lookups over immutable tables, safe from any thread.
 */
#ifndef RENACER_NAMES_H
#define RENACER_NAMES_H

/* "ENOENT" for 2; NULL when unknown (strace then prints the number). */
const char *rn_errno_name(int err);
/* strace's message for errno values, strerror's text for real errnos and
 * the kernel-internal ones (ERESTARTSYS: "To be restarted if SA_RESTART is
 * set", ...) as strace words them; NULL when unknown. */
const char *rn_errno_message(int err);
/* "SIGCHLD" for 17, "SIGRT_3" for SIGRTMIN+3 as strace; NULL when unknown. */
const char *rn_signal_name(int sig);
/* si_code name for a signal: "CLD_EXITED", "SI_USER", "SEGV_MAPERR";
 * NULL when unknown. */
const char *rn_sicode_name(int sig, int code);

#endif /* RENACER_NAMES_H */
