/*
 * capture_write.c - events to a capture file (format 2): positional
 * msgpack records, one zstd stream per frame, rotated by size (see
 * capture/capture.h; the schema is capture/CAPTURE.md).
 *
 * Called by the writer thread only. The msgpack of the frame in progress
 * collects in `pack` and goes to the compressor in 128 KiB steps; the
 * compressor's output is written to the file as it comes. rn_capture_flush
 * flushes the compressor (ZSTD_e_flush): what it wrote is decodable at once
 * and the frame, with its history, goes on; a frame is only ended every
 * frame_bytes of output, at rotation and at close, which makes it a point a
 * reader can start again from after damage. Check records (a CRC of the
 * msgpack since the last one) let a reader use a frame that never ended.
 */
#define _GNU_SOURCE
#include "capture/capture.h"
#include "capture/capture_kinds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>
#include <zstd.h>

#include "capture/capture_v2.h"
#include "syscalls/options_record.h"
#include "syscalls/syscalls.h"
#include "base/utf8.h"
#include "decode/value.h"

#ifndef RN_VERSION
#define RN_VERSION "unknown"
#endif

/* The numbers of value kinds, value flags and return types are written to
 * captures (capture/CAPTURE.md): they must never change; new ones are
 * added at the end. */
_Static_assert(RN_V_INT == 1 && RN_V_UINT == 2 && RN_V_HEX == 3 && RN_V_OCTAL == 4 &&
		       RN_V_PTR == 5 && RN_V_FD == 6 && RN_V_STR == 7 && RN_V_FLAGS == 8 &&
		       RN_V_NAME == 9 && RN_V_STRUCT == 10 && RN_V_ARRAY == 11 &&
		       RN_V_TEXT == 12 && RN_V_UNKNOWN == 13,
	       "value kinds are part of the capture format");
_Static_assert(RN_VF_TRUNCATED == 1 && RN_VF_PATH == 2 && RN_VF_ELLIPSIS == 4 &&
		       RN_VF_LEFTOVER == 8 && RN_VF_CHANGED == 16 && RN_VF_HEX == 32 &&
		       RN_VF_EXPR == 64 && RN_VF_ENVP == 128 && RN_VF_NAMED == 256 &&
		       RN_VF_COMMENT == 512 && RN_VF_SPACED == 1024 && RN_VF_INVERTED == 2048,
	       "value flags are part of the capture format");
_Static_assert(RN_T_HEX == 0 && RN_T_INT == 1 && RN_T_LONG == 2 && RN_T_UINT == 3 &&
		       RN_T_ULONG == 4 && RN_T_PTR == 5 && RN_T_FD == 6 && RN_T_OCTAL == 9 &&
		       RN_T_NONE == 22,
	       "return types are part of the capture format");

#define FEED_AT (128u << 10) /* compress in steps of this much */
/* zstd's level: on a kernel build 12% smaller than level 3 for about
 * 0.45 us more of the writer's CPU per event (perf/RESULTS.md); 19 would
 * be 10% smaller again for 25 times the CPU. */
#define DEFAULT_LEVEL 9
#define WINDOW_LOG 20
#define TABLE_LOG 18
/* End a frame once it wrote this much: the most a damaged byte can cost,
 * against a history and a string table that restart with every frame. */
#define DEFAULT_FRAME_BYTES (1u << 20)

/* Kinds are numbers in format 2 (CAPTURE.md 1.8.2). */
_Static_assert(RN_EV_ENTRY == 1 && RN_EV_EXIT == 2 && RN_EV_SIGNAL == 3 &&
		       RN_EV_GROUP_STOP == 4 && RN_EV_EXITED == 5 && RN_EV_KILLED == 6 &&
		       RN_EV_SUPERSEDED == 7 && RN_EV_NEW_TASK == 8 && RN_EV_ATTACHED == 9 &&
		       RN_EV_DETACHED == 10,
	       "event kinds are part of the capture format");

