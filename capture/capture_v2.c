/*
 * capture_v2.c - format 2's state and record decoder (capture_v2.h; the
 * layout is capture/CAPTURE.md 1.8). The writer (capture_write.c) makes
 * the same moves on its own copy of the state as it packs, so that every
 * element the decoder can infer is left out.
 */
#include "capture/capture_v2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/syscalls.h"
#include "decode/value.h"

#define MAX_DEPTH 64 /* as the format-1 reader: deeper trees are damage */

static void oom(void)
{
	fputs("renacer: out of memory\n", stderr);
	abort();
}

static void *grow(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

uint32_t rn_c2_crc32(uint32_t crc, const void *buf, size_t n)
{
	static uint32_t table[256];
	static int ready;
	/* Built on first use: a writer and a reader each use this from one
	 * thread, and both build the same table, so a race only writes the
	 * same values twice. */
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			__atomic_store_n(&table[i], c, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	const unsigned char *p = buf;
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- the string table ----------------------------------------------------- */

static uint64_t hash_bytes(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211u;
	return h ^ (h >> 29);
}

int rn_c2_storable(const struct rn_c2_state *s, size_t n)
{
	return n >= RN_C2_STR_MIN && n <= RN_C2_STR_MAX && s->strs.n < RN_C2_STR_COUNT;
}

long rn_c2_str_find(const struct rn_c2_state *s, const void *p, size_t n)
{
	const struct rn_c2_strtab *t = &s->strs;
	if (!t->nslot)
		return -1;
	uint64_t h = hash_bytes(p, n);
	for (uint32_t j = (uint32_t)h & (t->nslot - 1);; j = (j + 1) & (t->nslot - 1)) {
		uint32_t k = t->slot[j];
		if (!k)
			return -1;
		const struct rn_c2_str *e = &t->e[k - 1];
		if (e->hash == h && e->len == n && memcmp(t->data + e->off, p, n) == 0)
			return (long)k - 1;
	}
}

static void reindex(struct rn_c2_strtab *t, uint32_t nslot)
{
	free(t->slot);
	t->slot = calloc(nslot, sizeof(*t->slot));
	if (!t->slot)
		oom();
	t->nslot = nslot;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t j = (uint32_t)t->e[i].hash & (nslot - 1);
		while (t->slot[j])
			j = (j + 1) & (nslot - 1);
		t->slot[j] = i + 1;
	}
}

void rn_c2_str_add(struct rn_c2_state *s, const void *p, size_t n)
{
	struct rn_c2_strtab *t = &s->strs;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->e = grow(t->e, t->cap * sizeof(*t->e));
	}
	if (t->len + n > t->capdata) {
		while (t->len + n > t->capdata)
			t->capdata = t->capdata ? 2 * t->capdata : 16384;
		t->data = grow(t->data, t->capdata);
	}
	memcpy(t->data + t->len, p, n);
	t->e[t->n] = (struct rn_c2_str){ .hash = hash_bytes(p, n), .off = (uint32_t)t->len,
					 .len = (uint32_t)n };
	t->len += n;
	t->n++;
	if (t->n * 2 > t->nslot) {
		reindex(t, t->nslot ? 2 * t->nslot : 512);
	} else {
		uint32_t j = (uint32_t)t->e[t->n - 1].hash & (t->nslot - 1);
		while (t->slot[j])
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = t->n;
	}
}

int rn_c2_str_get(const struct rn_c2_state *s, uint64_t i, const char **p, size_t *n)
{
	if (i >= s->strs.n)
		return 0;
	*p = s->strs.data + s->strs.e[i].off;
	*n = s->strs.e[i].len;
	return 1;
}

/* ---- threads, reset ------------------------------------------------------- */

struct rn_c2_thread *rn_c2_thread(struct rn_c2_state *s, int32_t tid, int *fresh)
{
	if ((s->nth + 1) * 2 > s->capth) {
		size_t cap = s->capth ? 2 * s->capth : 256;
		struct rn_c2_thread *t = calloc(cap, sizeof(*t));
		if (!t)
			oom();
		for (size_t i = 0; i < s->capth; i++) {
			if (!s->th[i].tid)
				continue;
			size_t j = (uint32_t)s->th[i].tid * 2654435761u & (cap - 1);
			while (t[j].tid)
				j = (j + 1) & (cap - 1);
			t[j] = s->th[i];
		}
		free(s->th);
		s->th = t;
		s->capth = cap;
	}
	/* tid 0 marks a free slot; no task has it, but a damaged or foreign
	 * record might: it gets a key of its own. */
	int32_t key = tid ? tid : INT32_MIN;
	size_t j = (uint32_t)key * 2654435761u & (s->capth - 1);
	for (; s->th[j].tid; j = (j + 1) & (s->capth - 1))
		if (s->th[j].tid == key) {
			*fresh = 0;
			return &s->th[j];
		}
	s->th[j] = (struct rn_c2_thread){ .tid = key, .nr = -1 };
	s->nth++;
	*fresh = 1;
	return &s->th[j];
}

void rn_c2_reset(struct rn_c2_state *s)
{
	s->strs.n = 0;
	s->strs.len = 0;
	if (s->strs.slot)
		memset(s->strs.slot, 0, s->strs.nslot * sizeof(*s->strs.slot));
	if (s->th)
		memset(s->th, 0, s->capth * sizeof(*s->th));
	s->nth = 0;
	s->prev_seq = s->prev_ts = 0;
	s->prev_tid = 0;
	s->prev_nt = 0;
	memset(s->rt, 1, sizeof(s->rt)); /* RN_T_INT: what most calls return */
}

void rn_c2_free(struct rn_c2_state *s)
{
	free(s->strs.e);
	free(s->strs.slot);
	free(s->strs.data);
	free(s->th);
	memset(s, 0, sizeof(*s));
}

/* ---- decoding ------------------------------------------------------------- */

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
	return 0;
}

