/*
 * utf8.h - UTF-8 well-formedness (RFC 3629), for the outputs that must
 * say whether bytes are text (JSON strings, msgpack str vs bin).
 * Contract: pure functions, any thread.
 */
#ifndef RENACER_UTF8_H
#define RENACER_UTF8_H

#include <stddef.h>

/* Length (1-4) of the well-formed sequence at p[0..n), n > 0; 0 when p[0]
 * starts none: no overlong forms, no surrogates, nothing past U+10FFFF. */
size_t rn_utf8_len(const unsigned char *p, size_t n);
/* 1 when all of p[0..n) is well-formed UTF-8. */
int rn_utf8_valid(const void *p, size_t n);

#endif /* RENACER_UTF8_H */