struct rn_capture_writer {
	char *path;
	int fd;
	struct rn_capture_info info; /* opt and argv borrowed: they outlive us */
	uint64_t run_id;
	uint32_t part;
	ZSTD_CCtx *cctx;
	unsigned char *zout;
	size_t zout_cap;
	struct rn_sbuf pack;         /* msgpack not yet compressed */
	msgpack_packer pk;
	int frame_open;              /* the frame in progress holds events */
	uint64_t frame_out;          /* its compressed bytes written so far */
	uint64_t frame_bytes;        /* end a frame past this many */
	struct rn_c2_state c2;       /* the frame's tables and delta bases */
	uint32_t chunk_crc;          /* msgpack since the last check record */
	size_t chunk_len;
	uint64_t chunk_events;
	uint64_t file_bytes;         /* written to the current file */
	int error;                   /* first error (errno value), sticky */
	struct rn_capture_stats st;
	rn_capture_live_procs_fn live_procs; /* a later part's table (NULL: none) */
	void *live_procs_arg;
};

static int pack_write(void *data, const char *buf, size_t len)
{
	rn_sbuf_put(data, buf, len);
	return 0;
}

/* ---- msgpack helpers ---------------------------------------------------- */

static void pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

/* Text that may not be UTF-8 (argv, paths): str when it is, else bin. */
static void pack_text(msgpack_packer *pk, const char *s)
{
	if (!s) {
		msgpack_pack_nil(pk);
		return;
	}
	size_t n = strlen(s);
	if (rn_utf8_valid(s, n)) {
		msgpack_pack_str(pk, n);
		msgpack_pack_str_body(pk, s, n);
	} else {
		msgpack_pack_bin(pk, n);
		msgpack_pack_bin_body(pk, s, n);
	}
}

static void pack_bool(msgpack_packer *pk, int b)
{
	if (b)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}

static void pack_strv(msgpack_packer *pk, char *const *v, int n)
{
	if (!v) {
		msgpack_pack_nil(pk);
		return;
	}
	if (n < 0)
		for (n = 0; v[n]; n++)
			;
	msgpack_pack_array(pk, (size_t)n);
	for (int i = 0; i < n; i++)
		pack_text(pk, v[i]);
}

/* ---- output ------------------------------------------------------------- */

static int write_out(struct rn_capture_writer *w, const void *p, size_t n)
{
	const char *c = p;
	while (n && !w->error) {
		ssize_t k = write(w->fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->error = k < 0 ? errno : EIO;
			break;
		}
		c += k;
		n -= (size_t)k;
		w->file_bytes += (uint64_t)k;
		w->frame_out += (uint64_t)k;
		w->st.bytes_out += (uint64_t)k;
	}
	return w->error;
}

/* Compress what is in `pack`; ZSTD_e_flush also writes out everything
 * the compressor holds, ZSTD_e_end ends the frame as well. */
static int compress(struct rn_capture_writer *w, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { w->pack.p, w->pack.len, 0 };
	for (;;) {
		ZSTD_outBuffer out = { w->zout, w->zout_cap, 0 };
		size_t r = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(r)) {
			if (!w->error)
				w->error = EIO;
			break;
		}
		if (out.pos && write_out(w, w->zout, out.pos))
			break;
		if (mode != ZSTD_e_continue ? r == 0 : in.pos == in.size)
			break;
	}
	w->st.bytes_in += w->pack.len;
	rn_sbuf_reset(&w->pack);
	return w->error;
}

/* A check record for the msgpack since the last one: [0, crc32, events]
 * (CAPTURE.md 1.8.3). It is not itself part of any CRC. */
static void pack_check(struct rn_capture_writer *w)
{
	if (!w->chunk_len)
		return;
	msgpack_pack_array(&w->pk, 3);
	msgpack_pack_uint64(&w->pk, 0);
	msgpack_pack_uint32(&w->pk, w->chunk_crc);
	msgpack_pack_uint64(&w->pk, w->chunk_events);
	w->chunk_crc = 0;
	w->chunk_len = 0;
	w->chunk_events = 0;
}

static int end_frame(struct rn_capture_writer *w)
{
	pack_check(w);
	compress(w, ZSTD_e_end);
	w->st.frames++;
	w->frame_open = 0;
	w->frame_out = 0;
	rn_c2_reset(&w->c2);
	return w->error;
}

/* ---- the header --------------------------------------------------------- */

static void pack_records(struct rn_capture_writer *w, const struct rn_opt_record *list, size_t n);

