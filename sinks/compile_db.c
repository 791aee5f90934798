/*
 * compile_db.c - --format compile-db: compile_commands.json from the
 * execve calls of compiler drivers (sinks/proc_sinks.h).
 *
 * What goes in follows Bear 3 (what `bear -- make` writes), so that a
 * tool reading either finds the same entries:
 *  - an entry per source file of an execve of a compiler driver that
 *    succeeded, whatever the compiler's own result;
 *  - not for -E, -M or -MM (preprocessing only), nor without a source
 *    file (link steps of objects, --version), nor for a source file that
 *    does not exist when the entry is written;
 *  - arguments: the program as execve was given it, the flags in their
 *    order without the source files, without -o FILE, without the
 *    linker's flags (-l, -L, -static, -shared, -Xlinker ARG, ...) and the
 *    dependency-file flags (-MD, -MMD, -MF FILE, -MT, -MQ, -MP, -MG);
 *    "-c" first when none of -c, -S, -cc1 was given; then "-o", FILE when
 *    -o was given as two words (-oFILE is a flag like any other); then
 *    the source file as written;
 *  - directory: the cwd at the execve; file and output: absolute,
 *    lexically normal;
 *  - one entry per (file, output) pair: a later invocation with the same
 *    pair is left out.
 * Entries are written as they come, as one JSON array: memory holds the
 * (file, output) pairs written and the live processes' state only.
 *
 * Owner: the sink's driving thread (sink.h).
 */
#define _GNU_SOURCE
#include "sinks/proc_sinks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/sbuf.h"
#include "sinks/json_sink.h"
#include "sinks/proctrack.h"

#define FLUSH_AT 65536u
#define PAIR_BUCKETS 4096u

/* This file's structs belong to the sink's driving thread. */
struct pair {
	struct pair *next;
	uint64_t hash;
	char *key; /* file NUL output */
	size_t len;
};

struct cdb {
	rn_sink_write_fn write;
	void *ctx;
	struct rn_sbuf out;
	int error;
	size_t entries;
	size_t cut;           /* compiler commands left out: argv cut at -s */
	size_t nowhere;       /*   and those whose cwd is unknown */
	struct rn_proctrack pt;
	struct pair **pairs;  /* (file, output) already written */
};

/* ---- which programs, which arguments -------------------------------------- */

int rn_cdb_is_compiler(const char *name)
{
	static const char *const drivers[] = { "clang++", "clang", "gcc", "g++", "c++", "cc" };
	size_t n = strlen(name);
	/* a version: -12, -14.0.6 */
	size_t end = n;
	while (end > 0 && ((name[end - 1] >= '0' && name[end - 1] <= '9') || name[end - 1] == '.'))
		end--;
	if (end < n) {
		if (end == 0 || name[end - 1] != '-' || name[end] == '.')
			return 0;
		end--;
	}
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		size_t k = strlen(drivers[i]);
		if (end < k || memcmp(name + end - k, drivers[i], k) != 0)
			continue;
		/* the whole name, or a target's prefix before it */
		if (end == k || name[end - k - 1] == '-')
			return 1;
	}
	return 0;
}

static int among(const char *a, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(a, *list) == 0)
			return 1;
	return 0;
}

/* The linker's and the dependency files': not in the entry. */
static const char *const drop_alone[] = {
	"-MD", "-MMD", "-MP", "-MG", "-static", "-shared", "-pie", "-no-pie", "-static-pie",
	"-rdynamic", "-nostdlib", "-nostartfiles", "-nodefaultlibs", "-nolibc", "-s",
	"-static-libgcc", "-shared-libgcc", "-static-libstdc++", "-symbolic", "-r", NULL,
};
static const char *const drop_with_next[] = {
	"-MF", "-MT", "-MQ", "-Xlinker", "-u", "-z", "-T", "-e", "-l", "-L", NULL,
};
/* Flags whose value is the next word: that word is not a source file. */
static const char *const keep_with_next[] = {
	"-I", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter", "-iquote",
	"-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-imultilib", "-x",
	"-Xpreprocessor", "-Xassembler", "-Xclang", "--param", "-aux-info", "-A", "-arch",
	"-target", "-dumpbase", "-dumpdir", "--sysroot", NULL,
};

