/*
 * capture_v2.h - what the writer and the reader of format 2 share
 * (capture/CAPTURE.md, 1.8): the bits of an event record's head and of a
 * value node's head, the check records' CRC, and the state both sides
 * rebuild from the start of every zstd frame (a frame is a resync point, so
 * nothing in it may depend on an earlier frame): the string table, the
 * per-thread bases of the deltas, the return type last seen per syscall.
 *
 * Internal to capture/: the writer thread owns the writer's copy, the
 * reading thread the reader's.
 */
#ifndef RENACER_CAPTURE_V2_H
#define RENACER_CAPTURE_V2_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "decode/event.h"

/* Element 0 of every record: the kind (CAPTURE.md 1.8.2) and which
 * optional elements follow, in this order after `dt`. */
enum {
	RN_C2_KIND = 0x0f,    /* 0: a check record; 1..10: enum rn_event_kind */
	RN_C2_DS = 1u << 4,   /* seq minus the previous record's; absent: 1 */
	RN_C2_TID = 1u << 5,  /* absent: the previous record's tid */
	RN_C2_TG = 1u << 6,   /* absent: the same as tid */
	RN_C2_NT = 1u << 7,   /* absent: the previous record's nt */
	RN_C2_NR = 1u << 8,   /* absent: the thread's last nr (calls), or -1 */
	RN_C2_RET = 1u << 9,  /* absent: 0 */
	RN_C2_AUX = 1u << 10, /* absent: 0 */
	RN_C2_ERR = 1u << 11, /* flag: the call failed */
	RN_C2_RT = 1u << 12,  /* absent: the last rt of this nr in the frame */
	RN_C2_MORE = 1u << 13,
	RN_C2_FP = 1u << 14,
	RN_C2_DUR = 1u << 15, /* exit: dur given; absent: dt (the thread's
				 previous record was its entry) */
	RN_C2_NODUR = 1u << 16, /* exit: no entry time known */
	RN_C2_DN = 1u << 17,  /* absent: 0 (or dur with RN_C2_DNDUR) */
	RN_C2_DNDUR = 1u << 18,
	RN_C2_RP = 1u << 19,
	RN_C2_V = 1u << 20,
	RN_C2_IP = 1u << 21,  /* -i's instruction pointer, after rp; absent: 0 */
};

/* A value node's head: kind, which elements follow, and its flags. */
enum {
	RN_C2N_KIND = 0x1f,
	RN_C2N_NAME = 1u << 5,
	RN_C2N_NUM = 1u << 6,
	RN_C2N_BYTES = 1u << 7,
	RN_C2N_DESC = 1u << 8,
	RN_C2N_FLAGS_SHIFT = 9,
};

/* A check record follows at least every this many msgpack bytes. */
#define RN_C2_CHUNK 4096u
/* Strings of these lengths enter the table at their first use. */
#define RN_C2_STR_MIN 2u
#define RN_C2_STR_MAX 1024u
#define RN_C2_STR_COUNT (1u << 20) /* the table stops growing there */
#define RN_C2_NRS 1024u            /* numbers with a remembered rt */

/* CRC-32 (IEEE 802.3, as zlib's crc32): crc of the bytes so far, or 0. */
uint32_t rn_c2_crc32(uint32_t crc, const void *p, size_t n);

struct rn_c2_str {
	uint64_t hash;
	uint32_t off, len;
};

struct rn_c2_strtab {
	struct rn_c2_str *e;  /* by index */
	uint32_t n, cap;
	uint32_t *slot;       /* hash index: index + 1, 0 empty */
	uint32_t nslot;
	char *data;
	size_t len, capdata;
};

struct rn_c2_thread {
	int32_t tid;
	int32_t nr;
	uint64_t ts;
};

struct rn_c2_state {
	struct rn_c2_strtab strs;
	struct rn_c2_thread *th; /* open addressing by tid; tid 0 free */
	size_t nth, capth;
	uint64_t prev_seq, prev_ts;
	int32_t prev_tid;
	uint32_t prev_nt;
	uint8_t rt[RN_C2_NRS];
};

void rn_c2_reset(struct rn_c2_state *s);
void rn_c2_free(struct rn_c2_state *s);
/* Does a string of n bytes enter the table at its first use? */
int rn_c2_storable(const struct rn_c2_state *s, size_t n);
/* Its index, or -1. */
long rn_c2_str_find(const struct rn_c2_state *s, const void *p, size_t n);
void rn_c2_str_add(struct rn_c2_state *s, const void *p, size_t n);
/* Entry i: 1 and its bytes, or 0 when there is none. */
int rn_c2_str_get(const struct rn_c2_state *s, uint64_t i, const char **p, size_t *n);
/* The thread's state; *fresh when it is its first record in the frame. */
struct rn_c2_thread *rn_c2_thread(struct rn_c2_state *s, int32_t tid, int *fresh);

/* The default rt of an exit of nr. */
static inline unsigned rn_c2_rt(const struct rn_c2_state *s, int32_t nr)
{
	return nr >= 0 && (uint32_t)nr < RN_C2_NRS ? s->rt[nr] : 1;
}

/* Decode one event record (an array) into ev, s's state moved on as the
 * writer's was. Names are given to intern (they must outlive ev). 1: an
 * event; 0: a record of a kind this reader does not know (ignored); -1:
 * malformed. */
typedef const char *(*rn_c2_intern_fn)(void *ctx, const char *p, size_t n);
int rn_c2_decode(struct rn_c2_state *s, const msgpack_object *o, struct rn_event *ev,
		 rn_c2_intern_fn intern, void *ctx);

#endif /* RENACER_CAPTURE_V2_H */