static int get_u64(const msgpack_object *o, uint64_t *out)
{
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		*out = o->via.u64;
		return 1;
	}
	return 0;
}

static int fits_i32(int64_t i)
{
	return i >= INT32_MIN && i <= INT32_MAX;
}

/* A string element: a table index (uint), or the bytes themselves (str or
 * bin), which then enter the table as the writer's did. */
static int get_string(struct rn_c2_state *s, const msgpack_object *o, const char **p, size_t *n)
{
	uint64_t i;
	if (get_u64(o, &i))
		return rn_c2_str_get(s, i, p, n);
	if (o->type == MSGPACK_OBJECT_STR) {
		*p = o->via.str.ptr;
		*n = o->via.str.size;
	} else if (o->type == MSGPACK_OBJECT_BIN) {
		*p = o->via.bin.ptr;
		*n = o->via.bin.size;
	} else {
		return 0;
	}
	if (rn_c2_storable(s, *n)) {
		rn_c2_str_add(s, *p, *n);
		/* The table's copy: the msgpack object may not outlive this. */
		rn_c2_str_get(s, s->strs.n - 1, p, n);
	}
	return 1;
}

/* Where a node's bytes are while the event is built: the table may move
 * its data as it grows, so an index, not a pointer, for what is in it. */
struct pending {
	long idx;        /* table index, or -1: p */
	const char *p;
	uint32_t len;
	int has;
};

static int string_ref(struct rn_c2_state *s, const msgpack_object *o, struct pending *b)
{
	const char *p;
	size_t n;
	uint32_t before = s->strs.n;
	uint64_t i;
	if (!get_string(s, o, &p, &n) || n > UINT32_MAX)
		return 0;
	b->has = 1;
	b->len = (uint32_t)n;
	if (get_u64(o, &i))
		b->idx = (long)i;
	else if (s->strs.n != before)
		b->idx = (long)s->strs.n - 1;
	else
		b->idx = -1, b->p = p;
	return 1;
}

static const char *pending_bytes(const struct rn_c2_state *s, const struct pending *b)
{
	const char *p = b->p;
	size_t n;
	if (b->idx >= 0)
		rn_c2_str_get(s, (uint64_t)b->idx, &p, &n);
	return p;
}

