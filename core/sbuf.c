/* sbuf.c - growable output buffer (see include/renacer/sbuf.h). */
#include "renacer/sbuf.h"

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
