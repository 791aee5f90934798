/*
 * optparse.c - the one parser of both programs' command lines (cmdline.h):
 * getopt_long's tables are built from rn_optdefs, so glibc's handling
 * (abbreviated long options, "--", -abc) and its messages are strace's.
 */
#define _GNU_SOURCE
#include "cmdline.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/quote.h"
#include "base/timefmt.h"
#include "syscalls/filter.h"
#include "stats/summary.h"

void rn_cmdline_die(const struct rn_prog *p, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", p->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void rn_getopt_problem(char *buf, size_t len, int ch, int optopt, const char *arg)
{
	if (strncmp(arg, "--", 2) != 0) {
		snprintf(buf, len, ch == ':' ? "option requires an argument -- '%c'"
					     : "invalid option -- '%c'", optopt);
		return;
	}
	/* A long option: named, up to any '='. getopt_long sets optopt to a
	 * known option's value, 0 for an unknown (or ambiguous) one. */
	int name = (int)strcspn(arg, "=");

	if (ch == ':')
		snprintf(buf, len, "option '%.*s' requires an argument", name, arg);
	else if (optopt != 0 && arg[name] == '=')
		snprintf(buf, len, "option '%.*s' doesn't allow an argument", name, arg);
	else
		snprintf(buf, len, "unrecognized option '%s'", arg);
}

/* ---- arguments ---------------------------------------------------------- */

/* "invalid -s argument: 'x'", "invalid --workers argument: 'x'": the
 * option as it was given, -s or --string-limit (however abbreviated, as
 * strace names it), given by long: the long name getopt_long matched,
 * NULL for the letter. */
static void bad(const struct rn_prog *p, const struct rn_optdef *d, const char *s,
		const char *given)
	__attribute__((noreturn));
static void bad(const struct rn_prog *p, const struct rn_optdef *d, const char *s,
		const char *given)
{
	if (d->letter && !given)
		rn_cmdline_die(p, "invalid -%c argument: '%s'", d->letter, s);
	rn_cmdline_die(p, "invalid --%s argument: '%s'", given ? given : d->names[0], s);
}

static long parse_number(const struct rn_prog *p, const struct rn_optdef *d, const char *s,
			 const char *given)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < d->lo || v > d->hi)
		bad(p, d, s, given);
	return v;
}

/* --strings-in-hex's values, in any case as strace 6.1 takes them: what
 * they mean as quote flags + 1; without a value, all (-xx). */
static int parse_hexstr(const struct rn_prog *p, const struct rn_optdef *d, const char *s)
{
	static const struct { const char *name; unsigned flags; } modes[] = {
		{ "none", 0 },
		{ "non-ascii-chars", RN_QUOTE_HEX_CHARS },
		{ "non-ascii", RN_QUOTE_HEX_NONPRINT },
		{ "all", RN_QUOTE_HEX_ALL },
	};
	if (!s)
		return RN_QUOTE_HEX_ALL + 1;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcasecmp(s, modes[i].name))
			return (int)modes[i].flags + 1;
	bad(p, d, s, d->names[0]);
}

/* --decode-fds=SET: path, socket, dev, pidfd, all, none, as strace's sets
 * ('!' before them takes the complement); alone: path. */
static int parse_decode_fds(const struct rn_prog *p, const char *s)
{
	static const struct { const char *name; unsigned bits; } kinds[] = {
		{ "path", RN_DECODE_FD_PATH },   { "socket", RN_DECODE_FD_SOCKET },
		{ "dev", RN_DECODE_FD_DEV },     { "pidfd", RN_DECODE_FD_PIDFD },
		{ "all", RN_DECODE_FD_ALL },
	};
	if (!s)
		return RN_DECODE_FD_PATH;
	const char *v = s;
	int neg = 0;
	while (*v == '!') {
		neg = !neg;
		v++;
	}
	unsigned bits = 0, items = 0;
	if (strcmp(v, "none") != 0) {
		for (const char *t = v; *t;) {
			size_t len = strcspn(t, ",");
			if (len) {
				size_t i = 0;
				while (i < sizeof(kinds) / sizeof(kinds[0]) &&
				       (strlen(kinds[i].name) != len || strncmp(t, kinds[i].name, len)))
					i++;
				if (i == sizeof(kinds) / sizeof(kinds[0]))
					rn_cmdline_die(p, "invalid decode-fds '%.*s'", (int)len, t);
				bits |= kinds[i].bits;
				items++;
			}
			t += len + (t[len] == ',');
		}
		if (!items)
			rn_cmdline_die(p, "invalid decode-fds '%s'", s);
	}
	return (int)(neg ? ~bits & RN_DECODE_FD_ALL : bits);
}

/* strace's time specification: a strtod number, then s, ms, us or ns
 * (microseconds without one); not negative. In nanoseconds. */