static void pack_record(struct rn_capture_writer *w, const struct rn_opt_record *rec)
{
	msgpack_packer *pk = &w->pk;
	const char *base = (const char *)w->info.opt;
	const void *f = base + rec->off;
	const uint8_t *cols = f;
	size_t k = 0;

	switch (rec->kind) {
	case RN_REC_BOOL:
		pack_bool(pk, *(const int *)f);
		break;
	case RN_REC_INT:
		msgpack_pack_int64(pk, *(const int *)f);
		break;
	case RN_REC_UINT:
		msgpack_pack_uint64(pk, *(const unsigned *)f);
		break;
	case RN_REC_U64:
		msgpack_pack_uint64(pk, *(const uint64_t *)f);
		break;
	case RN_REC_U8:
		msgpack_pack_uint64(pk, *(const uint8_t *)f);
		break;
	case RN_REC_BOOL8:
		pack_bool(pk, *(const uint8_t *)f);
		break;
	case RN_REC_TEXT:
		pack_text(pk, *(const char *const *)f);
		break;
	case RN_REC_PIDS: {
		const pid_t *pids = *(const pid_t *const *)f;
		int n = *(const int *)(base + rec->off_n);
		msgpack_pack_array(pk, n > 0 ? (size_t)n : 0);
		for (int i = 0; i < n; i++)
			msgpack_pack_int64(pk, pids[i]);
		break;
	}
	case RN_REC_STRV:
		pack_strv(pk, *(char *const *const *)f, -1);
		break;
	case RN_REC_COLUMNS:
		while (k < RN_SUM__COUNT && cols[k] != RN_SUM_END)
			k++;
		msgpack_pack_array(pk, k);
		for (size_t i = 0; i < k; i++)
			msgpack_pack_uint64(pk, cols[i]);
		break;
	case RN_REC_MAP:
		pack_records(w, rec->sub, rec->nsub);
		break;
	case RN_REC_FILE_PREFIX:
		pack_bool(pk, w->info.file_prefix);
		break;
	}
}

/* The options as one map of the list's keys (without options: only what
 * is not one, the file prefix). */
static void pack_records(struct rn_capture_writer *w, const struct rn_opt_record *list, size_t n)
{
	int have = w->info.opt != NULL;
	msgpack_pack_map(&w->pk, rn_opt_records_written(list, n, have));
	for (size_t i = 0; i < n; i++) {
		if (!have && list[i].kind != RN_REC_FILE_PREFIX)
			continue;
		pack_cstr(&w->pk, list[i].key);
		pack_record(w, &list[i]);
	}
}

static int write_header(struct rn_capture_writer *w)
{
	msgpack_packer *pk = &w->pk;
	struct utsname u;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));

	/* A later part lists the processes alive at its start. */
	const struct rn_capture_proc *procs = NULL;
	size_t nprocs = 0;
	if (w->part > 0 && w->live_procs)
		nprocs = w->live_procs(w->live_procs_arg, &procs);
	msgpack_pack_map(pk, nprocs ? 16 : 15);
	pack_cstr(pk, "t");
	pack_cstr(pk, "header");
	pack_cstr(pk, "format");
	msgpack_pack_uint64(pk, RN_CAPTURE_FORMAT);
	pack_cstr(pk, "version");
	pack_text(pk, w->info.version ? w->info.version : RN_VERSION);
	pack_cstr(pk, "run");
	msgpack_pack_uint64(pk, w->run_id);
	pack_cstr(pk, "part");
	msgpack_pack_uint64(pk, w->part);
	pack_cstr(pk, "host");
	pack_text(pk, u.nodename);
	pack_cstr(pk, "sysname");
	pack_text(pk, u.sysname);
	pack_cstr(pk, "release");
	pack_text(pk, u.release);
	pack_cstr(pk, "kversion");
	pack_text(pk, u.version);
	pack_cstr(pk, "arch");
	pack_text(pk, u.machine);
	pack_cstr(pk, "argv");
	pack_strv(pk, w->info.argv, w->info.argv ? w->info.argc : 0);
	pack_cstr(pk, "options");
	pack_records(w, rn_opt_records, rn_opt_nrecords);
	pack_cstr(pk, "realtime_ns");
	msgpack_pack_uint64(pk, w->info.realtime_ns);
	pack_cstr(pk, "monotonic_ns");
	msgpack_pack_uint64(pk, w->info.monotonic_ns);
	pack_cstr(pk, "syscalls");
	msgpack_pack_array(pk, rn_syscall_count);
	for (unsigned nr = 0; nr < rn_syscall_count; nr++) {
		const struct rn_syscall *sc = rn_syscall_get((long)nr);
		if (sc)
			pack_cstr(pk, sc->name);
		else
			msgpack_pack_nil(pk);
	}
	if (nprocs) {
		pack_cstr(pk, "procs");
		msgpack_pack_array(pk, (uint32_t)nprocs);
		for (size_t i = 0; i < nprocs; i++) {
			msgpack_pack_array(pk, 5);
			msgpack_pack_int32(pk, procs[i].pid);
			msgpack_pack_int32(pk, procs[i].ppid);
			msgpack_pack_uint64(pk, procs[i].start_ns);
			pack_text(pk, procs[i].command); /* nil when NULL */
			pack_text(pk, procs[i].exec_pending);
		}
	}
	/* The header is a frame of its own: damage to events never takes it. */
	return end_frame(w);
}

