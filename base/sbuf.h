/*
 * sbuf.h - a growable byte buffer for building output text.
 * Contract: owned by one thread at a time; never NUL-terminated unless the
 * caller asks (rn_sbuf_cstr). Allocation failure aborts: a tracer that
 * cannot allocate a few bytes cannot keep its no-loss promise either.
 */
#ifndef RENACER_SBUF_H
#define RENACER_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct rn_sbuf {
	char *p;
	size_t len;
	size_t cap;
};

void rn_sbuf_reserve(struct rn_sbuf *b, size_t extra);
void rn_sbuf_put(struct rn_sbuf *b, const void *s, size_t n);
void rn_sbuf_puts(struct rn_sbuf *b, const char *s);
void rn_sbuf_putc(struct rn_sbuf *b, char c);
void rn_sbuf_printf(struct rn_sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Numbers without printf (the writer formats a few per event; vsnprintf
 * was two thirds of its instructions). width > 0 pads on the left, < 0 on
 * the right, with spaces, as printf's %5d and %-5d. */
void rn_sbuf_put_i64(struct rn_sbuf *b, int64_t v, int width);
void rn_sbuf_put_u64(struct rn_sbuf *b, uint64_t v, int width);
void rn_sbuf_put_hex(struct rn_sbuf *b, uint64_t v); /* %#x: 0x1f, and 0 */
const char *rn_sbuf_cstr(struct rn_sbuf *b); /* NUL-terminates, returns p */
void rn_sbuf_reset(struct rn_sbuf *b);        /* len = 0, keeps memory */
void rn_sbuf_free(struct rn_sbuf *b);

#endif /* RENACER_SBUF_H */
