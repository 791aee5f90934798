/*
 * options.h - what the user asked for. Parsed once by the main thread
 * before any other thread starts; read-only afterwards, shared by all.
 */
#ifndef RENACER_OPTIONS_H
#define RENACER_OPTIONS_H

#include <sys/types.h>

struct rn_options {
	int follow_forks;     /* -f */
	const char *outfile;  /* -o FILE, NULL for stdout */
	pid_t *attach_pids;   /* -p PID... */
	int n_attach;
	int strsize;          /* -s N, default 32 */
	unsigned quote_flags; /* -x / -xx: enum rn_quote_flags */
	int nworkers;         /* --workers N; 0 = one per online CPU */
	int spin;             /* --spin N: waitpid(WNOHANG) polls before sleeping */
	int quiet;            /* -q: no attach/detach messages */
	int decode_fds;       /* -y: show the path behind each descriptor */
	char **command;       /* NULL-terminated argv, NULL with -p only */
	const char *command_path; /* command[0] resolved through PATH */
};

/* Parse argv. On bad input prints one line on stderr and exits 1;
 * for --help/--version prints and exits 0. */
void rn_options_parse(struct rn_options *o, int argc, char **argv);

#endif /* RENACER_OPTIONS_H */
