/*
 * gen_completion.c - prints the bash completion of renacer or renacer-dump
 * from the option table (optable.c), so that the completion knows every
 * option the program accepts: `rn-gen-completion renacer|renacer-dump`.
 * Run at build time (tools/CMakeLists.txt); the output is installed as
 * share/bash-completion/completions/NAME and uses bash-completion's helpers
 * (_init_completion, _filedir, _pids, _command_offset).
 *
 * What it completes: option names; after an option that takes a file (-o,
 * --capture, -P), a file; after -p or --pid, a pid; after -u, a user; after
 * an option with a fixed set of values (--format), those values; renacer's
 * COMMAND and its arguments as a command line of their own; renacer-dump's
 * operands as files.
 */
#include "cmdline.h"

#include <stdio.h>
#include <string.h>

enum kind { K_NONE, K_FILE, K_PID, K_USER, K_CHOICE, K_OTHER };

static enum kind kind_of(const struct rn_optdef *d)
{
	if (d->arg != RN_ARG_REQUIRED)
		return K_NONE;
	switch (d->act) {
	case RN_ACT_CAPTURE:
	case RN_ACT_FILTER_PATH:
		return K_FILE;
	case RN_ACT_PIDS:
	case RN_ACT_PID:
		return K_PID;
	case RN_ACT_CHOICE:
		return K_CHOICE;
	case RN_ACT_STR:
		return d->field == offsetof(struct rn_cmdline, username) ? K_USER : K_FILE;
	default:
		return K_OTHER;
	}
}

/* The option's spellings, "-x|--long|--other", into out ('|' between). */
static void spellings(const struct rn_optdef *d, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	if (d->letter)
		n += (size_t)snprintf(out + n, len - n, "-%c", d->letter);
	for (int i = 0; i < 3 && d->names[i] && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s--%s", n ? "|" : "", d->names[i]);
}

/* The case arms of the options of one kind whose argument is the next word. */
static void arms(unsigned prog, enum kind k, const char *action)
{
	char buf[256];
	int any = 0;
	for (size_t i = 0; i < rn_noptdefs; i++) {
		const struct rn_optdef *d = &rn_optdefs[i];
		if (!(d->progs & prog) || kind_of(d) != k)
			continue;
		spellings(d, buf, sizeof(buf));
		if (k == K_CHOICE) {
			printf("\t%s)\n\t\tCOMPREPLY=($(compgen -W \"", buf);
			for (const char *const *c = d->choices; *c; c++)
				printf("%s%s", c == d->choices ? "" : " ", *c);
			printf("\" -- \"$cur\"))\n\t\treturn\n\t\t;;\n");
			continue;
		}
		printf("%s%s", any ? "|" : "\t", buf);
		any = 1;
	}
	if (any && k != K_CHOICE)
		printf(")\n\t\t%s\n\t\treturn\n\t\t;;\n", action);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "renacer") && strcmp(argv[1], "renacer-dump"))) {
		fprintf(stderr, "usage: rn-gen-completion renacer|renacer-dump\n");
		return 2;
	}
	const char *prog = argv[1];
	unsigned id = strcmp(prog, "renacer") ? RN_PROG_DUMP : RN_PROG_RENACER;
	char fn[64], buf[256];
	snprintf(fn, sizeof(fn), "_%s", prog);
	for (char *p = fn; *p; p++)
		if (*p == '-')
			*p = '_';

	printf("# bash completion for %s -*- shell-script -*-\n"
	       "# Generated from renacer's option table (tools/optable.c) by\n"
	       "# tools/gen_completion.c: edit those, not this file.\n\n", prog);
	printf("%s()\n{\n\tlocal cur prev words cword\n"
	       "\t_init_completion -s || return\n\n", fn);

	/* renacer: the first operand is the command; from there on, the
	 * command's own completion. The options that take their argument as
	 * the next word are skipped with it. */
	if (id == RN_PROG_RENACER) {
		printf("\tlocal i\n\tfor ((i = 1; i < cword; i++)); do\n\t\tcase ${words[i]} in\n"
		       "\t\t--)\n\t\t\t_command_offset $((i + 1))\n\t\t\treturn\n\t\t\t;;\n");
		int any = 0;
		for (size_t i = 0; i < rn_noptdefs; i++) {
			const struct rn_optdef *d = &rn_optdefs[i];
			if (!(d->progs & id) || d->arg != RN_ARG_REQUIRED)
				continue;
			spellings(d, buf, sizeof(buf));
			printf("%s%s", any ? "|" : "\t\t", buf);
			any = 1;
		}
		if (any)
			printf(")\n\t\t\t((i++))\n\t\t\t;;\n");
		printf("\t\t-*) ;;\n\t\t*)\n\t\t\t_command_offset $i\n\t\t\treturn\n\t\t\t;;\n"
		       "\t\tesac\n\tdone\n\n");
	}

	printf("\tcase $prev in\n");
	arms(id, K_FILE, "_filedir");
	arms(id, K_PID, "_pids");
	arms(id, K_USER, "COMPREPLY=($(compgen -u -- \"$cur\"))");
	arms(id, K_CHOICE, NULL);
	arms(id, K_OTHER, ":");
	printf("\tesac\n\n");

	printf("\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"");
	int first = 1;
	for (size_t i = 0; i < rn_noptdefs; i++) {
		const struct rn_optdef *d = &rn_optdefs[i];
		if (!(d->progs & id))
			continue;
		if (d->letter) {
			printf("%s-%c", first ? "" : " ", d->letter);
			first = 0;
		}
		for (int j = 0; j < 3 && d->names[j]; j++) {
			printf("%s--%s%s", first ? "" : " ", d->names[j],
			       d->arg == RN_ARG_OPTIONAL ? " --" : "");
			if (d->arg == RN_ARG_OPTIONAL)
				printf("%s=", d->names[j]);
			first = 0;
		}
	}
	printf("\" -- \"$cur\"))\n"
	       "\t\t[[ ${COMPREPLY-} == *= ]] && compopt -o nospace\n\t\treturn\n\tfi\n\n");
	if (id == RN_PROG_RENACER)
		printf("\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n");
	else
		printf("\t_filedir\n");
	printf("} &&\n\tcomplete -F %s %s\n", fn, prog);
	return 0;
}