/* ---- events ------------------------------------------------------------- */

static int has_bytes(const struct rn_value *x)
{
	return x->len || x->kind == RN_V_STR || x->kind == RN_V_NAME || x->kind == RN_V_TEXT;
}

/* A string element: its index in the frame's table when it is there, else
 * the bytes (str for a name, bin for the rest), entering the table. */
static void pack_string(struct rn_capture_writer *w, const void *p, size_t n, int as_str)
{
	long i = n >= RN_C2_STR_MIN ? rn_c2_str_find(&w->c2, p, n) : -1;
	if (i >= 0) {
		msgpack_pack_uint64(&w->pk, (uint64_t)i);
		return;
	}
	if (as_str) {
		msgpack_pack_str(&w->pk, n);
		msgpack_pack_str_body(&w->pk, p, n);
	} else {
		msgpack_pack_bin(&w->pk, n);
		msgpack_pack_bin_body(&w->pk, p, n);
	}
	if (rn_c2_storable(&w->c2, n))
		rn_c2_str_add(&w->c2, p, n);
}

static int node_bytes(const struct rn_event *ev, const struct rn_value *x)
{
	return has_bytes(x) && (uint64_t)x->off + x->len <= ev->nbytes;
}

/* The value tree, flat: per node its head, then name, number, bytes and
 * descendants, each only when the head says so (CAPTURE.md 1.8.4). */
static void pack_values(struct rn_capture_writer *w, const struct rn_event *ev)
{
	msgpack_packer *pk = &w->pk;
	size_t elems = 0;
	for (uint32_t i = 0; i < ev->nv; i++) {
		const struct rn_value *x = &ev->v[i];
		uint32_t end = x->end > i && x->end <= ev->nv ? x->end : i + 1;
		elems += 1 + (x->name != NULL) + (x->u != 0) + (size_t)node_bytes(ev, x) +
			 (end != i + 1);
	}
	msgpack_pack_array(pk, elems);
	for (uint32_t i = 0; i < ev->nv; i++) {
		const struct rn_value *x = &ev->v[i];
		uint32_t end = x->end > i && x->end <= ev->nv ? x->end : i + 1;
		int bytes = node_bytes(ev, x);
		uint64_t nh = x->kind | (uint64_t)x->flags << RN_C2N_FLAGS_SHIFT;
		nh |= (x->name ? RN_C2N_NAME : 0) | (x->u ? RN_C2N_NUM : 0) |
		      (bytes ? RN_C2N_BYTES : 0) | (end != i + 1 ? RN_C2N_DESC : 0);
		msgpack_pack_uint64(pk, nh);
		if (x->name)
			pack_string(w, x->name, strlen(x->name), 1);
		if (x->u) {
			if (x->kind == RN_V_INT || x->kind == RN_V_FD)
				msgpack_pack_int64(pk, x->i);
			else
				msgpack_pack_uint64(pk, x->u);
		}
		if (bytes)
			pack_string(w, ev->bytes + x->off, x->len, 0);
		if (end != i + 1)
			msgpack_pack_uint64(pk, end - i - 1);
	}
}

/* One event as an array: head, dt, then only the elements that the
 * frame's state does not give (CAPTURE.md 1.8.2). The state moves on
 * exactly as rn_c2_decode moves the reader's. */
