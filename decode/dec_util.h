/*
 * dec_util.h - helpers shared by the struct decoders (dec_*.c), private to
 * decode/. Every rn_dec_X follows decode.h: it appends exactly one value
 * named after its argument, reads the tracee only through mem.h, and shows
 * the address when the memory cannot be read.
 */
#ifndef RENACER_DEC_UTIL_H
#define RENACER_DEC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "base/mem.h"
#include "decode/value.h"

#define DU_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The argument's name, as every decoder names its value. */
static inline const char *du_argname(const struct rn_dctx *c, unsigned argi)
{
	return c->sc && argi < 6 ? c->sc->args[argi].name : NULL;
}

/* Read exactly len bytes at addr of the tracee: 0, or -1. */
static inline int du_read(const struct rn_dctx *c, uint64_t addr, void *buf, size_t len)
{
	return rn_mem_read(c->tid, addr, buf, len);
}

/* Read for a struct_io decoder at exit: only while the tracee is held or
 * from the tracer's copy (the tracer holds or copies such calls at exit,
 * failed ones included); at entry (c->saving) the entry's covers it. */
static inline int du_read_io(const struct rn_dctx *c, uint64_t addr, void *buf, size_t len)
{
	if (c->exit && !(c->exit->flags & (RN_REC_HELD | RN_REC_SNAPSHOT)))
		return -1;
	return rn_mem_read(c->tid, addr, buf, len);
}

/* Whether the call returned (at exit) without an error. */
static inline int du_ok(const struct rn_dctx *c)
{
	return c->exit && !(c->exit->flags & RN_REC_ERROR);
}

/* The call's return value at exit (0 at entry). */
static inline int64_t du_ret(const struct rn_dctx *c)
{
	return c->exit ? c->exit->ret : 0;
}

/* Raw register value of argument i. */
static inline uint64_t du_arg(const struct rn_dctx *c, unsigned i)
{
	return i < 6 ? c->entry->args[i] : 0;
}

/* The index of the argument named name, or -1. */
int du_argidx(const struct rn_dctx *c, const char *name);

/* Saved words (decode.h): at entry (c->saving) a struct_io decoder keeps
 * two words for its argument; at exit it gets them back (returns 1), or
 * learns there are none (returns 0: no storage, or nothing was saved). */
void du_save(struct rn_dctx *c, unsigned argi, uint64_t a, uint64_t b);
int du_saved(const struct rn_dctx *c, unsigned argi, uint64_t *a, uint64_t *b);

/* Flags from a local table: FLAGS node with the names of the set bits
 * (multi-bit masks first in the table) and the rest in hex; zero shown as
 * zero_name or "0". */
uint32_t du_flags(struct rn_values *vs, const char *name, const struct rn_flag *items,
		  unsigned n, const char *zero_name, uint64_t v);
/* Enum from a local table: the name, or the number (hex if as_hex). */
uint32_t du_enum(struct rn_values *vs, const char *name, const struct rn_flag *items,
		 unsigned n, int as_hex, int64_t v);
/* The name of v in a local table, or NULL. */
const char *du_lookup(const struct rn_flag *items, unsigned n, uint64_t v);

/* A number shown as an expression (htons(80), 8192*1024): the number is
 * kept for other renderers, the text for strace's. */
uint32_t du_expr(struct rn_values *vs, const char *name, uint64_t u, const char *text);

/* A timespec/timeval struct value: {tv_sec=1, tv_nsec=2}. */
void du_timespec_val(struct rn_values *vs, const char *name, int64_t sec, int64_t nsec);
void du_timeval_val(struct rn_values *vs, const char *name, int64_t sec, int64_t usec);
/* strace's date comment "1970-01-01T00:00:01.000000002+0000" (digits of
 * the fraction: 9 for ns, 6 for us, 0 for none). */
void du_time_comment(char *buf, size_t size, int64_t sec, int64_t frac, int digits);

/* File mode as strace: S_IFREG|S_ISUID|0755 (an octal value with the
 * expression as its text). */
uint32_t du_mode(struct rn_values *vs, const char *name, uint32_t mode);

/* A signal set of len bytes at buf as strace: [CHLD USR1], ~[RTMIN RT_1]. */
void du_sigset_val(struct rn_values *vs, const char *name, const unsigned char *buf,
		   size_t len);

/* A struct of n integer fields: {fields[0]=v[0], ...}, signed or not. */
void du_int_fields(struct rn_values *vs, const char *name, const char *const *fields,
		   const int64_t *v, unsigned n, int is_signed);

/* An int the tracee points to, as [N]; the address when NULL or unreadable. */
void du_int_at(struct rn_dctx *c, const char *name, uint64_t addr);
/* The same for a descriptor stored there (a pidfd): [3</path>] with -y. */
void du_fd_at(struct rn_dctx *c, const char *name, uint64_t addr);

/* An array of n elements of size bytes (at most 64) at addr, each shown by
 * show(c, element, ctx) as one value: at most -s of them, then "...";
 * the address when the first one cannot be read, "..." where a later one
 * cannot; [] when n is 0. */
typedef void du_elem_fn(struct rn_dctx *c, const void *elem, void *ctx);
void du_array(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n, size_t size,
	      du_elem_fn *show, void *ctx);

/* A sockaddr of len bytes already read into buf. */
void du_sockaddr_val(struct rn_dctx *c, const char *name, const unsigned char *buf,
		     size_t len);
/* A sockaddr at addr, len bytes (clamped to sockaddr_storage). */
void du_sockaddr(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t len);

/* An iovec array of n entries at addr; the data of each element shown up to
 * -s bytes and, in total, up to data_limit bytes (UINT64_MAX: no limit);
 * with show_data 0 only the addresses. */
void du_iovec(struct rn_dctx *c, const char *name, uint64_t addr, uint64_t n, int show_data,
	      uint64_t data_limit);

#endif /* RENACER_DEC_UTIL_H */
