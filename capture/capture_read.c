/*
 * capture_read.c - events back from capture files (see
 * capture/capture.h; the schema is capture/CAPTURE.md).
 *
 * Opening reads every file's first frame (its header) to put the parts of a
 * run in order. Reading then walks each file frame by frame: a frame is
 * decompressed whole and its checksum verified before any of its events is
 * handed out, so what a damaged frame holds is never shown; the bytes from
 * its start to the next zstd frame magic (0xFD2FB528) are reported as
 * skipped. msgpack records are decoded one per rn_capture_next call.
 */
#define _GNU_SOURCE
#include "capture/capture.h"
#include "capture/capture_kinds.h"
#include "capture/capture_v2.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <msgpack.h>
#include <zstd.h>

#include "syscalls/options_record.h"
#include "syscalls/syscalls.h"
#include "decode/value.h"

#define IN_CAP (256u << 10)
#define FRAME_LIMIT (256u << 20) /* a frame that inflates past this is damage */
/* A header is renacer's command line twice (argv, options.command: at most
 * ARG_MAX each) and the syscall names: a first frame inflating past this is
 * not one. */
#define HEADER_LIMIT (64u << 20)
/* A file that does not begin with a zstd frame is a capture (its start
 * damaged) only if an intact frame of records begins in its first this
 * many bytes (a header is far smaller): anything else is refused without
 * reading it all. */
#define PROBE_WINDOW (16u << 20)
#define MAX_DEPTH 64             /* value trees deeper than this are damage */
#define DESCRIBE_MAX 3           /* regions named in the one-line report */
#define STDIN_CHUNK (64u << 10)  /* a pipe's read(2) at a time */

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

struct cfile {
	char *path;
	char *problem;      /* unusable: why (then never read) */
	int has_header;
	int stale;          /* a rotation sibling written by another run */
	struct rn_capture_header hdr;
	size_t group;       /* which named path it came from */
	unsigned suffix;    /* N of PATH.N, 0 for PATH itself */
	size_t rank;        /* order of naming */
	int keyk;           /* which run: 1 run_id keyv, 2 group keyv (no header) */
	uint64_t keyv;
	uint64_t run_order; /* sort keys */
	int64_t part;
	int is_stdin;       /* "-" or /dev/stdin: read from descriptor 0 */
};

/* Standard input, when it is a pipe: what arrives is copied into a memfd,
 * which the reader then reads as it reads a file (pread, going back after
 * damage, opening it a second time after the probe). Only what lies below
 * the frame being read is never read again, so that is punched out of the
 * copy: it holds about one frame, however long the input. */
struct stdin_copy {
	int fd;           /* the memfd (or a regular file's dup), -1: none */
	int piped;        /* fd is a copy, filled from descriptor 0 */
	int eof;          /* descriptor 0 has ended (or failed) */
	uint64_t len;     /* bytes copied so far */
	uint64_t punched; /* [0, punched) is a hole */
	int reading;      /* past the probe: the reading goes forward */
	unsigned char *buf; /* what one read(2) brings */
};

struct rd2;

struct rn_capture_reader {
	struct cfile *files;
	size_t nfiles;
	size_t cur;               /* file being read (index into files) */
	int fd;                   /* its descriptor, -1 between files */
	const struct rn_capture_header *header;

	ZSTD_DCtx *dctx;
	unsigned char *in;        /* file bytes [in_off, in_off + in_len) */
	size_t in_len, in_pos;
	uint64_t in_off;
	unsigned char *frame;     /* the decoded frame */
	size_t frame_len, frame_cap, frame_pos;
	size_t frame_sane;        /* its rn_msgpack_sane_prefix */
	uint64_t frame_off;       /* where it began in the file */
	int frame_loaded;
	uint64_t prev_seq, prev_ts;
	msgpack_unpacked up;
	unsigned file_headers;    /* header records met in the file being read */
	uint32_t file_part;       /* the part of its run it has reached */
	int fd_is_stdin;          /* fd is stdin's copy (stdin_copy.fd) */
	struct stdin_copy in0;

	struct rn_capture_damage *damage;
	size_t ndamage, capdamage;
	uint64_t events;
	int done;

	struct rd2 *v2;           /* format 2's reading state (below) */
	char **names;             /* interned strings (value names) */
	size_t nnames, capnames;
	void **arena;             /* everything else to free at close */
	size_t narena, caparena;
};

static void oom(void)
{
	fputs("renacer: out of memory\n", stderr);
	abort();
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

static void *keep(struct rn_capture_reader *r, void *p)
{
	if (!p)
		oom();
	if (r->narena == r->caparena) {
		r->caparena = r->caparena ? 2 * r->caparena : 64;
		r->arena = xrealloc(r->arena, r->caparena * sizeof(*r->arena));
	}
	r->arena[r->narena++] = p;
	return p;
}

static char *keep_str(struct rn_capture_reader *r, const char *p, size_t n)
{
	char *s = keep(r, malloc(n + 1));
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

/* ---- interned names ----------------------------------------------------- */

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211u;
	return h;
}

static const char *intern(struct rn_capture_reader *r, const char *p, size_t n)
{
	if (r->nnames * 2 >= r->capnames) {
		size_t cap = r->capnames ? 2 * r->capnames : 256;
		char **t = calloc(cap, sizeof(*t));
		if (!t)
			oom();
		for (size_t i = 0; i < r->capnames; i++) {
			char *s = r->names[i];
			if (!s)
				continue;
			size_t j = hash_bytes(s, strlen(s)) & (cap - 1);
			while (t[j])
				j = (j + 1) & (cap - 1);
			t[j] = s;
		}
		free(r->names);
		r->names = t;
		r->capnames = cap;
	}
	size_t j = hash_bytes(p, n) & (r->capnames - 1);
	for (; r->names[j]; j = (j + 1) & (r->capnames - 1))
		if (strncmp(r->names[j], p, n) == 0 && r->names[j][n] == 0)
			return r->names[j];
	char *s = malloc(n + 1);
	if (!s)
		oom();
	memcpy(s, p, n);
	s[n] = 0;
	r->names[j] = s;
	r->nnames++;
	return s;
}

/* ---- msgpack accessors -------------------------------------------------- */

static int key_is(const msgpack_object *k, const char *name)
{
	size_t n = strlen(name);
	return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
	       memcmp(k->via.str.ptr, name, n) == 0;
}

static const msgpack_object *map_get(const msgpack_object *map, const char *name)
{
	for (uint32_t i = 0; i < map->via.map.size; i++)
		if (key_is(&map->via.map.ptr[i].key, name))
			return &map->via.map.ptr[i].val;
	return NULL;
}

static int get_i64(const msgpack_object *o, int64_t *out)
{
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		*out = (int64_t)o->via.u64;
		return 1;
	}
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*out = o->via.i64;
		return 1;
	}
	if (o->type == MSGPACK_OBJECT_BOOLEAN) {
		*out = o->via.boolean;
		return 1;
	}
	return 0;
}

static int get_u64(const msgpack_object *o, uint64_t *out)
{
	int64_t i;
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		*out = o->via.u64;
		return 1;
	}
	if (get_i64(o, &i)) {
		*out = (uint64_t)i;
		return 1;
	}
	return 0;
}

/* str or bin: the bytes. */
static int get_bytes(const msgpack_object *o, const char **p, size_t *n)
{
	if (o->type == MSGPACK_OBJECT_STR) {
		*p = o->via.str.ptr;
		*n = o->via.str.size;
		return 1;
	}
	if (o->type == MSGPACK_OBJECT_BIN) {
		*p = o->via.bin.ptr;
		*n = o->via.bin.size;
		return 1;
	}
	return 0;
}

static const char *get_text(struct rn_capture_reader *r, const msgpack_object *o)
{
	const char *p;
	size_t n;
	if (!o || !get_bytes(o, &p, &n))
		return NULL;
	return keep_str(r, p, n);
}

static char **get_strv(struct rn_capture_reader *r, const msgpack_object *o, int *count)
{
	if (!o || o->type != MSGPACK_OBJECT_ARRAY) {
		*count = 0;
		return NULL;
	}
	uint32_t n = o->via.array.size;
	char **v = keep(r, calloc((size_t)n + 1, sizeof(*v)));
	int k = 0;
	for (uint32_t i = 0; i < n; i++) {
		const char *s = get_text(r, &o->via.array.ptr[i]);
		if (s)
			v[k++] = (char *)s;
	}
	*count = k;
	return v;
}

/* ---- the header --------------------------------------------------------- */

static void read_records(struct rn_capture_reader *r, const msgpack_object *map,
			 const struct rn_opt_record *list, size_t n, struct rn_capture_header *h);