static int build_values(struct rn_c2_state *s, const msgpack_object *vo,
			const msgpack_object *rpo, struct rn_event *ev, rn_c2_intern_fn intern,
			void *ctx)
{
	uint32_t ne = vo ? vo->via.array.size : 0, nodes = 0;
	const msgpack_object *a = vo ? vo->via.array.ptr : NULL;
	/* Nodes take at least one element each. */
	struct rn_value *v = ne ? calloc(ne, sizeof(*v)) : NULL;
	struct pending *pb = ne ? calloc(ne, sizeof(*pb)) : NULL;
	struct pending rp = { 0 };
	uint64_t total = 0;
	uint32_t stack[MAX_DEPTH];
	unsigned depth = 0;
	if (ne && (!v || !pb))
		oom();

	for (uint32_t k = 0; k < ne; nodes++) {
		uint64_t nh, num = 0, desc = 0;
		struct rn_value *x = &v[nodes];
		if (!get_u64(&a[k++], &nh))
			goto bad;
		unsigned kind = (unsigned)(nh & RN_C2N_KIND);
		/* A kind from a newer writer: shown as "?", its subtree kept. */
		x->kind = kind >= RN_V_INT && kind <= RN_V_UNKNOWN ? (uint8_t)kind : RN_V_UNKNOWN;
		x->flags = (uint16_t)(nh >> RN_C2N_FLAGS_SHIFT);
		if (nh & RN_C2N_NAME) {
			const char *p;
			size_t n;
			if (k >= ne || !get_string(s, &a[k++], &p, &n))
				goto bad;
			x->name = intern(ctx, p, n);
		}
		if (nh & RN_C2N_NUM) {
			if (k >= ne)
				goto bad;
			if (a[k].type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
				num = (uint64_t)a[k].via.i64;
			else if (!get_u64(&a[k], &num))
				goto bad;
			k++;
		}
		x->u = num;
		if (nh & RN_C2N_BYTES) {
			if (k >= ne || !string_ref(s, &a[k++], &pb[nodes]))
				goto bad;
			total += pb[nodes].len;
		}
		if ((nh & RN_C2N_DESC) && (k >= ne || !get_u64(&a[k++], &desc)))
			goto bad;
		x->end = nodes + 1 + (desc > ne ? ne : (uint32_t)desc);
		if (desc > ne)
			goto bad;
	}
	/* Every subtree within the nodes, nested, not too deep. */
	for (uint32_t i = 0; i < nodes; i++) {
		struct rn_value *x = &v[i];
		if (x->end > nodes)
			goto bad;
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
		if ((x->flags & RN_VF_ENVP) && (x->kind != RN_V_STRUCT || x->end < i + 3))
			x->flags &= (uint16_t)~RN_VF_ENVP;
	}
	if (rpo) {
		if (!string_ref(s, rpo, &rp))
			goto bad;
		total += rp.len;
	}
	if (total > UINT32_MAX)
		goto bad;
	if (nodes || total) {
		size_t sz = (size_t)nodes * sizeof(struct rn_value);
		unsigned char *block = malloc(sz + total + 1);
		if (!block)
			oom();
		if (sz) /* a return path alone has no nodes (v NULL) */
			memcpy(block, v, sz);
		ev->v = (struct rn_value *)block;
		ev->nv = nodes;
		ev->bytes = block + sz;
		uint32_t used = 0;
		for (uint32_t i = 0; i < nodes; i++) {
			if (!pb[i].has)
				continue;
			if (pb[i].len) /* an empty string's bytes may be NULL */
				memcpy(ev->bytes + used, pending_bytes(s, &pb[i]), pb[i].len);
			ev->v[i].off = used;
			ev->v[i].len = pb[i].len;
			used += pb[i].len;
		}
		if (rp.has && rp.len) {
			memcpy(ev->bytes + used, pending_bytes(s, &rp), rp.len);
			ev->ret_path_off = used;
			ev->ret_path_len = rp.len;
			used += rp.len;
		}
		ev->nbytes = used;
	}
	free(v);
	free(pb);
	return 1;
bad:
	free(v);
	free(pb);
	return 0;
}

int rn_c2_decode(struct rn_c2_state *s, const msgpack_object *o, struct rn_event *ev,
		 rn_c2_intern_fn intern, void *ctx)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 2)
		return -1;
	const msgpack_object *a = o->via.array.ptr, *vo = NULL, *rpo = NULL;
	uint32_t n = o->via.array.size, k = 0;
	uint64_t head, u;
	int64_t dt, i, dur = 0;
	if (!get_u64(&a[k++], &head))
		return -1;
	unsigned kind = (unsigned)(head & RN_C2_KIND);
	if (kind < RN_EV_ENTRY || kind > RN_EV_DETACHED)
		return 0;
	if (!get_i64(&a[k++], &dt))
		return -1;