static void pack_event(struct rn_capture_writer *w, const struct rn_event *ev)
{
	msgpack_packer *pk = &w->pk;
	struct rn_c2_state *c = &w->c2;
	int fresh;
	struct rn_c2_thread *th = rn_c2_thread(c, ev->tid, &fresh);
	int is_call = ev->kind == RN_EV_ENTRY || ev->kind == RN_EV_EXIT;
	int is_exit = ev->kind == RN_EV_EXIT;
	int has_nr = is_call || ev->finish_pending;
	int has_dur = is_exit && ev->entry_ts_ns;
	int has_rp = ev->ret_path_len &&
		     (uint64_t)ev->ret_path_off + ev->ret_path_len <= ev->nbytes;
	uint64_t base = fresh ? c->prev_ts : th->ts;
	int64_t dt = (int64_t)(ev->ts_ns - base);
	int64_t ds = (int64_t)(ev->seq - c->prev_seq);
	int64_t dur = has_dur ? (int64_t)(ev->ts_ns - ev->entry_ts_ns) : 0;
	uint64_t head = ev->kind;

	head |= ds != 1 ? RN_C2_DS : 0;
	head |= ev->tid != c->prev_tid ? RN_C2_TID : 0;
	head |= ev->tgid != ev->tid ? RN_C2_TG : 0;
	head |= ev->ntasks != c->prev_nt ? RN_C2_NT : 0;
	head |= has_nr && ev->nr != th->nr ? RN_C2_NR : 0;
	head |= ev->ret ? RN_C2_RET : 0;
	head |= ev->aux ? RN_C2_AUX : 0;
	head |= ev->is_error ? RN_C2_ERR : 0;
	head |= is_exit && ev->ret_type != rn_c2_rt(c, ev->nr) ? RN_C2_RT : 0;
	head |= ev->more ? RN_C2_MORE : 0;
	head |= ev->finish_pending ? RN_C2_FP : 0;
	if (is_exit && !has_dur)
		head |= RN_C2_NODUR;
	else if (has_dur && (fresh || dur != dt))
		head |= RN_C2_DUR;
	if (has_dur && ev->duration_ns && ev->duration_ns == (uint64_t)dur)
		head |= RN_C2_DNDUR;
	else if (ev->duration_ns)
		head |= RN_C2_DN;
	head |= ev->nv ? RN_C2_V : 0;
	head |= has_rp ? RN_C2_RP : 0;
	head |= ev->ip ? RN_C2_IP : 0;

	uint64_t values = head & (RN_C2_DS | RN_C2_TID | RN_C2_TG | RN_C2_NT | RN_C2_NR |
				  RN_C2_RET | RN_C2_AUX | RN_C2_RT | RN_C2_DUR | RN_C2_DN |
				  RN_C2_V | RN_C2_RP | RN_C2_IP);
	msgpack_pack_array(pk, 2 + (size_t)__builtin_popcountll(values));
	msgpack_pack_uint64(pk, head);
	msgpack_pack_int64(pk, dt);
	if (head & RN_C2_DS)
		msgpack_pack_int64(pk, ds);
	if (head & RN_C2_TID)
		msgpack_pack_int64(pk, ev->tid);
	if (head & RN_C2_TG)
		msgpack_pack_int64(pk, ev->tgid);
	if (head & RN_C2_NT)
		msgpack_pack_uint64(pk, ev->ntasks);
	if (head & RN_C2_NR)
		msgpack_pack_int64(pk, ev->nr);
	if (head & RN_C2_RET)
		msgpack_pack_int64(pk, ev->ret);
	if (head & RN_C2_AUX)
		msgpack_pack_int64(pk, ev->aux);
	if (head & RN_C2_RT)
		msgpack_pack_uint64(pk, ev->ret_type);
	if (head & RN_C2_DUR)
		msgpack_pack_int64(pk, dur);
	if (head & RN_C2_DN)
		msgpack_pack_uint64(pk, ev->duration_ns);
	if (head & RN_C2_V)
		pack_values(w, ev);
	if (head & RN_C2_RP)
		pack_string(w, ev->bytes + ev->ret_path_off, ev->ret_path_len, 0);
	if (head & RN_C2_IP)
		msgpack_pack_uint64(pk, ev->ip);

	th->ts = ev->ts_ns;
	if (has_nr)
		th->nr = ev->nr;
	if (is_exit && ev->nr >= 0 && (uint32_t)ev->nr < RN_C2_NRS)
		c->rt[ev->nr] = ev->ret_type;
	c->prev_seq = ev->seq;
	c->prev_ts = ev->ts_ns;
	c->prev_tid = ev->tid;
	c->prev_nt = ev->ntasks;
}