static unsigned long long parse_overhead(const struct rn_prog *p, const struct rn_optdef *d,
					 const char *s, const char *given)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double scale = 1e3;
	if (end != s) {
		if (!strcmp(end, "s"))
			scale = 1e9;
		else if (!strcmp(end, "ms"))
			scale = 1e6;
		else if (!strcmp(end, "us") || !*end)
			scale = 1e3;
		else if (!strcmp(end, "ns"))
			scale = 1;
		else
			end = (char *)s;
	}
	/* (also refuses NaN: no comparison holds) */
	if (end == s || errno || !(v >= 0) || !(v * scale < 1.8e19))
		bad(p, d, s, given);
	return (unsigned long long)(v * scale + 0.5);
}

/* SIZE with an optional K, M or G suffix (powers of 1024). */
static unsigned long long parse_size(const struct rn_prog *p, const struct rn_optdef *d,
				     const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (errno || end == s || *end || *s == '-' || v == 0 || v > (~0ull >> shift))
		bad(p, d, s, NULL);
	return v << shift;
}

/* Seconds, fractions allowed: "1", "0.25". */
static unsigned long long parse_seconds(const struct rn_prog *p, const struct rn_optdef *d,
					const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400)
		bad(p, d, s, NULL);
	return (unsigned long long)(v * 1e9);
}

/* The index of s in choices; else the refusal lists them: "(a, b or c)". */
static int parse_choice(const struct rn_prog *p, const struct rn_optdef *d, const char *s,
			const char *given)
{
	char list[256];
	size_t n = 0, len = 0;
	while (d->choices[n]) {
		if (!strcmp(s, d->choices[n]))
			return (int)n;
		n++;
	}
	/* strace's own choices (-X) are refused in its words, without the
	 * list renacer's --format adds */
	if (d->letter)
		bad(p, d, s, given);
	list[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i == 0 ? "" : i + 1 == n ? " or " : ", ", d->choices[i]);
	rn_cmdline_die(p, "invalid --%s argument: '%s' (%s)", d->names[0], s, list);
}

/* -p LIST: pids separated by one ',', ' ' or tab each, as strace splits
 * them: an empty item ("5,,6", " 5") is refused, a trailing separator and
 * an empty LIST are not. */
static void add_pids(const struct rn_prog *pr, struct rn_options *o, const char *list)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ", \t");
		char tok[32];

		snprintf(tok, sizeof(tok), "%.*s", (int)(len < sizeof(tok) ? len : sizeof(tok) - 1), p);
		char *end;
		errno = 0;
		long v = strtol(tok, &end, 10);
		if (len >= sizeof(tok) || errno || end == tok || *end || v <= 0 || v > INT_MAX ||
		    !(*tok == '+' || (*tok >= '0' && *tok <= '9')))
			rn_cmdline_die(pr, "Invalid process id: '%.*s'", (int)len, p);
		if ((pid_t)v == getpid())
			rn_cmdline_die(pr, "I'm sorry, I can't let you do that, Dave.");
		pid_t *grown = realloc(o->attach_pids, sizeof(pid_t) * (size_t)(o->n_attach + 1));
		if (!grown)
			rn_cmdline_die(pr, "out of memory");
		o->attach_pids = grown;
		o->attach_pids[o->n_attach++] = (pid_t)v;
		p += len;
		if (*p)
			p++;
	}
}

/* -E ARG on the command's environment, a copy of renacer's taken at the
 * first -E, edited as glibc's putenv edits environ (strace 6.1's -E gives
 * the command what putenv would): VAR=VAL replaces VAR's entry where it
 * is (the first, when there are several) or is added at the end, VAR
 * alone removes every VAR=. An empty name
 * ("", "=VAL") changes nothing. renacer's own environment is left as it
 * is: its PATH still finds the command, its TZ still dates -t. */
extern char **environ;

static void edit_env(const struct rn_prog *p, struct rn_options *o, const char *arg)
{
	size_t n = 0;

	if (!o->command_env) {
		while (environ[n])
			n++;
		o->command_env = calloc(n + 1, sizeof(char *));
		if (!o->command_env)
			rn_cmdline_die(p, "out of memory");
		memcpy(o->command_env, environ, n * sizeof(char *));
	}
	char **env = o->command_env;
	const char *eq = strchr(arg, '=');
	size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
	if (!name_len)
		return;
	size_t to = 0;
	int replaced = 0;
	for (size_t i = 0; env[i]; i++) {
		int same = strncmp(env[i], arg, name_len) == 0 && env[i][name_len] == '=';
		if (same && eq && !replaced) {
			env[i] = (char *)arg;
			replaced = 1;
		} else if (same && !eq) {
			continue;
		}
		env[to++] = env[i];
	}
	env[to] = NULL;
	if (!eq || replaced)
		return;
	char **grown = realloc(env, (to + 2) * sizeof(char *));
	if (!grown)
		rn_cmdline_die(p, "out of memory");
	grown[to] = (char *)arg;
	grown[to + 1] = NULL;
	o->command_env = grown;
}