/* One recorded option into h->opt; a value of the wrong type is ignored. */
static void read_record(struct rn_capture_reader *r, const msgpack_object *x,
			const struct rn_opt_record *rec, struct rn_capture_header *h)
{
	char *base = (char *)&h->opt;
	void *f = base + rec->off;
	uint64_t u;
	int64_t i;
	int n;

	switch (rec->kind) {
	case RN_REC_BOOL:
	case RN_REC_INT:
	case RN_REC_UINT:
	case RN_REC_U64:
	case RN_REC_U8:
	case RN_REC_BOOL8:
	case RN_REC_FILE_PREFIX:
		if (!get_u64(x, &u) || (rec->max && u > rec->max))
			return;
		if (rec->mask)
			u &= rec->mask;
		i = (int64_t)u;
		if (rec->kind == RN_REC_BOOL)
			*(int *)f = i != 0;
		else if (rec->kind == RN_REC_INT)
			*(int *)f = (int)i;
		else if (rec->kind == RN_REC_UINT)
			*(unsigned *)f = (unsigned)u;
		else if (rec->kind == RN_REC_U64)
			*(uint64_t *)f = u;
		else if (rec->kind == RN_REC_FILE_PREFIX)
			h->file_prefix = i != 0;
		else
			*(uint8_t *)f = (uint8_t)u;
		return;
	case RN_REC_TEXT:
		*(const char **)f = get_text(r, x);
		return;
	case RN_REC_PIDS: {
		if (x->type != MSGPACK_OBJECT_ARRAY || !x->via.array.size)
			return;
		pid_t *pids = keep(r, calloc(x->via.array.size, sizeof(pid_t)));
		int *count = (int *)(base + rec->off_n);
		*(pid_t **)f = pids;
		for (uint32_t k = 0; k < x->via.array.size; k++)
			if (get_i64(&x->via.array.ptr[k], &i))
				pids[(*count)++] = (pid_t)i;
		return;
	}
	case RN_REC_STRV:
		*(char ***)f = get_strv(r, x, &n);
		return;
	case RN_REC_COLUMNS: {
		if (x->type != MSGPACK_OBJECT_ARRAY)
			return;
		/* A column this reader does not know drops the whole list: the
		 * default table is better than a wrong one. */
		uint8_t *cols = f;
		uint32_t k = 0, len = x->via.array.size;
		for (; k < len && k < RN_SUM__COUNT - 1; k++) {
			if (!get_i64(&x->via.array.ptr[k], &i) || i <= RN_SUM_END || i >= RN_SUM__COUNT)
				break;
			cols[k] = (uint8_t)i;
		}
		if (k != len)
			k = 0;
		cols[k] = RN_SUM_END;
		return;
	}
	case RN_REC_MAP:
		read_records(r, x, rec->sub, rec->nsub, h);
		return;
	}
}

static void read_records(struct rn_capture_reader *r, const msgpack_object *map,
			 const struct rn_opt_record *list, size_t n, struct rn_capture_header *h)
{
	const msgpack_object *x;
	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return;
	for (size_t k = 0; k < n; k++)
		if ((x = map_get(map, list[k].key)))
			read_record(r, x, &list[k], h);
}

static void parse_options(struct rn_capture_reader *r, const msgpack_object *o,
			  struct rn_capture_header *h)
{
	struct rn_options *opt = &h->opt;

	/* strace's defaults (nothing filtered) for what the header leaves out,
	 * but quiet: "Process N attached/detached" are notes renacer wrote on
	 * its stderr, not part of the trace, shown again only when the header
	 * says the run showed them (its -q, or strace's implicit -q with -o
	 * and a command, was recorded as resolved: "quiet"). */
	rn_options_init(opt);
	opt->quiet = 1;
	if (!o || o->type != MSGPACK_OBJECT_MAP)
		return;
	read_records(r, o, rn_opt_records, rn_opt_nrecords, h);
	if (rn_filter_quiet(&opt->filter, RN_QUIET_ATTACH))
		opt->quiet = 1; /* as renacer resolves -e quiet=attach */
	if (opt->command && opt->command[0])
		opt->command_path = opt->command[0];
}

/* A later part's "procs": [pid, ppid, start_ns, command or nil, pending
 * execve's command or nil] each; an entry of another shape is left out
 * (elements after those are ignored: a later writer may add some). */
static void parse_procs(struct rn_capture_reader *r, const msgpack_object *x,
			struct rn_capture_header *h)
{
	if (!x || x->type != MSGPACK_OBJECT_ARRAY || !x->via.array.size)
		return;
	struct rn_capture_proc *procs = keep(r, calloc(x->via.array.size, sizeof(*procs)));
	size_t n = 0;
	for (uint32_t k = 0; k < x->via.array.size; k++) {
		const msgpack_object *e = &x->via.array.ptr[k];
		int64_t pid, ppid;
		uint64_t start;
		if (e->type != MSGPACK_OBJECT_ARRAY || e->via.array.size < 4 ||
		    !get_i64(&e->via.array.ptr[0], &pid) || !get_i64(&e->via.array.ptr[1], &ppid) ||
		    !get_u64(&e->via.array.ptr[2], &start) || pid <= 0 || pid > INT32_MAX ||
		    ppid < 0 || ppid > INT32_MAX)
			continue;
		procs[n].pid = (int32_t)pid;
		procs[n].ppid = (int32_t)ppid;
		procs[n].start_ns = start;
		procs[n].command = get_text(r, &e->via.array.ptr[3]);
		if (e->via.array.size > 4)
			procs[n].exec_pending = get_text(r, &e->via.array.ptr[4]);
		n++;
	}
	h->procs = procs;
	h->nprocs = n;
}

/* 1: a header (h filled); 0: not one. */
static int parse_header(struct rn_capture_reader *r, const msgpack_object *o,
			struct rn_capture_header *h)
{
	const msgpack_object *x;
	uint64_t u;
	if (o->type != MSGPACK_OBJECT_MAP || !(x = map_get(o, "t")) || !key_is(x, "header") ||
	    !(x = map_get(o, "format")) || !get_u64(x, &u))
		return 0;
	memset(h, 0, sizeof(*h));
	h->format = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
	h->version = get_text(r, map_get(o, "version"));
	h->host = get_text(r, map_get(o, "host"));
	h->sysname = get_text(r, map_get(o, "sysname"));
	h->release = get_text(r, map_get(o, "release"));
	h->kversion = get_text(r, map_get(o, "kversion"));
	h->arch = get_text(r, map_get(o, "arch"));
	h->argv = get_strv(r, map_get(o, "argv"), &h->argc);
	parse_options(r, map_get(o, "options"), h);
	if ((x = map_get(o, "realtime_ns")))
		get_u64(x, &h->realtime_ns);
	if ((x = map_get(o, "monotonic_ns")))
		get_u64(x, &h->monotonic_ns);
	if ((x = map_get(o, "run")))
		get_u64(x, &h->run_id);
	if ((x = map_get(o, "part")) && get_u64(x, &u))
		h->part = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
	x = map_get(o, "syscalls");
	if (x && x->type == MSGPACK_OBJECT_ARRAY) {
		h->nsyscalls = x->via.array.size;
		h->syscalls = keep(r, calloc((size_t)h->nsyscalls + 1, sizeof(*h->syscalls)));
		for (uint32_t k = 0; k < h->nsyscalls; k++) {
			const char *p;
			size_t n;
			if (get_bytes(&x->via.array.ptr[k], &p, &n))
				h->syscalls[k] = intern(r, p, n);
		}
	}
	parse_procs(r, map_get(o, "procs"), h);
	return 1;
}

/* ---- file input --------------------------------------------------------- */

/* Copy from standard input until the copy holds the byte at `off` (or the
 * input ended): one read(2) at a time, so that a slow writer's frames are
 * shown as they come rather than once a buffer is full. Then punch out
 * what precedes the frame being read, once the probe is done (the probe's
 * frames are read again from 0). A read error ends the input as EOF would:
 * what came before it is still read. */
static void stdin_pump(struct rn_capture_reader *r, uint64_t off)
{
	struct stdin_copy *c = &r->in0;
	if (!c->piped)
		return;
	while (!c->eof && c->len <= off) {
		ssize_t k = read(STDIN_FILENO, c->buf, STDIN_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* an O_NONBLOCK pipe inherited from the shell */
			struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
			poll(&pfd, 1, -1);
			continue;
		}
		if (k <= 0) {
			c->eof = 1;
			break;
		}
		for (ssize_t done = 0; done < k;) {
			ssize_t w = pwrite(c->fd, c->buf + done, (size_t)(k - done), (off_t)c->len);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				/* no room for the copy (tmpfs full, a memory
				 * limit): the input ends here for the reader */
				c->eof = 1;
				return;
			}
			done += w;
			c->len += (uint64_t)w;
		}
	}
	if (c->reading) {
		uint64_t low = r->frame_off & ~(uint64_t)4095;
		if (low > c->punched &&
		    fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)c->punched,
			      (off_t)(low - c->punched)) == 0)
			c->punched = low;
	}
}

/* The size of the file being read: a pipe's, once it has ended (the rest
 * is read and dropped, not copied). */