static int is_source(const char *a)
{
	static const char *const ext[] = {
		"c", "C", "cc", "cp", "cxx", "cpp", "CPP", "c++", "i", "ii", "m", "mi", "mm", "M",
		"mii", "s", "S", "sx", "f", "for", "ftn", "F", "FOR", "fpp", "FPP", "FTN", "f90",
		"f95", "f03", "f08", "F90", "F95", "F03", "F08", "cu", NULL,
	};
	const char *dot = strrchr(a, '.');
	const char *slash = strrchr(a, '/');
	if (!dot || (slash && slash > dot) || dot == a || dot[-1] == '/')
		return 0;
	return among(dot + 1, ext);
}

/* ---- output --------------------------------------------------------------- */

static void flush_out(struct cdb *s)
{
	if (s->out.len && !s->error)
		s->error = s->write(s->ctx, s->out.p, s->out.len);
	rn_sbuf_reset(&s->out);
}

static void put_str(struct rn_sbuf *b, const char *str)
{
	rn_json_text(b, str, strlen(str));
}

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* Record (file, output); 0 when it was already written. */
static int first_pair(struct cdb *s, const char *file, const char *output)
{
	size_t fl = strlen(file), ol = output ? strlen(output) : 0;
	char *key = malloc(fl + ol + 2);
	if (!key)
		abort();
	memcpy(key, file, fl + 1);
	/* no output and an empty one differ: a byte says which */
	key[fl + 1] = output ? '+' : '-';
	if (output)
		memcpy(key + fl + 2, output, ol);
	size_t len = fl + 2 + ol;
	uint64_t h = fnv(key, len);
	struct pair **pp = &s->pairs[h % PAIR_BUCKETS];
	for (struct pair *q = *pp; q; q = q->next) {
		if (q->hash == h && q->len == len && memcmp(q->key, key, len) == 0) {
			free(key);
			return 0;
		}
	}
	struct pair *q = malloc(sizeof(*q));
	if (!q)
		abort();
	q->hash = h;
	q->key = key;
	q->len = len;
	q->next = *pp;
	*pp = q;
	return 1;
}

/* One entry, in Bear's layout (two-space indents, keys sorted). */
static void put_entry(struct cdb *s, const char *const *args, size_t nargs, const char *dir,
		      const char *file, const char *output)
{
	struct rn_sbuf *b = &s->out;
	rn_sbuf_puts(b, s->entries++ ? ",\n  {\n" : "[\n  {\n");
	rn_sbuf_puts(b, "    \"arguments\": [\n");
	for (size_t i = 0; i < nargs; i++) {
		rn_sbuf_puts(b, "      ");
		put_str(b, args[i]);
		rn_sbuf_puts(b, i + 1 < nargs ? ",\n" : "\n");
	}
	rn_sbuf_puts(b, "    ],\n    \"directory\": ");
	put_str(b, dir);
	rn_sbuf_puts(b, ",\n    \"file\": ");
	put_str(b, file);
	if (output) {
		rn_sbuf_puts(b, ",\n    \"output\": ");
		put_str(b, output);
	}
	rn_sbuf_puts(b, "\n  }");
	if (b->len >= FLUSH_AT)
		flush_out(s);
}