/* -I: a number 1-4 or its name, in any case, as strace 6.1 takes it. */
static int parse_interruptible(const struct rn_prog *p, const struct rn_optdef *d,
			       const char *s, const char *given)
{
	static const char *const names[] = { "anywhere", "waiting", "never", "never_tstp" };
	for (int i = 0; i < 4; i++)
		if ((s[0] == '1' + i && !s[1]) || !strcasecmp(s, names[i]))
			return i + 1;
	bad(p, d, s, given);
}

static void help(const struct rn_prog *p) __attribute__((noreturn));
static void help(const struct rn_prog *p)
{
	int which = p->id == RN_PROG_DUMP;
	fputs(p->usage_head, stdout);
	for (size_t i = 0; i < rn_noptdefs; i++)
		if ((rn_optdefs[i].progs & p->id) && rn_optdefs[i].help[which])
			fputs(rn_optdefs[i].help[which], stdout);
	fputs(p->usage_tail, stdout);
	exit(0);
}

/* ---- one option --------------------------------------------------------- */

/* A precision: optional, 6 without one. */
static uint8_t precision(const struct rn_prog *p, const struct rn_optdef *d, const char *arg)
{
	int v = arg ? rn_timefmt_parse_precision(arg) : 6;
	if (v < 0)
		rn_cmdline_die(p, "invalid --%s argument: '%s'", d->names[0], arg);
	return (uint8_t)v;
}

static void apply(struct rn_cmdline *c, const struct rn_prog *p, const struct rn_optdef *d,
		  const char *arg, const char *given)
{
	void *f = (char *)c + d->field;
	struct rn_options *o = &c->opt;
	char err[4096]; /* an inject= value is quoted whole */
	int rc = 0;

	c->seen |= d->seen;
	if (d->seen & RN_SEEN_CAPTURE_OPT)
		c->capture_opt = d->names[0];
	switch (d->act) {
	case RN_ACT_SET:
		*(int *)f = (int)d->value;
		break;
	case RN_ACT_INC:
		++*(int *)f;
		break;
	case RN_ACT_STR:
		*(const char **)f = arg;
		break;
	case RN_ACT_INT:
		*(int *)f = (int)parse_number(p, d, arg, given);
		break;
	case RN_ACT_SIZE:
		*(unsigned long long *)f = parse_size(p, d, arg);
		break;
	case RN_ACT_BAIL:
		if (strcmp(arg, "execve") != 0)
			rn_cmdline_die(p, "Syscall '%s' for -b isn't supported", arg);
		o->bail_execve = 1;
		break;
	case RN_ACT_OVERHEAD:
		o->summary_overhead_ns = parse_overhead(p, d, arg, given);
		break;
	case RN_ACT_SECONDS:
		*(unsigned long long *)f = parse_seconds(p, d, arg);
		break;
	case RN_ACT_CHOICE:
		*(int *)f = parse_choice(p, d, arg, given);
		break;
	case RN_ACT_COUNT:
		if (o->count && o->count != d->value)
			rn_cmdline_die(p, "-c/--summary-only and -C/--summary are mutually exclusive");
		o->count = (int)d->value;
		break;
	case RN_ACT_PIDS:
		add_pids(p, o, arg);
		break;
	case RN_ACT_ENV:
		edit_env(p, o, arg);
		break;
	case RN_ACT_INTR:
		o->interruptible = parse_interruptible(p, d, arg, given);
		break;
	case RN_ACT_PID: {
		int32_t *grown = realloc(c->pids, (c->npids + 1) * sizeof(*c->pids));
		if (!grown)
			rn_cmdline_die(p, "out of memory");
		c->pids = grown;
		c->pids[c->npids++] = (int32_t)parse_number(p, d, arg, given);
		break;
	}
	case RN_ACT_CAPTURE:
		if (!*arg)
			rn_cmdline_die(p, "invalid --capture argument: ''");
		if (o->capture)
			rn_cmdline_die(p, "--capture given twice ('%s', '%s'): one capture per run",
				       o->capture, arg);
		o->capture = arg;
		break;
	case RN_ACT_FILTER_OPT:
		rn_filter_opt(&o->filter, (int)d->value);
		break;
	case RN_ACT_FILTER_PATH:
		rn_filter_add_path(&o->filter, arg);
		break;
	case RN_ACT_FILTER_E:
		rc = rn_filter_parse_e(&o->filter, arg, err, sizeof(err));
		break;
	case RN_ACT_QUALIFY:
		if (!arg)
			rn_filter_opt(&o->filter, (int)d->value);
		else
			rc = rn_filter_qualify(&o->filter, d->qualifier, arg, err, sizeof(err));
		break;
	case RN_ACT_TIMESTAMPS:
		if (!o->tf.abs_format) {
			o->tf.abs_format = RN_TABS_TIME;
			o->tf.abs_digits = 0;
		}
		if (rn_timefmt_parse_abs(arg ? arg : "", &o->tf.abs_format, &o->tf.abs_digits) < 0)
			rn_cmdline_die(p, "invalid --timestamps argument: '%s'", arg);
		break;
	case RN_ACT_REL:
		o->tf.rel_digits = precision(p, d, arg);
		o->tf.rel = 1;
		break;
	case RN_ACT_DUR:
		o->tf.dur_digits = precision(p, d, arg);
		o->tf.dur = 1;
		break;
	case RN_ACT_SORT:
		rc = rn_summary_parse_sort(&o->summary, arg, err, sizeof(err));
		break;
	case RN_ACT_COLUMNS:
		rc = rn_summary_parse_columns(&o->summary, arg, err, sizeof(err));
		break;
	case RN_ACT_HEXSTR:
		*(int *)f = parse_hexstr(p, d, arg);
		break;
	case RN_ACT_DAEMONIZE: {
		static const char *const kinds[] = { "grandchild", "pgroup", "session" };
		int k = 0;
		while (arg && k < 3 && strcmp(arg, kinds[k]))
			k++;
		if (k == 3)
			bad(p, d, arg, given);
		c->daemonize_long = k + 1;
		break;
	}
	case RN_ACT_DECODE_FDS:
		o->decode_fds = parse_decode_fds(p, arg);
		break;
	case RN_ACT_HELP:
		help(p);
	case RN_ACT_VERSION:
		puts(p->version);
		exit(0);
	}
	if (rc < 0)
		rn_cmdline_die(p, "%s", err);
}