static uint64_t file_size(struct rn_capture_reader *r)
{
	struct stat st;
	if (r->fd_is_stdin && r->in0.piped) {
		while (!r->in0.eof) {
			ssize_t k = read(STDIN_FILENO, r->in0.buf, STDIN_CHUNK);
			if (k < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
				struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
				if (errno != EINTR)
					poll(&pfd, 1, -1);
				continue;
			}
			if (k <= 0)
				r->in0.eof = 1;
			else
				r->in0.len += (uint64_t)k;
		}
		return r->in0.len;
	}
	return fstat(r->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Start reading at file offset off. */
static void seek_to(struct rn_capture_reader *r, uint64_t off)
{
	if (off >= r->in_off && off <= r->in_off + r->in_len) {
		r->in_pos = (size_t)(off - r->in_off);
		return;
	}
	r->in_off = off;
	r->in_len = r->in_pos = 0;
}

/* More bytes after the buffered ones: how many (0 at the end, or on a read
 * error, which ends the file like EOF would). */
static size_t fill(struct rn_capture_reader *r)
{
	if (r->in_pos) {
		memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
		r->in_off += r->in_pos;
		r->in_len -= r->in_pos;
		r->in_pos = 0;
	}
	if (r->fd_is_stdin)
		stdin_pump(r, r->in_off + r->in_len);
	for (;;) {
		ssize_t k = pread(r->fd, r->in + r->in_len, IN_CAP - r->in_len,
				  (off_t)(r->in_off + r->in_len));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return 0;
		r->in_len += (size_t)k;
		return (size_t)k;
	}
}

static uint64_t in_at(const struct rn_capture_reader *r)
{
	return r->in_off + r->in_pos;
}

/* Move to the first frame magic at or after `from` that begins before
 * `limit`: 1 when there is one (the position is at it), 0 when there is
 * none (the position is then at the end of the file or past `limit`). */
static int find_magic(struct rn_capture_reader *r, uint64_t from, uint64_t limit)
{
	seek_to(r, from);
	for (;;) {
		while (r->in_len - r->in_pos >= 4 && in_at(r) < limit) {
			unsigned char *p = memchr(r->in + r->in_pos, zstd_magic[0],
						  r->in_len - r->in_pos - 3);
			if (!p) {
				r->in_pos = r->in_len - 3;
				break;
			}
			r->in_pos = (size_t)(p - r->in);
			if (in_at(r) >= limit)
				return 0;
			if (memcmp(p, zstd_magic, 4) == 0)
				return 1;
			r->in_pos++;
		}
		if (in_at(r) >= limit)
			return 0;
		if (!fill(r)) {
			r->in_pos = r->in_len;
			return 0;
		}
	}
}

/* The offset of the next frame magic at or after `from`, or the end. */
static uint64_t scan_magic(struct rn_capture_reader *r, uint64_t from)
{
	find_magic(r, from, UINT64_MAX);
	return in_at(r);
}

/* Is the current position at a frame magic? */
static int at_magic(const struct rn_capture_reader *r)
{
	return r->in_len - r->in_pos >= 4 && memcmp(r->in + r->in_pos, zstd_magic, 4) == 0;
}

/* A skippable frame's magic (RFC 8878 3.1.2: 0x184D2A50..5F, little
 * endian): a frame whose bytes readers skip. renacer writes none. */
static int is_skippable(const unsigned char *p)
{
	return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18;
}

/* Does the file at the current position begin as a frame does (its magic,
 * or the start of the zstd magic where the file ends)? */
static int looks_like_frame(struct rn_capture_reader *r)
{
	while (r->in_len - r->in_pos < 4 && fill(r))
		;
	size_t n = r->in_len - r->in_pos;
	const unsigned char *p = r->in + r->in_pos;
	if (n >= 4)
		return memcmp(p, zstd_magic, 4) == 0 || is_skippable(p);
	return n && memcmp(p, zstd_magic, n) == 0;
}

enum { FR_OK, FR_END, FR_DAMAGED, FR_SKIP };

static const char too_large[] = "frame too large";

/* Decode the frame at the current position into r->frame (FR_OK), or step
 * over a skippable frame (FR_SKIP). A frame inflating past `limit` bytes
 * is damage. On damage, *why says what (static text or whybuf). */
static int decode_frame(struct rn_capture_reader *r, size_t limit, const char **why,
			char *whybuf, size_t whylen)
{
	while (r->in_len - r->in_pos < 8 && fill(r))
		;
	size_t avail = r->in_len - r->in_pos;
	r->frame_off = in_at(r);
	r->frame_len = 0;
	if (avail == 0)
		return FR_END;
	if (avail >= 4 && is_skippable(r->in + r->in_pos)) {
		/* Its size, then that many bytes: the last of them must be
		 * there (the frames after it are read without reading it). */
		uint64_t end = r->frame_off + 8;
		if (avail >= 8)
			end += (uint32_t)(r->in[r->in_pos + 4] | r->in[r->in_pos + 5] << 8 |
					  r->in[r->in_pos + 6] << 16 |
					  (uint32_t)r->in[r->in_pos + 7] << 24);
		seek_to(r, end - 1);
		if (avail < 8 || (r->in_len == r->in_pos && !fill(r))) {
			*why = "truncated frame";
			return FR_DAMAGED;
		}
		seek_to(r, end);
		return FR_SKIP;
	}
	if (avail < 4 || memcmp(r->in + r->in_pos, zstd_magic, 4) != 0) {
		*why = avail < 4 && memcmp(r->in + r->in_pos, zstd_magic, avail) == 0
			       ? "truncated frame"
			       : "bytes that are not a zstd frame";
		return FR_DAMAGED;
	}
	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	for (;;) {
		if (r->in_pos == r->in_len && !fill(r)) {
			*why = "truncated frame";
			return FR_DAMAGED;
		}
		size_t room = ZSTD_DStreamOutSize();
		if (r->frame_cap - r->frame_len < room) {
			if (r->frame_len + room > limit) {
				*why = too_large;
				return FR_DAMAGED;
			}
			r->frame_cap = r->frame_cap ? 2 * r->frame_cap : 4 * room;
			while (r->frame_cap - r->frame_len < room)
				r->frame_cap *= 2;
			r->frame = xrealloc(r->frame, r->frame_cap);
		}
		ZSTD_inBuffer ib = { r->in, r->in_len, r->in_pos };
		ZSTD_outBuffer ob = { r->frame + r->frame_len, r->frame_cap - r->frame_len, 0 };
		size_t rc = ZSTD_decompressStream(r->dctx, &ob, &ib);
		r->in_pos = ib.pos;
		r->frame_len += ob.pos;
		if (ZSTD_isError(rc)) {
			snprintf(whybuf, whylen, "corrupt frame: %s", ZSTD_getErrorName(rc));
			*why = whybuf;
			return FR_DAMAGED;
		}
		if (rc == 0)
			return FR_OK;
	}
}

static void add_damage(struct rn_capture_reader *r, const char *path, uint64_t off, uint64_t len,
		       const char *what)
{
	if (r->ndamage) {
		struct rn_capture_damage *d = &r->damage[r->ndamage - 1];
		/* A false magic inside damaged bytes: one region, not two. */
		if (d->path == path && d->length && len && d->offset + d->length == off) {
			d->length += len;
			return;
		}
	}
	if (r->ndamage == r->capdamage) {
		r->capdamage = r->capdamage ? 2 * r->capdamage : 8;
		r->damage = xrealloc(r->damage, r->capdamage * sizeof(*r->damage));
	}
	r->damage[r->ndamage++] = (struct rn_capture_damage){
		.path = path, .offset = off, .length = len, .what = keep_str(r, what, strlen(what)),
	};
}

/* ---- msgpack sanity ----------------------------------------------------- */

static uint64_t be(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

size_t rn_msgpack_sane_prefix(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	size_t pos = 0, good = 0;
	uint64_t pending = 0; /* elements still due in the open containers */

	while (pos < n) {
		unsigned t = p[pos++];
		unsigned lenbytes = 0; /* a big-endian length follows */
		uint64_t skip = 0;     /* payload bytes */
		uint64_t elems = 0;    /* elements this container holds */
		int map = 0;

		if (t <= 0x7f || t >= 0xe0)
			; /* fixint */
		else if (t <= 0x8f)
			elems = t & 0x0f, map = 1;
		else if (t <= 0x9f)
			elems = t & 0x0f;
		else if (t <= 0xbf)
			skip = t & 0x1f;
		else
			switch (t) {
			case 0xc0: case 0xc2: case 0xc3: break;
			case 0xc4: case 0xd9: lenbytes = 1; break;
			case 0xc5: case 0xda: lenbytes = 2; break;
			case 0xc6: case 0xdb: lenbytes = 4; break;
			case 0xc7: lenbytes = 1; skip = 1; break; /* ext: + type */
			case 0xc8: lenbytes = 2; skip = 1; break;
			case 0xc9: lenbytes = 4; skip = 1; break;
			case 0xcc: case 0xd0: skip = 1; break;
			case 0xcd: case 0xd1: skip = 2; break;
			case 0xca: case 0xce: case 0xd2: skip = 4; break;
			case 0xcb: case 0xcf: case 0xd3: skip = 8; break;
			case 0xd4: skip = 2; break;
			case 0xd5: skip = 3; break;
			case 0xd6: skip = 5; break;
			case 0xd7: skip = 9; break;
			case 0xd8: skip = 17; break;
			case 0xdc: lenbytes = 2; elems = 1; break;
			case 0xdd: lenbytes = 4; elems = 1; break;
			case 0xde: lenbytes = 2; elems = 1; map = 1; break;
			case 0xdf: lenbytes = 4; elems = 1; map = 1; break;
			default: return good; /* 0xc1: never used */
			}
		if (lenbytes) {
			if (n - pos < lenbytes)
				return good;
			uint64_t len = be(p + pos, lenbytes);
			pos += lenbytes;
			if (elems)
				elems = len; /* array/map 16/32 */
			else
				skip += len;
		}
		if (map)
			elems *= 2;
		if (skip > n - pos)
			return good;
		pos += (size_t)skip;
		if (pending)
			pending--;
		pending += elems;
		/* Every element takes at least one byte. */
		if (pending > n - pos)
			return good;
		if (pending == 0)
			good = pos;
	}
	return good;
}

/* ---- values and events -------------------------------------------------- */

/* The nodes of "v" into ev (one block: nodes, then bytes, then the -y
 * return path). 0 when they do not make a well-formed tree. */
static int build_values(struct rn_capture_reader *r, const msgpack_object *vo,
			const msgpack_object *rp, struct rn_event *ev)
{
	uint32_t n = vo ? vo->via.array.size : 0;
	size_t nbytes = 0, len;
	const char *p;

	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *node = &vo->via.array.ptr[i];
		if (node->type != MSGPACK_OBJECT_ARRAY || node->via.array.size < 6)
			return 0;
		if (get_bytes(&node->via.array.ptr[4], &p, &len))
			nbytes += len;
	}
	if (rp && get_bytes(rp, &p, &len))
		nbytes += len;
	if (nbytes > UINT32_MAX)
		return 0;
	if (!n && !nbytes)
		return 1;

	size_t nodes = (size_t)n * sizeof(struct rn_value);
	unsigned char *block = malloc(nodes + nbytes + 1);
	if (!block)
		oom();
	struct rn_value *v = (struct rn_value *)block;
	unsigned char *bytes = block + nodes;
	uint32_t used = 0, stack[MAX_DEPTH];
	unsigned depth = 0;

	for (uint32_t i = 0; i < n; i++) {
		const msgpack_object *a = vo->via.array.ptr[i].via.array.ptr;
		struct rn_value *x = &v[i];
		uint64_t kind, flags, desc;
		memset(x, 0, sizeof(*x));
		if (!get_u64(&a[0], &kind) || !get_u64(&a[1], &flags) || !get_u64(&a[5], &desc) ||
		    desc >= (uint64_t)n - i)
			goto bad;
		/* A kind from a newer writer: shown as "?", its subtree kept. */
		x->kind = kind >= RN_V_INT && kind <= RN_V_UNKNOWN ? (uint8_t)kind : RN_V_UNKNOWN;
		x->flags = (uint16_t)flags;
		x->end = i + 1 + (uint32_t)desc;
		if (a[2].type == MSGPACK_OBJECT_STR)
			x->name = intern(r, a[2].via.str.ptr, a[2].via.str.size);
		else if (a[2].type != MSGPACK_OBJECT_NIL)
			goto bad;
		if (x->kind == RN_V_INT || x->kind == RN_V_FD) {
			if (!get_i64(&a[3], &x->i))
				goto bad;
		} else if (!get_u64(&a[3], &x->u)) {
			goto bad;
		}
		if (get_bytes(&a[4], &p, &len)) {
			memcpy(bytes + used, p, len);
			x->off = used;
			x->len = (uint32_t)len;
			used += (uint32_t)len;
		}
		/* Subtrees must nest, and not too deep for the renderers. */
		while (depth && stack[depth - 1] <= i)
			depth--;
		if (depth && x->end > stack[depth - 1])
			goto bad;
		if (x->end > i + 1) {
			if (depth == MAX_DEPTH)
				goto bad;
			stack[depth++] = x->end;
		}
		/* The text renderer reads envp's two children unchecked. */
		if ((x->flags & RN_VF_ENVP) && (x->kind != RN_V_STRUCT || desc < 2))
			x->flags &= (uint16_t)~RN_VF_ENVP;
	}
	if (rp && get_bytes(rp, &p, &len) && len) {
		memcpy(bytes + used, p, len);
		ev->ret_path_off = used;
		ev->ret_path_len = (uint32_t)len;
		used += (uint32_t)len;
	}
	ev->v = v;
	ev->nv = n;
	ev->bytes = bytes;
	ev->nbytes = used;
	return 1;
bad:
	free(block);
	return 0;
}

enum { REC_HEADER = 2 };

/* Does a number read for an int32_t field fit it? (Else it would wrap into
 * another, valid-looking one: tid 2^32 + 1000 into tid 1000.) */
static int fits_i32(int64_t i)
{
	return i >= INT32_MIN && i <= INT32_MAX;
}

/* 1: an event; REC_HEADER: a header (ev untouched); 0: a record to ignore
 * (an unknown kind); -1: a malformed record. */
static int build_event(struct rn_capture_reader *r, const msgpack_object *o, struct rn_event *ev)
{
	const msgpack_object *t, *vo = NULL, *rp = NULL;
	int kind = 0;
	int64_t i;
	uint64_t u, seq = r->prev_seq + 1, ts = r->prev_ts;
	int64_t dur = -1;

	if (o->type != MSGPACK_OBJECT_MAP || !(t = map_get(o, "t")) || t->type != MSGPACK_OBJECT_STR)
		return -1;
	if (key_is(t, "header"))
		return REC_HEADER;
	for (int k = RN_EV_ENTRY; k <= RN_EV_DETACHED; k++)
		if (key_is(t, rn_capture_kind_names[k]))
			kind = k;
	if (!kind)
		return 0;

	memset(ev, 0, sizeof(*ev));
	ev->kind = (uint16_t)kind;
	ev->nr = -1;
	int has_tgid = 0;
	for (uint32_t k = 0; k < o->via.map.size; k++) {
		const msgpack_object *key = &o->via.map.ptr[k].key, *val = &o->via.map.ptr[k].val;
		if (key->type != MSGPACK_OBJECT_STR || key->via.str.size > 4)
			continue;
		char name[5] = { 0 };
		memcpy(name, key->via.str.ptr, key->via.str.size);
		int ok = 1;
		if (!strcmp(name, "seq"))
			ok = get_u64(val, &seq);
		else if (!strcmp(name, "ds") && (ok = get_u64(val, &u)))
			seq = r->prev_seq + u;
		else if (!strcmp(name, "ts"))
			ok = get_u64(val, &ts);
		else if (!strcmp(name, "dt") && (ok = get_u64(val, &u)))
			ts = r->prev_ts + u;
		else if (!strcmp(name, "tid") && (ok = get_i64(val, &i) && fits_i32(i)))
			ev->tid = (int32_t)i;
		else if (!strcmp(name, "nt") && (ok = get_u64(val, &u)))
			ev->ntasks = (uint32_t)u;
		else if (!strcmp(name, "tg") && (ok = has_tgid = get_i64(val, &i) && fits_i32(i)))
			ev->tgid = (int32_t)i;
		else if (!strcmp(name, "dn"))
			ok = get_u64(val, &ev->duration_ns);
		else if (!strcmp(name, "nr") && (ok = get_i64(val, &i) && fits_i32(i)))
			ev->nr = (int32_t)i;
		else if (!strcmp(name, "ret"))
			ok = get_i64(val, &ev->ret);
		else if (!strcmp(name, "aux"))
			ok = get_i64(val, &ev->aux);
		else if (!strcmp(name, "err") && (ok = get_i64(val, &i)))
			ev->is_error = i != 0;
		else if (!strcmp(name, "rt") && (ok = get_u64(val, &u)))
			/* one this reader does not know: signed decimal (1.5 of
			 * CAPTURE.md), not whatever its low byte names */
			ev->ret_type = u <= UINT8_MAX ? (uint8_t)u : RN_T_LONG;
		else if (!strcmp(name, "more") && (ok = get_i64(val, &i)))
			ev->more = i != 0;
		else if (!strcmp(name, "fp") && (ok = get_i64(val, &i)))
			ev->finish_pending = i != 0;
		else if (!strcmp(name, "dur"))
			ok = get_i64(val, &dur);
		else if (!strcmp(name, "rp"))
			rp = val;
		else if (!strcmp(name, "v"))
			ok = (vo = val)->type == MSGPACK_OBJECT_ARRAY;
		if (!ok)
			return -1;
	}
	/* A failed call's return value is -errno, -4095..-1, as the kernel
	 * reports it: the sinks negate it and look the errno up, which no
	 * other value (INT64_MIN has no negation) may reach. */
	if (ev->is_error && (ev->ret < -4095 || ev->ret > -1))
		return -1;
	ev->seq = seq;
	ev->ts_ns = ts;
	if (!has_tgid)
		ev->tgid = ev->tid;
	if (kind == RN_EV_EXIT && dur >= 0)
		ev->entry_ts_ns = ts - (uint64_t)dur;
	if (!build_values(r, vo, rp, ev))
		return -1;
	r->prev_seq = seq;
	r->prev_ts = ts;
	return 1;
}

/* ---- opening: which files, in which order ------------------------------- */

static struct cfile *add_file(struct rn_capture_reader *r, const char *path, size_t group,
			      unsigned suffix)
{
	r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
	struct cfile *f = &r->files[r->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = keep_str(r, path, strlen(path));
	f->group = group;
	f->suffix = suffix;
	f->rank = r->nfiles++;
	return f;
}

static int cmp_suffix_desc(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* PATH.N siblings of path, oldest (highest N) first, then path. */
static void expand(struct rn_capture_reader *r, const char *path, size_t group)
{
	char *d1 = strdup(path), *b1 = strdup(path);
	if (!d1 || !b1)
		oom();
	const char *dir = dirname(d1), *base = basename(b1);
	size_t blen = strlen(base);
	unsigned *sfx = NULL;
	size_t n = 0, cap = 0;
	DIR *dp = opendir(dir);
	struct dirent *de;
	while (dp && (de = readdir(dp))) {
		const char *s = de->d_name;
		if (strncmp(s, base, blen) != 0 || s[blen] != '.' || !s[blen + 1])
			continue;
		char *end;
		errno = 0;
		unsigned long k = strtoul(s + blen + 1, &end, 10);
		if (*end || errno || k == 0 || k > 1000000 || s[blen + 1] == '0')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			sfx = xrealloc(sfx, cap * sizeof(*sfx));
		}
		sfx[n++] = (unsigned)k;
	}
	if (dp)
		closedir(dp);
	if (n)
		qsort(sfx, n, sizeof(*sfx), cmp_suffix_desc);
	for (size_t i = 0; i < n; i++) {
		char *p;
		if (asprintf(&p, "%s.%u", path, sfx[i]) < 0)
			oom();
		add_file(r, p, group, sfx[i]);
		free(p);
	}
	add_file(r, path, group, 0);
	free(sfx);
	free(d1);
	free(b1);
}

static void set_problem(struct rn_capture_reader *r, struct cfile *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_problem(struct rn_capture_reader *r, struct cfile *f, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	f->problem = keep_str(r, buf, strlen(buf));
}

/* Does the frame just decoded hold records: its first msgpack object a
 * map with a str "t" (a header or a format-1 event, of any kind), or an
 * array that begins with a uint (a format-2 record)? */
static int frame_has_records(struct rn_capture_reader *r)
{
	size_t off = 0, sane = rn_msgpack_sane_prefix(r->frame, r->frame_len);
	const msgpack_object *t;
	if (!sane)
		return 0;
	msgpack_unpack_return ur =
		msgpack_unpack_next(&r->up, (const char *)r->frame, sane, &off);
	if (ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES)
		return 0;
	if (r->up.data.type == MSGPACK_OBJECT_ARRAY)
		return r->up.data.via.array.size >= 2 &&
		       r->up.data.via.array.ptr[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER;
	return r->up.data.type == MSGPACK_OBJECT_MAP && (t = map_get(&r->up.data, "t")) &&
	       t->type == MSGPACK_OBJECT_STR;
}

/* Is there an intact frame of records beginning at or after `from` and
 * before PROBE_WINDOW? */
static int intact_frame_follows(struct rn_capture_reader *r, uint64_t from)
{
	const char *why;
	char whybuf[128];
	while (find_magic(r, from, PROBE_WINDOW)) {
		from = in_at(r) + 1;
		if (decode_frame(r, FRAME_LIMIT, &why, whybuf, sizeof(whybuf)) == FR_OK &&
		    frame_has_records(r))
			return 1;
		seek_to(r, from);
	}
	return 0;
}

/* Standard input as a file the reader can go back in: a regular file is
 * read in place; a pipe (or socket) is copied as it is read (stdin_pump).
 * Anything else, a terminal or a device such as /dev/zero, is refused
 * unread. The descriptor, or -1 with f's problem set. */
static int stdin_open(struct rn_capture_reader *r, struct cfile *f)
{
	struct stdin_copy *c = &r->in0;
	struct stat st;
	if (fstat(STDIN_FILENO, &st) < 0) {
		set_problem(r, f, "%s", strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		c->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	} else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
		c->buf = malloc(STDIN_CHUNK);
		if (!c->buf)
			oom();
		c->fd = memfd_create("renacer-stdin", MFD_CLOEXEC);
		c->piped = 1;
	} else {
		set_problem(r, f, "not a regular file or a pipe");
		return -1;
	}
	if (c->fd < 0)
		set_problem(r, f, "%s", strerror(errno));
	return c->fd;
}

/* Read f's first frame: its header, or why f cannot be used. Nothing but a
 * regular file is read (a pipe or a device may never end, and the reader
 * goes back in the file after damage), and a file is refused as soon as it
 * cannot be a capture: within its first PROBE_WINDOW bytes. Standard
 * input may be a pipe (stdin_open), and the same limits hold for it. */
static void probe(struct rn_capture_reader *r, struct cfile *f)
{
	struct stat st;
	r->fd_is_stdin = f->is_stdin;
	if (f->is_stdin) {
		r->fd = stdin_open(r, f);
		if (r->fd < 0)
			return;
	} else {
		/* O_NONBLOCK: opening a FIFO without a writer does not wait
		 * for one. */
		r->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (r->fd < 0) {
			set_problem(r, f, "%s", strerror(errno));
			return;
		}
	}
	if (fstat(r->fd, &st) < 0) {
		set_problem(r, f, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		set_problem(r, f, "is a directory");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		set_problem(r, f, "not a regular file");
		goto out;
	}
	r->in_off = 0;
	r->in_len = r->in_pos = 0;
	const char *why;
	char whybuf[128];
	int starts_as_frame, fr;
	/* Skippable frames before the header are stepped over. */
	do {
		if (in_at(r) >= PROBE_WINDOW) {
			set_problem(r, f, "not a renacer capture (no header)");
			goto out;
		}
		starts_as_frame = looks_like_frame(r);
		fr = decode_frame(r, HEADER_LIMIT, &why, whybuf, sizeof(whybuf));
	} while (fr == FR_SKIP);
	if (fr == FR_END) {
		set_problem(r, f, r->frame_off ? "not a renacer capture (no header)" : "empty file");
		goto out;
	}
	if (fr == FR_DAMAGED && why == too_large) {
		set_problem(r, f, "not a renacer capture (its first frame is not a header)");
		goto out;
	}
	if (fr == FR_DAMAGED) {
		/* Damaged from its first frame: a capture if an intact frame of
		 * records follows soon (the header itself when only what came
		 * before it was damaged). If none does, a file that began as a
		 * frame is a capture cut short or damaged there, whose later
		 * frames are still read, if there are any; another file is not a
		 * capture. */
		uint64_t start = r->frame_off;
		if (!intact_frame_follows(r, start + 1)) {
			if (!starts_as_frame) {
				set_problem(r, f, "not a renacer capture (no zstd frame)");
				goto out;
			}
			uint64_t next = scan_magic(r, start + 1);
			if (!at_magic(r))
				set_problem(r, f,
					    "nothing readable: skipped bytes %" PRIu64 "-%" PRIu64 " (%s)",
					    start, next - 1, why);
			goto out;
		}
	}
	size_t off = 0;
	msgpack_unpack_return ur = msgpack_unpack_next(
		&r->up, (const char *)r->frame, rn_msgpack_sane_prefix(r->frame, r->frame_len),
		&off);
	if ((ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES) ||
	    !parse_header(r, &r->up.data, &f->hdr)) {
		if (fr != FR_DAMAGED) /* else: events, their header lost */
			set_problem(r, f, "not a renacer capture");
		goto out;
	}
	if (f->hdr.format > RN_CAPTURE_FORMAT) {
		set_problem(r, f, "capture format %" PRIu32 " is newer than this reader (%d)",
			    f->hdr.format, RN_CAPTURE_FORMAT);
		goto out;
	}
	f->has_header = 1;
out:
	/* stdin's copy is kept: it cannot be opened again */
	if (!r->fd_is_stdin)
		close(r->fd);
	r->fd = -1;
	r->fd_is_stdin = 0;
}

static int cmp_files(const void *a, const void *b)
{
	const struct cfile *x = a, *y = b;
	if (x->run_order != y->run_order)
		return x->run_order < y->run_order ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static void order_files(struct rn_capture_reader *r)
{
	/* Same file named twice (or found twice): keep the first. */
	for (size_t i = 0; i < r->nfiles; i++) {
		struct stat si, sj;
		if (r->files[i].stale || stat(r->files[i].path, &si) < 0)
			continue;
		for (size_t j = i + 1; j < r->nfiles; j++)
			if (!r->files[j].stale && stat(r->files[j].path, &sj) == 0 &&
			    si.st_dev == sj.st_dev && si.st_ino == sj.st_ino)
				r->files[j].stale = 1;
	}
	/* A run is ordered by its first appearance; a file without a header
	 * belongs to its group head's run, N parts before it (rotation), or
	 * when the head has none either, to its group. */
	uint64_t next_order = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		struct cfile *f = &r->files[i], *head = NULL;
		if (f->stale)
			continue;
		for (size_t j = i; j < r->nfiles && !head; j++)
			if (r->files[j].group == f->group && r->files[j].suffix == 0)
				head = &r->files[j];
		int head_known = head && head->has_header;
		if (f->has_header && head_known && f->suffix && f->hdr.run_id != head->hdr.run_id) {
			f->stale = 1; /* left over from an earlier run */
			continue;
		}
		if (f->has_header || head_known) {
			f->keyk = 1;
			f->keyv = f->has_header ? f->hdr.run_id : head->hdr.run_id;
		} else {
			f->keyk = 2;
			f->keyv = f->group;
		}
		f->run_order = UINT64_MAX;
		for (size_t j = 0; j < i && f->run_order == UINT64_MAX; j++) {
			const struct cfile *g = &r->files[j];
			if (!g->stale && g->keyk == f->keyk && g->keyv == f->keyv)
				f->run_order = g->run_order;
		}
		if (f->run_order == UINT64_MAX)
			f->run_order = next_order++;
		f->part = f->has_header ? (int64_t)f->hdr.part
			  : head_known  ? (int64_t)head->hdr.part - (int64_t)f->suffix
					: -(int64_t)f->suffix;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->nfiles; i++)
		if (!r->files[i].stale)
			r->files[k++] = r->files[i];
	r->nfiles = k;
	qsort(r->files, r->nfiles, sizeof(*r->files), cmp_files);
}

struct rn_capture_reader *rn_capture_reader_open(const char *const *paths, size_t npaths,
						 unsigned flags)
{
	struct rn_capture_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd = -1;
	r->in0.fd = -1;
	r->in = malloc(IN_CAP);
	r->dctx = ZSTD_createDCtx();
	if (!r->in || !r->dctx)
		oom();
	msgpack_unpacked_init(&r->up);

	int have_stdin = 0;
	for (size_t i = 0; i < npaths; i++) {
		if ((flags & RN_CAPTURE_STDIN) &&
		    (strcmp(paths[i], "-") == 0 || strcmp(paths[i], "/dev/stdin") == 0)) {
			/* Read once, and without rotated siblings: named again,
			 * it is the same input, as a file named twice is. */
			if (!have_stdin)
				add_file(r, paths[i], i, 0)->is_stdin = 1;
			have_stdin = 1;
		} else if (flags & RN_CAPTURE_ROTATED)
			expand(r, paths[i], i);
		else
			add_file(r, paths[i], i, 0);
	}
	for (size_t i = 0; i < r->nfiles; i++)
		probe(r, &r->files[i]);
	order_files(r);
	for (size_t i = 0; i < r->nfiles && !r->header; i++)
		if (r->files[i].has_header)
			r->header = &r->files[i].hdr;
	return r;
}

const struct rn_capture_header *rn_capture_reader_header(const struct rn_capture_reader *r)
{
	return r->header;
}

/* ---- reading ------------------------------------------------------------ */

static void damage_here(struct rn_capture_reader *r, const char *why)
{
	const char *path = r->files[r->cur].path;
	uint64_t start = r->frame_off;
	uint64_t next = scan_magic(r, start + 1);
	add_damage(r, path, start, next - start, why);
	seek_to(r, next);
}

/* Records of an intact frame that do not decode (a writer's bug, or not
 * renacer's): reported at the frame, whose compressed bytes were read. */
static void bad_records(struct rn_capture_reader *r, size_t at, int rest)
{
	char buf[200];
	if (rest) /* msgpack itself broken: no way to the next record */
		snprintf(buf, sizeof(buf),
			 "skipped the records from byte %zu of %zu of the frame at byte %" PRIu64
			 " (undecodable msgpack)",
			 at, r->frame_len, r->frame_off);
	else
		snprintf(buf, sizeof(buf),
			 "skipped a malformed record at byte %zu of the frame at byte %" PRIu64, at,
			 r->frame_off);
	add_damage(r, r->files[r->cur].path, r->frame_off, 0, buf);
	if (rest)
		r->frame_loaded = 0;
}

/* A header record while reading a file. Its own (the first, when the
 * file has one) and the next part of its run (rotated parts joined in
 * their order: the run goes on) are read through; any other begins a
 * capture joined to this one (cat a b > ab): its events would be shown as
 * if they went on the first run, whose sequence they restart, so the file
 * is read no further and the rest is reported. */
static void header_record(struct rn_capture_reader *r, const msgpack_object *o)
{
	const struct cfile *f = &r->files[r->cur];
	const msgpack_object *x;
	uint64_t run, part;
	if (++r->file_headers == 1 && f->has_header)
		return;
	if (f->has_header && (x = map_get(o, "run")) && get_u64(x, &run) &&
	    run == f->hdr.run_id && (x = map_get(o, "part")) && get_u64(x, &part) &&
	    part == (uint64_t)r->file_part + 1) {
		r->file_part = (uint32_t)part;
		return;
	}
	uint64_t size = file_size(r);
	uint64_t end = size > r->frame_off ? size : r->frame_off + 1;
	add_damage(r, f->path, r->frame_off, end - r->frame_off,
		   "another capture, appended to this one: split the file there to dump it");
	r->frame_loaded = 0;
	close(r->fd);
	r->fd = -1;
	r->cur++;
}

static void v2_begin(struct rn_capture_reader *r);
static int v2_active(const struct rn_capture_reader *r);
static int v2_next(struct rn_capture_reader *r, struct rn_event *ev);

int rn_capture_next(struct rn_capture_reader *r, struct rn_event *ev)
{
	while (!r->done) {
		if (r->fd >= 0 && v2_active(r)) {
			if (v2_next(r, ev)) {
				r->events++;
				return 1;
			}
			continue;
		}
		if (r->frame_loaded) {
			if (r->frame_pos >= r->frame_len) {
				r->frame_loaded = 0;
				continue;
			}
			size_t at = r->frame_pos;
			/* msgpack-c allocates a container's elements before it reads
			 * them: only a sane prefix (rn_msgpack_sane_prefix) is given
			 * to it, so that a count of 2^32 in five damaged bytes asks
			 * for no more memory than the frame's size. */
			if (at >= r->frame_sane) {
				bad_records(r, at, 1);
				continue;
			}
			msgpack_unpack_return ur = msgpack_unpack_next(
				&r->up, (const char *)r->frame, r->frame_sane, &r->frame_pos);
			if (ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES) {
				bad_records(r, at, 1);
				continue;
			}
			int got = build_event(r, &r->up.data, ev);
			if (got == REC_HEADER) {
				header_record(r, &r->up.data);
				continue;
			}
			if (got > 0) {
				r->events++;
				return 1;
			}
			if (got < 0)
				bad_records(r, at, 0);
			continue;
		}
		if (r->fd < 0) {
			/* Next usable file. */
			while (r->cur < r->nfiles && r->files[r->cur].problem) {
				const struct cfile *f = &r->files[r->cur];
				char buf[300];
				snprintf(buf, sizeof(buf), "not read: %s", f->problem);
				add_damage(r, f->path, 0, 0, buf);
				r->cur++;
			}
			if (r->cur >= r->nfiles) {
				r->done = 1;
				break;
			}
			/* As probe opened it (it may have been replaced since);
			 * standard input is what probe kept of it, read from
			 * its start again. */
			struct stat st;
			r->fd_is_stdin = r->files[r->cur].is_stdin;
			if (r->fd_is_stdin) {
				r->fd = fcntl(r->in0.fd, F_DUPFD_CLOEXEC, 0);
				r->in0.reading = 1;
				r->frame_off = 0;
			} else
				r->fd = open(r->files[r->cur].path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
			if (r->fd < 0 || fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
				char buf[300];
				snprintf(buf, sizeof(buf), "not read: %s",
					 r->fd < 0 ? strerror(errno) : "not a regular file");
				add_damage(r, r->files[r->cur].path, 0, 0, buf);
				if (r->fd >= 0)
					close(r->fd);
				r->fd = -1;
				r->cur++;
				continue;
			}
			r->in_off = 0;
			r->in_len = r->in_pos = 0;
			r->file_headers = 0;
			r->file_part = r->files[r->cur].hdr.part;
			v2_begin(r);
			continue;
		}
		const char *why;
		char whybuf[128];
		switch (decode_frame(r, FRAME_LIMIT, &why, whybuf, sizeof(whybuf))) {
		case FR_SKIP:
			break;
		case FR_OK:
			r->frame_loaded = 1;
			r->frame_pos = 0;
			r->frame_sane = rn_msgpack_sane_prefix(r->frame, r->frame_len);
			r->prev_seq = r->prev_ts = 0;
			break;
		case FR_END:
			close(r->fd);
			r->fd = -1;
			r->cur++;
			break;
		default:
			damage_here(r, why);
			break;
		}
	}
	return 0;
}

/* ---- format 2 -------------------------------------------------------------
 *
 * A frame is read block by block (RFC 8878 3.1.1.2), each fed whole to
 * the decompressor, so the file offset where every block's output began is
 * known. Decompressed records wait until a check record's CRC covers them
 * (or the frame ends with its content checksum verified): what damage
 * turned into other bytes is never shown. On damage the unchecked bytes
 * are dropped and reading goes on at the next frame magic; the skipped
 * region begins at the block holding the first byte not shown (the frame's
 * start when nothing of it was). Records that are maps are format 1's,
 * read by the format-1 path (a file whose header was lost may be either).
 */

struct rd2_mark {
	size_t end;   /* the block's output ends here in out */
	uint64_t off; /* the block's offset in the file */
};

/* Owned by the reader's thread, as the reader. */
struct rd2 {
	int active;         /* the file being read is read this way */
	int in_frame;       /* a frame's header was read, blocks follow */
	int frame_done;     /* its last block (and checksum) were read */
	int checksum;       /* the frame has a content checksum */
	uint64_t pos;       /* file offset of the next block or frame */
	uint64_t frame_off, first_block;
	unsigned char *out; /* decompressed, from out_base of the frame */
	size_t out_len, out_cap;
	uint64_t out_base;
	/* [dec, ready) checked records to hand out; [ready, skip) the check
	 * record after them; [chunk, out_len) not checked yet, of which
	 * [chunk, scan) are whole records without a check record. */
	size_t dec, ready, skip, chunk, scan;
	uint64_t records;   /* in [chunk, scan) */
	struct rd2_mark *marks;
	size_t nmarks, capmarks;
	struct rn_c2_state st;
};

static const char *v2_intern(void *ctx, const char *p, size_t n)
{
	return intern(ctx, p, n);
}

static void v2_clear_frame(struct rd2 *d)
{
	d->in_frame = d->frame_done = 0;
	d->out_len = d->dec = d->ready = d->skip = d->chunk = d->scan = 0;
	d->out_base = 0;
	d->records = 0;
	d->nmarks = 0;
}

static void v2_begin(struct rn_capture_reader *r)
{
	if (!r->v2 && !(r->v2 = calloc(1, sizeof(*r->v2))))
		oom();
	struct rd2 *d = r->v2;
	v2_clear_frame(d);
	d->pos = 0;
	/* Format 1 keeps its own reader; a file without a header may be
	 * either, and this one reads both. */
	d->active = r->files[r->cur].hdr.format != 1;
}

static int v2_active(const struct rn_capture_reader *r)
{
	return r->v2 && r->v2->active;
}

static void v2_end_file(struct rn_capture_reader *r)
{
	close(r->fd);
	r->fd = -1;
	r->cur++;
}

/* Where the bytes not shown begin: the block holding the first unchecked
 * byte, or the block about to be read when there is none. */
static uint64_t v2_lost_at(const struct rd2 *d)
{
	uint64_t off = d->pos;
	if (d->chunk < d->out_len)
		for (size_t i = 0; i < d->nmarks; i++)
			if (d->marks[i].end > d->chunk) {
				off = d->marks[i].off;
				break;
			}
	return off <= d->first_block ? d->frame_off : off;
}

/* Skip from what was lost to the next frame magic; report it. */
static void v2_damage(struct rn_capture_reader *r, uint64_t start, const char *why)
{
	struct rd2 *d = r->v2;
	uint64_t next = scan_magic(r, start + 1);
	add_damage(r, r->files[r->cur].path, start, next - start, why);
	v2_clear_frame(d);
	d->pos = next;
}

static int is_check(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size >= 2 &&
	       o->via.array.ptr[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	       o->via.array.ptr[0].via.u64 == 0;
}

/* Check what was decompressed: 1 when records are ready to hand out. */
static int v2_verify(struct rn_capture_reader *r)
{
	struct rd2 *d = r->v2;
	while (d->scan < d->out_len) {
		size_t sane = rn_msgpack_sane_prefix(d->out + d->scan, d->out_len - d->scan);
		if (!sane)
			break;
		size_t end = d->scan + sane, at = d->scan;
		while (at < end) {
			size_t off = at;
			msgpack_unpack_return ur =
				msgpack_unpack_next(&r->up, (const char *)d->out, end, &off);
			if (ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES) {
				v2_damage(r, v2_lost_at(d), "undecodable msgpack");
				return 0;
			}
			const msgpack_object *o = &r->up.data;
			if (is_check(o)) {
				uint32_t crc = rn_c2_crc32(0, d->out + d->chunk, at - d->chunk);
				const msgpack_object *c = o->via.array.ptr;
				if (o->via.array.size < 3 || c[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
				    c[1].via.u64 != crc || c[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
				    c[2].via.u64 != d->records) {
					v2_damage(r, v2_lost_at(d), "corrupt frame: check record mismatch");
					return 0;
				}
				d->dec = d->chunk;
				d->ready = at;
				d->skip = d->chunk = d->scan = off;
				d->records = 0;
				return d->dec < d->ready;
			}
			d->records++;
			at = off;
		}
		d->scan = end;
	}
	if (d->frame_done && d->chunk < d->out_len) {
		/* The frame's checksum covers what no check record did. */
		if (d->scan < d->out_len) {
			char buf[200];
			snprintf(buf, sizeof(buf),
				 "skipped the records from byte %" PRIu64 " of the frame at byte %" PRIu64
				 " (undecodable msgpack)",
				 d->out_base + d->scan, d->frame_off);
			add_damage(r, r->files[r->cur].path, d->frame_off, 0, buf);
			d->out_len = d->scan;
		}
		d->dec = d->chunk;
		d->ready = d->skip = d->chunk = d->scan;
		return d->dec < d->ready;
	}
	return 0;
}

/* Start the frame at d->pos: 1 when there is one (or a skippable frame or
 * damage was stepped over), 0 at the end of the file. */
static int v2_frame(struct rn_capture_reader *r)
{
	struct rd2 *d = r->v2;
	/* Nothing before this frame is read again (a copy of stdin frees it). */
	r->frame_off = d->pos;
	seek_to(r, d->pos);
	while (r->in_len - r->in_pos < 18 && fill(r))
		;
	size_t avail = r->in_len - r->in_pos;
	const unsigned char *p = r->in + r->in_pos;
	v2_clear_frame(d);
	d->frame_off = d->first_block = d->pos;
	if (!avail)
		return 0;
	if (avail >= 8 && is_skippable(p)) {
		uint64_t end = d->pos + 8 +
			       (uint32_t)(p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24);
		seek_to(r, end - 1);
		if (r->in_len == r->in_pos && !fill(r)) {
			v2_damage(r, d->pos, "truncated frame");
			return 1;
		}
		d->pos = end;
		return 1;
	}
	if (avail < 4 || memcmp(p, zstd_magic, 4) != 0) {
		v2_damage(r, d->pos,
			  avail < 8 && memcmp(p, zstd_magic, avail < 4 ? avail : 4) == 0
				  ? "truncated frame"
				  : "bytes that are not a zstd frame");
		return 1;
	}
	/* The frame header (RFC 8878 3.1.1.1): its size, and the checksum
	 * flag, which says whether 4 bytes follow the last block. */
	unsigned fhd = avail > 4 ? p[4] : 0;
	static const unsigned did[4] = { 0, 1, 2, 4 }, fcs[4] = { 0, 2, 4, 8 };
	unsigned single = (fhd >> 5) & 1;
	size_t hsize = 5 + !single + did[fhd & 3] + (fhd >> 6 ? fcs[fhd >> 6] : single);
	if (avail < hsize) {
		v2_damage(r, d->pos, "truncated frame");
		return 1;
	}
	if (fhd & 0x08) {
		v2_damage(r, d->pos, "corrupt frame: reserved bit set");
		return 1;
	}
	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	ZSTD_inBuffer ib = { p, hsize, 0 };
	ZSTD_outBuffer ob = { NULL, 0, 0 };
	size_t rc = ZSTD_decompressStream(r->dctx, &ob, &ib);
	if (ZSTD_isError(rc) || ib.pos != hsize) {
		v2_damage(r, d->pos, "corrupt frame: bad frame header");
		return 1;
	}
	d->checksum = (fhd >> 2) & 1;
	d->in_frame = 1;
	d->pos += hsize;
	d->first_block = d->pos;
	r->frame_off = d->frame_off;
	r->prev_seq = r->prev_ts = 0;
	rn_c2_reset(&d->st);
	return 1;
}

/* Drop what was handed out, so out holds no more than a chunk. */
static void v2_compact(struct rd2 *d)
{
	size_t k = d->chunk;
	if (!k || d->dec < d->ready)
		return;
	memmove(d->out, d->out + k, d->out_len - k);
	d->out_len -= k;
	d->scan -= k;
	d->out_base += k;
	d->dec = d->ready = d->skip = d->chunk = 0;
	size_t j = 0;
	for (size_t i = 0; i < d->nmarks; i++)
		if (d->marks[i].end > k) {
			d->marks[j] = d->marks[i];
			d->marks[j++].end -= k;
		}
	d->nmarks = j;
}

/* Decompress the next block: 1 when something was done, 0 at the end. */
static int v2_feed(struct rn_capture_reader *r)
{
	struct rd2 *d = r->v2;
	if (!d->in_frame)
		return v2_frame(r);
	seek_to(r, d->pos);
	while (r->in_len - r->in_pos < 3 && fill(r))
		;
	size_t avail = r->in_len - r->in_pos;
	if (!avail && d->chunk == d->out_len)
		return 0; /* cut where a flush ended: nothing is lost */
	if (avail < 3) {
		v2_damage(r, v2_lost_at(d), "truncated frame");
		return 1;
	}
	const unsigned char *p = r->in + r->in_pos;
	uint32_t bh = p[0] | p[1] << 8 | (uint32_t)p[2] << 16;
	unsigned last = bh & 1, type = (bh >> 1) & 3;
	size_t bsize = bh >> 3, csize = type == 1 ? 1 : bsize;
	if (type == 3 || bsize > ZSTD_BLOCKSIZE_MAX) {
		v2_damage(r, v2_lost_at(d), "corrupt frame: bad block header");
		return 1;
	}
	size_t need = 3 + csize + (last && d->checksum ? 4 : 0);
	while (r->in_len - r->in_pos < need && fill(r))
		;
	if (r->in_len - r->in_pos < need) {
		v2_damage(r, v2_lost_at(d), "truncated frame");
		return 1;
	}
	v2_compact(d);
	if (d->out_len - d->chunk > FRAME_LIMIT) {
		v2_damage(r, v2_lost_at(d), too_large);
		return 1;
	}
	ZSTD_inBuffer ib = { r->in + r->in_pos, need, 0 };
	size_t rc;
	do {
		if (d->out_cap - d->out_len < ZSTD_BLOCKSIZE_MAX) {
			d->out_cap = d->out_cap ? 2 * d->out_cap : 4 * ZSTD_BLOCKSIZE_MAX;
			d->out = xrealloc(d->out, d->out_cap);
		}
		ZSTD_outBuffer ob = { d->out + d->out_len, d->out_cap - d->out_len, 0 };
		rc = ZSTD_decompressStream(r->dctx, &ob, &ib);
		if (ZSTD_isError(rc)) {
			char buf[128];
			snprintf(buf, sizeof(buf), "corrupt frame: %s", ZSTD_getErrorName(rc));
			v2_damage(r, v2_lost_at(d), buf);
			return 1;
		}
		d->out_len += ob.pos;
		if (ob.pos == ob.size)
			continue; /* output may be pending */
	} while (ib.pos < ib.size);
	if (d->nmarks == d->capmarks) {
		d->capmarks = d->capmarks ? 2 * d->capmarks : 64;
		d->marks = xrealloc(d->marks, d->capmarks * sizeof(*d->marks));
	}
	d->marks[d->nmarks++] = (struct rd2_mark){ .end = d->out_len, .off = d->pos };
	if (last && rc != 0) {
		v2_damage(r, v2_lost_at(d), "corrupt frame: it does not end");
		return 1;
	}
	d->pos += need;
	if (last) {
		d->frame_done = 1;
		d->in_frame = 0;
	}
	return 1;
}

/* The next checked record of the frame: 1 an event, 0 none (yet). */
static int v2_record(struct rn_capture_reader *r, struct rn_event *ev)
{
	struct rd2 *d = r->v2;
	size_t at = d->dec, off = at;
	msgpack_unpack_return ur =
		msgpack_unpack_next(&r->up, (const char *)d->out, d->ready, &off);
	d->dec = off;
	if (d->dec >= d->ready)
		d->dec = d->ready = d->skip;
	if (ur != MSGPACK_UNPACK_SUCCESS && ur != MSGPACK_UNPACK_EXTRA_BYTES) {
		d->dec = d->ready = d->skip;
		return 0;
	}
	const msgpack_object *o = &r->up.data;
	int got;
	if (o->type == MSGPACK_OBJECT_ARRAY) {
		got = rn_c2_decode(&d->st, o, ev, v2_intern, r);
	} else {
		got = build_event(r, o, ev);
		if (got == REC_HEADER) {
			header_record(r, o);
			return 0;
		}
	}
	if (got < 0) {
		char buf[200];
		snprintf(buf, sizeof(buf),
			 "skipped a malformed record at byte %" PRIu64 " of the frame at byte %" PRIu64,
			 d->out_base + at, d->frame_off);
		add_damage(r, r->files[r->cur].path, d->frame_off, 0, buf);
	}
	return got > 0;
}

static int v2_next(struct rn_capture_reader *r, struct rn_event *ev)
{
	struct rd2 *d = r->v2;
	while (r->fd >= 0) {
		if (d->dec < d->ready) {
			if (v2_record(r, ev))
				return 1;
			continue;
		}
		if (v2_verify(r))
			continue;
		if (d->frame_done && d->chunk == d->out_len)
			d->frame_done = 0; /* the next frame begins at d->pos */
		if (!v2_feed(r)) {
			v2_end_file(r);
			return 0;
		}
	}
	return 0;
}

enum rn_capture_status rn_capture_reader_status(const struct rn_capture_reader *r)
{
	int usable = 0;
	for (size_t i = 0; i < r->nfiles; i++)
		if (!r->files[i].problem)
			usable = 1;
	if (!usable || (r->done && !r->events && !r->header))
		return RN_CAPTURE_UNREADABLE;
	for (size_t i = 0; i < r->nfiles; i++)
		if (r->files[i].problem)
			return RN_CAPTURE_RECOVERED;
	return r->ndamage ? RN_CAPTURE_RECOVERED : RN_CAPTURE_INTACT;
}

size_t rn_capture_reader_damage(const struct rn_capture_reader *r,
				const struct rn_capture_damage **list)
{
	*list = r->damage;
	return r->ndamage;
}

void rn_capture_reader_describe(const struct rn_capture_reader *r, struct rn_sbuf *b)
{
	enum rn_capture_status st = rn_capture_reader_status(r);
	if (st == RN_CAPTURE_INTACT)
		return;
	if (st == RN_CAPTURE_UNREADABLE) {
		/* Why the first file could not be read. */
		for (size_t i = 0; i < r->nfiles; i++) {
			if (r->files[i].problem) {
				rn_sbuf_printf(b, "%s: %s", r->files[i].path, r->files[i].problem);
				return;
			}
		}
		if (r->ndamage) {
			const struct rn_capture_damage *d = &r->damage[0];
			if (d->length)
				rn_sbuf_printf(b,
					       "%s: nothing readable: skipped bytes %" PRIu64
					       "-%" PRIu64 " (%s)",
					       d->path, d->offset, d->offset + d->length - 1, d->what);
			else
				rn_sbuf_printf(b, "%s: nothing readable (%s)", d->path, d->what);
		} else if (r->nfiles) {
			rn_sbuf_printf(b, "%s: nothing readable", r->files[0].path);
		} else {
			rn_sbuf_puts(b, "no capture file");
		}
		return;
	}
	size_t shown = 0;
	for (; shown < r->ndamage && shown < DESCRIBE_MAX; shown++) {
		const struct rn_capture_damage *d = &r->damage[shown];
		if (shown)
			rn_sbuf_puts(b, "; ");
		if (d->length)
			rn_sbuf_printf(b, "%s: skipped bytes %" PRIu64 "-%" PRIu64 " (%s)", d->path,
				       d->offset, d->offset + d->length - 1, d->what);
		else
			rn_sbuf_printf(b, "%s: %s", d->path, d->what);
	}
	if (r->ndamage > shown)
		rn_sbuf_printf(b, "; and %zu more", r->ndamage - shown);
}

void rn_capture_reader_close(struct rn_capture_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->in0.fd >= 0)
		close(r->in0.fd);
	free(r->in0.buf);
	if (r->v2) {
		rn_c2_free(&r->v2->st);
		free(r->v2->out);
		free(r->v2->marks);
		free(r->v2);
	}
	msgpack_unpacked_destroy(&r->up);
	ZSTD_freeDCtx(r->dctx);
	free(r->in);
	free(r->frame);
	free(r->damage);
	for (size_t i = 0; i < r->capnames; i++)
		free(r->names[i]);
	free(r->names);
	for (size_t i = 0; i < r->narena; i++)
		free(r->arena[i]);
	free(r->arena);
	free(r->files);
	free(r);
}
