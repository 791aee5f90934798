/* sbuf.c - growable output buffer (see base/sbuf.h). */
#include "base/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rn_sbuf_reserve(struct rn_sbuf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		fputs("renacer: out of memory\n", stderr);
		abort();
	}
	b->p = p;
	b->cap = cap;
}

void rn_sbuf_put(struct rn_sbuf *b, const void *s, size_t n)
{
	if (n == 0)
		return; /* b->p may still be NULL: NULL + 0 is undefined */
	rn_sbuf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void rn_sbuf_puts(struct rn_sbuf *b, const char *s)
{
	rn_sbuf_put(b, s, strlen(s));
}

void rn_sbuf_putc(struct rn_sbuf *b, char c)
{
	rn_sbuf_reserve(b, 1);
	b->p[b->len++] = c;
}

/* digits of v, backwards from end; returns the first */
static char *u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void put_padded(struct rn_sbuf *b, const char *s, size_t n, int width)
{
	size_t w = (size_t)(width < 0 ? -width : width);
	size_t pad = w > n ? w - n : 0;
	rn_sbuf_reserve(b, n + pad);
	if (width > 0) {
		memset(b->p + b->len, ' ', pad);
		b->len += pad;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	if (width < 0) {
		memset(b->p + b->len, ' ', pad);
		b->len += pad;
	}
}

void rn_sbuf_put_u64(struct rn_sbuf *b, uint64_t v, int width)
{
	char tmp[24];
	char *s = u64_digits(tmp + sizeof(tmp), v);
	put_padded(b, s, (size_t)(tmp + sizeof(tmp) - s), width);
}

void rn_sbuf_put_i64(struct rn_sbuf *b, int64_t v, int width)
{
	char tmp[24];
	/* the magnitude as unsigned: INT64_MIN has no positive int64_t */
	char *s = u64_digits(tmp + sizeof(tmp), v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--s = '-';
	put_padded(b, s, (size_t)(tmp + sizeof(tmp) - s), width);
}

void rn_sbuf_put_hex(struct rn_sbuf *b, uint64_t v)
{
	char tmp[24];
	char *s = tmp + sizeof(tmp);
	if (v == 0) {
		rn_sbuf_putc(b, '0');
		return;
	}
	while (v) {
		*--s = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
	*--s = 'x';
	*--s = '0';
	rn_sbuf_put(b, s, (size_t)(tmp + sizeof(tmp) - s));
}

void rn_sbuf_printf(struct rn_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	rn_sbuf_reserve(b, 64);
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		rn_sbuf_reserve(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

const char *rn_sbuf_cstr(struct rn_sbuf *b)
{
	rn_sbuf_reserve(b, 1);
	b->p[b->len] = '\0';
	return b->p;
}

void rn_sbuf_reset(struct rn_sbuf *b)
{
	b->len = 0;
}

void rn_sbuf_free(struct rn_sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