#define NEXT() (k < n ? &a[k++] : NULL)
	const msgpack_object *x;
	memset(ev, 0, sizeof(*ev));
	ev->kind = (uint16_t)kind;
	int64_t ds = 1;
	if ((head & RN_C2_DS) && (!(x = NEXT()) || !get_i64(x, &ds)))
		return -1;
	int32_t tid = s->prev_tid;
	if (head & RN_C2_TID) {
		if (!(x = NEXT()) || !get_i64(x, &i) || !fits_i32(i))
			return -1;
		tid = (int32_t)i;
	}
	int32_t tg = tid;
	if (head & RN_C2_TG) {
		if (!(x = NEXT()) || !get_i64(x, &i) || !fits_i32(i))
			return -1;
		tg = (int32_t)i;
	}
	uint32_t nt = s->prev_nt;
	if (head & RN_C2_NT) {
		if (!(x = NEXT()) || !get_u64(x, &u))
			return -1;
		nt = (uint32_t)u;
	}
	int fresh;
	struct rn_c2_thread *th = rn_c2_thread(s, tid, &fresh);
	int is_call = kind == RN_EV_ENTRY || kind == RN_EV_EXIT;
	int has_nr = is_call || (head & RN_C2_FP);
	int32_t nr = has_nr ? th->nr : -1;
	if (head & RN_C2_NR) {
		if (!(x = NEXT()) || !get_i64(x, &i) || !fits_i32(i))
			return -1;
		nr = (int32_t)i;
	}
	if ((head & RN_C2_RET) && (!(x = NEXT()) || !get_i64(x, &ev->ret)))
		return -1;
	if ((head & RN_C2_AUX) && (!(x = NEXT()) || !get_i64(x, &ev->aux)))
		return -1;
	unsigned rt = kind == RN_EV_EXIT ? rn_c2_rt(s, nr) : 0;
	if (head & RN_C2_RT) {
		if (!(x = NEXT()) || !get_u64(x, &u))
			return -1;
		/* one this reader does not know: signed decimal (CAPTURE.md 1.5) */
		rt = u <= UINT8_MAX ? (unsigned)u : RN_T_LONG;
	}
	uint64_t ts = (fresh ? s->prev_ts : th->ts) + (uint64_t)dt;
	int has_dur = kind == RN_EV_EXIT && !(head & RN_C2_NODUR);
	if (head & RN_C2_DUR) {
		if (!(x = NEXT()) || !get_i64(x, &dur))
			return -1;
	} else if (has_dur) {
		if (fresh)
			return -1; /* no entry of this thread to measure from */
		dur = (int64_t)(ts - th->ts);
	}
	if ((head & RN_C2_DN) && (!(x = NEXT()) || !get_u64(x, &ev->duration_ns)))
		return -1;
	if (head & RN_C2_DNDUR)
		ev->duration_ns = (uint64_t)dur;
	if (head & RN_C2_V) {
		if (!(vo = NEXT()) || vo->type != MSGPACK_OBJECT_ARRAY)
			return -1;
	}
	/* After v: its strings enter the table first, as they were packed. */
	if ((head & RN_C2_RP) && !(rpo = NEXT()))
		return -1;
	if ((head & RN_C2_IP) && (!(x = NEXT()) || !get_u64(x, &ev->ip)))
		return -1;
#undef NEXT
	ev->is_error = (head & RN_C2_ERR) != 0;
	ev->more = (head & RN_C2_MORE) != 0;
	ev->finish_pending = (head & RN_C2_FP) != 0;
	/* As the format-1 reader: a failed call's return value is -errno. */
	if (ev->is_error && (ev->ret < -4095 || ev->ret > -1))
		return -1;
	ev->seq = s->prev_seq + (uint64_t)ds;
	ev->ts_ns = ts;
	ev->tid = tid;
	ev->tgid = tg;
	ev->ntasks = nt;
	ev->nr = nr;
	ev->ret_type = (uint8_t)rt;
	if (has_dur)
		ev->entry_ts_ns = ts - (uint64_t)dur;
	if (!build_values(s, vo, rpo, ev, intern, ctx))
		return -1;
	th->ts = ts;
	if (has_nr)
		th->nr = nr;
	if (kind == RN_EV_EXIT && nr >= 0 && (uint32_t)nr < RN_C2_NRS)
		s->rt[nr] = (uint8_t)rt;
	s->prev_seq = ev->seq;
	s->prev_ts = ts;
	s->prev_tid = tid;
	s->prev_nt = nt;
	return 1;
}
