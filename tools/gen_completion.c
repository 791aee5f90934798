/*
 * gen_completion.c - prints the bash or zsh completion of renacer or
 * renacer-dump from the option table (optable.c), so that the completion
 * knows every option the program accepts:
 * `rn-gen-completion [--zsh] renacer|renacer-dump`. Run at build time
 * (tools/CMakeLists.txt). The bash one is installed as
 * share/bash-completion/completions/NAME and uses bash-completion's helpers
 * (_init_completion, _filedir, _pids, _command_offset); the zsh one as
 * _NAME in the zsh completion directory, a #compdef function of
 * _arguments specs whose descriptions are the --help lines.
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

/* ---- zsh -------------------------------------------------------------- */

/* What an option's --help line says after its spelling ("  -o FILE  write
 * the trace..." -> "write the trace..."), quoted for a spec inside single
 * quotes: a quote closes and reopens them, and _arguments reads [ ] : as
 * its own unless escaped. */
static void zsh_description(const struct rn_optdef *d, unsigned id)
{
	const char *h = d->help[id == RN_PROG_DUMP];
	if (!h && id == RN_PROG_DUMP)
		h = d->help[0]; /* one text for both */
	if (!h)
		return;
	const char *p = h;
	while (*p == ' ')
		p++;
	/* the spelling ends at the first run of two spaces */
	const char *gap = strstr(p, "  ");
	const char *nl = strchr(p, '\n');
	if (!gap || (nl && gap > nl))
		return;
	p = gap;
	while (*p == ' ')
		p++;
	putchar('[');
	for (; *p && *p != '\n'; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else if (*p == '[' || *p == ']' || *p == ':' || *p == '\\')
			printf("\\%c", *p);
		else
			putchar(*p);
	}
	putchar(']');
}

/* The action for an option's argument: ":MESSAGE:ACTION". */
static void zsh_action(const struct rn_optdef *d)
{
	switch (kind_of(d)) {
	case K_FILE:
		fputs(":file:_files", stdout);
		break;
	case K_PID:
		fputs(":pid:_pids", stdout);
		break;
	case K_USER:
		fputs(":user:_users", stdout);
		break;
	case K_CHOICE:
		fputs(":value:(", stdout);
		for (const char *const *c = d->choices; *c; c++)
			printf("%s%s", c == d->choices ? "" : " ", *c);
		putchar(')');
		break;
	default:
		fputs(":value: ", stdout);
		break;
	}
}

/* One spec per spelling: '*-o+[...]:file:_files', '*--output=[...]:...'.
 * Each may repeat (-ff, -e twice, -p A -p B): the table does not say
 * which may not, and completing one again is harmless. An optional
 * argument is only ever in the same word (--name=value). */
static void zsh_specs(unsigned id)
{
	for (size_t i = 0; i < rn_noptdefs; i++) {
		const struct rn_optdef *d = &rn_optdefs[i];
		if (!(d->progs & id))
			continue;
		for (int j = -1; j < 3; j++) {
			if (j < 0 && !d->letter)
				continue;
			if (j >= 0 && !d->names[j])
				break;
			printf(" \\\n\t'*");
			if (j < 0)
				printf("-%c%s", d->letter,
				       d->arg == RN_ARG_REQUIRED   ? "+"
				       : d->arg == RN_ARG_OPTIONAL ? "-"
								   : "");
			else
				printf("--%s%s", d->names[j],
				       d->arg == RN_ARG_REQUIRED   ? "="
				       : d->arg == RN_ARG_OPTIONAL ? "=-"
								   : "");
			zsh_description(d, id);
			if (d->arg != RN_ARG_NONE)
				zsh_action(d);
			putchar('\'');
		}
	}
}

static int zsh_main(const char *prog, unsigned id)
{
	printf("#compdef %s\n"
	       "# zsh completion for %s, generated from renacer's option table\n"
	       "# (tools/optable.c) by tools/gen_completion.c: edit those, not this file.\n\n",
	       prog, prog);
	/* -s: single letters combine (-fq); -S: nothing after -- is an option */
	printf("_arguments -s -S");
	zsh_specs(id);
	/* renacer: the command, then its own completion; renacer-dump:
	 * captures (or - for standard input) */
	if (id == RN_PROG_RENACER)
		printf(" \\\n\t'(-):command:_command_names -e' \\\n\t'*::arguments:_normal'\n");
	else
		printf(" \\\n\t'*:capture:_files'\n");
	return 0;
}

int main(int argc, char **argv)
{
	int zsh = argc == 3 && strcmp(argv[1], "--zsh") == 0;
	if (zsh) {
		argv++;
		argc--;
	}
	if (argc != 2 || (strcmp(argv[1], "renacer") && strcmp(argv[1], "renacer-dump"))) {
		fprintf(stderr, "usage: rn-gen-completion [--zsh] renacer|renacer-dump\n");
		return 2;
	}
	const char *prog = argv[1];
	unsigned id = strcmp(prog, "renacer") ? RN_PROG_DUMP : RN_PROG_RENACER;
	if (zsh)
		return zsh_main(prog, id);
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
