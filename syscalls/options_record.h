/*
 * options_record.h - the options a capture's header records: each field of
 * struct rn_options the renderers need, its msgpack key and how it is
 * written. The capture's writer packs them in this order and its reader
 * reads them back by key, so both follow this one list: a field added here
 * is recorded and read, under the same key (capture/CAPTURE.md).
 */
#ifndef RENACER_OPTIONS_RECORD_H
#define RENACER_OPTIONS_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum rn_rec_kind {
	RN_REC_BOOL,    /* int, written as true/false */
	RN_REC_INT,     /* int, written signed */
	RN_REC_UINT,    /* unsigned, written unsigned */
	RN_REC_U64,     /* uint64_t */
	RN_REC_U8,      /* uint8_t, written unsigned */
	RN_REC_BOOL8,   /* uint8_t, written as true/false */
	RN_REC_TEXT,    /* const char *, str (bin when not UTF-8) or nil */
	RN_REC_PIDS,    /* pid_t * with its count at off_n: an array */
	RN_REC_STRV,    /* NULL-terminated char **: an array of text, or nil */
	RN_REC_COLUMNS, /* uint8_t[RN_SUM__COUNT] ended by RN_SUM_END: an array */
	RN_REC_MAP,     /* a map of the sub list */
	RN_REC_FILE_PREFIX, /* not an option: the capture info's file_prefix,
			       recorded even without options */
};

struct rn_opt_record {
	const char *key;
	enum rn_rec_kind kind;
	size_t off;     /* offsetof(struct rn_options, ...) */
	size_t off_n;   /* RN_REC_PIDS: offset of the count (int) */
	uint64_t max;   /* read: a larger value (or a negative one) is ignored;
			   0: any value */
	uint64_t mask;  /* read: only these bits are kept; 0: all */
	const struct rn_opt_record *sub; /* RN_REC_MAP */
	size_t nsub;
};

extern const struct rn_opt_record rn_opt_records[];
extern const size_t rn_opt_nrecords;

/* How many entries of list a header writes: all of them with options,
 * else only those that are not options. */
size_t rn_opt_records_written(const struct rn_opt_record *list, size_t n, int have_options);

/* The record of the options field at offset off (the key it is recorded
 * under), or NULL when that field is not recorded. */
const struct rn_opt_record *rn_opt_record_at(size_t off);

#endif /* RENACER_OPTIONS_RECORD_H */