static void on_exec(void *ctx, struct rn_pt_proc *p)
{
	struct cdb *s = ctx;
	if (!p->exe || !p->argv || !p->argv[0])
		return;
	const char *base = strrchr(p->exe, '/');
	if (!rn_cdb_is_compiler(base ? base + 1 : p->exe))
		return;
	if (p->argv_cut) {
		s->cut++;
		return;
	}

	if (!p->exec_cwd) {
		s->nowhere++; /* -p's, or a capture that lacks the cwd */
		return;
	}
	size_t argc = 0;
	while (p->argv[argc])
		argc++;
	/* flags: "-c" may go first, then the argv, then -o FILE and a source */
	const char **flags = calloc(argc + 4, sizeof(*flags));
	const char **sources = calloc(argc + 1, sizeof(*sources));
	if (!flags || !sources)
		abort();
	size_t nflags = 1, nsources = 0;
	const char *output = NULL;
	int no_link = 0;
	flags[0] = p->exe;
	for (size_t i = 1; i < argc; i++) {
		const char *a = p->argv[i];
		if (!strcmp(a, "-E") || !strcmp(a, "-M") || !strcmp(a, "-MM")) {
			nsources = 0;
			break;
		}
		/* clang's front end run as a process (-fno-integrated-cc1,
		 * -save-temps) gets an entry as Bear gives it: without "-c"
		 * added (its assembler, -cc1as, gets one) */
		if (!strcmp(a, "-c") || !strcmp(a, "-S") || !strcmp(a, "-cc1"))
			no_link = 1;
		if (!strcmp(a, "-o") && i + 1 < argc) {
			output = p->argv[++i];
			continue;
		}
		if (among(a, drop_with_next)) {
			i++;
			continue;
		}
		if (among(a, drop_alone) ||
		    ((a[0] == '-' && (a[1] == 'l' || a[1] == 'L')) && a[2]))
			continue;
		if (among(a, keep_with_next) && i + 1 < argc) {
			flags[nflags++] = a;
			flags[nflags++] = p->argv[++i];
			continue;
		}
		if (a[0] != '-' && is_source(a)) {
			sources[nsources++] = a;
			continue;
		}
		flags[nflags++] = a;
	}
	if (nsources && !no_link) {
		memmove(flags + 2, flags + 1, (nflags - 1) * sizeof(*flags));
		flags[1] = "-c";
		nflags++;
	}
	char *abs_out = output ? rn_pt_resolve(p->exec_cwd, output) : NULL;
	for (size_t k = 0; k < nsources; k++) {
		char *file = rn_pt_resolve(p->exec_cwd, sources[k]);
		struct stat st;
		if (stat(file, &st) == 0 && first_pair(s, file, abs_out)) {
			size_t n = nflags;
			if (output) {
				flags[n++] = "-o";
				flags[n++] = output;
			}
			flags[n++] = sources[k];
			put_entry(s, flags, n, p->exec_cwd, file, abs_out);
		}
		free(file);
	}
	free(abs_out);
	free(flags);
	free(sources);
}

/* ---- the sink ------------------------------------------------------------- */

static void *cdb_begin(const struct rn_sink_params *params)
{
	struct cdb *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->write = params->write;
	s->ctx = params->ctx;
	s->pairs = calloc(PAIR_BUCKETS, sizeof(*s->pairs));
	if (!s->pairs) {
		free(s);
		return NULL;
	}
	const struct rn_pt_hooks hooks = { .ctx = s, .exec = on_exec };
	rn_proctrack_init(&s->pt, params->opt, &hooks);
	return s;
}

static void cdb_event(void *self, const struct rn_event *ev)
{
	struct cdb *s = self;
	if (!s->error)
		rn_proctrack_event(&s->pt, ev);
}

static int cdb_flush(void *self)
{
	flush_out(self);
	return ((struct cdb *)self)->error;
}

static int cdb_finish(void *self)
{
	struct cdb *s = self;
	rn_proctrack_finish(&s->pt);
	rn_sbuf_puts(&s->out, s->entries ? "\n]\n" : "[]\n");
	flush_out(s);
	/* On stderr: the document itself stays what it says it is. */
	if (s->cut)
		fprintf(stderr,
			"renacer: compile-db: %zu compiler command%s left out: the trace cut "
			"%s command line at -s (record with a larger -s)\n",
			s->cut, s->cut == 1 ? "" : "s", s->cut == 1 ? "its" : "their");
	if (s->nowhere)
		fprintf(stderr,
			"renacer: compile-db: %zu compiler command%s left out: run where the "
			"trace does not say (a process attached with -p, or a capture without "
			"the command's cwd)\n",
			s->nowhere, s->nowhere == 1 ? "" : "s");
	return s->error;
}

static int cdb_error(const void *self)
{
	return ((const struct cdb *)self)->error;
}

static int cdb_buffered(const void *self)
{
	return ((const struct cdb *)self)->out.len != 0;
}

static void cdb_destroy(void *self)
{
	struct cdb *s = self;
	if (!s)
		return;
	rn_proctrack_finish(&s->pt);
	for (unsigned b = 0; b < PAIR_BUCKETS; b++) {
		while (s->pairs[b]) {
			struct pair *q = s->pairs[b];
			s->pairs[b] = q->next;
			free(q->key);
			free(q);
		}
	}
	free(s->pairs);
	rn_sbuf_free(&s->out);
	free(s);
}

const struct rn_sink_ops rn_compile_db_ops = {
	.name = "compile-db",
	.flags = RN_SINK_WHOLE_DOCUMENT,
	.begin = cdb_begin,
	.event = cdb_event,
	.flush = cdb_flush,
	.finish = cdb_finish,
	.error = cdb_error,
	.buffered = cdb_buffered,
	.destroy = cdb_destroy,
};