/* ---- the command line --------------------------------------------------- */

/* getopt_long's tables for program p: a row with a letter is returned as
 * that letter, one without as 256 + its index. */
static void build_getopt(const struct rn_prog *p, char *shorts, size_t nshorts,
			 struct option *longs)
{
	size_t s = 0, l = 0;
	shorts[s++] = p->permute ? ':' : '+';
	if (!p->permute)
		shorts[s++] = ':';
	for (size_t i = 0; i < rn_noptdefs; i++) {
		const struct rn_optdef *d = &rn_optdefs[i];
		if (!(d->progs & p->id))
			continue;
		int val = d->letter ? d->letter : 256 + (int)i;
		if (d->letter && s + 3 < nshorts) {
			shorts[s++] = d->letter;
			if (d->arg != RN_ARG_NONE)
				shorts[s++] = ':';
			if (d->arg == RN_ARG_OPTIONAL)
				shorts[s++] = ':';
		}
		for (int k = 0; k < 3 && d->names[k]; k++)
			longs[l++] = (struct option){ d->names[k],
						      d->arg == RN_ARG_NONE ? no_argument
						      : d->arg == RN_ARG_REQUIRED ? required_argument
										  : optional_argument,
						      NULL, val };
	}
	shorts[s] = 0;
	longs[l] = (struct option){ 0 };
}

static const struct rn_optdef *row_of(const struct rn_prog *p, int val)
{
	if (val >= 256)
		return &rn_optdefs[val - 256];
	for (size_t i = 0; i < rn_noptdefs; i++)
		if (rn_optdefs[i].letter == val && (rn_optdefs[i].progs & p->id))
			return &rn_optdefs[i];
	return NULL;
}

void rn_cmdline_parse(struct rn_cmdline *c, const struct rn_prog *p, int argc, char **argv)
{
	char shorts[128];
	struct option longs[3 * 128 + 1];
	char err[256];

	if (rn_noptdefs > 128)
		abort(); /* longs is too short: make it longer */
	memset(c, 0, sizeof(*c));
	rn_options_init(&c->opt);
	c->dump_format = -1;
	build_getopt(p, shorts, sizeof(shorts), longs);
	opterr = 0;
	for (;;) {
		int li = -1;
		int ch = getopt_long(argc, argv, shorts, longs, &li);
		if (ch == -1)
			break;
		const struct rn_optdef *d = ch == '?' || ch == ':' ? NULL : row_of(p, ch);
		if (!d) {
			rn_getopt_problem(err, sizeof(err), ch, optopt, argv[optind - 1]);
			rn_cmdline_die(p, "%s", err);
		}
		apply(c, p, d, optarg, li >= 0 ? longs[li].name : NULL);
	}
	c->first_arg = optind;
}