/* ---- files -------------------------------------------------------------- */

static char *numbered(const char *path, unsigned i)
{
	char *s;
	if (asprintf(&s, "%s.%u", path, i) < 0) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	return s;
}

/* Open the capture file: never through a symlink, only a regular file,
 * 0600 (an existing file is made 0600 before it is truncated: a capture
 * holds arguments and file contents, and must not inherit a looser mode).
 * `excl` for a rotation's new file. */
static int open_file(const char *path, int excl)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
		    (excl ? O_EXCL : 0);
	int fd = open(path, flags, 0600);
	struct stat st;
	if (fd < 0) {
		/* A symlink is refused by O_NOFOLLOW (ELOOP), but another user's
		 * in a sticky directory fails first with EACCES: say what it is. */
		int err = errno;
		if (err == EACCES && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			err = ELOOP;
		return -err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* An existing file is only written if it is ours alone: another
	 * user's file would keep its owner, who could then read the capture
	 * (root tracing with -u, a planted file in /tmp); a file with other
	 * hard links would show the capture under names we do not know.
	 * Checked before anything about the file changes. */
	if (st.st_uid != geteuid() || st.st_nlink > 1) {
		close(fd);
		return st.st_uid != geteuid() ? -RN_CAPTURE_ERR_FOREIGN : -RN_CAPTURE_ERR_LINKED;
	}
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	if (!excl && ftruncate(fd, 0) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int finish_file(struct rn_capture_writer *w)
{
	if (w->fd < 0)
		return w->error;
	if (fsync(w->fd) < 0 && !w->error && errno != EINVAL)
		w->error = errno;
	if (close(w->fd) < 0 && !w->error)
		w->error = errno;
	w->fd = -1;
	return w->error;
}

static int rename_if_there(const char *from, const char *to)
{
	if (rename(from, to) < 0 && errno != ENOENT)
		return errno;
	return 0;
}

/* FILE -> FILE.1 -> FILE.2 ...; the oldest beyond max_files goes; a new
 * FILE begins with its header. */
static int rotate(struct rn_capture_writer *w)
{
	if (w->frame_open)
		end_frame(w);
	if (finish_file(w))
		return w->error;
	unsigned keep = w->info.max_files, top;
	int err = 0;
	if (keep == 1) {
		if (unlink(w->path) < 0 && errno != ENOENT)
			err = errno;
		top = 0;
	} else if (keep > 1) {
		char *oldest = numbered(w->path, keep - 1);
		if (unlink(oldest) < 0 && errno != ENOENT)
			err = errno;
		free(oldest);
		top = keep - 2;
	} else {
		/* Keep all: find the highest number in use. */
		struct stat st;
		for (top = 0;; top++) {
			char *p = numbered(w->path, top + 1);
			int there = lstat(p, &st) == 0;
			free(p);
			if (!there)
				break;
		}
	}
	for (unsigned i = top; i >= 1 && !err; i--) {
		char *from = numbered(w->path, i), *to = numbered(w->path, i + 1);
		err = rename_if_there(from, to);
		free(from);
		free(to);
	}
	if (!err && keep != 1) {
		char *to = numbered(w->path, 1);
		err = rename_if_there(w->path, to);
		free(to);
	}
	if (err) {
		w->error = err;
		return err;
	}
	int fd = open_file(w->path, 1);
	if (fd < 0) {
		w->error = -fd;
		return w->error;
	}
	w->fd = fd;
	w->file_bytes = 0;
	w->part++;
	w->st.files++;
	return write_header(w);
}

static int rotate_if_full(struct rn_capture_writer *w)
{
	if (w->info.max_size && w->file_bytes >= w->info.max_size && !w->error)
		rotate(w);
	return w->error;
}

/* ---- API ---------------------------------------------------------------- */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct rn_capture_writer *rn_capture_create(const char *path, const struct rn_capture_info *info,
					    int *err)
{
	struct rn_capture_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path))) {
		free(w);
		*err = ENOMEM;
		return NULL;
	}
	w->info = *info;
	if (!w->info.realtime_ns && !w->info.monotonic_ns) {
		w->info.realtime_ns = clock_ns(CLOCK_REALTIME);
		w->info.monotonic_ns = clock_ns(CLOCK_MONOTONIC);
	}
	if (getrandom(&w->run_id, sizeof(w->run_id), GRND_NONBLOCK) != sizeof(w->run_id))
		w->run_id = w->info.realtime_ns ^ ((uint64_t)getpid() << 32);
	w->cctx = ZSTD_createCCtx();
	w->zout_cap = ZSTD_CStreamOutSize();
	w->zout = malloc(w->zout_cap);
	if (!w->cctx || !w->zout) {
		*err = ENOMEM;
		goto fail;
	}
	int level = info->level ? info->level : DEFAULT_LEVEL;
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
	/* The level's own window and tables grow to 8 MiB and more (88 MiB of
	 * RSS at 19, 18 at 9): a 1 MiB window and 2^18-entry tables keep the
	 * compressor to a few MiB at every level for 1.3 % more bytes at 9 on
	 * a kernel build's records (levels below 5 have smaller tables). */
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_windowLog, WINDOW_LOG);
	if (level >= 5) {
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_hashLog, TABLE_LOG);
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_chainLog, TABLE_LOG);
	}
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	msgpack_packer_init(&w->pk, &w->pack, pack_write);
	w->frame_bytes = info->frame_bytes ? info->frame_bytes : DEFAULT_FRAME_BYTES;
	rn_c2_reset(&w->c2);

	w->fd = open_file(path, 0);
	if (w->fd < 0) {
		*err = -w->fd;
		goto fail;
	}
	w->st.files = 1;
	if (write_header(w)) {
		*err = w->error;
		close(w->fd);
		w->fd = -1;
		goto fail;
	}
	return w;
fail:
	ZSTD_freeCCtx(w->cctx);
	free(w->zout);
	rn_sbuf_free(&w->pack);
	rn_c2_free(&w->c2);
	free(w->path);
	free(w);
	return NULL;
}

int rn_capture_rotates(const struct rn_capture_writer *w)
{
	return w->info.max_size != 0;
}

void rn_capture_set_live_procs(struct rn_capture_writer *w, rn_capture_live_procs_fn fn,
			       void *arg)
{
	w->live_procs = fn;
	w->live_procs_arg = arg;
}

int rn_capture_append(struct rn_capture_writer *w, const struct rn_event *ev)
{
	if (w->error)
		return w->error;
	if (ev->kind == RN_EV_NONE || ev->kind > RN_EV_DETACHED)
		return 0;
	size_t before = w->pack.len;
	pack_event(w, ev);
	w->frame_open = 1;
	w->chunk_crc = rn_c2_crc32(w->chunk_crc, w->pack.p + before, w->pack.len - before);
	w->chunk_len += w->pack.len - before;
	w->chunk_events++;
	w->st.events++;
	if (w->chunk_len >= RN_C2_CHUNK)
		pack_check(w);
	if (w->pack.len >= FEED_AT)
		compress(w, ZSTD_e_continue);
	if (w->frame_out >= w->frame_bytes)
		end_frame(w);
	if (w->info.max_size && w->file_bytes >= w->info.max_size) {
		if (w->frame_open)
			end_frame(w);
		rotate_if_full(w);
	}
	return w->error;
}

int rn_capture_flush(struct rn_capture_writer *w)
{
	if (w->error)
		return w->error;
	if (w->frame_open) {
		pack_check(w);
		compress(w, ZSTD_e_flush);
		if (w->frame_out >= w->frame_bytes)
			end_frame(w);
	}
	return rotate_if_full(w);
}

int rn_capture_is_file(const struct rn_capture_writer *w, const struct stat *st)
{
	struct stat me;
	return w->fd >= 0 && fstat(w->fd, &me) == 0 && me.st_dev == st->st_dev &&
	       me.st_ino == st->st_ino;
}

int rn_capture_close(struct rn_capture_writer *w)
{
	if (w->fd >= 0 && !w->error && w->frame_open)
		end_frame(w);
	finish_file(w);
	int err = w->error;
	ZSTD_freeCCtx(w->cctx);
	free(w->zout);
	rn_sbuf_free(&w->pack);
	rn_c2_free(&w->c2);
	free(w->path);
	free(w);
	return err;
}

const struct rn_capture_stats *rn_capture_writer_stats(const struct rn_capture_writer *w)
{
	return &w->st;
}
